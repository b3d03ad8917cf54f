package crmwire

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// benchSlots returns n free slots of 15 minutes, as a producer answers
// GetAvailableTimeslots.
func benchSlots(b testing.TB, n int) tidbok.AvailableTimeslotsResult {
	start := at(b, "20250310080000")
	slots := make([]tidbok.Timeslot, n)
	for i := range slots {
		s := start.Add(time.Duration(i) * 15 * time.Minute)
		slots[i] = tidbok.Timeslot{
			ID:            fmt.Sprintf("FREE-%06d", i),
			Start:         s,
			End:           s.Add(15 * time.Minute),
			Facility:      hsa(b, hsaClinic),
			FacilityName:  "Vårdcentralen Åby",
			Performer:     hsa(b, hsaDoctor),
			PerformerName: "Dr Anna Öberg",
			Resource:      tidbok.Resource{ID: "R12", Name: "Rum 12"},
			TimeType:      tidbok.TimeType{ID: "TT1", Name: "Läkarbesök"},
		}
	}
	return tidbok.NewAvailableTimeslots(slots)
}

// BenchmarkTimeslots measures a GetAvailableTimeslots answer with 50 and
// 500 slots: our encode (tidbok → wire → envelope) and decode (envelope →
// wire → tidbok, with the limits and checks), and as a baseline plain
// encoding/xml Marshal and Unmarshal of the same wire struct.
func BenchmarkTimeslots(b *testing.B) {
	for _, n := range []int{50, 500} {
		res := benchSlots(b, n)
		env, err := EncodeResponse(tidbok.OpAvailableTimeslots, res)
		if err != nil {
			b.Fatal(err)
		}
		wire := &GetAvailableTimeslotsResponse{TimeslotDetail: timeslotsToWire(res.Slice(), styleFree)}
		payload, err := xml.Marshal(wire)
		if err != nil {
			b.Fatal(err)
		}
		lim := soap.Limits{MaxBytes: 16 << 20}
		// A Codec, as the client and the producer each own one.
		var cc Codec

		b.Run(fmt.Sprintf("Encode/slots=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(env)))
			for b.Loop() {
				if _, err := cc.EncodeResponse(tidbok.OpAvailableTimeslots, res); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("Decode/slots=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(env)))
			for b.Loop() {
				if _, err := cc.DecodeResponse(tidbok.OpAvailableTimeslots, bytes.NewReader(env), lim); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("BaselineMarshal/slots=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				if _, err := xml.Marshal(wire); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("BaselineUnmarshal/slots=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				var w GetAvailableTimeslotsResponse
				if err := xml.Unmarshal(payload, &w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTimeslotsSize documents how many slots fit the default 1 MiB limit.
func TestTimeslotsSize(t *testing.T) {
	t.Parallel()
	res := benchSlots(t, 500)
	env, err := EncodeResponse(tidbok.OpAvailableTimeslots, res)
	if err != nil {
		t.Fatal(err)
	}
	per := len(env) / 500
	t.Logf("500 slots: %d bytes, about %d bytes a slot; %d slots fit in %d bytes", len(env), per, soap.DefaultMaxBytes/per, soap.DefaultMaxBytes)
	if _, err := DecodeResponse(tidbok.OpAvailableTimeslots, bytes.NewReader(env), soap.Limits{}); err != nil {
		t.Errorf("500 slots do not fit the default limits: %v", err)
	}
}
