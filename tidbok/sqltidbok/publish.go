package sqltidbok

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Publish adds a slot to the book and returns its ID, the ID
// AvailableTimeslots reports for it. The book does not check that slots
// overlap: a clinic may publish the same time twice.
func (b *Book) Publish(ctx context.Context, s staff.SlotSpec) (slotID string, err error) {
	const op = "publish"
	var p tidbok.Problems
	known, err := b.checkFacility(ctx, &p, "Facility", s.Facility)
	if err != nil {
		return "", wrapDB(op, err)
	}
	bookbase.CheckSpan(&p, "Start", "End", s.Start, s.End)
	a := attributes{timeType: s.TimeTypeID, careType: s.CareTypeID, performer: s.Performer.String(), resource: s.ResourceID}
	if err := b.resolve(ctx, &p, known, s.Facility, a); err != nil {
		return "", wrapDB(op, err)
	}
	if err := problems(op, &p); err != nil {
		return "", err
	}
	id := newID(slotPrefix)
	row := newSlot(id, s.Facility, s.Start, s.End, a, !s.StaffOnly, s.Flags)
	_, err = b.exec(ctx, b.db, insertSlots(1), row...)
	if err != nil {
		return "", wrapDB(op, err)
	}
	return id, nil
}

// slotColumns are the columns newSlot fills, in order.
const slotColumns = "id, facility_id, start_ns, end_ns, day, time_type_id, care_type_id, performer_id, resource_id, web_bookable, flags"

const slotColumnCount = 11

// insertSlots returns an INSERT of n slots made by newSlot.
func insertSlots(n int) string {
	const one = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	q := make([]byte, 0, 64+n*(len(one)+2))
	q = append(q, "INSERT INTO slots ("+slotColumns+") VALUES "...)
	for i := range n {
		if i > 0 {
			q = append(q, ", "...)
		}
		q = append(q, one...)
	}
	return string(q)
}

// newSlot returns the values of a slot row, as insertSlots takes them.
func newSlot(id string, facility tidbok.HSAID, start, end time.Time, a attributes, web bool, flags *tidbok.Flags) []any {
	var f sql.NullInt64
	if flags != nil {
		f = sql.NullInt64{Int64: encodeFlags(*flags), Valid: true}
	}
	return []any{id, facility.String(), start.UnixNano(), end.UnixNano(), dayOf(start),
		a.timeType, a.careType, a.performer, a.resource, web, f}
}

// SetWebBookable makes a slot of the facility bookable on the web (on) or
// for staff only. A booked slot keeps its booking either way. A slot of
// another facility is answered as one the book does not have (the error
// matches tidbok.ErrNotFound) and left as it is.
func (b *Book) SetWebBookable(ctx context.Context, facility tidbok.HSAID, slotID string, on bool) error {
	const op = "set web-bookable"
	err := b.inTx(ctx, b.tracing.updateSlots, func(tx *sql.Tx) error {
		if err := b.liveSlot(ctx, tx, op, facility, slotID); err != nil {
			return err
		}
		_, err := b.exec(ctx, tx, "UPDATE slots SET web_bookable = ? WHERE id = ?", on, slotID)
		return err
	})
	return wrapDB(op, err)
}

// Withdraw removes a free slot of the facility from the book: it is no
// longer offered, in Day or anywhere else, and booking its ID fails with
// an error matching tidbok.ErrSlotTaken. A booked slot cannot be
// withdrawn: cancel its booking first (the error matches
// tidbok.ErrNotAllowed). A slot of another facility is answered as one
// the book does not have (tidbok.ErrNotFound) and left as it is.
func (b *Book) Withdraw(ctx context.Context, facility tidbok.HSAID, slotID string) error {
	const op = "withdraw"
	err := b.inTx(ctx, b.tracing.updateSlots, func(tx *sql.Tx) error {
		if err := b.liveSlot(ctx, tx, op, facility, slotID); err != nil {
			return err
		}
		// A new statement, after the slot's lock: it sees every booking
		// committed while this transaction waited for the lock.
		var booking string
		err := b.queryRow(ctx, tx, "SELECT id FROM bookings WHERE slot_id = ?", slotID).Scan(&booking)
		switch {
		case err == nil:
			return &bookbase.StaffError{Pkg: "sqltidbok", Op: op, Err: &bookbase.Refused{
				Why: "slot " + slotID + " is booked (" + booking + "): cancel the booking first",
				Err: tidbok.ErrNotAllowed,
			}}
		case !noRows(err):
			return err
		}
		_, err = b.exec(ctx, tx, "UPDATE slots SET withdrawn = TRUE WHERE id = ?", slotID)
		return err
	})
	return wrapDB(op, err)
}

// liveSlot locks a published, not withdrawn slot of facility for change
// by tx. A booking of the slot waits for tx to end, and tx's later
// statements see every booking committed before. Every change staff make
// to a slot must take this lock first: a plain UPDATE would not wait for
// the bookings under way (see Dialect.lockSlot). A slot of another
// facility is reported exactly as one the book does not have, and is not
// locked.
func (b *Book) liveSlot(ctx context.Context, tx *sql.Tx, op string, facility tidbok.HSAID, slotID string) error {
	var p tidbok.Problems
	known := false
	if facility.IsZero() {
		p.Add("facility", "is required: the clinic's HSA-id")
	} else {
		var err error
		if _, known, err = b.lookupFacility(ctx, tx, facility); err != nil {
			return err
		}
		if !known {
			p.AddError(&bookbase.Missing{Field: "facility", Problem: fmt.Sprintf("no facility %s in the book: add it with AddFacility first", facility)})
		}
	}
	if slotID == "" {
		p.Add("slotID", "is required")
	}
	if p.Len() > 0 || !known {
		return problems(op, &p)
	}
	var withdrawn bool
	err := b.queryRow(ctx, tx, "SELECT s.withdrawn FROM slots s WHERE s.id = ? AND s.facility_id = ?"+b.dialect.ForUpdate("s"),
		slotID, facility.String()).Scan(&withdrawn)
	if err != nil && !noRows(err) {
		return err
	}
	if noRows(err) || withdrawn {
		p.AddError(&bookbase.Missing{Field: "slotID", Problem: "no slot " + slotID + " at facility " + facility.String()})
		return problems(op, &p)
	}
	return nil
}
