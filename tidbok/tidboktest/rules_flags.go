package tidboktest

import (
	"context"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Rules about the per-booking flags (crm:scheduling §2.3): a book
// publishes what the clinic's rules allow and enforces it again on writes.
var flagRules = []rule{
	{
		sentence: "the published flags are the ones the clinic set",
		needs:    tidbok.ReadOnly,
		check:    checkPublishedFlags,
	},
	{
		sentence: "a booking that may not be cancelled cannot be cancelled",
		needs:    tidbok.CapabilitiesOf(tidbok.OpCancel, tidbok.OpSchedule),
		check:    checkMayNotCancel,
	},
	{
		sentence: "a booking that may not be rescheduled cannot be moved",
		needs:    tidbok.CapabilitiesOf(tidbok.OpReschedule, tidbok.OpSchedule),
		check:    checkMayNotReschedule,
	},
	{
		sentence: "a cancellation carries a message only when the booking allows messages",
		needs:    tidbok.CapabilitiesOf(tidbok.OpCancel, tidbok.OpSchedule),
		check:    checkMayNotMessage,
	},
}

// flaggedBooking gives subject a booking at start whose flags are flags:
// booked from a slot with those flags when the book supports Book, else a
// timed invitation with them.
func (f *fixture) flaggedBooking(subject tidbok.PersonalNumber, start time.Time, flags tidbok.Flags) (tidbok.Timeslot, error) {
	if !f.caps.Has(tidbok.OpBook) {
		return f.addInvitation(subject, start, &flags)
	}
	slot, err := f.addSlotWith(start, flags)
	if err != nil {
		return tidbok.Timeslot{}, err
	}
	return f.book(subject, slot)
}

// allowed returns flags less what the book cannot do: a book without
// Cancel never allows cancelling or a message, one without Reschedule
// never allows moving.
func (f *fixture) allowed(flags tidbok.Flags) tidbok.Flags {
	if !f.caps.Has(tidbok.OpCancel) {
		flags.MayCancel, flags.MayMessage = false, false
	}
	if !f.caps.Has(tidbok.OpReschedule) {
		flags.MayReschedule = false
	}
	return flags
}

// checkPublishedFlags makes one booking per combination of flags and
// reads them back from the schedule and the details.
func checkPublishedFlags(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	type made struct {
		booking tidbok.Timeslot
		want    tidbok.Flags
	}
	var all []made
	for i := range 8 {
		flags := tidbok.Flags{MayCancel: i&1 != 0, MayReschedule: i&2 != 0, MayMessage: i&4 != 0}
		bk, err := f.flaggedBooking(citizen, f.at(2+i/4, 9+i%4), flags)
		if err != nil {
			return err
		}
		all = append(all, made{bk, f.allowed(flags)})
	}
	sched, err := f.schedule(citizen)
	if err != nil {
		return err
	}
	var v violations
	for _, m := range all {
		got, ok := findBooking(sched, m.booking.ID)
		if !ok {
			v.addf("Schedule leaves out booking %q at %s", m.booking.ID, span(m.booking))
			continue
		}
		if diff := cmp.Diff(m.want, got.Flags); diff != "" {
			v.addf("Schedule: flags of booking %q at %s (-want +got):\n%s", m.booking.ID, span(m.booking), diff)
		}
		if !f.caps.Has(tidbok.OpBookingDetails) {
			continue
		}
		d, err := f.details(m.booking)
		if err != nil {
			v.add(err)
			continue
		}
		if diff := cmp.Diff(m.want, d.Flags); diff != "" {
			v.addf("BookingDetails(%q): flags (-want +got):\n%s", m.booking.ID, diff)
		}
	}
	return v.err()
}

func checkMayNotCancel(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	booking, err := f.flaggedBooking(f.citizen(1), f.at(2, 10), tidbok.Flags{MayCancel: false, MayReschedule: true, MayMessage: true})
	if err != nil {
		return err
	}
	var v violations
	_, err = b.Cancel(ctx, f.cancelRequest(booking))
	expectErr(&v, "Cancel of a booking with MayCancel false", err, tidbok.ErrNotAllowed)
	f.expectUntouched(&v, booking, "after a refused Cancel")
	return v.err()
}

func checkMayNotReschedule(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	booking, err := f.flaggedBooking(f.citizen(1), f.at(2, 10), tidbok.Flags{MayCancel: true, MayReschedule: false, MayMessage: true})
	if err != nil {
		return err
	}
	target, err := f.addSlot(f.at(3, 10))
	if err != nil {
		return err
	}
	var v violations
	_, err = b.Reschedule(ctx, f.rescheduleRequest(booking, target))
	expectErr(&v, "Reschedule of a booking with MayReschedule false", err, tidbok.ErrNotAllowed)
	f.expectUntouched(&v, booking, "after a refused Reschedule")
	f.expectOffered(&v, target, true, true, "after a refused Reschedule to it")
	return v.err()
}

// checkMayNotMessage cancels with a message a booking that allows
// cancelling but not messages, then without one.
func checkMayNotMessage(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen := f.citizen(1)
	silent, err := f.flaggedBooking(citizen, f.at(2, 10), tidbok.Flags{MayCancel: true, MayReschedule: true, MayMessage: false})
	if err != nil {
		return err
	}
	chatty, err := f.flaggedBooking(citizen, f.at(3, 10), tidbok.Flags{MayCancel: true, MayReschedule: true, MayMessage: true})
	if err != nil {
		return err
	}
	var v violations
	req := f.cancelRequest(silent)
	req.Message = "Jag är förhindrad."
	_, err = b.Cancel(ctx, req)
	expectErr(&v, "Cancel with a message of a booking with MayMessage false", err, tidbok.ErrNotAllowed)
	f.expectUntouched(&v, silent, "after a refused Cancel with a message")
	if _, err := b.Cancel(ctx, f.cancelRequest(silent)); err != nil {
		v.addf("Cancel without a message of a booking with MayCancel true and MayMessage false: %w", err)
	}
	req = f.cancelRequest(chatty)
	req.Message = "Jag är förhindrad."
	if _, err := b.Cancel(ctx, req); err != nil {
		v.addf("Cancel with a message of a booking with MayCancel and MayMessage true: %w", err)
	}
	if err := v.err(); err != nil {
		return err
	}
	f.expectScheduled(&v, citizen, nil, "after cancelling both bookings")
	return v.err()
}
