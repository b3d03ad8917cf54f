package httpsend

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"testing"
)

type doer struct{}

func (doer) Do(*http.Request) (*http.Response, error) { return nil, nil }

func TestHooked(t *testing.T) {
	for _, c := range []struct {
		name string
		d    any
		want bool
	}{
		{"the zero client", &http.Client{}, true},
		{"a transport of its own", &http.Client{Transport: &http.Transport{}}, true},
		{"a wrapped transport", &http.Client{Transport: roundTrip(nil)}, false},
		{"another doer", doer{}, false},
	} {
		if got := Hooked(c.d); got != c.want {
			t.Errorf("%s: Hooked = %v, want %v", c.name, got, c.want)
		}
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestNotSent: a refused connection is not sent; a connection the server
// drops after reading the request may have been.
func TestNotSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	send := func(url string) (*Trace, error) {
		tr := NewTrace(true)
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), tr.ClientTrace()), http.MethodPost, url, strings.NewReader("x"))
		resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return tr, err
	}
	tr, err := send("http://" + addr + "/")
	if err == nil || !tr.NotSent(err) || !IsDialError(err) {
		t.Errorf("a refused connection: %v, NotSent %v; want not sent", err, tr.NotSent(err))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	defer srv.Close()
	tr, err = send(srv.URL)
	if err == nil || tr.NotSent(err) {
		t.Errorf("a connection dropped after the request: %v, NotSent %v; want maybe sent", err, err != nil && tr.NotSent(err))
	}
}
