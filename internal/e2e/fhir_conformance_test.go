package e2e

import (
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// TestConformanceOverFHIR runs the conformance suite against fhirclient
// talking to the FHIR façade over mutual TLS, with memtidbok behind it.
// The client offers what the book offers but care types and the
// clinics of a booking, which the FHIR mapping has no interaction for.
func TestConformanceOverFHIR(t *testing.T) {
	noFHIR := tidbok.CapabilitiesOf(tidbok.OpCareTypes, tidbok.OpFacilities)
	for _, tc := range []struct {
		name string
		caps tidbok.Capabilities
	}{
		{"every contract", tidbok.AllCapabilities},
		{"booking and cancelling only", tidbok.FlowBook | tidbok.FlowCancel},
		{"my bookings and moving", tidbok.FlowMyBookings | tidbok.FlowReschedule},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tidboktest.Run(t, tidboktest.Harness{New: func(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
				s := newFHIRStack(t, fhirOptions{book: []memtidbok.Option{memtidbok.WithCapabilities(tc.caps)}})
				if got, want := s.client.Capabilities(), s.book.Capabilities()&^noFHIR; got != want {
					t.Fatalf("client capabilities %v, want the book's but care types and facilities: %v", got, want)
				}
				return s.client, s.seeder
			}})
		})
	}
}
