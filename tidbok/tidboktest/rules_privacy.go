package tidboktest

import (
	"context"
	"fmt"

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
		sentence: "another citizen's booking is answered as an unknown one, whoever acts, and left as it was",
		needs:    tidbok.ReadOnly,
		check:    checkOthersBookingIsUnknown,
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

// checkOthersBookingIsUnknown names one citizen's booking in
// BookingDetails, Reschedule and Cancel requests for another citizen
// (Subject): asked in person, by a third citizen acting for them, and by
// the booking's owner acting for them (Actor.Person). The book must go by
// the Subject and answer each exactly as it answers an unknown booking
// ID: ErrNotFound with the same text for the citizen, so that a producer
// in front of it leaks no booking's existence. The booking, and the slot
// a move named, stay as they were.
func checkOthersBookingIsUnknown(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	if !f.caps.Has(tidbok.OpBookingDetails) && !f.caps.Has(tidbok.OpCancel) && !f.caps.Has(tidbok.OpReschedule) {
		return skip("the book supports none of BookingDetails, Reschedule and Cancel")
	}
	owner, other, third := f.citizen(1), f.citizen(2), f.citizen(3)
	booking, err := f.someBooking(owner, f.at(2, 10))
	if err != nil {
		return err
	}
	var target tidbok.Timeslot
	if f.caps.Has(tidbok.OpReschedule) {
		if target, err = f.addSlot(f.at(3, 10)); err != nil {
			return err
		}
	}
	var before tidbok.Timeslot
	if f.caps.Has(tidbok.OpBookingDetails) {
		if before, err = f.details(booking); err != nil {
			return precondition(err, "reading the booking")
		}
	}
	var v violations
	// same records a violation unless err, the answer about another's
	// booking, is ErrNotFound with the text of unknown's.
	same := func(call string, err, unknown error) {
		expectErr(&v, call, err, tidbok.ErrNotFound)
		got, _ := tidbok.CitizenText(err)
		want, _ := tidbok.CitizenText(unknown)
		if err != nil && got != want {
			v.addf("%s: text for the citizen %q, but %q for an unknown booking ID: the answers must not tell that the booking exists", call, got, want)
		}
	}
	for _, asker := range []struct {
		name  string
		actor tidbok.Actor
	}{
		{"in person", tidbok.Actor{}},
		{"by a third citizen acting for them", tidbok.Actor{Person: third}},
		{"by the booking's own citizen acting for them", tidbok.Actor{Person: owner}},
	} {
		as := fmt.Sprintf("for %s (asked %s)", who(other), asker.name)
		if f.caps.Has(tidbok.OpBookingDetails) {
			ask := func(id string) error {
				_, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: f.facility, BookingID: id, Subject: other, Actor: asker.actor})
				return err
			}
			same("BookingDetails of "+who(owner)+"'s booking "+as, ask(booking.ID), ask(noSuchBooking))
		}
		if f.caps.Has(tidbok.OpReschedule) {
			ask := func(id string) error {
				req := f.rescheduleRequest(booking, target)
				req.BookingID, req.Timeslot.Subject, req.Actor = id, other, asker.actor
				_, err := b.Reschedule(ctx, req)
				return err
			}
			same("Reschedule of "+who(owner)+"'s booking "+as, ask(booking.ID), ask(noSuchBooking))
		}
		if f.caps.Has(tidbok.OpCancel) {
			ask := func(id string) error {
				_, err := b.Cancel(ctx, tidbok.CancelRequest{Facility: f.facility, BookingID: id, Subject: other, Actor: asker.actor})
				return err
			}
			same("Cancel of "+who(owner)+"'s booking "+as, ask(booking.ID), ask(noSuchBooking))
		}
	}
	const why = "after other citizens tried to read, move and cancel it"
	f.expectUntouched(&v, booking, why)
	if f.caps.Has(tidbok.OpBookingDetails) {
		if now, err := f.details(booking); err == nil && (now.Subject != before.Subject || now.Reason != before.Reason || now.ID != before.ID) {
			v.addf("BookingDetails(%q) %s: now for %s with reason %q, was for %s with %q", booking.ID, why, who(now.Subject), now.Reason, who(before.Subject), before.Reason)
		}
	}
	if f.caps.Has(tidbok.OpReschedule) {
		f.expectOffered(&v, target, true, true, "after refused moves of another citizen's booking to it")
	}
	return v.err()
}
