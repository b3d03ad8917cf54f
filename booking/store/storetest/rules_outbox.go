package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
)

// msg returns a message of group g with sequence seq, due at due.
func msg(key, g string, seq int, due time.Time) store.Message {
	return store.Message{Key: key, Group: g, Sequence: seq, Channel: "email", To: key + "@example.se",
		NotBefore: due, Created: t0, Body: []byte(`{"m":"` + key + `"}`)}
}

// keysOf returns the keys of ms, in order.
func keysOf(ms []store.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Key
	}
	return out
}

// outboxChecks are the steps of the outbox rules.
type outboxChecks struct {
	ctx context.Context
	o   store.Outbox
}

func (c outboxChecks) enqueue(ms ...store.Message) error {
	return precondition(c.o.Enqueue(c.ctx, ms...), "Enqueue %v", keysOf(ms))
}

func (c outboxChecks) claim(now time.Time, lease time.Duration, limit int, want ...string) ([]store.Message, error) {
	got, err := c.o.Claim(c.ctx, now, lease, limit)
	if err != nil {
		return nil, fmt.Errorf("Claim(%v, limit %d): %v", now, limit, err)
	}
	if !slices.Equal(keysOf(got), want) && !(len(want) == 0 && len(got) == 0) {
		return got, fmt.Errorf("Claim(%v, limit %d) = %v; want %v", now, limit, keysOf(got), want)
	}
	return got, nil
}

func (c outboxChecks) state(key string, want store.MessageState) error {
	m, err := c.o.Get(c.ctx, key)
	if err != nil {
		return fmt.Errorf("Get(%s): %v", key, err)
	}
	if m.State != want {
		return fmt.Errorf("message %s is %v; want %v", key, m.State, want)
	}
	return nil
}

var outboxRules = []rule{
	{
		sentence: "Enqueue of a stored key changes nothing, and Get returns the message as enqueued",
		needs:    hasOutbox,
		check: func(ctx context.Context, s Stores) error {
			c := outboxChecks{ctx, s.Outbox}
			a := msg("a", "g1", 0, t0)
			if err := c.enqueue(a); err != nil {
				return err
			}
			again := a
			again.Body, again.To = []byte("other"), "other@example.se"
			var v violations
			if err := c.o.Enqueue(ctx, again); err != nil {
				v.add("Enqueue of a stored key: %v", err)
			}
			got, err := c.o.Get(ctx, "a")
			if err != nil {
				return fmt.Errorf("Get(a): %v", err)
			}
			want := a
			want.State = store.MessagePending
			if err := diff("Get(a) after a repeated Enqueue", want, got); err != nil {
				v = append(v, err)
			}
			if _, err := c.o.Get(ctx, "nope"); !errors.Is(err, store.ErrNoMessage) {
				v.add("Get(nope) = %v; want ErrNoMessage", err)
			}
			return v.err()
		},
	},
	{
		sentence: "Claim leases due messages oldest first up to the limit, and a leased message only after its lease ends",
		needs:    hasOutbox,
		check: func(ctx context.Context, s Stores) error {
			c := outboxChecks{ctx, s.Outbox}
			if err := c.enqueue(msg("late", "g1", 0, t0.Add(time.Hour)), msg("b", "g2", 0, t0.Add(time.Minute)), msg("a", "g3", 0, t0)); err != nil {
				return err
			}
			first, err := c.claim(t0.Add(2*time.Minute), time.Minute, 1, "a")
			if err != nil {
				return err
			}
			var v violations
			if first[0].Attempts != 1 || first[0].Claim == "" || !first[0].LeaseUntil.Equal(t0.Add(3*time.Minute)) {
				v.add("claimed a: Attempts %d, Claim %q, LeaseUntil %v; want 1, a token, %v", first[0].Attempts, first[0].Claim, first[0].LeaseUntil, t0.Add(3*time.Minute))
			}
			if _, err := c.claim(t0.Add(2*time.Minute), time.Minute, 10, "b"); err != nil {
				v = append(v, err)
			}
			if _, err := c.claim(t0.Add(150*time.Second), time.Minute, 10); err != nil {
				v = append(v, fmt.Errorf("while leased: %w", err))
			}
			again, err := c.claim(t0.Add(4*time.Minute), time.Minute, 10, "a", "b")
			if err != nil {
				return errors.Join(append(v, err)...)
			}
			if again[0].Attempts != 2 || again[0].Claim == first[0].Claim {
				v.add("a claimed again: Attempts %d, Claim %q; want 2 and a new token", again[0].Attempts, again[0].Claim)
			}
			if err := c.o.Settle(ctx, "a", first[0].Claim, store.Outcome{State: store.MessageSent, At: t0}); !errors.Is(err, store.ErrLeaseLost) {
				v.add("Settle with the first, lapsed claim = %v; want ErrLeaseLost", err)
			}
			return v.err()
		},
	},
	{
		sentence: "Settle records sent and failed for good, and a retry makes the message due again at its time",
		needs:    hasOutbox,
		check: func(ctx context.Context, s Stores) error {
			c := outboxChecks{ctx, s.Outbox}
			if err := c.enqueue(msg("s", "g1", 0, t0), msg("f", "g2", 0, t0), msg("r", "g3", 0, t0)); err != nil {
				return err
			}
			got, err := c.claim(t0, time.Minute, 10, "s", "f", "r")
			if err != nil {
				return err
			}
			var v violations
			at := t0.Add(time.Second)
			for _, x := range []struct {
				m store.Message
				o store.Outcome
			}{
				{got[0], store.Outcome{State: store.MessageSent, At: at, Detail: "250 ok"}},
				{got[1], store.Outcome{State: store.MessageFailed, At: at, Detail: "no address"}},
				{got[2], store.Outcome{State: store.MessagePending, At: at, Retry: t0.Add(time.Hour), Detail: "421 busy"}},
			} {
				if err := c.o.Settle(ctx, x.m.Key, x.m.Claim, x.o); err != nil {
					v.add("Settle(%s): %v", x.m.Key, err)
				}
			}
			if err := c.o.Settle(ctx, "s", got[0].Claim, store.Outcome{State: store.MessageFailed, At: at}); !errors.Is(err, store.ErrLeaseLost) {
				v.add("a second Settle(s) = %v; want ErrLeaseLost", err)
			}
			m, err := c.o.Get(ctx, "s")
			if err != nil || m.State != store.MessageSent || m.Detail != "250 ok" || !m.Settled.Equal(at) || m.Claim != "" {
				v.add("Get(s) = %v %q %v claim %q, %v; want sent, 250 ok, %v, no claim", m.State, m.Detail, m.Settled, m.Claim, err, at)
			}
			if err := c.state("f", store.MessageFailed); err != nil {
				v = append(v, err)
			}
			if _, err := c.claim(t0.Add(59*time.Minute), time.Minute, 10); err != nil {
				v = append(v, fmt.Errorf("before the retry time: %w", err))
			}
			if r, err := c.claim(t0.Add(time.Hour), time.Minute, 10, "r"); err != nil {
				v = append(v, fmt.Errorf("at the retry time: %w", err))
			} else if r[0].Attempts != 2 || r[0].Detail != "421 busy" {
				v.add("r claimed again: Attempts %d, Detail %q; want 2, 421 busy", r[0].Attempts, r[0].Detail)
			}
			return v.err()
		},
	},
	{
		sentence: "a message supersedes the pending messages of its group with a lower sequence, and one behind a higher sequence is stored superseded",
		needs:    hasOutbox,
		check: func(ctx context.Context, s Stores) error {
			c := outboxChecks{ctx, s.Outbox}
			if err := c.enqueue(msg("b0-mail", "b", 0, t0), msg("b0-sms", "b", 0, t0), msg("other", "o", 0, t0)); err != nil {
				return err
			}
			sent, err := c.claim(t0, time.Minute, 1, "b0-mail")
			if err != nil {
				return err
			}
			if err := c.o.Settle(ctx, "b0-mail", sent[0].Claim, store.Outcome{State: store.MessageSent, At: t0}); err != nil {
				return precondition(err, "Settle(b0-mail)")
			}
			if err := c.enqueue(msg("b1", "b", 1, t0), msg("b0-late", "b", 0, t0)); err != nil {
				return err
			}
			var v violations
			for key, want := range map[string]store.MessageState{
				"b0-mail": store.MessageSent, "b0-sms": store.MessageSuperseded, "b0-late": store.MessageSuperseded,
				"b1": store.MessagePending, "other": store.MessagePending,
			} {
				if err := c.state(key, want); err != nil {
					v = append(v, err)
				}
			}
			if _, err := c.claim(t0, time.Minute, 10, "other", "b1"); err != nil {
				v = append(v, err)
			}
			return v.err()
		},
	},
	{
		sentence: "a message superseded while claimed is recorded sent when it went out, and stays superseded when it failed",
		needs:    hasOutbox,
		check: func(ctx context.Context, s Stores) error {
			c := outboxChecks{ctx, s.Outbox}
			if err := c.enqueue(msg("x", "x", 0, t0), msg("y", "y", 0, t0)); err != nil {
				return err
			}
			got, err := c.claim(t0, time.Minute, 10, "x", "y")
			if err != nil {
				return err
			}
			if err := c.enqueue(msg("x1", "x", 1, t0), msg("y1", "y", 1, t0)); err != nil {
				return err
			}
			var v violations
			if err := c.o.Settle(ctx, "x", got[0].Claim, store.Outcome{State: store.MessageSent, At: t0}); err != nil {
				v.add("Settle(x, sent): %v", err)
			}
			if err := c.o.Settle(ctx, "y", got[1].Claim, store.Outcome{State: store.MessagePending, At: t0, Retry: t0}); err != nil {
				v.add("Settle(y, retry): %v", err)
			}
			return errors.Join(append(v, c.state("x", store.MessageSent), c.state("y", store.MessageSuperseded))...)
		},
	},
	{
		sentence: "Withdraw takes back a pending message, which is never claimed, and leaves a settled one as it is",
		needs:    hasOutbox,
		check: func(ctx context.Context, s Stores) error {
			c := outboxChecks{ctx, s.Outbox}
			if err := c.enqueue(msg("w", "w", 0, t0.Add(time.Hour)), msg("s", "s", 0, t0)); err != nil {
				return err
			}
			got, err := c.claim(t0, time.Minute, 10, "s")
			if err != nil {
				return err
			}
			if err := c.o.Settle(ctx, "s", got[0].Claim, store.Outcome{State: store.MessageSent, At: t0}); err != nil {
				return precondition(err, "Settle(s)")
			}
			var v violations
			for _, k := range []string{"w", "s", "unknown"} {
				if err := c.o.Withdraw(ctx, k); err != nil {
					v.add("Withdraw(%s): %v", k, err)
				}
			}
			if _, err := c.claim(t0.Add(2*time.Hour), time.Minute, 10); err != nil {
				v = append(v, err)
			}
			return errors.Join(append(v, c.state("w", store.MessageWithdrawn), c.state("s", store.MessageSent))...)
		},
	},
	{
		sentence: "List returns a group's or a recipient's messages in the order they were enqueued, the newest Limit of them",
		needs:    hasOutbox,
		check: func(ctx context.Context, s Stores) error {
			c := outboxChecks{ctx, s.Outbox}
			m3 := msg("m3", "g", 2, t0)
			m3.To = "m1@example.se"
			if err := c.enqueue(msg("m1", "g", 0, t0), msg("m2", "g", 1, t0), msg("n1", "h", 0, t0), m3); err != nil {
				return err
			}
			var v violations
			for _, x := range []struct {
				f    store.MessageFilter
				want []string
			}{
				{store.MessageFilter{Group: "g"}, []string{"m1", "m2", "m3"}},
				{store.MessageFilter{To: "m1@example.se"}, []string{"m1", "m3"}},
				{store.MessageFilter{Group: "g", Limit: 2}, []string{"m2", "m3"}},
				{store.MessageFilter{}, []string{"m1", "m2", "n1", "m3"}},
				{store.MessageFilter{Group: "none"}, nil},
			} {
				got, err := c.o.List(ctx, x.f)
				if err != nil || !slices.Equal(keysOf(got), x.want) && len(got)+len(x.want) > 0 {
					v.add("List(%+v) = %v, %v; want %v", x.f, keysOf(got), err, x.want)
				}
			}
			return v.err()
		},
	},
	{
		sentence: "concurrent Claims never lease one message to two claimers",
		needs:    hasOutbox,
		check: func(ctx context.Context, s Stores) error {
			c := outboxChecks{ctx, s.Outbox}
			const n = 40
			var ms []store.Message
			for i := range n {
				ms = append(ms, msg(fmt.Sprintf("c%02d", i), fmt.Sprintf("g%02d", i), 0, t0))
			}
			if err := c.enqueue(ms...); err != nil {
				return err
			}
			var (
				mu   sync.Mutex
				seen = map[string]int{}
				errs violations
				wg   sync.WaitGroup
			)
			for range 4 {
				wg.Go(func() {
					for {
						got, err := s.Outbox.Claim(ctx, t0, time.Hour, 3)
						mu.Lock()
						if err != nil {
							errs.add("Claim: %v", err)
						}
						for _, m := range got {
							seen[m.Key]++
						}
						mu.Unlock()
						if err != nil || len(got) == 0 {
							return
						}
					}
				})
			}
			wg.Wait()
			for _, m := range ms {
				if seen[m.Key] != 1 {
					errs.add("message %s claimed %d times; want once", m.Key, seen[m.Key])
				}
			}
			return errs.err()
		},
	},
}
