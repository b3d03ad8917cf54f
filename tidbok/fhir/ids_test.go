package fhir_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
)

// TestIDsSurviveReorderedFacilities reads a booking by the id one
// façade gave it through a façade whose Config.Facilities lists the
// clinics the other way round: the id names the clinic by its HSA-id,
// not by its place in the list.
func TestIDsSurviveReorderedFacilities(t *testing.T) {
	f := setup(t, fhir.Config{})
	id, err := fhir.AppointmentID(hsaA, f.own)
	must(t, err)
	r := f.do(t, http.MethodGet, "/Appointment/"+id, me, nil)
	expect(t, "read by AppointmentID", r, http.StatusOK, "")
	if str(r.res, "id") != id {
		t.Errorf("Appointment id %q, want %q", str(r.res, "id"), id)
	}
	h, err := fhir.New(f.book, fhir.Config{Facilities: []tidbok.HSAID{hsaB, hsaA}, AnyConsumer: true, Clock: f.clock.Now})
	must(t, err)
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/Appointment/"+id, nil)
	req.Header.Set(fhir.ActorHeader, me)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("the same id through a façade with the clinics reordered: HTTP %d %s", rec.Code, rec.Body)
	}
	if got, ok := fhir.BookID(id); !ok || got != f.own {
		t.Errorf("BookID(%q) = %q, %v; want %q", id, got, ok, f.own)
	}
}

// TestSlotIDIsTheFaçades: SlotID makes the id $find gives a slot, from
// the slot as the book has it.
func TestSlotIDIsTheFaçades(t *testing.T) {
	f := setup(t, fhir.Config{})
	res, err := f.book.AvailableTimeslots(context.Background(), tidbok.AvailabilityRequest{Facility: hsaA, Subject: citizen, From: tomorrow, To: tomorrow})
	must(t, err)
	if res.Len() == 0 {
		t.Fatal("no free slots")
	}
	r := f.do(t, http.MethodGet, "/Appointment/$find?location=Location/"+clinicA+"&start="+tomorrow.String()+"&end="+tomorrow.String(), me, nil)
	expect(t, "$find", r, http.StatusOK, "")
	want, err := fhir.SlotID(res.At(0))
	must(t, err)
	if got := str(entries(r)[0], "id"); got != want {
		t.Errorf("$find's first id %q, SlotID %q", got, want)
	}
	if got, ok := fhir.BookID(want); !ok || got != res.At(0).ID {
		t.Errorf("BookID(SlotID) = %q, %v; want %q", got, ok, res.At(0).ID)
	}
	if _, ok := fhir.BookID("h" + "token"); ok {
		t.Error("BookID of a held Appointment's id succeeded")
	}
}

// TestWriteNamingAnotherPatient: a cancellation or move naming a patient
// other than the booking's is answered as an unknown appointment, even
// by the booking's own citizen, and changes nothing.
func TestWriteNamingAnotherPatient(t *testing.T) {
	f := setup(t, fhir.Config{})
	id, err := fhir.AppointmentID(hsaA, f.own)
	must(t, err)
	cancel := map[string]any{"name": "appointment-resource", "resource": map[string]any{
		"resourceType": "Appointment", "id": id, "status": "cancelled",
		"participant": []any{map[string]any{"actor": map[string]any{"identifier": map[string]any{"system": fhir.SystemPersonnummer, "value": other}}, "status": "declined"}},
	}}
	r := f.do(t, http.MethodPost, "/Appointment/$book", me, params(cancel))
	expect(t, "cancel naming another patient", r, http.StatusNotFound, "not-found")
	r = f.do(t, http.MethodGet, "/Appointment/"+id, me, nil)
	expect(t, "the booking after", r, http.StatusOK, "")
	if str(r.res, "status") != "booked" {
		t.Errorf("booking after a refused cancellation: %s", r.body)
	}
}

// TestPractitionerRoleByServiceType: PractitionerRole search takes the
// time type, and the book filters the clinicians by it.
func TestPractitionerRoleByServiceType(t *testing.T) {
	f := setup(t, fhir.Config{})
	r := f.do(t, http.MethodGet, "/PractitionerRole?location=Location/"+clinicA+"&service-type="+url.QueryEscape(fhir.SystemTimeType+"|LAK"), me, nil)
	expect(t, "by LAK", r, http.StatusOK, "")
	if n := len(entries(r)); n != 1 {
		t.Errorf("clinicians offering LAK: %d, want 1", n)
	}
	r = f.do(t, http.MethodGet, "/PractitionerRole?location=Location/"+clinicA+"&service-type="+url.QueryEscape(fhir.SystemTimeType+"|XYZ"), me, nil)
	expect(t, "by XYZ", r, http.StatusOK, "")
	if n := len(entries(r)); n != 0 {
		t.Errorf("clinicians offering XYZ, a type nobody offers: %d, want 0", n)
	}
}
