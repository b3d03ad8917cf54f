package crmwire

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestActorHeaderWritten(t *testing.T) {
	t.Parallel()
	subject, guardian, staff := pn(t, pnSubject), pn(t, pnGuardian), hsa(t, hsaStaff)
	clinic := hsa(t, hsaClinic)
	tests := []struct {
		name string
		op   tidbok.Operation
		req  any
		want soap.Actor
	}{
		{"zero actor: the subject acts", tidbok.OpSchedule, tidbok.ScheduleRequest{Facility: clinic, Subject: subject},
			soap.Actor{ID: pnSubject, Type: soap.SubjectOfCare}},
		{"a guardian", tidbok.OpSchedule, tidbok.ScheduleRequest{Facility: clinic, Subject: subject, Actor: tidbok.Actor{Person: guardian}},
			soap.Actor{ID: pnGuardian, Type: soap.SubjectOfCare}},
		{"staff", tidbok.OpAvailableDates, tidbok.AvailabilityRequest{Facility: clinic, Subject: subject, From: date(t, "20250101"), To: date(t, "20250102"), Actor: tidbok.Actor{Agent: staff}},
			soap.Actor{ID: hsaStaff, Type: soap.SubjectOfCareAgent}},
		{"details need a named actor", tidbok.OpBookingDetails, tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "1", Actor: tidbok.Actor{Person: subject}},
			soap.Actor{ID: pnSubject, Type: soap.SubjectOfCare}},
		{"book: the subject is in the timeslot", tidbok.OpBook, fixtures(t)[17].req, soap.Actor{ID: pnSubject, Type: soap.SubjectOfCare}},
		{"details: Subject stands in for the actor", tidbok.OpBookingDetails, tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "1", Subject: subject},
			soap.Actor{ID: pnSubject, Type: soap.SubjectOfCare}},
		{"cancel: a guardian for the subject", tidbok.OpCancel, tidbok.CancelRequest{Facility: clinic, BookingID: "1", Subject: pn(t, pnChild), Actor: tidbok.Actor{Person: guardian}},
			soap.Actor{ID: pnGuardian, Type: soap.SubjectOfCare}},
	}
	for _, tt := range tests {
		env, err := EncodeRequest(tt.op, Header{LogicalAddress: hsaClinic}, tt.req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		m, err := soap.Read(bytes.NewReader(env), soap.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&tt.want, m.Header.Actor); diff != "" {
			t.Errorf("%s: actor (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestRequestsWithoutSubjectNeedAnActor(t *testing.T) {
	t.Parallel()
	clinic := hsa(t, hsaClinic)
	for op, req := range map[tidbok.Operation]any{
		tidbok.OpBookingDetails: tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "1"},
		tidbok.OpCancel:         tidbok.CancelRequest{Facility: clinic, BookingID: "1"},
	} {
		_, err := EncodeRequest(op, Header{LogicalAddress: hsaClinic}, req)
		if !errors.Is(err, tidbok.ErrInvalid) {
			t.Errorf("%v: error %v, want ErrInvalid", op, err)
			continue
		}
		fes := tidbok.FieldErrors(err)
		if len(fes) != 1 || fes[0].Field != "Actor" || !strings.Contains(fes[0].Problem, "Subject") {
			t.Errorf("%v: field errors %v", op, fes)
		}
	}
}

func TestEncodeRequestValidates(t *testing.T) {
	t.Parallel()
	_, err := EncodeRequest(tidbok.OpAvailableTimeslots, Header{}, tidbok.AvailabilityRequest{})
	if !errors.Is(err, tidbok.ErrInvalid) {
		t.Fatalf("error %v, want ErrInvalid", err)
	}
	fields := map[string]bool{}
	for _, fe := range tidbok.FieldErrors(err) {
		fields[fe.Field] = true
	}
	for _, f := range []string{"Facility", "Subject", "From", "To", "Header.LogicalAddress"} {
		if !fields[f] {
			t.Errorf("no problem reported for %s in %v", f, err)
		}
	}
}

func TestActorHeaderRead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   tidbok.Actor
	}{
		{"the subject acts", bp21(pnSubject), tidbok.Actor{}},
		{"someone else", bp21(pnGuardian), tidbok.Actor{Person: pn(t, pnGuardian)}},
		{"an agent", bp21Actor(hsaStaff, "subject_of_care_agent"), tidbok.Actor{Agent: hsa(t, hsaStaff)}},
		{"whitespace around values", bp21Actor(" "+pnSubject+"\n", " subject_of_care "), tidbok.Actor{}},
	}
	for _, tt := range tests {
		req, err := DecodeRequest(bytes.NewReader(envelope(tt.header, scheduleBody(pnSubject))), soap.Limits{})
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, req.Value.(tidbok.ScheduleRequest).Actor, cmpOpts); diff != "" {
			t.Errorf("%s: actor (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestSubjectOfDetailsAndCancelIsNotSent: BookingDetailsRequest.Subject
// and CancelRequest.Subject are not wire fields. The producer side gets
// the acting citizen as Actor.Person and a zero Subject; the consumer
// checks the answer itself.
func TestSubjectOfDetailsAndCancelIsNotSent(t *testing.T) {
	t.Parallel()
	clinic, subject := hsa(t, hsaClinic), pn(t, pnSubject)
	tests := []struct {
		op       tidbok.Operation
		req, got any
	}{
		{tidbok.OpBookingDetails,
			tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "B1", Subject: subject},
			tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "B1", Actor: tidbok.Actor{Person: subject}}},
		{tidbok.OpCancel,
			tidbok.CancelRequest{Facility: clinic, BookingID: "B1", Subject: subject, Message: "m"},
			tidbok.CancelRequest{Facility: clinic, BookingID: "B1", Message: "m", Actor: tidbok.Actor{Person: subject}}},
	}
	for _, tt := range tests {
		env, err := EncodeRequest(tt.op, Header{LogicalAddress: hsaClinic}, tt.req)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(env, []byte("subject_of_care>")) {
			t.Errorf("%v: the subject is in the body:\n%s", tt.op, env)
		}
		got, err := DecodeRequest(bytes.NewReader(env), soap.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.got, got.Value, cmpOpts); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tt.op, diff)
		}
	}
}
