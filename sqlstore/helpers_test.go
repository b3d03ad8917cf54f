package sqlstore_test

import (
	"context"
	"database/sql"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// backend is a database the stores run on in tests.
type backend = dbtest.Backend

// backends are the databases every test of the SQL stores runs on.
func backends() []backend { return dbtest.Backends() }

// openStores opens the stores on db, failing t if they cannot be.
func openStores(t testing.TB, be backend, db *sql.DB) *sqlstore.Stores {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), db, be.Dialect)
	if err != nil {
		t.Fatalf("sqlstore.Open on %s: %v", be.Name, err)
	}
	return s
}

// newStores opens the stores on a fresh database of be.
func newStores(t testing.TB, be backend) *sqlstore.Stores {
	t.Helper()
	return openStores(t, be, be.Open(t, be.DSN(t)))
}

// storeSet is one implementation of each store interface.
type storeSet struct {
	caseTypes casetype.Store
	terms     terms.Store
	holds     store.Holds
	keys      store.Keys
	moves     store.Moves
	requests  store.Requests
}

// impl is an implementation of the store interfaces the rule checks run
// against: the in-memory reference, which proves the checks right, and
// the SQL stores on each backend.
type impl struct {
	name string
	// new returns empty stores that live as long as t.
	new func(t testing.TB) storeSet
}

// memImpl is the in-memory reference implementation.
var memImpl = impl{name: "mem", new: func(testing.TB) storeSet {
	return storeSet{
		caseTypes: casetype.NewMemStore(),
		terms:     terms.NewMemStore(),
		holds:     store.NewMemHolds(),
		keys:      store.NewMemKeys(),
		moves:     store.NewMemMoves(),
		requests:  store.NewMemRequests(),
	}
}}

// sqlImpl is the SQL stores on be.
func sqlImpl(be backend) impl {
	return impl{name: be.Name, new: func(t testing.TB) storeSet {
		s := newStores(t, be)
		return storeSet{
			caseTypes: s.CaseTypes(),
			terms:     s.Terms(),
			holds:     s.Holds(),
			keys:      s.Keys(),
			moves:     s.Moves(),
			requests:  s.Requests(),
		}
	}}
}

// impls are the implementations every rule check runs against.
func impls() []impl {
	return []impl{memImpl, sqlImpl(dbtest.SQLite), sqlImpl(dbtest.Postgres)}
}

// forEachImpl runs check as a parallel subtest of t for each
// implementation, with fresh stores.
func forEachImpl(t *testing.T, check func(t *testing.T, s storeSet)) {
	t.Helper()
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			check(t, im.new(t))
		})
	}
}

// forEachBackend runs check as a parallel subtest of t for each SQL
// backend, with fresh stores.
func forEachBackend(t *testing.T, check func(t *testing.T, be backend, s *sqlstore.Stores)) {
	t.Helper()
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			check(t, be, newStores(t, be))
		})
	}
}

var (
	clinic      = tidbok.MustHSAID("SE2321000016-VC01")
	otherClinic = tidbok.MustHSAID("SE2321000016-VC02")
	staffA      = tidbok.MustHSAID("SE2321000016-STA1")
	staffB      = tidbok.MustHSAID("SE2321000016-STA2")
	// t0 is the tests' "now": a Monday morning in Stockholm.
	t0 = time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm())
)

// cmpOpts compare the stores' values: the identity types, whose fields
// are unexported, by ==, and times by the instant they name, since a time
// read back from the database keeps its instant but not its location.
var cmpOpts = cmp.Options{
	cmpopts.EquateComparable(tidbok.PersonalNumber{}, tidbok.HSAID{}),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
}

// citizen returns the i-th of a million made-up citizens.
var citizen = testbook.Citizen

// must fails t at once if err is not nil.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
