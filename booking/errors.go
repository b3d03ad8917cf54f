package booking

import (
	"errors"
	"fmt"
	"strings"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Sentinel errors that callers branch on with [errors.Is]. The service
// wraps them in an [*Error], which carries the text for the citizen. Where
// a sentinel means what one of package tidbok means, it matches that one
// too: ErrDeadlinePassed matches [tidbok.ErrNotAllowed], ErrHeld matches
// [tidbok.ErrSlotTaken], ErrNotEligible matches [casetype.ErrNotEligible].
var (
	// ErrForbidden means the caller may not act for the subject of care
	// here: they are not the subject, and neither the case type's proxy
	// policy nor guardianship lets them act for the subject, or a staff
	// agent tried something other than a new booking.
	ErrForbidden error = &sentinel{what: "not the caller's to do"}

	// ErrNotOffered means the clinic does not offer the case type: it does
	// not exist, is not active, or is of another kind than the call needs.
	ErrNotOffered error = &sentinel{what: "case type not offered by the clinic"}

	// ErrNotEligible means the subject of care may not use the case type
	// (age or a list of citizens). It matches [casetype.ErrNotEligible].
	ErrNotEligible error = &sentinel{what: "not eligible for the case type", also: casetype.ErrNotEligible}

	// ErrAssuranceTooLow means the caller logged in at a lower assurance
	// level than the case type needs; logging in with e-ID helps.
	ErrAssuranceTooLow error = &sentinel{what: "login assurance too low for the case type"}

	// ErrAssuranceUnknown means the caller is a citizen whose login's
	// assurance level is [casetype.AssuranceUnknown]: the portal did not
	// set Caller.Assurance from the login. The service refuses such a
	// caller before it reads or writes anything and audits the call as
	// forbidden. It matches [ErrAssuranceTooLow], since an unknown level
	// is too low for every case type; the citizen is asked to log in
	// again.
	ErrAssuranceUnknown error = &sentinel{what: "login assurance unknown", also: ErrAssuranceTooLow}

	// ErrTermsNotAccepted means the person logged in has not accepted the
	// current version of the case type's terms. The error is a
	// [*TermsError], which carries the version to show.
	ErrTermsNotAccepted error = &sentinel{what: "terms not accepted"}

	// ErrTooSoon means the slot starts sooner than the clinic's minimum
	// notice allows. It matches [tidbok.ErrNotAllowed].
	ErrTooSoon error = &sentinel{what: "slot starts too soon to book", also: tidbok.ErrNotAllowed}

	// ErrTooFarAhead means the slot starts later than the clinic's horizon
	// allows. It matches [tidbok.ErrNotAllowed].
	ErrTooFarAhead error = &sentinel{what: "slot starts too far ahead to book", also: tidbok.ErrNotAllowed}

	// ErrPast means the slot or booking has already started. It matches
	// [tidbok.ErrNotAllowed].
	ErrPast error = &sentinel{what: "time has already started", also: tidbok.ErrNotAllowed}

	// ErrTimeTypeNotOffered means the slot is of a time type the case type
	// does not show. It matches [tidbok.ErrNotAllowed].
	ErrTimeTypeNotOffered error = &sentinel{what: "time type not offered by the case type", also: tidbok.ErrNotAllowed}

	// ErrDeadlinePassed means it is too late before the visit to cancel or
	// reschedule (the case type's Rules.ChangeDeadline). It matches
	// [tidbok.ErrNotAllowed].
	ErrDeadlinePassed error = &sentinel{what: "deadline for changes has passed", also: tidbok.ErrNotAllowed}

	// ErrTooManyReschedules means the booking has been moved as often as
	// the case type allows (Rules.MaxReschedules). It matches
	// [tidbok.ErrNotAllowed].
	ErrTooManyReschedules = store.ErrTooManyReschedules

	// ErrTooManyBookings means the subject of care has as many future
	// bookings at the clinic as the case type allows
	// (Rules.MaxFutureBookings). It matches [tidbok.ErrNotAllowed].
	ErrTooManyBookings error = &sentinel{what: "too many future bookings at the clinic", also: tidbok.ErrNotAllowed}

	// ErrMessageNotAllowed means the citizen wrote a message (a reason, or
	// a message when cancelling) where the case type or the book's flags
	// do not allow one. It matches [tidbok.ErrNotAllowed].
	ErrMessageNotAllowed error = &sentinel{what: "message not allowed", also: tidbok.ErrNotAllowed}

	// ErrMessageTooLong means the message is longer than the case type
	// allows (Message.MaxLen). It matches [tidbok.ErrInvalid].
	ErrMessageTooLong error = &sentinel{what: "message too long", also: tidbok.ErrInvalid}

	// ErrHeld means another citizen holds the slot while they confirm.
	// The error is a [*SlotTakenError]; ErrHeld matches
	// [tidbok.ErrSlotTaken], so a portal that shows alternatives for a
	// taken slot shows them for a held one too.
	ErrHeld = store.ErrHeld

	// ErrHoldExpired means the hold token is unknown, expired, or not the
	// caller's: choose the slot and hold it again.
	ErrHoldExpired = store.ErrHoldExpired

	// ErrInProgress means an earlier call with the same request key was
	// still running when the caller's context ended: Book, Reschedule and
	// Cancel wait for it as long as their context allows. The error also
	// matches the context's error. Repeat the call with the same key: it
	// then returns the first call's outcome.
	ErrInProgress error = &sentinel{what: "a call with this request key is in progress"}

	// ErrKeyReused means the request key was used before for another
	// request (another action, slot, booking or message). Use a new key
	// for a new request. It matches [tidbok.ErrInvalid].
	ErrKeyReused error = &sentinel{what: "request key reused for a different request", also: tidbok.ErrInvalid}

	// ErrAudit means the audit event of a read could not be recorded, so
	// the data read is withheld. Writes are never undone for it; see
	// [AuditSink].
	ErrAudit error = &sentinel{what: "audit event not recorded"}
)

// sentinel is an error value that may also match one sentinel of another
// package, as tidbok.ErrNotSupported matches errors.ErrUnsupported.
type sentinel struct {
	what string
	also error
}

func (s *sentinel) Error() string  { return "booking: " + s.what }
func (s *sentinel) detail() string { return s.what }

// Is reports whether target is the sentinel of another package that s
// also means.
func (s *sentinel) Is(target error) bool { return s.also != nil && target == s.also }

// Error is the error the [Service] returns when it refuses or fails a
// call: what was tried, why (Err, matching one of the sentinels above or
// of package tidbok), and a text for the citizen.
//
// Error is always used as a pointer: match it with
// errors.As(err, new(*booking.Error)), or read the text with
// [tidbok.CitizenText], as of any error of the service.
type Error struct {
	// Action is what was tried.
	Action Action
	// Text is meant for the citizen, in plain Swedish; the portal shows it
	// verbatim. When the book refused with a text of its own (the wire's
	// resultText), Text is the book's.
	Text string
	// Err is the cause: a sentinel of this package or of tidbok, possibly
	// wrapping the book's error.
	Err error
}

// Error returns a message for logs, in English. It leaves out Text and
// never contains a personal identity number.
func (e *Error) Error() string {
	if e.Err == nil {
		return "booking: " + string(e.Action) + ": failed"
	}
	// The cause may be a book's or a store's error, whose text is theirs.
	return "booking: " + string(e.Action) + ": " + tidbok.MaskPersonalNumbers(detail(e.Err))
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// CitizenText returns Text.
func (e *Error) CitizenText() string { return e.Text }

// SlotTakenError is the error of booking or rescheduling to a slot that is
// no longer free: another citizen booked it first, holds it while they
// confirm (then it also matches [ErrHeld]), or staff withdrew it. It
// matches [tidbok.ErrSlotTaken] and carries the nearest free
// alternatives, filtered by the clinic's rules, for the portal to offer.
// A failed reschedule leaves the booking at its old time.
//
// SlotTakenError is always used as a pointer.
type SlotTakenError struct {
	// Action is Book or Reschedule.
	Action Action
	// Alternatives are the free slots nearest in time to the one asked
	// for, ordered by start; at most Config.Alternatives, maybe none.
	Alternatives []tidbok.Timeslot
	// Text is meant for the citizen.
	Text string
	// Err is the cause: [ErrHeld], or the book's error matching
	// tidbok.ErrSlotTaken (or tidbok.ErrNotFound when the slot is gone).
	Err error
}

// Error returns a message for logs.
func (e *SlotTakenError) Error() string {
	msg := "booking: " + string(e.Action) + ": slot taken"
	if e.Err != nil && !errors.Is(e.Err, tidbok.ErrSlotTaken) {
		msg += ": " + detail(e.Err)
	} else if errors.Is(e.Err, ErrHeld) {
		msg += ": held by another citizen"
	}
	return msg
}

// Unwrap returns the cause.
func (e *SlotTakenError) Unwrap() error { return e.Err }

// Is reports whether target is [tidbok.ErrSlotTaken]: whatever the cause,
// the slot cannot be had.
func (e *SlotTakenError) Is(target error) bool { return target == tidbok.ErrSlotTaken }

// CitizenText returns Text.
func (e *SlotTakenError) CitizenText() string { return e.Text }

// TermsError is the error of a write refused because the person logged in
// has not accepted the current version of the case type's terms, or
// accepted a version that is no longer current. It matches
// [ErrTermsNotAccepted] and, for a stale acceptance, [terms.ErrStale].
// Show the citizen Show and record their consent with
// [Service.AcceptTerms].
//
// TermsError is always used as a pointer.
type TermsError struct {
	// Action is what was tried.
	Action Action
	// Show is the current version of the terms: the one to show.
	Show terms.Version
	// Text is meant for the citizen.
	Text string
	// Err is the cause when there is one beyond ErrTermsNotAccepted, e.g.
	// a [*terms.StaleError].
	Err error
}

// Error returns a message for logs.
func (e *TermsError) Error() string {
	msg := "booking: " + string(e.Action) + ": terms not accepted"
	if e.Err != nil {
		msg += ": " + detail(e.Err)
	}
	return msg
}

// Unwrap returns ErrTermsNotAccepted and the cause, if any.
func (e *TermsError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrTermsNotAccepted}
	}
	return []error{ErrTermsNotAccepted, e.Err}
}

// CitizenText returns Text.
func (e *TermsError) CitizenText() string { return e.Text }

// reword gives err, the error of a call for op, the clinic's wording
// (Config.Texts) where it has one, unless err's text is the book's own or
// that of a stored outcome, which keeps the first call's text.
func (s *Service) reword(op tidbok.Operation, err error) error {
	if s.texts == nil || err == nil {
		return err
	}
	if oe, ok := errors.AsType[*tidbok.OpError](err); ok && oe.Text != "" {
		return err
	}
	if _, ok := errors.AsType[*storedOutcome](err); ok {
		return err
	}
	t := s.texts(op, err)
	if t == "" {
		return err
	}
	switch e := err.(type) {
	case *Error:
		e.Text = t
	case *SlotTakenError:
		e.Text = t
	case *TermsError:
		e.Text = t
	}
	return err
}

// reason is the cause of a refusal or failure of the service: the
// sentinel it matches (err), what happened (why) and the error underneath
// (cause), each optional. Its message says "booking: " once, before them.
type reason struct {
	err   error
	why   string
	cause error
}

// because returns the cause of a refusal that matches sentinel, saying
// why; the text is formatted with [fmt.Sprintf].
func because(sentinel error, format string, args ...any) error {
	return &reason{err: sentinel, why: fmt.Sprintf(format, args...)}
}

// wrapping returns the cause of a refusal that matches sentinel because
// of err, and matches err too.
func wrapping(sentinel, err error) error {
	return &reason{err: sentinel, cause: err}
}

// failure returns the error of doing something that failed with err.
func failure(doing string, err error) error {
	return &reason{why: doing, cause: err}
}

func (e *reason) Error() string { return "booking: " + e.detail() }

func (e *reason) detail() string {
	parts := make([]string, 0, 3)
	if e.err != nil {
		parts = append(parts, detail(e.err))
	}
	if e.why != "" {
		parts = append(parts, e.why)
	}
	if e.cause != nil {
		parts = append(parts, detail(e.cause))
	}
	return strings.Join(parts, ": ")
}

// Unwrap returns the sentinel and the error underneath, those that are
// set.
func (e *reason) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.err != nil {
		errs = append(errs, e.err)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

// detail is err's message where an error of this package wraps it and
// says the prefix "booking: " itself: for an error of this package or of
// its stores, its message without the prefix, built from its parts; for
// an error of package tidbok, without "tidbok: "; for any other, its
// message.
func detail(err error) string {
	if d, ok := err.(interface{ detail() string }); ok {
		return d.detail()
	}
	return store.Detail(err)
}

// refuse returns an *Error for act with cause err and the citizen text:
// the book's own text when err carries one, and otherwise text.
func refuse(act Action, err error, text string) error {
	if t, ok := tidbok.CitizenText(err); ok {
		text = t
	}
	return &Error{Action: act, Text: text, Err: err}
}

// citizenText is the text err carries for the citizen, or the generic
// one.
func citizenText(err error) string {
	if t, ok := tidbok.CitizenText(err); ok {
		return t
	}
	return textGeneric
}
