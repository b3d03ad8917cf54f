package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
)

// SettlerStores are a [store.Settler] under test and the stores it
// settles into, with what the rules need to read its audit log back.
type SettlerStores[E any] struct {
	// Settler is the store under test; Keys, Holds and Outbox are the
	// stores it writes to (Outbox may be nil: the rules then queue no
	// messages), and Audit the audit log, as passed to Shares.
	Settler store.Settler[E]
	Keys    store.Keys
	Holds   store.Holds
	Outbox  store.Outbox
	Audit   any
	// Event returns the n-th of distinct audit events, n from 1.
	Event func(n int) E
	// Events returns the events the audit log holds, in the order they
	// were recorded.
	Events func(ctx context.Context) ([]E, error)
	// BreakAudit, when set, makes the audit log refuse every event
	// recorded after it returns (a trigger that raises, say), so that a
	// Settle fails at its last part; nil skips the rule that needs it.
	BreakAudit func(ctx context.Context) error
}

// RunSettler checks that the Settlers newStores makes obey the rules of
// [store.Settler], one subtest per rule, as [Run] checks the other
// stores. Every subtest gets fresh, empty stores.
func RunSettler[E any](t *testing.T, newStores func(t *testing.T) SettlerStores[E]) {
	t.Helper()
	for _, r := range settlerRules[E]() {
		t.Run(r.sentence, func(t *testing.T) {
			s := newStores(t)
			if s.Settler == nil || s.Keys == nil || s.Holds == nil || s.Event == nil || s.Events == nil {
				t.Fatal("storetest: RunSettler: newStores must set Settler, Keys, Holds, Event and Events")
			}
			if r.needsBreak && s.BreakAudit == nil {
				t.Skip("no BreakAudit: the stores cannot be made to fail")
			}
			if err := r.check(t.Context(), s); err != nil {
				t.Error(err)
			}
		})
	}
}

type settlerRule[E any] struct {
	sentence   string
	needsBreak bool
	check      func(ctx context.Context, s SettlerStores[E]) error
}

// settling is a claimed key with an intent, a hold and a Settlement of
// both, with two messages when there is an outbox and two events.
func settling[E any](ctx context.Context, s SettlerStores[E]) (store.Settlement[E], error) {
	rec := withIntent(keyRec("k", "c1", t0))
	if _, err := claimed(ctx, s.Keys, "claim", rec, true); err != nil {
		return store.Settlement[E]{}, err
	}
	if err := s.Keys.Update(ctx, rec); err != nil {
		return store.Settlement[E]{}, precondition(err, "Update with the intent")
	}
	h := holdOf("t1", "id:s1", citizen(1), clinic, at(time.Hour))
	if err := (holdChecks{ctx, s.Holds}).acquire(h, t0); err != nil {
		return store.Settlement[E]{}, err
	}
	done := rec
	done.State, done.Result = store.KeyDone, store.KeyResult{Booking: rec.Intent.Book.Timeslot, Notice: "Kom fastande", Time: t0}
	done.Result.Booking.ID = "b1"
	st := store.Settlement[E]{Key: done, Release: h.Token, Events: []E{s.Event(1), s.Event(2)}}
	if s.Outbox != nil {
		st.Messages = []store.Message{msg("m1", "g1", 1, t0), msg("m2", "g1", 1, t0)}
		st.Messages[1].Channel = "sms"
	}
	return st, nil
}

// written reports a violation for each part of st that is not as Settle
// would leave it: stored when want, or as before when not.
func written[E any](ctx context.Context, s SettlerStores[E], st store.Settlement[E], want bool) error {
	var v violations
	prior, ok, err := s.Keys.Claim(ctx, keyRec("k", "c9", t0.Add(time.Second)), lease)
	switch {
	case err != nil:
		return precondition(err, "Claim to read the key")
	case ok:
		v.add("the key was claimed again: its record is gone")
	case want && prior.State != store.KeyDone:
		v.add("the key's state is %v, want done", prior.State)
	case want:
		if err := diff("the key's stored outcome", st.Key.Result, prior.Result); err != nil {
			v = append(v, err)
		}
	case prior.State != store.KeyPending:
		v.add("the key's state is %v, want still pending", prior.State)
	}
	_, err = s.Holds.Get(ctx, st.Release)
	switch {
	case want && !errors.Is(err, store.ErrHoldExpired):
		v.add("the hold: Get returned %v, want an error matching ErrHoldExpired (released)", err)
	case !want && err != nil:
		v.add("the hold: Get returned %v, want the hold still there", err)
	}
	for _, m := range st.Messages {
		_, err := s.Outbox.Get(ctx, m.Key)
		switch {
		case want && err != nil:
			v.add("message %q: Get returned %v, want it queued", m.Key, err)
		case !want && !errors.Is(err, store.ErrNoMessage):
			v.add("message %q: Get returned %v, want an error matching ErrNoMessage", m.Key, err)
		}
	}
	evs, err := s.Events(ctx)
	if err != nil {
		return errors.Join(append(v, precondition(err, "reading the audit log"))...)
	}
	wantEvs := st.Events
	if !want {
		wantEvs = nil
	}
	if len(evs) != len(wantEvs) {
		v.add("the audit log holds %d events, want %d", len(evs), len(wantEvs))
	} else if len(evs) > 0 {
		if err := diff("the audit log", wantEvs, evs); err != nil {
			v = append(v, err)
		}
	}
	return v.err()
}

func settlerRules[E any]() []settlerRule[E] {
	return []settlerRule[E]{
		{
			sentence: "Settle stores the key's outcome, releases the hold, queues the messages and records the events in order",
			check: func(ctx context.Context, s SettlerStores[E]) error {
				st, err := settling(ctx, s)
				if err != nil {
					return err
				}
				if err := s.Settler.Settle(ctx, st); err != nil {
					return fmt.Errorf("settling: %w", err)
				}
				return written(ctx, s, st, true)
			},
		},
		{
			sentence: "Settle with a claim that is no longer the key's writes nothing and returns ErrKeyTaken",
			check: func(ctx context.Context, s SettlerStores[E]) error {
				st, err := settling(ctx, s)
				if err != nil {
					return err
				}
				st.Key.Claim = "c-lost"
				var v violations
				if err := s.Settler.Settle(ctx, st); !errors.Is(err, store.ErrKeyTaken) {
					v.add("Settle returned %v, want an error matching ErrKeyTaken", err)
				}
				if err := written(ctx, s, st, false); err != nil {
					v = append(v, err)
				}
				return v.err()
			},
		},
		{
			sentence:   "a Settle whose audit log refuses its events writes none of its parts",
			needsBreak: true,
			check: func(ctx context.Context, s SettlerStores[E]) error {
				st, err := settling(ctx, s)
				if err != nil {
					return err
				}
				if err := s.BreakAudit(ctx); err != nil {
					return precondition(err, "BreakAudit")
				}
				var v violations
				if err := s.Settler.Settle(ctx, st); err == nil {
					v.add("Settle returned nil with the audit log refusing events, want an error")
				}
				if err := written(ctx, s, st, false); err != nil {
					v = append(v, err)
				}
				return v.err()
			},
		},
		{
			sentence: "Shares is true of the stores Settle writes to and false of others",
			check: func(ctx context.Context, s SettlerStores[E]) error {
				var v violations
				if !s.Settler.Shares(s.Keys, s.Holds, s.Outbox, s.Audit) {
					v.add("Shares of its own stores is false")
				}
				if !s.Settler.Shares(s.Keys, s.Holds, nil, s.Audit) {
					v.add("Shares without an outbox is false")
				}
				if s.Settler.Shares(store.NewMemKeys(), s.Holds, s.Outbox, s.Audit) {
					v.add("Shares of in-memory keys is true")
				}
				if s.Settler.Shares(s.Keys, store.NewMemHolds(), s.Outbox, s.Audit) {
					v.add("Shares of in-memory holds is true")
				}
				if s.Settler.Shares(s.Keys, s.Holds, store.NewMemOutbox(), s.Audit) {
					v.add("Shares of an in-memory outbox is true")
				}
				if s.Settler.Shares(s.Keys, s.Holds, s.Outbox, nil) {
					v.add("Shares of no audit log is true")
				}
				return v.err()
			},
		},
	}
}
