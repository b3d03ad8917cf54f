package crmwire

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// strictAnswer is an answer that does not follow the schema, and the
// problems its error must name (each a substring of one problem).
type strictAnswer struct {
	name string
	op   tidbok.Operation
	body string // the Body's element; r: is the contract's namespace
	want []string
}

const (
	coreNS = `urn:riv:crm:scheduling:1`
	// slotInResponder is a timeslot's children as a stack built from the
	// WSDLs alone writes them: in the responder's namespace (r:).
	slotInResponder = `<r:startTimeInclusive>20250314093000</r:startTimeInclusive><r:endTimeExclusive>20250314095000</r:endTimeExclusive>` +
		`<r:healthcare_facility>` + hsaClinic + `</r:healthcare_facility><r:bookingId>B1</r:bookingId><r:subject_of_care>` + pnSubject + `</r:subject_of_care>` +
		`<r:cancel_booking_allowed>true</r:cancel_booking_allowed><r:rebooking_allowed>true</r:rebooking_allowed><r:message_allowed>true</r:message_allowed>`
)

// responderNamespaceAnswers are answers of every contract with their core
// elements in the responder's namespace (or, where the schema puts the
// elements in the responder's namespace, in the core one), as node-soap
// servers built from the official WSDLs send them.
func responderNamespaceAnswers() []strictAnswer {
	in := func(op tidbok.Operation, elems ...string) []string {
		c, _ := ContractFor(op)
		var want []string
		for _, e := range elems {
			want = append(want, e+": found in namespace "+c.Namespace+"; the schema puts it in "+coreNS)
		}
		return want
	}
	return []strictAnswer{
		{"schedule", tidbok.OpSchedule, `<r:timeslotDetail>` + slotInResponder + `</r:timeslotDetail>`,
			in(tidbok.OpSchedule, "timeslotDetail[1]/startTimeInclusive", "timeslotDetail[1]/endTimeExclusive",
				"timeslotDetail[1]/healthcare_facility", "timeslotDetail[1]/bookingId", "timeslotDetail[1]/subject_of_care")},
		{"booking details", tidbok.OpBookingDetails, `<r:timeslotDetail>` + slotInResponder + `</r:timeslotDetail>`,
			in(tidbok.OpBookingDetails, "timeslotDetail/startTimeInclusive", "timeslotDetail/healthcare_facility",
				"timeslotDetail/subject_of_care", "timeslotDetail/cancel_booking_allowed", "timeslotDetail/message_allowed")},
		{"time types", tidbok.OpTimeTypes, `<r:ListOfTimeTypes><r:timeTypeName>Läkarbesök</r:timeTypeName><r:timeTypeId>LAK</r:timeTypeId></r:ListOfTimeTypes>`,
			in(tidbok.OpTimeTypes, "ListOfTimeTypes[1]/timeTypeName", "ListOfTimeTypes[1]/timeTypeId")},
		{"care types", tidbok.OpCareTypes, `<r:careTypes><r:careTypeName>Vaccination</r:careTypeName><r:careTypeId>VAC</r:careTypeId></r:careTypes>`,
			in(tidbok.OpCareTypes, "careTypes[1]/careTypeName", "careTypes[1]/careTypeId")},
		{"performers", tidbok.OpPerformers, `<r:performerInfos><r:perfomer>` + hsaDoctor + `</r:perfomer><r:firstName>Ada</r:firstName><r:lastName>Lind</r:lastName></r:performerInfos>`,
			in(tidbok.OpPerformers, "performerInfos[1]/perfomer", "performerInfos[1]/firstName", "performerInfos[1]/lastName")},
		{"facilities", tidbok.OpFacilities, `<r:healthcareFacilityInfos><r:healthcare_facility>` + hsaClinic + `</r:healthcare_facility></r:healthcareFacilityInfos>`,
			in(tidbok.OpFacilities, "healthcareFacilityInfos[1]/healthcare_facility")},
		{"available timeslots", tidbok.OpAvailableTimeslots, `<r:timeslotDetail>` + slotInResponder + `</r:timeslotDetail><r:timeslotDetail>` + slotInResponder + `</r:timeslotDetail>`,
			in(tidbok.OpAvailableTimeslots, "timeslotDetail[1]/startTimeInclusive", "timeslotDetail[2]/startTimeInclusive", "timeslotDetail[2]/healthcare_facility")},
		// PerformerAvailabilityByDateType is the responder schema's own:
		// here the core namespace is the wrong one.
		{"available dates", tidbok.OpAvailableDates, `<r:performerAvailabilityByDate><c:healthcare_facility xmlns:c="` + coreNS + `">` + hsaClinic + `</c:healthcare_facility><c:date xmlns:c="` + coreNS + `">20250314</c:date></r:performerAvailabilityByDate>`,
			[]string{"performerAvailabilityByDate[1]/healthcare_facility: found in namespace " + coreNS + "; the schema puts it in urn:riv:crm:scheduling:GetAvailableDatesResponder:1",
				"performerAvailabilityByDate[1]/date: found in namespace " + coreNS}},
		{"make booking", tidbok.OpBook, `<c:bookingId xmlns:c="` + coreNS + `">B1</c:bookingId><c:resultCode xmlns:c="` + coreNS + `">OK</c:resultCode>`,
			[]string{"bookingId: found in namespace " + coreNS + "; the schema puts it in urn:riv:crm:scheduling:MakeBookingResponder:1", "resultCode: found in namespace " + coreNS}},
		{"update booking", tidbok.OpReschedule, `<resultCode xmlns="">OK</resultCode>`,
			[]string{"resultCode: found in no namespace; the schema puts it in urn:riv:crm:scheduling:UpdateBookingResponder:1"}},
		{"cancel booking", tidbok.OpCancel, `<c:resultCode xmlns:c="` + coreNS + `">OK</c:resultCode>`,
			[]string{"resultCode: found in namespace " + coreNS + "; the schema puts it in urn:riv:crm:scheduling:CancelBookingResponder:1"}},
	}
}

// missingAnswers are answers of every contract with elements it requires
// missing: the XSD's minOccurs, or the TKB's mandatory fields.
func missingAnswers() []strictAnswer {
	c := func(local, v string) string {
		return `<c:` + local + ` xmlns:c="` + coreNS + `">` + v + `</c:` + local + `>`
	}
	return []strictAnswer{
		{"schedule", tidbok.OpSchedule, `<r:timeslotDetail>` + c("healthcare_facility", hsaClinic) + `</r:timeslotDetail>`,
			[]string{"timeslotDetail[1]/startTimeInclusive: missing", "timeslotDetail[1]/endTimeExclusive: missing", "timeslotDetail[1]/bookingId: missing", "timeslotDetail[1]/subject_of_care: missing"}},
		{"booking details without a timeslot", tidbok.OpBookingDetails, ``, []string{"timeslotDetail: missing"}},
		{"booking details without flags or subject", tidbok.OpBookingDetails,
			`<r:timeslotDetail>` + c("startTimeInclusive", "20250314093000") + c("endTimeExclusive", "20250314095000") + c("healthcare_facility", hsaClinic) + `</r:timeslotDetail>`,
			[]string{"timeslotDetail/subject_of_care: missing", "timeslotDetail/cancel_booking_allowed: missing", "timeslotDetail/rebooking_allowed: missing", "timeslotDetail/message_allowed: missing"}},
		{"booking details of a booking without its time", tidbok.OpBookingDetails,
			`<r:timeslotDetail>` + c("healthcare_facility", hsaClinic) + c("subject_of_care", pnSubject) + c("cancel_booking_allowed", "true") + c("rebooking_allowed", "true") + c("message_allowed", "true") + `</r:timeslotDetail>`,
			[]string{"timeslotDetail/startTimeInclusive: missing", "timeslotDetail/endTimeExclusive: missing"}},
		{"time types", tidbok.OpTimeTypes, `<r:ListOfTimeTypes>` + c("timeTypeName", "Läkarbesök") + `</r:ListOfTimeTypes><r:ListOfTimeTypes>` + c("timeTypeName", " ") + c("timeTypeId", "X") + `</r:ListOfTimeTypes>`,
			[]string{"ListOfTimeTypes[1]/timeTypeId: missing", "ListOfTimeTypes[2]/timeTypeName: missing"}},
		{"care types", tidbok.OpCareTypes, `<r:careTypes>` + c("careTypeId", "VAC") + `</r:careTypes>`, []string{"careTypes[1]/careTypeName: missing"}},
		{"performers", tidbok.OpPerformers, `<r:performerInfos>` + c("firstName", "Ada") + `</r:performerInfos>`,
			[]string{"performerInfos[1]/perfomer: missing", "performerInfos[1]/lastName: missing"}},
		{"facilities", tidbok.OpFacilities, `<r:healthcareFacilityInfos>` + c("healthcare_facility_name", "VC") + `</r:healthcareFacilityInfos>`,
			[]string{"healthcareFacilityInfos[1]/healthcare_facility: missing"}},
		{"available dates", tidbok.OpAvailableDates, `<r:performerAvailabilityByDate><r:performer>` + hsaDoctor + `</r:performer></r:performerAvailabilityByDate>`,
			[]string{"performerAvailabilityByDate[1]/healthcare_facility: missing", "performerAvailabilityByDate[1]/date: missing"}},
		{"available timeslots", tidbok.OpAvailableTimeslots, `<r:timeslotDetail>` + c("bookingId", "S1") + `</r:timeslotDetail>`,
			[]string{"timeslotDetail[1]/startTimeInclusive: missing", "timeslotDetail[1]/endTimeExclusive: missing", "timeslotDetail[1]/healthcare_facility: missing"}},
		{"make booking without its ID", tidbok.OpBook, `<r:resultCode>OK</r:resultCode>`, []string{"bookingId: missing"}},
		{"make booking", tidbok.OpBook, `<r:bookingId>B1</r:bookingId>`, []string{"resultCode: missing"}},
		{"update booking", tidbok.OpReschedule, `<r:resultText>Klart</r:resultText>`, []string{"resultCode: missing"}},
		{"cancel booking", tidbok.OpCancel, ``, []string{"resultCode: missing"}},
	}
}

// TestAnswersAreCheckedAsTheSchemaRequires: an answer with a required
// element missing, or with an element in another crm:scheduling namespace
// (or none) than the schema's, is an error naming each such element and
// where it was found; never zero values. Both readers (the fast path and
// encoding/xml) say the same.
func TestAnswersAreCheckedAsTheSchemaRequires(t *testing.T) {
	t.Parallel()
	for group, answers := range map[string][]strictAnswer{
		"in the responder's namespace": responderNamespaceAnswers(),
		"missing":                      missingAnswers(),
	} {
		for _, tt := range answers {
			t.Run(group+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				c, _ := ContractFor(tt.op)
				env := envelope("", `<r:`+c.Name+`Response xmlns:r="`+c.Namespace+`">`+tt.body+`</r:`+c.Name+`Response>`)
				for _, variant := range []struct {
					name string
					env  []byte
				}{
					{"fast path", env},
					// A comment sends the message to the encoding/xml reader,
					// before the payload or within it.
					{"reference path", bytes.Replace(env, []byte("<soapenv:Body>"), []byte("<soapenv:Body><!-- x -->"), 1)},
					{"reference path for the payload", bytes.Replace(env, []byte("</soapenv:Body>"), []byte("<!-- x --></soapenv:Body>"), 1)},
				} {
					res, err := DecodeResponse(tt.op, bytes.NewReader(variant.env), soap.Limits{})
					if err == nil {
						t.Fatalf("%s: decoded %+v, want an error", variant.name, res)
					}
					if res != nil {
						t.Errorf("%s: a result %+v beside the error", variant.name, res)
					}
					if !errors.Is(err, ErrMalformed) {
						t.Errorf("%s: error %v does not match ErrMalformed", variant.name, err)
					}
					if _, ok := errors.AsType[*tidbok.OpError](err); ok {
						t.Errorf("%s: error %v is a write's refusal", variant.name, err)
					}
					problems := strings.Join(Problems(err), "\n")
					for _, want := range tt.want {
						if !strings.Contains(problems, want) {
							t.Errorf("%s: no problem %q in:\n%s", variant.name, want, problems)
						}
					}
					if strings.Contains(err.Error(), pnSubject) || strings.Contains(err.Error(), pnSubject[2:]) {
						t.Errorf("%s: error %q shows the personal number", variant.name, err)
					}
				}
			})
		}
	}
}

// TestElementsOfOtherPartiesNamespacesAreExtensions: an element named as
// one of the schema's but in another party's namespace is an extension,
// ignored as before; one in no namespace is a mistake.
func TestElementsOfOtherPartiesNamespacesAreExtensions(t *testing.T) {
	t.Parallel()
	ext := `<x:bookingId xmlns:x="urn:example:other">X</x:bookingId>`
	res, err := decodeDetails(t, `<core:bookingId>B1</core:bookingId>`+ext)
	if err != nil {
		t.Fatalf("an extension named bookingId: %v", err)
	}
	if res.ID != "B1" {
		t.Errorf("ID = %q, want B1", res.ID)
	}
	_, err = decodeDetails(t, `<bookingId xmlns="">B1</bookingId>`)
	if want := "timeslotDetail/bookingId: found in no namespace"; !strings.Contains(strings.Join(Problems(err), "\n"), want) {
		t.Errorf("error %v: want a problem %q", err, want)
	}
}

// TestRequestElementsInTheWrongNamespaceAreNamed: the producer's fault
// names the namespace a request's element was found in, and does not call
// it missing.
func TestRequestElementsInTheWrongNamespaceAreNamed(t *testing.T) {
	t.Parallel()
	const responder = "urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1"
	body := `<r:GetAvailableTimeslots xmlns:r="` + responder + `"><r:healthcare_facility>` + hsaClinic + `</r:healthcare_facility>` +
		`<r:startDateInclusive>20250310</r:startDateInclusive><r:endDateInclusive>20250314</r:endDateInclusive>` +
		`<r:subject_of_care>` + pnSubject + `</r:subject_of_care></r:GetAvailableTimeslots>`
	_, err := DecodeRequest(bytes.NewReader(envelope(bp21(pnSubject), body)), soap.Limits{})
	s := requireClientFault(t, err, ErrMalformed, tidbok.ErrInvalid)
	if want := "subject_of_care: found in namespace " + responder + "; the schema puts it in " + responder + ".1"; !strings.Contains(s, want) {
		t.Errorf("faultstring %q: want %q", s, want)
	}
	if strings.Contains(s, "subject_of_care: missing") {
		t.Errorf("faultstring %q calls the misplaced element missing", s)
	}
}
