package fhir

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	m "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func asValue(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	return v
}

// TestAppendAppointment holds the hand-written encoding of an
// Appointment equal to the models' for every shape the façade makes.
func TestAppendAppointment(t *testing.T) {
	start := time.Date(2026, time.March, 29, 1, 30, 0, 0, tidbok.Stockholm()) // the night the clocks go forward
	full := tidbok.Timeslot{
		ID: "x1", Start: start, End: start.Add(90 * time.Minute),
		Facility: tidbok.MustHSAID("SE2321000016-A1B2"), FacilityName: `Vårdcentralen "Ekorren" <&>`,
		Performer: tidbok.MustHSAID("SE2321000016-DR01"), PerformerName: "Eva Ek",
		Resource: tidbok.Resource{ID: "rum 3", Name: "Rum 3"}, TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"},
		CareType: tidbok.CareType{ID: "VC", Name: "Vård\ncentral"}, Subject: tidbok.MustPersonalNumber("191212121212"),
		Purpose: "tab\there \u2028 and \x01", Reason: "bad \xff utf-8", Flags: tidbok.Flags{MayCancel: true, MayMessage: true},
	}
	cases := []struct {
		name   string
		status m.AppointmentStatus
		ts     tidbok.Timeslot
		slot   string
	}{
		{"proposed, every field", m.AppointmentStatusProposed, full, "pabc"},
		{"booked, every field", m.AppointmentStatusBooked, full, ""},
		{"cancelled", m.AppointmentStatusCancelled, full, ""},
		{"an open invitation", m.AppointmentStatusProposed, tidbok.Timeslot{ID: "i", Facility: full.Facility, Invitation: true, TimeType: tidbok.TimeType{Name: "only a name"}}, ""},
		{"nobody", m.AppointmentStatusPending, tidbok.Timeslot{Start: start, End: start.Add(time.Minute), CareType: tidbok.CareType{ID: "only-code"}}, ""},
		{"a resource without ID", m.AppointmentStatusProposed, tidbok.Timeslot{Start: start, End: start.Add(time.Minute), Resource: tidbok.Resource{Name: "Rum"}}, "p"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, err := json.Marshal(appointment("aid", c.status, c.ts, c.slot))
			if err != nil {
				t.Fatal(err)
			}
			got := appendAppointment(nil, "aid", c.status, c.ts, c.slot)
			if !reflect.DeepEqual(asValue(t, got), asValue(t, want)) {
				t.Errorf("hand-written:\n%s\nmodels:\n%s", got, want)
			}
			if c.status != m.AppointmentStatusProposed {
				return
			}
			// A $find page's compact form.
			want, err = json.Marshal(proposedAppointment("aid", c.ts))
			if err != nil {
				t.Fatal(err)
			}
			got = appendProposed(nil, "aid", c.ts)
			if !reflect.DeepEqual(asValue(t, got), asValue(t, want)) {
				t.Errorf("compact, hand-written:\n%s\nmodels:\n%s", got, want)
			}
		})
	}
}

// TestProposedIsSmaller: the compact form of a $find page leaves out the
// clinic's name, the clinician's identifier, the duration and a type's
// text, which the page gives once or the entry gives otherwise.
func TestProposedIsSmaller(t *testing.T) {
	start := time.Date(2026, time.January, 14, 10, 0, 0, 0, tidbok.Stockholm())
	ts := tidbok.Timeslot{
		Start: start, End: start.Add(20 * time.Minute),
		Facility: tidbok.MustHSAID("SE2321000016-A1B2"), FacilityName: "Vårdcentralen Ekorren",
		Performer: tidbok.MustHSAID("SE2321000016-DR01"), PerformerName: "Eva Ek",
		TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"},
	}
	full := string(appendAppointment(nil, "p1", m.AppointmentStatusProposed, ts, "p1"))
	compact := string(appendProposed(nil, "p1", ts))
	for _, s := range []string{"Ekorren", `"minutesDuration"`, `"text"`, `"identifier":{"system":"` + SystemHSAID} {
		if !strings.Contains(full, s) || strings.Contains(compact, s) {
			t.Errorf("%s: in the full form %v, in the compact %v", s, strings.Contains(full, s), strings.Contains(compact, s))
		}
	}
	for _, s := range []string{`"reference":"Location/SE2321000016-A1B2"`, `"reference":"Practitioner/SE2321000016-DR01"`, `"display":"Eva Ek"`, `"code":"LAK","display":"Läkarbesök"`} {
		if !strings.Contains(compact, s) {
			t.Errorf("compact form lacks %s:\n%s", s, compact)
		}
	}
}

// TestAppendSearchset holds a hand-written page equal to the models'
// Bundle.
func TestAppendSearchset(t *testing.T) {
	ts := tidbok.Timeslot{ID: "1", Start: time.Unix(1e9, 0), End: time.Unix(1e9+600, 0), Facility: tidbok.MustHSAID("SE2321000016-A1B2")}
	for _, c := range []struct {
		name       string
		entries    int
		self, next string
	}{{"empty", 0, "", ""}, {"a page", 2, "http://h/fhir/Slot?a=1&b=<2>", "http://h/fhir/Slot?_offset=2"}, {"self only", 1, "http://h/x", ""}} {
		t.Run(c.name, func(t *testing.T) {
			var lazy, eager []entry
			for i := range c.entries {
				lazy = append(lazy, entry{fullURL: "http://h/fhir/Appointment/p" + string(rune('a'+i)), resource: proposed{id: "p", ts: ts}, mode: m.SearchEntryModeMatch})
				eager = append(eager, entry{fullURL: lazy[i].fullURL, resource: proposedAppointment("p", ts), mode: m.SearchEntryModeMatch})
			}
			if c.entries > 0 {
				loc := entry{fullURL: "http://h/fhir/Location/SE2321000016-A1B2", resource: locationResource(ts.Facility, "Vårdcentralen"), mode: m.SearchEntryModeInclude}
				lazy, eager = append(lazy, loc), append(eager, loc)
			}
			got, err := appendSearchset(nil, lazy, 7, c.self, c.next)
			if err != nil {
				t.Fatal(err)
			}
			b, err := searchset(eager, 7, c.self, c.next)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(asValue(t, got), asValue(t, want)) {
				t.Errorf("hand-written:\n%s\nmodels:\n%s", got, want)
			}
		})
	}
}

// FuzzAppendString holds appendString to what encoding/json writes.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `"\`, "<a&b>", "\x00\x1f\x7f", "å\u2028\u2029", "\xff\xfe", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, encoding/json %s", s, got, want)
		}
	})
}
