package sqltidbok

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/internal/batch"
	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/internal/sqldb"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// Who gets a slot is decided by the database, never by this process:
//
//   - The constraint bookings_slot_key lets at most one booking hold a
//     slot. Of two transactions, in any processes, that book or move onto
//     one slot, the second to commit fails on it, and the book answers
//     ErrSlotTaken.
//   - Booking a free slot by its ID is one INSERT … SELECT that checks the
//     slot and books it in one atomic statement: one round trip. On
//     PostgreSQL, bookings made at the same moment share the statement
//     (see bookSlotsSQL and internal/batch): each row is checked and
//     booked on its own, and the unique constraint still decides between
//     two that want one slot.
//   - Everything else that writes (booking by time or an open invitation,
//     rescheduling, cancelling, the staff's changes to a slot) is one
//     transaction. On PostgreSQL it locks the booking it changes (FOR
//     UPDATE) and the slot it books (FOR SHARE, which staff's changes to
//     the slot wait for); on SQLite a transaction holds the database's
//     write lock from its start.
//   - A transaction the database rolled back because of a concurrent one
//     (deadlock, serialization failure, a busy SQLite file) runs again,
//     with backoff, a bounded number of times. A write whose commit may
//     have taken effect is never run again: it fails with
//     ErrOutcomeUnknown.

// Book books a free slot for the citizen, or books an open invitation at
// a free slot's time.
//
// Timeslot.ID names what to book: a free slot's ID (its Facility, Start
// and End must match the request, or the error matches ErrNotFound: the
// time has changed), an open invitation's ID (the free slot is then found
// by Facility, Start and End, and Performer, TimeType, Resource and
// CareType when given, and must be of the invitation's time type; the
// invitation takes that time and keeps its ID), or nothing (the slot is
// found by attributes, as for an invitation). A slot that is booked,
// staff-only, withdrawn or started gives ErrSlotTaken; exactly one of many
// concurrent calls for one slot wins, in whatever processes they run. An
// invitation that already has a time gives ErrNotAllowed. Staff may book
// as agents.
//
// The booking records Subject, Reason, Contact, Notification, the medical
// facility and the Actor; its Notice is the one set for the slot's time
// type with SetNotice.
func (b *Book) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	const op = tidbok.OpBook
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.BookResult{}, err
	}
	now := b.cfg.Clock()
	var res tidbok.BookResult
	var err error
	if hasPrefix(req.Timeslot.ID, slotPrefix) {
		res, err = b.bookSlot(ctx, req, now)
	} else {
		res, err = b.bookFound(ctx, req, now)
	}
	if err != nil {
		return tidbok.BookResult{}, b.writeFailed(op, err)
	}
	return res, nil
}

// bookingTexts are the text columns of a new booking that come from the
// request, in the order of bookingValueColumns, which ends with
// booked_at_ns.
func bookingTexts(req tidbok.BookRequest) [13]string {
	ts, c := req.Timeslot, req.Contact
	return [13]string{ts.Subject.Canonical(), ts.Reason,
		c.FirstName, c.MiddleName, c.LastName, c.Phone, c.Email, c.Address, c.CoAddress,
		req.FacilityMed().String(), req.Notification, req.Actor.Person.Canonical(), req.Actor.Agent.String()}
}

// bookingValues are the columns of a new booking that come from the
// request, in the order of bookingValueColumns.
func bookingValues(req tidbok.BookRequest, now time.Time) []any {
	texts := bookingTexts(req)
	vals := make([]any, 0, len(texts)+1)
	for _, t := range texts {
		vals = append(vals, t)
	}
	return append(vals, now.UnixNano())
}

const bookingValueColumns = `subject, reason,
	first_name, middle_name, last_name, phone, email, address, co_address,
	med_facility, notification, actor_person, actor_agent, booked_at_ns`

// bookSlotSQL books slot s in one statement if it is at the facility and
// times asked, web-bookable, not withdrawn, not started and free; it
// inserts nothing otherwise. The unique constraint settles a race the
// NOT EXISTS cannot see (a booking not yet committed). SQLite books one
// slot at a time with it.
const bookSlotSQL = `INSERT INTO bookings (id, slot_id, facility_id, invitation, notice, ` + bookingValueColumns + `)
	SELECT ?, s.id, s.facility_id, FALSE,
		COALESCE((SELECT n.text FROM notices n WHERE n.facility_id = s.facility_id AND n.time_type_id = s.time_type_id), ''),
		?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS BIGINT)
	FROM slots s
	WHERE s.id = ? AND s.facility_id = ? AND s.start_ns = ? AND s.end_ns = ?
		AND s.web_bookable AND NOT s.withdrawn AND s.start_ns > ?
		AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = s.id)
	RETURNING notice`

// bookSlotsSQL books, on PostgreSQL, a batch of free slots in one
// statement: each row of the arrays is one booking (see slotColumns), made
// if its slot is as bookSlotSQL requires. The slots are locked (FOR KEY
// SHARE, which staff's changes to a slot wait for) and booked in the
// order of their IDs, so that two batches never wait for each other in a
// circle; ON CONFLICT skips a slot that is booked already, by another
// transaction or by an earlier row of the batch. It answers the bookings
// it made.
const bookSlotsSQL = `INSERT INTO bookings (id, slot_id, facility_id, invitation, notice, ` + bookingValueColumns + `)
	SELECT r.id, s.id, s.facility_id, FALSE, COALESCE(n.text, ''),
		r.subject, r.reason, r.first_name, r.middle_name, r.last_name, r.phone, r.email, r.address, r.co_address,
		r.med_facility, r.notification, r.actor_person, r.actor_agent, r.booked_at_ns
	FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
			$17::bigint[], $18::bigint[], $19::bigint[]) WITH ORDINALITY
		AS r(id, subject, reason, first_name, middle_name, last_name, phone, email, address, co_address,
			med_facility, notification, actor_person, actor_agent, slot_id, facility_id,
			booked_at_ns, start_ns, end_ns, ord)
	JOIN slots s ON s.id = r.slot_id AND s.facility_id = r.facility_id
		AND s.start_ns = r.start_ns AND s.end_ns = r.end_ns
		AND s.web_bookable AND NOT s.withdrawn AND s.start_ns > r.booked_at_ns
	LEFT JOIN notices n ON n.facility_id = s.facility_id AND n.time_type_id = s.time_type_id
	ORDER BY s.id, r.ord
	FOR KEY SHARE OF s
	ON CONFLICT (slot_id) DO NOTHING
	RETURNING id, notice`

// Batches of bookings on PostgreSQL: while maxBookingBatches statements
// book slots, further bookings wait, and each time one ends, up to
// maxBookingBatch of those waiting go in the next. A lone booking is sent
// at once. Fewer, larger statements are what lets one book take many
// bookings a second: the database's cost and the round trip are mostly
// per statement, not per row (see BENCHMARKS.md).
const (
	maxBookingBatches = 2
	maxBookingBatch   = 64
)

// slotBooking is one booking of a free slot by its ID, for a batch.
type slotBooking struct {
	id  string // the new booking's
	req tidbok.BookRequest
	now time.Time
	// caller is the span context of the booking's caller, which the
	// batch's span links to.
	caller trace.SpanContext
}

// slotBooked is what became of a slotBooking: booked, with the notice, or
// not (the slot is not free, or not as asked).
type slotBooked struct {
	booked bool
	notice string
}

// bookSlots runs a batch of bookings as one bookSlotsSQL statement.
func (b *Book) bookSlots(ctx context.Context, batch []slotBooking) ([]slotBooked, error) {
	b.batchSizes.Record(ctx, int64(len(batch)))
	const texts, numbers = 16, 3
	var cols [texts][]string
	var nums [numbers][]int64
	for i := range cols {
		cols[i] = make([]string, len(batch))
	}
	for i := range nums {
		nums[i] = make([]int64, len(batch))
	}
	index := make(map[string]int, len(batch)) // booking ID → place in batch
	for i, q := range batch {
		ts := q.req.Timeslot
		cols[0][i] = q.id
		for j, v := range bookingTexts(q.req) {
			cols[1+j][i] = v
		}
		cols[14][i], cols[15][i] = ts.ID, ts.Facility.String()
		nums[0][i], nums[1][i], nums[2][i] = q.now.UnixNano(), ts.Start.UnixNano(), ts.End.UnixNano()
		index[q.id] = i
	}
	args := make([]any, 0, texts+numbers)
	for _, c := range cols {
		args = append(args, c)
	}
	for _, n := range nums {
		args = append(args, n)
	}
	var out []slotBooked
	span := b.batchSpan(ctx, batch)
	err := b.retry(ctx, func() error {
		out = make([]slotBooked, len(batch))
		rows, err := b.db.QueryContext(ctx, bookSlotsSQL, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, notice string
			if err := rows.Scan(&id, &notice); err != nil {
				return err
			}
			if i, ok := index[id]; ok {
				out[i] = slotBooked{booked: true, notice: notice}
			}
		}
		return rows.Err()
	})
	end(span, err)
	if err != nil {
		return nil, b.afterWrite(err)
	}
	return out, nil
}

// bookSlot books the free slot named by req.Timeslot.ID.
func (b *Book) bookSlot(ctx context.Context, req tidbok.BookRequest, now time.Time) (tidbok.BookResult, error) {
	const op = tidbok.OpBook
	id := newID(bookingPrefix)
	var got slotBooked
	var err error
	if b.dialect == sqldb.SQLite {
		// Every SQLite write, even one that inserts nothing, queues for
		// the one write lock. A read, which never waits, refuses what is
		// refused already, so that a crowd racing for a taken slot does
		// not queue.
		if err := b.checkSlot(ctx, op, req.Timeslot, now); err != nil {
			return tidbok.BookResult{}, err
		}
		got, err = b.bookSlotSQLite(ctx, id, req, now)
	} else {
		got, err = b.slotBookings.Do(ctx, slotBooking{id: id, req: req, now: now, caller: trace.SpanContextFromContext(ctx)})
		switch {
		case errors.Is(err, batch.ErrNotSent):
			return tidbok.BookResult{}, tidbok.NotSent(ctx.Err()) // nothing happened
		case errors.Is(err, batch.ErrAbandoned):
			return tidbok.BookResult{}, &sqldb.OutcomeUnknownError{Err: ctx.Err()}
		}
	}
	switch {
	case b.dialect.IsUnique(err):
		return tidbok.BookResult{}, bookbase.OpErr(op, tidbok.ErrSlotTaken, texts.SlotTaken)
	case err != nil:
		return tidbok.BookResult{}, b.afterWrite(err)
	case !got.booked:
		// Say why, from what the book holds now; if nothing is wrong
		// any more, the slot was not free a moment ago.
		if err := b.checkSlot(ctx, op, req.Timeslot, now); err != nil {
			return tidbok.BookResult{}, err
		}
		return tidbok.BookResult{}, bookbase.OpErr(op, tidbok.ErrSlotTaken, texts.SlotTaken)
	}
	return tidbok.BookResult{BookingID: id, Notice: got.notice}, nil
}

// bookSlotSQLite books a free slot on SQLite, by itself: one writer at a
// time holds the file, so there is nothing to gain from batches.
func (b *Book) bookSlotSQLite(ctx context.Context, id string, req tidbok.BookRequest, now time.Time) (slotBooked, error) {
	ts := req.Timeslot
	args := append([]any{id}, bookingValues(req, now)...)
	args = append(args, ts.ID, ts.Facility.String(), ts.Start.UnixNano(), ts.End.UnixNano(), now.UnixNano())
	got := slotBooked{booked: true}
	err := b.retry(ctx, func() error {
		if err := ctx.Err(); err != nil {
			return tidbok.NotSent(err) // nothing happened
		}
		err := b.queryRow(ctx, b.db, bookSlotSQL, args...).Scan(&got.notice)
		if noRows(err) {
			got.booked = false
			return nil
		}
		return err
	})
	return got, err
}

// checkSlot returns the error booking the slot ts names would get now,
// or nil if it is free; it only reads.
func (b *Book) checkSlot(ctx context.Context, op tidbok.Operation, ts tidbok.Timeslot, now time.Time) error {
	_, found, err := b.slotByID(ctx, b.db, op, ts, "", now)
	if err == nil && !found {
		return bookbase.OpErr(op, tidbok.ErrNotFound, texts.TimeChanged)
	}
	return err
}

// bookFound books a slot found by its attributes, as a new booking or, when
// req.Timeslot.ID names one, as the citizen's open invitation.
func (b *Book) bookFound(ctx context.Context, req tidbok.BookRequest, now time.Time) (tidbok.BookResult, error) {
	const op = tidbok.OpBook
	ts := req.Timeslot
	var res tidbok.BookResult
	err := b.inTx(ctx, b.tracing.insertBookings, func(tx *sql.Tx) error {
		if _, err := b.facilityName(ctx, tx, op, ts.Facility); err != nil {
			return err
		}
		var inv *bookingRow
		wantTT := ""
		if ts.ID != "" {
			r, err := b.lockBooking(ctx, tx, ts.ID)
			switch {
			case err != nil:
				return err
			case r == nil:
				return bookbase.OpErr(op, tidbok.ErrNotFound, texts.TimeChanged)
			case r.subject != ts.Subject.Canonical():
				return bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoBooking)
			case !r.invitation || !r.open():
				return bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.InvitationTaken)
			}
			inv, wantTT = r, r.describe.timeType
		}
		slot, err := b.slotByAttributes(ctx, tx, op, ts, wantTT, now)
		if err != nil {
			return err
		}
		notice, err := b.notice(ctx, tx, slot)
		if err != nil {
			return err
		}
		if inv == nil {
			res.BookingID = newID(bookingPrefix)
			args := append([]any{res.BookingID, slot.id, slot.facility, notice}, bookingValues(req, now)...)
			_, err = b.exec(ctx, tx, `INSERT INTO bookings (id, slot_id, facility_id, invitation, notice, `+bookingValueColumns+`)
				VALUES (?, ?, ?, FALSE, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		} else {
			res.BookingID = inv.id
			reason := inv.reason
			if ts.Reason != "" {
				reason = ts.Reason
			}
			c := req.Contact
			_, err = b.exec(ctx, tx, `UPDATE bookings SET slot_id = ?, facility_id = ?, notice = ?, reason = ?,
				first_name = ?, middle_name = ?, last_name = ?, phone = ?, email = ?, address = ?, co_address = ?,
				med_facility = ?, notification = ?, actor_person = ?, actor_agent = ?, booked_at_ns = ?
				WHERE id = ?`,
				slot.id, slot.facility, notice, reason,
				c.FirstName, c.MiddleName, c.LastName, c.Phone, c.Email, c.Address, c.CoAddress,
				req.FacilityMed().String(), req.Notification, req.Actor.Person.Canonical(), req.Actor.Agent.String(), now.UnixNano(),
				inv.id)
		}
		if b.dialect.IsUnique(err) {
			return bookbase.OpErr(op, tidbok.ErrSlotTaken, texts.SlotTaken)
		}
		res.Notice = notice
		return err
	})
	return res, err
}

// Reschedule moves a booking or timed invitation to a free slot of the
// same time type, at any facility of the book, atomically: on success the
// booking keeps its ID, is at the new slot and the old slot is free; on
// any error nothing changed. The new slot is found by Timeslot.ID when it
// is a slot's ID, and otherwise by Facility, Start and End (and Performer,
// TimeType, Resource and CareType when given), since the wire carries the
// booking's ID in that place.
//
// The booking must be the citizen's (Timeslot.Subject), else ErrNotFound;
// it must allow rescheduling (Flags.MayReschedule), must not have started
// and must have a time (book an open invitation instead), else
// ErrNotAllowed, as for an agent. The new slot must be free, web-bookable
// and not started, else ErrSlotTaken. A moved invitation becomes a
// booking; Contact, Reason and Notification, when given, replace the old.
func (b *Book) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	const op = tidbok.OpReschedule
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.RescheduleResult{}, err
	}
	now := b.cfg.Clock()
	ts := req.Timeslot
	var res tidbok.RescheduleResult
	err := b.inTx(ctx, b.tracing.updateBookings, func(tx *sql.Tx) error {
		if _, err := b.facilityName(ctx, tx, op, ts.Facility); err != nil {
			return err
		}
		if req.Actor.IsAgent() {
			return bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.AgentOnlyBook)
		}
		r, err := b.lockBooking(ctx, tx, req.BookingID)
		switch {
		case err != nil:
			return err
		case r == nil || r.subject != ts.Subject.Canonical():
			return bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoBooking)
		case r.open():
			return bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.OpenInvitation)
		case r.start.Int64 <= now.UnixNano():
			return bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.Started)
		}
		current := b.timeslot(r, now)
		if !current.Flags.MayReschedule {
			return bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.NoReschedule)
		}
		var slot slotInfo
		found := false
		if hasPrefix(ts.ID, slotPrefix) {
			if slot, found, err = b.slotByID(ctx, tx, op, ts, current.TimeType.ID, now); err != nil {
				return err
			}
		}
		if !found {
			if slot, err = b.slotByAttributes(ctx, tx, op, ts, current.TimeType.ID, now); err != nil {
				return err
			}
		}
		if res.Notice, err = b.notice(ctx, tx, slot); err != nil {
			return err
		}
		c := r.contact
		if !req.Contact.IsZero() {
			c = req.Contact
		}
		reason, notification := r.reason, r.notification
		if ts.Reason != "" {
			reason = ts.Reason
		}
		if req.Notification != "" {
			notification = req.Notification
		}
		_, err = b.exec(ctx, tx, `UPDATE bookings SET slot_id = ?, facility_id = ?, invitation = FALSE,
			reschedules = reschedules + 1, notice = ?, reason = ?, notification = ?,
			first_name = ?, middle_name = ?, last_name = ?, phone = ?, email = ?, address = ?, co_address = ?
			WHERE id = ?`,
			slot.id, slot.facility, res.Notice, reason, notification,
			c.FirstName, c.MiddleName, c.LastName, c.Phone, c.Email, c.Address, c.CoAddress,
			r.id)
		if b.dialect.IsUnique(err) {
			return bookbase.OpErr(op, tidbok.ErrSlotTaken, texts.SlotTaken)
		}
		return err
	})
	if err != nil {
		return tidbok.RescheduleResult{}, b.writeFailed(op, err)
	}
	return res, nil
}

// Cancel cancels a booking or invitation at the facility; its slot is
// free at once. The booking must exist there and, when the request names
// a Subject, be that citizen's (ErrNotFound); it must allow cancelling
// (Flags.MayCancel) and not have started, and a Message needs
// Flags.MayMessage, else ErrNotAllowed, as for an agent. A cancelled
// invitation is gone, and the staff-only slot of a timed invitation stays,
// free. The message is not kept. In the same transaction the book keeps a
// tombstone of the booking, with the time of the cancel and the Actor,
// which staff read with Cancelled; a cancel that fails leaves none.
func (b *Book) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	const op = tidbok.OpCancel
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.CancelResult{}, err
	}
	now := b.cfg.Clock()
	err := b.inTx(ctx, b.tracing.deleteBookings, func(tx *sql.Tx) error {
		if _, err := b.facilityName(ctx, tx, op, req.Facility); err != nil {
			return err
		}
		if req.Actor.IsAgent() {
			return bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.AgentOnlyBook)
		}
		r, err := b.lockBooking(ctx, tx, req.BookingID)
		switch {
		case err != nil:
			return err
		case r == nil || r.describe.facility != req.Facility.String(),
			!req.Subject.IsZero() && r.subject != req.Subject.Canonical():
			return bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoBooking)
		case !r.open() && r.start.Int64 <= now.UnixNano():
			return bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.Started)
		}
		flags := b.timeslot(r, now).Flags
		switch {
		case !flags.MayCancel:
			return bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.NoCancel)
		case req.Message != "" && !flags.MayMessage:
			return bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.NoMessage)
		}
		if err := b.keepTombstone(ctx, tx, r, req.Actor, now); err != nil {
			return err
		}
		_, err = b.exec(ctx, tx, "DELETE FROM bookings WHERE id = ?", r.id)
		return err
	})
	if err != nil {
		return tidbok.CancelResult{}, b.writeFailed(op, err)
	}
	return tidbok.CancelResult{}, nil
}

// writeFailed returns the error of a failed write op: the book's refusal
// as is, a write whose outcome is unknown as an *tidbok.OpError matching
// ErrOutcomeUnknown, and a failure of the database wrapped, matching
// tidbok.ErrNotSent too when it came before anything was sent (a closed
// *sql.DB, a connection not made): then nothing was written.
func (b *Book) writeFailed(op tidbok.Operation, err error) error {
	var uo *sqldb.OutcomeUnknownError
	switch {
	case errors.As(err, &uo):
		return &tidbok.OpError{Op: op, Err: err}
	case !errors.Is(err, tidbok.ErrNotSent) && sqldb.NeverSent(err):
		err = tidbok.NotSent(err)
	}
	return wrapDB(op.String(), err)
}

// lockBooking returns booking id, locked against change by other
// transactions until tx ends, or nil when the book has none.
func (b *Book) lockBooking(ctx context.Context, tx *sql.Tx, id string) (*bookingRow, error) {
	var r bookingRow
	err := r.scan(b.queryRow(ctx, tx, bookingSelect+bookingFrom+" WHERE bk.id = ?"+b.dialect.ForUpdate("bk"), id))
	switch {
	case noRows(err):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &r, nil
}

// slotInfo is what booking a slot needs to know of it.
type slotInfo struct {
	id, facility, timeType string
}

// notice returns the notice for bookings of slot.
func (b *Book) notice(ctx context.Context, q querier, slot slotInfo) (string, error) {
	var text string
	err := b.queryRow(ctx, q, "SELECT text FROM notices WHERE facility_id = ? AND time_type_id = ?", slot.facility, slot.timeType).Scan(&text)
	if noRows(err) {
		return "", nil
	}
	return text, err
}

// slotByID checks that the slot named by ts.ID is the one ts describes
// (facility, start and end), of time type wantTT when set, and free to
// book now. It reports found false, and no error, when the book has no
// slot with that ID (and has the facility). In a transaction on
// PostgreSQL it locks the slot against staff's changes.
func (b *Book) slotByID(ctx context.Context, q querier, op tidbok.Operation, ts tidbok.Timeslot, wantTT string, now time.Time) (slotInfo, bool, error) {
	if _, err := b.facilityName(ctx, q, op, ts.Facility); err != nil {
		return slotInfo{}, false, err
	}
	lock := ""
	if _, ok := q.(*sql.Tx); ok {
		lock = lockSlot(b.dialect, "s")
	}
	var s slotInfo
	var start, end int64
	var web, withdrawn, booked bool
	err := b.queryRow(ctx, q, `SELECT s.id, s.facility_id, s.time_type_id, s.start_ns, s.end_ns, s.web_bookable, s.withdrawn,
		EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = s.id)
		FROM slots s WHERE s.id = ?`+lock, ts.ID).
		Scan(&s.id, &s.facility, &s.timeType, &start, &end, &web, &withdrawn, &booked)
	switch {
	case noRows(err):
		return slotInfo{}, false, nil
	case err != nil:
		return slotInfo{}, false, err
	case s.facility != ts.Facility.String() || start != ts.Start.UnixNano() || end != ts.End.UnixNano():
		return slotInfo{}, true, bookbase.OpErr(op, tidbok.ErrNotFound, texts.TimeChanged)
	case wantTT != "" && s.timeType != wantTT:
		return slotInfo{}, true, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.OtherTimeType)
	case !web || withdrawn || booked || start <= now.UnixNano():
		return slotInfo{}, true, bookbase.OpErr(op, tidbok.ErrSlotTaken, texts.SlotTaken)
	}
	return s, true, nil
}

// slotByAttributes finds the slot ts describes at its facility: same start
// and end, and the performer, time type, resource and care type ts names.
// It prefers one that is free to book now and of time type wantTT (when
// set), and locks the candidates (PostgreSQL) against staff's changes.
func (b *Book) slotByAttributes(ctx context.Context, tx *sql.Tx, op tidbok.Operation, ts tidbok.Timeslot, wantTT string, now time.Time) (slotInfo, error) {
	rows, err := b.query(ctx, tx, `SELECT s.id, s.start_ns, s.web_bookable,
		EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = s.id), `+slotDescribe+`
		FROM slots s`+slotJoins+`
		WHERE s.facility_id = ? AND s.day = ? AND s.start_ns = ? AND s.end_ns = ? AND NOT s.withdrawn
		ORDER BY s.id`+lockSlot(b.dialect, "s"),
		ts.Facility.String(), dayOf(ts.Start), ts.Start.UnixNano(), ts.End.UnixNano())
	if err != nil {
		return slotInfo{}, err
	}
	defer rows.Close()
	var taken, otherType bool
	for rows.Next() {
		var id string
		var start int64
		var web, booked bool
		var d describe
		if err := rows.Scan(append([]any{&id, &start, &web, &booked}, d.fields()...)...); err != nil {
			return slotInfo{}, err
		}
		if !describes(d.timeslot(), ts) {
			continue
		}
		if wantTT != "" && d.timeType != wantTT {
			otherType = true
			continue
		}
		if web && !booked && start > now.UnixNano() {
			return slotInfo{id: id, facility: d.facility, timeType: d.timeType}, nil
		}
		taken = true
	}
	if err := rows.Err(); err != nil {
		return slotInfo{}, err
	}
	switch {
	case taken:
		return slotInfo{}, bookbase.OpErr(op, tidbok.ErrSlotTaken, texts.SlotTaken)
	case otherType:
		return slotInfo{}, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.OtherTimeType)
	}
	return slotInfo{}, bookbase.OpErr(op, tidbok.ErrNotFound, texts.TimeChanged)
}

// describes reports whether slot has the performer, time type, resource
// and care type that ts names (ignoring those it leaves out).
func describes(slot, ts tidbok.Timeslot) bool {
	if !ts.Performer.IsZero() && !slot.Performer.Equal(ts.Performer) {
		return false
	}
	return matchType(slot.TimeType.ID, slot.TimeType.Name, ts.TimeType.ID, ts.TimeType.Name) &&
		matchType(slot.CareType.ID, slot.CareType.Name, ts.CareType.ID, ts.CareType.Name) &&
		matchType(slot.Resource.ID, slot.Resource.Name, ts.Resource.ID, ts.Resource.Name)
}

// matchType reports whether a type (id, name) passes a filter: by ID when
// the filter has one, else by name, else always.
func matchType(id, name, wantID, wantName string) bool {
	switch {
	case wantID != "":
		return id == wantID
	case wantName != "":
		return name == wantName
	}
	return true
}
