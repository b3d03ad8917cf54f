package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Requests is a [store.Requests] in the database: citizens'
// requests to the clinic's staff, shared by every portal process and the
// staff's own tools.
type Requests struct{ s *Stores }

var _ store.Requests = Requests{}

// Requests returns the store of citizens' requests, for
// booking.Config.Requests.
func (s *Stores) Requests() Requests { return Requests{s} }

// Add implements [store.Requests].
func (rs Requests) Add(ctx context.Context, r store.Request) error {
	data, err := encode(r)
	if err != nil {
		return err
	}
	_, err = rs.s.exec(ctx, "INSERT INTO citizen_requests (clinic, id, created, closed_at, data) VALUES (?, ?, ?, ?, ?)",
		r.Clinic.String(), r.ID, nanos(r.Created), nanos(r.ClosedAt), data)
	if rs.s.dialect.IsUnique(err) {
		return answerf("sqlstore: request %q exists already at clinic %v", r.ID, r.Clinic)
	}
	return wrap("storing a request", err)
}

// List implements [store.Requests].
func (rs Requests) List(ctx context.Context, clinic tidbok.HSAID, openOnly bool) ([]store.Request, error) {
	q := "SELECT data FROM citizen_requests WHERE clinic = ?"
	if openOnly {
		q += " AND closed_at = 0"
	}
	out, err := listJSON[store.Request](ctx, rs.s, q+" ORDER BY created, "+rs.s.ordered("id"), clinic.String())
	return out, wrap("listing requests", err)
}

// Close implements [store.Requests] in one transaction that locks
// the request, so that of two staff members closing it at once the first
// is recorded.
func (rs Requests) Close(ctx context.Context, clinic tidbok.HSAID, id string, by tidbok.HSAID, at time.Time) (store.Request, error) {
	var r store.Request
	err := rs.s.inTx(ctx, func(tx *sql.Tx) error {
		var data string
		err := rs.s.scanRow(ctx, tx, "SELECT data FROM citizen_requests r WHERE clinic = ? AND id = ?"+rs.s.dialect.ForUpdate("r"),
			[]any{clinic.String(), id}, &data)
		if errors.Is(err, sql.ErrNoRows) {
			return refusef(tidbok.ErrNotFound, "no request %q at the clinic", id)
		}
		if err != nil {
			return err
		}
		if r, err = decode[store.Request](data); err != nil || !r.IsOpen() {
			return err
		}
		r.ClosedBy, r.ClosedAt = by, at
		if data, err = encode(r); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, rs.s.q("UPDATE citizen_requests SET closed_at = ?, data = ? WHERE clinic = ? AND id = ?"),
			nanos(at), data, clinic.String(), id)
		return err
	})
	if err != nil {
		return store.Request{}, wrap("closing a request", err)
	}
	return r, nil
}
