package producer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/telemetry"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// Handler serves a book as a crm:scheduling 1.1 producer; see the package
// doc for what it answers and how. Make one with [New]. It is safe for
// concurrent use.
type Handler struct {
	book       tidbok.Tidbok
	caps       tidbok.Capabilities
	facilities []tidbok.HSAID
	served     map[tidbok.HSAID]bool
	texts      texts.Func
	limits     soap.Limits
	log        *slog.Logger

	anyConsumer bool
	consumers   map[tidbok.HSAID]bool
	policy      Policy
	proxies     ProxyResolver
	audit       AuditSink
	now         func() time.Time

	inflight chan struct{} // see limit.go

	tel  *telemetry.Recorder
	prop propagation.TextMapPropagator

	// codec keeps the buffers and scanners of the requests read and the
	// answers written, for the next ones.
	codec crmwire.Codec
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler serving book as cfg says. It reports every
// problem with cfg at once. The book's Capabilities are read once, here:
// they must not change during the book's life.
func New(book tidbok.Tidbok, cfg Config) (*Handler, error) {
	err := errors.Join(cfg.check(), cfg.checkLimits())
	if book == nil {
		err = errors.Join(errors.New("producer: the book is nil"), err)
	}
	if err != nil {
		return nil, err
	}
	h := &Handler{
		book:   book,
		caps:   book.Capabilities(),
		served: make(map[tidbok.HSAID]bool, len(cfg.Facilities)),
		texts:  cfg.Texts,
		limits: cfg.limits(),
		log:    cfg.Logger,

		anyConsumer: cfg.AnyConsumer,
		consumers:   make(map[tidbok.HSAID]bool, len(cfg.Consumers)),
		policy:      cfg.Policy,
		proxies:     cfg.Proxies,
		audit:       cfg.Audit,
		now:         cfg.Clock,

		tel:  telemetry.NewRecorder(telemetry.Config{TracerProvider: cfg.TracerProvider, MeterProvider: cfg.MeterProvider, Book: "producer"}),
		prop: cfg.Propagator,
	}
	if h.prop == nil {
		h.prop = otel.GetTextMapPropagator()
	}
	for _, c := range cfg.Consumers {
		h.consumers[c] = true
	}
	h.inflight = cfg.inFlight()
	for _, f := range cfg.Facilities {
		if !h.served[f] {
			h.served[f] = true
			h.facilities = append(h.facilities, f)
		}
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.audit == nil {
		h.audit = LogAudit(h.log)
	}
	if h.now == nil {
		h.now = time.Now
	}
	return h, nil
}

// exchange is what one request led to, for the response and the log.
type exchange struct {
	op       tidbok.Operation
	opKnown  bool
	facility tidbok.HSAID
	actor    string       // actor type
	who      tidbok.Actor // the actor as decoded, for the log (masked)
	body     []byte       // the answer, when there is no fault
	// pooled holds body when it is a pooled buffer of
	// the Handler's codec, recycled once written.
	pooled *[]byte
	fault  *soap.Fault
	// cause is a technical error behind a Server fault, logged only.
	cause error
	ref   string
	// ev is the audit event of a request about a citizen's bookings;
	// bookErr is the book's error, and why the reason of a refusal by the
	// policy, for the event.
	ev      *Event
	bookErr error
	why     error
	// auditErr is a failure to record ev.
	auditErr error
}

// ServeHTTP answers one crm:scheduling request: HTTP 200 with the
// contract's response, or HTTP 500 with a SOAP fault. Methods other than
// POST get 405, a body that is not text/xml 415, and a request whose
// context ends while it waits for its turn ([Config.MaxInFlight]) 503.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var call telemetry.Call
	if h.tel != nil {
		ctx := h.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, call = h.tel.Begin(ctx, r.Method, trace.SpanKindServer)
		if sp := call.Span(); sp.IsRecording() || sp.SpanContext().IsValid() {
			sp.SetAttributes(semconv.HTTPRequestMethodKey.String(r.Method), semconv.URLPath(r.URL.Path))
			r = r.WithContext(ctx)
		}
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "crm:scheduling producer: send a SOAP 1.1 request with POST", http.StatusMethodNotAllowed)
		endServer(call, http.StatusMethodNotAllowed, nil)
		return
	}
	if !soapContentType(r.Header.Get("Content-Type")) {
		refuseMediaType(w, r)
		endServer(call, http.StatusUnsupportedMediaType, nil)
		return
	}
	done, ok := h.admit(w, r)
	if !ok {
		endServer(call, http.StatusServiceUnavailable, nil)
		return
	}
	defer done()
	x := h.serve(w, r)
	if x.opKnown {
		call.SetOperation(x.op, x.facility)
	}
	if x.ev != nil {
		h.record(r.Context(), &x)
	}
	status := http.StatusOK
	body := x.body
	if x.fault != nil {
		status = http.StatusInternalServerError
		var err error
		if body, err = crmwire.EncodeFault(x.fault); err != nil {
			// Only a fault without a code fails to encode; ours all have one.
			x.cause = errors.Join(x.cause, err)
			body, _ = crmwire.EncodeFault(soap.ServerFault("internal error"))
		}
	}
	w.Header().Set("Content-Type", soap.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, writeErr := w.Write(body)
	if x.pooled != nil {
		h.codec.Recycle(x.pooled)
		x.pooled, x.body = nil, nil
	}
	h.logExchange(r, x, status, time.Since(start), writeErr)
	endServer(call, status, x.outcome())
}

// errFault stands for a fault that names no kind, for the request's
// metrics and span.
var errFault = errors.New("producer: fault without a kind")

// outcome returns the error the request's metrics and span count: the
// book's, or the kind of the fault, or nil.
func (x *exchange) outcome() error {
	switch {
	case x.bookErr != nil:
		return x.bookErr
	case x.fault == nil:
		return nil
	}
	if err, ok := crmwire.FaultKind(x.fault); ok {
		return err
	}
	return errFault
}

// endServer ends a request's span with its HTTP status and error.
func endServer(call telemetry.Call, status int, err error) {
	if sp := call.Span(); sp.IsRecording() {
		sp.SetAttributes(semconv.HTTPResponseStatusCode(status))
	}
	call.End(err)
}

// serve runs the request through dispatch, the producer's rules and the
// book.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) exchange {
	var x exchange
	want, f := dispatch(r)
	if f != nil {
		x.fault = f
		return x
	}
	if want.known {
		x.op, x.opKnown = want.op, true
	}
	if f := h.checkConsumer(r); f != nil {
		x.fault = f
		return x
	}

	req, derr := h.codec.DecodeRequest(body(w, r, h.limits.MaxBytes), h.limits)
	if derr != nil {
		x.fault = h.decodeFault(derr)
		return x
	}
	x.op, x.opKnown = req.Op, true
	c, _ := crmwire.ContractFor(req.Op)
	facility, actor := facts(req.Value)
	x.actor, x.who = actorType(req.Header.Version, actor), actor
	if audited(req.Op) {
		x.ev = &Event{Time: h.now(), Operation: req.Op, Facility: facility}
		x.ev.Consumer, _ = ClientHSAID(r)
		fillEvent(x.ev, req.Value)
	}

	if f := want.agrees(c, req.Header.Version); f != nil {
		x.fault = f
		return x
	}
	if req.Header.Version == crmwire.V10 && !c.InV10 {
		x.fault = soap.ClientFault("%s is a crm:scheduling 1.1 contract: send it with RIV-TA 2.1 headers (itr:LogicalAddress and ih:Actor) to %s", c.Name, c.Path(crmwire.V11))
		return x
	}
	if f := h.checkAddress(req.Header.LogicalAddress); f != nil {
		x.fault = f
		return x
	}
	if !h.caps.Has(req.Op) {
		x.fault = crmwire.WithErrorKind(
			soap.ClientFault("contract %s is not supported by this producer", c.Name),
			tidbok.NotSupported(req.Op))
		return x
	}
	if actor.IsAgent() && !agentMay(req.Op) {
		x.why = fmt.Errorf("%w: an agent may only search and make a new booking", errForbidden)
		x.fault = crmwire.WithErrorKind(
			soap.ClientFault("%s is not allowed for an agent (actorType subject_of_care_agent): an agent may only search and make a new booking (crm:scheduling §2.4)", c.Name),
			tidbok.ErrNotAllowed)
		return x
	}
	if facility.IsZero() {
		x.fault = crmwire.WithErrorKind(soap.ClientFault("%s: the request names no healthcare_facility", c.Name), tidbok.ErrInvalid)
		return x
	}
	if !h.served[facility] {
		x.fault = crmwire.WithErrorKind(
			soap.ClientFault("healthcare_facility %s is not served by this producer; it serves %s", facility, listFacilities(h.facilities)),
			tidbok.ErrNotFound)
		return x
	}
	x.facility = facility

	var res any
	var err error
	if x.ev != nil {
		g := h.guard(r.Context(), x.ev, req.Op, req.Value, req.Header.Version)
		if g.fault != nil {
			x.fault, x.why = g.fault, g.why
			return x
		}
		res, err, x.why = g.res, g.err, g.why
	} else {
		res, err = call(r.Context(), h.book, req.Op, req.Value)
	}
	x.bookErr = err
	if x.ev != nil && err == nil {
		noteResult(x.ev, res)
	}
	if err != nil {
		h.refusal(&x, c, err)
		return x
	}
	bp, err := h.codec.EncodeResponsePooled(req.Op, res)
	if err != nil {
		h.technical(&x, fmt.Errorf("encoding the book's answer: %w", err))
		return x
	}
	x.body, x.pooled = *bp, bp
	return x
}

// decodeFault returns the fault for a DecodeRequest error, which is
// always a *soap.Fault. A body cut off by MaxBytesReader is the client's
// fault, not a failure of ours; an invalid request carries the invalid
// kind.
func (h *Handler) decodeFault(err error) *soap.Fault {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return soap.ClientFault("message larger than %d bytes", h.limits.MaxBytes).WithCause(err)
	}
	f, ok := errors.AsType[*soap.Fault](err)
	if !ok {
		f = soap.ServerFault("reading the request failed").WithCause(err)
	}
	if f.IsClient() {
		return crmwire.WithErrorKind(f, err)
	}
	return f
}

// checkAddress returns a fault unless the logical address is a served
// facility. To the consumer a facility this producer does not serve is
// not in the book: the fault carries the not-found kind.
func (h *Handler) checkAddress(addr string) *soap.Fault {
	id, err := tidbok.ParseHSAID(addr)
	if err == nil && h.served[id] {
		return nil
	}
	return crmwire.WithErrorKind(
		soap.ClientFault("no route: logical address %q is not served by this producer; it serves %s",
			truncate(addr), listFacilities(h.facilities)),
		tidbok.ErrNotFound)
}

// agentMay reports whether an agent (subject_of_care_agent) may call op:
// the search contracts and MakeBooking (crm:scheduling §2.4, flow 1).
func agentMay(op tidbok.Operation) bool {
	switch op {
	case tidbok.OpSchedule, tidbok.OpBookingDetails, tidbok.OpReschedule, tidbok.OpCancel:
		return false
	}
	return true
}

func actorType(v crmwire.Version, a tidbok.Actor) string {
	switch {
	case v == crmwire.V10:
		return "none (1.0)"
	case a.IsAgent():
		return string(soap.SubjectOfCareAgent)
	}
	return string(soap.SubjectOfCare)
}

// refusal sets x's answer for an error of the book.
func (h *Handler) refusal(x *exchange, c crmwire.Contract, err error) {
	if isTechnical(err) {
		h.technical(x, err)
		return
	}
	if c.Op.IsWrite() {
		body, encErr := crmwire.EncodeWriteError(c.Op, err, h.texts.Text(c.Op, err))
		if encErr != nil {
			// err matches no sentinel: a technical failure.
			h.technical(x, err)
			return
		}
		x.body = body
		return
	}
	// A read is never refused as taken: that would be the book's fault.
	k := tidbok.KindOf(err)
	if !k.IsRefusal() || k == tidbok.KindSlotTaken {
		h.technical(x, err)
		return
	}
	sentinel := k.Err()
	// "tidbok: BookingDetails: not found" says no more than the sentinel;
	// a list of invalid fields does.
	what := tidbok.Detail(sentinel)
	msg := tidbok.Detail(err)
	if oe, ok := err.(*tidbok.OpError); ok && oe.Op == c.Op && oe.Err != nil {
		msg = tidbok.Detail(oe.Err)
	}
	f := soap.ClientFault("%s: %s", c.Name, what)
	if msg != what {
		f = soap.ClientFault("%s: %s: %s", c.Name, what, mask(msg))
	}
	f.Detail, _ = tidbok.CitizenText(err)
	x.fault = crmwire.WithErrorKind(f.WithCause(err), err)
}

// isTechnical reports whether err is a technical failure however it is
// wrapped: a lost answer, an ended context, or a call the book could not
// carry out (tidbok.ErrNotSent).
func isTechnical(err error) bool {
	switch tidbok.KindOf(err) {
	case tidbok.KindOutcomeUnknown, tidbok.KindNotSent:
		return true
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// technical answers x with a generic Server fault and keeps err for the
// log. When the book certainly did nothing (tidbok.ErrNotSent), the
// fault says so, with our errorKind not-sent, so that a consumer knows
// it may simply try again.
func (h *Handler) technical(x *exchange, err error) {
	x.ref = newRef()
	x.cause = err
	if tidbok.KindOf(err) == tidbok.KindNotSent {
		f := soap.ServerFault("the appointment book is not available (reference %s): nothing was done; try again later", x.ref)
		x.fault = crmwire.WithErrorKind(f.WithCause(err), tidbok.ErrNotSent)
		return
	}
	if x.opKnown && x.op.IsWrite() {
		x.fault = soap.ServerFault("internal error in the appointment book (reference %s): the outcome is unknown; read the schedule before trying again", x.ref)
		return
	}
	x.fault = soap.ServerFault("internal error in the appointment book (reference %s)", x.ref)
}

// dispatched is the contract a request's SOAPAction and path name.
type dispatched struct {
	op      tidbok.Operation
	known   bool
	version crmwire.Version
	byPath  bool
}

// agrees returns a fault unless the Body's contract c and the headers'
// version v agree with what the SOAPAction and path named.
func (d dispatched) agrees(c crmwire.Contract, v crmwire.Version) *soap.Fault {
	if d.known && d.op != c.Op {
		want, _ := crmwire.ContractFor(d.op)
		return soap.ClientFault("the Body holds a %s request, but the SOAPAction or path names %s", c.Name, want.Name)
	}
	if d.byPath && d.version != v {
		profile := "RIV-TA 2.1 (itr:LogicalAddress)"
		if v == crmwire.V10 {
			profile = "RIV-TA 2.0 (wsa:To)"
		}
		return soap.ClientFault("the path is for %s but the headers are %s: send to %s", d.version.Profile(), profile, c.Path(v))
	}
	return nil
}

func newDispatched(op tidbok.Operation) dispatched { return dispatched{op: op, known: true} }

// dispatch reads the contract named by the SOAPAction header and the
// path, which must agree when both name one.
func dispatch(r *http.Request) (dispatched, *soap.Fault) {
	var d dispatched
	if action := soap.ParseAction(r.Header.Get("SOAPAction")); action != "" {
		op, ok := crmwire.OperationForAction(action)
		if !ok {
			return d, soap.ClientFault("SOAPAction %q is not a crm:scheduling contract's", truncate(action))
		}
		d = newDispatched(op)
	}
	op, v, byPath, f := contractOfPath(r.URL.Path)
	if f != nil {
		return d, f
	}
	if !byPath {
		return d, nil
	}
	if d.known && d.op != op {
		a, _ := crmwire.ContractFor(d.op)
		p, _ := crmwire.ContractFor(op)
		return d, soap.ClientFault("the SOAPAction names %s but the path names %s", a.Name, p.Name)
	}
	d = newDispatched(op)
	d.version, d.byPath = v, true
	return d, nil
}

// contractOfPath returns the contract and version named by a path ending
// in /<Contract>/1/rivtabp21 or /<Contract>/1/rivtabp20; found is false
// for any other path.
func contractOfPath(path string) (op tidbok.Operation, v crmwire.Version, found bool, f *soap.Fault) {
	segs := splitPath(path)
	n := len(segs)
	if n < 3 || segs[n-2] != "1" {
		return 0, 0, false, nil
	}
	switch segs[n-1] {
	case "rivtabp21":
		v = crmwire.V11
	case "rivtabp20":
		v = crmwire.V10
	default:
		return 0, 0, false, nil
	}
	name := segs[n-3]
	op, ok := tidbok.OperationForContract(name)
	if !ok {
		return 0, 0, false, soap.ClientFault("the path names %q, which is not a crm:scheduling contract served here", truncate(name))
	}
	if c, _ := crmwire.ContractFor(op); v == crmwire.V10 && !c.InV10 {
		return 0, 0, false, soap.ClientFault("%s is a crm:scheduling 1.1 contract: its path is %s", c.Name, c.Path(crmwire.V11))
	}
	return op, v, true, nil
}

// splitPath splits a path into its non-empty segments.
func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// truncate shortens a client's value for a faultstring.
func truncate(s string) string {
	const most = 80
	if len(s) <= most {
		return s
	}
	return s[:most] + "…"
}
