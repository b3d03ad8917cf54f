package fhir_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Test identities; the personal numbers are Luhn-valid test numbers.
const (
	clinicA = "SE2321000016-A65H"
	clinicB = "SE2321000016-1HZ5"
	doctor  = "SE2321000016-DR01"
	staffID = "SE2321000016-ST03"
	subject = "191212121212"
	other   = "198507099805"
	pnr     = fhir.SystemPersonnummer + "|"
)

var (
	hsaA, hsaB = tidbok.MustHSAID(clinicA), tidbok.MustHSAID(clinicB)
	hsaDoctor  = tidbok.MustHSAID(doctor)
	citizen    = tidbok.MustPersonalNumber(subject)
	otherOne   = tidbok.MustPersonalNumber(other)
	// start is a Monday morning; the fixture's slots are on Tuesday.
	start    = time.Date(2026, time.January, 12, 9, 0, 0, 0, tidbok.Stockholm())
	tomorrow = tidbok.DateOf(start).AddDays(1)
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a book with clinics A and B served over httptest at /fhir:
// three free slots at A and one at B tomorrow, a booking of the citizen
// at A tomorrow 11:30 and one of the other citizen at A at 12:00.
type fixture struct {
	book    *memtidbok.Book
	clock   *clock
	srv     *httptest.Server
	handler *fhir.Handler
	own     string // the citizen's booking (book ID)
	theirs  string // the other citizen's booking (book ID)
	events  *events
	mu      sync.Mutex
	emitted [][]byte // every body answered, for the validator
}

type events struct {
	mu   sync.Mutex
	list []fhir.Event
	fail error
}

func (e *events) Record(_ context.Context, ev fhir.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fail != nil {
		return e.fail
	}
	e.list = append(e.list, ev)
	return nil
}

func (e *events) all() []fhir.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]fhir.Event(nil), e.list...)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// setup makes the fixture; cfg's Facilities, Consumers, Clock, Audit and
// BasePath default to the fixture's.
func setup(t *testing.T, cfg fhir.Config, opts ...memtidbok.Option) *fixture {
	t.Helper()
	clk := &clock{t: start}
	b := memtidbok.New(append([]memtidbok.Option{memtidbok.WithClock(clk.Now)}, opts...)...)
	ctx := t.Context()
	for _, h := range []tidbok.HSAID{hsaA, hsaB} {
		must(t, b.AddFacility(ctx, tidbok.Facility{ID: h, Name: "Mottagning " + h.String()[13:]}))
		must(t, b.AddTimeType(ctx, h, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}))
		must(t, b.AddPerformer(ctx, h, tidbok.Performer{ID: hsaDoctor, Title: "Dr", FirstName: "Eva", LastName: "Ek"}))
	}
	publish := func(h tidbok.HSAID, hour, minute int) string {
		st := tomorrow.Start().Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
		id, err := b.Publish(ctx, staff.SlotSpec{Facility: h, Start: st, End: st.Add(30 * time.Minute), TimeTypeID: "LAK", Performer: hsaDoctor})
		must(t, err)
		return id
	}
	for _, mi := range []int{0, 30, 60} {
		publish(hsaA, 10+mi/60, mi%60)
	}
	publish(hsaB, 10, 0)
	f := &fixture{book: b, clock: clk, events: &events{}}
	bookAt := func(hour, minute int, who tidbok.PersonalNumber) string {
		if !b.Capabilities().Has(tidbok.OpBook) {
			st := tomorrow.Start().Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
			id, err := b.Invite(ctx, staff.InvitationSpec{Facility: hsaA, Subject: who, Start: st, End: st.Add(30 * time.Minute), TimeTypeID: "LAK", Purpose: "Välkommen på hälsokontroll."})
			must(t, err)
			return id
		}
		id := publish(hsaA, hour, minute)
		st := tomorrow.Start().Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
		res, err := b.Book(ctx, tidbok.BookRequest{Timeslot: tidbok.Timeslot{ID: id, Facility: hsaA, Start: st, End: st.Add(30 * time.Minute), Subject: who},
			Contact: tidbok.ContactInfo{FirstName: "Test", LastName: "Testsson"}})
		must(t, err)
		return res.BookingID
	}
	f.own = bookAt(11, 30, citizen)
	f.theirs = bookAt(12, 0, otherOne)
	if cfg.Facilities == nil {
		cfg.Facilities = []tidbok.HSAID{hsaA, hsaB}
	}
	if cfg.Consumers == nil {
		cfg.AnyConsumer = true
	}
	if cfg.Clock == nil {
		cfg.Clock = clk.Now
	}
	if cfg.Audit == nil {
		cfg.Audit = f.events
	}
	if cfg.BasePath == "" {
		cfg.BasePath = "/fhir"
	}
	h, err := fhir.New(b, cfg)
	must(t, err)
	f.handler = h
	mux := http.NewServeMux()
	mux.Handle(cfg.BasePath+"/", h)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// reply is an answer of the façade.
type reply struct {
	status int
	body   []byte
	res    map[string]any
}

// do sends a request as actor ("" for none) and keeps the body for the
// validator.
func (f *fixture) do(t testing.TB, method, path, actor string, body any) reply {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		must(t, err)
		rd = bytes.NewReader(b)
	}
	u := path
	if !strings.HasPrefix(u, "http") {
		u = f.srv.URL + "/fhir" + path
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, rd)
	must(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	if actor != "" {
		req.Header.Set(fhir.ActorHeader, actor)
	}
	resp, err := f.srv.Client().Do(req)
	must(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	must(t, err)
	if ct := resp.Header.Get("Content-Type"); ct != fhir.ContentType {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	r := reply{status: resp.StatusCode, body: raw}
	if err := json.Unmarshal(raw, &r.res); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, raw)
	}
	f.mu.Lock()
	f.emitted = append(f.emitted, raw)
	f.mu.Unlock()
	return r
}

func (f *fixture) bodies() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.emitted...)
}

// get reads a path of a JSON value: keys and indexes separated by dots.
func get(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func str(v any, path string) string {
	s, _ := get(v, path).(string)
	return s
}

// entries are the resources of a Bundle's entries but those it includes
// (search mode include, as a $find page's clinic).
func entries(r reply) []map[string]any {
	var out []map[string]any
	for _, e := range asList(get(r.res, "entry")) {
		if str(e, "search.mode") == "include" {
			continue
		}
		if res, ok := get(e, "resource").(map[string]any); ok {
			out = append(out, res)
		}
	}
	return out
}

func asList(v any) []any { l, _ := v.([]any); return l }

// issue returns the code and the citizen's text of an OperationOutcome.
func issue(r reply) (code, text string) {
	return str(r.res, "issue.0.code"), str(r.res, "issue.0.details.text")
}

// expect fails unless r has the status (and, for an OperationOutcome,
// the issue code).
func expect(t testing.TB, what string, r reply, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.status, status, r.body)
	}
	if code != "" {
		if c, _ := issue(r); c != code || str(r.res, "resourceType") != "OperationOutcome" {
			t.Fatalf("%s: issue code %q, want %q\n%s", what, c, code, r.body)
		}
	}
}

// params builds a Parameters resource.
func params(ps ...map[string]any) map[string]any {
	list := make([]any, len(ps))
	for i, p := range ps {
		list[i] = p
	}
	return map[string]any{"resourceType": "Parameters", "parameter": list}
}

func ref(name, reference string) map[string]any {
	return map[string]any{"name": name, "valueReference": map[string]any{"reference": reference}}
}

// bookResource is an appointment-resource for booking slot (a Slot or
// proposed Appointment id) for the patient with a contained Patient.
func bookResource(slot, patient string) map[string]any {
	return map[string]any{"name": "appointment-resource", "resource": map[string]any{
		"resourceType": "Appointment",
		"status":       "pending",
		"slot":         []any{map[string]any{"reference": "Slot/" + slot}},
		"comment":      "Ont i halsen",
		"contained": []any{map[string]any{"resourceType": "Patient", "id": "p",
			"name":    []any{map[string]any{"given": []any{"Tolvan"}, "family": "Tolvansson"}},
			"telecom": []any{map[string]any{"system": "phone", "value": "0701234567"}}}},
		"participant": []any{map[string]any{"actor": map[string]any{"reference": "#p", "identifier": map[string]any{"system": fhir.SystemPersonnummer, "value": patient}}, "status": "needs-action"}},
	}}
}

// holds adapts booking's hold store to the façade's, as a vendor whose
// portal shares it would.
type holds struct{ s *store.MemHolds }

func toStore(h fhir.Hold) store.Hold {
	return store.Hold{Token: h.Token, Clinic: h.Facility, CaseType: "fhir", Subject: h.Subject, BookingID: h.BookingID, Slot: h.Slot, Key: h.Key, Expires: h.Expires}
}

func fromStore(h store.Hold) fhir.Hold {
	return fhir.Hold{Token: h.Token, Facility: h.Clinic, Subject: h.Subject, BookingID: h.BookingID, Slot: h.Slot, Key: h.Key, Expires: h.Expires}
}

func holdErr(err error) error {
	switch {
	case errors.Is(err, store.ErrHeld):
		return fmt.Errorf("%w: %w", fhir.ErrHeld, err)
	case errors.Is(err, store.ErrHoldExpired):
		return fmt.Errorf("%w: %w", fhir.ErrHoldExpired, err)
	}
	return err
}

func (a holds) Acquire(ctx context.Context, h fhir.Hold, now time.Time) (fhir.Hold, error) {
	got, err := a.s.Acquire(ctx, toStore(h), now)
	return fromStore(got), holdErr(err)
}

func (a holds) Get(ctx context.Context, token string) (fhir.Hold, error) {
	got, err := a.s.Get(ctx, token)
	return fromStore(got), holdErr(err)
}

func (a holds) Held(ctx context.Context, facility tidbok.HSAID, now time.Time) ([]fhir.Hold, error) {
	got, err := a.s.Held(ctx, facility, now)
	out := make([]fhir.Hold, len(got))
	for i, h := range got {
		out[i] = fromStore(h)
	}
	return out, holdErr(err)
}

func (a holds) Release(ctx context.Context, token string) error {
	return holdErr(a.s.Release(ctx, token))
}
