package sqltidbok_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// TestConformance runs the conformance suite against the book on each
// database, in every capability configuration a clinic's book may have.
//
// With every operation, each rule gets a book on a fresh, empty database.
// The other configurations share one database each, and each rule gets a
// clinic of its own in it: the book is fresh from that clinic's point of
// view, the suite runs in a fraction of the time (making a database and
// its schema costs more than most rules), and the clinics of one database
// are shown to stay apart.
func TestConformance(t *testing.T) {
	t.Parallel()
	configs := []struct {
		name   string
		caps   tidbok.Capabilities
		shared bool
	}{
		{"with every operation", tidbok.AllCapabilities, false},
		{"read-only", tidbok.ReadOnly, true},
		{"booking and cancelling without rescheduling", tidbok.AllCapabilities.Without(tidbok.OpReschedule), true},
		{"booking only", tidbok.FlowBook, true},
		{"without care types, performers and facilities", tidbok.AllCapabilities.Without(tidbok.OpCareTypes).Without(tidbok.OpPerformers).Without(tidbok.OpFacilities), true},
	}
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			for _, c := range configs {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					opt := sqltidbok.WithCapabilities(c.caps)
					if c.shared {
						tidboktest.Run(t, sharedHarness(t, be, opt))
						return
					}
					tidboktest.Run(t, tidboktest.Harness{New: func(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
						return newBook(t, be, opt)
					}})
				})
			}
		})
	}
}

// sharedHarness returns a harness whose books share one database of be,
// each with a clinic of its own, for the life of t.
func sharedHarness(t *testing.T, be backend, opts ...sqltidbok.Option) tidboktest.Harness {
	b, _ := newBook(t, be, opts...)
	var n atomic.Int64
	return tidboktest.Harness{New: func(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
		fac := tidbok.MustHSAID(fmt.Sprintf("SE2321000016-R%04d", n.Add(1)))
		if err := b.AddFacility(context.Background(), tidbok.Facility{ID: fac, Name: "Mottagning " + fac.String()}); err != nil {
			t.Fatalf("AddFacility: %v", err)
		}
		return b, tidboktest.NewSeeder(b, fac)
	}}
}
