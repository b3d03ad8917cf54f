package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
)

// Outbox is a [store.Outbox] in the database. On PostgreSQL workers in
// any number of processes claim due messages with FOR UPDATE SKIP
// LOCKED, so that none waits for rows another is claiming and each row
// goes to one of them; on SQLite a claim is one write transaction, one
// process at a time.
type Outbox struct{ s *Stores }

var _ store.Outbox = Outbox{}

// Outbox returns the store of messages owed to citizens, for
// booking.Config.Outbox and the delivery worker.
func (s *Stores) Outbox() Outbox { return Outbox{s} }

const outboxCols = "msg_key, grp, seq, channel, recipient, not_before, created, body, state, attempts, claim, lease_until, settled, detail"

// Enqueue implements [store.Outbox].
func (o Outbox) Enqueue(ctx context.Context, msgs ...store.Message) error {
	if len(msgs) == 0 {
		return ctx.Err()
	}
	err := o.s.inTx(ctx, func(tx *sql.Tx) error { return o.enqueue(ctx, tx, msgs) })
	return wrap("enqueueing messages", err)
}

// enqueue stores msgs in the transaction tx (see Enqueue).
func (o Outbox) enqueue(ctx context.Context, tx *sql.Tx, msgs []store.Message) error {
	for _, m := range msgs {
		if o.s.dialect.Postgres() {
			// One enqueue per group at a time, so that two changes
			// of one booking queued at once see each other and the
			// older is superseded (SQLite's transactions already take
			// turns).
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", "outbox:"+m.Group); err != nil {
				return err
			}
		}
		var top sql.NullInt64
		if err := tx.QueryRowContext(ctx, o.s.q("SELECT MAX(seq) FROM outbox WHERE grp = ?"), m.Group).Scan(&top); err != nil {
			return err
		}
		state := store.MessagePending
		if top.Valid && top.Int64 > int64(m.Sequence) {
			state = store.MessageSuperseded
		}
		body := m.Body
		if body == nil {
			body = []byte{}
		}
		res, err := tx.ExecContext(ctx, o.s.q("INSERT INTO outbox (msg_key, grp, seq, channel, recipient, not_before, created, body, state) "+
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (msg_key) DO NOTHING"),
			m.Key, m.Group, m.Sequence, m.Channel, m.To, nanos(m.NotBefore), nanos(m.Created), body, int(state))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, o.s.q("UPDATE outbox SET state = ? WHERE grp = ? AND seq < ? AND state = ?"),
			int(store.MessageSuperseded), m.Group, m.Sequence, int(store.MessagePending)); err != nil {
			return err
		}
	}
	return nil
}

// Withdraw implements [store.Outbox].
func (o Outbox) Withdraw(ctx context.Context, key string) error {
	_, err := o.s.exec(ctx, "UPDATE outbox SET state = ? WHERE msg_key = ? AND state = ?",
		int(store.MessageWithdrawn), key, int(store.MessagePending))
	return wrap("withdrawing a message", err)
}

// Claim implements [store.Outbox].
func (o Outbox) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Message, error) {
	if limit <= 0 {
		limit = 100
	}
	token := store.NewClaimToken()
	at := nanos(now)
	skip := ""
	if o.s.dialect.Postgres() {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	query := "UPDATE outbox SET attempts = attempts + 1, claim = ?, lease_until = ? WHERE id IN (" +
		"SELECT id FROM outbox WHERE state = 0 AND not_before <= ? AND lease_until <= ? ORDER BY not_before, id LIMIT ?" + skip +
		") RETURNING id, " + outboxCols
	var out []store.Message
	err := o.s.dialect.Retry(ctx, func() error {
		out = out[:0]
		rows, err := o.s.db.QueryContext(ctx, o.s.q(query), token, at+int64(lease), at, at, limit)
		if err != nil {
			return o.s.dialect.AfterWrite(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			m, id, err := scanMessage(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return o.s.dialect.AfterWrite(err)
		}
		sortByDue(out, ids)
		return nil
	})
	return out, wrap("claiming messages", err)
}

// sortByDue orders claimed rows as the claim chose them: RETURNING
// promises no order.
func sortByDue(ms []store.Message, ids []int64) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && (ms[j].NotBefore.Before(ms[j-1].NotBefore) ||
			ms[j].NotBefore.Equal(ms[j-1].NotBefore) && ids[j] < ids[j-1]); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}

// Settle implements [store.Outbox].
func (o Outbox) Settle(ctx context.Context, key, claim string, out store.Outcome) error {
	if claim == "" {
		return refusef(store.ErrLeaseLost, "message %s: no claim token", key)
	}
	// state: sent always wins; a superseded row stays superseded
	// otherwise; a retry stays pending with a new due time.
	query := "UPDATE outbox SET claim = '', lease_until = 0, settled = ?, detail = ?, " +
		"state = CASE WHEN ? = 1 THEN 1 WHEN state = 3 THEN 3 ELSE ? END, " +
		"not_before = CASE WHEN ? = 0 AND state = 0 THEN ? ELSE not_before END " +
		"WHERE msg_key = ? AND claim = ? AND state IN (0, 3)"
	args := []any{nanos(out.At), out.Detail, int(out.State), int(out.State), int(out.State), nanos(out.Retry), key, claim}
	if o.s.dialect.Postgres() {
		// The outcome's commit need not wait for the disk: it is visible
		// at once, and lost only if the database server itself fails
		// within a fraction of a second, when the message is sent again
		// (at least once, with the same Message-ID). A worker that dies
		// loses nothing. set_config(…, true) lasts for the statement's
		// own transaction, so this stays one round trip.
		query = "WITH async AS (SELECT set_config('synchronous_commit', 'off', true) AS v) " +
			strings.Replace(query, " WHERE ", " FROM async WHERE async.v = 'off' AND ", 1)
	}
	var n int64
	res, err := o.s.exec(ctx, query, args...)
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err != nil {
		return wrap("settling a message", err)
	}
	if n == 0 {
		return refusef(store.ErrLeaseLost, "message %s is not held by this claim", key)
	}
	return nil
}

// Get implements [store.Outbox].
func (o Outbox) Get(ctx context.Context, key string) (store.Message, error) {
	var m store.Message
	err := o.s.dialect.Retry(ctx, func() error {
		rows, err := o.s.db.QueryContext(ctx, o.s.q("SELECT 0, "+outboxCols+" FROM outbox WHERE msg_key = ?"), key)
		if err != nil {
			return err
		}
		defer rows.Close()
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return err
			}
			return refusef(store.ErrNoMessage, "key %s", key)
		}
		m, _, err = scanMessage(rows)
		return err
	})
	return m, wrap("reading a message", err)
}

// List implements [store.Outbox].
func (o Outbox) List(ctx context.Context, f store.MessageFilter) ([]store.Message, error) {
	query := "SELECT id, " + outboxCols + " FROM outbox WHERE 1 = 1"
	var args []any
	if f.Group != "" {
		query += " AND grp = ?"
		args = append(args, f.Group)
	}
	if f.To != "" {
		query += " AND recipient = ?"
		args = append(args, f.To)
	}
	query += " ORDER BY id DESC"
	if f.Limit > 0 {
		query += " LIMIT " + strconv.Itoa(f.Limit)
	}
	var out []store.Message
	err := o.s.dialect.Retry(ctx, func() error {
		out = out[:0]
		rows, err := o.s.db.QueryContext(ctx, o.s.q(query), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, _, err := scanMessage(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, wrap("listing messages", err)
}

// scanMessage reads a row of "id, " + outboxCols.
func scanMessage(rows *sql.Rows) (store.Message, int64, error) {
	var (
		m                                       store.Message
		id, seq, attempts                       int64
		notBefore, created, leaseUntil, settled int64
		state                                   int
	)
	err := rows.Scan(&id, &m.Key, &m.Group, &seq, &m.Channel, &m.To, &notBefore, &created, &m.Body,
		&state, &attempts, &m.Claim, &leaseUntil, &settled, &m.Detail)
	if err != nil {
		return m, 0, err
	}
	m.Sequence, m.Attempts, m.State = int(seq), int(attempts), store.MessageState(state)
	m.NotBefore, m.Created, m.LeaseUntil, m.Settled = fromNanos(notBefore), fromNanos(created), fromNanos(leaseUntil), fromNanos(settled)
	return m, id, nil
}

// fromNanos is the inverse of nanos.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}
