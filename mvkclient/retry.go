package mvkclient

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/webbtidbok/webbtidbok/internal/httpsend"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// policy is what the client may do when a call of one contract fails.
type policy struct {
	// resend: the request may be sent again after a failure that may
	// pass. Only reads: sending a read twice changes nothing.
	resend bool
	// why says why, for the table's reader.
	why string
}

// policies is the retry table, one row per contract (style rule 18).
// crm:scheduling has no idempotency key (crm-scheduling.md §2.8), so a
// write is sent once: when its answer is lost, the client reads the book
// to find out what happened (reconcile.go) and never sends it again.
var policies = [...]policy{
	tidbok.OpSchedule:           {resend: true, why: "GetSubjectOfCareSchedule reads"},
	tidbok.OpBookingDetails:     {resend: true, why: "GetBookingDetails reads"},
	tidbok.OpTimeTypes:          {resend: true, why: "GetAllTimeTypes reads"},
	tidbok.OpCareTypes:          {resend: true, why: "GetAllCareTypes reads"},
	tidbok.OpPerformers:         {resend: true, why: "GetAllPerformers reads"},
	tidbok.OpFacilities:         {resend: true, why: "GetAllHealthcareFacilities reads"},
	tidbok.OpAvailableDates:     {resend: true, why: "GetAvailableDates reads"},
	tidbok.OpAvailableTimeslots: {resend: true, why: "GetAvailableTimeslots reads"},
	tidbok.OpBook:               {resend: false, why: "MakeBooking sent twice may book two slots"},
	tidbok.OpReschedule:         {resend: false, why: "UpdateBooking sent twice may move a booking the citizen moved again meanwhile"},
	tidbok.OpCancel:             {resend: false, why: "CancelBooking sent twice may report a refusal for a booking it cancelled"},
}

// read sends a read request for op, retrying failures that may pass with
// exponential backoff, and returns the decoded result. Each call builds
// its own backoff, capped at MaxRetries, bound to ctx and stopped early
// when the next wait would run past ctx's deadline; the rate limiter is
// waited on before every attempt; the body is encoded once.
func (c *Client) read(ctx context.Context, op tidbok.Operation, facility tidbok.HSAID, req interface{ Validate() error }) (any, error) {
	if !c.s.caps.Has(op) {
		return nil, tidbok.NotSupported(op)
	}
	body, err := c.encode(op, facility, req)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, op, body)
}

// send is read after encoding.
func (c *Client) send(ctx context.Context, op tidbok.Operation, body []byte) (any, error) {
	retries := 0
	if policies[op].resend {
		retries = c.s.maxRetries
	}
	b := backoff.WithContext(backoff.WithMaxRetries(c.newBackOff(ctx), uint64(retries)), ctx)
	n := 0
	var last, prev error
	res, err := backoff.RetryWithData(func() (any, error) {
		n++
		res, _, err := c.attempt(ctx, op, body, n)
		if err == nil {
			return res, nil
		}
		prev, last = last, err
		if ctx.Err() != nil || !retryable(err) {
			return nil, backoff.Permanent(err)
		}
		return nil, err
	}, b)
	c.s.tel.countRetries(ctx, op, n, err)
	switch {
	case err == nil:
		return res, nil
	case ctx.Err() != nil && err != last && last != nil:
		// The context ended during a wait between attempts: say so, and
		// keep the last attempt's error.
		return nil, fmt.Errorf("mvkclient: %v: %w after %d attempts; last: %w", op, ctx.Err(), n, last)
	case ctx.Err() != nil && err == last && prev != nil:
		// The context ended during the last attempt: keep the one before,
		// which says why there was a last attempt.
		return nil, fmt.Errorf("%w after %d attempts; previous: %w", err, n, prev)
	case ctx.Err() != nil && retryable(err) && !errors.Is(err, ctx.Err()):
		// The context ended as an attempt that might pass when sent again
		// failed: the retries it cut short are the context's doing.
		return nil, fmt.Errorf("mvkclient: %v: %w after %d attempts; last: %w", op, ctx.Err(), n, err)
	}
	return nil, err
}

// retryable reports whether a read that failed with err may succeed when
// sent again: transport failures (except a certificate the other side or
// we reject), Server faults the platform or producer mark as transient,
// 5xx answers that are not SOAP, and answers that could not be read as
// the contract's (a proxy may have cut one short) unless they broke one of
// the reader's limits.
func retryable(err error) bool {
	var fe *FaultError
	var se *StatusError
	var te *transportError
	var ae *AnswerError
	switch {
	case errors.As(err, &fe):
		return fe.Retryable()
	case errors.As(err, &se):
		return se.Retryable()
	case errors.As(err, &ae):
		// An answer over a limit will be over it again.
		return !errors.Is(err, soap.ErrTooLarge) && !errors.Is(err, soap.ErrTooDeep) && !errors.Is(err, soap.ErrDirective)
	case errors.Is(err, soap.ErrMalformed):
		return false
	case errors.As(err, &te):
		return !httpsend.IsCertificateError(err)
	}
	return false
}

// newBackOff returns the exponential backoff of one call, which stops
// when the next wait would end after ctx's deadline: a retry that cannot
// finish in time is not worth its wait.
func (c *Client) newBackOff(ctx context.Context) backoff.BackOff {
	exp := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(c.s.initialBackoff),
		backoff.WithMaxInterval(c.s.maxBackoff),
		backoff.WithMaxElapsedTime(0), // MaxRetries and ctx bound it
	)
	return &withinDeadline{BackOff: exp, ctx: ctx, now: c.s.now}
}

// withinDeadline stops a backoff whose next wait would end after the
// context's deadline.
type withinDeadline struct {
	backoff.BackOff
	ctx context.Context
	now func() time.Time
}

func (w *withinDeadline) NextBackOff() time.Duration {
	next := w.BackOff.NextBackOff()
	if next == backoff.Stop {
		return next
	}
	if dl, ok := w.ctx.Deadline(); ok && w.now().Add(next).After(dl) {
		return backoff.Stop
	}
	return next
}
