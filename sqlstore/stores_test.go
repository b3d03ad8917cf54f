package sqlstore_test

import (
	"cmp"
	"errors"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The rule checks of this file run against the in-memory reference
// implementations as well as the SQL stores: the reference passing proves
// that a check asks what the interface's documentation says.

// caseTypeAt returns a case type at c with the ID, version and name.
func caseTypeAt(c tidbok.HSAID, id string, version int, name string) casetype.CaseType {
	return casetype.CaseType{
		ID: id, Clinic: c, Kind: casetype.KindBook, Name: name,
		TimeTypeIDs: []string{"LAK", "PROV"},
		Rules:       casetype.Rules{MinNotice: 2 * time.Hour, MaxReschedules: 2},
		Eligibility: casetype.Eligibility{Citizens: []tidbok.PersonalNumber{citizen(1), citizen(2)}},
		Status:      casetype.StatusDraft,
		Version:     version,
		Created:     casetype.Stamp{By: staffA, At: t0},
		Changed:     casetype.Stamp{By: staffA, At: t0},
	}
}

func TestCaseTypeStore(t *testing.T) {
	t.Parallel()
	forEachImpl(t, func(t *testing.T, s storeSet) {
		ctx := t.Context()
		st := s.caseTypes
		get := func(c tidbok.HSAID, id string) casetype.CaseType {
			t.Helper()
			got, err := st.Get(ctx, c, id)
			if err != nil {
				t.Fatalf("Get(%v, %q): %v", c, id, err)
			}
			return got
		}
		check := func(what string, want casetype.CaseType) {
			t.Helper()
			if diff := gocmp.Diff(want, get(want.Clinic, want.ID), cmpOpts); diff != "" {
				t.Errorf("%s: stored case type (-want +got):\n%s", what, diff)
			}
		}

		if _, err := st.Get(ctx, clinic, "boka"); !errors.Is(err, casetype.ErrNotFound) {
			t.Errorf("Get of an unknown case type = %v, want ErrNotFound", err)
		}
		if err := st.Put(ctx, caseTypeAt(clinic, "boka", 2, "Boka"), 1); !errors.Is(err, casetype.ErrNotFound) {
			t.Errorf("Put at version 1 of an unknown case type = %v, want ErrNotFound", err)
		}
		if _, err := st.Get(ctx, clinic, "boka"); !errors.Is(err, casetype.ErrNotFound) {
			t.Errorf("after a refused Put, Get = %v, want ErrNotFound", err)
		}

		v1 := caseTypeAt(clinic, "boka", 1, "Boka tid")
		must(t, st.Put(ctx, v1, 0))
		check("created", v1)

		if err := st.Put(ctx, caseTypeAt(clinic, "boka", 1, "Created twice"), 0); !errors.Is(err, casetype.ErrConflict) {
			t.Errorf("creating an existing case type = %v, want ErrConflict", err)
		}
		check("after a refused create", v1)
		if err := st.Put(ctx, caseTypeAt(clinic, "boka", 3, "From the future"), 2); !errors.Is(err, casetype.ErrConflict) {
			t.Errorf("Put expecting version 2 of version 1 = %v, want ErrConflict", err)
		}
		check("after a refused update", v1)

		v2 := caseTypeAt(clinic, "boka", 2, "Boka tid hos läkare")
		v2.TimeTypeIDs = []string{"PROV"}
		v2.Status = casetype.StatusActive
		v2.Activated = casetype.Stamp{By: staffB, At: t0.Add(time.Hour)}
		must(t, st.Put(ctx, v2, 1))
		check("updated", v2)
		if err := st.Put(ctx, caseTypeAt(clinic, "boka", 2, "Stale"), 1); !errors.Is(err, casetype.ErrConflict) {
			t.Errorf("Put at the stale version 1 = %v, want ErrConflict", err)
		}
		check("after a stale update", v2)

		// The same ID at another clinic is another case type.
		if _, err := st.Get(ctx, otherClinic, "boka"); !errors.Is(err, casetype.ErrNotFound) {
			t.Errorf("Get at another clinic = %v, want ErrNotFound", err)
		}
		elsewhere := caseTypeAt(otherClinic, "boka", 1, "Elsewhere")
		must(t, st.Put(ctx, elsewhere, 0))
		check("at another clinic", elsewhere)
		check("after a create at another clinic", v2)

		// List orders by ID, byte by byte, as Go compares strings.
		for _, id := range []string{"b", "aa", "B", "a-b", "a.z", "a_z", "a"} {
			must(t, st.Put(ctx, caseTypeAt(clinic, id, 1, id), 0))
		}
		listed, err := st.List(ctx, clinic)
		must(t, err)
		var ids []string
		for _, ct := range listed {
			ids = append(ids, ct.ID)
		}
		if want := []string{"B", "a", "a-b", "a.z", "a_z", "aa", "b", "boka"}; !slices.Equal(ids, want) {
			t.Errorf("List = %q, want %q", ids, want)
		}
		if i := slices.Index(ids, "boka"); i >= 0 {
			if diff := gocmp.Diff(v2, listed[i], cmpOpts); diff != "" {
				t.Errorf("listed case type (-want +got):\n%s", diff)
			}
		}
		if other, err := st.List(ctx, otherClinic); err != nil || len(other) != 1 {
			t.Errorf("List(other clinic) = %d case types, %v; want the one there", len(other), err)
		}
		if none, err := st.List(ctx, tidbok.MustHSAID("SE2321000016-NONE")); err != nil || len(none) != 0 {
			t.Errorf("List(clinic without case types) = %d, %v; want none and no error", len(none), err)
		}
	})
}

// The stores hand out copies: changing what Put was given, or what Get or
// List returned, changes nothing stored.
func TestCaseTypeStoreDoesNotAlias(t *testing.T) {
	t.Parallel()
	forEachImpl(t, func(t *testing.T, s storeSet) {
		ctx := t.Context()
		ct := caseTypeAt(clinic, "boka", 1, "Boka tid")
		want := caseTypeAt(clinic, "boka", 1, "Boka tid")
		must(t, s.caseTypes.Put(ctx, ct, 0))
		ct.TimeTypeIDs[0] = "changed after Put"
		ct.Eligibility.Citizens[0] = citizen(99)

		got, err := s.caseTypes.Get(ctx, clinic, "boka")
		must(t, err)
		got.TimeTypeIDs[0] = "changed after Get"
		got.Eligibility.Citizens[1] = tidbok.PersonalNumber{}
		listed, err := s.caseTypes.List(ctx, clinic)
		must(t, err)
		listed[0].TimeTypeIDs[1] = "changed after List"
		listed[0].Eligibility.Citizens[0] = citizen(98)

		again, err := s.caseTypes.Get(ctx, clinic, "boka")
		must(t, err)
		if diff := gocmp.Diff(want, again, cmpOpts); diff != "" {
			t.Errorf("the stored case type changed through a copy (-want +got):\n%s", diff)
		}
	})
}

// termsVersion returns version n of the terms of the case type id at c.
func termsVersion(c tidbok.HSAID, id string, n int, hash string) terms.Version {
	return terms.Version{
		Clinic: c, CaseTypeID: id, Number: n,
		Terms:   terms.Terms{ClinicText: "Välkommen.", Conditions: "- Avboka senast ett dygn före besöket. " + hash},
		Hash:    hash,
		Author:  staffA,
		Created: t0.Add(time.Duration(n) * time.Hour),
	}
}

func TestTermsVersionStore(t *testing.T) {
	t.Parallel()
	forEachImpl(t, func(t *testing.T, s storeSet) {
		ctx := t.Context()
		st := s.terms
		if _, err := st.Latest(ctx, clinic, "boka"); !errors.Is(err, terms.ErrNoTerms) {
			t.Errorf("Latest without versions = %v, want ErrNoTerms", err)
		}
		if _, err := st.Version(ctx, clinic, "boka", 1); !errors.Is(err, terms.ErrNotFound) {
			t.Errorf("Version(1) without versions = %v, want ErrNotFound", err)
		}
		for _, n := range []int{2, 0, -1} {
			if err := st.AddVersion(ctx, termsVersion(clinic, "boka", n, "bad")); !errors.Is(err, terms.ErrConflict) {
				t.Errorf("AddVersion(%d) as the first = %v, want ErrConflict", n, err)
			}
		}
		if _, err := st.Latest(ctx, clinic, "boka"); !errors.Is(err, terms.ErrNoTerms) {
			t.Errorf("after refused AddVersions, Latest = %v, want ErrNoTerms", err)
		}

		v1 := termsVersion(clinic, "boka", 1, "h1")
		must(t, st.AddVersion(ctx, v1))
		if err := st.AddVersion(ctx, termsVersion(clinic, "boka", 1, "h1 again")); !errors.Is(err, terms.ErrConflict) {
			t.Errorf("AddVersion(1) repeated = %v, want ErrConflict", err)
		}
		if err := st.AddVersion(ctx, termsVersion(clinic, "boka", 3, "gap")); !errors.Is(err, terms.ErrConflict) {
			t.Errorf("AddVersion(3) after 1 = %v, want ErrConflict", err)
		}
		v2 := termsVersion(clinic, "boka", 2, "h2")
		must(t, st.AddVersion(ctx, v2))
		if err := st.AddVersion(ctx, termsVersion(clinic, "boka", 2, "h2 again")); !errors.Is(err, terms.ErrConflict) {
			t.Errorf("AddVersion(2) repeated = %v, want ErrConflict", err)
		}
		if err := st.AddVersion(ctx, termsVersion(clinic, "boka", 1, "h1 late")); !errors.Is(err, terms.ErrConflict) {
			t.Errorf("AddVersion(1) after 2 = %v, want ErrConflict", err)
		}

		latest, err := st.Latest(ctx, clinic, "boka")
		must(t, err)
		if diff := gocmp.Diff(v2, latest, cmpOpts); diff != "" {
			t.Errorf("Latest (-want +got):\n%s", diff)
		}
		for _, want := range []terms.Version{v1, v2} {
			got, err := st.Version(ctx, clinic, "boka", want.Number)
			must(t, err)
			if diff := gocmp.Diff(want, got, cmpOpts); diff != "" {
				t.Errorf("Version(%d) (-want +got):\n%s", want.Number, diff)
			}
		}
		for _, n := range []int{0, 3} {
			if _, err := st.Version(ctx, clinic, "boka", n); !errors.Is(err, terms.ErrNotFound) {
				t.Errorf("Version(%d) = %v, want ErrNotFound", n, err)
			}
		}

		// Each case type at each clinic is numbered on its own.
		if _, err := st.Latest(ctx, otherClinic, "boka"); !errors.Is(err, terms.ErrNoTerms) {
			t.Errorf("Latest at another clinic = %v, want ErrNoTerms", err)
		}
		if _, err := st.Version(ctx, clinic, "other", 1); !errors.Is(err, terms.ErrNotFound) {
			t.Errorf("Version(1) of another case type = %v, want ErrNotFound", err)
		}
		elsewhere := termsVersion(otherClinic, "boka", 1, "elsewhere")
		must(t, st.AddVersion(ctx, elsewhere))
		must(t, st.AddVersion(ctx, termsVersion(clinic, "other", 1, "other")))
		if got, err := st.Latest(ctx, otherClinic, "boka"); err != nil || got.Hash != "elsewhere" {
			t.Errorf("Latest at another clinic = %q, %v; want its own version", got.Hash, err)
		}
		if got, err := st.Latest(ctx, clinic, "boka"); err != nil || got.Number != 2 || got.Hash != "h2" {
			t.Errorf("Latest after other case types' versions = %d %q, %v; want 2 h2", got.Number, got.Hash, err)
		}
	})
}

func TestTermsAcceptanceStore(t *testing.T) {
	t.Parallel()
	forEachImpl(t, func(t *testing.T, s storeSet) {
		ctx := t.Context()
		st := s.terms
		anna := citizen(1)
		accepted := func(p tidbok.PersonalNumber, c tidbok.HSAID, id string, n int) bool {
			t.Helper()
			ok, err := st.Accepted(ctx, p, c, id, n)
			if err != nil {
				t.Fatalf("Accepted: %v", err)
			}
			return ok
		}
		if accepted(anna, clinic, "boka", 1) {
			t.Error("Accepted before any acceptance")
		}
		a := terms.Acceptance{Citizen: anna, Clinic: clinic, CaseTypeID: "boka", Version: 1, Hash: "h1", Time: t0}
		must(t, st.AddAcceptance(ctx, a))
		if !accepted(anna, clinic, "boka", 1) {
			t.Error("Accepted after AddAcceptance = false")
		}
		// Accepting a version again is allowed.
		a.Time = t0.Add(time.Hour)
		must(t, st.AddAcceptance(ctx, a))
		if !accepted(anna, clinic, "boka", 1) {
			t.Error("Accepted after a second acceptance = false")
		}
		for _, c := range []struct {
			what string
			p    tidbok.PersonalNumber
			c    tidbok.HSAID
			id   string
			n    int
		}{
			{"another citizen", citizen(2), clinic, "boka", 1},
			{"another clinic", anna, otherClinic, "boka", 1},
			{"another case type", anna, clinic, "other", 1},
			{"another version", anna, clinic, "boka", 2},
		} {
			if accepted(c.p, c.c, c.id, c.n) {
				t.Errorf("Accepted for %s = true, want false", c.what)
			}
		}
		must(t, st.AddAcceptance(ctx, terms.Acceptance{Citizen: anna, Clinic: clinic, CaseTypeID: "boka", Version: 2, Hash: "h2", Time: t0}))
		if !accepted(anna, clinic, "boka", 2) || !accepted(anna, clinic, "boka", 1) {
			t.Error("after accepting version 2, both versions should be accepted")
		}
	})
}

// holdOf returns a hold on slot key at c for subject, ending at expires.
func holdOf(token, key string, subject tidbok.PersonalNumber, c tidbok.HSAID, expires time.Time) booking.Hold {
	start := t0.Add(48 * time.Hour)
	return booking.Hold{
		Token: token, Clinic: c, CaseType: "boka", Subject: subject, Key: key,
		Slot:    tidbok.Timeslot{ID: key, Start: start, End: start.Add(20 * time.Minute), Facility: c, TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}},
		Expires: expires,
	}
}

func TestHoldStore(t *testing.T) {
	t.Parallel()
	forEachImpl(t, func(t *testing.T, s storeSet) {
		ctx := t.Context()
		st := s.holds
		anna, bertil, cecilia := citizen(1), citizen(2), citizen(3)
		at := func(d time.Duration) time.Time { return t0.Add(d) }
		acquire := func(h booking.Hold, now time.Time) {
			t.Helper()
			got, err := st.Acquire(ctx, h, now)
			if err != nil {
				t.Fatalf("Acquire(%s): %v", h.Token, err)
			}
			if diff := gocmp.Diff(h, got, cmpOpts); diff != "" {
				t.Errorf("Acquire(%s) returned (-want +got):\n%s", h.Token, diff)
			}
		}
		refused := func(h booking.Hold, now time.Time, holder booking.Hold) {
			t.Helper()
			got, err := st.Acquire(ctx, h, now)
			if !errors.Is(err, booking.ErrHeld) {
				t.Fatalf("Acquire(%s) = %v, want ErrHeld", h.Token, err)
			}
			if diff := gocmp.Diff(holder, got, cmpOpts); diff != "" {
				t.Errorf("Acquire(%s) refused, returning (-holder +got):\n%s", h.Token, diff)
			}
		}
		has := func(h booking.Hold) {
			t.Helper()
			got, err := st.Get(ctx, h.Token)
			if err != nil {
				t.Fatalf("Get(%s): %v", h.Token, err)
			}
			if diff := gocmp.Diff(h, got, cmpOpts); diff != "" {
				t.Errorf("Get(%s) (-want +got):\n%s", h.Token, diff)
			}
		}
		gone := func(token string) {
			t.Helper()
			if _, err := st.Get(ctx, token); !errors.Is(err, booking.ErrHoldExpired) {
				t.Errorf("Get(%s) = %v, want ErrHoldExpired", token, err)
			}
		}
		held := func(c tidbok.HSAID, now time.Time, want ...booking.Hold) {
			t.Helper()
			got, err := st.Held(ctx, c, now)
			must(t, err)
			byToken := func(a, b booking.Hold) int { return cmp.Compare(a.Token, b.Token) }
			slices.SortFunc(got, byToken)
			slices.SortFunc(want, byToken)
			if diff := gocmp.Diff(want, got, cmpOpts); diff != "" {
				t.Errorf("Held(%v, %v) (-want +got):\n%s", c, now.Format(time.TimeOnly), diff)
			}
		}

		gone("unknown")
		must(t, st.Release(ctx, "unknown"))

		a := holdOf("anna-1", "s1", anna, clinic, at(10*time.Minute))
		acquire(a, at(0))
		has(a)

		// Another subject cannot take a live hold, and stores nothing.
		b := holdOf("bertil-1", "s1", bertil, clinic, at(20*time.Minute))
		refused(b, at(time.Minute), a)
		gone("bertil-1")
		has(a)

		// The same subject replaces their hold on the slot.
		a2 := holdOf("anna-2", "s1", anna, clinic, at(15*time.Minute))
		acquire(a2, at(2*time.Minute))
		gone("anna-1")
		has(a2)

		// The same slot key at another clinic is another slot.
		ao := holdOf("anna-other", "s1", anna, otherClinic, at(30*time.Minute))
		acquire(ao, at(2*time.Minute))
		has(a2)

		// A subject holds one slot per clinic: a hold on another slot
		// releases the first at that clinic, not the one elsewhere.
		a3 := holdOf("anna-3", "s2", anna, clinic, at(12*time.Minute))
		acquire(a3, at(3*time.Minute))
		gone("anna-2")
		has(ao)
		has(a3)
		acquire(b, at(3*time.Minute)) // s1 is free again

		held(clinic, at(4*time.Minute), a3, b)
		held(otherClinic, at(4*time.Minute), ao)
		held(clinic, at(12*time.Minute), b) // a3 ends at 12:00: no longer live
		held(clinic, at(20*time.Minute))
		held(tidbok.MustHSAID("SE2321000016-NONE"), at(0))

		// A hold stops holding when it expires.
		c := holdOf("cecilia-1", "s2", cecilia, clinic, at(40*time.Minute))
		refused(c, at(12*time.Minute-time.Nanosecond), a3)
		acquire(c, at(12*time.Minute))
		gone("anna-3")
		has(c)

		// Release is idempotent and frees the slot.
		must(t, st.Release(ctx, "cecilia-1"))
		gone("cecilia-1")
		must(t, st.Release(ctx, "cecilia-1"))
		d := holdOf("bertil-2", "s2", bertil, clinic, at(50*time.Minute))
		acquire(d, at(13*time.Minute))
		gone("bertil-1") // Bertil's hold on s1 was released by it
		has(ao)
	})
}

func TestKeyStore(t *testing.T) {
	t.Parallel()
	forEachImpl(t, func(t *testing.T, s storeSet) {
		ctx := t.Context()
		st := s.keys
		lease := time.Minute
		rec := func(key, claim string, at time.Time) store.KeyRecord {
			return store.KeyRecord{Caller: "p:1", Key: key, Action: string(booking.ActionBook), Fingerprint: "fp",
				State: store.KeyPending, Claim: claim, Claimed: at, Expires: at.Add(time.Hour)}
		}
		claim := func(what string, r store.KeyRecord, wantClaimed bool) store.KeyRecord {
			t.Helper()
			prior, ok, err := st.Claim(ctx, r, lease)
			if err != nil {
				t.Fatalf("%s: Claim: %v", what, err)
			}
			if ok != wantClaimed {
				t.Fatalf("%s: claimed = %v, want %v (prior %+v)", what, ok, wantClaimed, prior)
			}
			return prior
		}
		isZero := func(what string, prior store.KeyRecord) {
			t.Helper()
			if diff := gocmp.Diff(store.KeyRecord{}, prior, cmpOpts); diff != "" {
				t.Errorf("%s: prior is not zero (-want +got):\n%s", what, diff)
			}
		}

		first := rec("k", "c1", t0)
		isZero("first claim", claim("first claim", first, true))
		if prior := claim("claim within the lease", rec("k", "c2", t0.Add(time.Second)), false); prior.Claim != "c1" || prior.State != store.KeyPending {
			t.Errorf("claim within the lease: prior claim %q state %v, want c1 pending", prior.Claim, prior.State)
		} else if diff := gocmp.Diff(first, prior, cmpOpts); diff != "" {
			t.Errorf("claim within the lease: prior (-want +got):\n%s", diff)
		}
		other := rec("k", "c3", t0.Add(time.Second))
		other.Fingerprint = "another"
		if prior := claim("claim for another request", other, false); prior.Fingerprint != "fp" {
			t.Errorf("claim for another request: prior fingerprint %q, want fp", prior.Fingerprint)
		}
		otherAction := rec("k", "c3", t0.Add(2*lease))
		otherAction.Action = string(booking.ActionCancel)
		if prior := claim("claim for another action, past the lease", otherAction, false); prior.Action != string(booking.ActionBook) {
			t.Errorf("claim for another action: prior action %q, want book", prior.Action)
		}

		// The holder records its intent; an update under another claim
		// is refused.
		withIntent := rec("k", "c1", t0)
		withIntent.Intent.Book.Timeslot = tidbok.Timeslot{ID: "s1", Start: t0.Add(48 * time.Hour), End: t0.Add(48*time.Hour + 20*time.Minute), Facility: clinic}
		withIntent.Intent.Sequence = 1
		must(t, st.Update(ctx, withIntent))
		stranger := withIntent
		stranger.Claim = "c9"
		if err := st.Update(ctx, stranger); !errors.Is(err, store.ErrKeyTaken) {
			t.Errorf("Update under another claim = %v, want ErrKeyTaken", err)
		}
		unclaimed := rec("never-claimed", "c1", t0)
		if err := st.Update(ctx, unclaimed); !errors.Is(err, store.ErrKeyTaken) {
			t.Errorf("Update of an unclaimed key = %v, want ErrKeyTaken", err)
		}

		// The holder dies; a repeat takes the key over when the lease is
		// up, keeping the intent.
		claim("claim a moment before the lease is up", rec("k", "c4", t0.Add(lease-time.Nanosecond)), false)
		prior := claim("takeover after the lease", rec("k", "c4", t0.Add(lease)), true)
		if diff := gocmp.Diff(withIntent, prior, cmpOpts); diff != "" {
			t.Errorf("takeover: prior (-want +got):\n%s", diff)
		}
		if err := st.Update(ctx, withIntent); !errors.Is(err, store.ErrKeyTaken) {
			t.Errorf("the dead holder's Update after the takeover = %v, want ErrKeyTaken", err)
		}
		taken := claim("claim within the new holder's lease", rec("k", "c5", t0.Add(lease+time.Second)), false)
		if taken.Claim != "c4" || taken.State != store.KeyPending || !taken.Claimed.Equal(t0.Add(lease)) {
			t.Errorf("after the takeover: claim %q state %v claimed %v, want c4 pending at the takeover", taken.Claim, taken.State, taken.Claimed)
		}
		if diff := gocmp.Diff(withIntent.Intent, taken.Intent, cmpOpts); diff != "" {
			t.Errorf("after the takeover, intent (-want +got):\n%s", diff)
		}

		// The new holder stores the outcome; a repeat gets it.
		done := rec("k", "c4", t0.Add(lease))
		done.Intent = prior.Intent
		done.State = store.KeyDone
		done.Result = store.KeyResult{Booking: withIntent.Intent.Book.Timeslot, Notice: "Välkommen", Sequence: 1, Time: t0.Add(lease)}
		must(t, st.Update(ctx, done))
		got := claim("claim of a done key", rec("k", "c6", t0.Add(3*lease)), false)
		if diff := gocmp.Diff(done, got, cmpOpts); diff != "" {
			t.Errorf("claim of a done key: prior (-want +got):\n%s", diff)
		}

		// When the record expires it is forgotten: the key is new again.
		isZero("claim when the record expired", claim("claim when the record expired", rec("k", "c7", done.Expires), true))
		if prior := claim("claim after the expired key was claimed", rec("k", "c8", done.Expires.Add(time.Second)), false); prior.Claim != "c7" || !prior.Intent.IsZero() {
			t.Errorf("after the expired key was claimed: prior claim %q intent %+v, want c7 without intent", prior.Claim, prior.Intent)
		}

		// An unknown outcome is taken over at once, lease or not.
		unknown := rec("u", "c1", t0)
		claim("claim u", unknown, true)
		unknown.State = store.KeyUnknown
		unknown.Intent.Cancel = tidbok.CancelRequest{Facility: clinic, BookingID: "b1", Subject: citizen(1)}
		must(t, st.Update(ctx, unknown))
		if prior := claim("claim of an unknown key", rec("u", "c2", t0.Add(time.Second)), true); prior.State != store.KeyUnknown || prior.Intent.Cancel.BookingID != "b1" {
			t.Errorf("claim of an unknown key: prior state %v intent %+v, want unknown with the intent", prior.State, prior.Intent)
		}
		if prior := claim("claim u once more", rec("u", "c3", t0.Add(2*time.Second)), false); prior.Claim != "c2" || prior.State != store.KeyPending || prior.Intent.Cancel.BookingID != "b1" {
			t.Errorf("after taking over an unknown key: claim %q state %v intent %+v, want c2 pending with the intent", prior.Claim, prior.State, prior.Intent)
		}

		// Release frees the key only under the holder's claim.
		claim("claim r", rec("r", "c1", t0), true)
		must(t, st.Release(ctx, "p:1", "r", "c2"))
		if prior := claim("claim after a release under another claim", rec("r", "c2", t0.Add(time.Second)), false); prior.Claim != "c1" {
			t.Errorf("after a release under another claim: prior claim %q, want c1", prior.Claim)
		}
		must(t, st.Release(ctx, "p:1", "r", "c1"))
		isZero("claim after the release", claim("claim after the release", rec("r", "c3", t0.Add(2*time.Second)), true))
		must(t, st.Release(ctx, "p:1", "never-claimed", "c1"))

		// Keys are scoped to the caller.
		otherCaller := rec("k", "x1", done.Expires.Add(time.Second))
		otherCaller.Caller = "p:2"
		isZero("another caller's equal key", claim("another caller's equal key", otherCaller, true))
	})
}

func TestMoveStore(t *testing.T) {
	t.Parallel()
	forEachImpl(t, func(t *testing.T, s storeSet) {
		ctx := t.Context()
		st := s.moves
		count := func(c tidbok.HSAID, id string) int {
			t.Helper()
			n, err := st.Count(ctx, c, id)
			must(t, err)
			return n
		}
		reserve := func(id string, limit, want int) {
			t.Helper()
			if n, err := st.Reserve(ctx, clinic, id, limit); err != nil || n != want {
				t.Fatalf("Reserve(%s, limit %d) = %d, %v; want %d", id, limit, n, err, want)
			}
		}
		refused := func(id string, limit, want int) {
			t.Helper()
			if n, err := st.Reserve(ctx, clinic, id, limit); !errors.Is(err, booking.ErrTooManyReschedules) || n != want {
				t.Errorf("Reserve(%s, limit %d) = %d, %v; want %d and ErrTooManyReschedules", id, limit, n, err, want)
			}
		}

		if n := count(clinic, "b1"); n != 0 {
			t.Errorf("Count of an unknown booking = %d, want 0", n)
		}
		for want := 1; want <= 3; want++ {
			reserve("b1", 3, want)
		}
		refused("b1", 3, 3)
		refused("b1", 3, 3)
		if n := count(clinic, "b1"); n != 3 {
			t.Errorf("Count after refusals = %d, want 3", n)
		}
		must(t, st.Undo(ctx, clinic, "b1"))
		if n := count(clinic, "b1"); n != 2 {
			t.Errorf("Count after Undo = %d, want 2", n)
		}
		reserve("b1", 3, 3)
		refused("b1", 3, 3)
		refused("b1", 1, 3) // a lower limit than the count

		for range 5 {
			must(t, st.Undo(ctx, clinic, "b1"))
		}
		if n := count(clinic, "b1"); n != 0 {
			t.Errorf("Count after more Undos than moves = %d, want 0", n)
		}
		reserve("b1", 3, 1)

		for want := 1; want <= 5; want++ {
			reserve("b2", 0, want) // no limit
		}
		if n := count(clinic, "b2"); n != 5 {
			t.Errorf("Count without a limit = %d, want 5", n)
		}

		// Counts are per clinic and booking.
		if n := count(otherClinic, "b1"); n != 0 {
			t.Errorf("Count at another clinic = %d, want 0", n)
		}
		must(t, st.Undo(ctx, otherClinic, "b1"))
		if n := count(otherClinic, "b1"); n != 0 {
			t.Errorf("Count after Undo of an unknown booking = %d, want 0", n)
		}
		if n, err := st.Reserve(ctx, otherClinic, "b1", 1); err != nil || n != 1 {
			t.Errorf("Reserve at another clinic = %d, %v; want 1", n, err)
		}
		if n := count(clinic, "b1"); n != 1 {
			t.Errorf("Count after a move at another clinic = %d, want 1", n)
		}
	})
}

// requestAt returns an open request at c with the ID, created at.
func requestAt(c tidbok.HSAID, id string, created time.Time) booking.Request {
	return booking.Request{
		ID: id, Clinic: c, CaseType: "bestall", Kind: casetype.KindRequest,
		Subject: citizen(1), Caller: store.Caller{Person: citizen(1), Assurance: casetype.AssuranceEID},
		Message: "Jag behöver en tid " + id,
		Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson", Phone: "0701234567"},
		Created: created,
	}
}

func TestRequestStore(t *testing.T) {
	t.Parallel()
	forEachImpl(t, func(t *testing.T, s storeSet) {
		ctx := t.Context()
		st := s.requests
		list := func(c tidbok.HSAID, openOnly bool, want ...booking.Request) {
			t.Helper()
			got, err := st.List(ctx, c, openOnly)
			must(t, err)
			if len(want) == 0 && len(got) == 0 {
				return
			}
			if diff := gocmp.Diff(want, got, cmpOpts); diff != "" {
				t.Errorf("List(%v, openOnly %v) (-want +got):\n%s", c, openOnly, diff)
			}
		}

		list(clinic, false)
		list(clinic, true)

		// Added out of order: List orders by Created, then ID.
		r2 := requestAt(clinic, "r2", t0.Add(2*time.Minute))
		r9 := requestAt(clinic, "r9", t0.Add(time.Minute))
		r1 := requestAt(clinic, "r1", t0.Add(2*time.Minute))
		rB := requestAt(clinic, "B", t0.Add(2*time.Minute))
		elsewhere := requestAt(otherClinic, "r1", t0)
		for _, r := range []booking.Request{r2, r9, r1, rB, elsewhere} {
			must(t, st.Add(ctx, r))
		}
		again := r1
		again.Message = "added twice"
		if err := st.Add(ctx, again); err == nil {
			t.Error("Add of an existing (clinic, ID) succeeded")
		}
		list(clinic, false, r9, rB, r1, r2)
		list(clinic, true, r9, rB, r1, r2)
		list(otherClinic, false, elsewhere)

		closed, err := st.Close(ctx, clinic, "r1", staffA, t0.Add(5*time.Minute))
		must(t, err)
		wantClosed := r1
		wantClosed.ClosedBy, wantClosed.ClosedAt = staffA, t0.Add(5*time.Minute)
		if diff := gocmp.Diff(wantClosed, closed, cmpOpts); diff != "" {
			t.Errorf("Close returned (-want +got):\n%s", diff)
		}
		list(clinic, false, r9, rB, wantClosed, r2)
		list(clinic, true, r9, rB, r2)
		list(otherClinic, true, elsewhere) // its own r1 is still open

		// Closing again changes nothing: the first closer is kept.
		again2, err := st.Close(ctx, clinic, "r1", staffB, t0.Add(6*time.Minute))
		must(t, err)
		if diff := gocmp.Diff(wantClosed, again2, cmpOpts); diff != "" {
			t.Errorf("closing again returned (-want +got):\n%s", diff)
		}
		list(clinic, false, r9, rB, wantClosed, r2)

		for _, c := range []struct {
			c  tidbok.HSAID
			id string
		}{{clinic, "nope"}, {tidbok.MustHSAID("SE2321000016-NONE"), "r1"}} {
			if _, err := st.Close(ctx, c.c, c.id, staffA, t0); !errors.Is(err, tidbok.ErrNotFound) {
				t.Errorf("Close(%v, %s) = %v, want tidbok.ErrNotFound", c.c, c.id, err)
			}
		}
	})
}

// The booking flow's audit log: events come back in the order they were
// recorded, selected by each field of AuditQuery.
func TestAudit(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, _ backend, s *sqlstore.Stores) {
		ctx := t.Context()
		a := s.Audit()
		anna, bertil := citizen(1), citizen(2)
		ev := func(c tidbok.HSAID, subject tidbok.PersonalNumber, at time.Duration, id string) booking.Event {
			return booking.Event{
				Time: t0.Add(at), Caller: booking.Caller{Person: subject, Assurance: casetype.AssuranceEID}, Subject: subject,
				Clinic: c, CaseType: "boka", Action: booking.ActionBook, Outcome: booking.OutcomeDone,
				BookingID: id, Detail: "detail " + id,
			}
		}
		if got, err := a.Events(ctx, sqlstore.AuditQuery{}); err != nil || len(got) != 0 {
			t.Errorf("Events of an empty log = %d, %v; want none", len(got), err)
		}
		// Recorded in another order than their times.
		e1 := ev(clinic, anna, time.Minute, "e1")
		e2 := ev(clinic, bertil, 3*time.Minute, "e2")
		e3 := ev(otherClinic, anna, 2*time.Minute, "e3")
		e4 := ev(clinic, anna, 5*time.Minute, "e4")
		e5 := ev(clinic, tidbok.PersonalNumber{}, 4*time.Minute, "e5") // staff listing requests
		e5.Caller = booking.Caller{Agent: staffA}
		e5.Action = booking.ActionListRequests
		e2.Session, e5.Session = "s-bertil", "s-staff"
		for _, e := range []booking.Event{e1, e2, e3, e4, e5} {
			must(t, a.Record(ctx, e))
		}

		for _, c := range []struct {
			name string
			q    sqlstore.AuditQuery
			want []booking.Event
		}{
			{"everything", sqlstore.AuditQuery{}, []booking.Event{e1, e2, e3, e4, e5}},
			{"clinic", sqlstore.AuditQuery{Clinic: clinic}, []booking.Event{e1, e2, e4, e5}},
			{"other clinic", sqlstore.AuditQuery{Clinic: otherClinic}, []booking.Event{e3}},
			{"subject", sqlstore.AuditQuery{Subject: anna}, []booking.Event{e1, e3, e4}},
			{"clinic and subject", sqlstore.AuditQuery{Clinic: clinic, Subject: anna}, []booking.Event{e1, e4}},
			{"from, inclusive", sqlstore.AuditQuery{From: t0.Add(2 * time.Minute)}, []booking.Event{e2, e3, e4, e5}},
			{"to, exclusive", sqlstore.AuditQuery{To: t0.Add(3 * time.Minute)}, []booking.Event{e1, e3}},
			{"from and to", sqlstore.AuditQuery{From: t0.Add(2 * time.Minute), To: t0.Add(5 * time.Minute)}, []booking.Event{e2, e3, e5}},
			{"session", sqlstore.AuditQuery{Session: "s-staff"}, []booking.Event{e5}},
			{"clinic and session", sqlstore.AuditQuery{Clinic: clinic, Session: "s-bertil"}, []booking.Event{e2}},
			{"limit", sqlstore.AuditQuery{Limit: 2}, []booking.Event{e1, e2}},
			{"subject and limit", sqlstore.AuditQuery{Subject: anna, Limit: 2}, []booking.Event{e1, e3}},
			{"limit above the count", sqlstore.AuditQuery{Clinic: otherClinic, Limit: 10}, []booking.Event{e3}},
			{"nobody's", sqlstore.AuditQuery{Subject: citizen(3)}, nil},
			{"a time without events", sqlstore.AuditQuery{From: t0.Add(time.Hour)}, nil},
		} {
			got, err := a.Events(ctx, c.q)
			if err != nil {
				t.Errorf("%s: Events: %v", c.name, err)
				continue
			}
			if len(c.want) == 0 && len(got) == 0 {
				continue
			}
			if diff := gocmp.Diff(c.want, got, cmpOpts); diff != "" {
				t.Errorf("%s: Events (-want +got):\n%s", c.name, diff)
			}
		}
	})
}

// The case types' audit log: events come back in the order they were
// recorded, selected by clinic and time.
func TestCaseTypeAudit(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, _ backend, s *sqlstore.Stores) {
		ctx := t.Context()
		a := s.CaseTypeAudit()
		ev := func(c tidbok.HSAID, at time.Duration, id string) casetype.Event {
			return casetype.Event{Time: t0.Add(at), Actor: staffA, Clinic: c, CaseTypeID: id,
				Action: casetype.ActionCreate, Outcome: casetype.OutcomeDone, Version: 1, Detail: "detail " + id}
		}
		if got, err := a.Events(ctx, tidbok.HSAID{}, time.Time{}, time.Time{}); err != nil || len(got) != 0 {
			t.Errorf("Events of an empty log = %d, %v; want none", len(got), err)
		}
		c1 := ev(clinic, time.Minute, "c1")
		c2 := ev(otherClinic, 2*time.Minute, "c2")
		c3 := ev(clinic, 0, "c3")
		c4 := ev(clinic, 3*time.Minute, "c4")
		c4.Outcome, c4.Version = casetype.OutcomeConflict, 0
		for _, e := range []casetype.Event{c1, c2, c3, c4} {
			must(t, a.Record(ctx, e))
		}
		var zero time.Time
		for _, c := range []struct {
			name     string
			clinic   tidbok.HSAID
			from, to time.Time
			want     []casetype.Event
		}{
			{"everything", tidbok.HSAID{}, zero, zero, []casetype.Event{c1, c2, c3, c4}},
			{"clinic", clinic, zero, zero, []casetype.Event{c1, c3, c4}},
			{"other clinic", otherClinic, zero, zero, []casetype.Event{c2}},
			{"from, inclusive", tidbok.HSAID{}, t0.Add(time.Minute), zero, []casetype.Event{c1, c2, c4}},
			{"to, exclusive", tidbok.HSAID{}, zero, t0.Add(time.Minute), []casetype.Event{c3}},
			{"clinic, from and to", clinic, t0.Add(time.Minute), t0.Add(3 * time.Minute), []casetype.Event{c1}},
			{"a clinic without events", tidbok.MustHSAID("SE2321000016-NONE"), zero, zero, nil},
		} {
			got, err := a.Events(ctx, c.clinic, c.from, c.to)
			if err != nil {
				t.Errorf("%s: Events: %v", c.name, err)
				continue
			}
			if len(c.want) == 0 && len(got) == 0 {
				continue
			}
			if diff := gocmp.Diff(c.want, got, cmpOpts); diff != "" {
				t.Errorf("%s: Events (-want +got):\n%s", c.name, diff)
			}
		}
	})
}

// A PostgreSQL database is often made with a language's collation
// (en_US.UTF-8, sv_SE.UTF-8) rather than C; the stores' orders by ID must
// still be Go's, byte by byte, as the in-memory stores' are. The test
// gives the ID columns such a collation, as a database with that default
// would.
func TestPostgresOrdersByIDWhateverTheCollation(t *testing.T) {
	t.Parallel()
	be := dbtest.Postgres
	db := be.Open(t, be.DSN(t))
	s := openStores(t, be, db)
	ctx := t.Context()
	var collation string
	err := db.QueryRowContext(ctx, `SELECT collname FROM pg_collation WHERE collname IN ('en-US-x-icu', 'und-x-icu', 'en_US.utf8', 'sv_SE.utf8') ORDER BY collname LIMIT 1`).Scan(&collation)
	if err != nil {
		t.Skipf("no language collation on the server: %v", err)
	}
	for _, stmt := range []string{
		`ALTER TABLE casetypes ALTER COLUMN id TYPE TEXT COLLATE "` + collation + `"`,
		`ALTER TABLE citizen_requests ALTER COLUMN id TYPE TEXT COLLATE "` + collation + `"`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	var sortsLikeC bool
	must(t, db.QueryRowContext(ctx, `SELECT 'B' < ('a' COLLATE "`+collation+`")`).Scan(&sortsLikeC))
	if sortsLikeC {
		t.Fatalf("collation %s sorts B before a: the test shows nothing", collation)
	}

	ids := []string{"b", "aa", "B", "a-b", "a"}
	want := []string{"B", "a", "a-b", "aa", "b"}
	for _, id := range ids {
		must(t, s.CaseTypes().Put(ctx, caseTypeAt(clinic, id, 1, id), 0))
		must(t, s.Requests().Add(ctx, requestAt(clinic, id, t0)))
	}
	cts, err := s.CaseTypes().List(ctx, clinic)
	must(t, err)
	reqs, err := s.Requests().List(ctx, clinic, false)
	must(t, err)
	var gotCT, gotReq []string
	for _, ct := range cts {
		gotCT = append(gotCT, ct.ID)
	}
	for _, r := range reqs {
		gotReq = append(gotReq, r.ID)
	}
	if !slices.Equal(gotCT, want) {
		t.Errorf("case types listed in the order %q, want %q (collation %s)", gotCT, want, collation)
	}
	if !slices.Equal(gotReq, want) {
		t.Errorf("requests created together listed in the order %q, want %q (collation %s)", gotReq, want, collation)
	}
}
