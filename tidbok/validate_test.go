package tidbok_test

import (
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// fields returns the sorted field names of err's problems.
func fields(err error) []string {
	var out []string
	for _, fe := range tidbok.FieldErrors(err) {
		out = append(out, fe.Field)
	}
	sort.Strings(out)
	return out
}

func TestRequestsReportEveryProblemAtOnce(t *testing.T) {
	clinic := tidbok.MustHSAID("SE2321000016-A1B2")
	anna := tidbok.MustPersonalNumber("191212121212")
	start := time.Date(2026, 5, 4, 9, 0, 0, 0, tidbok.Stockholm())
	slot := tidbok.Timeslot{Facility: clinic, Subject: anna, Start: start, End: start.Add(20 * time.Minute)}
	contact := tidbok.ContactInfo{FirstName: "Anna", LastName: "Andersson"}
	tests := []struct {
		name string
		req  interface{ Validate() error }
		want []string // nil means valid
	}{
		{"a complete schedule request is valid", tidbok.ScheduleRequest{Facility: clinic, Subject: anna}, nil},
		{"a schedule request needs a clinic and a citizen", tidbok.ScheduleRequest{}, []string{"Facility", "Subject"}},
		{"an actor cannot be both a citizen and staff", tidbok.ScheduleRequest{Facility: clinic, Subject: anna, Actor: tidbok.Actor{Person: anna, Agent: clinic}}, []string{"Actor"}},
		{"booking details need a booking id", tidbok.BookingDetailsRequest{Facility: clinic}, []string{"BookingID"}},
		{"time types need a clinic and a citizen", tidbok.TimeTypesRequest{}, []string{"Facility", "Subject"}},
		{"care types need a clinic and a citizen", tidbok.CareTypesRequest{Facility: clinic}, []string{"Subject"}},
		{"performers need a clinic and a citizen", tidbok.PerformersRequest{Subject: anna}, []string{"Facility"}},
		{"facilities need a clinic and a citizen", tidbok.FacilitiesRequest{}, []string{"Facility", "Subject"}},
		{"an availability request with a range is valid", tidbok.AvailabilityRequest{Facility: clinic, Subject: anna, From: tidbok.Date{Year: 2026, Month: 5, Day: 1}, To: tidbok.Date{Year: 2026, Month: 5, Day: 31}}, nil},
		{"an inverted date range is refused", tidbok.AvailabilityRequest{Facility: clinic, Subject: anna, From: tidbok.Date{Year: 2026, Month: 5, Day: 31}, To: tidbok.Date{Year: 2026, Month: 5, Day: 1}}, []string{"To"}},
		{"an empty availability request lists all four problems", tidbok.AvailabilityRequest{}, []string{"Facility", "From", "Subject", "To"}},
		{"a date that is not in the calendar is refused", tidbok.AvailabilityRequest{Facility: clinic, Subject: anna, From: tidbok.Date{Year: 2026, Month: 2, Day: 30}, To: tidbok.Date{Year: 2026, Month: 3, Day: 1}}, []string{"From"}},
		{"an empty performer is refused", tidbok.AvailabilityRequest{Facility: clinic, Subject: anna, From: tidbok.Date{Year: 2026, Month: 5, Day: 1}, To: tidbok.Date{Year: 2026, Month: 5, Day: 1}, Performers: []tidbok.HSAID{{}}}, []string{"Performers[0]"}},
		{"a complete book request is valid", tidbok.BookRequest{Timeslot: slot, Contact: contact}, nil},
		{"an empty book request lists every missing field", tidbok.BookRequest{}, []string{"Contact.FirstName", "Contact.LastName", "Timeslot.End", "Timeslot.Facility", "Timeslot.Start", "Timeslot.Subject"}},
		{"a slot that ends before it starts is refused", tidbok.BookRequest{Timeslot: tidbok.Timeslot{Facility: clinic, Subject: anna, Start: start, End: start}, Contact: contact}, []string{"Timeslot.End"}},
		{"a reschedule needs the booking to move", tidbok.RescheduleRequest{Timeslot: slot}, []string{"BookingID"}},
		{"a reschedule with half a contact is refused", tidbok.RescheduleRequest{BookingID: "b1", Timeslot: slot, Contact: tidbok.ContactInfo{Phone: "0701234567"}}, []string{"Contact"}},
		{"a cancel needs a clinic and a booking", tidbok.CancelRequest{}, []string{"BookingID", "Facility"}},
		{"a complete cancel is valid", tidbok.CancelRequest{Facility: clinic, BookingID: "b1", Message: "Förhindrad"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tidbok.ErrInvalid) {
				t.Fatalf("Validate() = %v, want an error matching ErrInvalid", err)
			}
			if diff := cmp.Diff(tt.want, fields(err)); diff != "" {
				t.Errorf("problem fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBookRequestDefaultsTheMedicalFacilityToTheClinic(t *testing.T) {
	clinic := tidbok.MustHSAID("SE2321000016-A1B2")
	med := tidbok.MustHSAID("SE2321000016-MED1")
	r := tidbok.BookRequest{Timeslot: tidbok.Timeslot{Facility: clinic}}
	if got := r.FacilityMed(); got != clinic {
		t.Errorf("FacilityMed() = %v, want the clinic %v", got, clinic)
	}
	r.MedicalFacility = med
	if got := r.FacilityMed(); got != med {
		t.Errorf("FacilityMed() = %v, want %v", got, med)
	}
}

func TestTimeslotKnowsAnOpenInvitation(t *testing.T) {
	start := time.Date(2026, 5, 4, 9, 0, 0, 0, tidbok.Stockholm())
	tests := []struct {
		name string
		ts   tidbok.Timeslot
		open bool
		dur  time.Duration
	}{
		{"an invitation without a time is open", tidbok.Timeslot{Invitation: true}, true, 0},
		{"a timed invitation is not open", tidbok.Timeslot{Invitation: true, Start: start, End: start.Add(time.Hour)}, false, time.Hour},
		{"a booking is not an invitation", tidbok.Timeslot{Start: start, End: start.Add(30 * time.Minute)}, false, 30 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ts.IsOpenInvitation(); got != tt.open {
				t.Errorf("IsOpenInvitation() = %v, want %v", got, tt.open)
			}
			if got := tt.ts.Duration(); got != tt.dur {
				t.Errorf("Duration() = %v, want %v", got, tt.dur)
			}
		})
	}
}
