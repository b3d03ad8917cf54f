package crmwire

import (
	"encoding/xml"
	"errors"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// MakeBooking is the request of MakeBooking: book a free slot, or an open
// invitation at a free slot's time. Per the TKB its requestedTimeslot
// carries neither the permission flags nor isInvitation.
// subject_of_care_info is required in 1.1 (optional, and without names,
// in 1.0).
type MakeBooking struct {
	XMLName               xml.Name           `xml:"urn:riv:crm:scheduling:MakeBookingResponder:1 MakeBooking"`
	HealthcareFacilityMed string             `xml:"urn:riv:crm:scheduling:MakeBookingResponder:1 healthcare_facility_med"`
	RequestedTimeslot     *TimeslotType      `xml:"urn:riv:crm:scheduling:MakeBookingResponder:1 requestedTimeslot"`
	SubjectOfCareInfo     *SubjectOfCareType `xml:"urn:riv:crm:scheduling:MakeBookingResponder:1 subject_of_care_info,omitempty"`
	Notification          string             `xml:"urn:riv:crm:scheduling:MakeBookingResponder:1 notification,omitempty"`
}

// MakeBookingResponse is the response of MakeBooking. bookingId is
// present exactly when resultCode is OK or INFO. ErrorKind is our
// extension (see the package doc).
type MakeBookingResponse struct {
	XMLName    xml.Name   `xml:"urn:riv:crm:scheduling:MakeBookingResponder:1 MakeBookingResponse"`
	BookingID  string     `xml:"urn:riv:crm:scheduling:MakeBookingResponder:1 bookingId,omitempty"`
	ResultCode ResultCode `xml:"urn:riv:crm:scheduling:MakeBookingResponder:1 resultCode"`
	ResultText string     `xml:"urn:riv:crm:scheduling:MakeBookingResponder:1 resultText,omitempty"`
	ErrorKind  string     `xml:"urn:webbtidbok:crm:scheduling:ext:1 errorKind,omitempty"`
}

func (w *MakeBooking) tidbok(c *checker, v Version) (any, tidbok.PersonalNumber) {
	c.required("healthcare_facility_med", w.HealthcareFacilityMed)
	var r tidbok.BookRequest
	if w.RequestedTimeslot == nil {
		c.add("requestedTimeslot", "missing (required)")
	} else {
		c.required("requestedTimeslot/healthcare_facility", w.RequestedTimeslot.HealthcareFacility)
		c.in("requestedTimeslot", 0)
		r.Timeslot = c.timeslot(w.RequestedTimeslot)
		c.in("", 0)
		// Not part of the request (TKB): ignored if a consumer sends them.
		r.Timeslot.Flags = tidbok.Flags{}
		r.Timeslot.Invitation = false
	}
	if w.SubjectOfCareInfo == nil && v == V11 {
		c.add("subject_of_care_info", "missing (required)")
	}
	r.Contact = w.SubjectOfCareInfo.toTidbok()
	if med := c.hsa("healthcare_facility_med", w.HealthcareFacilityMed); !sameHSA(med, r.Timeslot.Facility) {
		r.MedicalFacility = med
	}
	r.Notification = w.Notification
	return r, r.Timeslot.Subject
}

func (w *MakeBookingResponse) tidbok(c *checker, op tidbok.Operation) (any, error) {
	notice, opErr, ok := c.writeOutcome(op, w.ResultCode, w.ResultText, w.ErrorKind)
	if opErr != nil {
		return nil, opErr
	}
	if w.BookingID == "" && ok {
		c.add("bookingId", "missing: required with resultCode OK or INFO")
	}
	return tidbok.BookResult{BookingID: w.BookingID, Notice: notice}, nil
}

var makeBookingCodec = func() opCodec {
	c := codec(
		func() wireRequest { return new(MakeBooking) },
		func() wireResponse { return new(MakeBookingResponse) },
		func(r tidbok.BookRequest) (any, tidbok.PersonalNumber) {
			ts := timeslotToWire(r.Timeslot, styleRequested)
			return &MakeBooking{
				HealthcareFacilityMed: wireHSA(r.FacilityMed()),
				RequestedTimeslot:     &ts,
				SubjectOfCareInfo:     contactToWire(r.Contact),
				Notification:          r.Notification,
			}, r.Timeslot.Subject
		},
		func(r *tidbok.BookRequest) *tidbok.Actor { return &r.Actor },
		func(s tidbok.BookResult) (any, error) {
			if s.BookingID == "" {
				return nil, errors.New("crmwire: MakeBooking: BookResult.BookingID is required: OK and INFO carry the new booking's ID")
			}
			code, text := resultCodeFor(s.Notice)
			return &MakeBookingResponse{BookingID: s.BookingID, ResultCode: code, ResultText: text}, nil
		},
	)
	c.errorResult = func(text, kind string) any {
		return &MakeBookingResponse{ResultCode: ResultError, ResultText: text, ErrorKind: kind}
	}
	return c
}()
