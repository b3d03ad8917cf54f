package producer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

const portal = "SE5565594230-B9P"

// TestAuditEvents: every request about a citizen's bookings is an audit
// event with who, for whom, what, when, where and how it ended; refusals
// by the policy and the agent rules too.
func TestAuditEvents(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	audit := new(auditLog)
	d := newInproc(t, f, producer.Config{Audit: audit})
	reqs := f.requests(t)
	consumer := tidbok.MustHSAID(portal)
	me := tidbok.Actor{Person: citizen}
	send := func(actor tidbok.PersonalNumber, op tidbok.Operation, req any) {
		t.Helper()
		d.send(t, op, encode(t, op, clinicA, withPerson(req, actor)), portal)
	}
	event := func(actor tidbok.Actor, subject tidbok.PersonalNumber, op tidbok.Operation, id string, outcome producer.Outcome) producer.Event {
		return producer.Event{Time: now, Consumer: consumer, Actor: actor, Subject: subject, Facility: hsaA,
			Operation: op, BookingID: id, Outcome: outcome}
	}

	send(citizen, tidbok.OpSchedule, reqs[tidbok.OpSchedule])
	send(citizen, tidbok.OpBookingDetails, reqs[tidbok.OpBookingDetails])
	send(strangerPN, tidbok.OpBookingDetails, reqs[tidbok.OpBookingDetails])
	send(strangerPN, tidbok.OpSchedule, reqs[tidbok.OpSchedule])
	send(citizen, tidbok.OpReschedule, reqs[tidbok.OpReschedule])
	send(citizen, tidbok.OpBook, reqs[tidbok.OpBook])
	send(citizen, tidbok.OpCancel, reqs[tidbok.OpCancel])
	send(citizen, tidbok.OpCancel, reqs[tidbok.OpCancel])
	agentCancel := withActor(reqs[tidbok.OpCancel], tidbok.Actor{Agent: hsaStaff})
	d.send(t, tidbok.OpCancel, encode(t, tidbok.OpCancel, clinicA, agentCancel), portal)
	// Not about bookings: no event.
	send(citizen, tidbok.OpTimeTypes, reqs[tidbok.OpTimeTypes])

	got := audit.take()
	var newID string
	if len(got) > 5 {
		newID = got[5].BookingID
	}
	if newID == "" || newID == f.booking {
		t.Errorf("the MakeBooking event names booking %q, want the new booking's ID", newID)
	}
	want := []producer.Event{
		event(me, citizen, tidbok.OpSchedule, "", producer.OutcomeDone),
		event(me, citizen, tidbok.OpBookingDetails, f.booking, producer.OutcomeDone),
		event(tidbok.Actor{Person: strangerPN}, citizen, tidbok.OpBookingDetails, f.booking, producer.OutcomeForbidden),
		event(tidbok.Actor{Person: strangerPN}, citizen, tidbok.OpSchedule, "", producer.OutcomeForbidden),
		event(me, citizen, tidbok.OpReschedule, f.booking, producer.OutcomeDone),
		event(me, citizen, tidbok.OpBook, newID, producer.OutcomeDone),
		event(me, citizen, tidbok.OpCancel, f.booking, producer.OutcomeDone),
		event(me, citizen, tidbok.OpCancel, f.booking, producer.OutcomeNotFound),
		event(tidbok.Actor{Agent: hsaStaff}, tidbok.PersonalNumber{}, tidbok.OpCancel, f.booking, producer.OutcomeForbidden),
	}
	if diff := cmp.Diff(want, got, cmpOpts, cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().String() == ".Detail"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	for _, e := range got {
		if e.Outcome != producer.OutcomeDone && e.Outcome != producer.OutcomeNotFound && e.Detail == "" {
			t.Errorf("the %s event of %s has no detail", e.Outcome, e.Operation)
		}
	}
	if len(got) > 0 && got[0].Detail != "1 bookings" {
		t.Errorf("the schedule's detail is %q, want the number of bookings shown", got[0].Detail)
	}
}

// TestAuditFailureRefusesReads: a read whose event cannot be recorded is
// not answered with the data; a write that reached the book stands.
func TestAuditFailureRefusesReads(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	audit := &auditLog{fail: errors.New("audit table unavailable")}
	d := newInproc(t, f, producer.Config{Audit: audit})
	reqs := f.requests(t)
	for _, op := range []tidbok.Operation{tidbok.OpSchedule, tidbok.OpBookingDetails} {
		fault := d.as(t, citizen, op, reqs[op]).fault(t, op)
		if fault.IsClient() || !strings.Contains(fault.String, "could not be logged") {
			t.Errorf("%s with a failing audit: %v, want a Server fault", op.Contract(), fault)
		}
	}
	if _, err := d.as(t, citizen, tidbok.OpCancel, reqs[tidbok.OpCancel]).decode(t, tidbok.OpCancel); err != nil {
		t.Errorf("CancelBooking with a failing audit: %v, want it done", err)
	}
	if _, err := f.book.BookingDetails(t.Context(), tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: f.booking}); !notFound(err) {
		t.Errorf("the booking after the cancel: %v, want it cancelled", err)
	}
	logs := d.logs.String()
	if n := strings.Count(logs, "audit_error="); n != 3 {
		t.Errorf("the log names %d audit failures, want 3:\n%s", n, logs)
	}
}

// TestAuditDefaultsToTheLog: without a sink, events go to the Logger,
// masked; each request's log line names the booking and the actor,
// masked.
func TestAuditDefaultsToTheLog(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	d := newInproc(t, f, producer.Config{})
	reqs := f.requests(t)
	d.as(t, citizen, tidbok.OpBookingDetails, reqs[tidbok.OpBookingDetails])
	d.as(t, strangerPN, tidbok.OpCancel, reqs[tidbok.OpCancel])
	logs := d.logs.String()
	for _, want := range []string{
		`msg="crm:scheduling audit"`,
		"subject=19121212-****",
		"actor=19121212-****",
		"actor=19900101-****",
		"outcome=forbidden",
		"booking_id=" + f.booking,
		`msg="crm:scheduling request"`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %s:\n%s", want, logs)
		}
	}
	// newInproc's cleanup checks that no full number is in the log.
}

// TestAuditTextIsMasked: a book's error text that names a personal
// identity number reaches neither the event nor the log in full.
func TestAuditTextIsMasked(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	audit := new(auditLog)
	b := &chattyBook{Tidbok: f.book}
	h, err := producer.New(b, producer.Config{Facilities: []tidbok.HSAID{hsaA}, AnyConsumer: true, Audit: audit})
	must(t, err)
	d := &inproc{h: h}
	d.as(t, citizen, tidbok.OpSchedule, f.requests(t)[tidbok.OpSchedule])
	for _, e := range audit.take() {
		if text := fmt.Sprintf("%v %+v %s", e, e, e.Detail); strings.Contains(text, subject) || !strings.Contains(e.Detail, "19121212") {
			t.Errorf("event %s", text)
		}
	}
}

// chattyBook fails Schedule with an error that names the citizen.
type chattyBook struct{ tidbok.Tidbok }

func (chattyBook) Schedule(_ context.Context, r tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	return tidbok.ScheduleResult{}, fmt.Errorf("connection to the journal lost while reading %s", r.Subject.Canonical())
}
