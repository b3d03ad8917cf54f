package sqltidbok

import (
	"context"
	"database/sql"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// A cancel deletes the booking, so that its slot is free at once, and in
// the same transaction keeps a tombstone of it in cancelled_bookings: what
// was booked, for whom, and when and by whom it was cancelled. Citizens
// never see tombstones (BookingDetails of a cancelled booking answers
// ErrNotFound); staff and auditors read them with Cancelled.

// CancelledBooking is the tombstone of a cancelled booking or invitation.
type CancelledBooking struct {
	// ID is the booking's ID.
	ID string
	// Facility is the clinic it was at.
	Facility tidbok.HSAID
	// SlotID is the slot it held, free again since; empty for an open
	// invitation.
	SlotID string
	// Start and End are the slot's times; zero for an open invitation.
	Start, End time.Time
	// Subject is the citizen it was for.
	Subject tidbok.PersonalNumber
	// Invitation reports that it was an invitation (kallelse).
	Invitation bool
	// TimeType is its time type.
	TimeType tidbok.TimeType
	// BookedAt is when it was made or issued, by the clock of the book
	// that made it.
	BookedAt time.Time
	// CancelledAt is when it was cancelled, by the clock of the book that
	// cancelled it.
	CancelledAt time.Time
	// By is who cancelled it, as the request said: the zero Actor for the
	// citizen in person, Person for someone acting for them (a
	// guardian), Agent for staff.
	By tidbok.Actor
}

// Cancelled returns the tombstones of the bookings and invitations at the
// facility cancelled at or after from and before to, in the order they
// were cancelled (then by ID); for the clinic's staff and its audit. It
// returns nil when nothing was cancelled then or the book has no such
// facility, and only reads.
func (b *Book) Cancelled(ctx context.Context, facility tidbok.HSAID, from, to time.Time) ([]CancelledBooking, error) {
	const op = "cancelled"
	if !to.After(from) {
		return nil, nil
	}
	var out []CancelledBooking
	err := b.each(ctx, `SELECT c.id, c.facility_id, c.slot_id, c.start_ns, c.end_ns, c.subject, c.invitation,
			c.time_type_id, COALESCE(tt.name, ''), c.booked_at_ns, c.cancelled_at_ns, c.actor_person, c.actor_agent
		FROM cancelled_bookings c
		LEFT JOIN time_types tt ON tt.facility_id = c.facility_id AND tt.id = c.time_type_id
		WHERE c.facility_id = ? AND c.cancelled_at_ns >= ? AND c.cancelled_at_ns < ?
		ORDER BY c.cancelled_at_ns, c.id`,
		[]any{facility.String(), bookbase.Nanos(from), bookbase.Nanos(to)}, func(sc scanner) error {
			var c CancelledBooking
			var fac, subject, person, agent string
			var slot sql.NullString
			var start, end sql.NullInt64
			var booked, cancelled int64
			if err := sc.Scan(&c.ID, &fac, &slot, &start, &end, &subject, &c.Invitation,
				&c.TimeType.ID, &c.TimeType.Name, &booked, &cancelled, &person, &agent); err != nil {
				return err
			}
			c.Facility, c.SlotID, c.Subject = parseHSAID(fac), slot.String, parsePersonalNumber(subject)
			if start.Valid && end.Valid {
				c.Start, c.End = instant(start.Int64), instant(end.Int64)
			}
			c.BookedAt, c.CancelledAt = instant(booked), instant(cancelled)
			c.By = tidbok.Actor{Person: parsePersonalNumber(person), Agent: parseHSAID(agent)}
			out = append(out, c)
			return nil
		})
	if err != nil {
		return nil, wrapDB(op, err)
	}
	return out, nil
}

// keepTombstone records, in tx, that booking r was cancelled at now by
// actor. Cancel calls it in the transaction that deletes r, so that the
// booking is either still there or gone with its tombstone.
func (b *Book) keepTombstone(ctx context.Context, tx *sql.Tx, r *bookingRow, actor tidbok.Actor, now time.Time) error {
	_, err := b.exec(ctx, tx, `INSERT INTO cancelled_bookings
		(id, facility_id, slot_id, start_ns, end_ns, subject, invitation, time_type_id,
			booked_at_ns, cancelled_at_ns, actor_person, actor_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.id, r.describe.facility, r.slotID, r.start, r.end, r.subject, r.invitation, r.describe.timeType,
		r.bookedAt, now.UnixNano(), actor.Person.Canonical(), actor.Agent.String())
	return err
}
