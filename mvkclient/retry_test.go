package mvkclient_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestReadsAreRetriedOnFailuresThatMayPass(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		failure func(t testing.TB) reply
	}{
		{"HTTP 503 without a SOAP body", func(testing.TB) reply {
			return reply{status: http.StatusServiceUnavailable, body: []byte("<html>busy</html>")}
		}},
		{"a Server fault without a platform code", func(t testing.TB) reply {
			return faultReply(t, soap.ServerFault("database deadlock"))
		}},
		{"the platform's VP009 (producer unreachable)", func(t testing.TB) reply {
			return faultReply(t, soap.ServerFault("VP009 Error connecting to service producer at address https://tidbok.example"))
		}},
		{"the connection closing without an answer", func(testing.TB) reply { return reply{hangUp: true} }},
		{"an unreadable answer", func(testing.TB) reply { return reply{body: []byte("<html>hello</html>")} }},
		{"an answer cut short", func(t testing.TB) reply {
			r := ok(t, tidbok.OpTimeTypes, tidbok.TimeTypesResult{TimeTypes: []tidbok.TimeType{{ID: "LAK", Name: "Läkarbesök"}}})
			r.body = r.body[:len(r.body)/2]
			return r
		}},
		{"an answer with the core elements in the responder's namespace", func(testing.TB) reply {
			return reply{body: []byte(`<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` +
				`<r:GetAllTimeTypesResponse xmlns:r="urn:riv:crm:scheduling:GetAllTimeTypesResponder:1"><r:ListOfTimeTypes>` +
				`<r:timeTypeName>Läkarbesök</r:timeTypeName><r:timeTypeId>LAK</r:timeTypeId></r:ListOfTimeTypes></r:GetAllTimeTypesResponse></s:Body></s:Envelope>`)}
		}},
		{"an attempt that times out", func(testing.TB) reply { return reply{delay: time.Second} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := tidbok.TimeTypesResult{TimeTypes: []tidbok.TimeType{{ID: "LAK", Name: "Läkarbesök"}}}
			f := newFake(t, func(_ call, n int) reply {
				if n <= 2 {
					return tt.failure(t)
				}
				return ok(t, tidbok.OpTimeTypes, want)
			})
			c := f.client(t, func(cfg *mvkclient.Config) { cfg.AttemptTimeout = 100 * time.Millisecond })
			got, err := c.TimeTypes(bg(t), tidbok.TimeTypesRequest{Facility: clinic, Subject: citizen})
			if err != nil {
				t.Fatalf("TimeTypes after two failures: %v", err)
			}
			if len(got.TimeTypes) != 1 || got.TimeTypes[0] != want.TimeTypes[0] {
				t.Errorf("TimeTypes = %+v, want %+v", got, want)
			}
			if n := f.count(tidbok.OpTimeTypes); n != 3 {
				t.Errorf("GetAllTimeTypes was sent %d times, want 3", n)
			}
		})
	}
}

func TestReadsAreNotRetriedOnFailuresThatWillNotPass(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		failure func(t testing.TB) reply
		check   func(t *testing.T, err error)
	}{
		{"a Client fault", func(t testing.TB) reply {
			return faultReply(t, soap.ClientFault("subject_of_care: missing"))
		}, func(t *testing.T, err error) {
			fe, ok := errors.AsType[*mvkclient.FaultError](err)
			if !ok || !fe.ClientSide() || fe.Retryable() {
				t.Errorf("error %v: want a client-side, not retryable *FaultError", err)
			}
		}},
		{"the platform's VP004 (no route)", func(t testing.TB) reply {
			return faultReply(t, soap.ClientFault("VP004 No Logical Adress found for serviceNamespace:urn:riv:crm:scheduling:GetAllTimeTypesResponder:1"))
		}, func(t *testing.T, err error) {
			if !errors.Is(err, tidbok.ErrNotSupported) {
				t.Errorf("error %v: want one matching ErrNotSupported", err)
			}
		}},
		{"the platform's VP007 (not authorised)", func(t testing.TB) reply {
			return faultReply(t, soap.ServerFault("VP007 Authorization missing for serviceNamespace"))
		}, func(t *testing.T, err error) {
			fe, ok := errors.AsType[*mvkclient.FaultError](err)
			if !ok || fe.VPCode != "VP007" || !fe.ServerSide() || !errors.Is(err, tidbok.ErrNotSupported) {
				t.Errorf("error %v: want a server-side *FaultError with VPCode VP007 matching ErrNotSupported", err)
			}
		}},
		{"HTTP 404", func(testing.TB) reply { return reply{status: http.StatusNotFound, body: []byte("no such page")} }, func(t *testing.T, err error) {
			se, ok := errors.AsType[*mvkclient.StatusError](err)
			if !ok || se.StatusCode != 404 || se.Retryable() {
				t.Errorf("error %v: want a not retryable *StatusError 404", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(call, int) reply { return tt.failure(t) })
			c := f.client(t, nil)
			_, err := c.TimeTypes(bg(t), tidbok.TimeTypesRequest{Facility: clinic, Subject: citizen})
			if err == nil {
				t.Fatal("TimeTypes succeeded, want an error")
			}
			tt.check(t, err)
			if n := f.count(tidbok.OpTimeTypes); n != 1 {
				t.Errorf("GetAllTimeTypes was sent %d times, want once", n)
			}
		})
	}
}

func TestReadsGiveUpAfterMaxRetries(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(call, int) reply { return faultReply(t, soap.ServerFault("VP009 producer timeout")) })
	c := f.client(t, func(cfg *mvkclient.Config) { cfg.MaxRetries = 2 })
	_, err := c.Schedule(bg(t), tidbok.ScheduleRequest{Facility: clinic, Subject: citizen})
	fe, ok := errors.AsType[*mvkclient.FaultError](err)
	if !ok || fe.VPCode != "VP009" || !fe.Retryable() {
		t.Fatalf("error %v: want the last attempt's *FaultError, VP009", err)
	}
	if n := f.count(tidbok.OpSchedule); n != 3 {
		t.Errorf("GetSubjectOfCareSchedule was sent %d times, want 3 (1 + MaxRetries 2)", n)
	}

	never := f.client(t, func(cfg *mvkclient.Config) { cfg.MaxRetries = -1 })
	before := f.count(tidbok.OpSchedule)
	if _, err := never.Schedule(bg(t), tidbok.ScheduleRequest{Facility: clinic, Subject: citizen}); err == nil {
		t.Fatal("Schedule succeeded")
	}
	if n := f.count(tidbok.OpSchedule) - before; n != 1 {
		t.Errorf("with MaxRetries -1, GetSubjectOfCareSchedule was sent %d times, want once", n)
	}
}

func TestTheCallersDeadlineBoundsRetries(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(call, int) reply {
		return reply{status: http.StatusServiceUnavailable, body: []byte("busy")}
	})
	c := f.client(t, func(cfg *mvkclient.Config) {
		cfg.MaxRetries = 10
		cfg.InitialBackoff = 150 * time.Millisecond
		cfg.MaxBackoff = time.Second
	})
	ctx, cancel := context.WithTimeout(bg(t), 400*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: citizen})
	elapsed := time.Since(start)
	if _, ok := errors.AsType[*mvkclient.StatusError](err); !ok {
		t.Errorf("error %v: want the last attempt's *StatusError", err)
	}
	if elapsed > 500*time.Millisecond {
		t.Errorf("Schedule took %v, longer than the caller's 400ms deadline", elapsed)
	}
	if n := f.count(tidbok.OpSchedule); n > 4 {
		t.Errorf("GetSubjectOfCareSchedule was sent %d times in 400ms with backoff from 150ms; want at most 4", n)
	}
}

func TestACancelledContextEndsRetries(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(call, int) reply {
		return reply{status: http.StatusBadGateway, body: []byte("gateway")}
	})
	ctx, cancel := context.WithCancel(bg(t))
	// The context ends the moment the first attempt's answer has been read
	// and closed, so the client is certainly between attempts: no timer
	// decides when.
	c := f.client(t, func(cfg *mvkclient.Config) {
		cfg.MaxRetries = 10
		cfg.InitialBackoff = time.Second
		cfg.MaxBackoff = 2 * time.Second
		cfg.HTTPClient = &http.Client{Transport: cancelOnFirstClose{base: f.srv.Client().Transport, cancel: cancel}}
	})
	_, err := c.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: citizen})
	if n := f.count(tidbok.OpSchedule); n != 1 {
		t.Errorf("%d attempts, want 1: the ended context must stop the retries", n)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v: want one matching context.Canceled", err)
	}
	if _, ok := errors.AsType[*mvkclient.StatusError](err); !ok {
		t.Errorf("error %v: want it to keep the last attempt's *StatusError", err)
	}
}

// cancelOnFirstClose is a transport that calls cancel when the body of
// the first answer it returned is closed.
type cancelOnFirstClose struct {
	base   http.RoundTripper
	cancel context.CancelFunc
}

func (c cancelOnFirstClose) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil {
		resp.Body = closeHook{ReadCloser: resp.Body, after: c.cancel}
	}
	return resp, err
}

type closeHook struct {
	io.ReadCloser
	after func()
}

func (h closeHook) Close() error {
	err := h.ReadCloser.Close()
	h.after()
	return err
}

func TestTheRateLimiterIsWaitedOnBeforeEveryAttempt(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(_ call, n int) reply {
		if n%2 == 1 {
			return reply{status: http.StatusServiceUnavailable, body: []byte("busy")}
		}
		return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{})
	})
	const every = 40 * time.Millisecond
	c := f.client(t, func(cfg *mvkclient.Config) {
		cfg.RateLimit = rate.Every(every)
		cfg.Burst = 1
	})
	start := time.Now()
	for range 3 {
		if _, err := c.Schedule(bg(t), tidbok.ScheduleRequest{Facility: clinic, Subject: citizen}); err != nil {
			t.Fatal(err)
		}
	}
	// Six attempts (each call fails once); the first goes at once.
	if n := f.count(tidbok.OpSchedule); n != 6 {
		t.Fatalf("%d attempts, want 6", n)
	}
	if elapsed, want := time.Since(start), 5*every; elapsed < want-5*time.Millisecond {
		t.Errorf("6 attempts at one per %v took %v, want at least %v", every, elapsed, want)
	}
}

func TestARateLimitWaitPastTheDeadlineSendsNothing(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(call, int) reply { return ok(t, tidbok.OpBook, tidbok.BookResult{BookingID: "B1"}) })
	c := f.client(t, func(cfg *mvkclient.Config) {
		cfg.RateLimit = rate.Every(time.Hour)
		cfg.Burst = 1
	})
	if _, err := c.Book(bg(t), bookRequest(freeSlot("S1", at(10, 0)))); err != nil {
		t.Fatal(err) // uses the burst
	}
	ctx, cancel := context.WithTimeout(bg(t), 50*time.Millisecond)
	defer cancel()
	_, err := c.Book(ctx, bookRequest(freeSlot("S2", at(11, 0))))
	if !errors.Is(err, tidbok.ErrNotSent) || errors.Is(err, tidbok.ErrOutcomeUnknown) {
		t.Errorf("Book waiting past its deadline for the limiter: %v, want ErrNotSent", err)
	}
	if n := f.count(tidbok.OpBook); n != 1 {
		t.Errorf("MakeBooking was sent %d times, want once", n)
	}
}

func TestAnswersLargerThanTheLimitAreRefused(t *testing.T) {
	t.Parallel()
	var slots []tidbok.Timeslot
	for i := range 50 {
		slots = append(slots, freeSlot("S"+strings.Repeat("x", i), at(8, 0).Add(time.Duration(i)*20*time.Minute)))
	}
	answer := ok(t, tidbok.OpAvailableTimeslots, tidbok.NewAvailableTimeslots(slots))
	f := newFake(t, func(call, int) reply { return answer })

	small := f.client(t, func(cfg *mvkclient.Config) { cfg.MaxResponseBytes = int64(len(answer.body) - 1) })
	_, err := small.AvailableTimeslots(bg(t), availability())
	if !errors.Is(err, soap.ErrTooLarge) {
		t.Errorf("a %d-byte answer with MaxResponseBytes %d: %v, want soap.ErrTooLarge", len(answer.body), len(answer.body)-1, err)
	}
	if n := f.count(tidbok.OpAvailableTimeslots); n != 1 {
		t.Errorf("a too large answer was asked for %d times, want once", n)
	}

	exact := f.client(t, func(cfg *mvkclient.Config) { cfg.MaxResponseBytes = int64(len(answer.body)) })
	got, err := exact.AvailableTimeslots(bg(t), availability())
	if err != nil || got.Len() != 50 {
		t.Errorf("a %d-byte answer with MaxResponseBytes %[1]d: %d slots, %v; want 50 slots", len(answer.body), got.Len(), err)
	}
}
