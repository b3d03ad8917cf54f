package crmwire

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Test identities. The personal numbers are Luhn-valid test numbers.
const (
	pnSubject  = "191212121212"
	pnGuardian = "198507099805"
	pnChild    = "201001012382"
	pnCoord    = "197010632391" // samordningsnummer (day + 60)
	hsaClinic  = "SE2321000016-A65H"
	hsaOther   = "SE2321000016-1HZ5"
	hsaMed     = "SE2321000016-9XYZ"
	hsaDoctor  = "SE2321000016-DR01"
	hsaNurse   = "SE2321000016-NU02"
	hsaStaff   = "SE2321000016-ST03"
)

func pn(t testing.TB, s string) tidbok.PersonalNumber {
	t.Helper()
	p, err := tidbok.ParsePersonalNumber(s)
	if err != nil {
		t.Fatalf("ParsePersonalNumber(%q): %v", s, err)
	}
	return p
}

func hsa(t testing.TB, s string) tidbok.HSAID {
	t.Helper()
	h, err := tidbok.ParseHSAID(s)
	if err != nil {
		t.Fatalf("ParseHSAID(%q): %v", s, err)
	}
	return h
}

func date(t testing.TB, s string) tidbok.Date {
	t.Helper()
	d, err := tidbok.ParseWireDate(s)
	if err != nil {
		t.Fatalf("ParseWireDate(%q): %v", s, err)
	}
	return d
}

// at returns a Swedish local time (never in the repeated autumn hour).
func at(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := tidbok.ParseWireTime(s)
	if err != nil {
		t.Fatalf("ParseWireTime(%q): %v", s, err)
	}
	return tm
}

// cmpOpts compares tidbok values: unexported fields of tidbok types are
// compared (unless the type has an Equal method), and nil and empty
// slices are equal; an AvailableTimeslotsResult by its slots, whichever
// form (a slice or a compact answer) holds them.
var cmpOpts = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.Transformer("Slots", func(r tidbok.AvailableTimeslotsResult) []tidbok.Timeslot { return r.Slice() }),
	cmp.Exporter(func(t reflect.Type) bool {
		return t.PkgPath() == reflect.TypeFor[tidbok.Timeslot]().PkgPath()
	}),
}

// fullSlot has every field of the wire's TimeslotType set, with text that
// needs escaping and a DocBook purpose.
func fullSlot(t testing.TB) tidbok.Timeslot {
	return tidbok.Timeslot{
		ID:            "BOK-4711 & co",
		Start:         at(t, "20250314093000"),
		End:           at(t, "20250314100000"),
		Facility:      hsa(t, hsaClinic),
		FacilityName:  "Vårdcentralen Åby <Norr>",
		Performer:     hsa(t, hsaDoctor),
		PerformerName: "Dr Anna Maria Öberg",
		Resource:      tidbok.Resource{ID: "R12", Name: "Rum 12"},
		TimeType:      tidbok.TimeType{ID: "TT1", Name: "Läkarbesök"},
		CareType:      tidbok.CareType{ID: "VT9", Name: "Allmänmedicin"},
		Subject:       pn(t, pnSubject),
		Purpose:       `<article><title>Kallelse</title><para>Kom fastande &amp; ta med "legitimation".</para></article>`,
		Reason:        "Ont i ryggen\nsedan två veckor",
		Flags:         tidbok.Flags{MayCancel: true, MayReschedule: true, MayMessage: true},
		Invitation:    true,
	}
}

func fullContact() tidbok.ContactInfo {
	return tidbok.ContactInfo{
		FirstName:  "Tolvan",
		MiddleName: "Mellan",
		LastName:   "Tolvansson",
		Phone:      "+46701234567",
		Email:      "tolvan@example.se",
		Address:    "Storgatan 1, 12345, Åby",
		CoAddress:  "c/o Svensson, Lillgatan 2, 12345, Åby",
	}
}

// fixture is a request and a result of one operation.
type fixture struct {
	name string
	op   tidbok.Operation
	req  any
	res  any
}

// fixtures returns, for every operation, one fixture with every field set
// and one with only the required ones.
func fixtures(t testing.TB) []fixture {
	subject, guardian := pn(t, pnSubject), pn(t, pnGuardian)
	clinic, other := hsa(t, hsaClinic), hsa(t, hsaOther)
	staff := hsa(t, hsaStaff)
	from, to := date(t, "20250310"), date(t, "20250321")

	slot := fullSlot(t)
	booking := slot
	booking.Invitation = false
	freeSlot := slot
	freeSlot.Subject = tidbok.PersonalNumber{}
	freeSlot.Flags = tidbok.Flags{}
	freeSlot.Invitation = false
	freeSlot.Reason = ""
	minSlot := tidbok.Timeslot{Facility: clinic, Start: at(t, "20250314080000"), End: at(t, "20250314081500")}
	openInvitation := tidbok.Timeslot{Facility: clinic, ID: "INV-1", Subject: subject, Invitation: true, Purpose: "Välkommen på mammografi"}

	bookSlot := slot
	bookSlot.Flags = tidbok.Flags{}
	bookSlot.Invitation = false
	rescheduleSlot := slot
	rescheduleSlot.ID = "FREE-99"

	return []fixture{
		{"full", tidbok.OpSchedule,
			tidbok.ScheduleRequest{Facility: clinic, Subject: pn(t, pnChild), Actor: tidbok.Actor{Person: guardian}},
			tidbok.ScheduleResult{Bookings: []tidbok.Timeslot{booking, slot}}},
		{"minimal", tidbok.OpSchedule,
			tidbok.ScheduleRequest{Facility: clinic, Subject: subject},
			tidbok.ScheduleResult{}},

		{"full", tidbok.OpBookingDetails,
			tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "BOK-4711", Actor: tidbok.Actor{Agent: staff}},
			tidbok.BookingDetailsResult{Booking: slot}},
		{"minimal", tidbok.OpBookingDetails,
			tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "INV-1", Actor: tidbok.Actor{Person: subject}},
			tidbok.BookingDetailsResult{Booking: openInvitation}},

		{"full", tidbok.OpTimeTypes,
			tidbok.TimeTypesRequest{Facility: clinic, Subject: subject, CareTypeIDs: []string{"VT1", "VT2"}, Actor: tidbok.Actor{Agent: staff}},
			tidbok.TimeTypesResult{TimeTypes: []tidbok.TimeType{{ID: "TT1", Name: "Läkarbesök"}, {ID: "TT2", Name: "Provtagning"}}}},
		{"minimal", tidbok.OpTimeTypes,
			tidbok.TimeTypesRequest{Facility: clinic, Subject: subject},
			tidbok.TimeTypesResult{}},

		{"full", tidbok.OpCareTypes,
			tidbok.CareTypesRequest{Facility: clinic, Subject: pn(t, pnCoord), TimeTypeIDs: []string{"TT1", "TT2"},
				Performers: []tidbok.HSAID{hsa(t, hsaDoctor), hsa(t, hsaNurse)}, Actor: tidbok.Actor{Person: guardian}},
			tidbok.CareTypesResult{CareTypes: []tidbok.CareType{{ID: "VT1", Name: "Allmänmedicin"}, {ID: "VT2", Name: "Barnhälsovård"}}}},
		{"minimal", tidbok.OpCareTypes,
			tidbok.CareTypesRequest{Facility: clinic, Subject: subject},
			tidbok.CareTypesResult{}},

		{"full", tidbok.OpPerformers,
			tidbok.PerformersRequest{Facility: clinic, Subject: subject, TimeTypeIDs: []string{"TT1"}, CareTypeIDs: []string{"VT1", "VT2"}, Actor: tidbok.Actor{Agent: staff}},
			tidbok.PerformersResult{Performers: []tidbok.Performer{
				{ID: hsa(t, hsaDoctor), FirstName: "Anna", LastName: "Öberg", Title: "Leg. läkare"},
				{ID: hsa(t, hsaNurse), FirstName: "Bo", LastName: "Ek"},
			}}},
		{"minimal", tidbok.OpPerformers,
			tidbok.PerformersRequest{Facility: clinic, Subject: subject},
			tidbok.PerformersResult{}},

		{"full", tidbok.OpFacilities,
			tidbok.FacilitiesRequest{Facility: clinic, Subject: subject, BookingID: "INV-1", Actor: tidbok.Actor{Person: guardian}},
			tidbok.FacilitiesResult{Facilities: []tidbok.Facility{{ID: clinic, Name: "Vårdcentralen Åby"}, {ID: other}}}},
		{"minimal", tidbok.OpFacilities,
			tidbok.FacilitiesRequest{Facility: clinic, Subject: subject},
			tidbok.FacilitiesResult{}},

		{"full", tidbok.OpAvailableDates,
			tidbok.AvailabilityRequest{Facility: clinic, Subject: subject, BookingID: "BOK-4711", From: from, To: to,
				Performers: []tidbok.HSAID{hsa(t, hsaDoctor), hsa(t, hsaNurse)},
				TimeType:   tidbok.TimeType{ID: "TT1", Name: "Läkarbesök"}, CareType: tidbok.CareType{ID: "VT1", Name: "Allmänmedicin"},
				Actor: tidbok.Actor{Agent: staff}},
			tidbok.AvailableDatesResult{Dates: []tidbok.DateAvailability{
				{Facility: clinic, Date: date(t, "20250311"), Performer: hsa(t, hsaDoctor), Resource: tidbok.Resource{ID: "R1", Name: "Rum 1"},
					TimeType: tidbok.TimeType{ID: "TT1", Name: "Läkarbesök"}, CareType: tidbok.CareType{ID: "VT1", Name: "Allmänmedicin"}},
				{Facility: clinic, Date: date(t, "20250312")},
			}}},
		{"minimal", tidbok.OpAvailableDates,
			tidbok.AvailabilityRequest{Facility: clinic, Subject: subject, From: from, To: from},
			tidbok.AvailableDatesResult{}},

		{"full", tidbok.OpAvailableTimeslots,
			tidbok.AvailabilityRequest{Facility: clinic, Subject: subject, BookingID: "BOK-4711", From: from, To: to,
				Performers: []tidbok.HSAID{hsa(t, hsaDoctor)},
				TimeType:   tidbok.TimeType{ID: "TT1", Name: "Läkarbesök"}, CareType: tidbok.CareType{ID: "VT1", Name: "Allmänmedicin"},
				Actor: tidbok.Actor{Person: guardian}},
			tidbok.NewAvailableTimeslots([]tidbok.Timeslot{freeSlot, minSlot, slot})},
		{"minimal", tidbok.OpAvailableTimeslots,
			tidbok.AvailabilityRequest{Facility: clinic, Subject: subject, From: from, To: to},
			tidbok.AvailableTimeslotsResult{}},

		{"full", tidbok.OpBook,
			tidbok.BookRequest{Timeslot: bookSlot, Contact: fullContact(), MedicalFacility: hsa(t, hsaMed),
				Notification: "sms", Actor: tidbok.Actor{Agent: staff}},
			tidbok.BookResult{BookingID: "BOK-4712", Notice: "Kom fastande."}},
		{"minimal", tidbok.OpBook,
			tidbok.BookRequest{Timeslot: tidbok.Timeslot{Facility: clinic, Subject: subject, Start: minSlot.Start, End: minSlot.End},
				Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"}},
			tidbok.BookResult{BookingID: "B1"}},

		{"full", tidbok.OpReschedule,
			tidbok.RescheduleRequest{BookingID: "BOK-4711", Timeslot: rescheduleSlot, Contact: fullContact(),
				Notification: "e-post", Actor: tidbok.Actor{Person: guardian}},
			tidbok.RescheduleResult{Notice: "Ny tid bokad. Ta med remissen."}},
		{"minimal", tidbok.OpReschedule,
			tidbok.RescheduleRequest{BookingID: "BOK-4711",
				Timeslot: tidbok.Timeslot{Facility: clinic, Subject: subject, Start: minSlot.Start, End: minSlot.End}},
			tidbok.RescheduleResult{}},

		{"full", tidbok.OpCancel,
			tidbok.CancelRequest{Facility: clinic, BookingID: "BOK-4711", Message: "Förhindrad <jobb>", Actor: tidbok.Actor{Person: subject}},
			tidbok.CancelResult{Notice: "Avbokad. Välkommen åter."}},
		{"minimal", tidbok.OpCancel,
			tidbok.CancelRequest{Facility: clinic, BookingID: "BOK-4711", Actor: tidbok.Actor{Agent: staff}},
			tidbok.CancelResult{}},
	}
}
