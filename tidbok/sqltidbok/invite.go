package sqltidbok

import (
	"context"
	"database/sql"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Invite issues an invitation and returns its booking ID. A timed
// invitation occupies its time: the book publishes a staff-only slot for
// it and books that slot as the invitation, in one transaction, so it
// shows in Day and, when cancelled, leaves a free staff-only slot behind.
// An open invitation has no slot until the citizen books it.
func (b *Book) Invite(ctx context.Context, s staff.InvitationSpec) (bookingID string, err error) {
	const op = "invite"
	now := b.cfg.Clock()
	var p tidbok.Problems
	known, err := b.checkFacility(ctx, &p, "Facility", s.Facility)
	if err != nil {
		return "", wrapDB(op, err)
	}
	timed := bookbase.CheckInvitee(&p, s)
	a := attributes{timeType: s.TimeTypeID, careType: s.CareTypeID, performer: s.Performer.String(), resource: s.ResourceID}
	if err := b.resolve(ctx, &p, known, s.Facility, a); err != nil {
		return "", wrapDB(op, err)
	}
	bookbase.CheckPurpose(&p, s)
	if err := problems(op, &p); err != nil {
		return "", err
	}
	id := newID(bookingPrefix)
	var flags sql.NullInt64
	if s.Flags != nil {
		flags = sql.NullInt64{Int64: encodeFlags(*s.Flags), Valid: true}
	}
	err = b.inTx(ctx, b.tracing.insertBookings, func(tx *sql.Tx) error {
		var slot sql.NullString
		if timed {
			slot = sql.NullString{String: newID(slotPrefix), Valid: true}
			if _, err := b.exec(ctx, tx, insertSlots(1), newSlot(slot.String, s.Facility, s.Start, s.End, a, false, nil)...); err != nil {
				return err
			}
		}
		_, err := b.exec(ctx, tx, `INSERT INTO bookings
			(id, slot_id, facility_id, subject, invitation, time_type_id, care_type_id, performer_id, resource_id, purpose, flags, booked_at_ns)
			VALUES (?, ?, ?, ?, TRUE, ?, ?, ?, ?, ?, ?, ?)`,
			id, slot, s.Facility.String(), s.Subject.Canonical(), a.timeType, a.careType, a.performer, a.resource,
			s.Purpose, flags, now.UnixNano())
		return err
	})
	if err != nil {
		return "", wrapDB(op, err)
	}
	return id, nil
}

// SetFlags sets the flags of a booking or invitation at the facility,
// overriding the slot's flags and the book's FlagPolicy. The book still
// never allows what its capabilities lack. A booking of another facility
// is answered as one the book does not have (the error matches
// tidbok.ErrNotFound) and left as it is.
func (b *Book) SetFlags(ctx context.Context, facility tidbok.HSAID, bookingID string, f tidbok.Flags) error {
	const op = "set flags"
	var p tidbok.Problems
	known, err := b.checkFacility(ctx, &p, "facility", facility)
	if err != nil {
		return wrapDB(op, err)
	}
	if bookingID == "" {
		p.Add("bookingID", "is required")
	}
	if p.Len() > 0 || !known {
		return problems(op, &p)
	}
	res, err := b.exec(ctx, b.db, "UPDATE bookings SET flags = ? WHERE id = ? AND facility_id = ?", encodeFlags(f), bookingID, facility.String())
	if err != nil {
		return wrapDB(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapDB(op, err)
	} else if n == 0 {
		p.AddError(&bookbase.Missing{Field: "bookingID", Problem: "no booking " + bookingID + " at facility " + facility.String()})
		return problems(op, &p)
	}
	return nil
}
