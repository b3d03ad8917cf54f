package sqltidbok

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// search is an availability request resolved into the conditions of one
// query over the facility's slots (alias s, joined as slotJoins does).
type search struct {
	facility tidbok.HSAID
	where    strings.Builder
	args     []any
	// perfs are the performers asked for, each once, in request order;
	// split reports that the request named performers, so that
	// AvailableDates answers per performer.
	perfs []string
	split bool
}

// plan resolves req. A BookingID must name the citizen's booking; its
// time type and resource then govern which slots count.
func (b *Book) plan(ctx context.Context, op tidbok.Operation, req tidbok.AvailabilityRequest, now time.Time) (*search, error) {
	if _, err := b.facilityName(ctx, b.db, op, req.Facility); err != nil {
		return nil, err
	}
	sr := &search{facility: req.Facility}
	sr.cond("s.facility_id = ?", req.Facility.String())
	sr.cond("s.day BETWEEN ? AND ?", max(dayKey(req.From), dayOf(now)), dayKey(req.To))
	sr.cond("s.start_ns > ?", now.UnixNano())
	sr.cond("s.web_bookable AND NOT s.withdrawn")
	sr.cond("NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = s.id)")
	typeFilter(sr, "s.time_type_id", "tt.name", req.TimeType.ID, req.TimeType.Name)
	typeFilter(sr, "s.care_type_id", "ct.name", req.CareType.ID, req.CareType.Name)
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
		sr.cond("s.performer_id IN ("+marks(len(sr.perfs))+")", appendStrings(nil, sr.perfs)...)
	}
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
// the filter has one, else by name, else every slot.
func typeFilter(sr *search, idCol, nameCol, id, name string) {
	switch {
	case id != "":
		sr.cond(idCol+" = ?", id)
	case name != "":
		sr.cond(nameCol+" = ?", name)
	}
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
	out := []tidbok.DateAvailability{}
	if !sr.split {
		err = b.each(ctx, "SELECT DISTINCT s.day FROM slots s"+slotJoins+sr.where.String()+" ORDER BY s.day", sr.args, func(sc scanner) error {
			var day int64
			err := sc.Scan(&day)
			out = append(out, tidbok.DateAvailability{Facility: sr.facility, Date: dateOfKey(day), TimeType: req.TimeType})
			return err
		})
		if err != nil {
			return tidbok.AvailableDatesResult{}, wrapDB("available dates", err)
		}
		return tidbok.AvailableDatesResult{Dates: out}, nil
	}
	type pair struct {
		day  int64
		perf int
	}
	var pairs []pair
	err = b.each(ctx, "SELECT DISTINCT s.day, s.performer_id FROM slots s"+slotJoins+sr.where.String(), sr.args, func(sc scanner) error {
		var p pair
		var perf string
		err := sc.Scan(&p.day, &perf)
		p.perf = slices.Index(sr.perfs, perf)
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
	for _, p := range pairs {
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
	out := []tidbok.Timeslot{}
	err = b.each(ctx, "SELECT s.id, s.start_ns, s.end_ns, "+slotDescribe+" FROM slots s"+slotJoins+sr.where.String()+" ORDER BY s.start_ns, s.id", sr.args, func(sc scanner) error {
		var id string
		var start, end int64
		var d describe
		if err := sc.Scan(append([]any{&id, &start, &end}, d.fields()...)...); err != nil {
			return err
		}
		ts := d.timeslot()
		ts.ID, ts.Start, ts.End = id, instant(start), instant(end)
		out = append(out, ts)
		return nil
	})
	if err != nil {
		return tidbok.AvailableTimeslotsResult{}, wrapDB("available timeslots", err)
	}
	return tidbok.AvailableTimeslotsResult{Timeslots: out}, nil
}
