package terms_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

var (
	clinic = tidbok.MustHSAID("SE2321000016-VC01")
	author = tidbok.MustHSAID("SE2321000016-ADM1")
	// admin is author as the clinic's local administrator.
	admin  = terms.Admin{ID: author, Clinics: []tidbok.HSAID{clinic}}
	anna   = tidbok.MustPersonalNumber("191212121212")
	bertil = tidbok.MustPersonalNumber("200001012384")
	t0     = time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm())
	caseID = "boka-lakare"
	// equate lets cmp compare the identity types, whose fields are
	// unexported.
	equate = cmpopts.EquateComparable(tidbok.PersonalNumber{}, tidbok.HSAID{})
)

// termsChecker has the method set of casetype.TermsChecker, which this
// package must not import: a Registry must satisfy it.
type termsChecker interface {
	HasTerms(ctx context.Context, clinic tidbok.HSAID, caseTypeID string) (bool, error)
}

var _ termsChecker = (*terms.Registry)(nil)

// clock is a settable clock for tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newRegistry() (*terms.Registry, *clock) {
	c := &clock{now: t0}
	return terms.New(terms.NewMemStore(), terms.WithClock(c.Now)), c
}

func TestVersionsAndReacceptance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, clk := newRegistry()

	if _, _, err := reg.Check(ctx, anna, clinic, caseID); !errors.Is(err, terms.ErrNoTerms) {
		t.Fatalf("Check before any terms = %v, want ErrNoTerms", err)
	}
	if ok, err := reg.HasTerms(ctx, clinic, caseID); ok || err != nil {
		t.Fatalf("HasTerms before any terms = %v, %v; want false, nil", ok, err)
	}

	v1, err := reg.Publish(ctx, admin, clinic, caseID, validTerms())
	if err != nil {
		t.Fatalf("Publish = %v", err)
	}
	wantV1 := terms.Version{Clinic: clinic, CaseTypeID: caseID, Number: 1, Terms: validTerms(), Hash: v1.Hash, Author: author, Created: t0}
	if diff := cmp.Diff(wantV1, v1, equate); diff != "" || len(v1.Hash) != 64 {
		t.Errorf("Publish (-want +got):\n%s\nhash %q", diff, v1.Hash)
	}
	if ok, err := reg.HasTerms(ctx, clinic, caseID); !ok || err != nil {
		t.Errorf("HasTerms = %v, %v; want true, nil", ok, err)
	}

	ok, show, err := reg.Check(ctx, anna, clinic, caseID)
	if err != nil || ok || show.Number != 1 {
		t.Fatalf("Check before accepting = %v, version %d, %v; want false, 1, nil", ok, show.Number, err)
	}
	clk.Advance(time.Minute)
	a, err := reg.Accept(ctx, anna, show)
	if err != nil {
		t.Fatalf("Accept = %v", err)
	}
	wantA := terms.Acceptance{Citizen: anna, Clinic: clinic, CaseTypeID: caseID, Version: 1, Hash: v1.Hash, Time: t0.Add(time.Minute)}
	if diff := cmp.Diff(wantA, a, equate); diff != "" {
		t.Errorf("Accept (-want +got):\n%s", diff)
	}
	if ok, _, _ := reg.Check(ctx, anna, clinic, caseID); !ok {
		t.Error("Check after accepting = false, want true")
	}
	if ok, _, _ := reg.Check(ctx, bertil, clinic, caseID); ok {
		t.Error("Check for another citizen = true, want false")
	}

	edited := validTerms()
	edited.Conditions += "\n- Ta med legitimation."
	clk.Advance(time.Hour)
	v2, err := reg.Publish(ctx, admin, clinic, caseID, edited)
	if err != nil || v2.Number != 2 || v2.Hash == v1.Hash || !v2.Created.Equal(t0.Add(time.Minute+time.Hour)) {
		t.Fatalf("Publish(edited) = version %d, hash changed %v, %v; want version 2 with a new hash", v2.Number, v2.Hash != v1.Hash, err)
	}
	ok, show, err = reg.Check(ctx, anna, clinic, caseID)
	if err != nil || ok || show.Number != 2 {
		t.Fatalf("Check after a new version = %v, version %d, %v; want false, 2, nil", ok, show.Number, err)
	}

	_, err = reg.Accept(ctx, anna, v1)
	var stale *terms.StaleError
	if !errors.As(err, &stale) || !errors.Is(err, terms.ErrStale) {
		t.Fatalf("Accept(old version) = %v, want a *StaleError matching ErrStale", err)
	}
	if stale.Shown != 1 || stale.Current.Number != 2 {
		t.Errorf("StaleError = shown %d, current %d; want 1, 2", stale.Shown, stale.Current.Number)
	}
	if ok, _, _ := reg.Check(ctx, anna, clinic, caseID); ok {
		t.Error("accepting a stale version counted")
	}

	if _, err := reg.Accept(ctx, anna, show); err != nil {
		t.Fatalf("Accept(v2) = %v", err)
	}
	if ok, _, _ := reg.Check(ctx, anna, clinic, caseID); !ok {
		t.Error("Check after accepting v2 = false, want true")
	}

	old, err := reg.Version(ctx, clinic, caseID, 1)
	if diff := cmp.Diff(v1, old, equate); err != nil || diff != "" {
		t.Errorf("Version(1) = %v; (-want +got):\n%s", err, diff)
	}
	if _, err := reg.Version(ctx, clinic, caseID, 3); !errors.Is(err, terms.ErrNotFound) {
		t.Errorf("Version(3) = %v, want ErrNotFound", err)
	}
	cur, err := reg.Current(ctx, clinic, caseID)
	if err != nil || cur.Number != 2 {
		t.Errorf("Current = version %d, %v; want 2", cur.Number, err)
	}
}

func TestRepublishingTheSameTextMakesNoVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := newRegistry()
	v1, err := reg.Publish(ctx, admin, clinic, caseID, validTerms())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Accept(ctx, anna, v1); err != nil {
		t.Fatal(err)
	}
	same := validTerms()
	same.Conditions = "\r\n•   Avboka senast 24 timmar före besöket.\r\n*\tUteblivet besök debiteras.  \r\n\r\n"
	same.MessageLabel = "  Information   till vården "
	got, err := reg.Publish(ctx, terms.Admin{ID: tidbok.MustHSAID("SE2321000016-ADM2"), Clinics: []tidbok.HSAID{clinic}}, clinic, caseID, same)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(v1, got, equate); diff != "" {
		t.Errorf("Publish of the same text in other white space (-want +got):\n%s", diff)
	}
	if ok, _, _ := reg.Check(ctx, anna, clinic, caseID); !ok {
		t.Error("the citizen must accept again after a change of white space only")
	}
}

func TestPublishStoresTheCanonicalText(t *testing.T) {
	t.Parallel()
	reg, _ := newRegistry()
	v, err := reg.Publish(context.Background(), admin, clinic, caseID, terms.Terms{
		ClinicText: "  Hej!\r\n\r\n\r\n•  punkt ett\r\n   fortsätter", Conditions: "* Jag godkänner.",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := terms.Terms{ClinicText: "Hej!\n\n- punkt ett fortsätter", Conditions: "- Jag godkänner."}
	if diff := cmp.Diff(want, v.Terms); diff != "" {
		t.Errorf("stored terms (-want +got):\n%s", diff)
	}
}

func TestPublishReportsEveryProblem(t *testing.T) {
	t.Parallel()
	reg, _ := newRegistry()
	_, err := reg.Publish(context.Background(), terms.Admin{}, tidbok.HSAID{}, "", terms.Terms{MessageLabel: "a\nb"})
	if !errors.Is(err, tidbok.ErrInvalid) {
		t.Fatalf("Publish = %v, want ErrInvalid", err)
	}
	want := []string{"CaseTypeID", "Clinic", "Terms.Conditions", "Terms.MessageLabel"}
	if diff := cmp.Diff(want, fields(err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestAcceptAndCheckNeedACitizen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := newRegistry()
	v, err := reg.Publish(ctx, admin, clinic, caseID, validTerms())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Accept(ctx, tidbok.PersonalNumber{}, v); !errors.Is(err, tidbok.ErrInvalid) {
		t.Errorf("Accept(no citizen) = %v, want ErrInvalid", err)
	}
	if _, _, err := reg.Check(ctx, tidbok.PersonalNumber{}, clinic, caseID); !errors.Is(err, tidbok.ErrInvalid) {
		t.Errorf("Check(no citizen) = %v, want ErrInvalid", err)
	}
	forged := v
	forged.Terms.Conditions = "- Något annat."
	forged.Hash = "0000"
	if _, err := reg.Accept(ctx, anna, forged); !errors.Is(err, terms.ErrStale) {
		t.Errorf("Accept(a version with another text) = %v, want ErrStale", err)
	}
}

func TestTermsAreKeptPerClinicAndCaseType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := newRegistry()
	v, err := reg.Publish(ctx, admin, clinic, caseID, validTerms())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Accept(ctx, anna, v); err != nil {
		t.Fatal(err)
	}
	other := tidbok.MustHSAID("SE2321000016-VC02")
	for _, k := range []struct {
		clinic tidbok.HSAID
		id     string
	}{{other, caseID}, {clinic, "mina-tider"}} {
		if ok, err := reg.HasTerms(ctx, k.clinic, k.id); ok || err != nil {
			t.Errorf("HasTerms(%v, %q) = %v, %v; want false, nil", k.clinic, k.id, ok, err)
		}
	}
	v2, err := reg.Publish(ctx, admin, clinic, "mina-tider", validTerms())
	if err != nil || v2.Number != 1 {
		t.Fatalf("Publish for another case type = version %d, %v; want 1", v2.Number, err)
	}
	if ok, _, _ := reg.Check(ctx, anna, clinic, "mina-tider"); ok {
		t.Error("an acceptance counted for another case type")
	}
}

func TestConcurrentPublishesGetConsecutiveNumbers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := newRegistry()
	const n = 40
	numbers := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			tt := validTerms()
			tt.Conditions = fmt.Sprintf("- Villkor nummer %d.", i)
			v, err := reg.Publish(ctx, admin, clinic, caseID, tt)
			if err != nil {
				t.Errorf("Publish = %v", err)
			}
			numbers[i] = v.Number
		})
	}
	wg.Wait()
	slices.Sort(numbers)
	for i, got := range numbers {
		if got != i+1 {
			t.Fatalf("version numbers = %v, want 1 to %d, each once", numbers, n)
		}
	}
	cur, err := reg.Current(ctx, clinic, caseID)
	if err != nil || cur.Number != n {
		t.Errorf("Current = version %d, %v; want %d", cur.Number, err, n)
	}
}

func TestConcurrentAcceptAndCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := newRegistry()
	if _, err := reg.Publish(ctx, admin, clinic, caseID, validTerms()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				ok, v, err := reg.Check(ctx, anna, clinic, caseID)
				if err != nil {
					t.Errorf("Check = %v", err)
					return
				}
				if !ok {
					if _, err := reg.Accept(ctx, anna, v); err != nil {
						t.Errorf("Accept = %v", err)
					}
				}
			}
		})
	}
	wg.Wait()
	if ok, _, _ := reg.Check(ctx, anna, clinic, caseID); !ok {
		t.Error("Check after concurrent acceptances = false")
	}
}

func TestRegistryIsATermsChecker(t *testing.T) {
	t.Parallel()
	reg, _ := newRegistry()
	var checker termsChecker = reg
	if ok, err := checker.HasTerms(context.Background(), clinic, caseID); ok || err != nil {
		t.Errorf("HasTerms = %v, %v; want false, nil", ok, err)
	}
}

// laggingStore answers Latest as if nothing were published and refuses
// every version as taken: a store that never lets Publish win.
type laggingStore struct{ *terms.MemStore }

func (laggingStore) Latest(context.Context, tidbok.HSAID, string) (terms.Version, error) {
	return terms.Version{}, terms.ErrNoTerms
}

func (laggingStore) AddVersion(context.Context, terms.Version) error { return terms.ErrConflict }

func TestPublishGivesUpOnAStoreThatAlwaysConflicts(t *testing.T) {
	t.Parallel()
	reg := terms.New(laggingStore{terms.NewMemStore()})
	if _, err := reg.Publish(context.Background(), admin, clinic, caseID, validTerms()); !errors.Is(err, terms.ErrConflict) {
		t.Errorf("Publish = %v, want ErrConflict", err)
	}
}

// countingTermsStore is a Store that counts every call made to it.
type countingTermsStore struct {
	terms.Store
	mu    sync.Mutex
	calls int
}

func (s *countingTermsStore) count() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
}

func (s *countingTermsStore) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *countingTermsStore) Latest(ctx context.Context, c tidbok.HSAID, id string) (terms.Version, error) {
	s.count()
	return s.Store.Latest(ctx, c, id)
}

func (s *countingTermsStore) AddVersion(ctx context.Context, v terms.Version) error {
	s.count()
	return s.Store.AddVersion(ctx, v)
}

// Only a local administrator of the clinic publishes its terms, as only
// one changes its case types: staff of the clinic, an administrator of
// another clinic, and the zero Admin a citizen's login leaves are refused
// with ErrForbidden before the store is asked, and the current version
// stays current.
func TestOnlyALocalAdministratorPublishes(t *testing.T) {
	t.Parallel()
	otherClinic := tidbok.MustHSAID("SE2321000016-VC02")
	nurse := tidbok.MustHSAID("SE2321000016-SSK1")
	tests := []struct {
		name string
		who  terms.Admin
	}{
		{"a citizen, who is no staff member", terms.Admin{}},
		{"staff of the clinic who do not administer it", terms.Admin{ID: nurse}},
		{"an administrator listing the clinic without an HSA-id", terms.Admin{Clinics: []tidbok.HSAID{clinic}}},
		{"an administrator of another clinic", terms.Admin{ID: author, Clinics: []tidbok.HSAID{otherClinic}}},
	}
	for _, tc := range tests {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store := &countingTermsStore{Store: terms.NewMemStore()}
			reg := terms.New(store, terms.WithClock(func() time.Time { return t0 }))
			v1, err := reg.Publish(ctx, admin, clinic, caseID, validTerms())
			if err != nil {
				t.Fatal(err)
			}
			before := store.Calls()
			changed := validTerms()
			changed.Conditions = "- Avboka senast 48 timmar före besöket."
			got, err := reg.Publish(ctx, tc.who, clinic, caseID, changed)
			if !errors.Is(err, terms.ErrForbidden) || got != (terms.Version{}) {
				t.Errorf("Publish = %+v, %v; want no version and an error matching ErrForbidden", got, err)
			}
			if n := store.Calls() - before; n != 0 {
				t.Errorf("the refused Publish asked the store %d times, want none", n)
			}
			if cur, err := reg.Current(ctx, clinic, caseID); err != nil || cur.Number != v1.Number || cur.Hash != v1.Hash {
				t.Errorf("Current = version %d, %v; want version %d unchanged", cur.Number, err, v1.Number)
			}
			if _, err := reg.Publish(ctx, tc.who, clinic, "ny-arendetyp", changed); !errors.Is(err, terms.ErrForbidden) {
				t.Errorf("Publish of a first version = %v, want ErrForbidden", err)
			}
			if ok, err := reg.HasTerms(ctx, clinic, "ny-arendetyp"); ok || err != nil {
				t.Errorf("HasTerms after a refused first Publish = %v, %v; want false", ok, err)
			}
		})
	}
	t.Run("the clinic's administrator publishes, as the author", func(t *testing.T) {
		t.Parallel()
		reg, _ := newRegistry()
		v, err := reg.Publish(context.Background(), admin, clinic, caseID, validTerms())
		if err != nil || v.Author != author {
			t.Errorf("Publish = author %v, %v; want published by %v", v.Author, err, author)
		}
	})
}
