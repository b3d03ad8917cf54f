package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// fhirCall sends a FHIR request as the test citizen and decodes the
// answer.
func fhirCall(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Actor-Identifier", "urn:oid:1.2.752.129.2.1.3.1|191212121212")
	if body != "" {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s %s: %v\n%s", method, url, err, b)
	}
	return resp.StatusCode, v
}

func firstEntry(v map[string]any) map[string]any {
	es, _ := v["entry"].([]any)
	if len(es) == 0 {
		return nil
	}
	e, _ := es[0].(map[string]any)
	r, _ := e["resource"].(map[string]any)
	return r
}

// TestServesFHIRBesideSOAP serves both wires from one process, with the
// book in memory and in SQLite (whose access log takes the façade's
// events about bookings), and books over FHIR as the README shows.
func TestServesFHIRBesideSOAP(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"memory", "sqlite"} {
		t.Run(store, func(t *testing.T) {
			args := []string{"-addr", "127.0.0.1:0", "-facility", facility, "-fhir", "/fhir"}
			if store == "sqlite" {
				args = append(args, "-data", t.TempDir())
			}
			addr, logs := start(t, args...)
			base := "http://" + addr
			if status, body, err := getAllTimeTypes(t, http.DefaultClient, base+"/GetAllTimeTypes/1/rivtabp21"); err != nil || status != http.StatusOK || !strings.Contains(body, ">Läkarbesök<") {
				t.Fatalf("SOAP beside FHIR: %d %v\n%s", status, err, body)
			}
			if status, v := fhirCall(t, http.MethodGet, base+"/fhir/metadata", ""); status != http.StatusOK || v["resourceType"] != "CapabilityStatement" {
				t.Fatalf("metadata: %d %v", status, v)
			}
			status, found := fhirCall(t, http.MethodGet, base+"/fhir/Appointment/$find?_count=3", "")
			proposal := firstEntry(found)
			if status != http.StatusOK || proposal == nil || proposal["status"] != "proposed" {
				t.Fatalf("$find: %d %v", status, found)
			}
			book := `{"resourceType":"Parameters","parameter":[{"name":"appointment-resource","resource":{
  "resourceType":"Appointment","status":"pending","slot":[{"reference":"Slot/` + proposal["id"].(string) + `"}],
  "contained":[{"resourceType":"Patient","id":"p","name":[{"given":["Tolvan"],"family":"Tolvansson"}]}],
  "participant":[{"actor":{"reference":"#p","identifier":{"system":"urn:oid:1.2.752.129.2.1.3.1","value":"191212121212"}},"status":"needs-action"}]}}]}`
			status, booked := fhirCall(t, http.MethodPost, base+"/fhir/Appointment/$book", book)
			if a := firstEntry(booked); status != http.StatusOK || a == nil || a["status"] != "booked" {
				t.Fatalf("$book: %d %v", status, booked)
			}
			if status, mine := fhirCall(t, http.MethodGet, base+"/fhir/Appointment", ""); status != http.StatusOK || mine["total"] != float64(1) {
				t.Fatalf("the citizen's appointments: %d %v", status, mine)
			}
			if !strings.Contains(logs.String(), "serving FHIR R4") {
				t.Errorf("the start-up log does not name the FHIR path:\n%s", logs)
			}
		})
	}
}
