package crmwire

import (
	"encoding/xml"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// GetAvailableTimeslots is the request of GetAvailableTimeslots: the same
// fields as [GetAvailableDates] in its own namespaces.
type GetAvailableTimeslots struct {
	XMLName            xml.Name `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 GetAvailableTimeslots"`
	HealthcareFacility string   `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 healthcare_facility"`
	BookingID          string   `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 bookingId,omitempty"`
	StartDateInclusive string   `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 startDateInclusive"`
	EndDateInclusive   string   `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 endDateInclusive"`
	Performer          []string `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 performer"`
	TimeTypeName       string   `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 timeTypeName,omitempty"`
	TimeTypeID         string   `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 timeTypeID,omitempty"`
	CareTypeName       string   `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 careTypeName,omitempty"`
	CareTypeID         string   `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 careTypeID,omitempty"`
	SubjectOfCare      string   `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1.1 subject_of_care"`
}

// GetAvailableTimeslotsResponse is the response of GetAvailableTimeslots:
// free slots, whose bookingId the consumer passes back in MakeBooking.
type GetAvailableTimeslotsResponse struct {
	XMLName        xml.Name       `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 GetAvailableTimeslotsResponse"`
	TimeslotDetail []TimeslotType `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 timeslotDetail"`
}

func (w *GetAvailableTimeslots) tidbok(c *checker, v Version) (any, tidbok.PersonalNumber) {
	a := availability{
		w.HealthcareFacility, w.BookingID, w.StartDateInclusive, w.EndDateInclusive, w.Performer,
		w.TimeTypeName, w.TimeTypeID, w.CareTypeName, w.CareTypeID, w.SubjectOfCare,
	}
	return a.tidbok(c, v)
}

func (w *GetAvailableTimeslotsResponse) tidbok(c *checker, _ tidbok.Operation) (any, error) {
	return tidbok.NewAvailableTimeslots(c.timeslots("timeslotDetail", w.TimeslotDetail, freeSlot)), nil
}

var availableTimeslotsCodec = withTokens(codec(
	func() wireRequest { return new(GetAvailableTimeslots) },
	func() wireResponse {
		// Decoded into reused room, recycled once converted.
		return &GetAvailableTimeslotsResponse{TimeslotDetail: reusedWireSlots()}
	},
	func(r tidbok.AvailabilityRequest) (any, tidbok.PersonalNumber) {
		a := availabilityToWire(r)
		return &GetAvailableTimeslots{
			HealthcareFacility: a.HealthcareFacility, BookingID: a.BookingID,
			StartDateInclusive: a.StartDateInclusive, EndDateInclusive: a.EndDateInclusive,
			Performer: a.Performer, TimeTypeName: a.TimeTypeName, TimeTypeID: a.TimeTypeID,
			CareTypeName: a.CareTypeName, CareTypeID: a.CareTypeID, SubjectOfCare: a.SubjectOfCare,
		}, r.Subject
	},
	func(r *tidbok.AvailabilityRequest) *tidbok.Actor { return &r.Actor },
	func(s tidbok.AvailableTimeslotsResult) (any, error) {
		if timeslotTags() == nil {
			// Never: the tags follow from the layout of a fixed type.
			return &GetAvailableTimeslotsResponse{TimeslotDetail: timeslotsToWire(s.Slice(), styleFree)}, nil
		}
		// Written by AppendContent straight from s.
		return &freeSlotsAnswer{answer: s}, nil
	},
), decodeFreeSlots)

func withTokens(c opCodec, decode func(soap.Tokens) (any, bool)) opCodec {
	c.decodeTokens = decode
	return c
}
