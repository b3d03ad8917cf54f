package mvkclient

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/httpsend"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// ErrBadAnswer is matched by the error of a call whose answer could not be
// read as the contract's: not a SOAP envelope, the wrong element in the
// Body, an element the schema (or the contract description) requires
// missing, or an element in another namespace than the schema's. Such an
// answer is never read as zero values. The error is an [*AnswerError]; it
// also matches soap's malformed-message error as before.
//
// A read whose answer was bad is retried like a transient failure (a
// proxy may have cut it short), within Config.MaxRetries, unless the
// answer broke a limit (too large, nested too deeply); a write whose
// answer was bad is reconciled, as any write whose answer was lost.
var ErrBadAnswer = errors.New("mvkclient: bad answer")

// AnswerError is the error for an answer that does not follow the
// contract (see [ErrBadAnswer]). Problems say what is wrong, element by
// element, so that a producer's developer can fix it.
//
// AnswerError is always used as a pointer: match it with
// errors.As(err, new(*mvkclient.AnswerError)).
type AnswerError struct {
	// Op is the operation whose answer was bad.
	Op tidbok.Operation
	// Endpoint is the URL that answered.
	Endpoint string
	// Problems lists what is wrong, each starting with the element's
	// path, e.g. "timeslotDetail[1]/startTimeInclusive: found in namespace
	// urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1; the schema
	// puts it in urn:riv:crm:scheduling:1". Personal identity numbers are
	// never repeated in them.
	Problems []string

	err error
}

// Error returns e.g. "mvkclient: AvailableTimeslots: bad answer from
// https://…: GetAvailableTimeslotsResponse: timeslotDetail[1]/…".
func (e *AnswerError) Error() string {
	s := "mvkclient: " + e.Op.String() + ": bad answer"
	if e.Endpoint != "" {
		s += " from " + e.Endpoint
	}
	switch {
	case e.err != nil:
		s += ": " + crmwire.Detail(e.err)
	case len(e.Problems) > 0:
		s += ": " + strings.Join(e.Problems, "; ")
	}
	return tidbok.MaskPersonalNumbers(s)
}

// Unwrap returns ErrBadAnswer and the decoder's error, which matches
// soap's malformed-message error (only ErrBadAnswer for an AnswerError
// made by hand).
func (e *AnswerError) Unwrap() []error {
	if e.err == nil {
		return []error{ErrBadAnswer}
	}
	return []error{ErrBadAnswer, e.err}
}

// FaultError is the error for a SOAP Fault the producer or the national
// service platform answered with: a technical error, not the logical
// refusal of a write (that is a [*tidbok.OpError]).
//
// It matches the tidbok sentinel the fault stands for, when there is one:
// the error kind our producer puts in the fault's detail (see
// [FaultError.Kind]), or [tidbok.ErrNotSupported] for the platform's
// VP004 (no route for this clinic and contract) and VP007 (this consumer
// is not authorised for them) — either way the clinic's book cannot be
// reached for that contract through this platform, which is what a portal
// must show (crm-scheduling.md §2.1 names these two codes for exactly this).
//
// FaultError is always used as a pointer: match it with
// errors.As(err, new(*mvkclient.FaultError)). Branch on its fields and
// methods, never on its text.
type FaultError struct {
	// Op is the operation that failed.
	Op tidbok.Operation
	// Code is the local part of the faultcode, e.g. "Client", "Server" or
	// a dotted refinement such as "Server.Timeout".
	Code string
	// String is the faultstring. It comes from the other party and may
	// hold personal data: log it with care (Error masks identity numbers).
	String string
	// Detail is the text of the fault's detail element.
	Detail string
	// VPCode is the service platform's error code at the start of the
	// faultstring ("VP001" … "VP015"), or "".
	VPCode string
	// Kind is the sentinel the fault stands for (tidbok.ErrNotFound …),
	// or nil when it says nothing more than "failed".
	Kind error

	fault *soap.Fault
}

func newFaultError(op tidbok.Operation, f *soap.Fault) *FaultError {
	e := &FaultError{
		Op:     op,
		Code:   f.Code.Local,
		String: f.String,
		Detail: f.Detail,
		VPCode: f.VPCode(),
		fault:  f,
	}
	switch {
	case e.VPCode == "VP004" || e.VPCode == "VP007":
		e.Kind = tidbok.ErrNotSupported
	default:
		e.Kind = faultKind(f)
	}
	return e
}

// Error returns a message for logs: "mvkclient: Schedule: fault Server:
// <faultstring>", with every personal identity number in the faultstring
// masked by [tidbok.MaskPersonalNumbers].
func (e *FaultError) Error() string {
	return prefixed(e)
}

func (e *FaultError) opDetail() (tidbok.Operation, string) {
	code := e.Code
	if code == "" {
		code = "(no faultcode)"
	}
	return e.Op, "fault " + code + ": " + tidbok.MaskPersonalNumbers(e.String)
}

// soapFault returns the fault read from the wire, or one rebuilt from the
// fields of a FaultError made by hand (in a caller's test, say).
func (e *FaultError) soapFault() *soap.Fault {
	if e.fault != nil {
		return e.fault
	}
	return &soap.Fault{Code: xml.Name{Space: soap.NSEnvelope, Local: e.Code}, String: e.String, Detail: e.Detail}
}

// Unwrap returns Kind, so that errors.Is(err, tidbok.ErrNotFound) and the
// like work, or nil.
func (e *FaultError) Unwrap() error { return e.Kind }

// ServerSide reports whether the fault blames the receiver (faultcode
// Server): the producer or the platform failed to process a correct
// request.
func (e *FaultError) ServerSide() bool { return e.soapFault().IsServer() }

// ClientSide reports whether the fault blames the request (faultcode
// Client): sending it again unchanged fails again.
func (e *FaultError) ClientSide() bool { return e.soapFault().IsClient() }

// Retryable reports whether sending the same read again later may
// succeed: a Server fault without a platform code (a producer's transient
// failure), or the platform's VP008, VP009 or VP012 (it could not reach
// its routing catalogue or the producer, or ran out of resources). Never
// resend a write on this hint.
func (e *FaultError) Retryable() bool {
	if e.Kind != nil {
		return false // the producer named a definite condition
	}
	return e.soapFault().Retryable()
}

// refusedUnread reports whether the fault proves that a write was not
// carried out: a Client fault (the request was refused as it stands, so
// it was not processed), a fault naming a definite condition, or a
// platform code the platform raises before it forwards the request to
// the producer. VP009 (error contacting the producer, including its
// timeout) and VP012 (platform resources) may come after the producer
// received the request, as may any Server fault without a code.
func (e *FaultError) refusedUnread() bool {
	if e.ClientSide() {
		return true
	}
	if e.Kind != nil && e.Kind != tidbok.ErrOutcomeUnknown {
		return true
	}
	switch e.VPCode {
	case "VP001", "VP002", "VP003", "VP004", "VP005", "VP006", "VP007",
		"VP008", "VP010", "VP011", "VP013", "VP014", "VP015":
		return true
	}
	return false
}

// StatusError is the error for an HTTP answer that is not a SOAP message,
// such as a proxy's 502 page or a 404 from a wrong endpoint.
//
// StatusError is always used as a pointer.
type StatusError struct {
	// Op is the operation that failed.
	Op tidbok.Operation
	// StatusCode is the HTTP status code, e.g. 503.
	StatusCode int
}

// Error returns e.g. "mvkclient: Schedule: HTTP 503 Service Unavailable".
func (e *StatusError) Error() string {
	return prefixed(e)
}

func (e *StatusError) opDetail() (tidbok.Operation, string) {
	return e.Op, "HTTP " + strconv.Itoa(e.StatusCode) + " " + http.StatusText(e.StatusCode) + " (not a SOAP answer)"
}

// ServerSide reports whether the status blames the server (5xx).
func (e *StatusError) ServerSide() bool { return e.StatusCode >= 500 }

// Retryable reports whether a read may succeed when sent again later:
// 429 Too Many Requests and the 5xx statuses except 501 Not Implemented
// and 505 HTTP Version Not Supported.
func (e *StatusError) Retryable() bool {
	switch e.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusNotImplemented, http.StatusHTTPVersionNotSupported:
		return false
	}
	return e.StatusCode >= 500
}

// OutcomeUnknownError is the error of a write (Book, Reschedule, Cancel)
// whose request was sent but whose answer was lost — a timeout, a reset
// connection, a Server fault, an unreadable answer — and whose outcome
// reconciliation could not establish by reading the book. The write may
// have taken effect or may still do so. It matches
// [tidbok.ErrOutcomeUnknown]. Do not send the write again blindly: read
// the citizen's schedule, and tell the citizen what was found.
//
// OutcomeUnknownError is always used as a pointer.
type OutcomeUnknownError struct {
	// Op is the write.
	Op tidbok.Operation
	// Cause is why the answer was lost.
	Cause error
	// Reconcile is why reconciliation did not settle it: the last read's
	// error, or nil when the reads succeeded but showed no effect (yet).
	Reconcile error
}

// Error returns a message for logs.
func (e *OutcomeUnknownError) Error() string { return prefixed(e) }

func (e *OutcomeUnknownError) opDetail() (tidbok.Operation, string) {
	s := "outcome unknown"
	if e.Cause != nil {
		s += ": " + detailFor(e.Op, e.Cause)
	}
	if e.Reconcile != nil {
		s += " (reconciliation: " + unprefixed(e.Reconcile) + ")"
	} else {
		s += " (reconciliation: the book did not show it took effect)"
	}
	return e.Op, s
}

// Is reports whether target is [tidbok.ErrOutcomeUnknown].
func (e *OutcomeUnknownError) Is(target error) bool { return target == tidbok.ErrOutcomeUnknown }

// Unwrap returns Cause.
func (e *OutcomeUnknownError) Unwrap() error { return e.Cause }

// NotSentError is the error of a call whose request certainly did not
// reach the producer: the connection could not be made, the request could
// not be written in full, the rate limiter's wait was cut short by the
// context, or the request could not be encoded. Nothing happened in the
// book, so a write may safely be tried again. It matches
// [tidbok.ErrNotSent], which is what code written for any book (package
// booking) looks for, and its cause.
//
// NotSentError is always used as a pointer: match it with
// errors.As(err, new(*mvkclient.NotSentError)).
type NotSentError struct {
	// Op is the operation whose request was not sent.
	Op tidbok.Operation
	// Err is why not.
	Err error
}

// Error returns e.g. "mvkclient: Book: not sent: context canceled".
func (e *NotSentError) Error() string { return prefixed(e) }

func (e *NotSentError) opDetail() (tidbok.Operation, string) {
	return e.Op, "not sent: " + detailFor(e.Op, e.Err)
}

// Unwrap returns [tidbok.ErrNotSent] and Err.
func (e *NotSentError) Unwrap() []error { return []error{tidbok.ErrNotSent, e.Err} }

// detailed is an error of this package: its message is "mvkclient: ",
// the operation and the detail, so that an error of ours that wraps
// another of ours says the prefix once.
type detailed interface {
	error
	opDetail() (tidbok.Operation, string)
}

// prefixed is e's message.
func prefixed(e detailed) string {
	op, d := e.opDetail()
	return "mvkclient: " + op.String() + ": " + d
}

// detailFor is the message of err wrapped by an error of ours about op:
// for an error of ours, without the prefix, and without the operation
// when it is op.
func detailFor(op tidbok.Operation, err error) string {
	if d, ok := err.(detailed); ok {
		if eop, detail := d.opDetail(); eop == op {
			return detail
		}
	}
	return unprefixed(err)
}

// unprefixed is err's message, without the prefix for an error of ours.
func unprefixed(err error) string {
	d, ok := err.(detailed)
	if !ok {
		return err.Error()
	}
	op, detail := d.opDetail()
	return op.String() + ": " + detail
}

// transportError is a failure to exchange the request and answer.
type transportError struct {
	op       tidbok.Operation
	endpoint string
	err      error
}

func (e *transportError) Error() string { return prefixed(e) }

func (e *transportError) opDetail() (tidbok.Operation, string) {
	return e.op, "POST " + e.endpoint + ": " + httpsend.UnwrapURLError(e.err).Error()
}

func (e *transportError) Unwrap() error { return e.err }

// faultKind returns the sentinel a fault's detail names (our producer's
// errorKind extension element), or nil.
func faultKind(f *soap.Fault) error {
	kind, _ := crmwire.FaultKind(f)
	return kind
}
