package crmwire

import (
	"errors"
	"fmt"
	"io"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Header is what a request carries besides its body, in tidbok terms.
// The Actor header is not here: it travels in each request's Actor field.
type Header struct {
	// LogicalAddress is the addressed unit: the clinic's HSA-id, or the
	// aggregating service's address (which need not be an HSA-id).
	// Required.
	LogicalAddress string
	// Version is the contract generation; the zero value is V11.
	Version Version
}

// Request is a request read by [DecodeRequest].
type Request struct {
	Op     tidbok.Operation
	Header Header
	// Value is the tidbok request, by value: a tidbok.ScheduleRequest,
	// BookingDetailsRequest, TimeTypesRequest, CareTypesRequest,
	// PerformersRequest, FacilitiesRequest, AvailabilityRequest (for both
	// AvailableDates and AvailableTimeslots), BookRequest,
	// RescheduleRequest or CancelRequest, matching Op.
	Value any
}

// wireRequest is a request root element.
type wireRequest interface {
	// tidbok converts to the tidbok request with a zero Actor and returns
	// the subject of care the Actor header is compared with (zero when
	// the contract has none).
	tidbok(c *checker, v Version) (req any, subject tidbok.PersonalNumber)
}

// wireResponse is a response root element.
type wireResponse interface {
	// tidbok converts to the tidbok result, or to a *tidbok.OpError for a
	// write answered with ERROR.
	tidbok(c *checker, op tidbok.Operation) (any, error)
}

// opCodec holds one contract's conversions, with the types erased.
type opCodec struct {
	newRequest  func() wireRequest
	newResponse func() wireResponse
	// request converts a tidbok request value (or pointer) to its wire
	// body and returns its Actor and subject.
	request func(op tidbok.Operation, req any) (w any, actor tidbok.Actor, subject tidbok.PersonalNumber, validate func() error, err error)
	// result converts a tidbok result value (or pointer) to its wire body.
	result func(op tidbok.Operation, res any) (any, error)
	// withActor returns req with its Actor set.
	withActor func(req any, a tidbok.Actor) any
	// errorResult returns a write's response with resultCode ERROR; nil
	// for reads.
	errorResult func(text, kind string) any
	// decodeTokens, when set, reads the response's payload content from
	// the scanner's tokens straight into the tidbok result, or gives up
	// (false) and leaves it to newResponse's wire struct.
	decodeTokens func(soap.Tokens) (any, bool)
}

// codec builds an opCodec from typed conversions.
func codec[R interface{ Validate() error }, S any](
	newRequest func() wireRequest,
	newResponse func() wireResponse,
	toWire func(R) (w any, subject tidbok.PersonalNumber),
	actor func(*R) *tidbok.Actor,
	resultToWire func(S) (any, error),
) opCodec {
	return opCodec{
		newRequest:  newRequest,
		newResponse: newResponse,
		request: func(op tidbok.Operation, req any) (any, tidbok.Actor, tidbok.PersonalNumber, func() error, error) {
			r, ok := req.(R)
			if !ok {
				p, isPtr := req.(*R)
				if !isPtr || p == nil {
					var want R
					return nil, tidbok.Actor{}, tidbok.PersonalNumber{}, nil, errWrongType(op, req, fmt.Sprintf("%T", want))
				}
				r = *p
			}
			w, subject := toWire(r)
			return w, *actor(&r), subject, r.Validate, nil
		},
		result: func(op tidbok.Operation, res any) (any, error) {
			s, ok := res.(S)
			if !ok {
				p, isPtr := res.(*S)
				if !isPtr || p == nil {
					var want S
					return nil, errWrongType(op, res, fmt.Sprintf("%T", want))
				}
				s = *p
			}
			return resultToWire(s)
		},
		withActor: func(req any, a tidbok.Actor) any {
			r := req.(R)
			*actor(&r) = a
			return r
		},
	}
}

var codecs = [...]opCodec{
	tidbok.OpSchedule:           scheduleCodec,
	tidbok.OpBookingDetails:     bookingDetailsCodec,
	tidbok.OpTimeTypes:          timeTypesCodec,
	tidbok.OpCareTypes:          careTypesCodec,
	tidbok.OpPerformers:         performersCodec,
	tidbok.OpFacilities:         facilitiesCodec,
	tidbok.OpAvailableDates:     availableDatesCodec,
	tidbok.OpAvailableTimeslots: availableTimeslotsCodec,
	tidbok.OpBook:               makeBookingCodec,
	tidbok.OpReschedule:         updateBookingCodec,
	tidbok.OpCancel:             cancelBookingCodec,
}

func lookup(op tidbok.Operation) (Contract, *opCodec, error) {
	c, ok := ContractFor(op)
	if !ok {
		return Contract{}, nil, fmt.Errorf("crmwire: unknown operation %v", op)
	}
	return c, &codecs[op], nil
}

// EncodeRequest returns the complete SOAP envelope of a request for op,
// for a consumer to send. req is the tidbok request value (or a pointer
// to it) matching op: see [Request.Value].
//
// The request is validated first (its Validate method); the error then
// matches [tidbok.ErrInvalid] and lists every problem. With [V11] the
// Actor header is derived from req's Actor and subject; BookingDetails and
// Cancel, which carry no subject on the wire, need their Subject,
// Actor.Person or Actor.Agent set, or EncodeRequest fails with
// [tidbok.ErrInvalid]. With [V10] the header
// is wsa:To and there is no Actor; a contract 1.0 lacks gives an error
// matching [tidbok.ErrNotSupported].
func EncodeRequest(op tidbok.Operation, h Header, req any) ([]byte, error) {
	var none *Codec
	return none.EncodeRequest(op, h, req)
}

// EncodeRequest is [EncodeRequest], writing the envelope in a buffer of
// the Codec first.
func (cc *Codec) EncodeRequest(op tidbok.Operation, h Header, req any) ([]byte, error) {
	c, cd, err := lookup(op)
	if err != nil {
		return nil, err
	}
	if h.Version == V10 && !c.InV10 {
		return nil, &wireError{msg: c.Name + " is not a crm:scheduling 1.0 contract", err: tidbok.ErrNotSupported}
	}
	w, actor, subject, validate, err := cd.request(op, req)
	if err != nil {
		return nil, err
	}
	var p tidbok.Problems
	if err := validate(); err != nil {
		p.AddError(err)
	}
	if h.LogicalAddress == "" {
		p.Add("Header.LogicalAddress", "is required: the addressed clinic's HSA-id")
	}
	sh := soap.Header{Profile: soap.RIVTABP21, LogicalAddress: h.LogicalAddress}
	if h.Version == V10 {
		sh.Profile = soap.RIVTABP20
	} else {
		a, err := actorToWire(actor, subject)
		p.AddError(err)
		sh.Actor = a
	}
	if err := p.Err(); err != nil {
		return nil, &wireError{msg: c.Name, err: err}
	}
	return cc.buffers().Marshal(sh, w)
}

// DecodeResponse reads the response to op from r, within lim, and returns
// the tidbok result by value (a tidbok.ScheduleResult for OpSchedule, a
// tidbok.BookResult for OpBook, …).
//
// The error is a [*soap.Fault] when the producer or the platform answered
// with a fault; a [*tidbok.OpError] when a write was answered with
// resultCode ERROR (its Text is the resultText; its Err the sentinel, see
// the package doc); an error matching [ErrMalformed] when the response
// could not be read; or an error of r.
func DecodeResponse(op tidbok.Operation, r io.Reader, lim soap.Limits) (any, error) {
	var none *Codec
	return none.DecodeResponse(op, r, lim)
}

// Codec is the package's decoding and encoding with buffers and scanners
// it keeps for reuse from one message to the next: a client or a handler
// owns one. The zero value is ready to use, and it is safe for concurrent
// use. A nil *Codec reuses nothing, as the package's functions do.
type Codec struct {
	bufs soap.Buffers
}

// buffers returns the Codec's buffers, or nil for a nil Codec.
func (cc *Codec) buffers() *soap.Buffers {
	if cc == nil {
		return nil
	}
	return &cc.bufs
}

// DecodeResponse is [DecodeResponse], reusing the Codec's buffers.
func (cc *Codec) DecodeResponse(op tidbok.Operation, r io.Reader, lim soap.Limits) (any, error) {
	c, cd, err := lookup(op)
	if err != nil {
		return nil, err
	}
	m, err := cc.buffers().Read(r, lim)
	if err != nil {
		return nil, &wireError{msg: "reading " + c.Name + "Response", err: err}
	}
	if m.Fault != nil {
		return nil, m.Fault
	}
	if got, want := m.Payload(), c.Response(); got != want {
		return nil, &decodeError{what: c.Name + "Response", problems: []string{
			fmt.Sprintf("the Body holds {%s}%s, not {%s}%s", got.Space, got.Local, want.Space, want.Local)}}
	}
	if cd.decodeTokens != nil {
		var res any
		done, err := m.DecodeTokens(func(t soap.Tokens) bool {
			var ok bool
			res, ok = cd.decodeTokens(t)
			return ok
		})
		switch {
		case err != nil && !errors.Is(err, ErrMalformed):
			return nil, &wireError{msg: "reading " + c.Name + "Response", err: err}
		case err != nil:
			return nil, &decodeError{what: c.Name + "Response", cause: err}
		case done:
			return res, nil
		}
	}
	w := cd.newResponse()
	defer recycleWire(w)
	if err := m.DecodePayload(w); err != nil {
		if !errors.Is(err, ErrMalformed) {
			return nil, &wireError{msg: "reading " + c.Name + "Response", err: err}
		}
		return nil, &decodeError{what: c.Name + "Response", cause: err}
	}
	var ch checker
	ch.misplaced(m.Misplaced())
	res, opErr := w.tidbok(&ch, op)
	if err := ch.err(c.Name+"Response", false); err != nil {
		return nil, err
	}
	if opErr != nil {
		return nil, opErr
	}
	return res, nil
}

// DecodeRequest reads a request from r, within lim, for a producer to
// serve. It finds the operation from the Body element's name and
// namespace, reads the headers (1.1: itr:LogicalAddress and ih:Actor; 1.0:
// wsa:To) and converts the body to the tidbok request, which it then
// validates (1.1 only; 1.0 requests lack fields 1.1 requires).
//
// Every error is a [*soap.Fault] to answer with ([EncodeFault]): Client
// when the request is at fault, with a faultstring listing every problem
// by element; Server when reading r failed. Its Unwrap gives the cause,
// which matches [ErrMalformed] and, for a request that parsed but is
// invalid, [tidbok.ErrInvalid].
func DecodeRequest(r io.Reader, lim soap.Limits) (Request, error) {
	var none *Codec
	return none.DecodeRequest(r, lim)
}

// DecodeRequest is [DecodeRequest], reusing the Codec's buffers.
func (cc *Codec) DecodeRequest(r io.Reader, lim soap.Limits) (Request, error) {
	m, err := cc.buffers().Read(r, lim)
	if err != nil {
		return Request{}, faultFor(err)
	}
	if m.Fault != nil {
		return Request{}, clientFault(&decodeError{what: "request", problems: []string{"the Body holds a Fault, not a request"}})
	}
	name := m.Payload()
	op, ok := OperationForPayload(name)
	if !ok {
		problem := fmt.Sprintf("{%s}%s is not a request of a crm:scheduling 1.1 contract", name.Space, name.Local)
		if name.Local == "GetCancelledAndRebooked" {
			problem = "GetCancelledAndRebooked (crm:scheduling 1.0 only) is not supported"
		}
		return Request{}, clientFault(&decodeError{what: "request", problems: []string{problem}})
	}
	c, cd := contracts[op], &codecs[op]

	var ch checker
	h := Header{LogicalAddress: m.Header.LogicalAddress}
	switch m.Header.Profile {
	case soap.RIVTABP21:
	case soap.RIVTABP20:
		h.Version = V10
	default:
		ch.add("Header", "no logical address (itr:LogicalAddress, or wsa:To in RIV-TA 2.0)")
	}
	if h.LogicalAddress == "" && m.Header.Profile != soap.NoProfile {
		ch.add("Header", "the logical address is empty")
	}

	w := cd.newRequest()
	if err := m.DecodePayload(w); err != nil {
		if !errors.Is(err, ErrMalformed) {
			return Request{}, faultFor(err)
		}
		return Request{}, clientFault(&decodeError{what: c.Name, cause: err, request: true})
	}
	ch.misplaced(m.Misplaced())
	req, subject := w.tidbok(&ch, h.Version)
	if h.Version == V11 {
		req = cd.withActor(req, ch.actor(m.Header.Actor, subject))
	}
	if err := ch.err(c.Name, true); err != nil {
		return Request{}, clientFault(err)
	}
	if h.Version == V11 {
		if err := req.(interface{ Validate() error }).Validate(); err != nil {
			return Request{}, clientFault(&decodeError{what: c.Name, cause: err, request: true})
		}
	}
	return Request{Op: op, Header: h, Value: req}, nil
}

// faultFor turns a read error into the fault to answer with.
func faultFor(err error) *soap.Fault {
	f := soap.FaultFor(err)
	f.String = Detail(err)
	return f
}

func clientFault(err error) *soap.Fault {
	return soap.ClientFault("%s", Detail(err)).WithCause(err)
}

// Detail returns err's message without the prefix of a Go package of
// this module, for a faultstring or for an error of another package that
// wraps err and says its own prefix: for an error of this package, of
// package soap or of package tidbok, its message built from its parts
// without the prefix; for any other, its message.
func Detail(err error) string {
	if d, ok := err.(interface{ detail() string }); ok {
		return d.detail()
	}
	if s, ok := soap.Detail(err); ok {
		return s
	}
	return tidbok.Detail(err)
}

// wireError is an error of this package: what failed (msg) and the error
// underneath (err, or nil), which it says without its prefix.
type wireError struct {
	msg string
	err error
}

func (e *wireError) Error() string { return "crmwire: " + e.detail() }

func (e *wireError) detail() string {
	if e.err == nil {
		return e.msg
	}
	return e.msg + ": " + Detail(e.err)
}

func (e *wireError) Unwrap() error { return e.err }

// EncodeResponse returns the complete SOAP envelope answering op with
// result, the tidbok result value (or a pointer to it) matching op. For a
// write, a result whose Notice is set is answered with resultCode INFO and
// the notice as resultText, otherwise with OK. A BookResult needs a
// BookingID.
func EncodeResponse(op tidbok.Operation, result any) ([]byte, error) {
	var none *Codec
	return none.EncodeResponse(op, result)
}

// EncodeResponse is [EncodeResponse], writing the envelope in a buffer of
// the Codec first.
func (cc *Codec) EncodeResponse(op tidbok.Operation, result any) ([]byte, error) {
	_, cd, err := lookup(op)
	if err != nil {
		return nil, err
	}
	w, err := cd.result(op, result)
	if err != nil {
		return nil, err
	}
	return cc.buffers().Marshal(soap.Header{}, w)
}

// EncodeResponsePooled is [EncodeResponse] into a buffer of its own (see
// [soap.MarshalPooled]), which [Codec.EncodeResponsePooled] takes from the
// Codec's: the caller writes it out and then hands it back with
// [soap.Recycle].
func EncodeResponsePooled(op tidbok.Operation, result any) (*[]byte, error) {
	var none *Codec
	return none.EncodeResponsePooled(op, result)
}

// EncodeResponsePooled is [EncodeResponse] into a buffer of the Codec: the
// caller writes it out and then hands it back with its Recycle.
func (cc *Codec) EncodeResponsePooled(op tidbok.Operation, result any) (*[]byte, error) {
	_, cd, err := lookup(op)
	if err != nil {
		return nil, err
	}
	w, err := cd.result(op, result)
	if err != nil {
		return nil, err
	}
	bp, err := cc.buffers().MarshalPooled(soap.Header{}, w)
	recycleWire(w)
	return bp, err
}

// Recycle hands a buffer of the Codec's EncodeResponsePooled back to it;
// nil is ignored.
func (cc *Codec) Recycle(bp *[]byte) { cc.buffers().Recycle(bp) }

// EncodeFault returns the complete SOAP envelope of a fault, e.g. the one
// [DecodeRequest] returned.
func EncodeFault(f *soap.Fault) ([]byte, error) {
	if f == nil {
		return nil, errors.New("crmwire: nil fault")
	}
	return soap.Marshal(soap.Header{}, f)
}
