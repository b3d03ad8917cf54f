package mvkclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/httpsend"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Client is a clinic's appointment book reached over the wire: a
// [tidbok.Tidbok] whose every call is a crm:scheduling request to one
// producer, directly or through the national service platform.
//
// A Client is safe for concurrent use and holds no goroutines of its own;
// make one per producer (per base URL) and keep it, as its rate limiter
// and connections are per producer. It has no Close: the HTTP client's
// idle connections close by themselves, or with the HTTPClient the caller
// gave.
type Client struct {
	s *settings
}

var _ tidbok.Tidbok = (*Client)(nil)

// New returns a Client configured by cfg. It reports every problem of cfg
// at once, in an error matching tidbok.ErrInvalid whose parts
// (tidbok.FieldErrors) name the Config fields.
func New(cfg Config) (*Client, error) {
	s, err := cfg.settings()
	if err != nil {
		return nil, fmt.Errorf("mvkclient: invalid Config: %w", err)
	}
	return &Client{s: s}, nil
}

// Capabilities reports the operations the producer offers, as Config
// declared them (Schedule always included).
func (c *Client) Capabilities() tidbok.Capabilities { return c.s.caps }

// Endpoint returns the URL op is sent to, or "" for an operation the
// client does not support.
func (c *Client) Endpoint(op tidbok.Operation) string {
	if !c.s.caps.Has(op) {
		return ""
	}
	return c.s.endpoints[op]
}

// encode validates req and returns the request envelope for op, which
// every attempt sends unchanged.
func (c *Client) encode(op tidbok.Operation, facility tidbok.HSAID, req interface{ Validate() error }) ([]byte, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	la := c.s.logicalAddress
	if la == "" {
		la = facility.String()
	}
	body, err := c.s.codec.EncodeRequest(op, crmwire.Header{LogicalAddress: la, Version: c.s.version.wire()}, req)
	if err != nil {
		return nil, fmt.Errorf("mvkclient: %v: %w", op, err)
	}
	return body, nil
}

// attempt sends body once to op's endpoint, after waiting for the rate
// limiter, and decodes the answer. sent reports whether the request may
// have reached the producer; it is false only when it certainly did not
// (see httpsend.Trace). The error is a *FaultError, a *StatusError, a
// *tidbok.OpError (a write's ERROR), a *notSentError, a *transportError,
// or an *AnswerError.
func (c *Client) attempt(ctx context.Context, op tidbok.Operation, body []byte, n int) (res any, sent bool, err error) {
	if err := c.s.limiter.Wait(ctx); err != nil {
		c.logAttempt(ctx, op, n, 0, err)
		return nil, false, &NotSentError{Op: op, Err: fmt.Errorf("waiting for the rate limiter: %w", err)}
	}
	start := c.s.now()
	actx, span := c.s.tel.startAttempt(ctx, c.s.endpoints[op], n)
	res, sent, status, err := c.exchange(actx, op, body)
	endAttempt(span, status, err)
	c.logAttempt(ctx, op, n, c.s.now().Sub(start), err)
	return res, sent, err
}

// The request headers every exchange sends, in their canonical form.
var (
	contentTypeKey   = http.CanonicalHeaderKey("Content-Type")
	soapActionKey    = http.CanonicalHeaderKey("SOAPAction")
	contentTypeValue = []string{soap.ContentType}
)

// exchange sends body and decodes the answer, whose HTTP status it
// returns too (0 when there was none).
func (c *Client) exchange(ctx context.Context, op tidbok.Operation, body []byte) (any, bool, int, error) {
	endpoint := c.s.endpoints[op]
	actx, cancel := context.WithTimeout(ctx, c.s.attemptTimeout)
	defer cancel()
	if err := actx.Err(); err != nil {
		return nil, false, 0, &NotSentError{Op: op, Err: err}
	}
	tr := httpsend.NewTrace(c.s.hooked)
	actx = httptrace.WithClientTrace(actx, tr.ClientTrace())
	req, err := http.NewRequestWithContext(actx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, false, 0, &NotSentError{Op: op, Err: err}
	}
	// The values are shared, made once: net/http only reads them, and a
	// Doer that sets or adds a value replaces the slice.
	req.Header[contentTypeKey] = contentTypeValue
	req.Header[soapActionKey] = c.s.actions[op]
	c.s.tel.inject(ctx, req.Header)
	resp, err := c.s.doer.Do(req)
	if err != nil {
		terr := &transportError{op: op, endpoint: endpoint, err: err}
		if tr.NotSent(err) {
			return nil, false, 0, &NotSentError{Op: op, Err: terr}
		}
		return nil, true, 0, terr
	}
	defer func() {
		// Drain a little so the connection can be reused, then close.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		_ = resp.Body.Close()
	}()
	// An answer's attributes are bounded per element only: a producer's
	// stack may put an xsi:type on every element of a long list, and the
	// answer's size is bounded anyway.
	res, err := c.s.codec.DecodeResponse(op, resp.Body, soap.Limits{MaxBytes: c.s.maxBytes[op], MaxAttrBytes: c.s.maxBytes[op]})
	var fault *soap.Fault
	switch {
	case errors.As(err, &fault):
		return nil, true, resp.StatusCode, newFaultError(op, fault)
	case resp.StatusCode != http.StatusOK:
		// Whatever the body held, a non-200 answer that is not a fault is
		// not a SOAP answer.
		return nil, true, resp.StatusCode, &StatusError{Op: op, StatusCode: resp.StatusCode}
	case err == nil:
		return res, true, resp.StatusCode, nil
	case errors.Is(err, soap.ErrMalformed):
		return nil, true, resp.StatusCode, &AnswerError{Op: op, Endpoint: endpoint, Problems: crmwire.Problems(err), err: err}
	}
	var opErr *tidbok.OpError
	if errors.As(err, &opErr) {
		return nil, true, resp.StatusCode, err
	}
	// Reading the body failed: reset, timeout.
	return nil, true, resp.StatusCode, &transportError{op: op, endpoint: endpoint, err: err}
}

func (c *Client) logAttempt(ctx context.Context, op tidbok.Operation, n int, d time.Duration, err error) {
	if !c.s.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = err.Error()
	}
	c.s.logger.LogAttrs(ctx, slog.LevelDebug, "mvkclient: attempt",
		slog.String("op", op.String()),
		slog.String("endpoint", c.s.endpoints[op]),
		slog.Int("attempt", n),
		slog.Duration("duration", d),
		slog.String("outcome", outcome),
	)
}
