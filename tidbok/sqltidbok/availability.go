package sqltidbok

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// search is an availability request resolved into the conditions of one
// query over the facility's slots (alias s): where, with args, holds every
// condition but the dates, which are the days from through to (yyyymmdd).
type search struct {
	facility tidbok.HSAID
	where    strings.Builder
	args     []any
	from, to int64
	// perfs are the performers asked for, each once, in request order;
	// split reports that the request named performers, so that
	// AvailableDates answers per performer. The condition on them is not
	// in where.
	perfs []string
	split bool
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
	sr := &search{facility: req.Facility, from: max(dayKey(req.From), dayOf(now)), to: dayKey(req.To)}
	sr.cond("s.facility_id = ?", fac)
	sr.cond("s.start_ns > ?", now.UnixNano())
	sr.cond("s.web_bookable AND NOT s.withdrawn")
	sr.cond("NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = s.id)")
	typeFilter(sr, fac, "s.time_type_id", "time_types", req.TimeType.ID, req.TimeType.Name)
	typeFilter(sr, fac, "s.care_type_id", "care_types", req.CareType.ID, req.CareType.Name)
	if req.BookingID != "" {
		var r bookingRow
		err := r.scan(b.queryRow(ctx, b.db, bookingSelect+bookingFrom+" WHERE bk.id = ?", req.BookingID))
		switch {
		case noRows(err) || err == nil && r.subject != req.Subject.Canonical():
			return nil, bookbase.OpErr(op, tidbok.ErrNotFound, bookbase.TextNoBooking)
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

// searchDays is a recursive query, days, of the days in [?, ?] on which
// the facility ? has slots: each step finds the next day through
// slots_by_day, one index seek a day, however many slots the day has.
// Its arguments are facility, from, to, facility, to.
const searchDays = `WITH RECURSIVE days (day) AS (
		SELECT (SELECT d.day FROM slots d WHERE d.facility_id = ? AND d.day BETWEEN ? AND ? ORDER BY d.day LIMIT 1)
		UNION ALL
		SELECT (SELECT d.day FROM slots d WHERE d.facility_id = ? AND d.day > days.day AND d.day <= ? ORDER BY d.day LIMIT 1)
		FROM days WHERE days.day IS NOT NULL
	)`

// daysArgs returns searchDays' arguments followed by args.
func (sr *search) daysArgs(args ...any) []any {
	fac := sr.facility.String()
	return append([]any{fac, sr.from, sr.to, fac, sr.to}, args...)
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
	// Each day is asked whether it has one free slot that matches, and
	// the question stops at the first: the cost grows with the days
	// asked for, not with the slots on them (a fully booked day is read
	// to its end).
	out := []tidbok.DateAvailability{}
	if !sr.split {
		err = b.each(ctx, searchDays+` SELECT days.day FROM days WHERE days.day IS NOT NULL
			AND EXISTS (SELECT 1 FROM slots s`+sr.where.String()+` AND s.day = days.day)
			ORDER BY days.day`, sr.daysArgs(sr.args...), func(sc scanner) error {
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
	// One row per performer asked for, numbered in request order.
	perfs := make([]string, len(sr.perfs))
	var pargs []any
	for i, id := range sr.perfs {
		if i == 0 {
			perfs[i] = "SELECT CAST(? AS TEXT) AS id, " + strconv.Itoa(i) + " AS n"
		} else {
			perfs[i] = "SELECT ?, " + strconv.Itoa(i)
		}
		pargs = append(pargs, id)
	}
	type pair struct {
		day  int64
		perf int
	}
	var pairs []pair
	args := sr.daysArgs(pargs...)
	args = append(args, sr.args...)
	err = b.each(ctx, searchDays+`, perfs (id, n) AS (`+strings.Join(perfs, " UNION ALL ")+`)
		SELECT days.day, perfs.n FROM days, perfs WHERE days.day IS NOT NULL
			AND EXISTS (SELECT 1 FROM slots s`+sr.where.String()+` AND s.performer_id = perfs.id AND s.day = days.day)`, args, func(sc scanner) error {
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
	where, args := sr.where.String()+" AND s.day BETWEEN ? AND ?", append(sr.args, sr.from, sr.to)
	if sr.split {
		where += " AND s.performer_id IN (" + marks(len(sr.perfs)) + ")"
		args = appendStrings(args, sr.perfs)
	}
	out := []tidbok.Timeslot{}
	err = b.each(ctx, "SELECT s.id, s.start_ns, s.end_ns, "+slotDescribe+" FROM slots s"+slotJoins+where+" ORDER BY s.start_ns, s.id", args, func(sc scanner) error {
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
