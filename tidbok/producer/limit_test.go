package producer_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

// TestOnlySOAPContentTypes: a body that is not text/xml by its
// Content-Type is refused with 415 and an Accept header naming text/xml,
// and the book is not called; text/xml with any parameters is served.
func TestOnlySOAPContentTypes(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	op := tidbok.OpSchedule
	env := encode(t, op, clinicA, f.requests(t)[op])
	for _, tt := range []struct {
		contentType string
		want        int
	}{
		{"text/plain", http.StatusUnsupportedMediaType},
		{"text/plain; charset=utf-8", http.StatusUnsupportedMediaType},
		{"application/soap+xml; charset=utf-8", http.StatusUnsupportedMediaType},
		{"application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"text/xmlx", http.StatusUnsupportedMediaType},
		{"", http.StatusUnsupportedMediaType},
		{"text/xml", http.StatusOK},
		{"Text/XML; charset=UTF-8", http.StatusOK},
		{`text/xml; charset="utf-8"; action="x"`, http.StatusOK},
	} {
		t.Run(tt.contentType, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodPost, f.url(op), bytes.NewReader(env))
			must(t, err)
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			req.Header.Set("SOAPAction", soap.QuoteAction(action(op)))
			resp := send(t, req)
			if resp.status != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.status, tt.want, resp.body)
			}
			if tt.want == http.StatusUnsupportedMediaType {
				if got := resp.header.Get("Accept"); got != "text/xml" {
					t.Errorf("Accept = %q, want text/xml", got)
				}
			}
		})
	}
}

// TestDuplicateAttributesAreAClientFault: a request with an attribute
// written twice on one element is refused with a Client fault naming it.
func TestDuplicateAttributesAreAClientFault(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	op := tidbok.OpSchedule
	env := encode(t, op, clinicA, f.requests(t)[op])
	for name, dup := range map[string]string{
		"fast path":      `<soapenv:Body id="1" id="2">`,
		"reference path": `<soapenv:Body id="1" id="2"><!-- x -->`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			bad := bytes.Replace(env, []byte("<soapenv:Body>"), []byte(dup), 1)
			wantClientFault(t, post(t, f.url(op), action(op), bad).fault(t, op), nil, "soapenv:Body", "attribute id twice")
		})
	}
}

// attributeHeavyRequest is a Schedule request padded to about size bytes
// with header blocks of thirty attributes each.
func attributeHeavyRequest(t testing.TB, env []byte, size int) []byte {
	var pad bytes.Buffer
	for i := 0; len(env)+pad.Len() < size-400; i++ {
		pad.WriteString(`<x:pad xmlns:x="urn:pad"`)
		for j := range 30 {
			pad.WriteString(` a` + strconv.Itoa(j) + `="v"`)
		}
		pad.WriteString(`/>`)
	}
	out := bytes.Replace(env, []byte("</soapenv:Header>"), append(pad.Bytes(), "</soapenv:Header>"...), 1)
	if len(out) > size {
		t.Fatalf("padded request is %d bytes, want at most %d", len(out), size)
	}
	return out
}

// TestAnAttributeHeavyRequestIsRefusedEarly: a request of 1 MiB that is
// mostly attributes is answered with a Client fault, and serving it
// allocates less than three times its size. Not parallel: it measures
// the process's allocations.
func TestAnAttributeHeavyRequestIsRefusedEarly(t *testing.T) {
	book := memtidbok.New()
	must(t, book.AddFacility(t.Context(), tidbok.Facility{ID: hsaA}))
	h, err := producer.New(book, producer.Config{Facilities: []tidbok.HSAID{hsaA}, AnyConsumer: true})
	must(t, err)
	op := tidbok.OpSchedule
	env := attributeHeavyRequest(t, encode(t, op, clinicA, tidbok.ScheduleRequest{Facility: hsaA, Subject: citizen}), 1<<20)
	serve := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/GetSubjectOfCareSchedule/1/rivtabp21", bytes.NewReader(env))
		req.Header.Set("Content-Type", soap.ContentType)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	serve()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	w := serve()
	runtime.ReadMemStats(&after)
	got := after.TotalAlloc - before.TotalAlloc
	t.Logf("serving a %d-byte request allocated %d bytes", len(env), got)
	if got > 3<<20 {
		t.Errorf("serving a %d-byte request allocated %d bytes, want at most %d", len(env), got, 3<<20)
	}
	f := response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}.fault(t, op)
	wantClientFault(t, f, nil, "attributes")
}

// blockingBook holds every Schedule call until release gives it a turn
// (or its context ends), and counts the calls that reached it.
type blockingBook struct {
	tidbok.Tidbok
	entered atomic.Int32
	release chan struct{}
}

func (b *blockingBook) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	b.entered.Add(1)
	select {
	case <-b.release:
	case <-ctx.Done():
		return tidbok.ScheduleResult{}, ctx.Err()
	}
	return b.Tidbok.Schedule(ctx, req)
}

// TestMaxInFlight: no more than Config.MaxInFlight requests are served at
// once; the next waits for a turn, and is served when one ends, or is
// answered 503 with Retry-After when its context ends first.
func TestMaxInFlight(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		inner := memtidbok.New()
		must(t, inner.AddFacility(t.Context(), tidbok.Facility{ID: hsaA}))
		book := &blockingBook{Tidbok: inner, release: make(chan struct{})}
		h, err := producer.New(book, producer.Config{Facilities: []tidbok.HSAID{hsaA}, AnyConsumer: true, MaxInFlight: 2})
		must(t, err)
		env := encode(t, tidbok.OpSchedule, clinicA, tidbok.ScheduleRequest{Facility: hsaA, Subject: citizen})

		var wg sync.WaitGroup
		serve := func(ctx context.Context) *httptest.ResponseRecorder {
			w := httptest.NewRecorder()
			wg.Go(func() {
				req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/GetSubjectOfCareSchedule/1/rivtabp21", bytes.NewReader(env))
				req.Header.Set("Content-Type", soap.ContentType)
				h.ServeHTTP(w, req)
			})
			return w
		}

		first, second := serve(t.Context()), serve(t.Context())
		synctest.Wait()
		if n := book.entered.Load(); n != 2 {
			t.Fatalf("%d requests reached the book, want 2", n)
		}

		// A third waits; when its client gives up, it gets 503.
		ctx, cancel := context.WithCancel(t.Context())
		impatient := serve(ctx)
		synctest.Wait()
		if n := book.entered.Load(); n != 2 {
			t.Fatalf("with 2 requests in flight, %d reached the book, want 2", n)
		}
		cancel()
		synctest.Wait()
		if impatient.Code != http.StatusServiceUnavailable || impatient.Header().Get("Retry-After") == "" {
			t.Errorf("a request that stopped waiting: status %d, Retry-After %q; want 503 with Retry-After",
				impatient.Code, impatient.Header().Get("Retry-After"))
		}

		// A fourth waits, and is served once one of the two ends.
		patient := serve(t.Context())
		synctest.Wait()
		if n := book.entered.Load(); n != 2 {
			t.Fatalf("with 2 requests in flight, %d reached the book, want 2", n)
		}
		book.release <- struct{}{}
		synctest.Wait()
		if n := book.entered.Load(); n != 3 {
			t.Fatalf("after one request ended, %d reached the book, want 3", n)
		}
		close(book.release)
		wg.Wait()
		for name, w := range map[string]*httptest.ResponseRecorder{"first": first, "second": second, "waiting": patient} {
			if w.Code == http.StatusServiceUnavailable {
				t.Errorf("%s request: 503, want it served", name)
			}
			if _, err := crmwire.DecodeResponse(tidbok.OpSchedule, w.Body, soap.Limits{}); err != nil {
				var f *soap.Fault
				if !errors.As(err, &f) {
					t.Errorf("%s request: answer does not decode: %v", name, err)
				}
			}
		}
	})
}

func TestMaxInFlightMustNotBeNegative(t *testing.T) {
	t.Parallel()
	_, err := producer.New(memtidbok.New(), producer.Config{Facilities: []tidbok.HSAID{hsaA}, AnyConsumer: true, MaxInFlight: -1})
	if err == nil || !strings.Contains(err.Error(), "MaxInFlight") {
		t.Errorf("New with MaxInFlight -1: %v, want an error naming it", err)
	}
}
