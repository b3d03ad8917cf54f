package fhir

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	m "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// rawJSON is an answer already encoded: [Handler.encode] sends it as it
// is.
type rawJSON []byte

// proposed is a proposed Appointment of $find, encoded by
// appendAppointment when its page is written: a page of slots is the
// façade's hot path, and the models' MarshalJSON compacts every
// resource's bytes again at each level of nesting.
type proposed struct {
	id string
	ts tidbok.Timeslot
}

// appendSearchset writes the Bundle searchset would make, as JSON.
func appendSearchset(b []byte, entries []entry, total int, self, next string) ([]byte, error) {
	b = append(b, `{"resourceType":"Bundle","type":"searchset","total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	if self != "" || next != "" {
		b = append(b, `,"link":[`...)
		if self != "" {
			b = append(b, `{"relation":"self","url":`...)
			b = appendString(b, self)
			b = append(b, '}')
		}
		if next != "" {
			if self != "" {
				b = append(b, ',')
			}
			b = append(b, `{"relation":"next","url":`...)
			b = appendString(b, next)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(entries) > 0 {
		var z instants
		b = append(b, `,"entry":[`...)
		for i, e := range entries {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			if e.fullURL != "" {
				b = append(b, `"fullUrl":`...)
				b = appendString(b, e.fullURL)
				b = append(b, ',')
			}
			b = append(b, `"resource":`...)
			switch r := e.resource.(type) {
			case proposed:
				b = appendAppointmentIn(b, &z, r.id, m.AppointmentStatusProposed, &r.ts, r.id, true)
			case *proposed:
				b = appendAppointmentIn(b, &z, r.id, m.AppointmentStatusProposed, &r.ts, r.id, true)
			default:
				raw, err := json.Marshal(r)
				if err != nil {
					return nil, err
				}
				b = append(b, raw...)
			}
			b = append(b, `,"search":{"mode":`...)
			b = appendString(b, e.mode.Code())
			b = append(b, "}}"...)
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// appendAppointment writes what appointment(id, status, ts, slot) makes,
// as JSON; TestAppendAppointment holds them equal.
func appendAppointment(b []byte, id string, status m.AppointmentStatus, ts tidbok.Timeslot, slot string) []byte {
	var z instants
	return appendAppointmentIn(b, &z, id, status, &ts, slot, false)
}

// appendProposed writes what proposedAppointment(id, ts) makes, as JSON;
// TestAppendAppointment holds them equal.
func appendProposed(b []byte, id string, ts tidbok.Timeslot) []byte {
	var z instants
	return appendAppointmentIn(b, &z, id, m.AppointmentStatusProposed, &ts, id, true)
}

// appendAppointmentIn is appendAppointment writing times through z, or
// appendProposed when compact.
func appendAppointmentIn(b []byte, z *instants, id string, status m.AppointmentStatus, ts *tidbok.Timeslot, slot string, compact bool) []byte {
	b = append(b, `{"resourceType":"Appointment","id":`...)
	b = appendString(b, id)
	b = append(b, `,"status":`...)
	b = appendString(b, status.Code())
	b = appendConcept(b, "serviceType", SystemTimeType, ts.TimeType.ID, ts.TimeType.Name, compact)
	b = appendConcept(b, "serviceCategory", SystemCareType, ts.CareType.ID, ts.CareType.Name, compact)
	if ts.Purpose != "" {
		b = append(b, `,"description":`...)
		b = appendString(b, ts.Purpose)
	}
	if ts.Reason != "" {
		b = append(b, `,"comment":`...)
		b = appendString(b, ts.Reason)
	}
	if !ts.Start.IsZero() {
		b = append(b, `,"start":"`...)
		b = z.append(b, ts.Start)
		b = append(b, `","end":"`...)
		b = z.append(b, ts.End)
		b = append(b, '"')
		if !compact {
			b = append(b, `,"minutesDuration":`...)
			b = strconv.AppendInt(b, int64(ts.Duration().Minutes()), 10)
		}
	}
	if slot != "" {
		b = append(b, `,"slot":[{"reference":`...)
		b = appendPrefixed(b, "Slot/", slot)
		b = append(b, "}]"...)
	}
	ps := m.ParticipationStatusAccepted
	if status == m.AppointmentStatusProposed || status == m.AppointmentStatusPending {
		ps = m.ParticipationStatusNeedsAction
	}
	b = append(b, `,"participant":[`...)
	n := 0
	sep := func() {
		if n > 0 {
			b = append(b, ',')
		}
		n++
	}
	if !ts.Subject.IsZero() {
		sep()
		b = append(b, `{"actor":{"type":"Patient","identifier":{"system":`...)
		b = appendString(b, personSystem(ts.Subject))
		b = append(b, `,"value":`...)
		b = appendString(b, ts.Subject.Canonical())
		b = append(b, `}},"status":`...)
		b = appendString(b, ps.Code())
		b = append(b, '}')
	}
	if !ts.Facility.IsZero() {
		sep()
		b = append(b, `{"actor":{"reference":`...)
		b = appendPrefixed(b, "Location/", ts.Facility.String())
		if !compact {
			b = appendOptional(b, "display", ts.FacilityName)
		}
		b = append(b, `},"status":"accepted"}`...)
	}
	if !ts.Performer.IsZero() {
		sep()
		b = append(b, `{"actor":{"reference":`...)
		b = appendPrefixed(b, "Practitioner/", ts.Performer.String())
		if !compact {
			b = append(b, `,"identifier":{"system":`...)
			b = appendString(b, SystemHSAID)
			b = append(b, `,"value":`...)
			b = appendString(b, ts.Performer.String())
			b = append(b, '}')
		}
		b = appendOptional(b, "display", ts.PerformerName)
		b = append(b, `},"status":"accepted"}`...)
	}
	if !ts.Resource.IsZero() {
		sep()
		b = append(b, `{"actor":{"type":"Location","identifier":{"system":`...)
		b = appendString(b, SystemResource)
		if ts.Resource.ID != "" {
			b = append(b, `,"value":`...)
			b = appendString(b, ts.Resource.ID)
		}
		b = append(b, '}')
		b = appendOptional(b, "display", ts.Resource.Name)
		b = append(b, `},"status":"accepted"}`...)
	}
	if n == 0 {
		b = append(b, `{"type":[{"text":"unknown"}],"status":`...)
		b = appendString(b, ps.Code())
		b = append(b, '}')
	}
	b = append(b, ']')
	if status == m.AppointmentStatusBooked || status == m.AppointmentStatusCancelled || ts.Invitation {
		b = append(b, `,"extension":[`...)
		b = appendFlag(b, ExtMayCancel, ts.Flags.MayCancel)
		b = append(b, ',')
		b = appendFlag(b, ExtMayReschedule, ts.Flags.MayReschedule)
		b = append(b, ',')
		b = appendFlag(b, ExtMayMessage, ts.Flags.MayMessage)
		if ts.Invitation {
			b = append(b, ',')
			b = appendFlag(b, ExtInvitation, true)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendFlag(b []byte, url string, v bool) []byte {
	b = append(b, `{"url":`...)
	b = appendString(b, url)
	b = append(b, `,"valueBoolean":`...)
	b = strconv.AppendBool(b, v)
	return append(b, '}')
}

// appendConcept writes what timeTypeConcept and careTypeConcept make, or
// compactConcept when compact.
func appendConcept(b []byte, field, system, code, name string, compact bool) []byte {
	if code == "" && name == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, field...)
	b = append(b, `":[{`...)
	if code != "" {
		b = append(b, `"coding":[{"system":`...)
		b = appendString(b, system)
		b = append(b, `,"code":`...)
		b = appendString(b, code)
		b = appendOptional(b, "display", name)
		b = append(b, "}]"...)
		if compact {
			return append(b, "}]"...)
		}
		if name != "" {
			b = append(b, ',')
		}
	}
	if name != "" {
		b = append(b, `"text":`...)
		b = appendString(b, name)
	}
	return append(b, "}]"...)
}

func appendOptional(b []byte, field, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, field...)
	b = append(b, '"', ':')
	return appendString(b, v)
}

// jsonPlain marks with '1' the bytes appendString writes as they are
// (printable ASCII but for " \ < > &); others take the slow path.
const jsonPlain = "0000000000000000000000000000000011011101111111111111111111110101" +
	"1111111111111111111111111111011111111111111111111111111111111111" +
	"0000000000000000000000000000000000000000000000000000000000000000" +
	"0000000000000000000000000000000000000000000000000000000000000000"

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string as encoding/json does: quotes,
// backslashes and control characters escaped, <, > and & as \u003c etc.,
// U+2028 and U+2029 escaped, and invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	return appendPrefixed(b, "", s)
}

// appendPrefixed writes prefix+s as a JSON string, for a prefix that
// needs no escaping, without making prefix+s.
func appendPrefixed(b []byte, prefix, s string) []byte {
	b = append(b, '"')
	b = append(b, prefix...)
	start := 0
	for i := 0; i < len(s); {
		// A run of plain bytes, 8 at a time while they last.
		for i+8 <= len(s) && jsonPlain[s[i]]&jsonPlain[s[i+1]]&jsonPlain[s[i+2]]&jsonPlain[s[i+3]]&
			jsonPlain[s[i+4]]&jsonPlain[s[i+5]]&jsonPlain[s[i+6]]&jsonPlain[s[i+7]] == '1' {
			i += 8
		}
		for i < len(s) && jsonPlain[s[i]] == '1' {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
