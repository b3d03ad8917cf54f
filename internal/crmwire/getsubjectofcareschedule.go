package crmwire

import (
	"encoding/xml"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// GetSubjectOfCareSchedule is the request of GetSubjectOfCareSchedule:
// the citizen's bookings and timed invitations at one clinic.
type GetSubjectOfCareSchedule struct {
	XMLName            xml.Name `xml:"urn:riv:crm:scheduling:GetSubjectOfCareScheduleResponder:1 GetSubjectOfCareSchedule"`
	HealthcareFacility string   `xml:"urn:riv:crm:scheduling:GetSubjectOfCareScheduleResponder:1 healthcare_facility"`
	SubjectOfCare      string   `xml:"urn:riv:crm:scheduling:GetSubjectOfCareScheduleResponder:1 subject_of_care"`
}

// GetSubjectOfCareScheduleResponse is the response of
// GetSubjectOfCareSchedule.
type GetSubjectOfCareScheduleResponse struct {
	XMLName        xml.Name       `xml:"urn:riv:crm:scheduling:GetSubjectOfCareScheduleResponder:1 GetSubjectOfCareScheduleResponse"`
	TimeslotDetail []TimeslotType `xml:"urn:riv:crm:scheduling:GetSubjectOfCareScheduleResponder:1 timeslotDetail"`
}

func (w *GetSubjectOfCareSchedule) tidbok(c *checker, _ Version) (any, tidbok.PersonalNumber) {
	c.required("healthcare_facility", w.HealthcareFacility)
	c.required("subject_of_care", w.SubjectOfCare)
	r := tidbok.ScheduleRequest{
		Facility: c.hsa("healthcare_facility", w.HealthcareFacility),
		Subject:  c.pn("subject_of_care", w.SubjectOfCare),
	}
	return r, r.Subject
}

func (w *GetSubjectOfCareScheduleResponse) tidbok(c *checker, _ tidbok.Operation) (any, error) {
	return tidbok.ScheduleResult{Bookings: c.timeslots("timeslotDetail", w.TimeslotDetail, scheduledBooking)}, nil
}

var scheduleCodec = codec(
	func() wireRequest { return new(GetSubjectOfCareSchedule) },
	func() wireResponse { return new(GetSubjectOfCareScheduleResponse) },
	func(r tidbok.ScheduleRequest) (any, tidbok.PersonalNumber) {
		return &GetSubjectOfCareSchedule{
			HealthcareFacility: wireHSA(r.Facility),
			SubjectOfCare:      wirePN(r.Subject),
		}, r.Subject
	},
	func(r *tidbok.ScheduleRequest) *tidbok.Actor { return &r.Actor },
	func(s tidbok.ScheduleResult) (any, error) {
		return &GetSubjectOfCareScheduleResponse{TimeslotDetail: timeslotsToWire(s.Bookings, styleBooking)}, nil
	},
)
