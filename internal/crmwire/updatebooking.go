package crmwire

import (
	"encoding/xml"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// UpdateBooking is the request of UpdateBooking (rebooking):
// requestedTimeslot describes the new slot and carries the existing
// booking's ID in its bookingId. The free slot's own ID, when known,
// travels in our TimeslotID extension (see the package doc).
type UpdateBooking struct {
	XMLName           xml.Name           `xml:"urn:riv:crm:scheduling:UpdateBookingResponder:1 UpdateBooking"`
	RequestedTimeslot *TimeslotType      `xml:"urn:riv:crm:scheduling:UpdateBookingResponder:1 requestedTimeslot"`
	SubjectOfCareInfo *SubjectOfCareType `xml:"urn:riv:crm:scheduling:UpdateBookingResponder:1 subject_of_care_info,omitempty"`
	Notification      string             `xml:"urn:riv:crm:scheduling:UpdateBookingResponder:1 notification,omitempty"`
	TimeslotID        string             `xml:"urn:webbtidbok:crm:scheduling:ext:1 timeslotId,omitempty"`
}

// UpdateBookingResponse is the response of UpdateBooking. ErrorKind is
// our extension (see the package doc).
type UpdateBookingResponse struct {
	XMLName    xml.Name   `xml:"urn:riv:crm:scheduling:UpdateBookingResponder:1 UpdateBookingResponse"`
	ResultCode ResultCode `xml:"urn:riv:crm:scheduling:UpdateBookingResponder:1 resultCode"`
	ResultText string     `xml:"urn:riv:crm:scheduling:UpdateBookingResponder:1 resultText,omitempty"`
	ErrorKind  string     `xml:"urn:webbtidbok:crm:scheduling:ext:1 errorKind,omitempty"`
}

func (w *UpdateBooking) tidbok(c *checker, _ Version) (any, tidbok.PersonalNumber) {
	var r tidbok.RescheduleRequest
	if w.RequestedTimeslot == nil {
		c.add("requestedTimeslot", "missing (required)")
	} else {
		c.required("requestedTimeslot/healthcare_facility", w.RequestedTimeslot.HealthcareFacility)
		c.required("requestedTimeslot/bookingId", w.RequestedTimeslot.BookingID)
		c.in("requestedTimeslot", 0)
		r.Timeslot = c.timeslot(w.RequestedTimeslot)
		c.in("", 0)
		r.BookingID = r.Timeslot.ID
	}
	r.Timeslot.ID = w.TimeslotID
	r.Contact = w.SubjectOfCareInfo.toTidbok()
	r.Notification = w.Notification
	return r, r.Timeslot.Subject
}

func (w *UpdateBookingResponse) tidbok(c *checker, op tidbok.Operation) (any, error) {
	notice, opErr, ok := c.writeOutcome(op, w.ResultCode, w.ResultText, w.ErrorKind)
	if opErr != nil || !ok {
		return nil, opErr
	}
	return tidbok.RescheduleResult{Notice: notice}, nil
}

var updateBookingCodec = func() opCodec {
	c := codec(
		func() wireRequest { return new(UpdateBooking) },
		func() wireResponse { return new(UpdateBookingResponse) },
		func(r tidbok.RescheduleRequest) (any, tidbok.PersonalNumber) {
			ts := timeslotToWire(r.Timeslot, styleFree)
			ts.BookingID = r.BookingID
			w := &UpdateBooking{RequestedTimeslot: &ts, Notification: r.Notification, TimeslotID: r.Timeslot.ID}
			if !r.Contact.IsZero() {
				w.SubjectOfCareInfo = contactToWire(r.Contact)
			}
			return w, r.Timeslot.Subject
		},
		func(r *tidbok.RescheduleRequest) *tidbok.Actor { return &r.Actor },
		func(s tidbok.RescheduleResult) (any, error) {
			code, text := resultCodeFor(s.Notice)
			return &UpdateBookingResponse{ResultCode: code, ResultText: text}, nil
		},
	)
	c.errorResult = func(text, kind string) any {
		return &UpdateBookingResponse{ResultCode: ResultError, ResultText: text, ErrorKind: kind}
	}
	return c
}()
