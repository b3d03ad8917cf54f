package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"github.com/webbtidbok/webbtidbok/booking/store"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Moves is a [store.Moves] in the database: a count per booking,
// reserved with a guarded UPDATE, so that concurrent reschedules in any
// processes cannot pass a case type's limit together.
type Moves struct{ s *Stores }

var _ store.Moves = Moves{}

// Moves returns the store of reschedule counts, for booking.Config.Moves.
func (s *Stores) Moves() Moves { return Moves{s} }

// Reserve implements [store.Moves].
func (m Moves) Reserve(ctx context.Context, clinic tidbok.HSAID, bookingID string, limit int) (int, error) {
	var n int
	err := m.s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, m.s.q("INSERT INTO reschedules (clinic, booking_id, n) VALUES (?, ?, 0) ON CONFLICT (clinic, booking_id) DO NOTHING"),
			clinic.String(), bookingID); err != nil {
			return err
		}
		err := m.s.scanRow(ctx, tx, "UPDATE reschedules SET n = n + 1 WHERE clinic = ? AND booking_id = ? AND (? = 0 OR n < ?) RETURNING n",
			[]any{clinic.String(), bookingID, limit, limit}, &n)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := m.s.scanRow(ctx, tx, "SELECT n FROM reschedules WHERE clinic = ? AND booking_id = ?", []any{clinic.String(), bookingID}, &n); err != nil {
			return err
		}
		return refusef(store.ErrTooManyReschedules, "moved %d times, at most %d allowed", n, limit)
	})
	return n, wrap("counting a move", err)
}

// Undo implements [store.Moves].
func (m Moves) Undo(ctx context.Context, clinic tidbok.HSAID, bookingID string) error {
	_, err := m.s.exec(ctx, "UPDATE reschedules SET n = n - 1 WHERE clinic = ? AND booking_id = ? AND n > 0", clinic.String(), bookingID)
	return wrap("taking back a move", err)
}

// Count implements [store.Moves].
func (m Moves) Count(ctx context.Context, clinic tidbok.HSAID, bookingID string) (int, error) {
	var n int
	err := m.s.scanRow(ctx, m.s.db, "SELECT n FROM reschedules WHERE clinic = ? AND booking_id = ?", []any{clinic.String(), bookingID}, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, wrap("counting moves", err)
}
