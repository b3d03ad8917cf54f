package sqlstore_test

import (
	"errors"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/booking/store/storetest"
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

// The SQL stores of the booking flow obey the stores' rules on every
// database, as the in-memory stores do.
func TestStoresConformance(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, func(t *testing.T) storetest.Stores {
				s := newStores(t, be)
				return storetest.Stores{Holds: s.Holds(), Keys: s.Keys(), Moves: s.Moves(), Requests: s.Requests(), Outbox: s.Outbox(), Waitlist: s.Waitlist()}
			})
		})
	}
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
