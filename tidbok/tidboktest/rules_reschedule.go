package tidboktest

import (
	"context"
	"fmt"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Rules about moving a booking: atomic, keeping its ID, freeing the old
// slot at once.
var rescheduleRules = []rule{
	{
		sentence: "reschedule moves the booking to the slot named by its ID and frees the old slot at once",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpReschedule, tidbok.OpSchedule),
		check: func(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
			return checkRescheduleMoves(ctx, b, s, true)
		},
	},
	{
		sentence: "reschedule finds the new slot by its time when no slot ID is given, as on the wire",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpReschedule, tidbok.OpSchedule),
		check: func(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
			return checkRescheduleMoves(ctx, b, s, false)
		},
	},
	{
		sentence: "rescheduling to a taken slot fails with ErrSlotTaken and leaves the booking as it was",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpReschedule, tidbok.OpSchedule),
		check:    checkRescheduleToTaken,
	},
	{
		sentence: "rescheduling to a time that has no slot fails and leaves the booking as it was",
		needs:    tidbok.CapabilitiesOf(tidbok.OpReschedule, tidbok.OpSchedule),
		check:    checkRescheduleToNowhere,
	},
	{
		sentence: "rescheduling an unknown booking fails with ErrNotFound",
		needs:    tidbok.CapabilitiesOf(tidbok.OpReschedule),
		check:    checkRescheduleUnknown,
	},
	{
		sentence: "a rescheduled invitation becomes a booking",
		needs:    tidbok.CapabilitiesOf(tidbok.OpReschedule, tidbok.OpSchedule),
		check:    checkRescheduleInvitation,
	},
}

// checkRescheduleMoves moves a booking to another free slot, naming the
// slot by its ID or, as the wire does, only by its time.
func checkRescheduleMoves(ctx context.Context, b tidbok.Tidbok, s Seeder, withID bool) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	old, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	target, err := f.addSlot(f.at(4, 14))
	if err != nil {
		return err
	}
	booking, err := f.book(citizen, old)
	if err != nil {
		return err
	}
	req := f.rescheduleRequest(booking, target)
	if !withID {
		req.Timeslot.ID = ""
	}
	if _, err := b.Reschedule(ctx, req); err != nil {
		return fmt.Errorf("Reschedule of a booking that allows it to a free slot: %w", err)
	}
	moved := target
	moved.ID, moved.Subject = booking.ID, citizen
	var v violations
	f.expectScheduled(&v, citizen, []tidbok.Timeslot{moved}, "after rescheduling (same booking ID, new time)")
	f.expectOffered(&v, old, true, true, "right after the booking moved away from it")
	f.expectOffered(&v, target, false, true, "after the booking moved to it")
	if f.caps.Has(tidbok.OpBookingDetails) {
		got, err := f.details(booking)
		if err != nil {
			v.add(err)
		} else if diff := diffBooking(moved, got); diff != "" {
			v.addf("BookingDetails(%q) after rescheduling (-want +got):\n%s", booking.ID, diff)
		}
	}
	return v.err()
}

// checkRescheduleToTaken moves one citizen's booking onto another's.
func checkRescheduleToTaken(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	first, second := f.citizen(1), f.citizen(2)
	slot1, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	slot2, err := f.addSlot(f.at(3, 10))
	if err != nil {
		return err
	}
	mine, err := f.book(first, slot1)
	if err != nil {
		return err
	}
	theirs, err := f.book(second, slot2)
	if err != nil {
		return err
	}
	var v violations
	req := f.rescheduleRequest(mine, slot2)
	_, err = b.Reschedule(ctx, req)
	expectErr(&v, "Reschedule to a slot another citizen booked", err, tidbok.ErrSlotTaken)
	req.Timeslot.ID = ""
	_, err = b.Reschedule(ctx, req)
	expectErr(&v, "Reschedule without slot ID to the time of a slot another citizen booked", err, tidbok.ErrSlotTaken)
	f.expectUntouched(&v, mine, "after a failed Reschedule")
	f.expectUntouched(&v, theirs, "after another citizen tried to move onto it")
	f.expectOffered(&v, slot1, false, true, "while its booking failed to move away")
	return v.err()
}

// checkRescheduleToNowhere moves a booking to a time where the book has
// no slot.
func checkRescheduleToNowhere(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	booking, err := f.someBooking(f.citizen(1), f.at(2, 10))
	if err != nil {
		return err
	}
	nowhere := tidbok.Timeslot{ID: "", Start: f.at(3, 14), End: f.at(3, 14).Add(slotLength), TimeType: doctorsVisit}
	var v violations
	_, err = b.Reschedule(ctx, f.rescheduleRequest(booking, nowhere))
	expectErr(&v, "Reschedule to a time with no slot", err, tidbok.ErrNotFound, tidbok.ErrSlotTaken)
	nowhere.ID = noSuchBooking
	_, err = b.Reschedule(ctx, f.rescheduleRequest(booking, nowhere))
	expectErr(&v, "Reschedule to an unknown slot ID", err, tidbok.ErrNotFound, tidbok.ErrSlotTaken)
	f.expectUntouched(&v, booking, "after failed Reschedules")
	return v.err()
}

func checkRescheduleUnknown(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	target, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	var v violations
	_, err = b.Reschedule(ctx, f.rescheduleRequest(tidbok.Timeslot{ID: noSuchBooking, Subject: f.citizen(1)}, target))
	expectErr(&v, "Reschedule of an unknown booking", err, tidbok.ErrNotFound)
	f.expectOffered(&v, target, true, true, "after a Reschedule of an unknown booking to it")
	return v.err()
}

// checkRescheduleInvitation moves a timed invitation that allows it.
func checkRescheduleInvitation(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	inv, err := f.addInvitation(citizen, f.at(2, 10), &tidbok.Flags{MayReschedule: true})
	if err != nil {
		return err
	}
	target, err := f.addSlot(f.at(3, 10))
	if err != nil {
		return err
	}
	if _, err := b.Reschedule(ctx, f.rescheduleRequest(inv, target)); err != nil {
		return fmt.Errorf("Reschedule of a timed invitation that allows it: %w", err)
	}
	moved := target
	moved.ID, moved.Subject = inv.ID, citizen
	var v violations
	f.expectScheduled(&v, citizen, []tidbok.Timeslot{moved}, "after rescheduling an invitation (a booking now, Invitation false)")
	if f.caps.Has(tidbok.OpBookingDetails) {
		got, err := f.details(inv)
		if err != nil {
			v.add(err)
		} else if got.Invitation {
			v.addf("BookingDetails(%q): Invitation = true after rescheduling; a rescheduled invitation becomes a booking", inv.ID)
		}
	}
	return v.err()
}
