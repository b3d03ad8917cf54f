package store

import (
	"context"
	"reflect"
)

// MemSettler is a [Settler] over in-memory stores of one process: it
// settles into Keys, Holds and Outbox (nil: no messages) and records the
// events with Record, the audit log's method (booking.AuditSink's Record).
// Pass it as booking.Config.Keys, with Holds, Outbox and the audit log
// whose Record it is as the other stores. Keys and Holds are required.
//
// It writes all or nothing: it checks the key's claim and records the
// events, the parts that can fail, before it changes anything else (with
// more than one event, a Record that fails after the first leaves those
// before it recorded, since a Record cannot be taken back; the flow
// settles one event a call). Other calls see the parts one after
// another, never half of a part.
type MemSettler[E any] struct {
	*MemKeys
	Holds  *MemHolds
	Outbox *MemOutbox
	// Record records one audit event; Audit is the audit log it belongs
	// to, as passed to Shares (compared with ==, so a comparable value
	// such as a pointer).
	Record func(ctx context.Context, e E) error
	Audit  any
}

var _ Settler[struct{}] = (*MemSettler[struct{}])(nil)

// Settle implements [Settler].
func (m *MemSettler[E]) Settle(ctx context.Context, st Settlement[E]) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k := m.MemKeys
	k.mu.Lock()
	defer k.mu.Unlock()
	cur, ok := k.m[memKey{st.Key.Caller, st.Key.Key}]
	if !ok || cur.Claim != st.Key.Claim {
		return ErrKeyTaken
	}
	for i, e := range st.Events {
		if err := m.Record(ctx, e); err != nil {
			if i > 0 {
				// Events recorded cannot be taken back from a Record:
				// only the first may fail and leave nothing written.
				return &settleError{err}
			}
			return err
		}
	}
	*cur = st.Key.clone()
	if st.Release != "" {
		m.Holds.mu.Lock()
		m.Holds.drop(st.Release)
		m.Holds.mu.Unlock()
	}
	if m.Outbox != nil && len(st.Messages) > 0 {
		if err := m.Outbox.Enqueue(context.WithoutCancel(ctx), st.Messages...); err != nil {
			return &settleError{err}
		}
	}
	return nil
}

// Shares implements [Settler].
func (m *MemSettler[E]) Shares(keys Keys, holds Holds, outbox Outbox, audit any) bool {
	k, _ := keys.(*MemSettler[E])
	h, _ := holds.(*MemHolds)
	o, _ := outbox.(*MemOutbox)
	if k != m || h == nil || h != m.Holds || audit == nil || m.Audit == nil || !sameAudit(audit, m.Audit) {
		return false
	}
	return outbox == nil || (o != nil && o == m.Outbox)
}

// sameAudit reports whether a and b are the same audit log; values that
// cannot be compared are not.
func sameAudit(a, b any) bool {
	ta := reflect.TypeOf(a)
	return ta == reflect.TypeOf(b) && ta.Comparable() && a == b
}

// settleError is a failure after part of a Settlement was written.
type settleError struct{ err error }

func (e *settleError) Error() string {
	return "store: settling a request key: written in part: " + e.err.Error()
}
func (e *settleError) Unwrap() error { return e.err }
