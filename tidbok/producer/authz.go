package producer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// checkConsumer returns a fault unless the request's client certificate
// names a consumer allowed to call ([Config.Consumers]), or any consumer
// may.
func (h *Handler) checkConsumer(r *http.Request) *soap.Fault {
	if h.anyConsumer {
		return nil
	}
	id, ok := ClientHSAID(r)
	if !ok {
		return crmwire.WithErrorKind(
			soap.ClientFault("the connection carries no verified client certificate with an HSA-id: this producer answers only the consumers it knows; call over mutual TLS with your function certificate"),
			tidbok.ErrNotAllowed)
	}
	if !h.consumers[id] {
		return crmwire.WithErrorKind(
			soap.ClientFault("consumer %s may not call this producer: ask the clinic's vendor to add its HSA-id to the producer's consumers", id),
			tidbok.ErrNotAllowed)
	}
	return nil
}

// guarded is what the handler learned calling the book for an audited
// contract under its policy.
type guarded struct {
	res any
	// err is the book's error, answered on the wire as the book gave it.
	err error
	// fault refuses the request without calling the book.
	fault *soap.Fault
	// why, when set, is the audit's reason in place of err: the request
	// was refused by the policy (it matches errForbidden or
	// ErrNoRelation) or the proxy resolver failed.
	why error
}

// guard calls the book for op, one of the audited contracts, with req as
// the policy allows, and corrects ev's subject when the policy learns
// whose booking it was.
func (h *Handler) guard(ctx context.Context, ev *Event, op tidbok.Operation, req any, v crmwire.Version) guarded {
	if h.policy == TrustPlatform {
		res, err := call(ctx, h.book, op, req)
		return guarded{res: res, err: err}
	}
	if v == crmwire.V10 {
		why := fmt.Errorf("%w: a crm:scheduling 1.0 request names no actor", errForbidden)
		return guarded{why: why, fault: crmwire.WithErrorKind(
			soap.ClientFault("%s over crm:scheduling 1.0 names no actor, and this producer answers only requests whose actor it can check: send it as crm:scheduling 1.1 with the ih:Actor header", op.Contract()),
			tidbok.ErrNotAllowed)}
	}
	switch r := req.(type) {
	case tidbok.ScheduleRequest:
		return h.forSubject(ctx, op, req, r.Actor, r.Subject)
	case tidbok.BookRequest:
		return h.forSubject(ctx, op, req, r.Actor, r.Timeslot.Subject)
	case tidbok.RescheduleRequest:
		return h.reschedule(ctx, ev, r)
	case tidbok.BookingDetailsRequest:
		return h.byID(ctx, ev, op, r.Facility, r.BookingID, r.Actor.PersonOr(r.Subject), func(subject, actor tidbok.PersonalNumber) any {
			r.Subject, r.Actor = subject, tidbok.Actor{Person: actor}
			return r
		})
	case tidbok.CancelRequest:
		return h.byID(ctx, ev, op, r.Facility, r.BookingID, r.Actor.PersonOr(r.Subject), func(subject, actor tidbok.PersonalNumber) any {
			r.Subject, r.Actor = subject, tidbok.Actor{Person: actor}
			return r
		})
	}
	return guarded{err: fmt.Errorf("producer: %s is not a contract about a citizen's bookings", op.Contract())}
}

// fillEvent sets ev's actor, subject and booking ID from a decoded
// request: the actor is named also when it is the subject.
func fillEvent(ev *Event, req any) {
	var a tidbok.Actor
	switch r := req.(type) {
	case tidbok.ScheduleRequest:
		a, ev.Subject = r.Actor, r.Subject
	case tidbok.BookRequest:
		a, ev.Subject = r.Actor, r.Timeslot.Subject
	case tidbok.RescheduleRequest:
		a, ev.Subject, ev.BookingID = r.Actor, r.Timeslot.Subject, r.BookingID
	case tidbok.BookingDetailsRequest:
		a, ev.Subject, ev.BookingID = r.Actor, r.Subject, r.BookingID
	case tidbok.CancelRequest:
		a, ev.Subject, ev.BookingID = r.Actor, r.Subject, r.BookingID
	}
	if !a.IsAgent() {
		a.Person = a.PersonOr(ev.Subject)
	}
	ev.Actor = a
}

// vouch returns nil when actor may act for subject per the proxy
// resolver.
func (h *Handler) vouch(ctx context.Context, actor, subject tidbok.PersonalNumber) error {
	if h.proxies == nil {
		return fmt.Errorf("%w: no proxy resolver is configured", ErrNoRelation)
	}
	return h.proxies.MayActFor(ctx, actor, subject)
}

// forSubject calls the book for a contract that names its subject of
// care (GetSubjectOfCareSchedule, MakeBooking): a citizen acting for
// another needs the resolver's word; staff and the subject in person are
// let through (the agent rules have been applied).
func (h *Handler) forSubject(ctx context.Context, op tidbok.Operation, req any, actor tidbok.Actor, subject tidbok.PersonalNumber) guarded {
	if !actor.Person.IsZero() && actor.Person != subject {
		if err := h.vouch(ctx, actor.Person, subject); err != nil {
			return h.proxyRefused(op, err)
		}
	}
	res, err := call(ctx, h.book, op, req)
	return guarded{res: res, err: err}
}

// proxyRefused refuses op, which names its subject of care, because the
// resolver did not vouch for the actor (err). When the resolver failed,
// the consumer may try again later.
func (h *Handler) proxyRefused(op tidbok.Operation, err error) guarded {
	if !errors.Is(err, ErrNoRelation) {
		return guarded{why: err, err: tidbok.NotSent(fmt.Errorf("producer: asking the proxy resolver: %w", err))}
	}
	return guarded{why: err, fault: crmwire.WithErrorKind(
		soap.ClientFault("%s: not allowed: the actor may not act for this subject of care", op.Contract()),
		tidbok.ErrNotAllowed)}
}

// reschedule calls the book for an UpdateBooking. A citizen acting for
// another without the resolver's word gets the book's own answer for a
// booking that is not the named subject's, and nothing moves: the
// handler reads whose booking it is and asks the book to move it for a
// citizen who does not own it (the named subject, or the actor when the
// booking is the named subject's). So the answer is the book's not-found,
// as for an unknown ID, whether the booking exists or not.
func (h *Handler) reschedule(ctx context.Context, ev *Event, r tidbok.RescheduleRequest) guarded {
	op := tidbok.OpReschedule
	actor, subject := r.Actor.Person, r.Timeslot.Subject
	if actor.IsZero() || actor == subject {
		res, err := call(ctx, h.book, op, r)
		return guarded{res: res, err: err}
	}
	verr := h.vouch(ctx, actor, subject)
	switch {
	case verr == nil:
		res, err := call(ctx, h.book, op, r)
		return guarded{res: res, err: err}
	case !errors.Is(verr, ErrNoRelation):
		return h.proxyRefused(op, verr)
	}
	why := fmt.Errorf("%w: %w", errForbidden, verr)
	if !h.caps.Has(tidbok.OpBookingDetails) {
		return guarded{why: why, err: &tidbok.OpError{Op: op, Err: tidbok.ErrNotFound}}
	}
	d, err := h.book.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: r.Timeslot.Facility, BookingID: r.BookingID})
	switch {
	case err == nil && d.Booking.Subject == subject:
		r.Timeslot.Subject = actor
	case err != nil && !errors.Is(err, tidbok.ErrNotFound):
		return guarded{why: why, err: err}
	}
	r.Actor = tidbok.Actor{}
	res, err := call(ctx, h.book, op, r)
	if err == nil {
		// The book moved a booking of a citizen who does not own it.
		return guarded{why: why, err: fmt.Errorf("producer: the book moved booking %q for a citizen who does not own it: %w", r.BookingID, tidbok.ErrOutcomeUnknown)}
	}
	return guarded{res: res, err: err, why: why}
}

// byID calls the book for GetBookingDetails or CancelBooking, which name
// a booking but no subject of care on the wire, with the actor as the
// subject. When the book does not find the booking, the handler reads it
// to learn whose it is: another citizen's is then tried again for them if
// the resolver vouches for the actor, and otherwise answered with the
// book's not-found, as an unknown ID is, with the refusal in the audit.
// with builds the request for a subject and an acting person.
func (h *Handler) byID(ctx context.Context, ev *Event, op tidbok.Operation, facility tidbok.HSAID, id string,
	actor tidbok.PersonalNumber, with func(subject, actor tidbok.PersonalNumber) any) guarded {
	if actor.IsZero() {
		return guarded{why: fmt.Errorf("%w: the request names no actor", errForbidden), fault: crmwire.WithErrorKind(
			soap.ClientFault("%s names no actor: send the ih:Actor header", op.Contract()), tidbok.ErrNotAllowed)}
	}
	ev.Subject = actor
	res, err := call(ctx, h.book, op, with(actor, tidbok.PersonalNumber{}))
	if !errors.Is(err, tidbok.ErrNotFound) || !h.caps.Has(tidbok.OpBookingDetails) {
		return guarded{res: res, err: err}
	}
	d, derr := h.book.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: facility, BookingID: id})
	owner := d.Booking.Subject
	if derr != nil || owner.IsZero() || owner == actor {
		return guarded{res: res, err: err}
	}
	ev.Subject = owner
	verr := h.vouch(ctx, actor, owner)
	switch {
	case verr == nil:
		res, err := call(ctx, h.book, op, with(owner, actor))
		return guarded{res: res, err: err}
	case errors.Is(verr, ErrNoRelation):
		return guarded{res: res, err: err, why: fmt.Errorf("%w: %w", errForbidden, verr)}
	}
	// The resolver failed. Answering that would tell that the booking
	// exists; the consumer gets the not-found, the log the failure.
	h.log.LogAttrs(ctx, slog.LevelError, "crm:scheduling proxy resolver failed; answered as not found",
		slog.String("contract", op.Contract()), slog.String("booking_id", id), slog.String("error", mask(verr.Error())))
	return guarded{res: res, err: err, why: fmt.Errorf("producer: asking the proxy resolver: %w", verr)}
}
