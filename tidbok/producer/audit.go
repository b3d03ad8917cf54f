package producer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Outcome is how an audited request ended. The values are those of
// booking's Outcome, so that one log extract reads alike for both.
type Outcome string

// The outcomes of an audited request.
const (
	// OutcomeDone: answered or done as asked.
	OutcomeDone Outcome = "done"
	// OutcomeForbidden: the actor may not act for the subject of care
	// ([Policy], [Config.Proxies]) or, being staff, may not use the
	// contract. The consumer was answered as for an unknown booking where
	// the request named one.
	OutcomeForbidden Outcome = "forbidden"
	// OutcomeNotFound: no such booking for the subject of care, or a
	// facility this producer does not serve ([tidbok.ErrNotFound]).
	OutcomeNotFound Outcome = "not found"
	// OutcomeRefused: the book refused it ([tidbok.ErrNotAllowed],
	// [tidbok.ErrNotSupported]), or the consumer may not call at all.
	OutcomeRefused Outcome = "refused"
	// OutcomeTaken: the slot was taken ([tidbok.ErrSlotTaken]).
	OutcomeTaken Outcome = "taken"
	// OutcomeUnknown: the book's answer was lost
	// ([tidbok.ErrOutcomeUnknown]).
	OutcomeUnknown Outcome = "unknown"
	// OutcomeInvalid: the request broke the contract ([tidbok.ErrInvalid]).
	OutcomeInvalid Outcome = "invalid"
	// OutcomeFailed: a technical failure (the book, a resolver, the
	// context).
	OutcomeFailed Outcome = "failed"
)

// Event is one audit record: a read or write of a citizen's bookings
// through the handler, allowed or refused (PDL access logging). The
// handler records one for every GetSubjectOfCareSchedule,
// GetBookingDetails, MakeBooking, UpdateBooking and CancelBooking request
// that decodes.
type Event struct {
	// Time is when the request was served, by [Config.Clock].
	Time time.Time
	// Consumer is the HSA-id in the consumer's verified client
	// certificate ([ClientHSAID]); zero when the connection has none.
	Consumer tidbok.HSAID
	// Actor is who acted per the ih:Actor header: Person for a citizen
	// (set also when the citizen acts for themselves), Agent for staff;
	// zero for a crm:scheduling 1.0 request, which names nobody.
	Actor tidbok.Actor
	// Subject is the subject of care whose bookings were read or written,
	// as far as the handler knows it: the one the request named, or for
	// GetBookingDetails and CancelBooking (which name none on the wire)
	// the one asked of the book, or the booking's when the handler read
	// it to decide. Its String and LogValue are masked.
	Subject tidbok.PersonalNumber
	// Facility is the clinic the request named.
	Facility tidbok.HSAID
	// Operation is the contract called.
	Operation tidbok.Operation
	// BookingID is the booking read or written: the request's, or the new
	// one of a MakeBooking that was done.
	BookingID string
	// Outcome is how it ended.
	Outcome Outcome
	// Detail is the reason of a refusal or failure, or a note (the number
	// of bookings a schedule showed); personal identity numbers in it are
	// masked.
	Detail string
}

// AuditSink receives audit events. Record must be safe for concurrent use.
//
// The handler records a read (GetSubjectOfCareSchedule,
// GetBookingDetails) before it answers: if Record fails, the consumer
// gets a Server fault instead of the data, so that nothing is shown that
// was not logged. A write that reached the book is answered as the book
// answered whatever Record returns; a failure is logged at level Error.
type AuditSink interface {
	Record(ctx context.Context, e Event) error
}

// AuditFunc adapts a function to an [AuditSink].
type AuditFunc func(ctx context.Context, e Event) error

// Record calls f.
func (f AuditFunc) Record(ctx context.Context, e Event) error { return f(ctx, e) }

// LogAudit returns an [AuditSink] that writes each event to logger at
// level Info with the message "crm:scheduling audit", one attribute per
// field; personal identity numbers are masked. A nil logger discards the
// events. It never fails. It is what a nil [Config.Audit] means, with
// [Config.Logger]. Audit records are data, not diagnostics: production
// producers should record them durably (a table, written where the
// journal keeps its access log) and keep this for development.
func LogAudit(logger *slog.Logger) AuditSink { return slogAudit{logger} }

type slogAudit struct{ logger *slog.Logger }

func (s slogAudit) Record(ctx context.Context, e Event) error {
	if s.logger == nil {
		return nil
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, "crm:scheduling audit",
		slog.Time("at", e.Time),
		slog.String("consumer", e.Consumer.String()),
		slog.String("actor", actorText(e.Actor)),
		slog.Any("subject", e.Subject),
		slog.String("facility", e.Facility.String()),
		slog.String("contract", e.Operation.Contract()),
		slog.String("booking_id", e.BookingID),
		slog.String("outcome", string(e.Outcome)),
		slog.String("detail", mask(e.Detail)),
	)
	return nil
}

// actorText names an actor for logs: the staff member's HSA-id, the
// citizen's masked number, or "" for nobody.
func actorText(a tidbok.Actor) string {
	switch {
	case a.IsAgent():
		return "agent " + a.Agent.String()
	case !a.Person.IsZero():
		return a.Person.String()
	}
	return ""
}

// audited reports whether requests for op are audit events: the
// contracts that read or write a citizen's bookings.
func audited(op tidbok.Operation) bool {
	switch op {
	case tidbok.OpSchedule, tidbok.OpBookingDetails, tidbok.OpBook, tidbok.OpReschedule, tidbok.OpCancel:
		return true
	}
	return false
}

// outcomeOf maps an error to its outcome: by its kind ([tidbok.KindOf]),
// except for the refusals of the policy and the agent rules.
func outcomeOf(err error) Outcome {
	k := tidbok.KindOf(err)
	switch {
	case k == tidbok.KindNone:
		return OutcomeDone
	case k == tidbok.KindOutcomeUnknown:
		return OutcomeUnknown
	case errors.Is(err, errForbidden), errors.Is(err, ErrNoRelation):
		return OutcomeForbidden
	}
	switch k {
	case tidbok.KindSlotTaken:
		return OutcomeTaken
	case tidbok.KindNotFound:
		return OutcomeNotFound
	case tidbok.KindNotAllowed, tidbok.KindNotSupported:
		return OutcomeRefused
	case tidbok.KindInvalid:
		return OutcomeInvalid
	}
	return OutcomeFailed
}

// errForbidden marks a refusal by the policy or the agent rules in an
// exchange, for the audit.
var errForbidden = errors.New("forbidden")

// noteResult adds what a successful call's result tells to ev.
func noteResult(ev *Event, res any) {
	switch r := res.(type) {
	case tidbok.BookResult:
		ev.BookingID = r.BookingID
	case tidbok.BookingDetailsResult:
		if ev.Subject.IsZero() {
			ev.Subject = r.Booking.Subject
		}
	case tidbok.ScheduleResult:
		ev.Detail = strconv.Itoa(len(r.Bookings)) + " bookings"
	}
}

// record finishes x's audit event and records it. A read whose event is
// not recorded is answered with a Server fault instead of its data; a
// write stands, and the failure is logged.
func (h *Handler) record(ctx context.Context, x *exchange) {
	ev := x.ev
	var why error
	switch {
	case x.why != nil:
		why = x.why
	case x.bookErr != nil:
		why = x.bookErr
	case x.fault != nil:
		why = errors.New(x.fault.String)
		if kind, ok := crmwire.FaultKind(x.fault); ok {
			why = fmt.Errorf("%w: %s", kind, x.fault.String)
		} else if x.fault.IsClient() {
			why = fmt.Errorf("%w: %s", tidbok.ErrInvalid, x.fault.String)
		}
	}
	ev.Outcome = outcomeOf(why)
	if why != nil {
		ev.Detail = why.Error()
	}
	ev.Detail = mask(ev.Detail)
	err := h.audit.Record(context.WithoutCancel(ctx), *ev)
	if err == nil {
		return
	}
	x.auditErr = err
	if ev.Operation.IsWrite() || x.fault != nil {
		return
	}
	// Nothing is shown that was not logged.
	if x.pooled != nil {
		h.codec.Recycle(x.pooled)
		x.pooled = nil
	}
	x.body = nil
	x.ref = newRef()
	x.cause = fmt.Errorf("recording the audit event: %w", err)
	x.fault = soap.ServerFault("the access could not be logged (reference %s): nothing was shown; try again later", x.ref)
}
