package tidboktest

import (
	"context"
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Rules about booking a free slot.
var bookingRules = []rule{
	{
		sentence: "a booked slot leaves availability and enters the citizen's schedule",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpSchedule),
		check:    checkBookedSlot,
	},
	{
		sentence: "booking a taken slot fails with ErrSlotTaken and changes nothing",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpSchedule),
		check:    checkBookTaken,
	},
	{
		sentence: "booking a time that has no slot fails and books nothing",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpSchedule),
		check:    checkBookNoSlot,
	},
	{
		sentence: "a schedule leaves out bookings that have ended",
		needs:    tidbok.ReadOnly,
		check:    checkScheduleLeavesOutEnded,
	},
	{
		sentence: "a schedule is ordered by start",
		needs:    tidbok.ReadOnly,
		check:    checkScheduleOrdered,
	},
}

// checkBookedSlot books the only slot of one date, next to a slot on
// another date, and looks for the booking everywhere the citizen can.
func checkBookedSlot(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	slot, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	other, err := f.addSlot(f.at(3, 10))
	if err != nil {
		return err
	}
	var v violations
	f.expectOffered(&v, slot, true, true, "before it was booked")
	if err := v.err(); err != nil {
		return precondition(err, "seeing the slot offered before booking it")
	}
	res, err := b.Book(ctx, f.bookRequest(citizen, slot))
	if err != nil {
		return fmt.Errorf("Book of a free slot: %w", err)
	}
	if res.BookingID == "" {
		v.addf("Book of a free slot succeeded with an empty BookingID")
	}
	booking := slot
	booking.ID, booking.Subject = res.BookingID, citizen
	f.expectOffered(&v, slot, false, true, "after it was booked")
	f.expectOffered(&v, other, true, true, "after another slot was booked")
	f.expectScheduled(&v, citizen, []tidbok.Timeslot{booking}, "after booking")
	if f.caps.Has(tidbok.OpBookingDetails) {
		got, err := f.details(booking)
		if err != nil {
			v.add(err)
		} else if diff := diffBooking(booking, got); diff != "" {
			v.addf("BookingDetails(%q) after booking (-want +got):\n%s", booking.ID, diff)
		}
	}
	return v.err()
}

// checkBookTaken lets one citizen book a slot and another try the same.
func checkBookTaken(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	first, second := f.citizen(1), f.citizen(2)
	slot, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	booking, err := f.book(first, slot)
	if err != nil {
		return err
	}
	var v violations
	_, err = b.Book(ctx, f.bookRequest(second, slot))
	expectErr(&v, "Book of a slot another citizen booked", err, tidbok.ErrSlotTaken)
	_, err = b.Book(ctx, f.bookRequest(first, slot))
	expectErr(&v, "Book of a slot the same citizen booked", err, tidbok.ErrSlotTaken)
	f.expectScheduled(&v, first, []tidbok.Timeslot{booking}, "after others tried to book the slot")
	f.expectScheduled(&v, second, nil, "after failing to book a taken slot")
	return v.err()
}

// checkBookNoSlot books a time next to a published slot, where the book
// has none.
func checkBookNoSlot(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	slot, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	var v violations
	nowhere := slot
	nowhere.ID = ""
	nowhere.Start, nowhere.End = f.at(2, 14), f.at(2, 14).Add(slotLength)
	_, err = b.Book(ctx, f.bookRequest(citizen, nowhere))
	expectErr(&v, "Book at a time with no slot", err, tidbok.ErrNotFound, tidbok.ErrSlotTaken)
	unknown := slot
	unknown.ID = noSuchBooking
	unknown.Start, unknown.End = nowhere.Start, nowhere.End
	_, err = b.Book(ctx, f.bookRequest(citizen, unknown))
	expectErr(&v, "Book of an unknown slot ID at a time with no slot", err, tidbok.ErrNotFound, tidbok.ErrSlotTaken)
	f.expectScheduled(&v, citizen, nil, "after booking times that have no slot")
	f.expectOffered(&v, slot, true, true, "after booking times that have no slot")
	return v.err()
}

// checkScheduleOrdered gives a citizen bookings in an order other than
// time order.
func checkScheduleOrdered(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	for _, at := range []struct{ days, hour int }{{4, 10}, {2, 14}, {6, 9}, {2, 9}, {3, 11}} {
		if _, err := f.someBooking(citizen, f.at(at.days, at.hour)); err != nil {
			return err
		}
	}
	got, err := f.schedule(citizen)
	if err != nil {
		return err
	}
	var v violations
	if len(got) != 5 {
		v.addf("Schedule lists %d bookings, want the 5 made", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i].Start.Before(got[i-1].Start) {
			v.addf("Schedule lists the booking at %s after the one at %s; want them ordered by start", span(got[i]), span(got[i-1]))
		}
	}
	return v.err()
}

// checkScheduleLeavesOutEnded issues timed invitations that ended
// yesterday and an hour ago, one under way and one ahead: the schedule
// lists those that have not ended.
func checkScheduleLeavesOutEnded(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	recent := f.now.Truncate(time.Minute).Add(-2 * time.Hour)
	running := f.now.Truncate(time.Minute).Add(-slotLength / 2)
	var want []tidbok.Timeslot
	for i, start := range []time.Time{f.at(-1, 10), recent, running, f.at(2, 10)} {
		inv, err := f.addInvitation(citizen, start, nil)
		if isAny(err, tidbok.ErrInvalid, tidbok.ErrNotAllowed) {
			return skip("the Seeder refuses an invitation that has started: %v", err)
		}
		if err != nil {
			return err
		}
		if i >= 2 {
			want = append(want, inv)
		}
	}
	var v violations
	f.expectScheduled(&v, citizen, want, "with invitations that ended yesterday and an hour ago, one under way and one ahead")
	return v.err()
}
