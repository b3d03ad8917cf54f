package booking

import (
	"context"
	"errors"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// settled says how a write to the book ended.
type settled uint8

const (
	// sentDone: the book answered that it did it.
	sentDone settled = iota
	// sentReconciled: the answer was lost (or a resend was refused), and
	// reading the book showed the write took effect.
	sentReconciled
	// sentRefused: the book refused; nothing changed.
	sentRefused
	// sentUnknown: no answer, and reading the book did not show the write.
	sentUnknown
	// sentNot: the write certainly did not reach the book
	// (tidbok.ErrNotSent); nothing changed.
	sentNot
)

// attempt sends a write and settles its outcome (see the rule in keys.go).
// reconcile reads the book and reports whether the write shows there,
// with the result to use if it does. resend reports that the write may
// have been sent before, so that a refusal as taken or not found may be
// the earlier attempt's own doing.
func attempt[R any](ctx context.Context, resend bool,
	send func(context.Context) (R, error),
	reconcile func(context.Context) (R, bool, error),
) (R, settled, error) {
	res, err := send(ctx)
	if err == nil {
		return res, sentDone, nil
	}
	if notSent(err) {
		return res, sentNot, err
	}
	if refusedByBook(err) {
		if k := tidbok.KindOf(err); resend && (k == tidbok.KindSlotTaken || k == tidbok.KindNotFound) {
			if r, ok, rerr := reconcile(ctx); rerr == nil && ok {
				return r, sentReconciled, nil
			}
		}
		return res, sentRefused, err
	}
	r, ok, rerr := reconcile(ctx)
	if rerr == nil && ok {
		return r, sentReconciled, nil
	}
	if !errors.Is(err, tidbok.ErrOutcomeUnknown) {
		err = wrapping(tidbok.ErrOutcomeUnknown, err)
	}
	if rerr != nil {
		err = &reason{err: err, why: "reading the book to find out failed too", cause: rerr}
	}
	return res, sentUnknown, err
}

// refusedByBook reports whether a write's error says the book refused it,
// so that nothing changed. Any other error — a lost answer, a timeout, a
// fault, a broken connection, a context ended while the call was on its
// way — leaves the outcome unknown: the write may have been done.
func refusedByBook(err error) bool { return tidbok.KindOf(err).IsRefusal() }

// notSent reports whether a write's error says it never reached the book.
func notSent(err error) bool { return tidbok.KindOf(err) == tidbok.KindNotSent }

// sameTimes reports whether a and b start and end at the same second.
func sameTimes(a, b tidbok.Timeslot) bool {
	return a.Start.Unix() == b.Start.Unix() && a.End.Unix() == b.End.Unix()
}

// unknownError is the error of a write whose outcome is unknown.
func unknownError(act Action, text string, err error) error {
	return &Error{Action: act, Text: text, Err: err}
}

// started reports whether a booking has started at now.
func started(b tidbok.Timeslot, now time.Time) bool {
	return !b.Start.IsZero() && !b.Start.After(now)
}
