package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/sqldb"
)

// Keys is a [store.Keys] in the database: one row per caller and
// request key, guarded on the token of the call holding it, so that
// portal processes share the outcomes of calls and a repeat in any of them
// settles a write another began.
type Keys struct{ s *Stores }

var _ store.Keys = Keys{}

// Keys returns the store of request keys, for booking.Config.Keys.
func (s *Stores) Keys() Keys { return Keys{s} }

// keyRetries bounds how often Claim starts again when a concurrent Claim
// inserted the same key between its read and its insert.
const keyRetries = 5

// Claim implements [store.Keys] in one transaction that reads and
// locks the key's record, then inserts, takes over or leaves it. Records
// expired at rec.Claimed are deleted as it goes.
func (k Keys) Claim(ctx context.Context, rec store.KeyRecord, lease time.Duration) (store.KeyRecord, bool, error) {
	data, err := encode(rec)
	if err != nil {
		return store.KeyRecord{}, false, err
	}
	now := rec.Claimed.UnixNano()
	var prior store.KeyRecord
	var claimed bool
	for attempt := 0; ; attempt++ {
		prior, claimed = store.KeyRecord{}, false
		err = k.s.inTx(ctx, func(tx *sql.Tx) error {
			var curData string
			var expires int64
			err := k.s.scanRow(ctx, tx, "SELECT expires, data FROM request_keys k WHERE caller = ? AND request_key = ?"+k.s.dialect.ForUpdate("k"),
				[]any{rec.Caller, rec.Key}, &expires, &curData)
			switch {
			case errors.Is(err, sql.ErrNoRows) || err == nil && expires <= now:
				if _, err := tx.ExecContext(ctx, k.s.q("DELETE FROM request_keys WHERE expires <= ?"), now); err != nil {
					return err
				}
				claimed = true
				_, err := tx.ExecContext(ctx, k.s.q(`INSERT INTO request_keys
					(caller, request_key, action, fingerprint, state, claim, claimed, expires, data)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
					rec.Caller, rec.Key, string(rec.Action), rec.Fingerprint, int(rec.State), rec.Claim, now, nanos(rec.Expires), data)
				return err
			case err != nil:
				return err
			}
			cur, err := decodeKey(curData)
			if err != nil {
				return err
			}
			prior = cur
			if cur.Action != rec.Action || cur.Fingerprint != rec.Fingerprint {
				return nil
			}
			if cur.State != store.KeyUnknown && (cur.State != store.KeyPending || cur.Claimed.Add(lease).After(rec.Claimed)) {
				return nil
			}
			// Take it over: pending under rec's claim, the intent kept.
			next := cur
			next.State, next.Claim, next.Claimed = store.KeyPending, rec.Claim, rec.Claimed
			if rec.Expires.After(next.Expires) {
				next.Expires = rec.Expires
			}
			if err := k.update(ctx, tx, next, cur.Claim); err != nil {
				return err
			}
			claimed = true
			return nil
		})
		if !k.s.dialect.IsUnique(err) || attempt == keyRetries {
			break
		}
	}
	if err != nil {
		return store.KeyRecord{}, false, wrap("claiming a request key", err)
	}
	if claimed && prior.Caller == "" {
		return store.KeyRecord{}, true, nil
	}
	return prior, claimed, nil
}

// update replaces the record (rec.Caller, rec.Key) with rec on q (the
// pool or a transaction) if its claim is still claim. A statement whose
// answer was lost gives an error matching tidbok.ErrOutcomeUnknown.
func (k Keys) update(ctx context.Context, q sqldb.Querier, rec store.KeyRecord, claim string) error {
	data, err := encode(rec)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // nothing sent
	}
	res, err := q.ExecContext(ctx, k.s.q(`UPDATE request_keys
		SET action = ?, fingerprint = ?, state = ?, claim = ?, claimed = ?, expires = ?, data = ?
		WHERE caller = ? AND request_key = ? AND claim = ?`),
		string(rec.Action), rec.Fingerprint, int(rec.State), rec.Claim, nanos(rec.Claimed), nanos(rec.Expires), data,
		rec.Caller, rec.Key, claim)
	if err != nil {
		return k.s.dialect.AfterWrite(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return &answer{store.ErrKeyTaken}
	}
	return nil
}

// Update implements [store.Keys] in one statement, guarded on the
// claim.
func (k Keys) Update(ctx context.Context, rec store.KeyRecord) error {
	err := k.s.dialect.Retry(ctx, func() error { return k.update(ctx, k.s.db, rec, rec.Claim) })
	return wrap("updating a request key", err)
}

// Release implements [store.Keys].
func (k Keys) Release(ctx context.Context, caller, key, claim string) error {
	_, err := k.s.exec(ctx, "DELETE FROM request_keys WHERE caller = ? AND request_key = ? AND claim = ?", caller, key, claim)
	return wrap("releasing a request key", err)
}

// legacyRefusals are the classes of the book's refusals as rows stored
// before the kinds were kept carried them, in their Result's Err.
var legacyRefusals = map[string]tidbok.Kind{
	"taken":         tidbok.KindSlotTaken,
	"not found":     tidbok.KindNotFound,
	"not allowed":   tidbok.KindNotAllowed,
	"invalid":       tidbok.KindInvalid,
	"not supported": tidbok.KindNotSupported,
}

// decodeKey returns the request key kept as JSON in a data column. A row
// stored before refusals were kept as kinds names its refusal's class in
// Result.Err, which becomes the kind: outcomes stored then replay as
// before.
func decodeKey(data string) (store.KeyRecord, error) {
	rec, err := decode[store.KeyRecord](data)
	if err != nil || rec.Result.Refused != tidbok.KindNone {
		return rec, err
	}
	old, err := decode[struct{ Result struct{ Err string } }](data)
	if err != nil || old.Result.Err == "" {
		return rec, err
	}
	k, ok := legacyRefusals[old.Result.Err]
	if !ok {
		return rec, &dbError{op: "decoding a row", err: fmt.Errorf("a request key's outcome names an unknown refusal %q", old.Result.Err)}
	}
	rec.Result.Refused = k
	return rec, nil
}
