package sqlstore

import (
	"context"
	"database/sql"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
)

var _ store.Settler[booking.Event] = Keys{}

// Settle implements [store.Settler] in one transaction: the key's
// outcome (guarded on its claim, as Update is), the hold's release, the
// messages (as Enqueue queues them) and the audit events (as
// [Audit.Record] records them). On SQLite that is one commit where the
// parts alone are four or more; on PostgreSQL, one round of commits.
func (k Keys) Settle(ctx context.Context, st store.Settlement[booking.Event]) error {
	a := Audit(k)
	inserts := make([][]any, len(st.Events))
	var query string
	for i, e := range st.Events {
		q, args, err := a.insert(e)
		if err != nil {
			return err
		}
		query, inserts[i] = q, args
	}
	err := k.s.inTx(ctx, func(tx *sql.Tx) error {
		if err := k.update(ctx, tx, st.Key, st.Key.Claim); err != nil {
			return err
		}
		if st.Release != "" {
			if _, err := tx.ExecContext(ctx, k.s.q("DELETE FROM holds WHERE token = ?"), st.Release); err != nil {
				return err
			}
		}
		if len(st.Messages) > 0 {
			if err := (Outbox(k)).enqueue(ctx, tx, st.Messages); err != nil {
				return err
			}
		}
		for _, args := range inserts {
			if _, err := tx.ExecContext(ctx, k.s.q(query), args...); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("settling a request key", err)
}

// Shares implements [store.Settler]: it reports whether keys, holds,
// outbox (or nil) and audit are these stores' own, of the same [Stores]
// or of another Stores over the same *sql.DB.
func (k Keys) Shares(keys store.Keys, holds store.Holds, outbox store.Outbox, audit any) bool {
	same := func(o *Stores) bool { return o != nil && o.db == k.s.db }
	kk, ok1 := keys.(Keys)
	hh, ok2 := holds.(Holds)
	aa, ok3 := audit.(Audit)
	if !ok1 || !ok2 || !ok3 || !same(kk.s) || !same(hh.s) || !same(aa.s) {
		return false
	}
	if outbox == nil {
		return true
	}
	oo, ok := outbox.(Outbox)
	return ok && same(oo.s)
}
