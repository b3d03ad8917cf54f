package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Waitlist is a [store.Waitlist] in the database: the clinics'
// cancellation lists and their offers, shared by every portal process
// and watcher. An offer is settled by one UPDATE guarded on its state,
// so that of two processes settling it at once one wins.
type Waitlist struct{ s *Stores }

var _ store.Waitlist = Waitlist{}

// Waitlist returns the store of the cancellation lists, for
// booking.Config.Waitlist.
func (s *Stores) Waitlist() Waitlist { return Waitlist{s} }

// waitKey is what makes two entries the same wait ([store.WaitEntry.Same]).
func waitKey(e store.WaitEntry) string {
	if e.BookingID != "" {
		return e.Subject.Canonical() + "/b/" + e.BookingID
	}
	return e.Subject.Canonical() + "/t/" + e.TimeType.ID + "/" + e.Performer.String()
}

// Join implements [store.Waitlist].
func (w Waitlist) Join(ctx context.Context, e store.WaitEntry) (store.WaitEntry, error) {
	data, err := encode(e)
	if err != nil {
		return store.WaitEntry{}, err
	}
	key := waitKey(e)
	if _, err := w.s.exec(ctx, "INSERT INTO waitlist_entries (clinic, id, wait_key, subject, booking_id, time_type, data) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		e.Clinic.String(), e.ID, key, e.Subject.Canonical(), e.BookingID, e.TimeType.ID, data); err != nil {
		return store.WaitEntry{}, wrap("joining the list", err)
	}
	var stored string
	err = w.s.scanRow(ctx, w.s.db, "SELECT data FROM waitlist_entries WHERE clinic = ? AND wait_key = ?",
		[]any{e.Clinic.String(), key}, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return store.WaitEntry{}, answerf("sqlstore: entry %q exists already at clinic %v for another wait", e.ID, e.Clinic)
	}
	return decodeRow[store.WaitEntry]("joining the list", stored, err)
}

// Leave implements [store.Waitlist].
func (w Waitlist) Leave(ctx context.Context, clinic tidbok.HSAID, id string) error {
	_, err := w.s.exec(ctx, "DELETE FROM waitlist_entries WHERE clinic = ? AND id = ?", clinic.String(), id)
	return wrap("leaving the list", err)
}

// Entries implements [store.Waitlist].
func (w Waitlist) Entries(ctx context.Context, f store.WaitFilter) ([]store.WaitEntry, error) {
	q := "SELECT data FROM waitlist_entries WHERE clinic = ?"
	args := []any{f.Clinic.String()}
	if !f.Subject.IsZero() {
		q += " AND subject = ?"
		args = append(args, f.Subject.Canonical())
	}
	if f.TimeType.ID != "" {
		q += " AND time_type = ?"
		args = append(args, f.TimeType.ID)
	}
	if f.BookingID != "" {
		q += " AND booking_id = ?"
		args = append(args, f.BookingID)
	}
	out, err := listJSON[store.WaitEntry](ctx, w.s, q+" ORDER BY seq", args...)
	return out, wrap("reading the list", err)
}

// AddOffers implements [store.Waitlist].
func (w Waitlist) AddOffers(ctx context.Context, offers ...store.Offer) error {
	if len(offers) == 0 {
		return ctx.Err()
	}
	err := w.s.inTx(ctx, func(tx *sql.Tx) error {
		for _, o := range offers {
			data, err := encode(o)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, w.s.q("INSERT INTO waitlist_offers (id, clinic, slot_key, entry_id, state, settled, data) "+
				"VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"),
				o.ID, o.Clinic.String(), o.SlotKey, o.Entry.ID, int(o.State), nanos(o.Settled), data); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("storing offers", err)
}

const offerCols = "state, settled, data"

// scanOffer reads an offer: its data, with the state and settled time
// of their columns.
func scanOffer(state int, settled int64, data string) (store.Offer, error) {
	o, err := decode[store.Offer](data)
	if err != nil {
		return store.Offer{}, err
	}
	o.State, o.Settled = store.OfferState(state), time.Time{}
	if settled != 0 {
		o.Settled = time.Unix(0, settled)
	}
	return o, nil
}

// Offer implements [store.Waitlist].
func (w Waitlist) Offer(ctx context.Context, id string) (store.Offer, error) {
	var state int
	var settled int64
	var data string
	err := w.s.scanRow(ctx, w.s.db, "SELECT "+offerCols+" FROM waitlist_offers WHERE id = ?", []any{id}, &state, &settled, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.Offer{}, refusef(store.ErrNoOffer, "id %s", id)
	case err != nil:
		return store.Offer{}, wrap("reading an offer", err)
	}
	o, err := scanOffer(state, settled, data)
	return o, wrap("reading an offer", err)
}

// Offers implements [store.Waitlist].
func (w Waitlist) Offers(ctx context.Context, clinic tidbok.HSAID, slot string) ([]store.Offer, error) {
	var out []store.Offer
	err := w.s.dialect.Retry(ctx, func() error {
		out = out[:0]
		rows, err := w.s.db.QueryContext(ctx, w.s.q("SELECT "+offerCols+" FROM waitlist_offers WHERE clinic = ? AND slot_key = ? ORDER BY seq"),
			clinic.String(), slot)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var state int
			var settled int64
			var data string
			if err := rows.Scan(&state, &settled, &data); err != nil {
				return err
			}
			o, err := scanOffer(state, settled, data)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	return out, wrap("reading offers", err)
}

// SettleOffer implements [store.Waitlist] with one UPDATE guarded on the
// open state.
func (w Waitlist) SettleOffer(ctx context.Context, id string, state store.OfferState, at time.Time) (store.Offer, error) {
	res, err := w.s.exec(ctx, "UPDATE waitlist_offers SET state = ?, settled = ? WHERE id = ? AND state = ?",
		int(state), nanos(at), id, int(store.OfferOpen))
	if err != nil {
		return store.Offer{}, wrap("settling an offer", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return store.Offer{}, wrap("settling an offer", err)
	}
	o, err := w.Offer(ctx, id)
	if err != nil {
		return store.Offer{}, err
	}
	if n == 0 {
		return o, refusef(store.ErrOfferSettled, "offer %s is %v", id, o.State)
	}
	return o, nil
}
