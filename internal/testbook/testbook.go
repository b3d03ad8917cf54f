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
	if err := b.AddFacility(tidbok.Facility{ID: Facility(), Name: FacilityName}); err != nil {
		t.Fatalf("testbook: %v", err)
	}
	return b, &Seeder{Book: b}
}

// Seeder stages data in a memtidbok.Book through its staff side, creating
// time types, performers and resources the book does not know yet. It
// implements tidboktest.Seeder.
type Seeder struct {
	Book *memtidbok.Book
}

var _ tidboktest.Seeder = (*Seeder)(nil)

// Facility returns the clinic the book serves.
func (s *Seeder) Facility() tidbok.HSAID { return Facility() }

// Now returns the book's current time.
func (s *Seeder) Now() time.Time { return s.Book.Now() }

// AddSlot publishes sl and returns its slot ID.
func (s *Seeder) AddSlot(_ context.Context, sl tidboktest.Slot) (string, error) {
	if err := s.ensure(sl.TimeType, sl.Performer, sl.Resource); err != nil {
		return "", err
	}
	return s.Book.Publish(memtidbok.SlotSpec{
		Facility:   Facility(),
		Start:      sl.Start,
		End:        sl.End,
		TimeTypeID: sl.TimeType.ID,
		Performer:  sl.Performer,
		ResourceID: sl.Resource.ID,
		StaffOnly:  sl.NotWebBookable,
		Flags:      sl.Flags,
	})
}

// AddInvitation issues inv and returns its booking ID. An empty Purpose
// becomes "Kallelse", since memtidbok requires the invitation text.
func (s *Seeder) AddInvitation(_ context.Context, inv tidboktest.Invitation) (string, error) {
	if err := s.ensure(inv.TimeType, tidbok.HSAID{}, tidbok.Resource{}); err != nil {
		return "", err
	}
	purpose := inv.Purpose
	if purpose == "" {
		purpose = "Kallelse"
	}
	return s.Book.Invite(memtidbok.InvitationSpec{
		Facility:   Facility(),
		Subject:    inv.Subject,
		Start:      inv.Start,
		End:        inv.End,
		TimeTypeID: inv.TimeType.ID,
		Purpose:    purpose,
		Flags:      inv.Flags,
	})
}

// ensure adds the time type, performer and resource to the book unless it
// has them (adding what it has is harmless).
func (s *Seeder) ensure(tt tidbok.TimeType, perf tidbok.HSAID, res tidbok.Resource) error {
	if tt.ID != "" {
		if tt.Name == "" {
			tt.Name = tt.ID
		}
		if err := s.Book.AddTimeType(Facility(), tt); err != nil {
			return err
		}
	}
	if !perf.IsZero() {
		if err := s.Book.AddPerformer(Facility(), tidbok.Performer{ID: perf, FirstName: "Test", LastName: perf.String()}); err != nil {
			return err
		}
	}
	if res.ID != "" {
		if err := s.Book.AddResource(Facility(), res); err != nil {
			return err
		}
	}
	return nil
}
