package producer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Test identities. The personal numbers are Luhn-valid test numbers.
const (
	clinicA  = "SE2321000016-A65H" // served
	clinicB  = "SE2321000016-1HZ5" // served
	clinicC  = "SE2321000016-9XYZ" // in the book, not served
	doctor   = "SE2321000016-DR01"
	staffID  = "SE2321000016-ST03"
	subject  = "191212121212"
	guardian = "198507099805"
)

var (
	hsaA, hsaB, hsaC = tidbok.MustHSAID(clinicA), tidbok.MustHSAID(clinicB), tidbok.MustHSAID(clinicC)
	hsaDoctor        = tidbok.MustHSAID(doctor)
	hsaStaff         = tidbok.MustHSAID(staffID)
	citizen          = tidbok.MustPersonalNumber(subject)
	contact          = tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson", Phone: "0701234567"}
	// now is a Monday morning; the fixture's slots are on Tuesday.
	now      = time.Date(2026, time.January, 12, 9, 0, 0, 0, tidbok.Stockholm())
	tomorrow = tidbok.DateOf(now).AddDays(1)
)

// cmpOpts compares tidbok values, unexported fields included, with nil
// and empty slices equal; an AvailableTimeslotsResult by the slots it
// holds, whatever its form.
var cmpOpts = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.Transformer("Slice", tidbok.AvailableTimeslotsResult.Slice),
	cmp.Exporter(func(t reflect.Type) bool {
		return t.PkgPath() == reflect.TypeFor[tidbok.Timeslot]().PkgPath()
	}),
}

// fixture is a book with three clinics, two of them served, free slots
// tomorrow and one booking of the citizen, served over httptest.
type fixture struct {
	book *memtidbok.Book
	// faults wraps book, and the server serves it.
	faults  *faulty.Book
	srv     *httptest.Server
	slots   []string // free slot IDs at clinic A, in time order
	slotB   string   // a free slot at clinic B
	slotC   string   // a free slot at clinic C
	booking string   // the citizen's booking at clinic A, tomorrow 11:30
	free    map[string]tidbok.Timeslot
	logs    *syncBuffer
}

// setup makes the fixture. cfg's Facilities default to A and B, its
// Logger to a buffer the fixture keeps.
func setup(t *testing.T, cfg producer.Config, opts ...memtidbok.Option) *fixture {
	t.Helper()
	b := memtidbok.New(append([]memtidbok.Option{memtidbok.WithClock(func() time.Time { return now })}, opts...)...)
	f := &fixture{book: b, faults: faulty.Wrap(b), logs: new(syncBuffer), free: map[string]tidbok.Timeslot{}}
	for _, h := range []tidbok.HSAID{hsaA, hsaB, hsaC} {
		must(t, b.AddFacility(t.Context(), tidbok.Facility{ID: h, Name: "Mottagning " + h.String()[13:]}))
		must(t, b.AddTimeType(t.Context(), h, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}))
		must(t, b.AddCareType(t.Context(), h, tidbok.CareType{ID: "ALLM", Name: "Allmänmedicin"}))
		must(t, b.AddPerformer(t.Context(), h, tidbok.Performer{ID: hsaDoctor, Title: "Dr", FirstName: "Eva", LastName: "Ek"}))
	}
	publish := func(h tidbok.HSAID, hour, minute int) string {
		start := tomorrow.Start().Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
		id, err := b.Publish(t.Context(), staff.SlotSpec{Facility: h, Start: start, End: start.Add(30 * time.Minute),
			TimeTypeID: "LAK", CareTypeID: "ALLM", Performer: hsaDoctor})
		must(t, err)
		f.free[id] = tidbok.Timeslot{ID: id, Start: start, End: start.Add(30 * time.Minute), Facility: h,
			Performer: hsaDoctor, PerformerName: "Dr Eva Ek",
			TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}, CareType: tidbok.CareType{ID: "ALLM", Name: "Allmänmedicin"}}
		return id
	}
	for _, m := range []int{0, 30, 60} {
		f.slots = append(f.slots, publish(hsaA, 10+m/60, m%60))
	}
	f.slotB = publish(hsaB, 10, 0)
	f.slotC = publish(hsaC, 10, 0)
	if b.Capabilities().Has(tidbok.OpBook) {
		res, err := b.Book(context.Background(), tidbok.BookRequest{Timeslot: f.slotTimeslot(t, hsaA, publish(hsaA, 11, 30)), Contact: contact})
		must(t, err)
		f.booking = res.BookingID
	} else {
		start := tomorrow.Start().Add(11*time.Hour + 30*time.Minute)
		id, err := b.Invite(t.Context(), staff.InvitationSpec{Facility: hsaA, Subject: citizen, Start: start, End: start.Add(30 * time.Minute),
			TimeTypeID: "LAK", Purpose: "Välkommen på hälsokontroll."})
		must(t, err)
		f.booking = id
	}

	if cfg.Facilities == nil {
		cfg.Facilities = []tidbok.HSAID{hsaA, hsaB}
	}
	if cfg.Consumers == nil {
		cfg.AnyConsumer = true
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	h, err := producer.New(f.faults, cfg)
	if err != nil {
		t.Fatalf("producer.New: %v", err)
	}
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() {
		// Personal identity numbers never reach the log unmasked; staff
		// are named by their HSA-ids, as the audit needs.
		logs := f.logs.String()
		for _, secret := range []string{subject, guardian} {
			if strings.Contains(logs, secret) {
				t.Errorf("the log contains %s:\n%s", secret, logs)
			}
		}
	})
	return f
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// slotTimeslot returns the free slot id at facility h, as published, as a
// requested timeslot for the citizen.
func (f *fixture) slotTimeslot(t testing.TB, h tidbok.HSAID, id string) tidbok.Timeslot {
	t.Helper()
	ts, ok := f.free[id]
	if !ok || ts.Facility != h {
		t.Fatalf("no free slot %s at %s", id, h)
	}
	ts.Subject = citizen
	return ts
}

// url returns the service URL of op's contract (1.1).
func (f *fixture) url(op tidbok.Operation) string {
	c, _ := crmwire.ContractFor(op)
	return f.srv.URL + "/vp/crm/scheduling/" + c.Path(crmwire.V11)
}

// encode returns the request envelope a consumer sends for op.
func encode(t testing.TB, op tidbok.Operation, address string, req any) []byte {
	t.Helper()
	env, err := crmwire.EncodeRequest(op, crmwire.Header{LogicalAddress: address}, req)
	if err != nil {
		t.Fatalf("EncodeRequest(%v): %v", op, err)
	}
	return env
}

// response is what the producer answered.
type response struct {
	status int
	header http.Header
	body   []byte
}

// post sends env to url with the SOAPAction of op (none when op is
// noAction).
func post(t testing.TB, url string, action string, env []byte) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(env))
	must(t, err)
	req.Header.Set("Content-Type", soap.ContentType)
	if action != "" {
		req.Header.Set("SOAPAction", soap.QuoteAction(action))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	must(t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func action(op tidbok.Operation) string {
	c, _ := crmwire.ContractFor(op)
	return c.SOAPAction()
}

// do sends req for op to the fixture's clinic A the way a consumer does
// and returns the response.
func (f *fixture) do(t testing.TB, op tidbok.Operation, req any) response {
	t.Helper()
	return post(t, f.url(op), action(op), encode(t, op, clinicA, req))
}

// decode reads the producer's answer to op like a consumer. It checks
// the content type and that the status fits the answer: 200 for a
// response, 500 for a fault.
func (r response) decode(t testing.TB, op tidbok.Operation) (any, error) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != soap.ContentType {
		t.Errorf("Content-Type = %q, want %q", ct, soap.ContentType)
	}
	res, err := crmwire.DecodeResponse(op, bytes.NewReader(r.body), soap.Limits{})
	_, isFault := errors.AsType[*soap.Fault](err)
	switch {
	case isFault && r.status != http.StatusInternalServerError:
		t.Errorf("status %d for a fault, want 500", r.status)
	case !isFault && r.status != http.StatusOK:
		t.Errorf("status %d for an answer, want 200", r.status)
	}
	if err != nil && !isFault {
		if _, ok := errors.AsType[*tidbok.OpError](err); !ok {
			t.Fatalf("the answer to %v does not decode: %v\n%s", op, err, r.body)
		}
	}
	return res, err
}

// fault decodes the answer and returns its fault, failing t if there is
// none.
func (r response) fault(t testing.TB, op tidbok.Operation) *soap.Fault {
	t.Helper()
	_, err := r.decode(t, op)
	f, ok := errors.AsType[*soap.Fault](err)
	if !ok {
		t.Fatalf("answer is not a fault (error %v):\n%s", err, r.body)
	}
	return f
}

// wantClientFault checks that f is a Client fault whose faultstring
// contains every one of words and whose errorKind is kind (nil: none).
func wantClientFault(t testing.TB, f *soap.Fault, kind error, words ...string) {
	t.Helper()
	if !f.IsClient() {
		t.Errorf("fault %v is not a Client fault", f)
	}
	for _, w := range words {
		if !strings.Contains(f.String, w) {
			t.Errorf("faultstring %q does not mention %q", f.String, w)
		}
	}
	got, ok := crmwire.FaultKind(f)
	switch {
	case kind == nil && ok:
		t.Errorf("fault carries errorKind %v, want none", got)
	case kind != nil && got != kind:
		t.Errorf("FaultKind = %v, want %v", got, kind)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers (the log).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// countingBook counts the calls that reach a book and keeps the last
// call's Actor.
type countingBook struct {
	tidbok.Tidbok
	calls atomic.Int64
	last  atomic.Pointer[tidbok.Actor]
}

func (c *countingBook) note(a tidbok.Actor) {
	c.calls.Add(1)
	c.last.Store(&a)
}

func (c *countingBook) Schedule(ctx context.Context, r tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	c.note(r.Actor)
	return c.Tidbok.Schedule(ctx, r)
}

func (c *countingBook) BookingDetails(ctx context.Context, r tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	c.note(r.Actor)
	return c.Tidbok.BookingDetails(ctx, r)
}

func (c *countingBook) TimeTypes(ctx context.Context, r tidbok.TimeTypesRequest) (tidbok.TimeTypesResult, error) {
	c.note(r.Actor)
	return c.Tidbok.TimeTypes(ctx, r)
}

func (c *countingBook) CareTypes(ctx context.Context, r tidbok.CareTypesRequest) (tidbok.CareTypesResult, error) {
	c.note(r.Actor)
	return c.Tidbok.CareTypes(ctx, r)
}

func (c *countingBook) Performers(ctx context.Context, r tidbok.PerformersRequest) (tidbok.PerformersResult, error) {
	c.note(r.Actor)
	return c.Tidbok.Performers(ctx, r)
}

func (c *countingBook) Facilities(ctx context.Context, r tidbok.FacilitiesRequest) (tidbok.FacilitiesResult, error) {
	c.note(r.Actor)
	return c.Tidbok.Facilities(ctx, r)
}

func (c *countingBook) AvailableDates(ctx context.Context, r tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	c.note(r.Actor)
	return c.Tidbok.AvailableDates(ctx, r)
}

func (c *countingBook) AvailableTimeslots(ctx context.Context, r tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	c.note(r.Actor)
	return c.Tidbok.AvailableTimeslots(ctx, r)
}

func (c *countingBook) Book(ctx context.Context, r tidbok.BookRequest) (tidbok.BookResult, error) {
	c.note(r.Actor)
	return c.Tidbok.Book(ctx, r)
}

func (c *countingBook) Reschedule(ctx context.Context, r tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	c.note(r.Actor)
	return c.Tidbok.Reschedule(ctx, r)
}

func (c *countingBook) Cancel(ctx context.Context, r tidbok.CancelRequest) (tidbok.CancelResult, error) {
	c.note(r.Actor)
	return c.Tidbok.Cancel(ctx, r)
}

var _ tidbok.Tidbok = (*countingBook)(nil)

// counted serves a counting wrapper of a fixture's book on a new server
// with cfg (Facilities A and B).
func counted(t *testing.T, f *fixture, cfg producer.Config) (*countingBook, string) {
	t.Helper()
	cb := &countingBook{Tidbok: f.book}
	cfg.Facilities = []tidbok.HSAID{hsaA, hsaB}
	if cfg.Consumers == nil {
		cfg.AnyConsumer = true
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(f.logs, nil))
	}
	h, err := producer.New(cb, cfg)
	must(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return cb, srv.URL
}

// requests returns a valid request of every operation, from the
// citizen at clinic A, using the fixture's slots and booking.
func (f *fixture) requests(t testing.TB) map[tidbok.Operation]any {
	t.Helper()
	avail := tidbok.AvailabilityRequest{Facility: hsaA, Subject: citizen, From: tomorrow, To: tomorrow.AddDays(7)}
	moveTo := f.slotTimeslot(t, hsaA, f.slots[1])
	return map[tidbok.Operation]any{
		tidbok.OpSchedule:           tidbok.ScheduleRequest{Facility: hsaA, Subject: citizen},
		tidbok.OpBookingDetails:     tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: f.booking, Subject: citizen},
		tidbok.OpTimeTypes:          tidbok.TimeTypesRequest{Facility: hsaA, Subject: citizen},
		tidbok.OpCareTypes:          tidbok.CareTypesRequest{Facility: hsaA, Subject: citizen},
		tidbok.OpPerformers:         tidbok.PerformersRequest{Facility: hsaA, Subject: citizen},
		tidbok.OpFacilities:         tidbok.FacilitiesRequest{Facility: hsaA, Subject: citizen},
		tidbok.OpAvailableDates:     avail,
		tidbok.OpAvailableTimeslots: avail,
		tidbok.OpBook:               tidbok.BookRequest{Timeslot: f.slotTimeslot(t, hsaA, f.slots[0]), Contact: contact},
		tidbok.OpReschedule:         tidbok.RescheduleRequest{BookingID: f.booking, Timeslot: moveTo},
		tidbok.OpCancel:             tidbok.CancelRequest{Facility: hsaA, BookingID: f.booking, Subject: citizen},
	}
}

// encodeV10 returns the crm:scheduling 1.0 request envelope for op to
// clinic A.
func encodeV10(op tidbok.Operation, req any) ([]byte, error) {
	return crmwire.EncodeRequest(op, crmwire.Header{LogicalAddress: clinicA, Version: crmwire.V10}, req)
}
