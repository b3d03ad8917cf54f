package fhirclient

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
)

// BenchmarkDecodeFind decodes a page of $find as the façade writes it,
// 50 proposed Appointments, into timeslots: the client's share of a
// round trip without the HTTP exchange.
func BenchmarkDecodeFind(b *testing.B) {
	in := findPage(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		var a appointmentBundle
		if err := a.decode(in); err != nil {
			b.Fatal(err)
		}
		ts, _, problems := appointments(&a.bundle)
		if len(ts) != 50 || len(problems) > 0 {
			b.Fatal(len(ts), problems)
		}
	}
}

// findPage is a page of $find as the façade writes it: 50 proposed
// Appointments of one patient at one clinic.
func findPage(b *testing.B) []byte {
	var sb strings.Builder
	sb.WriteString(`{"resourceType":"Bundle","type":"searchset","total":50,"link":[{"relation":"self","url":"http://127.0.0.1:1/Appointment/$find?_count=500\u0026end=2026-12-09\u0026location=Location%2FSE2321000016-A1B2\u0026start=2026-12-09"}],"entry":[`)
	for i := range 50 {
		if i > 0 {
			sb.WriteByte(',')
		}
		at := time.Date(2026, 12, 9, 8, 0, 0, 0, tidbok.Stockholm()).Add(time.Duration(i) * 10 * time.Minute)
		id, err := fhir.SlotID(tidbok.Timeslot{ID: fmt.Sprintf("slot-%d", i), Facility: tidbok.MustHSAID("SE2321000016-A1B2"), Start: at, End: at.Add(10 * time.Minute)})
		if err != nil {
			b.Fatal(err)
		}
		start := fmt.Sprintf("2026-12-09T%02d:%02d:00+01:00", 8+i/6, i%6*10)
		end := fmt.Sprintf("2026-12-09T%02d:%02d:00+01:00", 8+(i+1)/6, (i+1)%6*10)
		fmt.Fprintf(&sb, `{"fullUrl":"http://127.0.0.1:1/Appointment/%[1]s","resource":{"resourceType":"Appointment","id":"%[1]s","status":"proposed","serviceType":[{"coding":[{"system":"urn:webbtidbok:time-type","code":"LAK","display":"Läkarbesök"}]}],"start":"%[2]s","end":"%[3]s","slot":[{"reference":"Slot/%[1]s"}],"participant":[{"actor":{"type":"Patient","identifier":{"system":"urn:oid:1.2.752.129.2.1.3.1","value":"191212121212"}},"status":"needs-action"},{"actor":{"reference":"Location/SE2321000016-A1B2"},"status":"accepted"},{"actor":{"reference":"Practitioner/SE2321000016-DR01","display":"Dr Eva Ek"},"status":"accepted"}]},"search":{"mode":"match"}}`, id, start, end)
	}
	// The clinic, given once.
	sb.WriteString(`,{"fullUrl":"http://127.0.0.1:1/Location/SE2321000016-A1B2","resource":{"resourceType":"Location","id":"SE2321000016-A1B2","identifier":[{"system":"urn:oid:1.2.752.29.4.19","value":"SE2321000016-A1B2"}],"status":"active","name":"Vårdcentralen Test","managingOrganization":{"reference":"Organization/SE2321000016-A1B2","display":"Vårdcentralen Test"}},"search":{"mode":"include"}}]}`)
	return []byte(sb.String())
}

func BenchmarkSkipFind(b *testing.B) {
	in := findPage(b)
	for b.Loop() {
		d := &scanner{b: in}
		if err := d.skip(); err != nil {
			b.Fatal(err)
		}
	}
}
