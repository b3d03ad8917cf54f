package fhir_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/internal/pnleak"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

const me = pnr + subject

// TestReads runs each read interaction and checks what it answers.
func TestReads(t *testing.T) {
	f := setup(t, fhir.Config{})
	day := tomorrow.String()
	next := tomorrow.AddDays(1).String()
	tests := []struct {
		name, path string
		typ        string
		n          int // entries of a Bundle; -1 for a single resource
		check      func(t *testing.T, r reply)
	}{
		{"metadata", "/metadata", "CapabilityStatement", -1, func(t *testing.T, r reply) {
			b := string(r.body)
			if str(r.res, "fhirVersion") != "4.0.1" || !strings.Contains(b, "appointment-find") || !strings.Contains(b, "appointment-book") ||
				strings.Contains(b, "appointment-hold") || !strings.Contains(b, `"Slot"`) {
				t.Errorf("CapabilityStatement (a full book, no holds): %s", r.body)
			}
		}},
		{"locations", "/Location", "Bundle", 2, func(t *testing.T, r reply) {
			if str(entries(r)[0], "identifier.0.value") != clinicA || str(entries(r)[0], "name") != "Mottagning A65H" {
				t.Errorf("Location: %s", r.body)
			}
		}},
		{"organization by identifier", "/Organization?identifier=" + url.QueryEscape(fhir.SystemHSAID+"|"+clinicB), "Bundle", 1, nil},
		{"schedule", "/Schedule/" + clinicA, "Schedule", -1, func(t *testing.T, r reply) {
			if str(r.res, "actor.0.reference") != "Location/"+clinicA {
				t.Errorf("Schedule: %s", r.body)
			}
		}},
		{"slots of a day", "/Slot?schedule=Schedule/" + clinicA + "&start=ge" + day + "&start=lt" + next, "Bundle", 3, func(t *testing.T, r reply) {
			s := entries(r)[0]
			if str(s, "start") != day+"T10:00:00+01:00" || str(s, "end") != day+"T10:30:00+01:00" || str(s, "status") != "free" ||
				str(s, "serviceType.0.coding.0.code") != "LAK" || str(s, "schedule.reference") != "Schedule/"+clinicA {
				t.Errorf("Slot: %s", r.body)
			}
		}},
		{"slots after 10:15", "/Slot?schedule=Schedule/" + clinicA + "&start=gt" + url.QueryEscape(day+"T10:15:00+01:00"), "Bundle", 2, nil},
		{"slots of another type", "/Slot?schedule=Schedule/" + clinicA + "&service-type=" + url.QueryEscape(fhir.SystemTimeType+"|PROV"), "Bundle", 0, nil},
		{"practitioner roles", "/PractitionerRole?location=Location/" + clinicA, "Bundle", 1, func(t *testing.T, r reply) {
			if str(entries(r)[0], "practitioner.reference") != "Practitioner/"+doctor {
				t.Errorf("PractitionerRole: %s", r.body)
			}
		}},
		{"practitioners", "/Practitioner", "Bundle", 1, func(t *testing.T, r reply) {
			if str(entries(r)[0], "name.0.family") != "Ek" || str(entries(r)[0], "name.0.prefix.0") != "Dr" {
				t.Errorf("Practitioner: %s", r.body)
			}
		}},
		{"practitioner", "/Practitioner/" + doctor, "Practitioner", -1, nil},
		{"services", "/HealthcareService", "Bundle", 2, func(t *testing.T, r reply) {
			if str(entries(r)[0], "type.0.coding.0.code") != "LAK" {
				t.Errorf("HealthcareService: %s", r.body)
			}
		}},
		{"own appointments", "/Appointment?patient:identifier=" + url.QueryEscape(me), "Bundle", 1, func(t *testing.T, r reply) {
			a := entries(r)[0]
			if str(a, "status") != "booked" || str(a, "start") != day+"T11:30:00+01:00" || str(a, "participant.0.actor.identifier.value") != subject {
				t.Errorf("Appointment: %s", r.body)
			}
			var flags int
			for _, e := range asList(a["extension"]) {
				if strings.HasPrefix(str(e, "url"), "urn:webbtidbok:may-") {
					flags++
				}
			}
			if flags != 3 {
				t.Errorf("Appointment has %d flag extensions, want 3: %s", flags, r.body)
			}
		}},
		{"find", "/Appointment/$find?start=" + day + "&end=" + day + "&location=Location/" + clinicA, "Bundle", 3, func(t *testing.T, r reply) {
			a := entries(r)[0]
			if str(a, "status") != "proposed" || !strings.HasPrefix(str(a, "slot.0.reference"), "Slot/") || str(a, "slot.0.reference") != "Slot/"+str(a, "id") {
				t.Errorf("$find: %s", r.body)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, http.MethodGet, tc.path, me, nil)
			expect(t, tc.name, r, http.StatusOK, "")
			if got := str(r.res, "resourceType"); got != tc.typ {
				t.Fatalf("resourceType %q, want %q: %s", got, tc.typ, r.body)
			}
			if tc.n >= 0 {
				if got := len(entries(r)); got != tc.n {
					t.Fatalf("%d entries, want %d: %s", got, tc.n, r.body)
				}
				if tot, _ := get(r.res, "total").(float64); int(tot) != tc.n {
					t.Errorf("total %v, want %d", get(r.res, "total"), tc.n)
				}
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// find returns the ids of the proposed appointments of tomorrow at A.
func (f *fixture) find(t *testing.T, actor string) []string {
	t.Helper()
	r := f.do(t, http.MethodPost, "/Appointment/$find", actor, params(
		map[string]any{"name": "start", "valueDate": tomorrow.String()},
		map[string]any{"name": "end", "valueDate": tomorrow.String()},
		ref("location", "Location/"+clinicA)))
	expect(t, "$find", r, http.StatusOK, "")
	var ids []string
	for _, e := range entries(r) {
		ids = append(ids, str(e, "id"))
	}
	return ids
}

// TestBookMoveCancel books a proposed appointment, moves it and cancels
// it, as ITI-117 does all three.
func TestBookMoveCancel(t *testing.T) {
	f := setup(t, fhir.Config{})
	ids := f.find(t, me)
	if len(ids) != 3 {
		t.Fatalf("$find: %d proposals, want 3", len(ids))
	}

	r := f.do(t, http.MethodPost, "/Appointment/$book", me, params(bookResource(ids[0], subject)))
	expect(t, "$book", r, http.StatusOK, "")
	booked := entries(r)[0]
	if str(booked, "status") != "booked" || str(booked, "start") != tomorrow.String()+"T10:00:00+01:00" || str(booked, "comment") != "Ont i halsen" {
		t.Fatalf("$book: %s", r.body)
	}
	id := str(booked, "id")

	again := f.do(t, http.MethodPost, "/Appointment/$book", me, params(bookResource(ids[0], subject)))
	expect(t, "$book of a booked slot", again, http.StatusConflict, "conflict")
	if _, text := issue(again); text != texts.TimeChanged {
		t.Errorf("citizen's text %q, want %q", text, texts.TimeChanged)
	}

	mv := f.do(t, http.MethodPost, "/Appointment/$book", me, params(ref("appointment-reference", "Appointment/"+ids[1]), ref("previousAppointment", "Appointment/"+id)))
	expect(t, "$book moving", mv, http.StatusOK, "")
	if a := entries(mv)[0]; str(a, "id") != id || str(a, "start") != tomorrow.String()+"T10:30:00+01:00" {
		t.Fatalf("moved: %s", mv.body)
	}
	// The first slot is free again, the second taken.
	if got := f.find(t, me); len(got) != 2 || got[0] != ids[0] {
		t.Fatalf("after the move, $find offers %v; want the first and third of %v", got, ids)
	}

	read := f.do(t, http.MethodGet, "/Appointment/"+id, me, nil)
	expect(t, "read", read, http.StatusOK, "")
	read.res["status"] = "cancelled"
	read.res["cancelationReason"] = map[string]any{"text": "Jag är frisk"}
	cn := f.do(t, http.MethodPost, "/Appointment/$book", me, params(map[string]any{"name": "appointment-resource", "resource": read.res}))
	expect(t, "$book cancelling", cn, http.StatusOK, "")
	if a := entries(cn)[0]; str(a, "status") != "cancelled" || str(a, "cancelationReason.text") != "Jag är frisk" {
		t.Fatalf("cancelled: %s", cn.body)
	}
	gone := f.do(t, http.MethodGet, "/Appointment/"+id, me, nil)
	expect(t, "read after cancel", gone, http.StatusNotFound, "not-found")
	if got := f.find(t, me); len(got) != 3 {
		t.Fatalf("after cancelling, $find offers %d slots, want 3", len(got))
	}
}

// TestHold holds a slot: another patient cannot book it, the holder can
// until the hold ends.
func TestHold(t *testing.T) {
	f := setup(t, fhir.Config{Holds: holds{store.NewMemHolds()}, HoldTTL: 5 * time.Minute})
	ids := f.find(t, me)
	h := f.do(t, http.MethodPost, "/Appointment/$hold", me, params(ref("appointment-reference", "Appointment/"+ids[0])))
	expect(t, "$hold", h, http.StatusOK, "")
	held := entries(h)[0]
	if str(held, "status") != "pending" || !strings.HasPrefix(str(held, "id"), "h") {
		t.Fatalf("$hold: %s", h.body)
	}

	theirs := f.do(t, http.MethodPost, "/Appointment/$book", pnr+other, params(bookResource(ids[0], other)))
	expect(t, "$book of a slot another holds", theirs, http.StatusConflict, "conflict")
	theirHold := f.do(t, http.MethodPost, "/Appointment/$hold", pnr+other, params(ref("appointment-reference", "Appointment/"+ids[0])))
	expect(t, "$hold of a slot another holds", theirHold, http.StatusConflict, "conflict")

	res := bookResource(ids[0], subject)
	res["resource"].(map[string]any)["id"] = str(held, "id")
	res["resource"].(map[string]any)["slot"] = nil
	stolen := f.do(t, http.MethodPost, "/Appointment/$book", pnr+other, params(res, map[string]any{"name": "patient", "valueIdentifier": map[string]any{"system": fhir.SystemPersonnummer, "value": other}}))
	expect(t, "$book of another's hold", stolen, http.StatusConflict, "expired")

	ok := f.do(t, http.MethodPost, "/Appointment/$book", me, params(res))
	expect(t, "$book of the hold", ok, http.StatusOK, "")
	if str(entries(ok)[0], "start") != tomorrow.String()+"T10:00:00+01:00" {
		t.Fatalf("booked: %s", ok.body)
	}

	// A hold that ended cannot be booked.
	h2 := f.do(t, http.MethodPost, "/Appointment/$hold", me, params(ref("appointment-reference", "Appointment/"+ids[1])))
	expect(t, "$hold", h2, http.StatusOK, "")
	f.clock.Add(6 * time.Minute)
	late := f.do(t, http.MethodPost, "/Appointment/$book", me, params(func() map[string]any {
		r := bookResource(ids[1], subject)
		r["resource"].(map[string]any)["id"] = str(entries(h2)[0], "id")
		r["resource"].(map[string]any)["slot"] = nil
		return r
	}()))
	expect(t, "$book of an ended hold", late, http.StatusConflict, "expired")
}

// TestNotSupported answers what the book or the façade lacks with
// not-supported, and leaves it out of the CapabilityStatement.
func TestNotSupported(t *testing.T) {
	f := setup(t, fhir.Config{}, memtidbok.WithCapabilities(tidbok.FlowMyBookings))
	for _, tc := range []struct {
		name, method, path string
		body               any
	}{
		{"slots", http.MethodGet, "/Slot", nil},
		{"find", http.MethodGet, "/Appointment/$find", nil},
		{"hold without holds", http.MethodPost, "/Appointment/$hold", params(ref("appointment-reference", "Appointment/pabc"))},
		{"book", http.MethodPost, "/Appointment/$book", params(bookResource("paaaaaaaaaaaa", subject))},
		{"services", http.MethodGet, "/HealthcareService", nil},
		{"practitioners", http.MethodGet, "/Practitioner", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, tc.method, tc.path, me, tc.body)
			expect(t, tc.name, r, http.StatusNotImplemented, "not-supported")
		})
	}
	meta := f.do(t, http.MethodGet, "/metadata", me, nil)
	for _, absent := range []string{`"Slot"`, `"find"`, `"book"`, `"hold"`, `"HealthcareService"`} {
		if strings.Contains(string(meta.body), absent) {
			t.Errorf("CapabilityStatement names %s, which the book lacks", absent)
		}
	}
	if !strings.Contains(string(meta.body), `"Appointment"`) {
		t.Errorf("CapabilityStatement lacks Appointment: %s", meta.body)
	}
}

// TestAuthorization applies the producer's policy: a citizen sees and
// changes only their own appointments unless a proxy is vouched for.
func TestAuthorization(t *testing.T) {
	f := setup(t, fhir.Config{})
	mine := entries(f.do(t, http.MethodGet, "/Appointment", me, nil))
	theirsList := entries(f.do(t, http.MethodGet, "/Appointment", pnr+other, nil))
	if len(mine) != 1 || len(theirsList) != 1 {
		t.Fatalf("each citizen sees %d and %d appointments, want 1 each", len(mine), len(theirsList))
	}
	theirs := str(theirsList[0], "id")

	read := f.do(t, http.MethodGet, "/Appointment/"+theirs, me, nil)
	expect(t, "reading another's appointment", read, http.StatusNotFound, "not-found")
	unknown := f.do(t, http.MethodGet, "/Appointment/b"+strings.Repeat("a", 10), me, nil)
	expect(t, "reading an unknown appointment", unknown, http.StatusNotFound, "not-found")
	if _, a := issue(read); func() string { _, b := issue(unknown); return b }() != a {
		t.Errorf("another's appointment reads %q, an unknown one %q: they must not differ", a, func() string { _, b := issue(unknown); return b }())
	}

	theirsFull := f.do(t, http.MethodGet, "/Appointment/"+theirs, pnr+other, nil)
	expect(t, "the owner reads it", theirsFull, http.StatusOK, "")
	theirsFull.res["status"] = "cancelled"
	cn := f.do(t, http.MethodPost, "/Appointment/$book", me, params(map[string]any{"name": "appointment-resource", "resource": theirsFull.res}))
	expect(t, "cancelling another's appointment", cn, http.StatusNotFound, "not-found")
	if still := f.do(t, http.MethodGet, "/Appointment/"+theirs, pnr+other, nil); str(still.res, "status") != "booked" {
		t.Fatalf("another's appointment changed: %s", still.body)
	}

	list := f.do(t, http.MethodGet, "/Appointment?patient:identifier="+url.QueryEscape(pnr+other), me, nil)
	expect(t, "searching another's appointments", list, http.StatusForbidden, "forbidden")
	noActor := f.do(t, http.MethodGet, "/Appointment?patient:identifier="+url.QueryEscape(me), "", nil)
	expect(t, "no actor", noActor, http.StatusForbidden, "forbidden")
	agent := fhir.SystemHSAID + "|" + staffID
	agentRead := f.do(t, http.MethodGet, "/Appointment?patient:identifier="+url.QueryEscape(me), agent, nil)
	expect(t, "staff reading appointments", agentRead, http.StatusForbidden, "forbidden")
	agentSlots := f.do(t, http.MethodGet, "/Slot?schedule=Schedule/"+clinicA+"&patient:identifier="+url.QueryEscape(me), agent, nil)
	expect(t, "staff searching slots", agentSlots, http.StatusOK, "")
	agentBook := f.do(t, http.MethodPost, "/Appointment/$book", agent, params(bookResource(str(entries(agentSlots)[0], "id"), subject)))
	expect(t, "staff booking anew", agentBook, http.StatusOK, "")

	// With a proxy resolver vouching for the other citizen acting for
	// the citizen, both read.
	g := setup(t, fhir.Config{Proxies: producer.ProxyFunc(func(_ context.Context, actor, subj tidbok.PersonalNumber) error {
		if actor == otherOne && subj == citizen {
			return nil
		}
		return producer.ErrNoRelation
	})})
	own := entries(g.do(t, http.MethodGet, "/Appointment", me, nil))
	guardianList := g.do(t, http.MethodGet, "/Appointment?patient:identifier="+url.QueryEscape(me), pnr+other, nil)
	expect(t, "the vouched proxy searching", guardianList, http.StatusOK, "")
	guardianRead := g.do(t, http.MethodGet, "/Appointment/"+str(own[0], "id"), pnr+other, nil)
	expect(t, "the vouched proxy reading", guardianRead, http.StatusOK, "")
	back := g.do(t, http.MethodGet, "/Appointment?patient:identifier="+url.QueryEscape(pnr+other), me, nil)
	expect(t, "the other way round", back, http.StatusForbidden, "forbidden")

	// The audit names the refusals.
	var forbidden int
	for _, ev := range f.events.all() {
		if ev.Outcome == producer.OutcomeForbidden {
			forbidden++
		}
		if strings.Contains(ev.Detail, subject) || strings.Contains(ev.Detail, other) {
			t.Errorf("audit detail shows a personal number: %q", ev.Detail)
		}
	}
	if forbidden < 5 {
		t.Errorf("%d forbidden audit events, want at least 5", forbidden)
	}
}

// TestPaging pages a slot search with _count and next links.
func TestPaging(t *testing.T) {
	f := setup(t, fhir.Config{})
	for _, path := range []string{
		"/Slot?schedule=Schedule/" + clinicA + "&_count=2",
		"/Appointment/$find?location=Location/" + clinicA + "&_count=2",
	} {
		var seen []string
		next := path
		for pages := 0; next != ""; pages++ {
			if pages > 3 {
				t.Fatalf("%s: too many pages", path)
			}
			r := f.do(t, http.MethodGet, next, me, nil)
			expect(t, next, r, http.StatusOK, "")
			if tot, _ := get(r.res, "total").(float64); tot != 3 {
				t.Errorf("%s: total %v, want 3", next, get(r.res, "total"))
			}
			next = ""
			for _, l := range asList(r.res["link"]) {
				if str(l, "relation") == "next" {
					next = str(l, "url")
				}
			}
			for _, e := range entries(r) {
				seen = append(seen, str(e, "id"))
			}
			if pages == 0 && (len(entries(r)) != 2 || next == "") {
				t.Fatalf("%s: first page has %d entries and next %q", path, len(entries(r)), next)
			}
		}
		if len(seen) != 3 || seen[0] == seen[2] {
			t.Errorf("%s: paged through %v, want 3 distinct slots", path, seen)
		}
	}
	bad := f.do(t, http.MethodGet, "/Slot?schedule=Schedule/"+clinicA+"&_count=x", me, nil)
	expect(t, "a bad _count", bad, http.StatusBadRequest, "invalid")
}

// TestRefusals answers bad requests with their OperationOutcome.
func TestRefusals(t *testing.T) {
	f := setup(t, fhir.Config{})
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"no clinic named", http.MethodGet, "/Slot", nil, http.StatusBadRequest, "invalid"},
		{"unknown clinic", http.MethodGet, "/Slot?schedule=Schedule/SE2321000016-9XYZ", nil, http.StatusNotFound, "not-found"},
		{"bad date", http.MethodGet, "/Slot?schedule=Schedule/" + clinicA + "&start=ge2026-13-01", nil, http.StatusBadRequest, "invalid"},
		{"empty range", http.MethodGet, "/Slot?schedule=Schedule/" + clinicA + "&start=ge2026-02-01&start=lt2026-01-01", nil, http.StatusBadRequest, "invalid"},
		{"unknown type", http.MethodGet, "/Patient", nil, http.StatusNotFound, "not-supported"},
		{"book without a name", http.MethodPost, "/Appointment/$book", params(ref("appointment-reference", "Appointment/p"+strings.Repeat("a", 12))), http.StatusBadRequest, "invalid"},
		{"not Parameters", http.MethodPost, "/Appointment/$book", map[string]any{"resourceType": "Appointment"}, http.StatusBadRequest, "invalid"},
		{"put", http.MethodPut, "/Appointment/x", map[string]any{}, http.StatusMethodNotAllowed, "not-supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, tc.name, f.do(t, tc.method, tc.path, me, tc.body), tc.status, tc.code)
		})
	}
}

// TestConsumers refuses a caller without an allowed client certificate.
func TestConsumers(t *testing.T) {
	f := setup(t, fhir.Config{Consumers: []tidbok.HSAID{tidbok.MustHSAID("SE2321000016-PLAT")}})
	r := f.do(t, http.MethodGet, "/metadata", me, nil)
	expect(t, "no client certificate", r, http.StatusUnauthorized, "login")
}

// TestAudit records one event per request and withholds a read whose
// event cannot be recorded.
func TestAudit(t *testing.T) {
	f := setup(t, fhir.Config{})
	f.do(t, http.MethodGet, "/Appointment", me, nil)
	f.do(t, http.MethodGet, "/metadata", me, nil)
	evs := f.events.all()
	if len(evs) != 1 || evs[0].Interaction != "search Appointment" || evs[0].Subject != citizen || evs[0].Outcome != producer.OutcomeDone || evs[0].Actor.Person != citizen {
		t.Fatalf("events %+v", evs)
	}
	ae := evs[0].AuditEvent(hsaA)
	if ae.Recorded != "2026-01-12T09:00:00+01:00" || len(ae.Entity) != 2 || *ae.Entity[0].What.Identifier.Value != subject ||
		*ae.Entity[1].Name != "search Appointment" || *ae.Subtype[0].Code != "search-type" {
		t.Errorf("AuditEvent %+v", ae)
	}
	f.events.mu.Lock()
	f.events.fail = errors.New("disk full")
	f.events.mu.Unlock()
	r := f.do(t, http.MethodGet, "/Appointment", me, nil)
	expect(t, "a read not logged", r, http.StatusInternalServerError, "exception")
	if strings.Contains(string(r.body), "11:30") {
		t.Errorf("an unlogged read showed the appointment: %s", r.body)
	}
}

// TestConfig reports every problem at once.
func TestConfig(t *testing.T) {
	_, err := fhir.New(memtidbok.New(), fhir.Config{BasePath: "fhir/", Policy: producer.TrustPlatform, Proxies: producer.ProxyFunc(nil), PageSize: -1})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"Facilities", "BasePath", "consumers", "Proxies", "PageSize"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %s: %v", want, err)
		}
	}
}

// TestTrustPlatform serves the patient a request names without asking
// who acts, as the producer's TrustPlatform does; staff stay limited.
func TestTrustPlatform(t *testing.T) {
	f := setup(t, fhir.Config{Policy: producer.TrustPlatform})
	theirs := entries(f.do(t, http.MethodGet, "/Appointment?patient:identifier="+url.QueryEscape(pnr+other), "", nil))
	if len(theirs) != 1 {
		t.Fatalf("TrustPlatform: %d appointments of the named patient, want 1", len(theirs))
	}
	r := f.do(t, http.MethodGet, "/Appointment/"+str(theirs[0], "id"), me, nil)
	expect(t, "reading any appointment under TrustPlatform", r, http.StatusOK, "")
	agent := f.do(t, http.MethodGet, "/Appointment/"+str(theirs[0], "id"), fhir.SystemHSAID+"|"+staffID, nil)
	expect(t, "staff reading under TrustPlatform", agent, http.StatusForbidden, "forbidden")
}

// TestLogsMaskPersonalNumbers runs refusals and writes with a logger and
// finds no personal identity number in what it wrote.
func TestLogsMaskPersonalNumbers(t *testing.T) {
	var buf syncBuffer
	f := setup(t, fhir.Config{Logger: slog.New(slog.NewTextHandler(&buf, nil)), Audit: fhir.LogAudit(slog.New(slog.NewTextHandler(&buf, nil)))})
	ids := f.find(t, me)
	f.do(t, http.MethodPost, "/Appointment/$book", me, params(bookResource(ids[0], subject)))
	f.do(t, http.MethodGet, "/Appointment?patient:identifier="+url.QueryEscape(pnr+other), me, nil)
	f.do(t, http.MethodGet, "/Appointment?patient:identifier="+url.QueryEscape(pnr+"191212121213"), me, nil)
	f.do(t, http.MethodGet, "/Slot?schedule=Schedule/"+clinicA, fhir.SystemPersonnummer+"|"+other, nil)
	out := buf.String()
	if !strings.Contains(out, "fhir audit") || !strings.Contains(out, "$book") {
		t.Fatalf("the log lacks the audit:\n%s", out)
	}
	if found := pnleak.Find(out); len(found) != 0 {
		t.Errorf("the log shows personal numbers %v:\n%s", found, out)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestCitizenText answers a refusal of the book with the citizen's text
// in the OperationOutcome: the book's own, which wins over the clinic's
// wording.
func TestCitizenText(t *testing.T) {
	clinicWording := "Ring mottagningen för att avboka."
	f := setup(t, fhir.Config{Texts: func(op tidbok.Operation, err error) string {
		if op == tidbok.OpCancel && errors.Is(err, tidbok.ErrNotAllowed) {
			return clinicWording
		}
		return ""
	}})
	must(t, f.book.SetFlags(t.Context(), hsaA, f.own, tidbok.Flags{MayReschedule: true}))
	mine := entries(f.do(t, http.MethodGet, "/Appointment", me, nil))
	a := f.do(t, http.MethodGet, "/Appointment/"+str(mine[0], "id"), me, nil)
	for _, e := range asList(a.res["extension"]) {
		if str(e, "url") == fhir.ExtMayCancel && get(e, "valueBoolean") != false {
			t.Errorf("the flag may-cancel is %v, want false", get(e, "valueBoolean"))
		}
	}
	a.res["status"] = "cancelled"
	r := f.do(t, http.MethodPost, "/Appointment/$book", me, params(map[string]any{"name": "appointment-resource", "resource": a.res}))
	expect(t, "cancelling what may not be cancelled", r, http.StatusUnprocessableEntity, "business-rule")
	// memtidbok words the refusal itself, and a book's text wins.
	if _, text := issue(r); text != texts.NoCancel {
		t.Errorf("citizen's text %q, want the book's %q", text, texts.NoCancel)
	}
}

// TestFindForMoving asks $find for the times a booking may be moved to,
// which only its owner may.
func TestFindForMoving(t *testing.T) {
	f := setup(t, fhir.Config{})
	mine := str(entries(f.do(t, http.MethodGet, "/Appointment", me, nil))[0], "id")
	q := "/Appointment/$find?location=Location/" + clinicA + "&previousAppointment=" + url.QueryEscape("Appointment/"+mine)
	r := f.do(t, http.MethodGet, q, me, nil)
	expect(t, "$find for moving", r, http.StatusOK, "")
	if n := len(entries(r)); n != 3 {
		t.Errorf("$find for moving: %d times, want 3", n)
	}
	theirs := f.do(t, http.MethodGet, q, pnr+other, nil)
	expect(t, "$find for moving another's booking", theirs, http.StatusNotFound, "not-found")
}

// TestFindIncludesTheClinicOnce: a page of $find gives its clinic once,
// as an included Location its proposed Appointments refer to by
// reference alone, and a page without matches includes nothing.
func TestFindIncludesTheClinicOnce(t *testing.T) {
	f := setup(t, fhir.Config{})
	r := f.do(t, http.MethodGet, "/Appointment/$find?location=Location/"+clinicA, me, nil)
	expect(t, "$find", r, http.StatusOK, "")
	var included []any
	for _, e := range asList(get(r.res, "entry")) {
		switch str(e, "search.mode") {
		case "include":
			included = append(included, e)
		case "match":
			for _, p := range asList(get(e, "resource.participant")) {
				if str(p, "actor.reference") == "Location/"+clinicA && get(p, "actor.display") != nil {
					t.Errorf("a proposed Appointment names its clinic: %v", p)
				}
			}
		}
	}
	if len(included) != 1 || str(included[0], "resource.resourceType") != "Location" || str(included[0], "resource.id") != clinicA ||
		str(included[0], "resource.name") == "" || !strings.HasSuffix(str(included[0], "fullUrl"), "/Location/"+clinicA) {
		t.Fatalf("included %v, want Location/%s once, named: %s", included, clinicA, r.body)
	}
	r = f.do(t, http.MethodGet, "/Appointment/$find?location=Location/"+clinicA+"&_offset=99", me, nil)
	expect(t, "$find past the end", r, http.StatusOK, "")
	if n := len(asList(get(r.res, "entry"))); n != 0 {
		t.Errorf("a page past the end has %d entries: %s", n, r.body)
	}
}
