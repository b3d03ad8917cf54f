package tidbok

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/go-multierror"
)

// Sentinel errors that callers branch on with [errors.Is]. A book wraps them,
// usually in an [*OpError] that also carries a text meant for the citizen.
var (
	// ErrSlotTaken means the requested timeslot is no longer free: another
	// citizen (or staff) booked it first, or staff withdrew it. Show the
	// citizen the nearest free alternatives.
	ErrSlotTaken error = &sentinel{"slot taken"}

	// ErrNotFound means the facility, booking, invitation or timeslot named
	// in the request does not exist in the book (or is not visible to the
	// subject of care).
	ErrNotFound error = &sentinel{"not found"}

	// ErrNotAllowed means the book refuses the operation for this booking:
	// a per-booking flag (may cancel, may reschedule, may send a message) or
	// a rule of the clinic forbids it.
	ErrNotAllowed error = &sentinel{"not allowed"}

	// ErrInvalid means the request is malformed. Validation errors list
	// every problem at once; see [FieldErrors].
	ErrInvalid error = &sentinel{"invalid request"}

	// ErrOutcomeUnknown means a write (book, reschedule, cancel) may or may
	// not have taken effect: the answer was lost after the request was sent.
	// Never retry such a write blindly; read the citizen's schedule to find
	// out what happened.
	ErrOutcomeUnknown error = &sentinel{"outcome unknown"}

	// ErrNotSent means a request certainly did not reach the book: the
	// connection could not be made, or the caller's context ended before
	// anything was sent. Nothing happened, so a write may be tried again
	// as it is. A book returns it only when it knows; when in doubt, the
	// error of a write matches ErrOutcomeUnknown instead.
	ErrNotSent error = &sentinel{"request not sent"}
)

// NotSent marks err, the error of a request that certainly did not reach
// the book (the context ended, or the connection failed, before anything
// was sent), as [ErrNotSent]; the result still matches err. A nil err
// stays nil.
func NotSent(err error) error {
	if err == nil {
		return nil
	}
	return &notSentError{err}
}

type notSentError struct{ err error }

func (e *notSentError) Error() string   { return "tidbok: " + e.detail() }
func (e *notSentError) detail() string  { return "not sent: " + detail(e.err) }
func (e *notSentError) Unwrap() []error { return []error{ErrNotSent, e.err} }

// ErrNotSupported means the book does not offer the operation. It matches
// [errors.ErrUnsupported] too. A book returns it exactly for the operations
// its [Capabilities] leave out.
var ErrNotSupported error = notSupportedError{}

type notSupportedError struct{}

func (e notSupportedError) Error() string { return "tidbok: " + e.detail() }
func (notSupportedError) detail() string  { return "operation not supported by this book" }

// Is reports whether target is [errors.ErrUnsupported], so that generic
// callers recognise an unsupported operation.
func (notSupportedError) Is(target error) bool { return target == errors.ErrUnsupported }

// OpError is the error a book returns when an operation fails for a reason
// the caller should act on. It wraps one of the sentinels above and may
// carry Text, a message written for the citizen (the wire's resultText),
// which the portal should show verbatim.
//
// OpError is always used as a pointer: match it with
// errors.As(err, new(*tidbok.OpError)).
type OpError struct {
	// Op is the operation that failed.
	Op Operation
	// Text is meant for the citizen, in the clinic's language (usually
	// Swedish). It may be empty.
	Text string
	// Err is the underlying cause, usually a sentinel such as ErrSlotTaken.
	Err error
}

// Error returns a message for logs. It deliberately leaves out Text, which
// is written for the citizen and may hold personal details.
func (e *OpError) Error() string {
	return "tidbok: " + e.detail()
}

func (e *OpError) detail() string {
	if e.Err == nil {
		return e.Op.String() + ": failed"
	}
	return e.Op.String() + ": " + detail(e.Err)
}

// Unwrap returns the underlying cause.
func (e *OpError) Unwrap() error { return e.Err }

// CitizenText returns Text.
func (e *OpError) CitizenText() string { return e.Text }

// CitizenText returns the text meant for the citizen that err carries, and
// whether it carries one: the non-empty text of the first error in err's
// chain with a method CitizenText() string — a book's [*OpError], or an
// error of a layer above the book, such as the citizen's flow (package
// booking), whose errors all carry one. Where err carries none, show
// the catalogue's text (package tidbok/texts).
func CitizenText(err error) (string, bool) {
	for err != nil {
		if ct, ok := err.(interface{ CitizenText() string }); ok {
			if t := ct.CitizenText(); t != "" {
				return t, true
			}
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				if t, ok := CitizenText(inner); ok {
					return t, true
				}
			}
			return "", false
		default:
			return "", false
		}
	}
	return "", false
}

// FieldError is one problem with one field of a request. It matches
// [ErrInvalid].
type FieldError struct {
	// Field names the field in Go form, e.g. "Timeslot.Start".
	Field string
	// Problem says what is wrong and, where it helps, what to do.
	Problem string
}

// Error implements error.
func (e *FieldError) Error() string { return "tidbok: " + e.detail() }

func (e *FieldError) detail() string { return "invalid " + e.Field + ": " + e.Problem }

// Unwrap returns [ErrInvalid].
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Problems collects the problems found while validating a request, so that
// every problem is reported at once. The zero value is ready to use.
type Problems struct {
	errs *multierror.Error
}

// Add records a problem with field. The problem text is formatted with
// [fmt.Sprintf].
func (p *Problems) Add(field, format string, args ...any) {
	p.AddError(&FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

// AddError records err as a problem. A nil err is ignored. An err that
// does not already match [ErrInvalid] is recorded as is; the aggregate
// still matches ErrInvalid as long as one problem does.
func (p *Problems) AddError(err error) {
	if err == nil {
		return
	}
	p.errs = multierror.Append(p.errs, err)
	p.errs.ErrorFormat = formatProblems
}

// Len reports how many problems were recorded.
func (p *Problems) Len() int {
	if p.errs == nil {
		return 0
	}
	return len(p.errs.Errors)
}

// Err returns nil when no problem was recorded, and otherwise an error that
// matches [ErrInvalid] and lists every problem (see [FieldErrors]).
func (p *Problems) Err() error {
	if p.errs == nil {
		return nil
	}
	return p.errs.ErrorOrNil()
}

func formatProblems(errs []error) string {
	if len(errs) == 1 {
		return errs[0].Error()
	}
	return "tidbok: " + problemsDetail(errs)
}

func problemsDetail(errs []error) string {
	if len(errs) == 1 {
		return detail(errs[0])
	}
	parts := make([]string, len(errs))
	for i, err := range errs {
		parts[i] = detail(err)
	}
	return fmt.Sprintf("%d problems: %s", len(errs), strings.Join(parts, "; "))
}

// sentinel is the type of this package's sentinel errors.
type sentinel struct{ msg string }

func (e *sentinel) Error() string  { return "tidbok: " + e.msg }
func (e *sentinel) detail() string { return e.msg }

// detail is err's message where an error of this package wraps it and
// says the prefix "tidbok: " itself: for an error of this package its
// message without the prefix, built from its parts; for any other, its
// message.
func detail(err error) string {
	switch e := err.(type) {
	case interface{ detail() string }:
		return e.detail()
	case *multierror.Error:
		return problemsDetail(e.Errors)
	}
	return err.Error()
}

// FieldErrors returns every [*FieldError] in err, in the order they were
// found. It looks inside aggregates made by [Problems] (go-multierror) and
// by [errors.Join].
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
			return
		case *FieldError:
			out = append(out, e)
			return
		case *multierror.Error:
			for _, inner := range e.Errors {
				walk(inner)
			}
			return
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
			return
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}

// Detail returns err's message as an error of another package that wraps
// err says it after its own prefix, so that the prefix "tidbok: " is not
// repeated in the middle of a message: for an error of this package, its
// message without the prefix, built from its parts; for any other error,
// its message.
func Detail(err error) string {
	if err == nil {
		return ""
	}
	return detail(err)
}
