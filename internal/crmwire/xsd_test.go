package crmwire

import (
	"bytes"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/xsdtest"
)

// xsdFor returns a validator for the official schemas of version v (see
// internal/xsdtest: it skips without xmllint or the schemas unless CI is
// set).
func xsdFor(t testing.TB, v Version) *xsdtest.Schemas {
	t.Helper()
	if v == V10 {
		return xsdtest.Load(t, xsdtest.V10)
	}
	return xsdtest.Load(t, xsdtest.V11)
}

func TestXSDHelperRejectsBrokenDocuments(t *testing.T) {
	x := xsdFor(t, V11)
	good := []byte(`<c:CancelBooking xmlns:c="urn:riv:crm:scheduling:CancelBookingResponder:1"><c:healthcare_facility>SE1</c:healthcare_facility><c:bookingId>1</c:bookingId></c:CancelBooking>`)
	if err := x.Check(t, x.Responder("CancelBooking"), "good", good); err != nil {
		t.Fatalf("a valid document fails: %v", err)
	}
	bad := bytes.ReplaceAll(good, []byte("bookingId"), []byte("bookingID"))
	if err := x.Check(t, x.Responder("CancelBooking"), "bad", bad); err == nil {
		t.Error("bookingID (wrong case) validates")
	}
	pn := []byte(`<s:GetSubjectOfCareSchedule xmlns:s="urn:riv:crm:scheduling:GetSubjectOfCareScheduleResponder:1"><s:healthcare_facility>SE1</s:healthcare_facility><s:subject_of_care>191212121212</s:subject_of_care></s:GetSubjectOfCareSchedule>`)
	if err := x.Check(t, x.Responder("GetSubjectOfCareSchedule"), "pn", pn); err != nil {
		t.Errorf("a real personal number fails against the patched schema: %v", err)
	}
	inv := []byte(`<r:GetBookingDetailsResponse xmlns:r="urn:riv:crm:scheduling:GetBookingDetailsResponder:1" xmlns:core="urn:riv:crm:scheduling:1"><r:timeslotDetail><core:healthcare_facility>SE1</core:healthcare_facility><core:isInvitation>true</core:isInvitation></r:timeslotDetail></r:GetBookingDetailsResponse>`)
	if err := x.Check(t, x.Responder("GetBookingDetails"), "core-isInvitation", inv); err == nil {
		t.Error("core:isInvitation validates against 1.1.0; the schema copy is not the expected one")
	}
	// The prefixes of the envelope are carried into the extracted payload.
	env := []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:riv:crm:scheduling:CancelBookingResponder:1"><s:Body><c:CancelBooking><c:healthcare_facility>SE1</c:healthcare_facility><c:bookingId>1</c:bookingId></c:CancelBooking></s:Body></s:Envelope>`)
	x.ValidateEnvelope(t, "CancelBooking", "prefixed envelope", env)
}
