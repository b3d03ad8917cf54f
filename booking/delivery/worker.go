package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Defaults for the zero fields of [Config].
const (
	// DefaultLease is how long a claimed message is the worker's before
	// another may claim it: longer than sending a batch takes.
	DefaultLease = 2 * time.Minute
	// DefaultBatch is how many messages a worker claims at once.
	DefaultBatch = 10
	// DefaultMaxAttempts is how often a message is tried before it is
	// recorded as failed.
	DefaultMaxAttempts = 8
	// DefaultRetryInitial and DefaultRetryMax bound the exponential
	// backoff between attempts.
	DefaultRetryInitial = 30 * time.Second
	DefaultRetryMax     = 1 * time.Hour
	// DefaultPoll is how long Run waits when no message is due.
	DefaultPoll = 2 * time.Second
)

// Config configures a [Worker]. Outbox and Senders are required.
type Config struct {
	// Outbox is the flow's outbox (booking.Config.Outbox).
	Outbox store.Outbox
	// Senders send by channel name: booking.ChannelEmail, ChannelSMS. A
	// message for a channel without a sender is recorded as failed.
	Senders map[string]Sender
	// Clinics describe the clinics for the messages: address, what to
	// bring, how to cancel. A clinic left out is named by the booking.
	Clinics map[tidbok.HSAID]Clinic
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// Lease, Batch, MaxAttempts, RetryInitial, RetryMax and Poll: see
	// the defaults.
	Lease        time.Duration
	Batch        int
	MaxAttempts  int
	RetryInitial time.Duration
	RetryMax     time.Duration
	Poll         time.Duration
	// Logger receives a line per failed attempt (never a message's
	// text). Default: none.
	Logger *slog.Logger
}

// Worker delivers the outbox's due messages: it claims a batch under a
// lease, writes each message from its [booking.Letter], sends it on its
// channel and records the outcome. Run as many workers, in as many
// processes, as the load needs: each message is claimed by one at a time.
// A worker that dies mid-batch leaves its messages to be claimed again
// when the lease ends, so a message is sent at least once; its
// Message-ID stays the same, so that mail clients show a resent copy
// once.
type Worker struct {
	cfg Config
	now func() time.Time
	log *slog.Logger
}

// New returns a worker, or an error matching [tidbok.ErrInvalid] naming
// every problem with cfg.
func New(cfg Config) (*Worker, error) {
	var p tidbok.Problems
	if cfg.Outbox == nil {
		p.Add("Outbox", "is required: the store the flow queues messages in")
	}
	if len(cfg.Senders) == 0 {
		p.Add("Senders", "is required: a Sender per channel, e.g. booking.ChannelEmail")
	}
	for ch, s := range cfg.Senders {
		if s == nil {
			p.Add("Senders["+ch+"]", "is nil")
		}
	}
	if cfg.Lease < 0 || cfg.Batch < 0 || cfg.MaxAttempts < 0 || cfg.RetryInitial < 0 || cfg.RetryMax < 0 || cfg.Poll < 0 {
		p.Add("Config", "durations and counts may not be negative")
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("delivery: New: %w", err)
	}
	cfg.Lease = orDefault(cfg.Lease, DefaultLease)
	cfg.Batch = orDefault(cfg.Batch, DefaultBatch)
	cfg.MaxAttempts = orDefault(cfg.MaxAttempts, DefaultMaxAttempts)
	cfg.RetryInitial = orDefault(cfg.RetryInitial, DefaultRetryInitial)
	cfg.RetryMax = orDefault(cfg.RetryMax, DefaultRetryMax)
	cfg.Poll = orDefault(cfg.Poll, DefaultPoll)
	w := &Worker{cfg: cfg, now: cfg.Now, log: cfg.Logger}
	if w.now == nil {
		w.now = time.Now
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	return w, nil
}

func orDefault[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}

// Report counts what one [Worker.Once] did.
type Report struct {
	// Claimed messages, of which Sent were delivered, Failed recorded as
	// failed for good and Retry put back for a later attempt. Lost are
	// those whose outcome could not be recorded (the lease ended, or the
	// store failed): another claim sends them again.
	Claimed, Sent, Failed, Retry, Lost int
}

// Once claims one batch of due messages, delivers them and records the
// outcomes. An error is the claim's; a failed delivery is an outcome.
//
// Each outcome is recorded while the next message is sent, one at a
// time, so that a worker that dies leaves at most two messages sent but
// not recorded (sent again, with the same Message-ID, after the lease).
func (w *Worker) Once(ctx context.Context) (Report, error) {
	ms, err := w.cfg.Outbox.Claim(ctx, w.now(), w.cfg.Lease, w.cfg.Batch)
	if err != nil {
		return Report{}, fmt.Errorf("delivery: claiming messages: %w", err)
	}
	r := Report{Claimed: len(ms)}
	type settlement struct {
		m store.Message
		o store.Outcome
	}
	outcomes := make(chan settlement) // unbuffered: one recording at a time
	done := make(chan struct{})
	go func() {
		defer close(done)
		for s := range outcomes {
			w.settle(ctx, s.m, s.o, &r)
		}
	}()
	for _, m := range ms {
		outcomes <- settlement{m, w.deliver(ctx, m)}
	}
	close(outcomes)
	<-done
	return r, nil
}

// settle records the outcome o of m and counts it in r.
func (w *Worker) settle(ctx context.Context, m store.Message, o store.Outcome, r *Report) {
	if err := w.cfg.Outbox.Settle(context.WithoutCancel(ctx), m.Key, m.Claim, o); err != nil {
		r.Lost++
		w.log.Warn("delivery: recording an outcome failed; the message will be claimed again", "key", m.Key, "state", o.State.String(), "err", err)
		return
	}
	switch o.State {
	case store.MessageSent:
		r.Sent++
	case store.MessageFailed:
		r.Failed++
	default:
		r.Retry++
	}
}

// Run delivers until ctx ends, waiting Poll whenever nothing is due or
// the store fails. It returns ctx's error.
func (w *Worker) Run(ctx context.Context) error {
	for {
		r, err := w.Once(ctx)
		if err != nil && ctx.Err() == nil {
			w.log.Warn("delivery: claiming failed; trying again", "err", err)
		}
		if err == nil && r.Claimed > 0 {
			continue
		}
		t := time.NewTimer(w.cfg.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// deliver writes and sends one claimed message and returns its outcome.
func (w *Worker) deliver(ctx context.Context, m store.Message) store.Outcome {
	fail := func(detail string) store.Outcome {
		return store.Outcome{State: store.MessageFailed, At: w.now(), Detail: detail}
	}
	s := w.cfg.Senders[m.Channel]
	if s == nil {
		w.log.Error("delivery: no sender for the channel", "channel", m.Channel, "key", m.Key)
		return fail("no sender for channel " + m.Channel)
	}
	l, err := booking.DecodeLetter(m.Body)
	if err != nil {
		return fail(err.Error())
	}
	if end := l.Booking.End; !end.IsZero() && !end.After(w.now()) {
		return fail("not sent: the visit is over")
	}
	if l.Kind == booking.Reminder && !l.Booking.Start.After(w.now()) {
		return fail("not sent: a reminder of a visit that has begun")
	}
	out, err := Write(l, w.clinic(l))
	if err == nil {
		out.Key, out.To = m.Key, m.To
		var receipt string
		receipt, err = s.Send(ctx, out)
		if err == nil {
			return store.Outcome{State: store.MessageSent, At: w.now(), Detail: receipt}
		}
	}
	var perm *backoff.PermanentError
	if errors.As(err, &perm) || m.Attempts >= w.cfg.MaxAttempts {
		w.log.Warn("delivery: a message failed for good", "key", m.Key, "channel", m.Channel, "attempts", m.Attempts, "err", err)
		return fail(err.Error())
	}
	wait := w.backoff(m.Attempts)
	w.log.Info("delivery: an attempt failed; trying again", "key", m.Key, "channel", m.Channel, "attempts", m.Attempts, "in", wait, "err", err)
	now := w.now()
	return store.Outcome{State: store.MessagePending, At: now, Retry: now.Add(wait), Detail: err.Error()}
}

// backoff returns the wait after the n-th failed attempt: exponential
// from RetryInitial, randomised by a quarter, at most RetryMax.
func (w *Worker) backoff(n int) time.Duration {
	b := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(w.cfg.RetryInitial),
		backoff.WithMaxInterval(w.cfg.RetryMax),
		backoff.WithRandomizationFactor(0.25),
		backoff.WithMultiplier(2),
		backoff.WithMaxElapsedTime(0),
	)
	d := b.NextBackOff()
	for range n - 1 {
		d = b.NextBackOff()
	}
	return d
}

// clinic returns the clinic of letter l as configured, named by the
// booking where the configuration leaves the name out.
func (w *Worker) clinic(l booking.Letter) Clinic {
	c := w.cfg.Clinics[l.Booking.Facility]
	if c.Name == "" {
		c.Name = booking.Summarize(l.Booking, "").Clinic
	}
	return c
}
