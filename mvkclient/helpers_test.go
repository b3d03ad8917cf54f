package mvkclient_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Test identities: Luhn-valid test personal numbers and made-up HSA-ids.
const (
	pnCitizen  = "191212121212"
	pnGuardian = "198507099805"
	hsaClinic  = "SE2321000016-A65H"
	hsaDoctor  = "SE2321000016-DR01"
	hsaStaff   = "SE2321000016-ST03"
)

var (
	citizen    = tidbok.MustPersonalNumber(pnCitizen)
	guardian   = tidbok.MustPersonalNumber(pnGuardian)
	clinic     = tidbok.MustHSAID(hsaClinic)
	doctor     = tidbok.MustHSAID(hsaDoctor)
	staffAgent = tidbok.MustHSAID(hsaStaff)
)

// at returns 2030-03-14 at hh:mm Swedish time.
func at(hh, mm int) time.Time {
	return time.Date(2030, time.March, 14, hh, mm, 0, 0, tidbok.Stockholm())
}

// call is one request the fake producer received.
type call struct {
	Path   string
	Action string
	Op     tidbok.Operation
	// Header is the envelope's RIV-TA header as read by soap.Read.
	Header soap.Header
	// Req is the request as the producer side of the codec decodes it.
	Req crmwire.Request
}

// reply is how the fake answers one call.
type reply struct {
	status int    // 0 means 200, or 500 for a fault
	body   []byte // the envelope
	delay  time.Duration
	// hangUp closes the connection without an answer.
	hangUp bool
}

// fake is a producer on loopback that records what it receives and
// answers as answer says.
type fake struct {
	srv *httptest.Server

	mu     sync.Mutex
	calls  []call
	answer func(c call, n int) reply // n counts calls of c.Op from 1
}

func newFake(t *testing.T, answer func(c call, n int) reply) *fake {
	t.Helper()
	f := &fake{answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c := call{Path: r.URL.Path, Action: r.Header.Get("SOAPAction")}
	if m, err := soap.Read(bytes.NewReader(raw), soap.Limits{}); err == nil {
		c.Header = m.Header
	}
	req, err := crmwire.DecodeRequest(bytes.NewReader(raw), soap.Limits{})
	if err != nil {
		body, _ := crmwire.EncodeFault(err.(*soap.Fault))
		w.Header().Set("Content-Type", soap.ContentType)
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write(body)
		return
	}
	c.Op, c.Req = req.Op, req
	f.mu.Lock()
	f.calls = append(f.calls, c)
	n := 0
	for _, prev := range f.calls {
		if prev.Op == c.Op {
			n++
		}
	}
	answer := f.answer
	f.mu.Unlock()

	rp := answer(c, n)
	if rp.delay > 0 {
		select {
		case <-time.After(rp.delay):
		case <-r.Context().Done():
		}
	}
	if rp.hangUp {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	status := rp.status
	if status == 0 {
		status = http.StatusOK
		if bytes.Contains(rp.body, []byte("Fault>")) {
			status = http.StatusInternalServerError
		}
	}
	w.Header().Set("Content-Type", soap.ContentType)
	w.WriteHeader(status)
	_, _ = w.Write(rp.body)
}

// ops returns the operations called, in order.
func (f *fake) ops() []tidbok.Operation {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]tidbok.Operation, len(f.calls))
	for i, c := range f.calls {
		out[i] = c.Op
	}
	return out
}

// count returns how many calls of op arrived.
func (f *fake) count(op tidbok.Operation) int {
	n := 0
	for _, o := range f.ops() {
		if o == op {
			n++
		}
	}
	return n
}

func (f *fake) last() call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[len(f.calls)-1]
}

// client returns a client of f with quick retries and no rate limit,
// changed by edit.
func (f *fake) client(t *testing.T, edit func(*mvkclient.Config)) *mvkclient.Client {
	t.Helper()
	cfg := mvkclient.Config{
		BaseURL:          f.srv.URL + "/vp/crm/scheduling",
		HTTPClient:       f.srv.Client(),
		RateLimit:        rate.Inf,
		InitialBackoff:   time.Millisecond,
		MaxBackoff:       5 * time.Millisecond,
		ReconcileDelay:   time.Millisecond,
		ReconcileTimeout: 500 * time.Millisecond,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := mvkclient.New(cfg)
	if err != nil {
		t.Fatalf("mvkclient.New: %v", err)
	}
	return c
}

// ok encodes a successful answer.
func ok(t testing.TB, op tidbok.Operation, result any) reply {
	t.Helper()
	b, err := crmwire.EncodeResponse(op, result)
	if err != nil {
		t.Fatalf("EncodeResponse(%v): %v", op, err)
	}
	return reply{body: b}
}

// refused encodes a write's ERROR answer.
func refused(t testing.TB, op tidbok.Operation, sentinel error, text string) reply {
	t.Helper()
	b, err := crmwire.EncodeWriteError(op, sentinel, text)
	if err != nil {
		t.Fatalf("EncodeWriteError(%v): %v", op, err)
	}
	return reply{body: b}
}

// faultReply encodes a fault.
func faultReply(t testing.TB, f *soap.Fault) reply {
	t.Helper()
	b, err := crmwire.EncodeFault(f)
	if err != nil {
		t.Fatalf("EncodeFault: %v", err)
	}
	return reply{body: b}
}

// booking is a booking of the citizen at the clinic, as Schedule shows it.
func booking(id string, start time.Time) tidbok.Timeslot {
	return tidbok.Timeslot{
		ID:       id,
		Start:    start,
		End:      start.Add(20 * time.Minute),
		Facility: clinic,
		TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"},
		Subject:  citizen,
		Flags:    tidbok.Flags{MayCancel: true, MayReschedule: true},
	}
}

// freeSlot is a free slot at the clinic.
func freeSlot(id string, start time.Time) tidbok.Timeslot {
	return tidbok.Timeslot{
		ID:        id,
		Start:     start,
		End:       start.Add(20 * time.Minute),
		Facility:  clinic,
		Performer: doctor,
		TimeType:  tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"},
	}
}

func bookRequest(slot tidbok.Timeslot) tidbok.BookRequest {
	slot.Subject = citizen
	return tidbok.BookRequest{
		Timeslot: slot,
		Contact:  tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"},
	}
}

func availability() tidbok.AvailabilityRequest {
	d := tidbok.DateOf(at(0, 0))
	return tidbok.AvailabilityRequest{Facility: clinic, Subject: citizen, From: d, To: d.AddDays(7)}
}

func bg(t *testing.T) context.Context { return t.Context() }
