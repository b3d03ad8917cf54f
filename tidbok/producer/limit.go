package producer

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// DefaultMaxInFlight is the number of requests a Handler serves at once
// when [Config.MaxInFlight] is zero.
const DefaultMaxInFlight = 16

// retryAfterSeconds is the Retry-After of a request that stopped waiting
// for its turn.
const retryAfterSeconds = "1"

// inFlight returns the semaphore bounding the requests served at once.
func (c *Config) inFlight() chan struct{} {
	n := c.MaxInFlight
	if n == 0 {
		n = DefaultMaxInFlight
	}
	return make(chan struct{}, n)
}

// checkLimits returns the problems with c's limits on concurrency.
func (c *Config) checkLimits() error {
	if c.MaxInFlight < 0 {
		return fmt.Errorf("producer: Config.MaxInFlight is %d: use a positive number of requests, or 0 for %d", c.MaxInFlight, DefaultMaxInFlight)
	}
	return nil
}

// admit waits for r's turn among the requests served at once and returns
// the function that ends it; ok is false when r's context ended first,
// and r has then been answered with 503 Service Unavailable and a
// Retry-After. Its body is read only once admitted, so the requests that
// wait hold no more than their connection.
func (h *Handler) admit(w http.ResponseWriter, r *http.Request) (done func(), ok bool) {
	select {
	case h.inflight <- struct{}{}:
		return func() { <-h.inflight }, true
	default:
	}
	select {
	case h.inflight <- struct{}{}:
		return func() { <-h.inflight }, true
	case <-r.Context().Done():
		w.Header().Set("Retry-After", retryAfterSeconds)
		http.Error(w, "crm:scheduling producer: busy; try again later", http.StatusServiceUnavailable)
		return nil, false
	}
}

// soapContentType reports whether a request's Content-Type header is a
// SOAP 1.1 message's: text/xml, with any parameters (charset …).
func soapContentType(header string) bool {
	mt, _, err := mime.ParseMediaType(header)
	return err == nil && strings.EqualFold(mt, "text/xml")
}

// refuseMediaType answers a request whose body is not a SOAP 1.1 message
// by its Content-Type with 415 Unsupported Media Type, naming the one it
// takes.
func refuseMediaType(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Accept", "text/xml")
	got := r.Header.Get("Content-Type")
	if got == "" {
		got = "none"
	}
	http.Error(w, fmt.Sprintf("crm:scheduling producer: Content-Type %s is not a SOAP 1.1 message's: send text/xml; charset=utf-8", truncate(got)),
		http.StatusUnsupportedMediaType)
}

// sizedBody is a request body limited to max bytes that tells the SOAP
// reader its length, from Content-Length, so that the reader takes one
// buffer of that size instead of growing one.
type sizedBody struct {
	io.Reader
	n int
}

// Len returns the body's declared length.
func (b sizedBody) Len() int { return b.n }

// body returns r's body, limited to max bytes, sized when its length is
// known.
func body(w http.ResponseWriter, r *http.Request, max int64) io.Reader {
	rd := http.MaxBytesReader(w, r.Body, max)
	if r.ContentLength < 0 {
		return rd
	}
	return sizedBody{Reader: rd, n: int(min(r.ContentLength, max))}
}
