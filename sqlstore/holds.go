package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Holds is a [store.Holds] in the database, which makes holds hold
// across portal processes: a unique key on the clinic and slot lets at
// most one hold exist per slot.
type Holds struct{ s *Stores }

var _ store.Holds = Holds{}

// Holds returns the store of holds on slots, for booking.Config.Holds.
func (s *Stores) Holds() Holds { return Holds{s} }

// holdRetries bounds how often Acquire starts again when a concurrent
// Acquire inserted a hold on the same slot between its read and its
// insert (PostgreSQL locks no row that does not exist yet).
const holdRetries = 5

// Acquire implements [store.Holds] in one transaction: it reads and
// locks the slot's hold, refuses if another subject's is live, and
// otherwise deletes the subject's holds at the clinic (the slot's among
// them, if it is theirs) before it inserts h. Holds that expired are
// deleted as it goes. A hold another Acquire inserted meanwhile makes the
// insert fail, and Acquire starts again.
func (hs Holds) Acquire(ctx context.Context, h store.Hold, now time.Time) (store.Hold, error) {
	data, err := encode(h)
	if err != nil {
		return store.Hold{}, err
	}
	clinic, subject := h.Clinic.String(), h.Subject.Canonical()
	var held store.Hold
	for attempt := 0; ; attempt++ {
		held = store.Hold{}
		err = hs.s.inTx(ctx, func(tx *sql.Tx) error {
			var curSubject, curData string
			var curExpires int64
			err := hs.s.scanRow(ctx, tx, "SELECT subject, expires, data FROM holds h WHERE clinic = ? AND slot_key = ?"+hs.s.dialect.ForUpdate("h"),
				[]any{clinic, h.Key}, &curSubject, &curExpires, &curData)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			case curSubject != subject && curExpires > now.UnixNano():
				cur, err := decode[store.Hold](curData)
				if err != nil {
					return err
				}
				held = cur
				return refusef(store.ErrHeld, "until %s", cur.Expires.Format(time.RFC3339))
			}
			// Only the subject's own holds and expired ones: on
			// PostgreSQL this statement sees holds committed since the
			// SELECT, and another subject's live hold on the slot among
			// them must make the INSERT fail, not be deleted.
			if _, err := tx.ExecContext(ctx, hs.s.q(`DELETE FROM holds
				WHERE clinic = ? AND subject = ? OR expires <= ?`),
				clinic, subject, now.UnixNano()); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, hs.s.q("INSERT INTO holds (token, clinic, slot_key, subject, expires, data) VALUES (?, ?, ?, ?, ?, ?)"),
				h.Token, clinic, h.Key, subject, h.Expires.UnixNano(), data)
			return err
		})
		if !hs.s.dialect.IsUnique(err) || attempt == holdRetries {
			break
		}
	}
	if err != nil {
		return held, wrap("acquiring a hold", err)
	}
	return h, nil
}

// Get implements [store.Holds].
func (hs Holds) Get(ctx context.Context, token string) (store.Hold, error) {
	var data string
	err := hs.s.scanRow(ctx, hs.s.db, "SELECT data FROM holds WHERE token = ?", []any{token}, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Hold{}, store.ErrHoldExpired
	}
	return decodeRow[store.Hold]("reading a hold", data, err)
}

// Held implements [store.Holds].
func (hs Holds) Held(ctx context.Context, clinic tidbok.HSAID, now time.Time) ([]store.Hold, error) {
	out, err := listJSON[store.Hold](ctx, hs.s, "SELECT data FROM holds WHERE clinic = ? AND expires > ?", clinic.String(), now.UnixNano())
	return out, wrap("reading holds", err)
}

// Release implements [store.Holds].
func (hs Holds) Release(ctx context.Context, token string) error {
	_, err := hs.s.exec(ctx, "DELETE FROM holds WHERE token = ?", token)
	return wrap("releasing a hold", err)
}
