package tidboktest

import (
	"context"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Rules about keeping one citizen's bookings from another: booking data
// is patient data.
var privacyRules = []rule{
	{
		sentence: "a schedule shows only that citizen's bookings",
		needs:    tidbok.ReadOnly,
		check:    checkScheduleIsPrivate,
	},
	{
		sentence: "a booking cannot be moved under another citizen's identity",
		needs:    tidbok.CapabilitiesOf(tidbok.OpReschedule, tidbok.OpSchedule),
		check:    checkRescheduleOtherCitizen,
	},
	{
		sentence: "a booking cannot be read or cancelled on behalf of another citizen",
		needs:    tidbok.ReadOnly,
		check:    checkDetailsAndCancelOtherCitizen,
	},
	{
		sentence: "free slots name no citizen",
		needs:    tidbok.CapabilitiesOf(tidbok.OpAvailableTimeslots),
		check:    checkFreeSlotsAnonymous,
	},
}

// checkScheduleIsPrivate gives two citizens bookings and asks for each
// schedule, and for that of a third who has none.
func checkScheduleIsPrivate(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	anna, bertil, cecilia := f.citizen(1), f.citizen(2), f.citizen(3)
	var annas, bertils []tidbok.Timeslot
	for i, at := range []struct{ days, hour int }{{2, 9}, {2, 10}, {3, 9}, {3, 10}} {
		if i%2 == 0 {
			bk, err := f.someBooking(anna, f.at(at.days, at.hour))
			if err != nil {
				return err
			}
			annas = append(annas, bk)
			continue
		}
		bk, err := f.someBooking(bertil, f.at(at.days, at.hour))
		if err != nil {
			return err
		}
		bertils = append(bertils, bk)
	}
	var v violations
	f.expectScheduled(&v, anna, annas, "when another citizen also has bookings")
	f.expectScheduled(&v, bertil, bertils, "when another citizen also has bookings")
	f.expectScheduled(&v, cecilia, nil, "who has no bookings")
	return v.err()
}

// checkRescheduleOtherCitizen names another citizen's booking in a
// Reschedule for oneself.
func checkRescheduleOtherCitizen(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	owner, stranger := f.citizen(1), f.citizen(2)
	booking, err := f.someBooking(owner, f.at(2, 10))
	if err != nil {
		return err
	}
	target, err := f.addSlot(f.at(3, 10))
	if err != nil {
		return err
	}
	var v violations
	req := f.rescheduleRequest(booking, target)
	req.Timeslot.Subject = stranger
	_, err = b.Reschedule(ctx, req)
	expectErr(&v, "Reschedule of another citizen's booking", err, tidbok.ErrNotFound, tidbok.ErrNotAllowed, tidbok.ErrInvalid)
	f.expectUntouched(&v, booking, "after another citizen tried to move it")
	f.expectScheduled(&v, stranger, nil, "after trying to move another citizen's booking")
	f.expectOffered(&v, target, true, true, "after a refused move of another citizen's booking to it")
	return v.err()
}

// checkDetailsAndCancelOtherCitizen names another citizen's booking ID in
// BookingDetails and Cancel requests that carry one's own Subject, as a
// portal does: the book must answer as for an unknown ID.
func checkDetailsAndCancelOtherCitizen(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	if !f.caps.Has(tidbok.OpBookingDetails) && !f.caps.Has(tidbok.OpCancel) {
		return skip("the book supports neither BookingDetails nor Cancel")
	}
	owner, stranger := f.citizen(1), f.citizen(2)
	booking, err := f.someBooking(owner, f.at(2, 10))
	if err != nil {
		return err
	}
	var v violations
	if f.caps.Has(tidbok.OpBookingDetails) {
		_, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: f.facility, BookingID: booking.ID, Subject: stranger})
		expectErr(&v, "BookingDetails of another citizen's booking", err, tidbok.ErrNotFound)
	}
	if f.caps.Has(tidbok.OpCancel) {
		req := f.cancelRequest(booking)
		req.Subject = stranger
		_, err := b.Cancel(ctx, req)
		expectErr(&v, "Cancel of another citizen's booking", err, tidbok.ErrNotFound)
	}
	f.expectUntouched(&v, booking, "after another citizen tried to read and cancel it")
	return v.err()
}

// checkFreeSlotsAnonymous books one of two slots and checks that no free
// slot carries a subject.
func checkFreeSlotsAnonymous(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	if _, err := f.addSlot(f.at(2, 10)); err != nil {
		return err
	}
	if f.caps.Has(tidbok.OpBook) {
		if _, err := f.someBooking(f.citizen(1), f.at(2, 11)); err != nil {
			return err
		}
	}
	free, err := f.free(f.onlooker())
	if err != nil {
		return err
	}
	var v violations
	for _, ts := range free {
		if !ts.Subject.IsZero() {
			v.addf("AvailableTimeslots: the free slot at %s names %s as its subject; free slots name no citizen", span(ts), who(ts.Subject))
		}
	}
	return v.err()
}
