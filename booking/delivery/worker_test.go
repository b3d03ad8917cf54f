package delivery_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/delivery"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// sent records what a sender was given, failing as told.
type sent struct {
	mu   sync.Mutex
	msgs []delivery.Outgoing
	// fail, when it returns an error, makes Send fail with it.
	fail func(n int) error
}

func (s *sent) Send(_ context.Context, m delivery.Outgoing) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.msgs)
	s.msgs = append(s.msgs, m)
	if s.fail != nil {
		if err := s.fail(n); err != nil {
			return "", err
		}
	}
	return "ok", nil
}

func (s *sent) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, m := range s.msgs {
		out = append(out, m.Key)
	}
	return out
}

func newWorker(t *testing.T, o store.Outbox, clk *clock, senders map[string]delivery.Sender) *delivery.Worker {
	t.Helper()
	w, err := delivery.New(delivery.Config{Outbox: o, Senders: senders, Now: clk.Now,
		Lease: time.Minute, RetryInitial: time.Minute, RetryMax: time.Hour, MaxAttempts: 3})
	must(t, err)
	return w
}

func once(t *testing.T, w *delivery.Worker) delivery.Report {
	t.Helper()
	r, err := w.Once(t.Context())
	must(t, err)
	return r
}

func state(t *testing.T, o store.Outbox, key string) store.Message {
	t.Helper()
	m, err := o.Get(t.Context(), key)
	must(t, err)
	return m
}

// A failed attempt is tried again after a backoff, by the injected clock,
// and the outcome is recorded; a permanent failure and the last attempt
// are recorded as failed and never tried again.
func TestWorkerRetriesWithBackoff(t *testing.T) {
	t.Parallel()
	o := store.NewMemOutbox()
	clk := &clock{now: t0}
	flaky := &sent{fail: func(n int) error {
		if n == 0 {
			return errors.New("421 try later")
		}
		return nil
	}}
	w := newWorker(t, o, clk, map[string]delivery.Sender{booking.ChannelEmail: flaky})
	m := letter(t, booking.Confirmed, booking.ChannelEmail, "anna@example.se", slot("b1", visit), slot("", time.Time{}), 0, t0)
	must(t, o.Enqueue(t.Context(), m))

	if r := once(t, w); r.Claimed != 1 || r.Retry != 1 {
		t.Fatalf("first round: %+v; want one retry", r)
	}
	got := state(t, o, m.Key)
	// The first wait is a minute, randomised by a quarter.
	if wait := got.NotBefore.Sub(t0); got.State != store.MessagePending || wait < 45*time.Second || wait > 75*time.Second || got.Detail != "421 try later" {
		t.Fatalf("after a failed attempt: %v, due in %v, %q; want pending, due in about a minute", got.State, wait, got.Detail)
	}
	if r := once(t, w); r.Claimed != 0 {
		t.Fatalf("before the retry time a worker claimed %d", r.Claimed)
	}
	clk.Advance(2 * time.Minute)
	if r := once(t, w); r.Sent != 1 {
		t.Fatalf("at the retry time: %+v; want sent", r)
	}
	if got := state(t, o, m.Key); got.State != store.MessageSent || got.Attempts != 2 || got.Detail != "ok" {
		t.Errorf("after the retry: %v, %d attempts, %q", got.State, got.Attempts, got.Detail)
	}

	// Always failing: three attempts, then failed for good.
	down := &sent{fail: func(int) error { return errors.New("connection refused") }}
	w = newWorker(t, o, clk, map[string]delivery.Sender{booking.ChannelEmail: down})
	m2 := letter(t, booking.Confirmed, booking.ChannelEmail, "bo@example.se", slot("b2", visit), slot("", time.Time{}), 0, clk.Now())
	must(t, o.Enqueue(t.Context(), m2))
	for range 5 {
		once(t, w)
		clk.Advance(3 * time.Hour)
	}
	if got := state(t, o, m2.Key); got.State != store.MessageFailed || got.Attempts != 3 || len(down.msgs) != 3 {
		t.Errorf("a message that never goes: %v after %d attempts (%d sends); want failed after 3", got.State, got.Attempts, len(down.msgs))
	}

	// Refused for good: failed at once.
	refused := &sent{fail: func(int) error { return backoff.Permanent(errors.New("550 no such user")) }}
	w = newWorker(t, o, clk, map[string]delivery.Sender{booking.ChannelEmail: refused})
	m3 := letter(t, booking.Confirmed, booking.ChannelEmail, "nobody@example.se", slot("b3", visit), slot("", time.Time{}), 0, clk.Now())
	must(t, o.Enqueue(t.Context(), m3))
	if r := once(t, w); r.Failed != 1 {
		t.Errorf("a refused message: %+v; want failed", r)
	}
}

// A missing or malformed address is recorded as failed, with why, and
// never tried again; a channel without a sender likewise.
func TestWorkerRecordsBadAddresses(t *testing.T) {
	t.Parallel()
	o := store.NewMemOutbox()
	clk := &clock{now: t0}
	sms := &delivery.SMSGateway{URL: "http://127.0.0.1:1/never", Token: "x"}
	w := newWorker(t, o, clk, map[string]delivery.Sender{booking.ChannelSMS: sms, booking.ChannelEmail: delivery.Keep{}})
	b := slot("b1", visit)
	none := letter(t, booking.Confirmed, booking.ChannelSMS, "", b, slot("", time.Time{}), 0, t0)
	bad := letter(t, booking.Confirmed, booking.ChannelSMS, "08-123 45 67", slot("b2", visit), slot("", time.Time{}), 0, t0)
	noMail := letter(t, booking.Confirmed, booking.ChannelEmail, " ", slot("b3", visit), slot("", time.Time{}), 0, t0)
	fax := letter(t, booking.Confirmed, "fax", "08-123", slot("b4", visit), slot("", time.Time{}), 0, t0)
	must(t, o.Enqueue(t.Context(), none, bad, noMail, fax))
	if r := once(t, w); r.Failed != 4 {
		t.Fatalf("%+v; want 4 failed", r)
	}
	for key, want := range map[string]string{none.Key: "no address", bad.Key: "not a Swedish mobile number", noMail.Key: "no address", fax.Key: "no sender for channel fax"} {
		if got := state(t, o, key); got.State != store.MessageFailed || !strings.Contains(got.Detail, want) || got.Attempts != 1 {
			t.Errorf("%s: %v after %d attempts, %q; want failed once with %q", key, got.State, got.Attempts, got.Detail, want)
		}
	}
	clk.Advance(24 * time.Hour)
	if r := once(t, w); r.Claimed != 0 {
		t.Errorf("a day later a worker claimed %d", r.Claimed)
	}
}

// A message superseded before it went (the booking was moved, then
// cancelled) is never sent: only the newest revision goes.
func TestWorkerNeverSendsAStaleMessage(t *testing.T) {
	t.Parallel()
	o := store.NewMemOutbox()
	clk := &clock{now: t0}
	s := &sent{}
	w := newWorker(t, o, clk, map[string]delivery.Sender{booking.ChannelEmail: s})
	b := slot("b1", visit)
	moved := slot("b1", visit.Add(24*time.Hour))
	c := letter(t, booking.Confirmed, booking.ChannelEmail, "anna@example.se", b, slot("", time.Time{}), 0, t0)
	r := letter(t, booking.Rescheduled, booking.ChannelEmail, "anna@example.se", moved, b, 1, t0)
	x := letter(t, booking.Cancelled, booking.ChannelEmail, "anna@example.se", moved, slot("", time.Time{}), 2, t0)
	must(t, o.Enqueue(t.Context(), c))
	must(t, o.Enqueue(t.Context(), r))
	must(t, o.Enqueue(t.Context(), x))
	// A late repeat of the move queues nothing new.
	must(t, o.Enqueue(t.Context(), r))
	once(t, w)
	if got := s.keys(); len(got) != 1 || got[0] != x.Key {
		t.Errorf("sent %v; want only the cancellation %s", got, x.Key)
	}
}

// A message about a visit that is over by the time it is due (after
// retries, or a worker down for days) is not sent.
func TestWorkerDropsAMessageForAPastVisit(t *testing.T) {
	t.Parallel()
	o := store.NewMemOutbox()
	clk := &clock{now: visit.Add(time.Hour)}
	s := &sent{}
	w := newWorker(t, o, clk, map[string]delivery.Sender{booking.ChannelEmail: s})
	m := letter(t, booking.Confirmed, booking.ChannelEmail, "anna@example.se", slot("b1", visit), tidbok.Timeslot{}, 0, t0)
	must(t, o.Enqueue(t.Context(), m))
	if r := once(t, w); r.Failed != 1 || len(s.keys()) != 0 {
		t.Errorf("%+v, sent %v; want failed, nothing sent", r, s.keys())
	}
	if got := state(t, o, m.Key); !strings.Contains(got.Detail, "visit is over") {
		t.Errorf("recorded %q", got.Detail)
	}
}

// A worker that dies between claiming and sending leaves the message to
// the next claim after the lease; the resent copy keeps its Message-ID.
func TestWorkerResendsAfterALapsedLease(t *testing.T) {
	t.Parallel()
	o := store.NewMemOutbox()
	clk := &clock{now: t0}
	s := &sent{}
	w := newWorker(t, o, clk, map[string]delivery.Sender{booking.ChannelEmail: s})
	m := letter(t, booking.Confirmed, booking.ChannelEmail, "anna@example.se", slot("b1", visit), slot("", time.Time{}), 0, t0)
	must(t, o.Enqueue(t.Context(), m))
	// The dead worker's claim.
	if got, err := o.Claim(t.Context(), t0, time.Minute, 10); err != nil || len(got) != 1 {
		t.Fatalf("claim: %v, %v", got, err)
	}
	if r := once(t, w); r.Claimed != 0 {
		t.Fatalf("within the lease a worker claimed %d", r.Claimed)
	}
	clk.Advance(time.Minute)
	if r := once(t, w); r.Sent != 1 {
		t.Fatalf("after the lease: %+v; want sent", r)
	}
	if got := state(t, o, m.Key); got.State != store.MessageSent || got.Attempts != 2 {
		t.Errorf("%v after %d attempts", got.State, got.Attempts)
	}
}

// Run delivers until its context ends, waiting its poll interval when
// nothing is due (in a synctest bubble: no real time passes).
func TestWorkerRun(t *testing.T) {
	t.Parallel()
	synctestRun(t, func(t *testing.T) {
		o := store.NewMemOutbox()
		s := &sent{}
		w, err := delivery.New(delivery.Config{Outbox: o, Senders: map[string]delivery.Sender{booking.ChannelEmail: s}, Poll: time.Second})
		must(t, err)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- w.Run(ctx) }()
		time.Sleep(10 * time.Second) // idle polls
		m := letter(t, booking.Confirmed, booking.ChannelEmail, "anna@example.se", slot("b1", visit), slot("", time.Time{}), 0, time.Now())
		must(t, o.Enqueue(t.Context(), m))
		time.Sleep(1500 * time.Millisecond)
		if got := s.keys(); len(got) != 1 {
			t.Errorf("within a poll interval of queueing, sent %v", got)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v; want context.Canceled", err)
		}
	})
}

// New reports every problem with its configuration at once.
func TestNewReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := delivery.New(delivery.Config{Lease: -1})
	if err == nil {
		t.Fatal("New of an empty config succeeded")
	}
	for _, want := range []string{"Outbox", "Senders", "negative"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

// NewSMTP reports every problem with its configuration at once.
func TestNewSMTPReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := delivery.NewSMTP(delivery.SMTPConfig{From: "inte en adress", Security: 9})
	if !errors.Is(err, tidbok.ErrInvalid) {
		t.Fatalf("NewSMTP = %v; want ErrInvalid", err)
	}
	for _, want := range []string{"Host", "From", "Security"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}
