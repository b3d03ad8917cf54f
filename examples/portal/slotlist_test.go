package main

import (
	"bytes"
	"html"
	"html/template"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// oldSlotList is the slot list as html/template wrote it before
// slotForms, the reference slotForms must agree with.
const oldSlotList = `{{- $csrf := .CSRF}}{{$d := .Data}}<ul class="slots">
{{- range $d.Slots}}
<li>
<form method="post" action="{{$d.Action}}">
<input type="hidden" name="csrf" value="{{$csrf}}">
<input type="hidden" name="tid" value="{{.ID}}">
<input type="hidden" name="start" value="{{unix .Start}}">
<input type="hidden" name="slut" value="{{unix .End}}">
<input type="hidden" name="tidstyp" value="{{.TimeType.ID}}">
{{- if not .Performer.IsZero}}<input type="hidden" name="utforare" value="{{.Performer}}">{{end}}
<button type="submit" class="slot">{{if $d.Alternatives}}<span class="slot-day">{{dayOf .Start}}</span> {{end}}<span class="slot-time">{{clock .Start}}</span>{{if .PerformerName}} <span class="slot-who">{{.PerformerName}}</span>{{end}}</button>
</form>
</li>
{{- end}}
</ul>`

var buttonText = regexp.MustCompile(`(?s)<button type="submit" class="slot">(.*?)</button>`)

func testSlots(id, timeType, name string) []tidbok.Timeslot {
	start := time.Date(2026, 3, 16, 9, 30, 0, 0, tidbok.Stockholm())
	return []tidbok.Timeslot{
		{ID: id, Start: start, End: start.Add(20 * time.Minute), TimeType: tidbok.TimeType{ID: timeType},
			Performer: tidbok.MustHSAID("SE2321000016-1003"), PerformerName: name},
		{ID: id + "2", Start: start.Add(time.Hour), End: start.Add(80 * time.Minute), TimeType: tidbok.TimeType{ID: timeType}},
	}
}

// TestSlotFormsAgreeWithTheTemplate: the forms and button texts slotForms
// writes read as those html/template wrote, with plain and with hostile
// values, on a date's list and on a list of alternatives.
func TestSlotFormsAgreeWithTheTemplate(t *testing.T) {
	ref := template.Must(template.New("ref").Funcs(funcs).Parse(oldSlotList))
	for _, c := range []struct{ id, tt, name, action, csrf string }{
		{"slot-1", "tt1", "Dr Anna Läkare", "/boka/SE2321000016-1001/tider", "tok+en/="},
		{`"><script>alert(1)</script>`, `x' onfocus='alert(1)`, `<img src=x onerror=alert(1)>&amp;`, `/a"b<c>&d'e`, `"><b>`},
	} {
		for _, alt := range []bool{false, true} {
			d := slotsData{Slots: testSlots(c.id, c.tt, c.name), Action: c.action, Alternatives: alt}
			var want bytes.Buffer
			if err := ref.Execute(&want, view{CSRF: c.csrf, Data: d}); err != nil {
				t.Fatal(err)
			}
			got := string(slotForms(d, c.csrf))
			if g, w := formsOf(got), formsOf(want.String()); !reflect.DeepEqual(g, w) {
				t.Errorf("%q alt %v: forms\n%+v\nwant\n%+v", c.id, alt, g, w)
			}
			if len(formsOf(got)) != 2 {
				t.Errorf("%q: %d forms, want 2:\n%s", c.id, len(formsOf(got)), got)
			}
			if g, w := buttonTexts(got), buttonTexts(want.String()); !reflect.DeepEqual(g, w) {
				t.Errorf("%q alt %v: buttons %q, want %q", c.id, alt, g, w)
			}
		}
	}
}

func buttonTexts(s string) []string {
	var out []string
	for _, m := range buttonText.FindAllStringSubmatch(s, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// TestSlotFormsEscapeHostileValues: values that try to leave their
// attribute or element add no markup: the list has as many tags and
// quotes as with plain values, and a value it cannot trust as a path on
// the portal is not used as the forms' action.
func TestSlotFormsEscapeHostileValues(t *testing.T) {
	plain := string(slotForms(slotsData{Slots: testSlots("a", "b", "c"), Action: "/boka/x/tider"}, "t"))
	hostile := string(slotForms(slotsData{
		Slots:  testSlots(`"><script>alert(1)</script>`, `' onfocus='x`, `</button><img src=x onerror=alert(1)>`),
		Action: `/x" onsubmit="alert(1)`,
	}, `"><i>`))
	for _, ch := range []string{"<", ">", `"`, "'"} {
		if p, h := strings.Count(plain, ch), strings.Count(hostile, ch); p != h {
			t.Errorf("%d %s in the list with hostile values, %d with plain ones:\n%s", h, ch, p, hostile)
		}
	}
	if strings.Contains(hostile, "<script") || strings.Contains(hostile, "<img") {
		t.Errorf("markup in values came through:\n%s", hostile)
	}
	for _, action := range []string{"javascript:alert(1)", "//evil.example/tider", `/\evil.example`, "https://evil.example/"} {
		got := string(slotForms(slotsData{Slots: testSlots("a", "b", "c"), Action: action}, "t"))
		if f := formsOf(got); len(f) != 2 || f[0].action != "#ZgotmplZ" {
			t.Errorf("action %q: forms %+v, want the stand-in #ZgotmplZ", action, f)
		}
	}
	if got := slotForms(slotsData{Action: "/boka/x/tider"}, "t"); got != "" {
		t.Errorf("no slots: %q, want nothing", got)
	}
}
