package main

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// countingCaseTypes and countingTerms count the reads that reach the
// database.
type countingCaseTypes struct {
	casetype.Store
	n *atomic.Int64
}

func (c countingCaseTypes) Get(ctx context.Context, clinic tidbok.HSAID, id string) (casetype.CaseType, error) {
	c.n.Add(1)
	return c.Store.Get(ctx, clinic, id)
}

type countingTerms struct {
	terms.Store
	n *atomic.Int64
}

func (c countingTerms) Latest(ctx context.Context, clinic tidbok.HSAID, caseTypeID string) (terms.Version, error) {
	c.n.Add(1)
	return c.Store.Latest(ctx, clinic, caseTypeID)
}

func (c countingTerms) Accepted(ctx context.Context, citizen tidbok.PersonalNumber, clinic tidbok.HSAID, caseTypeID string, n int) (bool, error) {
	c.n.Add(1)
	return c.Store.Accepted(ctx, citizen, clinic, caseTypeID, n)
}

// portalProcess is what one portal process has of the catalog: its own
// connections to the shared database, its own cache.
type portalProcess struct {
	cases memoCaseTypes
	terms memoTerms
	reads atomic.Int64
}

func newPortalProcess(t *testing.T, path string) *portalProcess {
	t.Helper()
	db := openSQLite(sqlstore.SQLiteDSN(path))
	t.Cleanup(func() { _ = db.Close() })
	s, err := sqlstore.Open(t.Context(), db, sqlstore.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	p := &portalProcess{}
	c := newCatalogCache(s.CatalogVersion)
	p.cases = memoCaseTypes{countingCaseTypes{s.CaseTypes(), &p.reads}, c}
	p.terms = memoTerms{countingTerms{s.Terms(), &p.reads}, c}
	return p
}

// request returns the context of a new request.
func request(t *testing.T) context.Context {
	return context.WithValue(t.Context(), memoKey{}, &requestMemo{})
}

// TestCatalogCacheSeesOtherProcessesWrites: two portal processes on one
// database; a case type, terms version or acceptance written through one
// is what the next request through the other reads, while requests
// between writes read case types and terms from the process's cache.
func TestCatalogCacheSeesOtherProcessesWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	a, b := newPortalProcess(t, path), newPortalProcess(t, path)
	clinic := demoClinic.ID
	pn := tidbok.MustPersonalNumber("191212121212")
	ct := casetype.CaseType{ID: "boka", Clinic: clinic, Kind: casetype.KindBook, Name: "Första", Version: 1,
		TimeTypeIDs: []string{"LAK"}, Assurance: casetype.AssuranceEID}
	ctx := request(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.cases.Put(ctx, ct, 0))
	tv := terms.Version{Clinic: clinic, CaseTypeID: "boka", Number: 1, Hash: "h1", Terms: terms.Terms{Conditions: "Ett."},
		Created: time.Date(2026, 3, 2, 9, 0, 0, 0, tidbok.Stockholm())}
	must(a.terms.AddVersion(ctx, tv))

	// read is one request through p: the case type's name, the latest
	// terms' number and whether pn accepted them.
	read := func(p *portalProcess) (string, int, bool) {
		t.Helper()
		ctx := request(t)
		got, err := p.cases.Get(ctx, clinic, "boka")
		must(err)
		v, err := p.terms.Latest(ctx, clinic, "boka")
		must(err)
		ok, err := p.terms.Accepted(ctx, pn, clinic, "boka", v.Number)
		must(err)
		return got.Name, v.Number, ok
	}
	check := func(step string, p *portalProcess, name string, n int, accepted bool) {
		t.Helper()
		gn, gv, ga := read(p)
		if gn != name || gv != n || ga != accepted {
			t.Errorf("%s: read %q, terms %d, accepted %v; want %q, %d, %v", step, gn, gv, ga, name, n, accepted)
		}
	}
	check("first read through b", b, "Första", 1, false)
	before := b.reads.Load()
	check("again through b", b, "Första", 1, false)
	if got := b.reads.Load() - before; got != 1 {
		t.Errorf("a request with nothing written between read %d times from the stores, want 1 (the acceptance not yet found)", got)
	}

	ct.Name, ct.Version = "Andra", 2
	must(a.cases.Put(request(t), ct, 1))
	check("after a's update of the case type", b, "Andra", 1, false)

	tv.Number, tv.Hash = 2, "h2"
	must(a.terms.AddVersion(request(t), tv))
	check("after a's new terms version", b, "Andra", 2, false)

	must(a.terms.AddAcceptance(request(t), terms.Acceptance{Citizen: pn, Clinic: clinic, CaseTypeID: "boka", Version: 2, Time: tv.Created}))
	check("after the acceptance through a", b, "Andra", 2, true)
	before = b.reads.Load()
	check("again through b", b, "Andra", 2, true)
	if got := b.reads.Load() - before; got != 0 {
		t.Errorf("a request with nothing written between read %d times from the stores, want none", got)
	}

	// And the other way round, and a's own cache after its own write.
	ct.Name, ct.Version = "Tredje", 3
	must(b.cases.Put(request(t), ct, 2))
	check("a after b's update", a, "Tredje", 2, true)
	check("b after its own update", b, "Tredje", 2, true)
}
