package testbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

func TestTheSeederCreatesWhatTheBookLacks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, s := testbook.New(t)
	if got := s.Now(); !got.Equal(testbook.DefaultNow()) {
		t.Errorf("Now() = %v, want the default %v", got, testbook.DefaultNow())
	}
	start := s.Now().Add(48 * time.Hour)
	dr := tidbok.MustHSAID("SE2321000016-DR01")
	id, err := s.AddSlot(ctx, tidboktest.Slot{
		Start: start, End: start.Add(30 * time.Minute),
		TimeType:  tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"},
		Performer: dr,
		Resource:  tidbok.Resource{ID: "RUM1", Name: "Rum 1"},
	})
	if err != nil {
		t.Fatalf("AddSlot: %v", err)
	}
	if _, err := s.AddSlot(ctx, tidboktest.Slot{Start: start.Add(time.Hour), End: start.Add(90 * time.Minute), TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}, Performer: dr}); err != nil {
		t.Errorf("a second slot of the same time type and clinician: %v", err)
	}
	day, err := b.Day(ctx, testbook.Facility(), tidbok.DateOf(start))
	if err != nil {
		t.Fatalf("Day: %v", err)
	}
	if len(day) != 2 || day[0].ID != id || !day[0].Performer.Equal(dr) || day[0].Resource.ID != "RUM1" {
		t.Errorf("Day = %+v, want the slot %s with its clinician and room first", day, id)
	}
	inv, err := s.AddInvitation(ctx, tidboktest.Invitation{Subject: tidbok.MustPersonalNumber("191212121212"), TimeType: tidbok.TimeType{ID: "PROV", Name: "Provtagning"}})
	if err != nil {
		t.Fatalf("AddInvitation: %v", err)
	}
	if got, err := b.Bookings(ctx, testbook.Facility()); err != nil || len(got) != 1 || got[0].ID != inv || !got[0].IsOpenInvitation() {
		t.Errorf("Bookings = %+v, %v; want the open invitation %s", got, err, inv)
	}
}

func TestTheCallersClockWins(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, time.June, 1, 12, 0, 0, 0, tidbok.Stockholm())
	b, s := testbook.New(t, testbook.At(now), memtidbok.WithCapabilities(tidbok.ReadOnly))
	if !s.Now().Equal(now) || !b.Now().Equal(now) {
		t.Errorf("Now() = %v (Seeder), %v (book); want %v", s.Now(), b.Now(), now)
	}
	if b.Capabilities() != tidbok.ReadOnly {
		t.Errorf("Capabilities() = %v, want %v", b.Capabilities(), tidbok.ReadOnly)
	}
}

func TestTheHarnessGivesAFreshBookEachTime(t *testing.T) {
	t.Parallel()
	h := testbook.Harness()
	b1, s1 := h.New(t)
	b2, _ := h.New(t)
	start := s1.Now().Add(time.Hour)
	if _, err := s1.AddSlot(context.Background(), tidboktest.Slot{Start: start, End: start.Add(time.Hour), TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}}); err != nil {
		t.Fatal(err)
	}
	req := tidbok.AvailabilityRequest{Facility: testbook.Facility(), Subject: tidbok.MustPersonalNumber("191212121212"), From: tidbok.DateOf(start), To: tidbok.DateOf(start)}
	r1, err1 := b1.AvailableTimeslots(context.Background(), req)
	r2, err2 := b2.AvailableTimeslots(context.Background(), req)
	if err1 != nil || err2 != nil || r1.Len() != 1 || r2.Len() != 0 {
		t.Errorf("first book offers %d (%v), second %d (%v); want 1 and 0", r1.Len(), err1, r2.Len(), err2)
	}
}

func TestCitizensAreDistinctAndValid(t *testing.T) {
	seen := map[tidbok.PersonalNumber]int{}
	for _, i := range []int{0, 1, 999, 1000, 1001, 54321, 999_999} {
		p := testbook.Citizen(i) // MustPersonalNumber panics on a bad check digit
		if j, dup := seen[p]; dup {
			t.Errorf("Citizen(%d) = Citizen(%d) = %v", i, j, p)
		}
		seen[p] = i
	}
	if got := testbook.Citizen(0).Canonical(); got != "195001010007" { // Luhn over 500101000: 3, so 7
		t.Errorf("Citizen(0) = %s, want 195001010007", got)
	}
}
