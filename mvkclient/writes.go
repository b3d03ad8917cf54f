package mvkclient

import (
	"context"
	"errors"
	"fmt"

	"github.com/webbtidbok/webbtidbok/internal/reconcile"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"go.opentelemetry.io/otel/trace"
)

// write sends a write request once and sorts out how it failed:
//
//   - the producer's logical refusal (resultCode ERROR) is returned as the
//     *tidbok.OpError the codec made, its text for the citizen kept;
//   - a request that certainly did not reach the producer (see httpsend.Trace)
//     is an error matching tidbok.ErrNotSent: nothing happened;
//   - a refusal that proves the request was not carried out — a Client
//     fault, a fault naming a definite condition (our producer's
//     not-sent included: its book did nothing), a platform code raised
//     before forwarding (VP001–VP008, VP010, VP011, VP013–VP015), an HTTP
//     4xx — is returned as it is;
//   - anything else after sending (a timeout or reset while waiting, a
//     Server fault, VP009, a 5xx, an unreadable answer) leaves the outcome
//     unknown, and lost is true: the caller reconciles.
func (c *Client) write(ctx context.Context, op tidbok.Operation, facility tidbok.HSAID, req interface{ Validate() error }) (res any, lost, err error) {
	if !c.s.caps.Has(op) {
		return nil, nil, tidbok.NotSupported(op)
	}
	body, err := c.encode(op, facility, req)
	if err != nil {
		return nil, nil, err
	}
	res, sent, err := c.attempt(ctx, op, body, 1)
	if err == nil {
		return res, nil, nil
	}
	var opErr *tidbok.OpError
	var fe *FaultError
	var se *StatusError
	switch {
	case errors.As(err, &opErr):
		return nil, nil, err
	case !sent:
		return nil, nil, err
	case errors.As(err, &fe) && fe.refusedUnread():
		return nil, nil, err
	case errors.As(err, &se) && !se.ServerSide():
		return nil, nil, err
	}
	return nil, err, nil
}

// Book books a free slot (or an open invitation at a free slot's time) for
// the citizen. It sends MakeBooking once and never again: the wire has no
// idempotency key.
//
// When the answer is lost after sending, Book reads the citizen's
// schedule at the facility (see Config.ReconcileDelay) for a booking at
// the same time, with the same time type and clinician when the request
// names them. Found, Book returns it as booked (without the Notice, which
// was in the lost answer); not found, it returns an
// [*OutcomeUnknownError]: the request may still be on its way, so "not
// booked" would be a guess. A booking by an agent (req.Actor.Agent) is
// not reconciled, as an agent may not read the citizen's schedule: its
// lost answer is an unknown outcome at once.
//
// Contract: MakeBooking, crm:scheduling 1.1. Errors: ErrSlotTaken,
// ErrNotFound, ErrNotAllowed, ErrInvalid (resultCode ERROR, as
// *tidbok.OpError with the producer's text), tidbok.ErrNotSent (a [*NotSentError]), *FaultError,
// ErrOutcomeUnknown.
func (c *Client) Book(ctx context.Context, req tidbok.BookRequest) (_ tidbok.BookResult, err error) {
	ctx, call := c.s.tel.Start(ctx, tidbok.OpBook, trace.SpanKindInternal, req.Timeslot.Facility)
	defer func() { call.End(err) }()
	res, lost, err := c.write(ctx, tidbok.OpBook, req.Timeslot.Facility, req)
	switch {
	case err != nil:
		return tidbok.BookResult{}, err
	case lost == nil:
		return asResult[tidbok.BookResult](tidbok.OpBook, res)
	}
	var found tidbok.BookResult
	err = c.reconcile(ctx, tidbok.OpBook, req.Actor, lost, func(ctx context.Context) (bool, error) {
		sched, err := c.Schedule(ctx, tidbok.ScheduleRequest{Facility: req.Timeslot.Facility, Subject: req.Timeslot.Subject, Actor: req.Actor})
		if err != nil {
			return false, err
		}
		for _, b := range sched.Bookings {
			if reconcile.BookedAs(b, req.Timeslot) {
				found.BookingID = b.ID
				return true, nil
			}
		}
		return false, nil
	})
	return found, err
}

// Reschedule moves a booking to a free slot. It sends UpdateBooking once
// and never again.
//
// When the answer is lost after sending, Reschedule reads the booking
// (GetBookingDetails at the new slot's facility, or the citizen's
// schedule when the producer lacks it): at the new time it is moved, and
// Reschedule succeeds (without the lost Notice); otherwise it returns an
// [*OutcomeUnknownError].
//
// Contract: UpdateBooking, crm:scheduling 1.1. Errors: ErrSlotTaken,
// ErrNotFound, ErrNotAllowed, ErrInvalid (as *tidbok.OpError with the
// producer's text), tidbok.ErrNotSent (a [*NotSentError]), *FaultError, ErrOutcomeUnknown.
func (c *Client) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (_ tidbok.RescheduleResult, err error) {
	ctx, call := c.s.tel.Start(ctx, tidbok.OpReschedule, trace.SpanKindInternal, req.Timeslot.Facility)
	defer func() { call.End(err) }()
	ts := req.Timeslot
	res, lost, err := c.write(ctx, tidbok.OpReschedule, ts.Facility, req)
	switch {
	case err != nil:
		return tidbok.RescheduleResult{}, err
	case lost == nil:
		return asResult[tidbok.RescheduleResult](tidbok.OpReschedule, res)
	}
	err = c.reconcile(ctx, tidbok.OpReschedule, req.Actor, lost, func(ctx context.Context) (bool, error) {
		b, ok, err := c.findBooking(ctx, ts.Facility, req.BookingID, ts.Subject, req.Actor)
		if err != nil || !ok {
			return false, err
		}
		return reconcile.SameTime(b, ts), nil
	})
	return tidbok.RescheduleResult{}, err
}

// Cancel cancels a booking. When req.Subject is set, Cancel first reads
// the booking (GetBookingDetails, or the citizen's schedule when the
// producer lacks it) and answers ErrNotFound, sending nothing, unless it
// is that citizen's: the wire cannot say whose booking to cancel. It then
// sends CancelBooking once and never again.
//
// When the answer is lost after sending, Cancel reads the booking again:
// gone, it was cancelled and Cancel succeeds; still there (or unreadable),
// it returns an [*OutcomeUnknownError].
//
// Contract: CancelBooking, crm:scheduling 1.1. Errors: ErrNotFound,
// ErrNotAllowed, ErrInvalid (as *tidbok.OpError with the producer's
// text), tidbok.ErrNotSent (a [*NotSentError]), *FaultError, ErrOutcomeUnknown.
func (c *Client) Cancel(ctx context.Context, req tidbok.CancelRequest) (_ tidbok.CancelResult, err error) {
	ctx, call := c.s.tel.Start(ctx, tidbok.OpCancel, trace.SpanKindInternal, req.Facility)
	defer func() { call.End(err) }()
	if !c.s.caps.Has(tidbok.OpCancel) {
		return tidbok.CancelResult{}, tidbok.NotSupported(tidbok.OpCancel)
	}
	if err := req.Validate(); err != nil {
		return tidbok.CancelResult{}, err
	}
	if !req.Subject.IsZero() {
		_, ok, err := c.findBooking(ctx, req.Facility, req.BookingID, req.Subject, req.Actor)
		switch {
		case err != nil:
			return tidbok.CancelResult{}, &NotSentError{Op: tidbok.OpCancel, Err: fmt.Errorf("checking whose booking it is: %w", err)}
		case !ok:
			return tidbok.CancelResult{}, &tidbok.OpError{Op: tidbok.OpCancel, Err: tidbok.ErrNotFound}
		}
	}
	res, lost, err := c.write(ctx, tidbok.OpCancel, req.Facility, req)
	switch {
	case err != nil:
		return tidbok.CancelResult{}, err
	case lost == nil:
		return asResult[tidbok.CancelResult](tidbok.OpCancel, res)
	}
	if !c.s.caps.Has(tidbok.OpBookingDetails) && req.Subject.IsZero() {
		return tidbok.CancelResult{}, &OutcomeUnknownError{Op: tidbok.OpCancel, Cause: lost,
			Reconcile: errors.New("the producer lacks GetBookingDetails and the request names no Subject whose schedule to read")}
	}
	err = c.reconcile(ctx, tidbok.OpCancel, req.Actor, lost, func(ctx context.Context) (bool, error) {
		_, ok, err := c.findBooking(ctx, req.Facility, req.BookingID, req.Subject, req.Actor)
		return err == nil && !ok, err
	})
	return tidbok.CancelResult{}, err
}

// findBooking reads booking id at facility: with GetBookingDetails when
// the producer has it, else in subject's schedule. ok is false when the
// book does not have it (for subject, when set); err is any other failure.
func (c *Client) findBooking(ctx context.Context, facility tidbok.HSAID, id string, subject tidbok.PersonalNumber, actor tidbok.Actor) (b tidbok.Timeslot, ok bool, err error) {
	if c.s.caps.Has(tidbok.OpBookingDetails) {
		res, err := c.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: facility, BookingID: id, Subject: subject, Actor: actor})
		switch {
		case errors.Is(err, tidbok.ErrNotFound):
			return tidbok.Timeslot{}, false, nil
		case err != nil:
			return tidbok.Timeslot{}, false, err
		}
		return res.Booking, true, nil
	}
	sched, err := c.Schedule(ctx, tidbok.ScheduleRequest{Facility: facility, Subject: subject, Actor: actor})
	switch {
	case errors.Is(err, tidbok.ErrNotFound):
		return tidbok.Timeslot{}, false, nil
	case errors.Is(err, tidbok.ErrNotAllowed) && !actor.IsAgent():
		// A citizen the producer does not let act for the subject has
		// no booking of theirs to find.
		return tidbok.Timeslot{}, false, nil
	case err != nil:
		return tidbok.Timeslot{}, false, err
	}
	for _, b := range sched.Bookings {
		if b.ID == id {
			return b, true, nil
		}
	}
	return tidbok.Timeslot{}, false, nil
}

func asResult[R any](op tidbok.Operation, res any) (R, error) {
	r, ok := res.(R)
	if !ok {
		var zero R
		return zero, fmt.Errorf("mvkclient: %v: the codec returned %T, not %T", op, res, zero)
	}
	return r, nil
}
