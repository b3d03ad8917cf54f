package producer_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

// More test identities: another adult and a child of the guardian.
const (
	stranger = "199001012385"
	child    = "201802022382"
)

var (
	strangerPN = tidbok.MustPersonalNumber(stranger)
	childPN    = tidbok.MustPersonalNumber(child)
	guardianPN = tidbok.MustPersonalNumber(guardian)
)

// auditLog collects audit events.
type auditLog struct {
	mu     sync.Mutex
	events []producer.Event
	fail   error
}

func (a *auditLog) Record(_ context.Context, e producer.Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail != nil {
		return a.fail
	}
	a.events = append(a.events, e)
	return nil
}

func (a *auditLog) take() []producer.Event {
	a.mu.Lock()
	defer a.mu.Unlock()
	e := a.events
	a.events = nil
	return e
}

// inproc is a handler over a fixture's book, called without a network.
type inproc struct {
	h    *producer.Handler
	logs *syncBuffer
}

func newInproc(t *testing.T, f *fixture, cfg producer.Config) *inproc {
	t.Helper()
	d := &inproc{logs: new(syncBuffer)}
	if cfg.Facilities == nil {
		cfg.Facilities = []tidbok.HSAID{hsaA, hsaB}
	}
	if cfg.Consumers == nil {
		cfg.AnyConsumer = true
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(d.logs, nil))
	}
	if cfg.Clock == nil {
		cfg.Clock = func() time.Time { return now }
	}
	h, err := producer.New(f.book, cfg)
	must(t, err)
	d.h = h
	t.Cleanup(func() {
		logs := d.logs.String()
		for _, secret := range []string{subject, guardian, stranger, child} {
			if strings.Contains(logs, secret) {
				t.Errorf("the log contains %s:\n%s", secret, logs)
			}
		}
	})
	return d
}

// send serves env for op as from a consumer whose verified client
// certificate names consumer ("" for none).
func (d *inproc) send(t testing.TB, op tidbok.Operation, env []byte, consumer string) response {
	t.Helper()
	c, _ := crmwire.ContractFor(op)
	r := httptest.NewRequest(http.MethodPost, "/vp/crm/scheduling/"+c.Path(crmwire.V11), bytes.NewReader(env))
	r.Header.Set("Content-Type", soap.ContentType)
	r.Header.Set("SOAPAction", soap.QuoteAction(c.SOAPAction()))
	if consumer != "" {
		cert := &x509.Certificate{Subject: pkix.Name{SerialNumber: consumer}}
		r.TLS = &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{cert}}}
	}
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, r)
	body, _ := io.ReadAll(w.Result().Body)
	return response{status: w.Code, header: w.Header(), body: body}
}

// as sends req for op to clinic A with ih:Actor naming actor
// (subject_of_care).
func (d *inproc) as(t testing.TB, actor tidbok.PersonalNumber, op tidbok.Operation, req any) response {
	t.Helper()
	return d.send(t, op, encode(t, op, clinicA, withPerson(req, actor)), "")
}

// withPerson returns req as sent with actor in the ih:Actor header.
func withPerson(req any, actor tidbok.PersonalNumber) any {
	switch r := req.(type) {
	case tidbok.BookingDetailsRequest:
		r.Subject, r.Actor = actor, tidbok.Actor{}
		return r
	case tidbok.CancelRequest:
		r.Subject, r.Actor = actor, tidbok.Actor{}
		return r
	case tidbok.ScheduleRequest:
		if r.Subject != actor {
			r.Actor = tidbok.Actor{Person: actor}
		}
		return r
	case tidbok.BookRequest:
		if r.Timeslot.Subject != actor {
			r.Actor = tidbok.Actor{Person: actor}
		}
		return r
	case tidbok.RescheduleRequest:
		if r.Timeslot.Subject != actor {
			r.Actor = tidbok.Actor{Person: actor}
		}
		return r
	}
	return req // a search: the subject acts
}

// sameApartFrom reports whether two answers are byte for byte the same
// once each one's ids are replaced by a placeholder.
func sameApartFrom(a, b []byte, idsA, idsB []string) bool {
	for _, id := range idsA {
		a = bytes.ReplaceAll(a, []byte(id), []byte("ID"))
	}
	for _, id := range idsB {
		b = bytes.ReplaceAll(b, []byte(id), []byte("ID"))
	}
	return bytes.Equal(a, b)
}

// TestAnotherCitizensBookingIsUnknown: a citizen who names another's
// booking ID in GetBookingDetails, CancelBooking or UpdateBooking (also
// claiming to act for its owner) gets exactly the answer of an unknown
// booking ID, and the booking stays as it was.
func TestAnotherCitizensBookingIsUnknown(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	d := newInproc(t, f, producer.Config{})
	const unknown = "no-such-booking-000"
	before, err := f.book.BookingDetails(t.Context(), tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: f.booking})
	must(t, err)
	moveTo := f.slotTimeslot(t, hsaA, f.slots[1])

	tests := []struct {
		name string
		op   tidbok.Operation
		req  func(id string, subject tidbok.PersonalNumber) any
	}{
		{"GetBookingDetails", tidbok.OpBookingDetails, func(id string, _ tidbok.PersonalNumber) any {
			return tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: id}
		}},
		{"CancelBooking", tidbok.OpCancel, func(id string, _ tidbok.PersonalNumber) any {
			return tidbok.CancelRequest{Facility: hsaA, BookingID: id}
		}},
		{"UpdateBooking for oneself", tidbok.OpReschedule, func(id string, _ tidbok.PersonalNumber) any {
			ts := moveTo
			ts.Subject = strangerPN
			return tidbok.RescheduleRequest{BookingID: id, Timeslot: ts}
		}},
		{"UpdateBooking claiming to act for the owner", tidbok.OpReschedule, func(id string, subject tidbok.PersonalNumber) any {
			ts := moveTo
			ts.Subject = subject
			return tidbok.RescheduleRequest{BookingID: id, Timeslot: ts}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other := d.as(t, strangerPN, tt.op, tt.req(f.booking, citizen))
			none := d.as(t, strangerPN, tt.op, tt.req(unknown, citizen))
			if !sameApartFrom(other.body, none.body, []string{f.booking}, []string{unknown}) || other.status != none.status {
				t.Errorf("another's booking is answered\n%d %s\nan unknown one\n%d %s", other.status, other.body, none.status, none.body)
			}
			if _, err := other.decode(t, tt.op); !notFound(err) {
				t.Errorf("answer %v, want not found", err)
			}
		})
	}
	after, err := f.book.BookingDetails(t.Context(), tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: f.booking})
	if err != nil {
		t.Fatalf("the booking is gone: %v", err)
	}
	if !after.Booking.Start.Equal(before.Booking.Start) || after.Booking.Subject != citizen {
		t.Errorf("the booking changed: %+v, was %+v", after.Booking, before.Booking)
	}
	// The owner still reads and cancels it.
	if _, err := d.as(t, citizen, tidbok.OpBookingDetails, tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: f.booking}).decode(t, tidbok.OpBookingDetails); err != nil {
		t.Errorf("the owner's GetBookingDetails: %v", err)
	}
	if _, err := d.as(t, citizen, tidbok.OpCancel, tidbok.CancelRequest{Facility: hsaA, BookingID: f.booking}).decode(t, tidbok.OpCancel); err != nil {
		t.Errorf("the owner's CancelBooking: %v", err)
	}
}

// TestProxyMustBeVouchedFor: a citizen acting for another is let through
// only with the resolver's word; schedule and new bookings for another
// are refused with not-allowed, without asking the book.
func TestProxyMustBeVouchedFor(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	// The child's booking.
	slot := f.slotTimeslot(t, hsaA, f.slots[2])
	slot.Subject = childPN
	res, err := f.book.Book(t.Context(), tidbok.BookRequest{Timeslot: slot, Contact: contact})
	must(t, err)
	booked := res.BookingID
	register := producer.GuardianRegister(guardianFunc(func(_ context.Context, g, c tidbok.PersonalNumber) (bool, error) {
		return g == guardianPN && c == childPN, nil
	}))
	strict := newInproc(t, f, producer.Config{})
	vouched := newInproc(t, f, producer.Config{Proxies: producer.GuardianUnder13(register, func() time.Time { return now })})

	details := tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: booked}
	schedule := tidbok.ScheduleRequest{Facility: hsaA, Subject: childPN}
	newBooking := tidbok.BookRequest{Timeslot: f.slotTimeslot(t, hsaA, f.slots[0]), Contact: contact}
	newBooking.Timeslot.Subject = childPN

	if _, err := strict.as(t, guardianPN, tidbok.OpBookingDetails, details).decode(t, tidbok.OpBookingDetails); !notFound(err) {
		t.Errorf("a guardian's GetBookingDetails without a resolver: %v, want not found", err)
	}
	f2 := strict.as(t, guardianPN, tidbok.OpSchedule, schedule).fault(t, tidbok.OpSchedule)
	wantClientFault(t, f2, tidbok.ErrNotAllowed, "GetSubjectOfCareSchedule", "may not act for")
	f3 := strict.as(t, guardianPN, tidbok.OpBook, newBooking).fault(t, tidbok.OpBook)
	wantClientFault(t, f3, tidbok.ErrNotAllowed, "MakeBooking", "may not act for")
	if _, err := vouched.as(t, strangerPN, tidbok.OpBookingDetails, details).decode(t, tidbok.OpBookingDetails); !notFound(err) {
		t.Errorf("a stranger's GetBookingDetails: %v, want not found", err)
	}

	got, err := vouched.as(t, guardianPN, tidbok.OpBookingDetails, details).decode(t, tidbok.OpBookingDetails)
	if err != nil || got.(tidbok.BookingDetailsResult).Booking.ID != booked {
		t.Errorf("the guardian's GetBookingDetails: %v, %v", got, err)
	}
	sched, err := vouched.as(t, guardianPN, tidbok.OpSchedule, schedule).decode(t, tidbok.OpSchedule)
	if err != nil || len(sched.(tidbok.ScheduleResult).Bookings) != 1 {
		t.Errorf("the guardian's GetSubjectOfCareSchedule: %v, %v", sched, err)
	}
	if _, err := vouched.as(t, guardianPN, tidbok.OpCancel, tidbok.CancelRequest{Facility: hsaA, BookingID: booked}).decode(t, tidbok.OpCancel); err != nil {
		t.Errorf("the guardian's CancelBooking: %v", err)
	}
	if _, err := f.book.BookingDetails(t.Context(), details); !notFound(err) {
		t.Errorf("the child's booking after the guardian cancelled it: %v", err)
	}
}

type guardianFunc func(ctx context.Context, g, c tidbok.PersonalNumber) (bool, error)

func (f guardianFunc) IsGuardian(ctx context.Context, g, c tidbok.PersonalNumber) (bool, error) {
	return f(ctx, g, c)
}

func TestGuardianUnder13(t *testing.T) {
	t.Parallel()
	down := errors.New("register down")
	teen := tidbok.MustPersonalNumber("201001012382") // 16 on the test date
	reg := guardianFunc(func(_ context.Context, g, c tidbok.PersonalNumber) (bool, error) {
		if c == strangerPN {
			return false, down
		}
		return g == guardianPN, nil
	})
	clock := func() time.Time { return now }
	tests := []struct {
		name           string
		reg            producer.GuardianRegister
		actor, subject tidbok.PersonalNumber
		want           error // nil, ErrNoRelation, or down
	}{
		{"guardian of a child", reg, guardianPN, childPN, nil},
		{"not a guardian", reg, strangerPN, childPN, producer.ErrNoRelation},
		{"a child of 13 or more", reg, guardianPN, teen, producer.ErrNoRelation},
		{"no register", nil, guardianPN, childPN, producer.ErrNoRelation},
	}
	for _, tt := range tests {
		err := producer.GuardianUnder13(tt.reg, clock).MayActFor(t.Context(), tt.actor, tt.subject)
		if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	// A failing register is not a "no": it does not match ErrNoRelation.
	under := tidbok.MustPersonalNumber("201802022382")
	failing := guardianFunc(func(context.Context, tidbok.PersonalNumber, tidbok.PersonalNumber) (bool, error) { return false, down })
	err := producer.GuardianUnder13(failing, clock).MayActFor(t.Context(), guardianPN, under)
	if !errors.Is(err, down) || errors.Is(err, producer.ErrNoRelation) {
		t.Errorf("a failing register: %v", err)
	}
}

// TestStrictRefusesVersion10: crm:scheduling 1.0 names no actor, so the
// strict policy refuses its contracts about bookings, and answers its
// search contracts.
func TestStrictRefusesVersion10(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	for op, req := range f.requests(t) {
		c, _ := crmwire.ContractFor(op)
		if !c.InV10 {
			continue
		}
		env, err := encodeV10(op, req)
		must(t, err)
		url := strings.Replace(f.url(op), "rivtabp21", "rivtabp20", 1)
		resp := post(t, url, action(op), env)
		switch op {
		case tidbok.OpSchedule, tidbok.OpBookingDetails, tidbok.OpBook, tidbok.OpReschedule, tidbok.OpCancel:
			wantClientFault(t, resp.fault(t, op), tidbok.ErrNotAllowed, c.Name, "1.0", "ih:Actor")
		default:
			if _, err := resp.decode(t, op); err != nil {
				t.Errorf("%s over 1.0: %v", c.Name, err)
			}
		}
	}
}

// TestTrustPlatformPassesRequestsOn: under TrustPlatform the handler
// leaves the checks to the platform and the book.
func TestTrustPlatformPassesRequestsOn(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	audit := new(auditLog)
	d := newInproc(t, f, producer.Config{Policy: producer.TrustPlatform, Audit: audit})
	got, err := d.as(t, strangerPN, tidbok.OpBookingDetails, tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: f.booking}).decode(t, tidbok.OpBookingDetails)
	if err != nil || got.(tidbok.BookingDetailsResult).Booking.ID != f.booking {
		t.Errorf("GetBookingDetails under TrustPlatform: %v, %v", got, err)
	}
	// The audit names whose booking was read, from the answer.
	if ev := audit.take(); len(ev) != 1 || ev[0].Subject != citizen || ev[0].Actor.Person != strangerPN || ev[0].Outcome != producer.OutcomeDone {
		t.Errorf("events %+v, want the read of the citizen's booking by the other", ev)
	}
}

// TestConsumerAllowlist: only the listed consumers' certificates may
// call; others are refused before the book is asked.
func TestConsumerAllowlist(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	cb := &countingBook{Tidbok: f.book}
	h, err := producer.New(cb, producer.Config{
		Facilities: []tidbok.HSAID{hsaA},
		Consumers:  []tidbok.HSAID{tidbok.MustHSAID("SE5565594230-B9P")},
	})
	must(t, err)
	d := &inproc{h: h}
	op := tidbok.OpTimeTypes
	env := encode(t, op, clinicA, f.requests(t)[op])
	if _, err := d.send(t, op, env, "se5565594230-b9p").decode(t, op); err != nil {
		t.Errorf("the listed consumer: %v", err)
	}
	wantClientFault(t, d.send(t, op, env, "SE2321000016-OTHR").fault(t, op), tidbok.ErrNotAllowed, "SE2321000016-OTHR", "may not call")
	wantClientFault(t, d.send(t, op, env, "").fault(t, op), tidbok.ErrNotAllowed, "no verified client certificate")
	if n := cb.calls.Load(); n != 1 {
		t.Errorf("the book was called %d times, want once", n)
	}
}

// TestNewNeedsConsumers: the zero Config names nobody who may call, and
// New says so with the other problems.
func TestNewNeedsConsumers(t *testing.T) {
	t.Parallel()
	book := f0(t)
	_, err := producer.New(book, producer.Config{MaxDepth: -1})
	for _, want := range []string{"Facilities is empty", "names no consumers", "Config.AnyConsumer", "MaxDepth"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New(zero Config) = %v; want it to mention %q", err, want)
		}
	}
	_, err = producer.New(book, producer.Config{
		Facilities:  []tidbok.HSAID{hsaA},
		Consumers:   []tidbok.HSAID{{}},
		AnyConsumer: true,
		Policy:      producer.TrustPlatform,
		Proxies:     producer.ProxyFunc(func(context.Context, tidbok.PersonalNumber, tidbok.PersonalNumber) error { return nil }),
	})
	for _, want := range []string{"both set", "Consumers[0]", "Proxies is set under TrustPlatform"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New = %v; want it to mention %q", err, want)
		}
	}
	if _, err := producer.New(book, producer.Config{Facilities: []tidbok.HSAID{hsaA}, AnyConsumer: true, Policy: 7}); err == nil || !strings.Contains(err.Error(), "Policy(7)") {
		t.Errorf("New with Policy 7: %v", err)
	}
}

func f0(t *testing.T) tidbok.Tidbok {
	t.Helper()
	return setup(t, producer.Config{}).book
}

// notFound reports whether a decoded answer says not found: a write's
// resultCode ERROR or a read's fault of that kind.
func notFound(err error) bool {
	if f, ok := errors.AsType[*soap.Fault](err); ok {
		kind, _ := crmwire.FaultKind(f)
		return kind == tidbok.ErrNotFound
	}
	return errors.Is(err, tidbok.ErrNotFound)
}

// TestFailingProxyResolver: a resolver that cannot tell refuses. Where
// the request names its subject of care the consumer hears that nothing
// was done; where it names only a booking, the answer is the unknown
// booking's, so that the failure does not show that the booking exists.
func TestFailingProxyResolver(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	audit := new(auditLog)
	down := producer.ProxyFunc(func(context.Context, tidbok.PersonalNumber, tidbok.PersonalNumber) error {
		return errors.New("population register unavailable")
	})
	d := newInproc(t, f, producer.Config{Proxies: down, Audit: audit})

	fault := d.as(t, guardianPN, tidbok.OpSchedule, tidbok.ScheduleRequest{Facility: hsaA, Subject: citizen}).fault(t, tidbok.OpSchedule)
	if kind, _ := crmwire.FaultKind(fault); fault.IsClient() || kind != tidbok.ErrNotSent {
		t.Errorf("GetSubjectOfCareSchedule with a failing resolver: %v (kind %v), want a Server fault of kind not-sent", fault, kind)
	}
	other := d.as(t, guardianPN, tidbok.OpBookingDetails, tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: f.booking})
	none := d.as(t, guardianPN, tidbok.OpBookingDetails, tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: "no-such-booking-000"})
	if !sameApartFrom(other.body, none.body, []string{f.booking}, []string{"no-such-booking-000"}) {
		t.Errorf("with a failing resolver, an existing booking is answered\n%s\nan unknown one\n%s", other.body, none.body)
	}
	events := audit.take()
	if len(events) != 3 || events[0].Outcome != producer.OutcomeFailed || events[1].Outcome != producer.OutcomeFailed ||
		events[1].Subject != citizen || !strings.Contains(events[1].Detail, "population register unavailable") {
		t.Errorf("events %+v, want the resolver's failures recorded", events)
	}
}
