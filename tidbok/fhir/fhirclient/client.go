package fhirclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/internal/httpsend"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/telemetry"
)

// Client is a [tidbok.Tidbok] over a FHIR server speaking IHE ITI
// Scheduling as package tidbok/fhir serves it. It is safe for concurrent
// use.
type Client struct {
	s    *settings
	caps tidbok.Capabilities
	tel  *telemetry.Recorder
	prop propagation.TextMapPropagator
	bufs sync.Pool
}

var _ tidbok.Tidbok = (*Client)(nil)

// New checks cfg, reads the server's CapabilityStatement (GET
// /metadata, retried as a read) and returns a client whose Capabilities
// are what the statement offers (narrowed by Config.Capabilities). The
// context bounds that first read only.
func New(ctx context.Context, cfg Config) (*Client, error) {
	s, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	c := &Client{s: s, tel: telemetry.NewRecorder(telemetry.Config{TracerProvider: s.tracerProvider, MeterProvider: s.meterProvider, Book: "fhirclient"}), prop: s.propagator}
	if c.prop == nil {
		c.prop = otel.GetTextMapPropagator()
	}
	var cs capabilityStatement
	if err := c.get(ctx, tidbok.OpSchedule, "/metadata", nil, "", &cs); err != nil {
		return nil, fmt.Errorf("fhirclient: reading the CapabilityStatement: %w", err)
	}
	caps, err := cs.capabilities()
	if err != nil {
		return nil, &AnswerError{Op: tidbok.OpSchedule, URL: s.base + "/metadata", err: err}
	}
	if s.narrow != 0 {
		caps &= s.narrow
	}
	c.caps = caps
	return c, nil
}

// Capabilities reports what the server's CapabilityStatement offers; see
// the package documentation for the mapping. CareTypes and Facilities
// are never offered: the FHIR mapping has no interaction for them.
func (c *Client) Capabilities() tidbok.Capabilities { return c.caps }

// answer is what an answer decodes into.
type answer interface {
	// check reports the answer's missing or malformed fields.
	check() []string
}

// get reads path with the query q, acting as actor (the ActorHeader
// value, "" for none), into out, resending with backoff while the
// failure is transient.
func (c *Client) get(ctx context.Context, op tidbok.Operation, path string, q url.Values, actor string, out answer) error {
	u := c.s.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return c.getURL(ctx, op, u, actor, out)
}

func (c *Client) getURL(ctx context.Context, op tidbok.Operation, u, actor string, out answer) error {
	b := backoff.WithContext(backoff.WithMaxRetries(c.newBackOff(ctx), uint64(c.s.maxRetries)), ctx)
	n := 0
	var last error
	err := backoff.Retry(func() error {
		n++
		_, err := c.attempt(ctx, op, http.MethodGet, u, nil, actor, out, n)
		if err == nil {
			return nil
		}
		last = err
		if ctx.Err() != nil || !retryable(err) {
			return backoff.Permanent(err)
		}
		return err
	}, b)
	if err != nil && ctx.Err() != nil && last != nil && !errors.Is(err, last) {
		return fmt.Errorf("fhirclient: %v: %w after %d attempts; last: %w", op, ctx.Err(), n, last)
	}
	return err
}

// post sends body once. sent reports whether the request may have
// reached the server.
func (c *Client) post(ctx context.Context, op tidbok.Operation, path string, body []byte, actor string, out answer) (sent bool, err error) {
	return c.attempt(ctx, op, http.MethodPost, c.s.base+path, body, actor, out, 1)
}

func retryable(err error) bool {
	var oe *OutcomeError
	var ae *AnswerError
	var te *transportError
	switch {
	case errors.As(err, &oe):
		return oe.retryable()
	case errors.As(err, &ae):
		return true
	case errors.As(err, &te):
		return !httpsend.IsCertificateError(err)
	case errors.Is(err, tidbok.ErrNotSent):
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	return false
}

var (
	actorKey       = http.CanonicalHeaderKey(fhir.ActorHeader)
	acceptKey      = http.CanonicalHeaderKey("Accept")
	contentTypeKey = http.CanonicalHeaderKey("Content-Type")
	fhirJSON       = []string{"application/fhir+json"}
)

// attempt sends one request and decodes its answer into out.
func (c *Client) attempt(ctx context.Context, op tidbok.Operation, method, u string, body []byte, actor string, out answer, n int) (sent bool, err error) {
	start := time.Now()
	defer func() { c.logAttempt(ctx, op, method, u, n, time.Since(start), err) }()
	if err := c.s.limiter.Wait(ctx); err != nil {
		return false, &NotSentError{Op: op, Err: fmt.Errorf("waiting for the rate limiter: %w", err)}
	}
	actx, cancel := context.WithTimeout(ctx, c.s.attemptTimeout)
	defer cancel()
	tr := httpsend.NewTrace(c.s.hooked)
	actx = httptrace.WithClientTrace(actx, tr.ClientTrace())
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, method, u, rd)
	if err != nil {
		return false, &NotSentError{Op: op, Err: err}
	}
	req.Header[acceptKey] = fhirJSON
	if body != nil {
		req.Header[contentTypeKey] = fhirJSON
	}
	if actor != "" {
		req.Header[actorKey] = []string{actor}
	}
	c.prop.Inject(ctx, propagation.HeaderCarrier(req.Header))
	resp, err := c.s.doer.Do(req)
	if err != nil {
		terr := &transportError{op: op, url: stripQuery(u), err: httpsend.UnwrapURLError(err)}
		if tr.NotSent(err) {
			return false, &NotSentError{Op: op, Err: terr}
		}
		return true, terr
	}
	defer resp.Body.Close()
	buf := c.getBuf()
	defer c.bufs.Put(buf)
	_, rerr := buf.ReadFrom(io.LimitReader(resp.Body, c.s.maxBytes+1))
	switch {
	case rerr != nil:
		return true, &transportError{op: op, url: stripQuery(u), err: fmt.Errorf("reading the answer: %w", rerr)}
	case int64(buf.Len()) > c.s.maxBytes:
		return true, &AnswerError{Op: op, URL: stripQuery(u), err: fmt.Errorf("the answer is larger than %d bytes (Config.MaxResponseBytes)", c.s.maxBytes)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return true, outcomeError(op, resp.StatusCode, buf.Bytes())
	}
	var derr error
	if fd, ok := out.(interface{ decode([]byte) error }); ok {
		derr = fd.decode(buf.Bytes())
	} else {
		derr = json.Unmarshal(buf.Bytes(), out)
	}
	if err := derr; err != nil {
		return true, &AnswerError{Op: op, URL: stripQuery(u), err: fmt.Errorf("not the JSON expected: %w", err)}
	}
	if problems := out.check(); len(problems) > 0 {
		return true, &AnswerError{Op: op, URL: stripQuery(u), Problems: problems}
	}
	return true, nil
}

func (c *Client) getBuf() *bytes.Buffer {
	if b, ok := c.bufs.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}

// outcomeError reads an error status's OperationOutcome; an answer
// without one is still an OutcomeError, of its status alone.
func outcomeError(op tidbok.Operation, status int, body []byte) *OutcomeError {
	e := &OutcomeError{Op: op, Status: status}
	var oo operationOutcome
	if json.Unmarshal(body, &oo) == nil && oo.ResourceType == "OperationOutcome" && len(oo.Issue) > 0 {
		is := oo.Issue[0]
		e.Code, e.Diagnostics, e.Expression = is.Code, is.Diagnostics, is.Expression
		if is.Details != nil {
			e.Text = is.Details.Text
		}
		e.kind = kindOf(e.Code)
	}
	if e.kind == nil {
		switch status {
		case http.StatusServiceUnavailable:
			// Only the FHIR server's own transient says nothing was done;
			// a proxy's 503 may follow a forwarded request.
		case http.StatusTooManyRequests:
			e.kind = tidbok.ErrNotSent // throttled: not carried out
		case http.StatusNotFound:
			e.kind = tidbok.ErrNotFound
		case http.StatusConflict:
			e.kind = tidbok.ErrSlotTaken
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity:
			e.kind = tidbok.ErrNotAllowed
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusMethodNotAllowed:
			e.kind = tidbok.ErrInvalid
		case http.StatusNotImplemented:
			e.kind = tidbok.ErrNotSupported
		}
	}
	return e
}

func (c *Client) logAttempt(ctx context.Context, op tidbok.Operation, method, u string, n int, took time.Duration, err error) {
	if !c.s.logger.Enabled(ctx, slog.LevelDebug) && err == nil {
		return
	}
	level := slog.LevelDebug
	if err != nil {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{slog.String("op", op.String()), slog.String("method", method), slog.String("url", stripQuery(u)),
		slog.Int("attempt", n), slog.Duration("took", took)}
	if err != nil {
		attrs = append(attrs, slog.String("error", tidbok.MaskPersonalNumbers(err.Error())))
	}
	c.s.logger.LogAttrs(ctx, level, "fhirclient: attempt", attrs...)
}

func stripQuery(u string) string {
	for i := 0; i < len(u); i++ {
		if u[i] == '?' {
			return u[:i]
		}
	}
	return u
}

// start begins the call's client span.
func (c *Client) start(ctx context.Context, op tidbok.Operation, facility tidbok.HSAID) (context.Context, telemetry.Call) {
	return c.tel.Start(ctx, op, trace.SpanKindClient, facility)
}

func (c *Client) newBackOff(ctx context.Context) backoff.BackOff {
	exp := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(c.s.initialBackoff),
		backoff.WithMaxInterval(c.s.maxBackoff),
		backoff.WithMaxElapsedTime(0),
	)
	return &withinDeadline{BackOff: exp, ctx: ctx}
}

// withinDeadline stops backing off when the next attempt would start
// after the context's deadline.
type withinDeadline struct {
	backoff.BackOff
	ctx context.Context
}

func (w *withinDeadline) NextBackOff() time.Duration {
	next := w.BackOff.NextBackOff()
	if next == backoff.Stop {
		return next
	}
	if dl, ok := w.ctx.Deadline(); ok && time.Now().Add(next).After(dl) {
		return backoff.Stop
	}
	return next
}
