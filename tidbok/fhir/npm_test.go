package fhir_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
)

// The third-party checks: the npm packages fhir (a validator against the
// FHIR R4 base definitions) and fhir-kit-client (a FHIR client), pinned.
const (
	npmFhir      = "fhir@4.12.0"
	npmKitClient = "fhir-kit-client@2.0.3"
)

// nodeModules returns a node_modules folder holding the pinned packages,
// installed once per machine into the user's cache (or, failing that, a
// temporary folder). Without node and npm the test is skipped, unless CI
// is set: then it fails.
func nodeModules(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed: the third-party FHIR checks need Node.js and npm in CI", tool)
			}
			t.Skipf("%s is not installed: skipping the third-party FHIR checks (install Node.js and npm to run them; CI requires them)", tool)
		}
	}
	root, err := os.UserCacheDir()
	if err != nil {
		root = t.TempDir()
	}
	dir := filepath.Join(root, "webbtidbok", "npm-"+strings.NewReplacer("@", "-", "/", "-").Replace(npmFhir+"_"+npmKitClient))
	mods := filepath.Join(dir, "node_modules")
	if _, err := os.Stat(filepath.Join(mods, ".complete")); err == nil {
		return mods
	}
	must(t, os.MkdirAll(filepath.Dir(dir), 0o755))
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	must(t, err)
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(t.Context(), "npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", tmp, npmFhir, npmKitClient)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install %s %s: %v\n%s", npmFhir, npmKitClient, err, out)
	}
	must(t, os.WriteFile(filepath.Join(tmp, "node_modules", ".complete"), nil, 0o644))
	if err := os.Rename(tmp, dir); err != nil && !exists(mods) {
		t.Fatalf("keeping the npm packages: %v", err)
	}
	return mods
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// node runs a script of testdata with the packages.
func node(t *testing.T, mods, script string, args ...string) []byte {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", script))
	must(t, err)
	cmd := exec.CommandContext(t.Context(), "node", append([]string{abs}, args...)...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+mods)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s\n%s", script, err, out, stderr.Bytes())
	}
	return out
}

// TestValidatesAsR4 sends every kind of request the façade answers —
// reads, searches, $find, $hold, $book booking, moving and cancelling,
// refusals — and validates every resource it emitted, and the audit's
// AuditEvents, with the npm package fhir against the R4 base
// definitions.
func TestValidatesAsR4(t *testing.T) {
	mods := nodeModules(t)
	f := setup(t, fhir.Config{Holds: holds{store.NewMemHolds()}})
	day := tomorrow.String()
	for _, p := range []string{
		"/metadata", "/Location", "/Location/" + clinicA, "/Organization", "/Schedule", "/Schedule/" + clinicB,
		"/Slot?schedule=Schedule/" + clinicA + "&_count=2", "/Practitioner", "/PractitionerRole", "/HealthcareService",
		"/Appointment", "/Appointment/$find?start=" + day + "&location=Location/" + clinicA,
		"/Slot", "/Patient", "/Appointment/bzzzzzzzz",
	} {
		f.do(t, http.MethodGet, p, me, nil)
	}
	hs := entries(f.do(t, http.MethodGet, "/HealthcareService", me, nil))
	f.do(t, http.MethodGet, "/HealthcareService/"+str(hs[0], "id"), me, nil)
	roles := entries(f.do(t, http.MethodGet, "/PractitionerRole", me, nil))
	f.do(t, http.MethodGet, "/PractitionerRole/"+str(roles[0], "id"), me, nil)

	ids := f.find(t, me)
	f.do(t, http.MethodGet, "/Slot/"+ids[0], me, nil)
	held := entries(f.do(t, http.MethodPost, "/Appointment/$hold", me, params(ref("appointment-reference", "Appointment/"+ids[0]))))
	f.do(t, http.MethodPost, "/Appointment/$book", pnr+other, params(bookResource(ids[0], other)))
	res := bookResource(ids[0], subject)
	res["resource"].(map[string]any)["id"] = str(held[0], "id")
	booked := entries(f.do(t, http.MethodPost, "/Appointment/$book", me, params(res)))
	f.do(t, http.MethodPost, "/Appointment/$book", me, params(ref("appointment-reference", "Appointment/"+ids[1]), ref("previousAppointment", "Appointment/"+str(booked[0], "id"))))
	read := f.do(t, http.MethodGet, "/Appointment/"+str(booked[0], "id"), me, nil)
	read.res["status"] = "cancelled"
	read.res["cancelationReason"] = map[string]any{"text": "Jag är frisk"}
	f.do(t, http.MethodPost, "/Appointment/$book", me, params(map[string]any{"name": "appointment-resource", "resource": read.res}))
	f.do(t, http.MethodGet, "/Appointment?patient:identifier="+pnr+other, me, nil)

	var all []json.RawMessage
	for _, b := range f.bodies() {
		all = append(all, b)
	}
	kinds := map[string]int{}
	for _, b := range all {
		var probe struct{ ResourceType string }
		must(t, json.Unmarshal(b, &probe))
		kinds[probe.ResourceType]++
	}
	for _, ev := range f.events.all() {
		b, err := json.Marshal(ev.AuditEvent(hsaA))
		must(t, err)
		all = append(all, b)
		kinds["AuditEvent"]++
	}
	for _, want := range []string{"CapabilityStatement", "Bundle", "OperationOutcome", "Location", "Schedule", "Slot", "Appointment", "HealthcareService", "PractitionerRole", "AuditEvent"} {
		if kinds[want] == 0 {
			t.Errorf("the scenario emitted no %s: %v", want, kinds)
		}
	}
	file := filepath.Join(t.TempDir(), "resources.json")
	data, err := json.Marshal(all)
	must(t, err)
	must(t, os.WriteFile(file, data, 0o644))
	var got struct {
		Validated       int
		Problems, Notes []struct {
			Index                                     int
			ResourceType, Location, Severity, Message string
		}
	}
	must(t, json.Unmarshal(node(t, mods, "validate.js", file), &got))
	if got.Validated != len(all) {
		t.Fatalf("the validator saw %d resources, want %d", got.Validated, len(all))
	}
	for _, p := range got.Problems {
		t.Errorf("%s #%d: %s at %s: %s\n%s", p.ResourceType, p.Index, p.Severity, p.Location, p.Message, all[p.Index])
	}
	notes := map[string]int{}
	for _, n := range got.Notes {
		notes[n.Location+": "+n.Message]++
	}
	t.Logf("validated %d resources: %v; notes (example bindings): %v", len(all), kinds, notes)
}

// TestValidatorCatches makes sure the validator run would see a broken
// resource: a Slot without its schedule and with a status R4 lacks.
func TestValidatorCatches(t *testing.T) {
	mods := nodeModules(t)
	file := filepath.Join(t.TempDir(), "bad.json")
	must(t, os.WriteFile(file, []byte(`[{"resourceType":"Slot","status":"frees","start":"2026-01-13T10:00:00+01:00","end":"2026-01-13T10:30:00+01:00","bogus":1}]`), 0o644))
	var got struct{ Problems []struct{ Location string } }
	must(t, json.Unmarshal(node(t, mods, "validate.js", file), &got))
	if len(got.Problems) < 3 {
		t.Fatalf("the validator found %d problems in a broken Slot, want 3 (schedule, status, bogus): %+v", len(got.Problems), got.Problems)
	}
}

// TestThirdPartyClient drives the façade with fhir-kit-client over
// loopback: slots paged, $find, $hold, $book and cancelling.
func TestThirdPartyClient(t *testing.T) {
	mods := nodeModules(t)
	f := setup(t, fhir.Config{Holds: holds{store.NewMemHolds()}, HoldTTL: time.Minute})
	out := node(t, mods, "kit.js", f.srv.URL+"/fhir", me, clinicA, tomorrow.String())
	var got struct {
		Error            any
		Operations       []string
		Slots, Page2     []string
		SlotTotal        int
		Found            []string
		Included         []string
		Held, Booked     string
		Mine             []string
		BookedID         string
		Cancelled        string
		AfterCancel      any
		AfterCancelIssue string
	}
	must(t, json.Unmarshal(out, &got))
	if got.Error != nil {
		t.Fatalf("fhir-kit-client failed: %s", out)
	}
	if strings.Join(got.Operations, ",") != "find,hold,book" {
		t.Errorf("operations %v", got.Operations)
	}
	if len(got.Slots) != 2 || len(got.Page2) != 1 || got.SlotTotal != 3 {
		t.Errorf("slots %v then %v of %d, want 2 then 1 of 3", got.Slots, got.Page2, got.SlotTotal)
	}
	if len(got.Found) != 3 || got.Found[0] != "proposed" || got.Held != "pending" || got.Booked != "booked" || got.Cancelled != "cancelled" {
		t.Errorf("found %v, held %q, booked %q, cancelled %q", got.Found, got.Held, got.Booked, got.Cancelled)
	}
	if strings.Join(got.Included, ",") != "Location/"+clinicA {
		t.Errorf("$find included %v, want its clinic Location/%s once", got.Included, clinicA)
	}
	if len(got.Mine) != 2 || (got.Mine[0] != got.BookedID && got.Mine[1] != got.BookedID) {
		t.Errorf("the citizen's appointments %v lack the booked %s", got.Mine, got.BookedID)
	}
	if got.AfterCancel != float64(404) || got.AfterCancelIssue != "not-found" {
		t.Errorf("after cancelling, reading answered %v %q", got.AfterCancel, got.AfterCancelIssue)
	}
}
