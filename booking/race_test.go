package booking_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// noHolds is a HoldStore that grants every hold: with it, only the book
// stands between racing citizens.
type noHolds struct{ store.MemHolds }

func (*noHolds) Acquire(_ context.Context, h booking.Hold, _ time.Time) (booking.Hold, error) {
	return h, nil
}

// 100 citizens booking 10 slots at once get exactly 10 bookings, one per
// slot; everyone else is told the slot was taken. With the service's
// holds and with only the book's guarantee.
func TestHundredCitizensTenSlots(t *testing.T) {
	t.Parallel()
	for _, b := range books {
		for _, holds := range []struct {
			name  string
			store func() store.Holds
		}{
			{"with holds", func() store.Holds { return store.NewMemHolds() }},
			{"with the book alone", func() store.Holds { return &noHolds{} }},
		} {
			t.Run(holds.name+" over "+b.name, func(t *testing.T) {
				t.Parallel()
				f := newFixture(t, b.wrap, func(c *booking.Config) { c.Holds = holds.store() })
				ctx := context.Background()
				day := tidbok.Date{Year: 2026, Month: time.January, Day: 14}
				res, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: scope(anna, ctBook), TimeType: "LAK", From: day, To: day.AddDays(1)})
				must(t, err)
				slots := res.Slots[:10]

				citizens := make([]tidbok.PersonalNumber, 100)
				for i := range citizens {
					citizens[i] = citizen("19900101", 100+i)
					f.accept(citizens[i], ctBook)
				}
				var (
					wg    sync.WaitGroup
					start = make(chan struct{})
					errs  = make([]error, len(citizens))
				)
				for i, p := range citizens {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						_, errs[i] = f.bookFor(scope(p, ctBook), "k", slots[i%10], "")
					}()
				}
				close(start)
				wg.Wait()

				won := 0
				for i, err := range errs {
					switch {
					case err == nil:
						won++
					case !errors.Is(err, tidbok.ErrSlotTaken):
						t.Errorf("citizen %d: error %v, want success or ErrSlotTaken", i, err)
					}
				}
				if won != 10 {
					t.Errorf("%d citizens booked, want 10", won)
				}
				perSlot := map[int64]int{}
				for _, bk := range f.staffBookings() {
					perSlot[bk.Start.Unix()]++
				}
				if len(perSlot) != 10 {
					t.Errorf("bookings on %d slots, want 10", len(perSlot))
				}
				for at, n := range perSlot {
					if n != 1 {
						t.Errorf("slot at %v booked %d times", time.Unix(at, 0), n)
					}
				}
			})
		}
	}
}

// Two citizens racing for one slot: one wins, the other gets a
// SlotTakenError with the nearest free alternatives the rules allow.
func TestTwoRacers(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		f.accept(anna, ctBook)
		f.accept(bo, ctBook)
		slot := f.slotAt(scope(anna, ctBook), wed10)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, p := range []tidbok.PersonalNumber{anna, bo} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.bookFor(scope(p, ctBook), "k", slot, "")
			}()
		}
		wg.Wait()
		loser := errs[0]
		if loser == nil {
			loser = errs[1]
		}
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("errors %v and %v: want exactly one winner", errs[0], errs[1])
		}
		st, ok := errors.AsType[*booking.SlotTakenError](loser)
		if !ok || !errors.Is(loser, tidbok.ErrSlotTaken) {
			t.Fatalf("loser's error %v is not a SlotTakenError", loser)
		}
		citizenText(t, loser)
		if len(st.Alternatives) != booking.DefaultAlternatives {
			t.Fatalf("%d alternatives, want %d", len(st.Alternatives), booking.DefaultAlternatives)
		}
		want := []time.Time{wed10.Add(-time.Hour), wed10.Add(-30 * time.Minute), wed10.Add(30 * time.Minute)}
		var got []time.Time
		for _, a := range st.Alternatives {
			got = append(got, a.Start)
			if a.TimeType.ID != "LAK" {
				t.Errorf("alternative %v is of time type %s", a.Start, a.TimeType.ID)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("alternatives at %v, want the nearest %v", got, want)
		}
	})
}
