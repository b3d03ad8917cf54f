package tidboktest

import (
	"context"
	"fmt"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Rules about invitations (kallelser), timed and open (crm:scheduling
// §2.3).
var invitationRules = []rule{
	{
		sentence: "a timed invitation appears in the schedule marked as an invitation",
		needs:    tidbok.ReadOnly,
		check:    checkTimedInvitation,
	},
	{
		sentence: "an open invitation is left out of the schedule but shown by its details",
		needs:    tidbok.CapabilitiesOf(tidbok.OpSchedule, tidbok.OpBookingDetails),
		check:    checkOpenInvitation,
	},
	{
		sentence: "an open invitation can be booked once",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpSchedule),
		check:    checkOpenInvitationBookedOnce,
	},
	{
		sentence: "an open invitation can be booked only for its own citizen",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpSchedule),
		check:    checkOpenInvitationOwner,
	},
}

func checkTimedInvitation(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	inv, err := f.addInvitation(citizen, f.at(2, 10), nil)
	if err != nil {
		return err
	}
	var v violations
	f.expectScheduled(&v, citizen, []tidbok.Timeslot{inv}, "with a timed invitation")
	if f.caps.Has(tidbok.OpBookingDetails) {
		got, err := f.details(inv)
		switch {
		case err != nil:
			v.add(err)
		default:
			if diff := diffBooking(inv, got); diff != "" {
				v.addf("BookingDetails(%q) of a timed invitation (-want +got):\n%s", inv.ID, diff)
			}
			if got.Purpose != inv.Purpose {
				v.addf("BookingDetails(%q): Purpose = %q, want the invitation text %q", inv.ID, got.Purpose, inv.Purpose)
			}
		}
	}
	return v.err()
}

func checkOpenInvitation(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	inv, err := f.addOpenInvitation(citizen)
	if err != nil {
		return err
	}
	var v violations
	f.expectScheduled(&v, citizen, nil, "with only an open invitation")
	got, err := f.details(inv)
	if err != nil {
		v.add(err)
		return v.err()
	}
	if diff := diffBooking(inv, got); diff != "" {
		v.addf("BookingDetails(%q) of an open invitation (-want +got):\n%s", inv.ID, diff)
	}
	if !got.IsOpenInvitation() {
		v.addf("BookingDetails(%q): IsOpenInvitation() = false for an open invitation (Invitation %t, at %s)", inv.ID, got.Invitation, span(got))
	}
	if got.Purpose != inv.Purpose {
		v.addf("BookingDetails(%q): Purpose = %q, want the invitation text %q", inv.ID, got.Purpose, inv.Purpose)
	}
	return v.err()
}

// bookInvitationRequest asks to book the open invitation inv at slot's
// time, for subject.
func (f *fixture) bookInvitationRequest(subject tidbok.PersonalNumber, inv, slot tidbok.Timeslot) tidbok.BookRequest {
	req := f.bookRequest(subject, slot)
	req.Timeslot.ID = inv.ID
	return req
}

// checkOpenInvitationBookedOnce books an open invitation at one free
// slot, then again at another.
func checkOpenInvitationBookedOnce(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	inv, err := f.addOpenInvitation(citizen)
	if err != nil {
		return err
	}
	first, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	second, err := f.addSlot(f.at(3, 10))
	if err != nil {
		return err
	}
	res, err := b.Book(ctx, f.bookInvitationRequest(citizen, inv, first))
	if err != nil {
		return fmt.Errorf("Book of an open invitation at a free slot: %w", err)
	}
	booked := first
	booked.ID, booked.Subject = res.BookingID, citizen
	var v violations
	_, err = b.Book(ctx, f.bookInvitationRequest(citizen, inv, second))
	expectErr(&v, "a second Book of the same open invitation", err, tidbok.ErrNotAllowed, tidbok.ErrSlotTaken)
	got, err := f.schedule(citizen)
	if err != nil {
		v.add(err)
		return v.err()
	}
	if len(got) != 1 {
		v.addf("Schedule lists %d bookings after booking one open invitation twice, want exactly 1", len(got))
	}
	if len(got) > 0 && !offered(got, booked) {
		v.addf("Schedule leaves out the booked invitation at %s", span(booked))
	}
	f.expectOffered(&v, first, false, true, "after an open invitation was booked at it")
	f.expectOffered(&v, second, true, true, "after a refused second booking of an open invitation")
	return v.err()
}

// checkOpenInvitationOwner lets another citizen book someone's open
// invitation.
func checkOpenInvitationOwner(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	owner, stranger := f.citizen(1), f.citizen(2)
	inv, err := f.addOpenInvitation(owner)
	if err != nil {
		return err
	}
	slot, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	var v violations
	_, err = b.Book(ctx, f.bookInvitationRequest(stranger, inv, slot))
	expectErr(&v, "Book of another citizen's open invitation", err, tidbok.ErrNotFound, tidbok.ErrNotAllowed)
	f.expectScheduled(&v, stranger, nil, "after trying to book another citizen's invitation")
	f.expectOffered(&v, slot, true, true, "after a refused booking of another citizen's invitation at it")
	if _, err := b.Book(ctx, f.bookInvitationRequest(owner, inv, slot)); err != nil {
		v.addf("Book of an open invitation by its own citizen, after a stranger tried: %w", err)
	}
	return v.err()
}
