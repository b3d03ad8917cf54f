package booking_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// icsProperty is one unfolded content line.
type icsProperty struct {
	name   string
	params string
	value  string
}

// parseICS is a minimal RFC 5545 reader: it checks the line endings and
// folding, unfolds, and splits each content line. It fails t on a
// malformed object.
func parseICS(t *testing.T, data []byte) []icsProperty {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Fatalf("the object does not end with CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	var logical []string
	for i, l := range physical {
		switch {
		case strings.ContainsAny(l, "\r\n"):
			t.Fatalf("line %d holds a bare CR or LF: %q", i+1, l)
		case len(l) > 75:
			t.Errorf("line %d is %d octets long, more than 75: %q", i+1, len(l), l)
		case !utf8.ValidString(l):
			t.Errorf("line %d splits a character: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") {
			if len(logical) == 0 {
				t.Fatalf("the object starts with a continuation line")
			}
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	var props []icsProperty
	var stack []string
	for _, l := range logical {
		colon := strings.IndexByte(l, ':')
		if colon < 0 {
			t.Fatalf("content line without a colon: %q", l)
		}
		name, value := l[:colon], l[colon+1:]
		params := ""
		if semi := strings.IndexByte(name, ';'); semi >= 0 {
			name, params = name[:semi], name[semi+1:]
		}
		switch name {
		case "BEGIN":
			stack = append(stack, value)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				t.Fatalf("END:%s does not close %v", value, stack)
			}
			stack = stack[:len(stack)-1]
		}
		props = append(props, icsProperty{name, params, unescape(value)})
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed components %v", stack)
	}
	return props
}

func unescape(v string) string {
	return strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n").Replace(v)
}

// eventProps returns the VEVENT's properties by name.
func eventProps(t *testing.T, data []byte) map[string]icsProperty {
	t.Helper()
	out := map[string]icsProperty{}
	in := false
	for _, p := range parseICS(t, data) {
		switch {
		case p.name == "BEGIN" && p.value == "VEVENT":
			in = true
		case p.name == "END" && p.value == "VEVENT":
			in = false
		case in:
			out[p.name] = p
		}
	}
	return out
}

// readTime reads a DTSTART or DTEND back into an instant, as a calendar
// does: a TZID=Europe/Stockholm local time, or a UTC time.
func readTime(t *testing.T, p icsProperty) time.Time {
	t.Helper()
	switch {
	case p.params == "TZID=Europe/Stockholm":
		// RFC 5545 reads a local time of the repeated autumn hour as its
		// first occurrence, as ParseWireTime does.
		v, err := tidbok.ParseWireTime(strings.Replace(p.value, "T", "", 1))
		if err != nil {
			t.Fatal(err)
		}
		return v
	case p.params == "" && strings.HasSuffix(p.value, "Z"):
		v, err := time.Parse("20060102T150405Z", p.value)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	t.Fatalf("%s has parameters %q and value %q", p.name, p.params, p.value)
	return time.Time{}
}

func TestICSIsTheBookingInStockholmTime(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name       string
		start, end time.Time
		wantStart  string // DTSTART's parameters and value
	}{
		{"a winter morning (CET)", utc("2026-01-14T09:00:00Z"), utc("2026-01-14T09:30:00Z"), "TZID=Europe/Stockholm:20260114T100000"},
		{"a summer morning (CEST)", utc("2026-06-15T07:00:00Z"), utc("2026-06-15T07:30:00Z"), "TZID=Europe/Stockholm:20260615T090000"},
		{"the morning summer time starts", utc("2026-03-29T00:30:00Z"), utc("2026-03-29T01:30:00Z"), "TZID=Europe/Stockholm:20260329T013000"},
		{"across the skipped hour", utc("2026-03-29T00:45:00Z"), utc("2026-03-29T01:15:00Z"), "TZID=Europe/Stockholm:20260329T014500"},
		{"the first 02:30 the night summer time ends (CEST)", utc("2026-10-25T00:30:00Z"), utc("2026-10-25T00:45:00Z"), "TZID=Europe/Stockholm:20261025T023000"},
		{"the second 02:30 the night summer time ends (CET), in UTC", utc("2026-10-25T01:30:00Z"), utc("2026-10-25T01:45:00Z"), ":20261025T013000Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := booking.CalendarEvent{
				Booking: tidbok.Timeslot{ID: "b1", Start: tt.start, End: tt.end, Facility: clinic, FacilityName: "Testmottagningen",
					TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}},
				Stamp: t0,
			}
			props := eventProps(t, ev.ICS())
			if got := props["DTSTART"].params + ":" + props["DTSTART"].value; strings.TrimPrefix(got, ":") != strings.TrimPrefix(tt.wantStart, ":") {
				t.Errorf("DTSTART %q, want %q", got, tt.wantStart)
			}
			if got := readTime(t, props["DTSTART"]); !got.Equal(tt.start) {
				t.Errorf("DTSTART reads back as %v, want %v", got, tt.start)
			}
			if got := readTime(t, props["DTEND"]); !got.Equal(tt.end) {
				t.Errorf("DTEND reads back as %v, want %v", got, tt.end)
			}
		})
	}
}

func TestICSWholeObject(t *testing.T) {
	t.Parallel()
	ev := booking.CalendarEvent{
		Booking: tidbok.Timeslot{
			ID: "b0000a1", Start: at(time.January, 14, 10, 0), End: at(time.January, 14, 10, 30),
			Facility: clinic, FacilityName: "Vårdcentralen Ekorren, hus 2; plan 3",
			TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}, PerformerName: "Dr Eva Ek",
			Reason: "Ont i halsen, privat",
		},
		Notice: "Kom fastande. Ta med legitimation och en lista över de läkemedel du tar, även receptfria.",
		Stamp:  t0,
	}
	want := strings.Join([]string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//webbtidbok//booking//SV",
		"CALSCALE:GREGORIAN",
		"BEGIN:VTIMEZONE",
		"TZID:Europe/Stockholm",
		"BEGIN:DAYLIGHT",
		"TZOFFSETFROM:+0100",
		"TZOFFSETTO:+0200",
		"TZNAME:CEST",
		"DTSTART:19700329T020000",
		"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
		"END:DAYLIGHT",
		"BEGIN:STANDARD",
		"TZOFFSETFROM:+0200",
		"TZOFFSETTO:+0100",
		"TZNAME:CET",
		"DTSTART:19701025T030000",
		"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
		"END:STANDARD",
		"END:VTIMEZONE",
		"BEGIN:VEVENT",
		"UID:b0000a1@se2321000016-test",
		"DTSTAMP:20260112T080000Z",
		"DTSTART;TZID=Europe/Stockholm:20260114T100000",
		"DTEND;TZID=Europe/Stockholm:20260114T103000",
		"SEQUENCE:0",
		"STATUS:CONFIRMED",
		`SUMMARY:Läkarbesök\, Vårdcentralen Ekorren\, hus 2\; plan 3`,
		`LOCATION:Vårdcentralen Ekorren\, hus 2\; plan 3`,
		`DESCRIPTION:Hos Dr Eva Ek\nInformation från mottagningen: Kom fastande. Ta`,
		"  med legitimation och en lista över de läkemedel du tar\\, även receptfr",
		" ia.",
		"TRANSP:OPAQUE",
		"END:VEVENT",
		"END:VCALENDAR",
		"",
	}, "\r\n")
	got := string(ev.ICS())
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ICS (-want +got):\n%s", diff)
	}
	props := eventProps(t, ev.ICS())
	if d := props["DESCRIPTION"].value; !strings.HasSuffix(d, "även receptfria.") || strings.Contains(d, "Ont i halsen") {
		t.Errorf("DESCRIPTION reads back as %q: want the notice, never the reason", d)
	}
	if l := props["LOCATION"].value; l != ev.Booking.FacilityName {
		t.Errorf("LOCATION reads back as %q", l)
	}
}

// The event names the clinic in its title, and says where it is, how to
// reach it, what to bring and by when to cancel; a cancelled event does
// not ask to cancel.
func TestICSNamesTheClinicAndWhatToDo(t *testing.T) {
	t.Parallel()
	ev := booking.CalendarEvent{
		Booking: tidbok.Timeslot{ID: "b2", Start: at(time.March, 16, 9, 0), End: at(time.March, 16, 9, 30),
			Facility: clinic, FacilityName: "Vårdcentralen Solrosen", PerformerName: "Dr Eva Ek",
			TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}},
		Clinic:   booking.ClinicContact{Address: "Solrosvägen 1, 123 45 Exempelstad", Phone: "010-123 45 67"},
		Bring:    "Ta med giltig legitimation.",
		CancelBy: at(time.March, 15, 9, 0),
		Stamp:    t0,
	}
	props := eventProps(t, ev.ICS())
	if got, want := props["SUMMARY"].value, "Läkarbesök, Vårdcentralen Solrosen"; got != want {
		t.Errorf("SUMMARY reads back as %q, want %q", got, want)
	}
	if got, want := props["LOCATION"].value, "Vårdcentralen Solrosen, Solrosvägen 1, 123 45 Exempelstad"; got != want {
		t.Errorf("LOCATION reads back as %q, want %q", got, want)
	}
	wantDesc := "Hos Dr Eva Ek\nTa med giltig legitimation.\n" +
		"Avboka eller omboka senast söndag 15 mars 2026 kl. 09:00 om du inte kan komma.\n" +
		"Mottagningens telefon: 010-123 45 67"
	if got := props["DESCRIPTION"].value; got != wantDesc {
		t.Errorf("DESCRIPTION reads back as\n%q\nwant\n%q", got, wantDesc)
	}
	ev.Cancelled = true
	if d := eventProps(t, ev.ICS())["DESCRIPTION"].value; strings.Contains(d, "Avboka") || !strings.Contains(d, "010-123 45 67") {
		t.Errorf("the cancelled event's DESCRIPTION reads back as %q", d)
	}
	// Without a facility name the title is the time type alone.
	ev.Booking.FacilityName = ""
	if got := eventProps(t, ev.ICS())["SUMMARY"].value; got != "Läkarbesök" {
		t.Errorf("SUMMARY without a clinic name: %q", got)
	}
}

// Folding never splits a character, whatever the text.
func TestICSFoldsOnCharacterBoundaries(t *testing.T) {
	t.Parallel()
	for n := 60; n < 160; n++ {
		name := strings.Repeat("ö", n/2) + strings.Repeat("a", n%2) + "€𝄞"
		ev := booking.CalendarEvent{
			Booking: tidbok.Timeslot{ID: "b", Start: at(time.January, 14, 10, 0), End: at(time.January, 14, 10, 30),
				Facility: clinic, FacilityName: name},
			Stamp: t0,
		}
		props := eventProps(t, ev.ICS())
		if props["LOCATION"].value != name {
			t.Fatalf("LOCATION %q reads back as %q", name, props["LOCATION"].value)
		}
	}
}

func ExampleCalendarEvent_ICS() {
	ev := booking.CalendarEvent{
		Booking: tidbok.Timeslot{
			ID: "b0000a1", Facility: tidbok.MustHSAID("SE2321000016-VC01"), FacilityName: "Vårdcentralen Exempel",
			Start:    time.Date(2026, time.March, 30, 9, 0, 0, 0, tidbok.Stockholm()),
			End:      time.Date(2026, time.March, 30, 9, 20, 0, 0, tidbok.Stockholm()),
			TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"},
		},
		Stamp: time.Date(2026, time.March, 2, 8, 0, 0, 0, time.UTC),
	}
	for _, line := range strings.Split(string(ev.ICS()), "\r\n") {
		if strings.HasPrefix(line, "DTSTART;") || strings.HasPrefix(line, "DTEND;") ||
			strings.HasPrefix(line, "DTSTAMP") || strings.HasPrefix(line, "UID") {
			fmt.Println(line)
		}
	}
	// Output:
	// UID:b0000a1@se2321000016-vc01
	// DTSTAMP:20260302T080000Z
	// DTSTART;TZID=Europe/Stockholm:20260330T090000
	// DTEND;TZID=Europe/Stockholm:20260330T092000
}
