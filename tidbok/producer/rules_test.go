package producer_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

func TestLogicalAddressIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	op := tidbok.OpSchedule
	env := encode(t, op, strings.ToLower(clinicA), f.requests(t)[op])
	// The body's facility too, as some consumers write it.
	env = bytes.Replace(env, []byte(">"+clinicA+"<"), []byte(">"+strings.ToLower(clinicA)+"<"), 1)
	if _, err := post(t, f.url(op), action(op), env).decode(t, op); err != nil {
		t.Fatalf("lower-case address: %v", err)
	}
}

// TestUnservedAddressIsRefused: a logical address the producer does not
// serve gets a Client fault saying so, like the platform's VP004, and
// the book is not asked.
func TestUnservedAddressIsRefused(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	cb, url := counted(t, f, producer.Config{})
	for _, addr := range []string{clinicC, "5565594230", "not an HSA-id"} {
		t.Run(addr, func(t *testing.T) {
			op := tidbok.OpSchedule
			env := encode(t, op, addr, tidbok.ScheduleRequest{Facility: hsaA, Subject: citizen})
			c, _ := crmwire.ContractFor(op)
			fault := post(t, url+"/"+c.Path(crmwire.V11), action(op), env).fault(t, op)
			wantClientFault(t, fault, tidbok.ErrNotFound, "logical address", addr, "not served", clinicA, clinicB)
		})
	}
	if n := cb.calls.Load(); n != 0 {
		t.Errorf("the book was called %d times", n)
	}
}

// TestUnservedFacilityInTheBodyIsRefused: the facility a request's body
// names must be served too, whatever the logical address.
func TestUnservedFacilityInTheBodyIsRefused(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	cb, url := counted(t, f, producer.Config{})
	slotC := f.slotTimeslot(t, hsaC, f.slotC)
	for op, req := range map[tidbok.Operation]any{
		tidbok.OpSchedule:           tidbok.ScheduleRequest{Facility: hsaC, Subject: citizen},
		tidbok.OpAvailableTimeslots: tidbok.AvailabilityRequest{Facility: hsaC, Subject: citizen, From: tomorrow, To: tomorrow},
		tidbok.OpBook:               tidbok.BookRequest{Timeslot: slotC, Contact: contact},
		tidbok.OpReschedule:         tidbok.RescheduleRequest{BookingID: f.booking, Timeslot: slotC},
		tidbok.OpCancel:             tidbok.CancelRequest{Facility: hsaC, BookingID: f.booking, Subject: citizen},
	} {
		t.Run(op.Contract(), func(t *testing.T) {
			c, _ := crmwire.ContractFor(op)
			fault := post(t, url+"/"+c.Path(crmwire.V11), action(op), encode(t, op, clinicA, req)).fault(t, op)
			wantClientFault(t, fault, tidbok.ErrNotFound, "healthcare_facility", clinicC, "not served")
		})
	}
	if n := cb.calls.Load(); n != 0 {
		t.Errorf("the book was called %d times", n)
	}
}

var actorHeader = regexp.MustCompile(`<ih:Actor .*</ih:Actor>`)

func TestActorHeaderIsRequired(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	for _, op := range tidbok.Operations() {
		env := encode(t, op, clinicA, f.requests(t)[op])
		env = actorHeader.ReplaceAll(env, nil)
		if bytes.Contains(env, []byte("Actor")) {
			t.Fatalf("the Actor header is still there:\n%s", env)
		}
		fault := post(t, f.url(op), action(op), env).fault(t, op)
		wantClientFault(t, fault, tidbok.ErrInvalid, "Actor", "requires")
	}
	if got := bookings(t, f.book, hsaA); len(got) != 1 {
		t.Errorf("the book changed: %v", got)
	}
}

// TestDispatch: SOAPAction, path and Body must name the same contract;
// either header alone, or neither, is enough.
func TestDispatch(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	schedule := encode(t, tidbok.OpSchedule, clinicA, f.requests(t)[tidbok.OpSchedule])
	careTypes10 := wsaTo(encode(t, tidbok.OpCareTypes, clinicA, f.requests(t)[tidbok.OpCareTypes]))
	const (
		schedulePath = "/vp/crm/scheduling/GetSubjectOfCareSchedule/1/rivtabp21"
		bookingPath  = "/vp/crm/scheduling/MakeBooking/1/rivtabp21"
	)
	tests := []struct {
		name         string
		path, action string
		env          []byte
		fault        []string // nil: answered
	}{
		{"SOAPAction and path agree", schedulePath, action(tidbok.OpSchedule), schedule, nil},
		{"SOAPAction alone", "/", action(tidbok.OpSchedule), schedule, nil},
		{"path alone", schedulePath, "", schedule, nil},
		{"the Body alone", "/anything", "", schedule, nil},
		{"quoted empty SOAPAction", schedulePath, `""`, schedule, nil},
		{"SOAPAction and path disagree", bookingPath, action(tidbok.OpSchedule), schedule,
			[]string{"SOAPAction names GetSubjectOfCareSchedule", "path names MakeBooking"}},
		{"SOAPAction and Body disagree", "/", action(tidbok.OpBook), schedule,
			[]string{"Body holds a GetSubjectOfCareSchedule", "MakeBooking"}},
		{"path and Body disagree", bookingPath, "", schedule,
			[]string{"Body holds a GetSubjectOfCareSchedule", "MakeBooking"}},
		{"unknown SOAPAction", "/", "urn:riv:crm:scheduling:GetCancelledAndRebookedResponder:1:GetCancelledAndRebooked", schedule,
			[]string{"SOAPAction", "GetCancelledAndRebooked"}},
		{"unknown contract in the path", "/GetCancelledAndRebooked/1/rivtabp20", "", schedule,
			[]string{"path", "GetCancelledAndRebooked"}},
		{"RIV-TA 2.0 path, 2.1 headers", "/GetSubjectOfCareSchedule/1/rivtabp20", "", schedule,
			[]string{"rivtabp20", "RIV-TA 2.1", "GetSubjectOfCareSchedule/1/rivtabp21"}},
		{"a 1.1-only contract on a 2.0 path", "/GetAllCareTypes/1/rivtabp20", "", careTypes10,
			[]string{"GetAllCareTypes", "1.1 contract"}},
		{"a 1.1-only contract with 2.0 headers", "/", "", careTypes10,
			[]string{"GetAllCareTypes", "1.1 contract"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, f.srv.URL+tt.path, "", tt.env)
			if tt.action != "" {
				req, _ := http.NewRequest(http.MethodPost, f.srv.URL+tt.path, bytes.NewReader(tt.env))
				req.Header.Set("Content-Type", "text/xml; charset=utf-8")
				req.Header.Set("SOAPAction", tt.action)
				resp = send(t, req)
			}
			op := tidbok.OpSchedule
			if bytes.Contains(tt.env, []byte("GetAllCareTypes")) {
				op = tidbok.OpCareTypes
			}
			_, err := resp.decode(t, op)
			if tt.fault == nil {
				if err != nil {
					t.Fatalf("not answered: %v", err)
				}
				return
			}
			fault := resp.fault(t, op)
			wantClientFault(t, fault, nil, tt.fault...)
		})
	}
}

// wsaTo turns a 1.1 envelope into a 1.0 one: wsa:To instead of
// itr:LogicalAddress, no Actor.
func wsaTo(env []byte) []byte {
	env = actorHeader.ReplaceAll(env, nil)
	la := regexp.MustCompile(`<itr:LogicalAddress xmlns:itr="[^"]*">([^<]*)</itr:LogicalAddress>`)
	return la.ReplaceAll(env, []byte(`<wsa:To xmlns:wsa="http://www.w3.org/2005/08/addressing">$1</wsa:To>`))
}

func send(t testing.TB, req *http.Request) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(resp.Body)
	must(t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: b.Bytes()}
}

// TestAgentRules: an agent may search and make a new booking, and the
// book gets the agent as the Actor; the schedule, booking details,
// rebooking and cancelling are refused without asking the book
// (crm:scheduling §2.4).
func TestAgentRules(t *testing.T) {
	t.Parallel()
	agent := tidbok.Actor{Agent: hsaStaff}
	for _, op := range tidbok.Operations() {
		t.Run(op.Contract(), func(t *testing.T) {
			t.Parallel()
			f := setup(t, producer.Config{})
			cb, url := counted(t, f, producer.Config{})
			req := withActor(f.requests(t)[op], agent)
			c, _ := crmwire.ContractFor(op)
			resp := post(t, url+"/"+c.Path(crmwire.V11), action(op), encode(t, op, clinicA, req))
			switch op {
			case tidbok.OpSchedule, tidbok.OpBookingDetails, tidbok.OpReschedule, tidbok.OpCancel:
				wantClientFault(t, resp.fault(t, op), tidbok.ErrNotAllowed, c.Name, "not allowed for an agent")
				if n := cb.calls.Load(); n != 0 {
					t.Errorf("the book was called %d times", n)
				}
				return
			}
			if _, err := resp.decode(t, op); err != nil {
				t.Fatalf("an agent's %s: %v", c.Name, err)
			}
			if got := cb.last.Load(); got == nil || *got != agent {
				t.Errorf("the book got Actor %v, want the agent", got)
			}
		})
	}
}

// withActor returns req with its Actor set (and, for the contracts
// without a subject of care on the wire, Subject cleared).
func withActor(req any, a tidbok.Actor) any {
	switch r := req.(type) {
	case tidbok.ScheduleRequest:
		r.Actor = a
		return r
	case tidbok.BookingDetailsRequest:
		r.Actor, r.Subject = a, tidbok.PersonalNumber{}
		return r
	case tidbok.TimeTypesRequest:
		r.Actor = a
		return r
	case tidbok.CareTypesRequest:
		r.Actor = a
		return r
	case tidbok.PerformersRequest:
		r.Actor = a
		return r
	case tidbok.FacilitiesRequest:
		r.Actor = a
		return r
	case tidbok.AvailabilityRequest:
		r.Actor = a
		return r
	case tidbok.BookRequest:
		r.Actor = a
		return r
	case tidbok.RescheduleRequest:
		r.Actor = a
		return r
	case tidbok.CancelRequest:
		r.Actor, r.Subject = a, tidbok.PersonalNumber{}
		return r
	}
	panic("withActor: unknown request")
}

// TestGuardianIsPassedOn: a citizen acting for another (a guardian) whom
// the proxy resolver vouches for reaches the book as Actor.Person.
func TestGuardianIsPassedOn(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	vouch := producer.ProxyFunc(func(context.Context, tidbok.PersonalNumber, tidbok.PersonalNumber) error { return nil })
	cb, url := counted(t, f, producer.Config{Proxies: vouch})
	op := tidbok.OpSchedule
	want := tidbok.Actor{Person: tidbok.MustPersonalNumber(guardian)}
	req := withActor(f.requests(t)[op], want)
	if _, err := post(t, url+"/"+mustPath(op), action(op), encode(t, op, clinicA, req)).decode(t, op); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&want, cb.last.Load()); diff != "" {
		t.Errorf("Actor (-want +got):\n%s", diff)
	}
}

func mustPath(op tidbok.Operation) string {
	c, _ := crmwire.ContractFor(op)
	return c.Path(crmwire.V11)
}

// TestUnsupportedContracts: a contract the book's capabilities leave out
// is refused with a Client fault of kind not-supported, and the book is
// not asked.
func TestUnsupportedContracts(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{}, memtidbok.WithCapabilities(tidbok.ReadOnly))
	cb, url := counted(t, f, producer.Config{})
	reqs := f.requests(t)
	for _, op := range tidbok.Operations() {
		c, _ := crmwire.ContractFor(op)
		resp := post(t, url+"/"+c.Path(crmwire.V11), action(op), encode(t, op, clinicA, reqs[op]))
		if op == tidbok.OpSchedule {
			if _, err := resp.decode(t, op); err != nil {
				t.Errorf("%s: %v", c.Name, err)
			}
			continue
		}
		wantClientFault(t, resp.fault(t, op), tidbok.ErrNotSupported, "contract "+c.Name+" is not supported by this producer")
	}
	if n := cb.calls.Load(); n != 1 {
		t.Errorf("the book was called %d times, want once (the schedule)", n)
	}
}

func TestOnlyPOST(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete} {
		req, _ := http.NewRequest(method, f.url(tidbok.OpSchedule), nil)
		resp := send(t, req)
		if resp.status != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d, want 405", method, resp.status)
		}
		if got := resp.header.Get("Allow"); got != http.MethodPost {
			t.Errorf("%s: Allow = %q, want POST", method, got)
		}
	}
}

// TestLimits: a request over the size or depth limit gets a Client fault,
// and the producer keeps serving.
func TestLimits(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{MaxBodyBytes: 4096, MaxDepth: 16})
	op := tidbok.OpSchedule
	env := encode(t, op, clinicA, f.requests(t)[op])
	huge := bytes.Replace(env, []byte("<soapenv:Body>"), []byte("<soapenv:Body><!--"+strings.Repeat("x", 1<<20)+"-->"), 1)
	wantClientFault(t, post(t, f.url(op), action(op), huge).fault(t, op), nil, "larger than 4096 bytes")

	deep := bytes.Replace(env, []byte("<soapenv:Header>"),
		[]byte("<soapenv:Header><x:a xmlns:x=\"urn:x\">"+strings.Repeat("<x:a>", 20)+strings.Repeat("</x:a>", 21)), 1)
	wantClientFault(t, post(t, f.url(op), action(op), deep).fault(t, op), nil, "deeper than 16")

	if _, err := post(t, f.url(op), action(op), env).decode(t, op); err != nil {
		t.Errorf("after the limits: %v", err)
	}
}

func TestDefaultBodyLimit(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	op := tidbok.OpSchedule
	env := encode(t, op, clinicA, f.requests(t)[op])
	huge := bytes.Replace(env, []byte("<soapenv:Body>"), []byte("<soapenv:Body><!--"+strings.Repeat("x", 2<<20)+"-->"), 1)
	wantClientFault(t, post(t, f.url(op), action(op), huge).fault(t, op), nil, "larger than 1048576 bytes")
}

func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	op := tidbok.OpSchedule
	for name, body := range map[string]string{
		"empty":   "",
		"not XML": "hello",
		"DOCTYPE": `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>`,
	} {
		t.Run(name, func(t *testing.T) {
			fault := post(t, f.url(op), action(op), []byte(body)).fault(t, op)
			if !fault.IsClient() {
				t.Errorf("fault %v is not a Client fault", fault)
			}
		})
	}
}

func TestNewChecksTheConfig(t *testing.T) {
	t.Parallel()
	book := memtidbok.New()
	_, err := producer.New(nil, producer.Config{
		Facilities:   []tidbok.HSAID{hsaA, {}},
		MaxBodyBytes: -1,
		MaxDepth:     -1,
	})
	if err == nil {
		t.Fatal("New accepted a nil book and a bad config")
	}
	for _, want := range []string{"book is nil", "Facilities[1]", "MaxBodyBytes", "MaxDepth"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if _, err := producer.New(book, producer.Config{}); err == nil || !strings.Contains(err.Error(), "Facilities is empty") {
		t.Errorf("New without facilities: %v", err)
	}
	if _, err := producer.New(book, producer.Config{Facilities: []tidbok.HSAID{hsaA, hsaA}, AnyConsumer: true}); err != nil {
		t.Errorf("New with a facility twice: %v", err)
	}
}
