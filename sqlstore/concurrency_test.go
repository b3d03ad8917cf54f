package sqlstore_test

import (
	"database/sql"
	"errors"
	"fmt"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"slices"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// racers is how many calls race for one thing.
const racers = 16

// race calls fn(i, stores) for i from 0 to racers-1, each in a goroutine
// of its own, released together, with the stores of the two processes
// taking turns, and returns their errors by i.
func race(procs [2]*sqlstore.Stores, fn func(i int, s *sqlstore.Stores) error) []error {
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			errs[i] = fn(i, procs[i%2])
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// winners returns the indexes of the nil errors in errs. It fails t for
// every error that does not match want.
func winners(t *testing.T, errs []error, want error) []int {
	t.Helper()
	var won []int
	for i, err := range errs {
		switch {
		case err == nil:
			won = append(won, i)
		case !errors.Is(err, want):
			t.Errorf("racer %d: %v, want nil or an error matching %v", i, err, want)
		}
	}
	return won
}

// Portal processes sharing a database: two *sql.DB handles on it, as two
// processes would have, each with the stores opened on it. Of concurrent
// calls racing for one slot, one key, one terms version, one case type,
// or a booking's last moves, exactly as many win as the rules allow.
func TestConcurrentProcesses(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			dsn := be.DSN(t)
			dbs := [2]*sql.DB{be.Open(t, dsn), be.Open(t, dsn)}
			var procs [2]*sqlstore.Stores
			var openErrs [2]error
			var wg sync.WaitGroup
			for i := range dbs { // both processes start, and migrate, at once
				wg.Go(func() { procs[i], openErrs[i] = sqlstore.Open(t.Context(), dbs[i], be.Dialect) })
			}
			wg.Wait()
			for i, err := range openErrs {
				if err != nil {
					t.Fatalf("process %d: Open: %v", i, err)
				}
			}

			t.Run("one hold per slot", func(t *testing.T) {
				ctx := t.Context()
				got := make([]booking.Hold, racers)
				hold := func(i int) booking.Hold {
					return holdOf(fmt.Sprintf("token-%d", i), "s1", citizen(i), clinic, t0.Add(10*time.Minute))
				}
				errs := race(procs, func(i int, s *sqlstore.Stores) error {
					var err error
					got[i], err = s.Holds().Acquire(ctx, hold(i), t0)
					return err
				})
				won := winners(t, errs, booking.ErrHeld)
				if len(won) != 1 {
					t.Fatalf("%d Acquires of one slot succeeded, want 1", len(won))
				}
				winner := hold(won[0])
				for i, err := range errs {
					if err != nil {
						if diff := gocmp.Diff(winner, got[i], cmpOpts); diff != "" {
							t.Errorf("racer %d was refused with another hold than the winner's (-winner +got):\n%s", i, diff)
						}
					}
				}
				for p, s := range procs {
					held, err := s.Holds().Held(ctx, clinic, t0)
					must(t, err)
					if diff := gocmp.Diff([]booking.Hold{winner}, held, cmpOpts); diff != "" {
						t.Errorf("process %d: Held (-want +got):\n%s", p, diff)
					}
				}
			})

			t.Run("one hold per slot whose hold expired", func(t *testing.T) {
				ctx := t.Context()
				old := holdOf("old", "s2", citizen(200), clinic, t0.Add(time.Minute))
				if _, err := procs[0].Holds().Acquire(ctx, old, t0); err != nil {
					t.Fatal(err)
				}
				hold := func(i int) booking.Hold {
					return holdOf(fmt.Sprintf("token-s2-%d", i), "s2", citizen(100+i), clinic, t0.Add(20*time.Minute))
				}
				now := old.Expires
				errs := race(procs, func(i int, s *sqlstore.Stores) error {
					_, err := s.Holds().Acquire(ctx, hold(i), now)
					return err
				})
				won := winners(t, errs, booking.ErrHeld)
				if len(won) != 1 {
					t.Fatalf("%d Acquires of one slot whose hold expired succeeded, want 1", len(won))
				}
				held, err := procs[1].Holds().Held(ctx, clinic, now)
				must(t, err)
				if len(held) != 2 || !slices.ContainsFunc(held, func(h booking.Hold) bool { return h.Token == hold(won[0]).Token }) {
					t.Errorf("Held = %d holds, want the winner's on s2 and the one on s1 (other subjects')", len(held))
				}
			})

			t.Run("one terms version per number", func(t *testing.T) {
				ctx := t.Context()
				for n := 1; n <= 2; n++ {
					errs := race(procs, func(i int, s *sqlstore.Stores) error {
						return s.Terms().AddVersion(ctx, termsVersion(clinic, "boka", n, fmt.Sprintf("h%d-%d", n, i)))
					})
					won := winners(t, errs, terms.ErrConflict)
					if len(won) != 1 {
						t.Fatalf("%d AddVersion(%d) succeeded, want 1", len(won), n)
					}
					for p, s := range procs {
						latest, err := s.Terms().Latest(ctx, clinic, "boka")
						must(t, err)
						if want := fmt.Sprintf("h%d-%d", n, won[0]); latest.Number != n || latest.Hash != want {
							t.Errorf("process %d: Latest = %d %q, want %d %q", p, latest.Number, latest.Hash, n, want)
						}
					}
				}
			})

			t.Run("moves up to the limit", func(t *testing.T) {
				ctx := t.Context()
				counts := make([]int, racers)
				errs := race(procs, func(i int, s *sqlstore.Stores) error {
					var err error
					counts[i], err = s.Moves().Reserve(ctx, clinic, "b1", 3)
					return err
				})
				won := winners(t, errs, booking.ErrTooManyReschedules)
				var wonCounts []int
				for _, i := range won {
					wonCounts = append(wonCounts, counts[i])
				}
				slices.Sort(wonCounts)
				if !slices.Equal(wonCounts, []int{1, 2, 3}) {
					t.Errorf("the Reserves that succeeded counted %v, want 1, 2 and 3", wonCounts)
				}
				for i, err := range errs {
					if err != nil && counts[i] != 3 {
						t.Errorf("racer %d was refused with the count %d, want 3", i, counts[i])
					}
				}
				for p, s := range procs {
					if n, err := s.Moves().Count(ctx, clinic, "b1"); err != nil || n != 3 {
						t.Errorf("process %d: Count = %d, %v; want 3", p, n, err)
					}
				}
			})

			t.Run("one claim per key", func(t *testing.T) {
				ctx := t.Context()
				priors := make([]store.KeyRecord, racers)
				claimed := make([]bool, racers)
				rec := func(i int) store.KeyRecord {
					return store.KeyRecord{Caller: "p:1", Key: "k", Action: "book", Fingerprint: "fp",
						State: store.KeyPending, Claim: fmt.Sprintf("claim-%d", i), Claimed: t0, Expires: t0.Add(time.Hour)}
				}
				errs := race(procs, func(i int, s *sqlstore.Stores) error {
					var err error
					priors[i], claimed[i], err = s.Keys().Claim(ctx, rec(i), time.Minute)
					return err
				})
				winners(t, errs, nil) // no error at all
				var won []int
				for i, ok := range claimed {
					if ok {
						won = append(won, i)
					}
				}
				if len(won) != 1 {
					t.Fatalf("%d Claims of one key succeeded, want 1", len(won))
				}
				for i, ok := range claimed {
					if !ok && priors[i].Claim != rec(won[0]).Claim {
						t.Errorf("racer %d was refused with the prior claim %q, want the winner's %q", i, priors[i].Claim, rec(won[0]).Claim)
					}
				}
			})

			t.Run("one takeover per key", func(t *testing.T) {
				ctx := t.Context()
				for _, key := range []string{"pending", "expired"} {
					first := store.KeyRecord{Caller: "p:1", Key: key, Action: "book", Fingerprint: "fp",
						State: store.KeyPending, Claim: "first", Claimed: t0, Expires: t0.Add(time.Hour)}
					if _, ok, err := procs[0].Keys().Claim(ctx, first, time.Minute); err != nil || !ok {
						t.Fatalf("first Claim: %v, %v", ok, err)
					}
					// Past the first claim's lease, or past its record's
					// expiry: the key is there for one repeat to take.
					at := t0.Add(time.Minute)
					if key == "expired" {
						at = first.Expires
					}
					claimed := make([]bool, racers)
					errs := race(procs, func(i int, s *sqlstore.Stores) error {
						r := first
						r.Claim, r.Claimed, r.Expires = fmt.Sprintf("claim-%d", i), at, at.Add(time.Hour)
						var err error
						_, claimed[i], err = s.Keys().Claim(ctx, r, time.Minute)
						return err
					})
					winners(t, errs, nil)
					if n := len(slices.DeleteFunc(claimed, func(ok bool) bool { return !ok })); n != 1 {
						t.Errorf("%s key: %d Claims succeeded, want 1", key, n)
					}
				}
			})

			t.Run("one case type per ID", func(t *testing.T) {
				ctx := t.Context()
				errs := race(procs, func(i int, s *sqlstore.Stores) error {
					return s.CaseTypes().Put(ctx, caseTypeAt(clinic, "boka", 1, fmt.Sprintf("created by %d", i)), 0)
				})
				won := winners(t, errs, casetype.ErrConflict)
				if len(won) != 1 {
					t.Fatalf("%d creates of one case type succeeded, want 1", len(won))
				}
				// And of updates from the same version, one wins.
				errs = race(procs, func(i int, s *sqlstore.Stores) error {
					return s.CaseTypes().Put(ctx, caseTypeAt(clinic, "boka", 2, fmt.Sprintf("updated by %d", i)), 1)
				})
				updated := winners(t, errs, casetype.ErrConflict)
				if len(updated) != 1 {
					t.Fatalf("%d updates from version 1 succeeded, want 1", len(updated))
				}
				for p, s := range procs {
					got, err := s.CaseTypes().Get(ctx, clinic, "boka")
					must(t, err)
					if want := fmt.Sprintf("updated by %d", updated[0]); got.Name != want || got.Version != 2 {
						t.Errorf("process %d: Get = %q at version %d, want %q at 2", p, got.Name, got.Version, want)
					}
				}
			})

			t.Run("the first closer of a request", func(t *testing.T) {
				ctx := t.Context()
				must(t, procs[0].Requests().Add(ctx, requestAt(clinic, "r1", t0)))
				got := make([]booking.Request, racers)
				errs := race(procs, func(i int, s *sqlstore.Stores) error {
					var err error
					got[i], err = s.Requests().Close(ctx, clinic, "r1", tidbok.MustHSAID(fmt.Sprintf("SE2321000016-ST%02d", i)), t0.Add(time.Duration(i+1)*time.Minute))
					return err
				})
				winners(t, errs, nil)
				listed, err := procs[1].Requests().List(ctx, clinic, false)
				must(t, err)
				if len(listed) != 1 || listed[0].IsOpen() {
					t.Fatalf("after the closes, List = %+v, want the request closed", listed)
				}
				for i := range got {
					if got[i].ClosedBy != listed[0].ClosedBy || !got[i].ClosedAt.Equal(listed[0].ClosedAt) {
						t.Errorf("racer %d got the request closed by %v at %v; stored: by %v at %v",
							i, got[i].ClosedBy, got[i].ClosedAt, listed[0].ClosedBy, listed[0].ClosedAt)
					}
				}
			})
		})
	}
}
