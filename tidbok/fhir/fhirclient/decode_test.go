package fhirclient

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// decodeInputs are answers the façade gives and shapes it never does:
// every field the client reads, escapes, nulls, unknown fields of every
// type, duplicate keys.
var decodeInputs = []string{
	`{"resourceType":"Bundle","type":"searchset","total":2,"link":[{"relation":"self","url":"http://h/fhir/Appointment/$find?a=1\u0026b=2"},{"relation":"next","url":"http://h/n"}],"entry":[{"fullUrl":"http://h/fhir/Appointment/pabc","resource":{"resourceType":"Appointment","id":"pabc","status":"proposed","serviceType":[{"coding":[{"system":"urn:webbtidbok:time-type","code":"LAK","display":"L\u00e4karbes\u00f6k"}],"text":"Läkarbesök"}],"serviceCategory":[{"text":"only text"}],"description":"tab\there \"q\" \\ \/ \b\f\n\r \ud83d\ude00 \ud800 x","comment":"c","start":"2026-01-14T10:00:00+01:00","end":"2026-01-14T10:20:00+01:00","minutesDuration":20,"slot":[{"reference":"Slot/pabc"}],"participant":[{"actor":{"type":"Patient","identifier":{"system":"urn:oid:1.2.752.129.2.1.3.1","value":"191212121212"}},"status":"needs-action"},{"actor":{"reference":"Location/SE2321000016-TEST","display":"Testmottagningen"},"status":"accepted"},{"actor":null},{"type":[{"text":"unknown"}],"status":"accepted"}],"extension":[{"url":"urn:webbtidbok:may-cancel","valueBoolean":true},{"url":"urn:webbtidbok:may-message","valueBoolean":false},{"url":"x","valueReference":{"reference":"Appointment/b1"}},{"url":"y","valueBoolean":null}]},"search":{"mode":"match"}},{"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational","details":{"text":"Ta med legitimation."},"expression":["a","b"]}]},"search":{"mode":"outcome"}}]}`,
	// A $find page's compact form, with its clinic included once.
	`{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"fullUrl":"http://h/fhir/Appointment/pjwpibcnau2yjmdmibzztambqgayda","resource":{"resourceType":"Appointment","id":"pjwpibcnau2yjmdmibzztambqgayda","status":"proposed","serviceType":[{"coding":[{"system":"urn:webbtidbok:time-type","code":"LAK","display":"Läkarbesök"}]}],"start":"2026-01-14T10:00:00+01:00","end":"2026-01-14T10:20:00+01:00","slot":[{"reference":"Slot/pabc"}],"participant":[{"actor":{"reference":"Location/SE2321000016-TEST"},"status":"accepted"},{"actor":{"reference":"Practitioner/SE2321000016-DR01","display":"Eva Ek"},"status":"accepted"}]},"search":{"mode":"match"}},{"fullUrl":"http://h/fhir/Location/SE2321000016-TEST","resource":{"resourceType":"Location","id":"SE2321000016-TEST","identifier":[{"system":"urn:oid:1.2.752.29.4.19","value":"SE2321000016-TEST"}],"status":"active","name":"Testmottagningen \u00e5","managingOrganization":{"reference":"Organization/SE2321000016-TEST"}},"search":{"mode":"include"}}]}`,
	`{"resourceType":"Bundle","entry":[]}`,
	`{"resourceType":"Bundle","entry":null,"link":null}`,
	`  {"resourceType" : "Bundle" , "unknown": {"a":[1,-2.5e+3,0,true,false,null,{"b":"c"}]}, "entry" : [ { "resource" : null } ] }  `,
	`{"resourceType":"Bundle","type":"a","type":"b","entry":[{"resource":{"id":"1"}}],"entry":[{"resource":{"id":"2","participant":[{"status":"x"}],"participant":[]}}]}`,
	`{"resourceType":"Bundle","entry":[{"resource":{"id":"bad \xff utf-8 \u0041"}}]}`,
	`null`,
	// Errors, which both must refuse.
	`{"resourceType":5}`,
	`{"entry":{}}`,
	`{"entry":[{"resource":{"participant":[{"actor":{"identifier":[]}}]}}]}`,
	`{"entry":[{"resource":{"extension":[{"valueBoolean":"yes"}]}}]}`,
	`{"entry":[{"resource":{"resourceType":"Practitioner","name":[{"text":"a"}]}}]}`,
	`{"resourceType":"Bundle",}`,
	`{"resourceType":"Bundle"} x`,
	`{"resourceType":"Bund`,
	`{"resourceType":"a\x01b"}`,
	`{"n":01}`,
	`{"n":-}`,
	`{"n":1.}`,
	`[]`,
	``,
}

// TestDecodeAgrees holds the scanner equal to encoding/json into the same
// shapes: the same values when both succeed, and an error when
// encoding/json gives one.
func TestDecodeAgrees(t *testing.T) {
	for _, in := range decodeInputs {
		checkDecode(t, []byte(in))
	}
}

func checkDecode(t *testing.T, in []byte) {
	t.Helper()
	var want bundle[resource]
	werr := json.Unmarshal(in, &want)
	var got appointmentBundle
	gerr := got.decode(in)
	switch {
	case werr != nil && gerr == nil:
		t.Errorf("%q: encoding/json fails (%v), the scanner does not", in, werr)
	case werr == nil && gerr != nil:
		t.Errorf("%q: the scanner fails (%v), encoding/json does not", in, gerr)
	case werr == nil && !reflect.DeepEqual(got.bundle, want):
		t.Errorf("%q:\nscanner       %+v\nencoding/json %+v", in, got.bundle, want)
	}
}

// FuzzDecode: on any input the scanner does not panic, and agrees with
// encoding/json on inputs whose keys are spelled exactly (encoding/json
// also takes keys in other cases; FHIR's JSON has only one).
func FuzzDecode(f *testing.F) {
	for _, in := range decodeInputs {
		f.Add([]byte(in))
	}
	// A key twice in one object: encoding/json decodes the second into
	// what the first made, the scanner reads the second afresh.
	f.Add([]byte(`{"entry":[{"resource":{}}],"entry":[{}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var got appointmentBundle
		gerr := got.decode(in)
		var want bundle[resource]
		werr := json.Unmarshal(in, &want)
		// A key in other cases is a field to encoding/json, whose type
		// it checks, and unknown to the scanner.
		if werr != nil && gerr == nil && !foldedKeys(in) {
			t.Errorf("%q: encoding/json fails (%v), the scanner does not", in, werr)
		}
		// What an object means whose key repeats is left open by RFC 8259
		// (names SHOULD be unique); the two may read it differently.
		if werr == nil && gerr == nil && !reflect.DeepEqual(got.bundle, want) && !foldedKeys(in) && !repeatedKeys(in) {
			t.Errorf("%q:\nscanner       %+v\nencoding/json %+v", in, got.bundle, want)
		}
	})
}

// repeatedKeys reports whether some object of the JSON text in has a key
// twice.
func repeatedKeys(in []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(in))
	// Each open container: the keys of an object seen so far, or nil for
	// an array; key says whether the object's next string is a key.
	type open struct {
		keys map[string]bool
		key  bool
	}
	var stack []open
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				stack = append(stack, open{keys: map[string]bool{}, key: true})
			case '[':
				stack = append(stack, open{})
			default:
				stack = stack[:top]
				if top > 0 && stack[top-1].keys != nil {
					stack[top-1].key = true
				}
			}
			continue
		}
		switch {
		case top < 0 || stack[top].keys == nil:
		case stack[top].key:
			k := tok.(string)
			if stack[top].keys[k] {
				return true
			}
			stack[top].keys[k], stack[top].key = true, false
		default:
			stack[top].key = true
		}
	}
}

// foldedKeys reports whether the input has a string that is not, but
// case-folds to, a key the client reads.
func foldedKeys(in []byte) bool {
	keys := []string{"resourceType", "type", "link", "relation", "url", "entry", "fullUrl", "resource", "id", "name", "status", "start", "end",
		"description", "comment", "serviceType", "serviceCategory", "participant", "actor", "extension", "valueBoolean", "valueReference",
		"issue", "severity", "code", "details", "diagnostics", "expression", "text", "coding", "system", "display", "reference", "identifier", "value"}
	s := string(in)
	for _, k := range keys {
		for i := 0; i+len(k) <= len(s); i++ {
			if w := s[i : i+len(k)]; w != k && equalFold(w, k) {
				return true
			}
		}
	}
	return false
}

func equalFold(a, b string) bool {
	return len(a) == len(b) && func() bool {
		for i := range len(a) {
			x, y := a[i]|0x20, b[i]|0x20
			if x != y {
				return false
			}
		}
		return true
	}()
}

// TestIncludedLocationNamesTheClinic: a $find page's Appointments refer to
// their clinic by reference alone and take its name from the included
// Location.
func TestIncludedLocationNamesTheClinic(t *testing.T) {
	var b appointmentBundle
	if err := b.decode([]byte(decodeInputs[1])); err != nil {
		t.Fatal(err)
	}
	ts, _, problems := appointments(&b.bundle)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if len(ts) != 1 {
		t.Fatalf("%d timeslots, want 1 (the Location is no timeslot)", len(ts))
	}
	if got := ts[0]; got.Facility.String() != "SE2321000016-TEST" || got.FacilityName != "Testmottagningen å" || got.PerformerName != "Eva Ek" || got.TimeType.Name != "Läkarbesök" {
		t.Errorf("got %+v", got)
	}
}

func TestRepeatedKeys(t *testing.T) {
	for in, want := range map[string]bool{
		`{"entry":[{"resource":{}}],"entry":[{}]}`:        true,
		`{"entry":[{"resource":{"id":"a","id":"b"}}]}`:    true,
		`{"a":{"b":1},"b":{"a":2},"c":[{"a":1},{"a":2}]}`: false,
		`{"a":"a","b":["a","a"]}`:                         false,
		decodeInputs[0]:                                   false,
	} {
		if got := repeatedKeys([]byte(in)); got != want {
			t.Errorf("repeatedKeys(%.60q) = %v, want %v", in, got, want)
		}
	}
}
