package memtidbok

import (
	"context"
	"slices"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// query is an availability request resolved against one facility.
type query struct {
	f *facility
	// gpos holds, per group of f, -1 when the group does not match the
	// request, and otherwise its performer's position in perfs (0 when
	// the request names no performers).
	gpos []int32
	// perfs are the requested performers known to f, deduplicated, in
	// request order; split reports that the request named performers, so
	// answers are per performer.
	perfs []tidbok.HSAID
	split bool
	// tt is the time type of every matching group when they share one,
	// so that a scan reads only that type's run of a day; -1 otherwise.
	tt    int32
	now   int64 // unix nanoseconds
	today int32 // day number of now's Swedish date
	from  int32 // first day number to answer: From, or today if later
	to    int32
}

// plan resolves req. The caller holds b.mu. The query's gpos is gbuf
// when it has room, so that a caller may keep it on its stack.
func (b *Book) plan(op tidbok.Operation, req tidbok.AvailabilityRequest, nowT int64, today int32, gbuf []int32) (query, error) {
	f, err := b.facility(op, req.Facility)
	if err != nil {
		return query{}, err
	}
	q := query{f: f, tt: -1, now: nowT, today: today, from: max(dayNumber(req.From), today), to: dayNumber(req.To)}

	// Rescheduling: the booking's time type and resource govern.
	var bookedTT string
	var bookedRes tidbok.Resource
	if req.BookingID != "" {
		bk := b.booking(req.BookingID)
		if bk == nil || bk.subject != req.Subject {
			return query{}, bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoBooking)
		}
		bookedTT, bookedRes = b.timeTypeOf(bk).ID, b.resourceOf(bk)
	}

	// Performers: the facility's indexes of those asked for, in request
	// order, each once; a group's position is its performer's place here.
	var perfIdx []int32
	if len(req.Performers) > 0 {
		q.split = true
		for _, h := range req.Performers {
			if i, ok := f.perfIdx[h]; ok && !slices.Contains(perfIdx, i) {
				perfIdx = append(perfIdx, i)
				q.perfs = append(q.perfs, f.performers[i].ID)
			}
		}
	}

	if len(f.groups) <= cap(gbuf) {
		q.gpos = gbuf[:len(f.groups)]
	} else {
		q.gpos = make([]int32, len(f.groups))
	}
	// The filters, resolved once per time type, care type and resource
	// of f (a few each) rather than once per group: pass holds the time
	// types' verdicts, then the care types', then the resources'.
	var passBuf [64]bool
	pass := passBuf[:0]
	if n := len(f.timeTypes) + len(f.careTypes) + len(f.resources); n > len(passBuf) {
		pass = make([]bool, 0, n)
	}
	for _, t := range f.timeTypes {
		pass = append(pass, matchType(t.ID, t.Name, req.TimeType.ID, req.TimeType.Name) && (bookedTT == "" || t.ID == bookedTT))
	}
	ctAt := int32(len(pass))
	for _, c := range f.careTypes {
		pass = append(pass, matchType(c.ID, c.Name, req.CareType.ID, req.CareType.Name))
	}
	resAt := int32(len(pass))
	for _, r := range f.resources {
		pass = append(pass, bookedRes.ID == "" || r.ID == bookedRes.ID)
	}

	oneTT := true
	for g := range f.groups {
		k := f.groups[g].key
		pos := int32(0)
		ok := pass[k.tt] && pass[ctAt+k.ct] && pass[resAt+k.res]
		if ok && q.split {
			pos = int32(slices.Index(perfIdx, k.perf))
			ok = pos >= 0 && k.perf != 0
		}
		if !ok {
			pos = -1
		} else if oneTT && q.tt != k.tt {
			oneTT = q.tt == -1
			q.tt = k.tt
		}
		q.gpos[g] = pos
	}
	if !oneTT {
		q.tt = -1
	}
	return q, nil
}

// matchType reports whether a type (id, name) passes a filter: by ID when
// the filter has one, else by name, else always.
func matchType(id, name, wantID, wantName string) bool {
	switch {
	case wantID != "":
		return id == wantID
	case wantName != "":
		return name == wantName
	}
	return true
}

// days calls fn for each day of q.f within [q.from, q.to], in order.
func (q *query) days(fn func(d *day)) {
	f := q.f
	for k := f.dayIndex(q.from); k < len(f.days) && f.days[k].num <= q.to; k++ {
		fn(f.days[k])
	}
}

// scanFrom returns the first entry of d worth scanning: on the current
// date, the first that has not started.
func (b *Book) scanFrom(q *query, d *day) int {
	if d.num == q.today {
		return firstAfter(d, q.now)
	}
	return 0
}

// AvailableDates returns the dates in [From, To] with at least one free,
// web-bookable slot that has not started and matches the request: one
// entry per date with Facility, Date and the request's TimeType filter or,
// when the request names Performers, one per date and performer with free
// slots (performers in request order). With a BookingID, only slots of
// that booking's time type (and resource, if it has one) count.
func (b *Book) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	if err := b.prelude(ctx, tidbok.OpAvailableDates, req.Validate()); err != nil {
		return tidbok.AvailableDatesResult{}, err
	}
	now := b.cfg.Clock()
	today := dayNumber(tidbok.DateOf(now))
	b.mu.RLock()
	defer b.mu.RUnlock()
	var gbuf [128]int32
	q, err := b.plan(tidbok.OpAvailableDates, req, now.UnixNano(), today, gbuf[:])
	if err != nil {
		return tidbok.AvailableDatesResult{}, err
	}
	out := make([]tidbok.DateAvailability, 0, min(max(q.to-q.from+1, 0), 31))
	var found []bool
	if q.split {
		found = make([]bool, len(q.perfs))
	}
	q.days(func(d *day) {
		if !q.split {
			if b.dayHas(&q, d) {
				out = append(out, tidbok.DateAvailability{Facility: q.f.info.ID, Date: d.date, TimeType: req.TimeType})
			}
			return
		}
		clear(found)
		b.dayPerformers(&q, d, found)
		for pos, ok := range found {
			if ok {
				out = append(out, tidbok.DateAvailability{Facility: q.f.info.ID, Date: d.date, Performer: q.perfs[pos], TimeType: req.TimeType})
			}
		}
	})
	return tidbok.AvailableDatesResult{Dates: out}, nil
}

// dayHas reports whether d has an offerable, matching slot that has not
// started.
func (b *Book) dayHas(q *query, d *day) bool {
	if d.num != q.today {
		for _, c := range d.free {
			if c.n > 0 && q.gpos[c.group] >= 0 {
				return true
			}
		}
		return false
	}
	for _, g := range d.tags[b.scanFrom(q, d):] {
		if g&entryOfferable != 0 && q.gpos[tagGroup(g)] >= 0 {
			return true
		}
	}
	return false
}

// dayPerformers marks in found the positions of the performers with an
// offerable, matching slot on d that has not started.
func (b *Book) dayPerformers(q *query, d *day, found []bool) {
	if d.num != q.today {
		for _, c := range d.free {
			if c.n > 0 {
				if pos := q.gpos[c.group]; pos >= 0 {
					found[pos] = true
				}
			}
		}
		return
	}
	for _, g := range d.tags[b.scanFrom(q, d):] {
		if g&entryOfferable != 0 {
			if pos := q.gpos[tagGroup(g)]; pos >= 0 {
				found[pos] = true
			}
		}
	}
}

// AvailableTimeslots returns the free, web-bookable slots on the dates
// [From, To] that have not started and match the request, ordered by
// start, then ID. Each carries the facility, performer (with name),
// resource, time type and care type. With a BookingID, only slots of that
// booking's time type (and resource, if it has one) are listed.
func (b *Book) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	if err := b.prelude(ctx, tidbok.OpAvailableTimeslots, req.Validate()); err != nil {
		return tidbok.AvailableTimeslotsResult{}, err
	}
	now := b.cfg.Clock()
	today := dayNumber(tidbok.DateOf(now))
	b.mu.RLock()
	defer b.mu.RUnlock()
	var gbuf [128]int32
	q, err := b.plan(tidbok.OpAvailableTimeslots, req, now.UnixNano(), today, gbuf[:])
	if err != nil {
		return tidbok.AvailableTimeslotsResult{}, err
	}
	return b.freeSlots(&q), nil
}

// freeSlots builds the answer of the slots q matches. It counts them, and
// the groups they belong to, first, from the day counters, so that the
// answer is allocated once; each group's fields go into the answer once,
// as a template, and each slot adds only its ID (a part of the book's ID
// strings) and times.
func (b *Book) freeSlots(q *query) tidbok.AvailableTimeslotsResult {
	groups := q.f.groups
	// tmpl holds, per group, its template in the answer: -1 before the
	// group is seen, -2 once counted.
	var tmplBuf [128]int32
	var tmpl []int32
	if len(groups) <= len(tmplBuf) {
		tmpl = tmplBuf[:len(groups)]
	} else {
		tmpl = make([]int32, len(groups))
	}
	for i := range tmpl {
		tmpl[i] = -1
	}
	n, ng := 0, 0
	see := func(g int32) {
		if tmpl[g] == -1 {
			tmpl[g] = -2
			ng++
		}
	}
	q.days(func(d *day) {
		if d.num != q.today {
			for _, c := range d.free {
				if c.n > 0 && q.gpos[c.group] >= 0 {
					n += int(c.n)
					see(c.group)
				}
			}
			return
		}
		if q.tt >= 0 {
			es := d.run(q.tt)
			for _, e := range es[firstAfterIn(es, q.now):] {
				if e.g&entryOfferable != 0 && q.gpos[e.group()] >= 0 {
					n++
					see(e.group())
				}
			}
			return
		}
		for _, g := range d.tags[b.scanFrom(q, d):] {
			if g&entryOfferable != 0 && q.gpos[tagGroup(g)] >= 0 {
				n++
				see(tagGroup(g))
			}
		}
	})
	if n == 0 {
		return tidbok.AvailableTimeslotsResult{}
	}
	var out tidbok.TimeslotsBuilder
	out.Grow(n, ng)
	l := loc()
	q.days(func(d *day) {
		if d.num != q.today && !b.dayHas(q, d) {
			return
		}
		if q.tt >= 0 {
			es := d.run(q.tt)
			if d.num == q.today {
				es = es[firstAfterIn(es, q.now):]
			}
			for k := range es {
				e := &es[k]
				gi := e.group()
				if !e.offerable() || q.gpos[gi] < 0 {
					continue
				}
				t := tmpl[gi]
				if t < 0 {
					t = int32(out.TemplateShared(groups[gi].tmpl, l))
					tmpl[gi] = t
				}
				out.AddUnixNano(int(t), b.slotID(e.slot), e.start, e.end)
			}
			return
		}
		from := b.scanFrom(q, d)
		for j, g := range d.tags[from:] {
			gi := tagGroup(g)
			if g&entryOfferable == 0 || q.gpos[gi] < 0 {
				continue
			}
			t := tmpl[gi]
			if t < 0 {
				t = int32(out.TemplateShared(groups[gi].tmpl, l))
				tmpl[gi] = t
			}
			e := &d.entries[from+j]
			out.AddUnixNano(int(t), b.slotID(e.slot), e.start, e.end)
		}
	})
	return out.Result()
}
