package tidboktest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Rules about what a book offers: free, web-bookable, not yet started
// slots, in order, on the dates asked, with filters honoured.
var availabilityRules = []rule{
	{
		sentence: "no slot that has started is offered or bookable",
		needs:    tidbok.CapabilitiesOf(tidbok.OpAvailableTimeslots),
		check:    checkNoStartedSlot,
	},
	{
		sentence: "staff-only slots are never offered nor bookable",
		needs:    tidbok.CapabilitiesOf(tidbok.OpAvailableTimeslots),
		check:    checkStaffOnlySlots,
	},
	{
		sentence: "available timeslots are ordered by start and lie on the dates asked",
		needs:    tidbok.CapabilitiesOf(tidbok.OpAvailableTimeslots),
		check:    checkTimeslotsOrderedAndInRange,
	},
	{
		sentence: "available dates are ordered and lie within the dates asked",
		needs:    tidbok.CapabilitiesOf(tidbok.OpAvailableDates),
		check:    checkDatesOrderedAndInRange,
	},
	{
		sentence: "a date is offered exactly when it has a free slot",
		needs:    tidbok.CapabilitiesOf(tidbok.OpAvailableDates, tidbok.OpAvailableTimeslots),
		check:    checkDatesAgreeWithTimeslots,
	},
	{
		sentence: "time type and performer filters keep only matching slots",
		needs:    tidbok.CapabilitiesOf(tidbok.OpAvailableTimeslots),
		check:    checkFilters,
	},
	{
		sentence: "a free slot is offered as the clinic published it",
		needs:    tidbok.CapabilitiesOf(tidbok.OpAvailableTimeslots),
		check:    checkFreeSlotAsPublished,
	},
	{
		sentence: "slots offered for moving a booking are of its time type",
		needs:    tidbok.CapabilitiesOf(tidbok.OpAvailableTimeslots),
		check:    checkSlotsForMoving,
	},
}

// checkNoStartedSlot publishes a slot that has ended, one that is under
// way and one in the future, each on a date of its own.
func checkNoStartedSlot(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	// The slot under way started about 15 minutes ago; the ended one is
	// yesterday (or the day before, if the one under way began yesterday)
	// at 10:00, so that each is alone on its date.
	start := f.now.Truncate(time.Minute).Add(-slotLength / 2)
	running := Slot{Start: start, End: start.Add(slotLength)}
	endedDay := -1
	if tidbok.DateOf(running.Start) != f.today {
		endedDay = -2
	}
	ended := Slot{Start: f.at(endedDay, 10)}
	var started []tidbok.Timeslot
	for _, sl := range []Slot{ended, running} {
		ts, err := f.addSlotLike(sl)
		if errors.Is(err, tidbok.ErrInvalid) || errors.Is(err, tidbok.ErrNotAllowed) {
			return skip("the Seeder refuses to publish a slot that has started: %v", err)
		}
		if err != nil {
			return err
		}
		started = append(started, ts)
	}
	future, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	req := f.availability(citizen, searchDays)
	req.From = tidbok.DateOf(started[0].Start)
	var v violations
	res, err := b.AvailableTimeslots(ctx, req)
	if err != nil {
		return fmt.Errorf("AvailableTimeslots: %w", err)
	}
	for _, ts := range started {
		if offeredIn(res, ts) {
			v.addf("AvailableTimeslots offers the slot at %s, which started before %s", span(ts), when(f.now))
		}
	}
	for ts := range res.All() {
		if ts.Start.Before(f.now) && !slices.ContainsFunc(started, func(st tidbok.Timeslot) bool { return sameTime(st, ts) }) {
			v.addf("AvailableTimeslots offers a slot at %s, which started before %s", span(ts), when(f.now))
		}
	}
	if !offeredIn(res, future) {
		v.addf("AvailableTimeslots leaves out the future slot at %s", span(future))
	}
	if f.caps.Has(tidbok.OpAvailableDates) {
		res, err := b.AvailableDates(ctx, req)
		if err != nil {
			v.addf("AvailableDates: %w", err)
		} else {
			for _, ts := range started {
				if d := tidbok.DateOf(ts.Start); dateOffered(res.Dates, d) {
					v.addf("AvailableDates offers %s, whose only slot (at %s) has started", d, span(ts))
				}
			}
			if d := tidbok.DateOf(future.Start); !dateOffered(res.Dates, d) {
				v.addf("AvailableDates leaves out %s, which has a free slot at %s", d, span(future))
			}
		}
	}
	if f.caps.Has(tidbok.OpBook) {
		for _, ts := range started {
			_, err := b.Book(ctx, f.bookRequest(citizen, ts))
			expectErr(&v, "Book of the slot at "+span(ts)+", which has started,", err, tidbok.ErrSlotTaken, tidbok.ErrNotAllowed)
		}
		f.expectScheduled(&v, citizen, nil, "after trying to book slots that have started")
	}
	return v.err()
}

// checkStaffOnlySlots publishes a staff-only slot alone on its date and
// a web-bookable one on another.
func checkStaffOnlySlots(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	staffOnly, err := f.addSlotLike(Slot{Start: f.at(2, 10), NotWebBookable: true})
	if err != nil {
		return err
	}
	web, err := f.addSlot(f.at(3, 10))
	if err != nil {
		return err
	}
	var v violations
	f.expectOffered(&v, staffOnly, false, true, "for a staff-only slot")
	f.expectOffered(&v, web, true, true, "for a web-bookable slot")
	if f.caps.Has(tidbok.OpBook) {
		citizen := f.citizen(1)
		_, err := b.Book(ctx, f.bookRequest(citizen, staffOnly))
		expectErr(&v, "Book of the staff-only slot", err, tidbok.ErrNotFound, tidbok.ErrNotAllowed, tidbok.ErrSlotTaken)
		f.expectScheduled(&v, citizen, nil, "after trying to book a staff-only slot")
	}
	return v.err()
}

// spreadSlots publishes slots on several dates in an order other than
// time order, some before and after the dates asked, and returns the
// request for those dates with the slots that lie on them.
func (f *fixture) spreadSlots() (tidbok.AvailabilityRequest, []tidbok.Timeslot, error) {
	req := f.availability(f.onlooker(), 0)
	req.From, req.To = f.today.AddDays(3), f.today.AddDays(5)
	var inside []tidbok.Timeslot
	for _, at := range []struct{ days, hour int }{
		{5, 9}, {3, 14}, {6, 10}, {4, 11}, {3, 9}, {2, 15}, {5, 16}, {4, 8}, {7, 9}, {3, 11},
	} {
		ts, err := f.addSlot(f.at(at.days, at.hour))
		if err != nil {
			return req, nil, err
		}
		if at.days >= 3 && at.days <= 5 {
			inside = append(inside, ts)
		}
	}
	return req, inside, nil
}

func checkTimeslotsOrderedAndInRange(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	req, inside, err := f.spreadSlots()
	if err != nil {
		return err
	}
	res, err := b.AvailableTimeslots(ctx, req)
	if err != nil {
		return fmt.Errorf("AvailableTimeslots from %s to %s: %w", req.From, req.To, err)
	}
	var v violations
	var prev tidbok.Timeslot
	for i := range res.Len() {
		ts := res.At(i)
		if d := tidbok.DateOf(ts.Start); d.Before(req.From) || req.To.Before(d) {
			v.addf("AvailableTimeslots from %s to %s offers a slot at %s", req.From, req.To, span(ts))
		}
		if i > 0 && ts.Start.Before(prev.Start) {
			v.addf("AvailableTimeslots lists the slot at %s after the one at %s; want them ordered by start", span(ts), span(prev))
		}
		prev = ts
	}
	for _, ts := range inside {
		if !offeredIn(res, ts) {
			v.addf("AvailableTimeslots from %s to %s leaves out the free slot at %s", req.From, req.To, span(ts))
		}
	}
	return v.err()
}

func checkDatesOrderedAndInRange(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	req, inside, err := f.spreadSlots()
	if err != nil {
		return err
	}
	res, err := b.AvailableDates(ctx, req)
	if err != nil {
		return fmt.Errorf("AvailableDates from %s to %s: %w", req.From, req.To, err)
	}
	var v violations
	for i, da := range res.Dates {
		if da.Date.Before(req.From) || req.To.Before(da.Date) {
			v.addf("AvailableDates from %s to %s offers %s", req.From, req.To, da.Date)
		}
		if i > 0 && da.Date.Before(res.Dates[i-1].Date) {
			v.addf("AvailableDates lists %s after %s; want the dates in order", da.Date, res.Dates[i-1].Date)
		}
		if !da.Facility.Equal(f.facility) {
			v.addf("AvailableDates: %s is at clinic %v, want %v", da.Date, da.Facility, f.facility)
		}
	}
	for _, ts := range inside {
		if d := tidbok.DateOf(ts.Start); !dateOffered(res.Dates, d) {
			v.addf("AvailableDates from %s to %s leaves out %s, which has a free slot at %s", req.From, req.To, d, span(ts))
		}
	}
	return v.err()
}

// checkDatesAgreeWithTimeslots books the only slot of one date (when the
// book can) and compares the two answers.
func checkDatesAgreeWithTimeslots(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	for _, at := range []struct{ days, hour int }{{2, 10}, {2, 13}, {4, 9}, {7, 15}} {
		if _, err := f.addSlot(f.at(at.days, at.hour)); err != nil {
			return err
		}
	}
	if _, err := f.addSlotLike(Slot{Start: f.at(5, 10), NotWebBookable: true}); err != nil {
		return err
	}
	if f.caps.Has(tidbok.OpBook) {
		taken, err := f.addSlot(f.at(6, 10))
		if err != nil {
			return err
		}
		if _, err := f.book(f.citizen(1), taken); err != nil {
			return err
		}
	}
	citizen := f.onlooker()
	free, err := f.free(citizen)
	if err != nil {
		return err
	}
	dates, err := f.dates(citizen)
	if err != nil {
		return err
	}
	var want, got []tidbok.Date
	for _, ts := range free {
		want = append(want, tidbok.DateOf(ts.Start))
	}
	for _, da := range dates {
		got = append(got, da.Date)
	}
	want, got = uniqueDates(want), uniqueDates(got)
	var v violations
	for _, d := range want {
		if !slices.Contains(got, d) {
			v.addf("AvailableDates leaves out %s, on which AvailableTimeslots offers a free slot", d)
		}
	}
	for _, d := range got {
		if !slices.Contains(want, d) {
			v.addf("AvailableDates offers %s, on which AvailableTimeslots offers no free slot", d)
		}
	}
	return v.err()
}

func uniqueDates(ds []tidbok.Date) []tidbok.Date {
	slices.SortFunc(ds, tidbok.Date.Compare)
	return slices.Compact(ds)
}

// checkFilters publishes slots of two time types and two performers and
// filters on each.
func checkFilters(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	drA, err := tidbok.ParseHSAID("SE2321000016-TBTDRA")
	if err != nil {
		return precondition(err, "parsing a performer's HSA-id")
	}
	drB, err := tidbok.ParseHSAID("SE2321000016-TBTDRB")
	if err != nil {
		return precondition(err, "parsing a performer's HSA-id")
	}
	var all []tidbok.Timeslot
	for i, sl := range []Slot{
		{Start: f.at(2, 9), TimeType: doctorsVisit, Performer: drA},
		{Start: f.at(2, 10), TimeType: bloodSample, Performer: drB},
		{Start: f.at(3, 9), TimeType: doctorsVisit, Performer: drB},
		{Start: f.at(3, 10), TimeType: bloodSample, Performer: drA},
	} {
		ts, err := f.addSlotLike(sl)
		if err != nil {
			return precondition(err, "publishing slot %d", i+1)
		}
		all = append(all, ts)
	}
	var v violations
	filters := []struct {
		name   string
		adjust func(*tidbok.AvailabilityRequest)
		match  func(tidbok.Timeslot) bool
	}{
		{
			"time type " + bloodSample.Name + " by ID",
			func(r *tidbok.AvailabilityRequest) { r.TimeType = tidbok.TimeType{ID: bloodSample.ID} },
			func(ts tidbok.Timeslot) bool { return ts.TimeType == bloodSample },
		},
		{
			"time type " + bloodSample.Name + " by name",
			func(r *tidbok.AvailabilityRequest) { r.TimeType = tidbok.TimeType{Name: bloodSample.Name} },
			func(ts tidbok.Timeslot) bool { return ts.TimeType == bloodSample },
		},
		{
			"performer A",
			func(r *tidbok.AvailabilityRequest) { r.Performers = []tidbok.HSAID{drA} },
			func(ts tidbok.Timeslot) bool { return ts.Performer.Equal(drA) },
		},
		{
			"performer B and time type " + doctorsVisit.Name,
			func(r *tidbok.AvailabilityRequest) {
				r.Performers = []tidbok.HSAID{drB}
				r.TimeType = doctorsVisit
			},
			func(ts tidbok.Timeslot) bool { return ts.Performer.Equal(drB) && ts.TimeType == doctorsVisit },
		},
	}
	for _, flt := range filters {
		req := f.availability(f.onlooker(), searchDays)
		flt.adjust(&req)
		res, err := b.AvailableTimeslots(ctx, req)
		if err != nil {
			v.addf("AvailableTimeslots filtered on %s: %w", flt.name, err)
			continue
		}
		for _, ts := range all {
			if got, want := offeredIn(res, ts), flt.match(ts); got != want {
				v.addf("AvailableTimeslots filtered on %s: slot at %s (%s) offered = %t, want %t", flt.name, span(ts), ts.TimeType.Name, got, want)
			}
		}
		if f.caps.Has(tidbok.OpAvailableDates) {
			dres, err := b.AvailableDates(ctx, req)
			if err != nil {
				v.addf("AvailableDates filtered on %s: %w", flt.name, err)
				continue
			}
			for _, ts := range all {
				d := tidbok.DateOf(ts.Start)
				want := slices.ContainsFunc(all, func(o tidbok.Timeslot) bool { return tidbok.DateOf(o.Start) == d && flt.match(o) })
				if got := dateOffered(dres.Dates, d); got != want {
					v.addf("AvailableDates filtered on %s: %s offered = %t, want %t", flt.name, d, got, want)
				}
			}
		}
	}
	return v.err()
}

// checkFreeSlotAsPublished publishes a slot with a performer and a room
// and compares what AvailableTimeslots says of it.
func checkFreeSlotAsPublished(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	dr, err := tidbok.ParseHSAID("SE2321000016-TBTDRA")
	if err != nil {
		return precondition(err, "parsing a performer's HSA-id")
	}
	slot, err := f.addSlotLike(Slot{Start: f.at(2, 10), TimeType: bloodSample, Performer: dr, Resource: tidbok.Resource{ID: "RUM-1", Name: "Provtagningsrum 1"}})
	if err != nil {
		return err
	}
	free, err := f.free(f.onlooker())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(free, func(ts tidbok.Timeslot) bool { return sameTime(ts, slot) })
	if i < 0 {
		return fmt.Errorf("AvailableTimeslots leaves out the free slot at %s", span(slot))
	}
	got := free[i]
	var v violations
	if got.ID != slot.ID {
		v.addf("AvailableTimeslots: the slot at %s has ID %q, want %q, the ID the Seeder got when publishing it", span(slot), got.ID, slot.ID)
	}
	sameID := got
	sameID.ID = slot.ID
	if diff := diffBooking(slot, sameID); diff != "" {
		v.addf("AvailableTimeslots: the slot at %s (-want +got):\n%s", span(slot), diff)
	}
	if !got.Performer.Equal(dr) {
		v.addf("AvailableTimeslots: the slot at %s has performer %v, want %v", span(slot), got.Performer, dr)
	}
	return v.err()
}

// checkSlotsForMoving gives a citizen a booking of one time type and asks
// for slots to move it to, among free slots of two time types.
func checkSlotsForMoving(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	booking, err := f.someBooking(citizen, f.at(2, 10))
	if err != nil {
		return err
	}
	same, err := f.addSlotLike(Slot{Start: f.at(3, 10), TimeType: doctorsVisit})
	if err != nil {
		return err
	}
	other, err := f.addSlotLike(Slot{Start: f.at(4, 10), TimeType: bloodSample})
	if err != nil {
		return err
	}
	req := f.availability(citizen, searchDays)
	req.BookingID = booking.ID
	var v violations
	res, err := b.AvailableTimeslots(ctx, req)
	if err != nil {
		return fmt.Errorf("AvailableTimeslots for moving booking %q: %w", booking.ID, err)
	}
	if !offeredIn(res, same) {
		v.addf("AvailableTimeslots for moving a %s booking leaves out the free %s slot at %s", doctorsVisit.Name, doctorsVisit.Name, span(same))
	}
	if offeredIn(res, other) {
		v.addf("AvailableTimeslots for moving a %s booking offers the %s slot at %s", doctorsVisit.Name, bloodSample.Name, span(other))
	}
	if f.caps.Has(tidbok.OpAvailableDates) {
		res, err := b.AvailableDates(ctx, req)
		switch {
		case err != nil:
			v.addf("AvailableDates for moving booking %q: %w", booking.ID, err)
		case dateOffered(res.Dates, tidbok.DateOf(other.Start)):
			v.addf("AvailableDates for moving a %s booking offers %s, whose only free slot is for %s", doctorsVisit.Name, tidbok.DateOf(other.Start), bloodSample.Name)
		}
	}
	return v.err()
}
