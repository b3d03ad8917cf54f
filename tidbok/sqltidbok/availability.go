package sqltidbok

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/internal/sqldb"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// search is an availability request resolved into the conditions of one
// query over the facility's slots (alias s): where, with args, holds every
// condition but the dates, which are the days from through to (yyyymmdd).
type search struct {
	facility tidbok.HSAID
	where    strings.Builder
	args     []any
	from, to int64
	// seek is, with from, where the slots that count begin in the
	// indexes' order (day, start_ns): now on today, else before any.
	seek int64
	// perfs are the performers asked for, each once, in request order;
	// split reports that the request named performers, so that
	// AvailableDates answers per performer. The condition on them is not
	// in where.
	perfs []string
	split bool
	// whole reports that the search asks for every free slot of the
	// facility: no type, booking or performer narrows it.
	whole bool
}

// plan resolves req. A BookingID must name the citizen's booking; its
// time type and resource then govern which slots count.
//
// The conditions name only the slot's own columns, types by name
// included, so that each search reads its slots through one index:
// slots_by_time_type, slots_by_performer or slots_by_day.
func (b *Book) plan(ctx context.Context, op tidbok.Operation, req tidbok.AvailabilityRequest, now time.Time) (*search, error) {
	if _, err := b.facilityName(ctx, b.db, op, req.Facility); err != nil {
		return nil, err
	}
	fac := req.Facility.String()
	sr := &search{facility: req.Facility, from: max(dayKey(req.From), dayOf(now)), to: dayKey(req.To), seek: math.MinInt64}
	// Room for the usual conditions, so that they are written without
	// growing.
	sr.where.Grow(256)
	sr.args = make([]any, 0, 8)
	if sr.from == dayOf(now) {
		sr.seek = now.UnixNano()
	}
	sr.cond("s.facility_id = ?", fac)
	sr.cond("s.start_ns > ?", now.UnixNano())
	sr.cond("s.web_bookable AND NOT s.withdrawn")
	sr.cond(unbooked)
	free := sr.where.Len()
	typeFilter(sr, fac, "s.time_type_id", "time_types", req.TimeType.ID, req.TimeType.Name)
	typeFilter(sr, fac, "s.care_type_id", "care_types", req.CareType.ID, req.CareType.Name)
	if req.BookingID != "" {
		var r bookingRow
		err := r.scan(b.queryRow(ctx, b.db, bookingSelect+bookingFrom+" WHERE bk.id = ?", req.BookingID))
		switch {
		case noRows(err) || err == nil && r.subject != req.Subject.Canonical():
			return nil, bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoBooking)
		case err != nil:
			return nil, err
		}
		sr.cond("s.time_type_id = ?", r.describe.timeType)
		if r.describe.resource != "" {
			sr.cond("s.resource_id = ?", r.describe.resource)
		}
	}
	if len(req.Performers) > 0 {
		sr.split = true
		for _, h := range req.Performers {
			if id := h.String(); !slices.Contains(sr.perfs, id) {
				sr.perfs = append(sr.perfs, id)
			}
		}
	}
	sr.whole = !sr.split && sr.where.Len() == free
	return sr, nil
}

// cond adds a condition with its arguments.
func (sr *search) cond(c string, args ...any) {
	if sr.where.Len() == 0 {
		sr.where.WriteString(" WHERE ")
	} else {
		sr.where.WriteString(" AND ")
	}
	sr.where.WriteString(c)
	sr.args = append(sr.args, args...)
}

// typeFilter keeps slots of a type matched as memtidbok does: by ID when
// the filter has one, else by name (looked up in the facility's register
// table), else every slot.
func typeFilter(sr *search, facility, idCol, table, id, name string) {
	switch {
	case id != "":
		sr.cond(idCol+" = ?", id)
	case name != "":
		sr.cond(idCol+" IN (SELECT n.id FROM "+table+" n WHERE n.facility_id = ? AND n.name = ?)", facility, name)
	}
}

// freeDays returns a recursive query, days (n, day), of the days with a
// free slot that matches sr: one walk per performer asked for (n its
// place in sr.perfs), or one walk (n = 0) over the whole search when none
// was asked for, with its arguments. Each step asks for the first
// matching slot after the last day found, in day order through an index
// (slots_by_day, slots_by_time_type or slots_by_performer), and stops
// there: it reads one slot per day with free slots, however many the day
// has, plus the slots that do not match before it (a fully booked day is
// read to its end). So the cost grows with the days asked for, never with
// the book. The first step seeks past the slots of today that have
// started, by (day, start_ns), instead of reading them.
// writeWalks writes to q, when the search is split by performer, the
// table walks (n, id) of its performers, one row each, and returns args
// with their IDs and the condition that ties a slot to its walk's
// performer; otherwise it writes nothing and the condition is empty.
func (sr *search) writeWalks(q *strings.Builder, args []any) ([]any, string) {
	if !sr.split {
		return args, ""
	}
	q.WriteString("walks (n, id) AS (")
	for i, id := range sr.perfs {
		if i == 0 {
			q.WriteString("SELECT 0 AS n, CAST(? AS TEXT) AS id")
		} else {
			q.WriteString(" UNION ALL SELECT " + strconv.Itoa(i) + ", ?")
		}
		args = append(args, id)
	}
	q.WriteString("), ")
	return args, " AND s.performer_id = walks.id"
}

func (sr *search) freeDays() (string, []any) {
	where := sr.where.String()
	var q strings.Builder
	var args []any
	q.WriteString("WITH RECURSIVE ")
	args, perf := sr.writeWalks(&q, args)
	from := " FROM (SELECT 0 AS n, '' AS id) walks"
	if perf != "" {
		from = " FROM walks"
	}
	q.WriteString("days (n, id, day) AS (SELECT walks.n, walks.id, (SELECT s.day FROM slots s" + where + perf +
		" AND (s.day, s.start_ns) > (?, ?) AND s.day <= ? ORDER BY s.day LIMIT 1)" + from +
		" UNION ALL SELECT walks.n, walks.id, (SELECT s.day FROM slots s" + where + perf +
		" AND s.day > walks.day AND s.day <= ? ORDER BY s.day LIMIT 1) FROM days walks WHERE walks.day IS NOT NULL)")
	args = append(args, sr.args...)
	args = append(args, sr.from, sr.seek, sr.to)
	args = append(args, sr.args...)
	args = append(args, sr.to)
	return q.String(), args
}

// AvailableDates returns the dates in [From, To] with at least one free,
// web-bookable slot that has not started and matches the request: one
// entry per date with Facility, Date and the request's TimeType filter or,
// when the request names Performers, one per date and performer with free
// slots (performers in request order). With a BookingID, only slots of
// that booking's time type (and resource, if it has one) count.
func (b *Book) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	const op = tidbok.OpAvailableDates
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.AvailableDatesResult{}, err
	}
	now := b.cfg.Clock()
	sr, err := b.plan(ctx, op, req, now)
	if err != nil {
		return tidbok.AvailableDatesResult{}, wrapDB("available dates", err)
	}
	type pair struct {
		day  int64
		perf int
	}
	var pairs []pair
	days, args := sr.freeDays()
	switch {
	case b.dialect != sqldb.SQLite:
	case sr.whole:
		days, args = sr.freeDaysCounted()
	case sr.listDays():
		days, args = sr.freeDaysListed()
	}
	err = b.each(ctx, days+" SELECT days.day, days.n FROM days WHERE days.day IS NOT NULL", args, func(sc scanner) error {
		var p pair
		err := sc.Scan(&p.day, &p.perf)
		pairs = append(pairs, p)
		return err
	})
	if err != nil {
		return tidbok.AvailableDatesResult{}, wrapDB("available dates", err)
	}
	slices.SortFunc(pairs, func(x, y pair) int {
		if x.day != y.day {
			return int(x.day - y.day)
		}
		return x.perf - y.perf
	})
	out := make([]tidbok.DateAvailability, 0, len(pairs))
	for _, p := range pairs {
		if !sr.split {
			out = append(out, tidbok.DateAvailability{Facility: sr.facility, Date: dateOfKey(p.day), TimeType: req.TimeType})
			continue
		}
		out = append(out, tidbok.DateAvailability{
			Facility:  sr.facility,
			Date:      dateOfKey(p.day),
			Performer: parseHSAID(sr.perfs[p.perf]),
			TimeType:  req.TimeType,
		})
	}
	return tidbok.AvailableDatesResult{Dates: out}, nil
}

// AvailableTimeslots returns the free, web-bookable slots on the dates
// [From, To] that have not started and match the request, ordered by
// start, then ID. Each carries the facility, performer (with name),
// resource, time type and care type. With a BookingID, only slots of that
// booking's time type (and resource, if it has one) are listed.
func (b *Book) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	const op = tidbok.OpAvailableTimeslots
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.AvailableTimeslotsResult{}, err
	}
	now := b.cfg.Clock()
	sr, err := b.plan(ctx, op, req, now)
	if err != nil {
		return tidbok.AvailableTimeslotsResult{}, wrapDB("available timeslots", err)
	}
	// One day, the common case, by equality: the index then gives the
	// slots in the answer's order, (start_ns, id), without a sort.
	// The conditions go on in sr itself, which serves this call only.
	if sr.from == sr.to {
		sr.cond("s.day = ?", sr.from)
	} else {
		sr.cond("s.day BETWEEN ? AND ?", sr.from, sr.to)
	}
	if sr.split {
		sr.where.WriteString(" AND s.performer_id IN (")
		sr.where.WriteString(marks(len(sr.perfs)))
		sr.where.WriteString(")")
		sr.args = appendStrings(sr.args, sr.perfs)
	}
	where, args := sr.where.String(), sr.args
	// The slots' own columns only: the names come from the book's
	// snapshot of the registers, read again if a slot names an entry it
	// lacks.
	var rows []freeSlot
	ok := false
	if b.dialect == sqldb.SQLite {
		var n int64
		var agg string
		sel, perf := aggregatedSlots, ""
		if len(sr.perfs) == 1 {
			sel, perf = aggregatedSlotsOf, sr.perfs[0]
		}
		var q strings.Builder
		q.Grow(len(sel) + len(where) + len(unbookedFrom))
		q.WriteString(sel)
		writeUnbookedJoin(&q, where)
		err = b.queryRow(ctx, b.db, q.String(), args...).Scan(&n, &agg)
		if err != nil {
			return tidbok.AvailableTimeslotsResult{}, wrapDB("available timeslots", err)
		}
		if rows, ok = parseSlots(agg, n, perf); ok && !slices.IsSortedFunc(rows, bySlotOrder) {
			slices.SortFunc(rows, bySlotOrder)
		}
	}
	if !ok {
		rows = nil
		err = b.each(ctx, "SELECT s.id, s.start_ns, s.end_ns, s.time_type_id, s.care_type_id, s.performer_id, s.resource_id FROM slots s"+where+" ORDER BY s.start_ns, s.id", args, func(sc scanner) error {
			var r freeSlot
			if err := sc.Scan(&r.id, &r.start, &r.end, &r.ids.timeType, &r.ids.careType, &r.ids.performer, &r.ids.resource); err != nil {
				return err
			}
			rows = append(rows, r)
			return nil
		})
	}
	if err != nil {
		return tidbok.AvailableTimeslotsResult{}, wrapDB("available timeslots", err)
	}
	fac := sr.facility.String()
	facName, err := b.facilityName(ctx, b.db, op, sr.facility)
	if err != nil {
		return tidbok.AvailableTimeslotsResult{}, wrapDB("available timeslots", err)
	}
	regs, err := b.registersOf(ctx, fac, false)
	for i := 0; err == nil && i < len(rows); i++ {
		if i > 0 && rows[i].ids == rows[i-1].ids {
			continue
		}
		if d := rows[i].ids.describe(); !regs.has(&d) {
			regs, err = b.registersOf(ctx, fac, true)
			break
		}
	}
	if err != nil {
		return tidbok.AvailableTimeslotsResult{}, wrapDB("available timeslots", err)
	}
	// Slots in a row mostly share their types, clinician and resource
	// (one clinician's day, one time type's): each is named once, as a
	// template of the answer.
	var out tidbok.TimeslotsBuilder
	out.Grow(len(rows), 1)
	tmpl := 0
	for i := range rows {
		r := &rows[i]
		if i == 0 || r.ids != rows[i-1].ids {
			d := r.ids.describe()
			tmpl = out.TemplateIn(regs.timeslot(sr.facility, facName, &d), tidbok.Stockholm())
		}
		out.AddUnixNano(tmpl, r.id, r.start, r.end)
	}
	return out.Result(), nil
}
