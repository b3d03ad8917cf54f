package fhirclient

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// ErrBadAnswer matches every error about an answer the client could not
// take: not JSON, not the resource expected, a field missing or
// malformed. [*AnswerError] says which.
var ErrBadAnswer = errors.New("fhirclient: bad answer")

// AnswerError is an answer the client refused. It matches
// [ErrBadAnswer]. A bad answer to a write leaves its outcome unknown, and
// the write is reconciled.
type AnswerError struct {
	Op tidbok.Operation
	// URL is the request's URL, without its query.
	URL string
	// Problems name the fields: "entry[2].resource.start: missing".
	Problems []string

	err error
}

func (e *AnswerError) Error() string {
	s := "fhirclient: " + e.Op.String() + ": bad answer"
	if e.URL != "" {
		s += " from " + e.URL
	}
	switch {
	case e.err != nil:
		s += ": " + e.err.Error()
	case len(e.Problems) > 0:
		s += ": " + strings.Join(e.Problems, "; ")
	}
	return tidbok.MaskPersonalNumbers(s)
}

func (e *AnswerError) Unwrap() []error {
	if e.err == nil {
		return []error{ErrBadAnswer}
	}
	return []error{ErrBadAnswer, e.err}
}

// OutcomeError is the server's refusal or failure: an OperationOutcome
// with an HTTP status. It matches the tidbok error its issue code
// stands for (conflict: [tidbok.ErrSlotTaken]; not-found:
// [tidbok.ErrNotFound]; business-rule, forbidden, login:
// [tidbok.ErrNotAllowed]; invalid: [tidbok.ErrInvalid], with a
// [*tidbok.FieldError] per problem; not-supported:
// [tidbok.ErrNotSupported]; transient: [tidbok.ErrNotSent]), and carries
// the text for the citizen ([tidbok.CitizenText]).
type OutcomeError struct {
	Op     tidbok.Operation
	Status int
	// Code is the code; Diagnostics its text for the developer
	// (personal identity numbers masked by the server); Text its
	// details.text, for the citizen.
	Code        string
	Diagnostics string
	Text        string
	// Expression names the fields of an invalid request, when the server
	// says.
	Expression []string

	kind error
}

func (e *OutcomeError) Error() string {
	s := "fhirclient: " + e.Op.String() + ": HTTP " + strconv.Itoa(e.Status) + " " + http.StatusText(e.Status)
	if e.Code != "" {
		s += ", " + e.Code
	}
	if e.Diagnostics != "" {
		s += ": " + e.Diagnostics
	}
	return tidbok.MaskPersonalNumbers(s)
}

// CitizenText returns the server's text for the citizen.
func (e *OutcomeError) CitizenText() string { return e.Text }

func (e *OutcomeError) Unwrap() []error {
	switch {
	case e.kind == nil:
		return nil
	case e.kind == tidbok.ErrInvalid:
		fields := e.Expression
		if len(fields) == 0 {
			fields = []string{"request"}
		}
		out := make([]error, len(fields))
		for i, f := range fields {
			out[i] = &tidbok.FieldError{Field: f, Problem: tidbok.MaskPersonalNumbers(cmpOr(e.Diagnostics, "is not valid"))}
		}
		return out
	}
	return []error{e.kind}
}

// kindOf is the tidbok error an issue code stands for; nil for a
// failure (exception, timeout, an unknown code).
func kindOf(code string) error {
	switch code {
	case "conflict", "duplicate", "expired", "lock-error":
		return tidbok.ErrSlotTaken
	case "not-found", "deleted":
		return tidbok.ErrNotFound
	case "business-rule", "forbidden", "login", "security", "suppressed":
		return tidbok.ErrNotAllowed
	case "invalid", "structure", "required", "value", "invariant", "too-long", "code-invalid", "extension", "processing":
		return tidbok.ErrInvalid
	case "not-supported":
		return tidbok.ErrNotSupported
	case "transient", "throttled":
		return tidbok.ErrNotSent
	}
	return nil
}

// retryable reports whether a read may be sent again after this answer.
func (e *OutcomeError) retryable() bool {
	switch e.Status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusNotImplemented, http.StatusHTTPVersionNotSupported:
		return false
	}
	return e.Status >= 500 && (e.kind == nil || e.kind == tidbok.ErrNotSent)
}

// refused reports whether the answer proves a write was not carried
// out: a 4xx, a definite refusal, or transient (nothing was done).
func (e *OutcomeError) refused() bool {
	return e.Status < 500 || e.kind != nil
}

// NotSentError is a request that certainly did not reach the server (the
// context ended, the rate limiter refused, the connection failed before
// the request was written): it matches [tidbok.ErrNotSent], and trying
// again is safe.
type NotSentError struct {
	Op  tidbok.Operation
	Err error
}

func (e *NotSentError) Error() string {
	return tidbok.MaskPersonalNumbers("fhirclient: " + e.Op.String() + ": not sent: " + e.Err.Error())
}

func (e *NotSentError) Unwrap() []error { return []error{tidbok.ErrNotSent, e.Err} }

// OutcomeUnknownError is a write whose answer was lost and whose effect
// reconciliation could not find: it matches [tidbok.ErrOutcomeUnknown].
// Read the citizen's schedule before trying again.
type OutcomeUnknownError struct {
	Op        tidbok.Operation
	Cause     error
	Reconcile error
}

func (e *OutcomeUnknownError) Error() string {
	s := "fhirclient: " + e.Op.String() + ": outcome unknown"
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	if e.Reconcile != nil {
		s += " (reconciliation: " + e.Reconcile.Error() + ")"
	} else {
		s += " (reconciliation: the book did not show it took effect)"
	}
	return tidbok.MaskPersonalNumbers(s)
}

func (e *OutcomeUnknownError) Is(target error) bool { return target == tidbok.ErrOutcomeUnknown }

func (e *OutcomeUnknownError) Unwrap() error { return e.Cause }

// transportError is a request that failed after it may have been sent.
type transportError struct {
	op  tidbok.Operation
	url string
	err error
}

func (e *transportError) Error() string {
	return tidbok.MaskPersonalNumbers("fhirclient: " + e.op.String() + ": " + e.url + ": " + e.err.Error())
}

func (e *transportError) Unwrap() error { return e.err }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
