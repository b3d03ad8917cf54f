package crmwire

import (
	"encoding/xml"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// GetBookingDetails is the request of GetBookingDetails: one booking or
// invitation, timed or open.
type GetBookingDetails struct {
	XMLName            xml.Name `xml:"urn:riv:crm:scheduling:GetBookingDetailsResponder:1 GetBookingDetails"`
	HealthcareFacility string   `xml:"urn:riv:crm:scheduling:GetBookingDetailsResponder:1 healthcare_facility"`
	BookingID          string   `xml:"urn:riv:crm:scheduling:GetBookingDetailsResponder:1 bookingId"`
}

// GetBookingDetailsResponse is the response of GetBookingDetails. Its
// timeslotDetail is required and always carries the three permission
// flags and the subject of care, and start and end unless it is an open
// invitation (TKB).
type GetBookingDetailsResponse struct {
	XMLName        xml.Name      `xml:"urn:riv:crm:scheduling:GetBookingDetailsResponder:1 GetBookingDetailsResponse"`
	TimeslotDetail *TimeslotType `xml:"urn:riv:crm:scheduling:GetBookingDetailsResponder:1 timeslotDetail"`
}

func (w *GetBookingDetails) tidbok(c *checker, _ Version) (any, tidbok.PersonalNumber) {
	c.required("healthcare_facility", w.HealthcareFacility)
	c.required("bookingId", w.BookingID)
	return tidbok.BookingDetailsRequest{
		Facility:  c.hsa("healthcare_facility", w.HealthcareFacility),
		BookingID: w.BookingID,
	}, tidbok.PersonalNumber{}
}

func (w *GetBookingDetailsResponse) tidbok(c *checker, _ tidbok.Operation) (any, error) {
	if w.TimeslotDetail == nil {
		c.add("timeslotDetail", "missing (required)")
		return tidbok.BookingDetailsResult{}, nil
	}
	c.in("timeslotDetail", 0)
	c.requireSlot(w.TimeslotDetail, bookingDetails)
	ts := c.timeslot(w.TimeslotDetail)
	c.in("", 0)
	return tidbok.BookingDetailsResult{Booking: ts}, nil
}

var bookingDetailsCodec = codec(
	func() wireRequest { return new(GetBookingDetails) },
	func() wireResponse { return new(GetBookingDetailsResponse) },
	func(r tidbok.BookingDetailsRequest) (any, tidbok.PersonalNumber) {
		// Subject is not a wire field; it only names the actor.
		return &GetBookingDetails{
			HealthcareFacility: wireHSA(r.Facility),
			BookingID:          r.BookingID,
		}, r.Subject
	},
	func(r *tidbok.BookingDetailsRequest) *tidbok.Actor { return &r.Actor },
	func(s tidbok.BookingDetailsResult) (any, error) {
		ts := timeslotToWire(s.Booking, styleBooking)
		return &GetBookingDetailsResponse{TimeslotDetail: &ts}, nil
	},
)
