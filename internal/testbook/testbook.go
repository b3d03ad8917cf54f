// Package testbook gives the tests of other packages a ready book: a
// memtidbok.Book seeded with one facility, the tidboktest.Seeder view of
// it, and a tidboktest.Harness over fresh books. It is non-test code only
// so that several packages' tests can share it; no production code
// imports it.
package testbook

import (
	"context"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// FacilityID is the HSA-id of the clinic every book of this package
// serves.
const FacilityID = "SE2321000016-TEST"

// FacilityName is that clinic's name.
const FacilityName = "Testmottagningen"

// Facility returns FacilityID as an HSA-id.
func Facility() tidbok.HSAID { return tidbok.MustHSAID(FacilityID) }

// DefaultNow is the instant books of this package stand still at unless
// the caller gives a clock: Monday 12 January 2026, 09:00 Swedish time.
func DefaultNow() time.Time {
	return time.Date(2026, time.January, 12, 9, 0, 0, 0, tidbok.Stockholm())
}

// At returns an option that stops the book's clock at now; it is
// memtidbok.WithClock with a fixed time.
func At(now time.Time) memtidbok.Option {
	return memtidbok.WithClock(func() time.Time { return now })
}

// Harness returns a tidboktest.Harness over a fresh memtidbok.Book per
// subtest, made with opts after a clock stopped at DefaultNow (so a
// WithClock or At among opts wins), and seeded like New.
func Harness(opts ...memtidbok.Option) tidboktest.Harness {
	return tidboktest.Harness{New: func(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
		return New(t, opts...)
	}}
}

// New returns a book with the facility Facility, made with opts after a
// clock stopped at DefaultNow (so a WithClock or At among opts wins), and
// the Seeder that stages data in it through the staff side. A failure to
// seed fails t.
func New(t testing.TB, opts ...memtidbok.Option) (*memtidbok.Book, tidboktest.Seeder) {
	t.Helper()
	b := memtidbok.New(append([]memtidbok.Option{At(DefaultNow())}, opts...)...)
	if err := b.AddFacility(context.Background(), tidbok.Facility{ID: Facility(), Name: FacilityName}); err != nil {
		t.Fatalf("testbook: %v", err)
	}
	return b, tidboktest.NewSeeder(b, Facility())
}
