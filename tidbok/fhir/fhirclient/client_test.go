package fhirclient_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir/fhirclient"
)

const metadata = `{"resourceType":"CapabilityStatement","rest":[{"mode":"server","resource":[
 {"type":"Slot","interaction":[{"code":"search-type"}]},
 {"type":"HealthcareService","interaction":[{"code":"read"},{"code":"search-type"}]},
 {"type":"Appointment","interaction":[{"code":"read"},{"code":"search-type"}],"operation":[
  {"name":"find","definition":"x"},{"name":"book","definition":"y","documentation":"this book can: book, cancel (status cancelled)"}]}]}]}`

var (
	clinic  = tidbok.MustHSAID("SE2321000016-A1B2")
	citizen = tidbok.MustPersonalNumber("191212121212")
	tuesday = tidbok.DateOf(time.Date(2026, time.March, 10, 12, 0, 0, 0, tidbok.Stockholm()))
)

// canned is a FHIR server that answers /metadata and, for any other
// path, the status and body set for it; it records the requests.
type canned struct {
	mu      sync.Mutex
	status  int
	body    string
	headers []http.Header
}

func (c *canned) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", fhir.ContentType)
	if r.URL.Path == "/metadata" {
		_, _ = io.WriteString(w, metadata)
		return
	}
	c.mu.Lock()
	c.headers = append(c.headers, r.Header.Clone())
	status, body := c.status, c.body
	c.mu.Unlock()
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (c *canned) answer(status int, body string) {
	c.mu.Lock()
	c.status, c.body = status, body
	c.mu.Unlock()
}

func newCanned(t *testing.T) (*canned, *fhirclient.Client) {
	t.Helper()
	cn := &canned{status: http.StatusOK}
	srv := httptest.NewServer(cn)
	t.Cleanup(srv.Close)
	c, err := fhirclient.New(t.Context(), fhirclient.Config{BaseURL: srv.URL, RateLimit: rate.Inf, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return cn, c
}

func find(c *fhirclient.Client, actor tidbok.Actor) error {
	_, err := c.AvailableTimeslots(context.Background(), tidbok.AvailabilityRequest{Facility: clinic, Subject: citizen, From: tuesday, To: tuesday, Actor: actor})
	return err
}

func TestCapabilitiesFromTheStatement(t *testing.T) {
	_, c := newCanned(t)
	want := tidbok.CapabilitiesOf(tidbok.OpSchedule, tidbok.OpBookingDetails, tidbok.OpTimeTypes, tidbok.OpAvailableDates,
		tidbok.OpAvailableTimeslots, tidbok.OpBook, tidbok.OpCancel)
	if got := c.Capabilities(); got != want {
		t.Errorf("Capabilities %v, want %v", got, want)
	}
	_, err := c.Reschedule(t.Context(), tidbok.RescheduleRequest{})
	if !errors.Is(err, tidbok.ErrNotSupported) {
		t.Errorf("Reschedule on a server without move: %v, want ErrNotSupported", err)
	}
	if _, err := c.Facilities(t.Context(), tidbok.FacilitiesRequest{}); !errors.Is(err, tidbok.ErrNotSupported) {
		t.Errorf("Facilities: %v, want ErrNotSupported", err)
	}
}

func TestConfigProblemsAtOnce(t *testing.T) {
	_, err := fhirclient.New(t.Context(), fhirclient.Config{BaseURL: "ftp://host", RateLimit: -1, InitialBackoff: -1})
	fields := map[string]bool{}
	for _, fe := range tidbok.FieldErrors(err) {
		fields[fe.Field] = true
	}
	for _, f := range []string{"BaseURL", "RateLimit", "InitialBackoff"} {
		if !fields[f] {
			t.Errorf("New: %v; want a problem with %s", err, f)
		}
	}
}

// TestStrictAnswers: a field the client needs, missing or malformed, is
// an *AnswerError naming it.
func TestStrictAnswers(t *testing.T) {
	loc := `{"actor":{"reference":"Location/SE2321000016-A1B2"},"status":"accepted"}`
	tests := []struct {
		name, resource, want string
	}{
		{"no start", `{"resourceType":"Appointment","id":"x","status":"proposed","end":"2026-03-10T09:30:00+01:00","participant":[` + loc + `]}`, "entry[0].resource.start: missing"},
		{"a start without offset", `{"resourceType":"Appointment","id":"x","status":"proposed","start":"2026-03-10T09:00:00","end":"2026-03-10T09:30:00+01:00","participant":[` + loc + `]}`, "entry[0].resource.start"},
		{"no clinic", `{"resourceType":"Appointment","id":"x","status":"proposed","start":"2026-03-10T09:00:00+01:00","end":"2026-03-10T09:30:00+01:00","participant":[]}`, "no Location"},
		{"a booking without flags", `{"resourceType":"Appointment","id":"x","status":"booked","start":"2026-03-10T09:00:00+01:00","end":"2026-03-10T09:30:00+01:00","participant":[` + loc + `]}`, fhir.ExtMayCancel + ": missing"},
		{"not an Appointment", `{"resourceType":"Slot","id":"x"}`, `"Slot", want Appointment`},
	}
	cn, c := newCanned(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cn.answer(http.StatusOK, `{"resourceType":"Bundle","type":"searchset","entry":[{"resource":`+tt.resource+`}]}`)
			err := find(c, tidbok.Actor{})
			var ae *fhirclient.AnswerError
			if !errors.Is(err, fhirclient.ErrBadAnswer) || !errors.As(err, &ae) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("AvailableTimeslots: %v; want an *AnswerError naming %q", err, tt.want)
			}
			if strings.Contains(err.Error(), citizen.Canonical()) {
				t.Errorf("the error shows the personal identity number: %v", err)
			}
		})
	}
}

// TestOutcomesMapToTheBooksErrors: each issue code is the tidbok error it
// stands for, with the citizen's text.
func TestOutcomesMapToTheBooksErrors(t *testing.T) {
	tests := []struct {
		status int
		code   string
		want   error
	}{
		{409, "conflict", tidbok.ErrSlotTaken},
		{404, "not-found", tidbok.ErrNotFound},
		{422, "business-rule", tidbok.ErrNotAllowed},
		{403, "forbidden", tidbok.ErrNotAllowed},
		{400, "invalid", tidbok.ErrInvalid},
		{501, "not-supported", tidbok.ErrNotSupported},
		{503, "transient", tidbok.ErrNotSent},
	}
	cn, c := newCanned(t)
	for _, tt := range tests {
		cn.answer(tt.status, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"`+tt.code+`","details":{"text":"Text för invånaren."},"diagnostics":"for the developer","expression":["start"]}]}`)
		err := find(c, tidbok.Actor{})
		var oe *fhirclient.OutcomeError
		if !errors.Is(err, tt.want) || !errors.As(err, &oe) || oe.Code != tt.code {
			t.Errorf("%d %s: %v, want an *OutcomeError matching %v", tt.status, tt.code, err, tt.want)
		}
		if text, _ := tidbok.CitizenText(err); text != "Text för invånaren." {
			t.Errorf("%d %s: citizen's text %q", tt.status, tt.code, text)
		}
		if tt.want == tidbok.ErrInvalid {
			if fe := tidbok.FieldErrors(err); len(fe) != 1 || fe[0].Field != "start" {
				t.Errorf("invalid: field errors %v, want one for start", fe)
			}
		}
	}
	cn.answer(504, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]}`)
	if err := find(c, tidbok.Actor{}); tidbok.KindOf(err) != tidbok.KindOther {
		t.Errorf("a read's 504: kind %v, want a failure (other)", tidbok.KindOf(err))
	}
}

// TestActorHeader: staff by HSA-id, a citizen acting, or the subject.
func TestActorHeader(t *testing.T) {
	cn, c := newCanned(t)
	cn.answer(http.StatusOK, `{"resourceType":"Bundle","type":"searchset"}`)
	guardian := tidbok.MustPersonalNumber("198507099805")
	staffID := tidbok.MustHSAID("SE2321000016-ST03")
	for _, a := range []tidbok.Actor{{}, {Person: guardian}, {Agent: staffID}} {
		if err := find(c, a); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{fhir.SystemPersonnummer + "|191212121212", fhir.SystemPersonnummer + "|198507099805", fhir.SystemHSAID + "|SE2321000016-ST03"}
	for i, h := range cn.headers {
		if got := h.Get(fhir.ActorHeader); got != want[i] {
			t.Errorf("request %d: %s %q, want %q", i, fhir.ActorHeader, got, want[i])
		}
	}
}
