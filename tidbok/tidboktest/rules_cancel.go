package tidboktest

import (
	"context"
	"fmt"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Rules about cancelling a booking.
var cancelRules = []rule{
	{
		sentence: "cancel returns the slot to availability at once and removes the booking",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpCancel, tidbok.OpSchedule),
		check:    checkCancel,
	},
	{
		sentence: "a cancelled slot can be booked again by another citizen at once",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpCancel, tidbok.OpSchedule),
		check:    checkRebookCancelled,
	},
	{
		sentence: "an unknown or already cancelled booking cannot be cancelled",
		needs:    tidbok.CapabilitiesOf(tidbok.OpCancel, tidbok.OpSchedule),
		check:    checkCancelUnknown,
	},
}

func checkCancel(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	slot, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	kept, err := f.someBooking(citizen, f.at(3, 10))
	if err != nil {
		return err
	}
	booking, err := f.book(citizen, slot)
	if err != nil {
		return err
	}
	if _, err := b.Cancel(ctx, f.cancelRequest(booking)); err != nil {
		return fmt.Errorf("Cancel of a booking that allows it: %w", err)
	}
	var v violations
	f.expectOffered(&v, slot, true, true, "right after its booking was cancelled")
	f.expectScheduled(&v, citizen, []tidbok.Timeslot{kept}, "after cancelling one of two bookings")
	if f.caps.Has(tidbok.OpBookingDetails) {
		_, err := f.details(booking)
		expectErr(&v, fmt.Sprintf("BookingDetails(%q) of a cancelled booking", booking.ID), err, tidbok.ErrNotFound)
	}
	return v.err()
}

func checkRebookCancelled(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
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
	if _, err := b.Cancel(ctx, f.cancelRequest(booking)); err != nil {
		return precondition(err, "cancelling the first citizen's booking")
	}
	// The free slot may have a new ID now; the citizen books what the
	// book offers.
	again := slot
	if f.caps.Has(tidbok.OpAvailableTimeslots) {
		free, err := f.free(second)
		if err != nil {
			return err
		}
		for _, ts := range free {
			if sameTime(ts, slot) {
				again.ID = ts.ID
			}
		}
	}
	res, err := b.Book(ctx, f.bookRequest(second, again))
	if err != nil {
		return fmt.Errorf("Book of a slot right after its booking was cancelled: %w", err)
	}
	rebooked := slot
	rebooked.ID, rebooked.Subject = res.BookingID, second
	var v violations
	f.expectScheduled(&v, second, []tidbok.Timeslot{rebooked}, "after booking a cancelled slot")
	f.expectScheduled(&v, first, nil, "after the cancelled slot was booked by another")
	return v.err()
}

func checkCancelUnknown(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	var v violations
	_, err = b.Cancel(ctx, tidbok.CancelRequest{Facility: f.facility, BookingID: noSuchBooking, Subject: f.citizen(1)})
	expectErr(&v, "Cancel of an unknown booking", err, tidbok.ErrNotFound)
	if !f.caps.Has(tidbok.OpBook) {
		return v.err()
	}
	booking, err := f.someBooking(f.citizen(1), f.at(2, 10))
	if err != nil {
		return err
	}
	if _, err := b.Cancel(ctx, f.cancelRequest(booking)); err != nil {
		return precondition(err, "cancelling a booking")
	}
	_, err = b.Cancel(ctx, f.cancelRequest(booking))
	expectErr(&v, "a second Cancel of the same booking", err, tidbok.ErrNotFound)
	return v.err()
}
