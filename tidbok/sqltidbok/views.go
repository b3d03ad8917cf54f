package sqltidbok

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// StaffBooking is a booking or invitation as the clinic sees it in its
// journal system.
type StaffBooking struct {
	// Timeslot is the booking as the citizen sees it, flags included.
	tidbok.Timeslot
	// Contact is what the citizen told the book when booking or, later,
	// rescheduling.
	Contact tidbok.ContactInfo
	// MedicalFacility is the unit with medical responsibility given when
	// booking; zero for invitations.
	MedicalFacility tidbok.HSAID
	// Notification is the producer note given when booking or
	// rescheduling.
	Notification string
	// Actor is who booked; zero for the citizen in person and for
	// invitations.
	Actor tidbok.Actor
	// Reschedules counts the times the booking was moved.
	Reschedules int
	// BookedAt is when the booking was made or the invitation issued, by
	// the clock of the book that made it.
	BookedAt time.Time
}

// Bookings returns every current booking and invitation at the facility,
// ordered by start (then ID), open invitations last. A booking made on
// the web, by any process sharing the database, is there as soon as its
// Book returns. It returns nil for an unknown facility.
func (b *Book) Bookings(ctx context.Context, facility tidbok.HSAID) ([]StaffBooking, error) {
	const op = "bookings"
	now := b.cfg.Clock()
	if _, ok, err := b.lookupFacility(ctx, b.db, facility); err != nil || !ok {
		return nil, wrapDB(op, err)
	}
	var out []StaffBooking
	err := b.each(ctx, bookingSelect+bookingFrom+" WHERE bk.facility_id = ?", []any{facility.String()}, func(sc scanner) error {
		var r bookingRow
		if err := r.scan(sc); err != nil {
			return err
		}
		out = append(out, StaffBooking{
			Timeslot:        b.timeslot(&r, now),
			Contact:         r.contact,
			MedicalFacility: parseHSAID(r.medFacility),
			Notification:    r.notification,
			Actor:           tidbok.Actor{Person: parsePersonalNumber(r.actorPerson), Agent: parseHSAID(r.actorAgent)},
			Reschedules:     r.reschedules,
			BookedAt:        instant(r.bookedAt),
		})
		return nil
	})
	if err != nil {
		return nil, wrapDB(op, err)
	}
	slices.SortFunc(out, func(x, y StaffBooking) int { return compareBookings(x.Timeslot, y.Timeslot) })
	return out, nil
}

// DaySlot is one slot in the clinic's view of a day.
type DaySlot struct {
	// Timeslot is the slot, ID being the slot's ID. For a booked slot,
	// Subject, Reason, Purpose, Invitation and Flags are the booking's.
	tidbok.Timeslot
	// WebBookable reports that citizens may book the slot on the web.
	WebBookable bool
	// Booked reports that a booking or timed invitation holds the slot.
	Booked bool
	// BookingID is the ID of the booking or invitation holding the slot;
	// empty when free.
	BookingID string
}

// Day returns the facility's slots of a Swedish date, booked or free,
// ordered by start (then ID); withdrawn slots are gone. It returns nil for
// an unknown facility or a date without slots.
func (b *Book) Day(ctx context.Context, facility tidbok.HSAID, d tidbok.Date) ([]DaySlot, error) {
	const op = "day"
	now := b.cfg.Clock()
	if _, ok, err := b.lookupFacility(ctx, b.db, facility); err != nil || !ok {
		return nil, wrapDB(op, err)
	}
	var out []DaySlot
	err := b.each(ctx, `SELECT s.id, s.start_ns, s.end_ns, s.web_bookable, s.flags, `+slotDescribe+`,
			bk.id, bk.subject, bk.invitation, bk.purpose, bk.reason, bk.flags
		FROM slots s`+slotJoins+`
		LEFT JOIN bookings bk ON bk.slot_id = s.id
		WHERE s.facility_id = ? AND s.day = ? AND NOT s.withdrawn
		ORDER BY s.start_ns, s.id`, []any{facility.String(), dayKey(d)}, func(sc scanner) error {
		var r bookingRow
		var ds DaySlot
		var bkID, subject, purpose, reason sql.NullString
		var invitation sql.NullBool
		var slotID string
		dest := []any{&slotID, &r.start, &r.end, &ds.WebBookable, &r.slotFlag}
		dest = append(dest, r.describe.fields()...)
		dest = append(dest, &bkID, &subject, &invitation, &purpose, &reason, &r.ownFlags)
		if err := sc.Scan(dest...); err != nil {
			return err
		}
		ds.Timeslot = r.describe.timeslot()
		ds.ID, ds.Start, ds.End = slotID, instant(r.start.Int64), instant(r.end.Int64)
		if bkID.Valid {
			r.id, r.slotID = bkID.String, sql.NullString{String: slotID, Valid: true}
			r.subject, r.invitation, r.purpose, r.reason = subject.String, invitation.Bool, purpose.String, reason.String
			bt := b.timeslot(&r, now)
			ds.Booked = true
			ds.BookingID = bkID.String
			ds.Subject, ds.Reason, ds.Purpose = bt.Subject, bt.Reason, bt.Purpose
			ds.Invitation, ds.Flags = bt.Invitation, bt.Flags
		}
		out = append(out, ds)
		return nil
	})
	if err != nil {
		return nil, wrapDB(op, err)
	}
	return out, nil
}
