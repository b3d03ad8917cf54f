package crmwire

import (
	"encoding/xml"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// CancelBooking is the request of CancelBooking (unchanged since 1.0).
type CancelBooking struct {
	XMLName            xml.Name `xml:"urn:riv:crm:scheduling:CancelBookingResponder:1 CancelBooking"`
	HealthcareFacility string   `xml:"urn:riv:crm:scheduling:CancelBookingResponder:1 healthcare_facility"`
	BookingID          string   `xml:"urn:riv:crm:scheduling:CancelBookingResponder:1 bookingId"`
	Message            string   `xml:"urn:riv:crm:scheduling:CancelBookingResponder:1 message,omitempty"`
}

// CancelBookingResponse is the response of CancelBooking. ErrorKind is
// our extension (see the package doc).
type CancelBookingResponse struct {
	XMLName    xml.Name   `xml:"urn:riv:crm:scheduling:CancelBookingResponder:1 CancelBookingResponse"`
	ResultCode ResultCode `xml:"urn:riv:crm:scheduling:CancelBookingResponder:1 resultCode"`
	ResultText string     `xml:"urn:riv:crm:scheduling:CancelBookingResponder:1 resultText,omitempty"`
	ErrorKind  string     `xml:"urn:webbtidbok:crm:scheduling:ext:1 errorKind,omitempty"`
}

func (w *CancelBooking) tidbok(c *checker, _ Version) (any, tidbok.PersonalNumber) {
	c.required("healthcare_facility", w.HealthcareFacility)
	c.required("bookingId", w.BookingID)
	return tidbok.CancelRequest{
		Facility:  c.hsa("healthcare_facility", w.HealthcareFacility),
		BookingID: w.BookingID,
		Message:   w.Message,
	}, tidbok.PersonalNumber{}
}

func (w *CancelBookingResponse) tidbok(c *checker, op tidbok.Operation) (any, error) {
	notice, opErr, ok := c.writeOutcome(op, w.ResultCode, w.ResultText, w.ErrorKind)
	if opErr != nil || !ok {
		return nil, opErr
	}
	return tidbok.CancelResult{Notice: notice}, nil
}

var cancelBookingCodec = func() opCodec {
	c := codec(
		func() wireRequest { return new(CancelBooking) },
		func() wireResponse { return new(CancelBookingResponse) },
		func(r tidbok.CancelRequest) (any, tidbok.PersonalNumber) {
			// Subject is not a wire field; it only names the actor.
			return &CancelBooking{
				HealthcareFacility: wireHSA(r.Facility),
				BookingID:          r.BookingID,
				Message:            r.Message,
			}, r.Subject
		},
		func(r *tidbok.CancelRequest) *tidbok.Actor { return &r.Actor },
		func(s tidbok.CancelResult) (any, error) {
			code, text := resultCodeFor(s.Notice)
			return &CancelBookingResponse{ResultCode: code, ResultText: text}, nil
		},
	)
	c.errorResult = func(text, kind string) any {
		return &CancelBookingResponse{ResultCode: ResultError, ResultText: text, ErrorKind: kind}
	}
	return c
}()
