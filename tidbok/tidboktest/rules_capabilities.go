package tidboktest

import (
	"context"
	"errors"
	"fmt"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Rules about what a book declares it can do (tidbok.Capabilities) and
// how it behaves for the operations it leaves out.
var capabilityRules = []rule{
	{
		sentence: "every book supports Schedule, the one mandatory operation",
		check:    checkScheduleIsMandatory,
	},
	{
		sentence: "unsupported operations agree with the declared capabilities",
		check:    checkCapabilitiesAgree,
	},
	{
		sentence: "the declared capabilities do not change during the book's life",
		check:    checkCapabilitiesAreStable,
	},
	{
		sentence: "no booking allows an operation the book does not support",
		needs:    tidbok.ReadOnly,
		check:    checkFlagsWithinCapabilities,
	},
}

func checkScheduleIsMandatory(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	if !b.Capabilities().Has(tidbok.OpSchedule) {
		return fmt.Errorf("Capabilities() = %v, which lacks Schedule (GetSubjectOfCareSchedule, mandatory for every producer)", b.Capabilities())
	}
	return nil
}

// checkCapabilitiesAgree calls every operation with a valid request. One
// the book leaves out must fail with ErrNotSupported, which also matches
// errors.ErrUnsupported, and change nothing; one it declares must not.
func checkCapabilitiesAgree(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen, newcomer := f.citizen(1), f.citizen(2)
	free, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	target, err := f.addSlot(f.at(3, 10))
	if err != nil {
		return err
	}
	// The bookings to reschedule and to cancel, one each so that a
	// supported Reschedule does not change what Cancel finds.
	toMove, err := f.bookingToSend(citizen, f.at(4, 10))
	if err != nil {
		return err
	}
	toCancel, err := f.bookingToSend(citizen, f.at(5, 10))
	if err != nil {
		return err
	}
	avail := f.availability(citizen, searchDays)
	var v violations
	calls := []struct {
		op   tidbok.Operation
		call func() error
		// unchanged, when set, checks that the unsupported call did
		// nothing.
		unchanged func()
	}{
		{op: tidbok.OpSchedule, call: func() error {
			_, err := b.Schedule(ctx, tidbok.ScheduleRequest{Facility: f.facility, Subject: citizen})
			return err
		}},
		{op: tidbok.OpBookingDetails, call: func() error {
			_, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: f.facility, BookingID: toMove.ID, Subject: toMove.Subject})
			return err
		}},
		{op: tidbok.OpTimeTypes, call: func() error {
			_, err := b.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: f.facility, Subject: citizen})
			return err
		}},
		{op: tidbok.OpCareTypes, call: func() error {
			_, err := b.CareTypes(ctx, tidbok.CareTypesRequest{Facility: f.facility, Subject: citizen})
			return err
		}},
		{op: tidbok.OpPerformers, call: func() error {
			_, err := b.Performers(ctx, tidbok.PerformersRequest{Facility: f.facility, Subject: citizen})
			return err
		}},
		{op: tidbok.OpFacilities, call: func() error {
			_, err := b.Facilities(ctx, tidbok.FacilitiesRequest{Facility: f.facility, Subject: citizen})
			return err
		}},
		{op: tidbok.OpAvailableDates, call: func() error {
			_, err := b.AvailableDates(ctx, avail)
			return err
		}},
		{op: tidbok.OpAvailableTimeslots, call: func() error {
			_, err := b.AvailableTimeslots(ctx, avail)
			return err
		}},
		{
			op: tidbok.OpBook,
			call: func() error {
				_, err := b.Book(ctx, f.bookRequest(newcomer, free))
				return err
			},
			unchanged: func() {
				f.expectScheduled(&v, newcomer, nil, "after an unsupported Book")
				f.expectOffered(&v, free, true, false, "after an unsupported Book of it")
			},
		},
		{
			op: tidbok.OpReschedule,
			call: func() error {
				_, err := b.Reschedule(ctx, f.rescheduleRequest(toMove, target))
				return err
			},
			unchanged: func() {
				if isMadeUp(toMove) {
					return
				}
				f.expectUntouched(&v, toMove, "after an unsupported Reschedule")
				f.expectOffered(&v, target, true, false, "after an unsupported Reschedule to it")
			},
		},
		{
			op: tidbok.OpCancel,
			call: func() error {
				_, err := b.Cancel(ctx, f.cancelRequest(toCancel))
				return err
			},
			unchanged: func() {
				if !isMadeUp(toCancel) {
					f.expectUntouched(&v, toCancel, "after an unsupported Cancel")
				}
			},
		},
	}
	for _, c := range calls {
		err := c.call()
		if f.caps.Has(c.op) {
			if errors.Is(err, tidbok.ErrNotSupported) {
				v.addf("%v is declared in Capabilities() = %v but answered %q", c.op, f.caps, err)
			}
			continue
		}
		switch {
		case err == nil:
			v.addf("%v is not declared in Capabilities() = %v but succeeded; want an error matching ErrNotSupported", c.op, f.caps)
		case !errors.Is(err, tidbok.ErrNotSupported):
			v.addf("%v is not declared in Capabilities() = %v but answered %q; want an error matching ErrNotSupported", c.op, f.caps, err)
		case !errors.Is(err, errors.ErrUnsupported):
			v.addf("%v: error %q matches ErrNotSupported but not errors.ErrUnsupported", c.op, err)
		}
		if c.unchanged != nil {
			c.unchanged()
		}
	}
	return v.err()
}

// checkCapabilitiesAreStable asks for the capabilities before and after
// the book has been used.
func checkCapabilitiesAreStable(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	before := b.Capabilities()
	slot, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	if before.Has(tidbok.OpBook) {
		booking, err := f.book(f.citizen(1), slot)
		if err != nil {
			return err
		}
		if before.Has(tidbok.OpCancel) {
			if _, err := b.Cancel(ctx, f.cancelRequest(booking)); err != nil {
				return precondition(err, "cancelling the booking")
			}
		}
	}
	if _, err := f.schedule(f.citizen(1)); err != nil {
		return precondition(err, "reading the schedule")
	}
	if after := b.Capabilities(); after != before {
		return fmt.Errorf("Capabilities() = %v at first, %v after use", before, after)
	}
	return nil
}

// checkFlagsWithinCapabilities issues a timed invitation that allows
// everything and books a slot that does, and checks the published flags
// grant nothing the book cannot do: the wire demands CancelBooking of a
// producer that ever answers cancel_booking_allowed, and UpdateBooking of
// one that answers rebooking_allowed.
func checkFlagsWithinCapabilities(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	all := tidbok.Flags{MayCancel: true, MayReschedule: true, MayMessage: true}
	if _, err := f.addInvitation(citizen, f.at(2, 10), &all); err != nil {
		return err
	}
	if f.caps.Has(tidbok.OpBook) {
		slot, err := f.addSlotWith(f.at(3, 10), all)
		if err != nil {
			return err
		}
		if _, err := f.book(citizen, slot); err != nil {
			return err
		}
	}
	bookings, err := f.schedule(citizen)
	if err != nil {
		return err
	}
	var v violations
	for _, bk := range bookings {
		if bk.Flags.MayCancel && !f.caps.Has(tidbok.OpCancel) {
			v.addf("booking %q at %s has MayCancel, but the book does not support Cancel", bk.ID, span(bk))
		}
		if bk.Flags.MayMessage && !f.caps.Has(tidbok.OpCancel) {
			v.addf("booking %q at %s has MayMessage, but the book does not support Cancel, the only operation that carries a message", bk.ID, span(bk))
		}
		if bk.Flags.MayReschedule && !f.caps.Has(tidbok.OpReschedule) {
			v.addf("booking %q at %s has MayReschedule, but the book does not support Reschedule", bk.ID, span(bk))
		}
	}
	return v.err()
}
