package sqltidbok

import (
	"context"
	"database/sql"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Bookings returns every current booking and invitation at the facility,
// ordered by start (then ID), open invitations last. A booking made on
// the web, by any process sharing the database, is there as soon as its
// Book returns. It returns nil for an unknown facility.
func (b *Book) Bookings(ctx context.Context, facility tidbok.HSAID) ([]staff.Booking, error) {
	const op = "bookings"
	now := b.cfg.Clock()
	if _, ok, err := b.lookupFacility(ctx, b.db, facility); err != nil || !ok {
		return nil, wrapDB(op, err)
	}
	var out []staff.Booking
	err := b.each(ctx, bookingSelect+bookingFrom+" WHERE bk.facility_id = ?", []any{facility.String()}, func(sc scanner) error {
		var r bookingRow
		if err := r.scan(sc); err != nil {
			return err
		}
		out = append(out, staff.Booking{
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
	bookbase.SortBookings(out)
	return out, nil
}

// Day returns the facility's slots of a Swedish date, booked or free,
// ordered by start (then ID); withdrawn slots are gone. It returns nil for
// an unknown facility or a date without slots.
func (b *Book) Day(ctx context.Context, facility tidbok.HSAID, d tidbok.Date) ([]staff.DaySlot, error) {
	const op = "day"
	now := b.cfg.Clock()
	if _, ok, err := b.lookupFacility(ctx, b.db, facility); err != nil || !ok {
		return nil, wrapDB(op, err)
	}
	var out []staff.DaySlot
	err := b.each(ctx, `SELECT s.id, s.start_ns, s.end_ns, s.web_bookable, s.flags, `+slotDescribe+`,
			bk.id, bk.subject, bk.invitation, bk.purpose, bk.reason, bk.flags
		FROM slots s`+slotJoins+`
		LEFT JOIN bookings bk ON bk.slot_id = s.id
		WHERE s.facility_id = ? AND s.day = ? AND NOT s.withdrawn
		ORDER BY s.start_ns, s.id`, []any{facility.String(), dayKey(d)}, func(sc scanner) error {
		var r bookingRow
		var ds staff.DaySlot
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
			bookbase.Hold(&ds, bkID.String, b.timeslot(&r, now))
		}
		out = append(out, ds)
		return nil
	})
	if err != nil {
		return nil, wrapDB(op, err)
	}
	return out, nil
}
