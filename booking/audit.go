package booking

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Action names what a call of the [Service] does, in audit events and
// errors.
type Action string

// The actions of the citizen's flow and of staff handling requests.
const (
	ActionContactCard  Action = "contact card"
	ActionTerms        Action = "terms"
	ActionSearch       Action = "search"
	ActionHold         Action = "hold"
	ActionBook         Action = "book"
	ActionMyBookings   Action = "my bookings"
	ActionDetails      Action = "details"
	ActionReschedule   Action = "reschedule"
	ActionCancel       Action = "cancel"
	ActionRequest      Action = "request"
	ActionListRequests Action = "list requests"
	ActionCloseRequest Action = "close request"
)

// The actions a portal records itself, outside the [Service]: logins, and
// staff reading citizens' bookings straight from the clinic's book. A
// staff read is recorded as one event per citizen whose bookings were
// shown, with Caller.Agent the staff member and Subject the citizen.
const (
	// ActionLogin is a login to the portal, by a citizen (Caller.Person,
	// who is also the Subject) or a staff member (Caller.Agent). A login
	// that failed has Outcome [OutcomeForbidden] and, when the login
	// service did not say who tried, a zero Caller.
	ActionLogin Action = "login"
	// ActionStaffDay is staff reading the clinic's book for a day, with
	// the booked slots' citizens: BookingID is the booking shown.
	ActionStaffDay Action = "staff day's book"
	// ActionStaffBookings is staff reading a list of the clinic's
	// bookings: BookingID is the booking shown.
	ActionStaffBookings Action = "staff bookings"
)

// Outcome is how an audited call ended.
type Outcome string

// The outcomes of a call. Each refusal matches an error of this package
// or of tidbok.
const (
	// OutcomeDone: done as asked (or, with Detail "replayed", the stored
	// outcome of an earlier call with the same request key).
	OutcomeDone Outcome = "done"
	// OutcomeForbidden: the caller may not act for the subject here
	// ([ErrForbidden], [ErrAssuranceTooLow], [ErrNotEligible]).
	OutcomeForbidden Outcome = "forbidden"
	// OutcomeNotFound: no such booking or request for the subject
	// ([tidbok.ErrNotFound]), or the case type is not offered.
	OutcomeNotFound Outcome = "not found"
	// OutcomeRefused: a rule, a flag of the book or the terms forbid it.
	OutcomeRefused Outcome = "refused"
	// OutcomeTaken: the slot was taken or held ([tidbok.ErrSlotTaken]).
	OutcomeTaken Outcome = "taken"
	// OutcomeUnknown: the book's answer was lost and reading the book did
	// not settle it yet ([tidbok.ErrOutcomeUnknown]).
	OutcomeUnknown Outcome = "unknown"
	// OutcomeInvalid: the request was malformed ([tidbok.ErrInvalid]).
	OutcomeInvalid Outcome = "invalid"
	// OutcomeFailed: a technical failure (book, store, context).
	OutcomeFailed Outcome = "failed"
)

// Event is one audit record: a read or write of a citizen's bookings or
// requests, allowed or refused (PDL access logging).
type Event struct {
	// Time is when the call was made, by the service's clock.
	Time time.Time
	// Caller is who was logged in: the acting person or staff agent.
	Caller Caller
	// Subject is the subject of care whose bookings were read or
	// written; zero for staff listing requests. Its String and LogValue
	// are masked.
	Subject tidbok.PersonalNumber
	// Clinic and CaseType say where, and under which case type.
	Clinic   tidbok.HSAID
	CaseType string
	// Action is what was tried.
	Action Action
	// Outcome is how it ended.
	Outcome Outcome
	// BookingID is the booking read or written, when there is one; for
	// requests, the request's ID.
	BookingID string
	// Detail is the error's log message for a refusal or failure, with
	// every personal identity number in it masked, or a note
	// ("replayed", "reconciled", a count of bookings read).
	Detail string
	// Session identifies the login session the call was made in
	// ([Scope.Session]), or the consumer; "" when unknown. It is an
	// opaque reference, never a secret such as a session's cookie value.
	Session string
}

// AuditSink receives audit events. Record must be safe for concurrent use.
//
// The service records a read before it returns the data: if Record fails,
// the read fails with an error matching [ErrAudit], so that nothing is
// shown that was not logged. A write that reached the book is never undone
// for a failed Record; the failure is logged at level Error instead.
type AuditSink interface {
	Record(ctx context.Context, e Event) error
}

// AuditFunc adapts a function to an [AuditSink].
type AuditFunc func(ctx context.Context, e Event) error

// Record calls f.
func (f AuditFunc) Record(ctx context.Context, e Event) error { return f(ctx, e) }

// LogAudit returns an [AuditSink] that writes each event to logger at
// level Info with the message "booking audit", one attribute per field;
// personal identity numbers are masked. A nil logger means slog.Default at
// the time of each event. It never fails. Audit records are data, not
// diagnostics: production portals should record them durably (a table
// written with the booking where possible) and keep this for development.
func LogAudit(logger *slog.Logger) AuditSink { return slogAudit{logger} }

type slogAudit struct{ logger *slog.Logger }

func (s slogAudit) Record(ctx context.Context, e Event) error {
	l := s.logger
	if l == nil {
		l = slog.Default()
	}
	l.LogAttrs(ctx, slog.LevelInfo, "booking audit",
		slog.Time("at", e.Time),
		slog.Any("caller", e.Caller),
		slog.Any("subject", e.Subject),
		slog.String("clinic", e.Clinic.String()),
		slog.String("case_type", e.CaseType),
		slog.String("action", string(e.Action)),
		slog.String("outcome", string(e.Outcome)),
		slog.String("booking_id", e.BookingID),
		slog.String("detail", e.Detail),
		slog.String("session", e.Session),
	)
	return nil
}

// event starts the audit event of a call in scope sc.
func event(sc Scope, act Action, now time.Time) Event {
	return Event{Time: now, Caller: sc.Caller, Subject: sc.Subject, Clinic: sc.Clinic, CaseType: sc.CaseType, Action: act, Session: sc.Session}
}

// recordRead records ev for a read that ended with err, and returns err,
// or an error matching ErrAudit when the read succeeded but could not be
// recorded. The event is recorded even when ctx has ended.
func (s *Service) recordRead(ctx context.Context, ev Event, err error) error {
	ev = finish(ev, err)
	aerr := s.audit.Record(context.WithoutCancel(ctx), ev)
	switch {
	case aerr == nil:
		return err
	case err == nil:
		return &Error{Action: ev.Action, Text: textGeneric, Err: wrapping(ErrAudit, aerr)}
	default:
		s.log.Error("booking: audit event not recorded", "action", ev.Action, "clinic", ev.Clinic, "err", aerr)
		return err
	}
}

// recordWrite records ev for a write that ended with err. A failure to
// record is logged, never returned: the write stands.
func (s *Service) recordWrite(ctx context.Context, ev Event, err error) {
	s.recordFinished(ctx, finish(ev, err))
}

// recordFinished records ev, its outcome set, as recordWrite does.
func (s *Service) recordFinished(ctx context.Context, ev Event) {
	if aerr := s.audit.Record(context.WithoutCancel(ctx), ev); aerr != nil {
		s.log.Error("booking: audit event not recorded", "action", ev.Action, "clinic", ev.Clinic,
			"booking_id", ev.BookingID, "outcome", ev.Outcome, "err", aerr)
	}
}

func finish(ev Event, err error) Event {
	ev.Outcome = outcomeOf(err)
	if err != nil {
		ev.Detail = tidbok.MaskPersonalNumbers(err.Error())
	}
	return ev
}

// outcomeOf maps an error to its outcome: by its kind ([tidbok.KindOf]),
// except for the flow's own refusals, which say more than their kind.
func outcomeOf(err error) Outcome {
	k := tidbok.KindOf(err)
	switch {
	case k == tidbok.KindNone:
		return OutcomeDone
	case k == tidbok.KindOutcomeUnknown:
		return OutcomeUnknown
	case errors.Is(err, ErrForbidden), errors.Is(err, ErrAssuranceTooLow), errors.Is(err, ErrNotEligible):
		return OutcomeForbidden
	case k == tidbok.KindSlotTaken:
		return OutcomeTaken
	case k == tidbok.KindNotFound, errors.Is(err, ErrNotOffered):
		return OutcomeNotFound
	case k == tidbok.KindNotAllowed, errors.Is(err, ErrTermsNotAccepted),
		errors.Is(err, ErrHoldExpired), errors.Is(err, ErrInProgress):
		return OutcomeRefused
	case k == tidbok.KindInvalid:
		return OutcomeInvalid
	}
	return OutcomeFailed
}
