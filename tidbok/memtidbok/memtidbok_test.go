package memtidbok_test

import (
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// TestConformance runs the conformance suite against memtidbok in every
// capability configuration a clinic's book may have.
func TestConformance(t *testing.T) {
	configs := []struct {
		name string
		caps tidbok.Capabilities
	}{
		{"with every operation", tidbok.AllCapabilities},
		{"read-only", tidbok.ReadOnly},
		{"booking and cancelling without rescheduling", tidbok.AllCapabilities.Without(tidbok.OpReschedule)},
		{"booking only", tidbok.FlowBook},
		{"without care types, performers and facilities", tidbok.AllCapabilities.Without(tidbok.OpCareTypes).Without(tidbok.OpPerformers).Without(tidbok.OpFacilities)},
	}
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			tidboktest.Run(t, testbook.Harness(memtidbok.WithCapabilities(c.caps)))
		})
	}
}
