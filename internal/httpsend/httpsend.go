// Package httpsend tells, for the module's HTTP clients (mvkclient over
// SOAP, tidbok/fhir/fhirclient over FHIR), whether a failed request can
// have reached the server, and which failures a retry cannot mend.
package httpsend

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
)

// Hooked reports whether doer is an *http.Client over an
// *http.Transport, which calls a Trace's hooks.
func Hooked(doer any) bool {
	hc, ok := doer.(*http.Client)
	if !ok {
		return false
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	_, ok = rt.(*http.Transport)
	return ok
}

// Trace watches one request through net/http's client trace hooks to
// tell whether it can have reached the server. It certainly did not when
// the transport asked for a connection and never got one (the dial or
// the TLS handshake failed, or the context ended first), or when the last
// write of the request failed (the server then never has the whole
// request, and acts only on a whole one). net/http itself resends a POST
// only when nothing of it was written. Any other failure (a timeout or
// reset while waiting for the answer) may come after the server received
// the request. A TLS alert from the server (it refused our certificate;
// with TLS 1.3 after we wrote) also means the request was never
// processed. A client that does not use net/http's transport calls no
// hooks; then only a *net.OpError from dialling counts as not sent. With
// net/http's transport, no hook at all means the request ended (its
// context, say) before a connection was sought.
type Trace struct {
	// hooked: the client is an *http.Client over an *http.Transport,
	// which calls GetConn before it can send anything.
	hooked bool

	mu        sync.Mutex
	asked     bool  // GetConn: the transport looked for a connection
	got       bool  // GotConn: it had one
	wrote     bool  // WroteRequest was called
	lastWrite error // the error of the last WroteRequest
}

// NewTrace returns a Trace for one request; hooked is [Hooked] of the
// client that sends it.
func NewTrace(hooked bool) *Trace { return &Trace{hooked: hooked} }

// ClientTrace returns the hooks to put in the request's context.
func (t *Trace) ClientTrace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn: func(string) {
			t.mu.Lock()
			t.asked = true
			t.mu.Unlock()
		},
		GotConn: func(httptrace.GotConnInfo) {
			t.mu.Lock()
			t.got = true
			t.mu.Unlock()
		},
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			t.mu.Lock()
			t.wrote = true
			t.lastWrite = i.Err
			t.mu.Unlock()
		},
	}
}

// NotSent reports whether a request that failed with err certainly did
// not reach the server.
func (t *Trace) NotSent(err error) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.asked && !t.got:
		return true
	case t.wrote && t.lastWrite != nil:
		return true
	case IsRemoteTLSAlert(err):
		return true
	case !t.asked:
		return t.hooked || IsDialError(err)
	}
	return false
}

// IsCertificateError reports whether err is a failure of certificates
// (ours refused, theirs not trusted): trying again does not mend it.
func IsCertificateError(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		invalid          x509.CertificateInvalidError
		hostname         x509.HostnameError
		verification     *tls.CertificateVerificationError
		alert            tls.AlertError
	)
	return errors.As(err, &unknownAuthority) || errors.As(err, &invalid) ||
		errors.As(err, &hostname) || errors.As(err, &verification) || errors.As(err, &alert) ||
		IsRemoteTLSAlert(err)
}

// IsRemoteTLSAlert reports whether err is a TLS alert the server sent,
// such as "certificate required" when it refuses the client certificate.
// With TLS 1.3 that alert arrives after the client has written its
// request, which the server has then not processed: it never completed
// the handshake, so no byte of the request reached its HTTP layer.
func IsRemoteTLSAlert(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "remote error"
}

// IsDialError reports whether err is a failure to connect: no byte of the
// request can have been sent.
func IsDialError(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// UnwrapURLError drops the *url.Error wrapper, whose message repeats the
// method and URL.
func UnwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok && ue.Err != nil {
		return ue.Err
	}
	return err
}
