package crmwire

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func decodeDetails(t *testing.T, children string) (tidbok.Timeslot, error) {
	t.Helper()
	res, err := DecodeResponse(tidbok.OpBookingDetails, bytes.NewReader(detailsResponse(children)), soap.Limits{})
	if err != nil {
		return tidbok.Timeslot{}, err
	}
	return res.(tidbok.BookingDetailsResult).Booking, nil
}

func TestIsInvitationReadFromEitherNamespace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		children string
		want     bool
	}{
		{"1.1 namespace", `<core11:isInvitation>true</core11:isInvitation>`, true},
		{"core namespace (2012 build)", `<core:isInvitation>true</core:isInvitation>`, true},
		{"core namespace, 1", `<core:isInvitation> 1 </core:isInvitation>`, true},
		{"1.1 wins over core", `<core:isInvitation>false</core:isInvitation><core11:isInvitation>true</core11:isInvitation>`, true},
		{"absent", ``, false},
		{"false", `<core11:isInvitation>0</core11:isInvitation>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts, err := decodeDetails(t, tt.children)
			if err != nil {
				t.Fatal(err)
			}
			if ts.Invitation != tt.want {
				t.Errorf("Invitation = %v, want %v", ts.Invitation, tt.want)
			}
		})
	}
}

func TestBooleanForms(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"true": true, "false": false, "1": true, "0": false, "\n\t true \r\n": true} {
		ts, err := decodeDetails(t, `<core:cancel_booking_allowed>`+in+`</core:cancel_booking_allowed>`)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if ts.Flags.MayCancel != want {
			t.Errorf("%q read as %v", in, ts.Flags.MayCancel)
		}
	}
	for _, in := range []string{"yes", "TRUE", "True", "", "2"} {
		_, err := decodeDetails(t, `<core:rebooking_allowed>`+in+`</core:rebooking_allowed>`)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: error %v, want ErrMalformed", in, err)
		}
	}
}

func TestUnknownTrailingElementsTolerated(t *testing.T) {
	t.Parallel()
	ext := `<x:extension xmlns:x="urn:example:other"><x:nested a="1">text<x:deeper/></x:nested></x:extension>`
	// In a response: at the end of a timeslot and of the root.
	in := envelope("", `<r:GetBookingDetailsResponse xmlns:r="urn:riv:crm:scheduling:GetBookingDetailsResponder:1"><r:timeslotDetail>`+
		requiredDetails(`<core:bookingId>B1</core:bookingId>`)+ext+
		`</r:timeslotDetail>`+ext+`</r:GetBookingDetailsResponse>`)
	res, err := DecodeResponse(tidbok.OpBookingDetails, bytes.NewReader(in), soap.Limits{})
	if err != nil {
		t.Fatalf("response with extensions: %v", err)
	}
	if id := res.(tidbok.BookingDetailsResult).Booking.ID; id != "B1" {
		t.Errorf("ID = %q", id)
	}
	// In a request, with an unknown header too.
	body := strings.Replace(scheduleBody(pnSubject), `</s:GetSubjectOfCareSchedule>`, ext+`</s:GetSubjectOfCareSchedule>`, 1)
	req, err := DecodeRequest(bytes.NewReader(envelope(bp21(pnSubject)+ext, body)), soap.Limits{})
	if err != nil {
		t.Fatalf("request with extensions: %v", err)
	}
	if req.Op != tidbok.OpSchedule {
		t.Errorf("Op = %v", req.Op)
	}
}

// requireClientFault checks that err is a Client fault matching every
// target, and returns its faultstring.
func requireClientFault(t *testing.T, err error, targets ...error) string {
	t.Helper()
	var f *soap.Fault
	if !errors.As(err, &f) {
		t.Fatalf("error %v (%T) is not a *soap.Fault", err, err)
	}
	if !f.IsClient() {
		t.Errorf("fault %v is not a Client fault", f)
	}
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Errorf("fault %v does not match %v", f, target)
		}
	}
	return f.String
}

func TestDecodeRequestRejects(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("<!-- padding -->", 100)
	deep := strings.Repeat("<x:a xmlns:x=\"urn:x\">", 80) + strings.Repeat("</x:a>", 80)
	tests := []struct {
		name   string
		in     []byte
		lim    soap.Limits
		target error
		says   []string
	}{
		{"DOCTYPE", append([]byte(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>`), bytes.TrimPrefix(envelope(bp21(pnSubject), scheduleBody(pnSubject)), []byte(`<?xml version="1.0" encoding="UTF-8"?>`))...),
			soap.Limits{}, soap.ErrDirective, []string{"DOCTYPE"}},
		{"body over the limit", envelope(bp21(pnSubject), strings.Replace(scheduleBody(pnSubject), "</s:subject_of_care>", "</s:subject_of_care>"+big, 1)),
			soap.Limits{MaxBytes: 1024}, soap.ErrTooLarge, []string{"larger than 1024 bytes"}},
		{"nesting over the limit", envelope(bp21(pnSubject), strings.Replace(scheduleBody(pnSubject), "</s:subject_of_care>", "</s:subject_of_care>"+deep, 1)),
			soap.Limits{}, soap.ErrTooDeep, []string{"deeper than 64"}},
		{"nesting over a custom limit", envelope(bp21(pnSubject), scheduleBody(pnSubject)),
			soap.Limits{MaxDepth: 3}, soap.ErrTooDeep, nil},
		{"unknown payload", envelope(bp21(pnSubject), `<x:Hello xmlns:x="urn:x"/>`),
			soap.Limits{}, ErrMalformed, []string{"{urn:x}Hello"}},
		{"1.0-only contract", envelope(`<wsa:To>`+hsaClinic+`</wsa:To>`, `<g:GetCancelledAndRebooked xmlns:g="urn:riv:crm:scheduling:GetCancelledAndRebookedResponder:1"/>`),
			soap.Limits{}, ErrMalformed, []string{"GetCancelledAndRebooked"}},
		{"no logical address", envelope("", scheduleBody(pnSubject)),
			soap.Limits{}, tidbok.ErrInvalid, []string{"logical address"}},
		{"no actor", envelope(`<itr:LogicalAddress>`+hsaClinic+`</itr:LogicalAddress>`, scheduleBody(pnSubject)),
			soap.Limits{}, tidbok.ErrInvalid, []string{"Actor"}},
		{"bad actor type", envelope(bp21Actor(pnSubject, "doctor"), scheduleBody(pnSubject)),
			soap.Limits{}, tidbok.ErrInvalid, []string{"actorType", "doctor"}},
		{"bad personal number, every problem at once", envelope(bp21("1912121212XX"), `<s:GetSubjectOfCareSchedule xmlns:s="urn:riv:crm:scheduling:GetSubjectOfCareScheduleResponder:1"><s:subject_of_care>19121212-121</s:subject_of_care></s:GetSubjectOfCareSchedule>`),
			soap.Limits{}, tidbok.ErrInvalid, []string{"healthcare_facility: missing", "subject_of_care: not a valid personal identity number", "actorId: not a valid"}},
		{"a fault is not a request", envelope("", `<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>x</faultstring></soapenv:Fault>`),
			soap.Limits{}, ErrMalformed, []string{"Fault"}},
		{"not XML", []byte("hello"), soap.Limits{}, ErrMalformed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := DecodeRequest(bytes.NewReader(tt.in), tt.lim)
			msg := requireClientFault(t, err, ErrMalformed, tt.target)
			for _, s := range tt.says {
				if !strings.Contains(msg, s) {
					t.Errorf("faultstring %q does not say %q", msg, s)
				}
			}
			if strings.Contains(msg, "19121212-121") || strings.Contains(msg, "1912121212XX") {
				t.Errorf("faultstring echoes a personal number: %q", msg)
			}
		})
	}
}

func TestSkippedDSTHourIsAClearError(t *testing.T) {
	t.Parallel()
	// 2025-03-30 02:30 does not exist in Sweden: clocks go from 02:00 to 03:00.
	res := envelope("", `<r:GetAvailableTimeslotsResponse xmlns:r="urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1">
  <r:timeslotDetail><core:startTimeInclusive>20250330010000</core:startTimeInclusive><core:endTimeExclusive>20250330013000</core:endTimeExclusive><core:healthcare_facility>`+hsaClinic+`</core:healthcare_facility></r:timeslotDetail>
  <r:timeslotDetail><core:startTimeInclusive>20250330023000</core:startTimeInclusive><core:endTimeExclusive>20250330033000</core:endTimeExclusive><core:healthcare_facility>`+hsaClinic+`</core:healthcare_facility></r:timeslotDetail>
</r:GetAvailableTimeslotsResponse>`)
	_, err := DecodeResponse(tidbok.OpAvailableTimeslots, bytes.NewReader(res), soap.Limits{})
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("error %v, want ErrMalformed", err)
	}
	if errors.Is(err, tidbok.ErrInvalid) {
		t.Errorf("a bad response matches ErrInvalid, which would blame the request: %v", err)
	}
	for _, s := range []string{"timeslotDetail[2]/startTimeInclusive", "20250330023000"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %q", err, s)
		}
	}

	// The same in a request is a Client fault naming the element.
	book := fixtures(t)[16]
	env, err := EncodeRequest(book.op, Header{LogicalAddress: hsaClinic}, book.req)
	if err != nil {
		t.Fatal(err)
	}
	start := wireTime(book.req.(tidbok.BookRequest).Timeslot.Start)
	env = bytes.Replace(env, []byte(start), []byte("20250330021500"), 1)
	_, err = DecodeRequest(bytes.NewReader(env), soap.Limits{})
	msg := requireClientFault(t, err, tidbok.ErrInvalid)
	if !strings.Contains(msg, "requestedTimeslot/startTimeInclusive") || !strings.Contains(msg, "20250330021500") {
		t.Errorf("faultstring %q does not name the element and value", msg)
	}
}

func TestResponseLimits(t *testing.T) {
	t.Parallel()
	f := fixtures(t)[14] // AvailableTimeslots, full
	env, err := EncodeResponse(f.op, f.res)
	if err != nil {
		t.Fatal(err)
	}
	_, err = DecodeResponse(f.op, bytes.NewReader(env), soap.Limits{MaxBytes: int64(len(env) - 1)})
	if !errors.Is(err, soap.ErrTooLarge) || !errors.Is(err, ErrMalformed) {
		t.Errorf("one byte over the limit: %v, want ErrTooLarge", err)
	}
	if _, err := DecodeResponse(f.op, bytes.NewReader(env), soap.Limits{MaxBytes: int64(len(env))}); err != nil {
		t.Errorf("exactly at the limit: %v", err)
	}
	_, err = DecodeResponse(f.op, bytes.NewReader(env), soap.Limits{MaxDepth: 4})
	if !errors.Is(err, soap.ErrTooDeep) {
		t.Errorf("depth 4: %v, want ErrTooDeep", err)
	}
}

func TestEmptyOptionalsNeverWritten(t *testing.T) {
	t.Parallel()
	// Optional strings that are empty, zero HSA-ids and zero times are
	// left out; nothing comes out as <x/> or <x></x>.
	for _, f := range fixtures(t) {
		if f.name != "minimal" {
			continue
		}
		env, err := EncodeRequest(f.op, Header{LogicalAddress: hsaClinic}, f.req)
		if err != nil {
			t.Fatal(err)
		}
		checkNoEmptyElements(t, f.op.Contract(), env)
		env, err = EncodeResponse(f.op, f.res)
		if err != nil {
			t.Fatal(err)
		}
		checkNoEmptyElements(t, f.op.Contract()+"Response", env)
	}
	// A booking written with flags false still writes them (TKB: always
	// in GetBookingDetails), but a free slot does not.
	det, _ := EncodeResponse(tidbok.OpBookingDetails, tidbok.BookingDetailsResult{Booking: tidbok.Timeslot{Facility: hsa(t, hsaClinic)}})
	for _, e := range []string{"cancel_booking_allowed", "rebooking_allowed", "message_allowed"} {
		if !bytes.Contains(det, []byte("<"+e+` xmlns="urn:riv:crm:scheduling:1">false</`+e+">")) {
			t.Errorf("GetBookingDetailsResponse lacks %s=false:\n%s", e, det)
		}
	}
	free, _ := EncodeResponse(tidbok.OpAvailableTimeslots, tidbok.NewAvailableTimeslots([]tidbok.Timeslot{{Facility: hsa(t, hsaClinic)}}))
	if bytes.Contains(free, []byte("allowed")) || bytes.Contains(free, []byte("isInvitation")) {
		t.Errorf("a free slot carries false flags:\n%s", free)
	}
	// MakeBooking never carries the flags or isInvitation, even when set.
	book := fixtures(t)[16].req.(tidbok.BookRequest)
	book.Timeslot.Flags = tidbok.Flags{MayCancel: true}
	book.Timeslot.Invitation = true
	env, err := EncodeRequest(tidbok.OpBook, Header{LogicalAddress: hsaClinic}, book)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(env, []byte("allowed")) || bytes.Contains(env, []byte("isInvitation")) {
		t.Errorf("MakeBooking carries flags:\n%s", env)
	}
}

func TestRequestValuesChecked(t *testing.T) {
	t.Parallel()
	dates := func(from, to string) []byte {
		return envelope(bp21(pnSubject), `<g:GetAvailableDates xmlns:g="urn:riv:crm:scheduling:GetAvailableDatesResponder:1" xmlns:e="urn:riv:crm:scheduling:GetAvailableDatesResponder:1.1">
  <g:healthcare_facility>`+hsaClinic+`</g:healthcare_facility>
  <g:startDateInclusive>`+from+`</g:startDateInclusive><g:endDateInclusive>`+to+`</g:endDateInclusive>
  <g:performer>SE 123</g:performer>
  <e:subject_of_care>`+pnSubject+`</e:subject_of_care></g:GetAvailableDates>`)
	}
	_, err := DecodeRequest(bytes.NewReader(dates("2025-03-14", "20250230")), soap.Limits{})
	msg := requireClientFault(t, err, tidbok.ErrInvalid)
	for _, s := range []string{`startDateInclusive: "2025-03-14" is not a valid date`, `endDateInclusive: "20250230"`, `performer: "SE 123" is not an HSA-id`} {
		if !strings.Contains(msg, s) {
			t.Errorf("faultstring %q does not say %q", msg, s)
		}
	}
	// Values that parse but break a rule of the request are reported by
	// its Validate.
	in := bytes.Replace(dates("20250320", "20250310"), []byte("SE 123"), []byte(hsaDoctor), 1)
	_, err = DecodeRequest(bytes.NewReader(in), soap.Limits{})
	if msg := requireClientFault(t, err, tidbok.ErrInvalid); !strings.Contains(msg, "inverted") {
		t.Errorf("faultstring %q does not report the inverted range", msg)
	}
}

func TestBookingDetailsResponseNeedsATimeslot(t *testing.T) {
	t.Parallel()
	in := envelope("", `<r:GetBookingDetailsResponse xmlns:r="urn:riv:crm:scheduling:GetBookingDetailsResponder:1"/>`)
	_, err := DecodeResponse(tidbok.OpBookingDetails, bytes.NewReader(in), soap.Limits{})
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "timeslotDetail: missing") {
		t.Errorf("error %v", err)
	}
}
