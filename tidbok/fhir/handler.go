package fhir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	m "github.com/samply/golang-fhir-models/fhir-models/fhir"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/telemetry"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// ActorHeader names who acts, as the platform in front of the façade
// vouches for it: a token "system|value" with the citizen's personal
// identity number ([SystemPersonnummer] or [SystemSamordningsnummer]) or
// a staff member's HSA-id ([SystemHSAID]). See the package doc.
const ActorHeader = "X-Actor-Identifier"

// ContentType is the media type of every answer.
const ContentType = "application/fhir+json; charset=utf-8"

// Handler serves a book as FHIR R4; see the package doc. Make one with
// [New]. It is safe for concurrent use.
type Handler struct {
	book       tidbok.Tidbok
	caps       tidbok.Capabilities
	facilities []tidbok.HSAID
	index      map[tidbok.HSAID]int
	byTag      map[uint32]int
	base       string
	texts      texts.Func
	maxBody    int64
	log        *slog.Logger

	anyConsumer bool
	consumers   map[tidbok.HSAID]bool
	policy      producer.Policy
	proxies     producer.ProxyResolver
	audit       AuditSink
	holds       Holds
	holdTTL     time.Duration
	pageSize    int
	maxPage     int
	now         func() time.Time

	tel  *telemetry.Recorder
	prop propagation.TextMapPropagator
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler serving book as cfg says, reporting every problem
// with cfg at once. The book's Capabilities are read once, here.
func New(book tidbok.Tidbok, cfg Config) (*Handler, error) {
	err := cfg.check()
	if book == nil {
		err = errors.Join(errors.New("fhir: the book is nil"), err)
	}
	if err != nil {
		return nil, err
	}
	h := &Handler{
		book:        book,
		caps:        book.Capabilities(),
		index:       make(map[tidbok.HSAID]int, len(cfg.Facilities)),
		byTag:       make(map[uint32]int, len(cfg.Facilities)),
		base:        cfg.BasePath,
		texts:       cfg.Texts,
		maxBody:     cfg.MaxBodyBytes,
		log:         cfg.Logger,
		anyConsumer: cfg.AnyConsumer,
		consumers:   make(map[tidbok.HSAID]bool, len(cfg.Consumers)),
		policy:      cfg.Policy,
		proxies:     cfg.Proxies,
		audit:       cfg.Audit,
		holds:       cfg.Holds,
		holdTTL:     cfg.HoldTTL,
		pageSize:    cfg.PageSize,
		maxPage:     cfg.MaxPageSize,
		now:         cfg.Clock,
		tel:         telemetry.NewRecorder(telemetry.Config{TracerProvider: cfg.TracerProvider, MeterProvider: cfg.MeterProvider, Book: "fhir"}),
		prop:        cfg.Propagator,
	}
	for _, f := range cfg.Facilities {
		if _, dup := h.index[f]; !dup {
			tag := facilityTag(f)
			if other, clash := h.byTag[tag]; clash {
				return nil, fmt.Errorf("fhir: Config.Facilities: %s and %s have the same id tag: serve them with two façades", h.facilities[other], f)
			}
			h.byTag[tag] = len(h.facilities)
			h.index[f] = len(h.facilities)
			h.facilities = append(h.facilities, f)
		}
	}
	for _, c := range cfg.Consumers {
		h.consumers[c] = true
	}
	if h.maxBody == 0 {
		h.maxBody = 1 << 20
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.audit == nil {
		h.audit = LogAudit(h.log)
	}
	if h.holdTTL == 0 {
		h.holdTTL = 10 * time.Minute
	}
	if h.pageSize == 0 {
		h.pageSize = 50
	}
	if h.maxPage == 0 {
		h.maxPage = 500
	}
	if h.pageSize > h.maxPage {
		h.pageSize = h.maxPage
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.prop == nil {
		h.prop = otel.GetTextMapPropagator()
	}
	return h, nil
}

// call is one request on its way through the handler.
type call struct {
	r     *http.Request
	ctx   context.Context
	actor tidbok.Actor
	ev    Event
	// read reports that the answer shows a citizen's data, so that it is
	// withheld when its audit event cannot be recorded.
	read bool
}

// failure is a refusal or failure the façade answers with an
// OperationOutcome.
type failure struct {
	status int
	code   m.IssueType
	// text is for the citizen; "" means the catalogue's for err.
	text string
	// diag is for the developer of the client.
	diag string
	// err is what the audit and the metrics count.
	err error
	op  tidbok.Operation
}

func (f *failure) Error() string { return f.diag }
func (f *failure) Unwrap() error { return f.err }

// invalid is a failure for a request that breaks the façade's rules.
func invalid(format string, args ...any) *failure {
	d := fmt.Sprintf(format, args...)
	return &failure{status: http.StatusBadRequest, code: m.IssueTypeInvalid, diag: d, err: fmt.Errorf("%w: %s", tidbok.ErrInvalid, d)}
}

// forbidden is a failure for a request the policy refuses.
func forbidden(format string, args ...any) *failure {
	d := fmt.Sprintf(format, args...)
	return &failure{status: http.StatusForbidden, code: m.IssueTypeForbidden, diag: d, text: texts.NotOffered, err: fmt.Errorf("%w: %s", errForbidden, d)}
}

// notSupported is the failure for an operation the book lacks.
func notSupported(op tidbok.Operation, what string) *failure {
	return &failure{status: http.StatusNotImplemented, code: m.IssueTypeNotSupported, op: op,
		diag: what + " is not supported: the book does not offer " + op.Contract(), err: tidbok.NotSupported(op)}
}

// answer is a successful answer.
type answer struct {
	status int
	body   any
}

// ServeHTTP answers one FHIR request: see the package doc for the
// interactions. Every answer is application/fhir+json: the resource, a
// Bundle, or an OperationOutcome with the HTTP status of the failure.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var tc telemetry.Call
	if h.tel != nil {
		ctx := h.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, tc = h.tel.Begin(ctx, "FHIR "+r.Method, trace.SpanKindServer)
		if sp := tc.Span(); sp.IsRecording() {
			sp.SetAttributes(semconv.HTTPRequestMethodKey.String(r.Method), semconv.URLPath(r.URL.Path))
		}
		r = r.WithContext(ctx)
	}
	c := &call{r: r, ctx: r.Context()}
	c.ev.Time = h.now()
	c.ev.Consumer, _ = producer.ClientHSAID(r)
	ans, err := h.serve(c)
	if c.ev.HasOperation {
		tc.SetOperation(c.ev.Operation, c.ev.Facility)
	}
	if c.ev.Interaction != "" && c.ev.Interaction != "capabilities" {
		c.ev.Actor = c.actor
		c.ev.Outcome = outcomeOf(err)
		if err != nil {
			c.ev.Detail = tidbok.MaskPersonalNumbers(err.Error())
		}
		if aerr := h.audit.Record(context.WithoutCancel(c.ctx), c.ev); aerr != nil {
			h.log.LogAttrs(c.ctx, slog.LevelError, "fhir: recording the audit event failed", slog.String("error", tidbok.MaskPersonalNumbers(aerr.Error())))
			if err == nil && c.read {
				err = &failure{status: http.StatusInternalServerError, code: m.IssueTypeException, text: texts.Generic,
					diag: "the access could not be logged: nothing was shown; try again later", err: fmt.Errorf("recording the audit event: %w", aerr)}
			}
		}
	}
	status, body := h.encode(c, ans, err)
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	h.log.LogAttrs(c.ctx, slog.LevelInfo, "fhir request",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("interaction", c.ev.Interaction),
		slog.Int("status", status), slog.Duration("took", time.Since(start)))
	if sp := tc.Span(); sp.IsRecording() {
		sp.SetAttributes(semconv.HTTPResponseStatusCode(status))
	}
	tc.End(err)
}

// encode returns the status and body of the answer, or of the
// OperationOutcome for err.
func (h *Handler) encode(c *call, ans answer, err error) (int, []byte) {
	if raw, ok := ans.body.(rawJSON); ok && err == nil {
		if ans.status == 0 {
			ans.status = http.StatusOK
		}
		return ans.status, raw
	}
	if err == nil {
		body, merr := json.Marshal(ans.body)
		if merr == nil {
			if ans.status == 0 {
				ans.status = http.StatusOK
			}
			return ans.status, body
		}
		err = &failure{status: http.StatusInternalServerError, code: m.IssueTypeException, diag: "encoding the answer failed", err: merr}
	}
	f := h.failureOf(c, err)
	if f.status >= 500 {
		h.log.LogAttrs(c.ctx, slog.LevelError, "fhir: request failed", slog.String("interaction", c.ev.Interaction), slog.String("error", tidbok.MaskPersonalNumbers(err.Error())))
	}
	body, _ := json.Marshal(outcome(m.IssueSeverityError, f.code, f.text, tidbok.MaskPersonalNumbers(f.diag)))
	return f.status, body
}

// failureOf maps an error to the failure answered: a book's error by its
// kind, with the citizen's text.
func (h *Handler) failureOf(c *call, err error) *failure {
	var f *failure
	if errors.As(err, &f) {
		if f.text == "" {
			f.text = h.texts.Text(f.op, f.err)
		}
		return f
	}
	op := c.ev.Operation
	f = &failure{err: err, op: op, diag: err.Error(), text: h.texts.Text(op, err)}
	switch tidbok.KindOf(err) {
	case tidbok.KindInvalid:
		f.status, f.code = http.StatusBadRequest, m.IssueTypeInvalid
	case tidbok.KindNotFound:
		f.status, f.code = http.StatusNotFound, m.IssueTypeNotFound
	case tidbok.KindNotAllowed:
		f.status, f.code = http.StatusUnprocessableEntity, m.IssueTypeBusinessRule
	case tidbok.KindSlotTaken:
		f.status, f.code = http.StatusConflict, m.IssueTypeConflict
	case tidbok.KindNotSupported:
		f.status, f.code = http.StatusNotImplemented, m.IssueTypeNotSupported
	case tidbok.KindNotSent:
		f.status, f.code = http.StatusServiceUnavailable, m.IssueTypeTransient
		f.diag += " (nothing was done: try again)"
	case tidbok.KindOutcomeUnknown:
		f.status, f.code = http.StatusGatewayTimeout, m.IssueTypeTimeout
		f.diag += " (the outcome is unknown: search the patient's appointments before trying again)"
	default:
		f.status, f.code = http.StatusInternalServerError, m.IssueTypeException
		f.diag = "the book failed: " + f.diag
	}
	return f
}

// outcome is an OperationOutcome of one issue: text (the citizen's) in
// details.text, diag in diagnostics.
func outcome(sev m.IssueSeverity, code m.IssueType, text, diag string) m.OperationOutcome {
	is := m.OperationOutcomeIssue{Severity: sev, Code: code}
	if text != "" {
		is.Details = &m.CodeableConcept{Text: ptr(text)}
	}
	if diag != "" {
		is.Diagnostics = ptr(diag)
	}
	return m.OperationOutcome{Issue: []m.OperationOutcomeIssue{is}}
}

// serve authenticates the consumer and the actor and routes the request.
func (h *Handler) serve(c *call) (answer, error) {
	path, ok := strings.CutPrefix(c.r.URL.Path, h.base)
	if !ok || !strings.HasPrefix(path, "/") {
		return answer{}, &failure{status: http.StatusNotFound, code: m.IssueTypeNotFound, diag: "this FHIR server answers below " + h.base + "/"}
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	c.ev.Interaction = interactionOf(c.r.Method, parts)
	if err := h.checkConsumer(c.r); err != nil {
		return answer{}, err
	}
	if parts[0] == "metadata" && len(parts) == 1 {
		if c.r.Method != http.MethodGet {
			return answer{}, methodNotAllowed(c.r.Method, "GET")
		}
		c.ev.Interaction = "capabilities"
		return answer{body: h.capabilityStatement(c)}, nil
	}
	if err := h.readActor(c); err != nil {
		return answer{}, err
	}
	switch {
	case len(parts) == 2 && parts[0] == "Appointment" && strings.HasPrefix(parts[1], "$"):
		return h.operation(c, parts[1])
	case len(parts) == 1 || len(parts) == 2:
		if c.r.Method != http.MethodGet {
			return answer{}, methodNotAllowed(c.r.Method, "GET")
		}
		if len(parts) == 1 {
			return h.search(c, parts[0], c.r.URL.Query())
		}
		return h.read(c, parts[0], parts[1])
	}
	return answer{}, &failure{status: http.StatusNotFound, code: m.IssueTypeNotSupported, diag: "no such interaction: " + path}
}

func interactionOf(method string, parts []string) string {
	switch {
	case len(parts) == 2 && strings.HasPrefix(parts[1], "$"):
		return parts[1]
	case len(parts) == 1:
		return "search " + parts[0]
	case len(parts) == 2:
		return "read " + parts[0]
	}
	return method + " " + strings.Join(parts, "/")
}

func methodNotAllowed(method, allowed string) *failure {
	return &failure{status: http.StatusMethodNotAllowed, code: m.IssueTypeNotSupported, diag: method + " is not allowed here: use " + allowed,
		err: fmt.Errorf("%w: method %s", tidbok.ErrInvalid, method)}
}

// checkConsumer refuses a caller that is not a known consumer, as the
// producer does.
func (h *Handler) checkConsumer(r *http.Request) error {
	if h.anyConsumer {
		return nil
	}
	id, ok := producer.ClientHSAID(r)
	if !ok {
		return &failure{status: http.StatusUnauthorized, code: m.IssueTypeLogin, text: texts.Generic,
			diag: "the connection carries no verified client certificate with an HSA-id: call over mutual TLS with your function certificate",
			err:  fmt.Errorf("%w: no client certificate", tidbok.ErrNotAllowed)}
	}
	if !h.consumers[id] {
		return &failure{status: http.StatusForbidden, code: m.IssueTypeForbidden, text: texts.Generic,
			diag: "consumer " + id.String() + " may not call this server: ask the clinic's vendor to add its HSA-id",
			err:  fmt.Errorf("%w: consumer %s", tidbok.ErrNotAllowed, id)}
	}
	return nil
}

// readActor reads the actor header. Under Strict a request names its
// actor.
func (h *Handler) readActor(c *call) error {
	v := c.r.Header.Get(ActorHeader)
	if v == "" {
		if h.policy == producer.Strict {
			return forbidden("the request names no actor: send the %s header with the citizen's personal identity number or the staff member's HSA-id, as system|value", ActorHeader)
		}
		return nil
	}
	system, value, has := parseToken(v)
	if has && system == SystemHSAID {
		id, err := tidbok.ParseHSAID(value)
		if err != nil {
			return invalid("the %s header's HSA-id is not valid: %v", ActorHeader, err)
		}
		c.actor = tidbok.Actor{Agent: id}
		return nil
	}
	p, err := parsePerson(v)
	if err != nil {
		return invalid("the %s header %s", ActorHeader, err.Error())
	}
	c.actor = tidbok.Actor{Person: p}
	return nil
}

// subject decides whose data a request is about: the patient the
// request names (patient, "" when none), else the acting citizen. Under
// Strict a citizen acting for another needs the resolver's word.
func (h *Handler) subject(c *call, patient string) (tidbok.PersonalNumber, error) {
	var s tidbok.PersonalNumber
	if patient != "" {
		p, err := parsePerson(patient)
		if err != nil {
			return s, invalid("the patient %s", err.Error())
		}
		s = p
	} else {
		s = c.actor.Person
	}
	if s.IsZero() {
		return s, invalid("name the patient: patient:identifier=%s|<12 digits>, or the citizen in the %s header", SystemPersonnummer, ActorHeader)
	}
	c.ev.Subject = s
	if h.policy == producer.Strict && !c.actor.IsAgent() && c.actor.Person != s {
		if err := h.vouch(c.ctx, c.actor.Person, s); err != nil {
			return s, h.proxyRefused(err)
		}
	}
	return s, nil
}

func (h *Handler) vouch(ctx context.Context, actor, subject tidbok.PersonalNumber) error {
	if h.proxies == nil {
		return fmt.Errorf("%w: no proxy resolver is configured", producer.ErrNoRelation)
	}
	return h.proxies.MayActFor(ctx, actor, subject)
}

// proxyRefused refuses a request about another citizen the resolver did
// not vouch for (err); a resolver that failed may be asked again.
func (h *Handler) proxyRefused(err error) error {
	if !errors.Is(err, producer.ErrNoRelation) {
		return &failure{status: http.StatusServiceUnavailable, code: m.IssueTypeTransient, text: texts.NotSent,
			diag: "the proxy resolver failed; nothing was done: try again", err: tidbok.NotSent(err)}
	}
	return &failure{status: http.StatusForbidden, code: m.IssueTypeForbidden, text: texts.NotOffered,
		diag: "the actor may not act for this patient", err: fmt.Errorf("%w: %w", errForbidden, err)}
}

// agentMay refuses a staff member anything but searching and booking
// anew (crm:scheduling §2.4), whatever the policy.
func (c *call) agentMay(what string, ok bool) error {
	if c.actor.IsAgent() && !ok {
		return forbidden("staff may search and book for a citizen, and nothing else: %s is the citizen's own", what)
	}
	return nil
}

// facility resolves a reference or token naming a served clinic
// ("Schedule/SE…", "Location/SE…", "SE…", "urn:oid:…|SE…"); "" means the
// only one, when the façade serves one.
func (h *Handler) facility(ref, param string) (tidbok.HSAID, int, error) {
	if ref == "" {
		if len(h.facilities) == 1 {
			return h.facilities[0], 0, nil
		}
		return tidbok.HSAID{}, 0, invalid("name the clinic with %s: this server answers for %d clinics", param, len(h.facilities))
	}
	if i := strings.LastIndexByte(ref, '/'); i >= 0 && !strings.Contains(ref, "|") {
		ref = ref[i+1:]
	}
	id, err := parseHSA(ref)
	if err != nil {
		return tidbok.HSAID{}, 0, invalid("%s %q does not name a clinic by HSA-id", param, ref)
	}
	idx, ok := h.index[id]
	if !ok {
		return tidbok.HSAID{}, 0, &failure{status: http.StatusNotFound, code: m.IssueTypeNotFound, text: texts.NoFacility,
			diag: "this server does not answer for clinic " + id.String(), err: fmt.Errorf("%w: clinic %s", tidbok.ErrNotFound, id)}
	}
	return id, idx, nil
}

// baseURL is the absolute URL of the façade's root for the request.
func (h *Handler) baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + h.base
}

// pageURL is the URL of the search with its query q.
func (h *Handler) pageURL(r *http.Request, path string, q url.Values) string {
	if len(q) == 0 {
		return h.baseURL(r) + path
	}
	return h.baseURL(r) + path + "?" + q.Encode()
}

func ptr[T any](v T) *T { return &v }

// at is the index in h.facilities of the clinic with the id tag; an
// unknown tag is len(h.facilities), which every lookup answers as not
// found.
func (h *Handler) at(tag uint32) int {
	if i, ok := h.byTag[tag]; ok {
		return i
	}
	return len(h.facilities)
}

// resolve makes a parsed target's facility tag its index.
func (h *Handler) resolve(t target) target {
	if t.isSlot {
		t.slot.fac = h.at(t.slot.tag)
		t.fac = t.slot.fac
	} else if t.booking != "" {
		t.fac = h.at(t.tag)
	}
	return t
}
