package sqlstore_test

import (
	"context"
	"errors"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

func TestOpenRefusesANilDatabaseAndAnUnknownDialect(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	if s, err := sqlstore.Open(ctx, nil, sqlstore.SQLite); err == nil || s != nil {
		t.Errorf("Open(nil *sql.DB) = %v, %v; want an error", s, err)
	}
	db := dbtest.SQLite.Open(t, dbtest.SQLite.DSN(t))
	for _, d := range []sqlstore.Dialect{0, 99} {
		if s, err := sqlstore.Open(ctx, db, d); err == nil || s != nil {
			t.Errorf("Open with the dialect %v = %v, %v; want an error", d, s, err)
		}
	}
}

// schemaVersions returns the newest version among the migrations in
// the folder migrations, as the names of its files say.
func schemaVersions(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("migrations")
	must(t, err)
	newest := 0
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			t.Fatalf("migration %s: no version number", e.Name())
		}
		newest = max(newest, v)
	}
	return newest
}

func TestOpenTwiceKeepsTheData(t *testing.T) {
	t.Parallel()
	want := schemaVersions(t)
	if want < 2 {
		t.Fatalf("the migrations' newest version is %d, want at least 2", want)
	}
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			dsn := be.DSN(t)
			first := be.Open(t, dsn)
			s := openStores(t, be, first)
			if v, err := s.SchemaVersion(ctx); err != nil || v != want {
				t.Errorf("SchemaVersion = %d, %v; want %d", v, err, want)
			}
			ct := caseTypeAt(clinic, "boka", 1, "Boka tid")
			must(t, s.CaseTypes().Put(ctx, ct, 0))
			must(t, s.Terms().AddVersion(ctx, termsVersion(clinic, "boka", 1, "h1")))
			must(t, first.Close())

			// Another process, or the same one restarted.
			again := openStores(t, be, be.Open(t, dsn))
			if v, err := again.SchemaVersion(ctx); err != nil || v != want {
				t.Errorf("after opening again, SchemaVersion = %d, %v; want %d", v, err, want)
			}
			if got, err := again.CaseTypes().Get(ctx, clinic, "boka"); err != nil || got.Name != ct.Name {
				t.Errorf("after opening again, Get = %q, %v; want the case type stored before", got.Name, err)
			}
			if got, err := again.Terms().Latest(ctx, clinic, "boka"); err != nil || got.Hash != "h1" {
				t.Errorf("after opening again, Latest = %q, %v; want the version stored before", got.Hash, err)
			}
			// Opening once more on the same handle changes nothing.
			if _, err := sqlstore.Open(ctx, be.Open(t, dsn), be.Dialect); err != nil {
				t.Errorf("a third Open: %v", err)
			}
		})
	}
}

func TestOpenRefusesANewerSchema(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := be.Open(t, be.DSN(t))
			openStores(t, be, db)
			if _, err := db.ExecContext(ctx, "INSERT INTO store_migrations (version, name) VALUES (99, '0099_future.sql')"); err != nil {
				t.Fatal(err)
			}
			s, err := sqlstore.Open(ctx, db, be.Dialect)
			if err == nil || s != nil {
				t.Fatalf("Open of a schema at version 99 = %v, %v; want an error", s, err)
			}
			if !strings.Contains(err.Error(), "newer") || !strings.Contains(err.Error(), "99") {
				t.Errorf("Open of a schema at version 99: %q, want it to say the schema, at 99, is newer", err)
			}
		})
	}
}

// The book and the stores in one database: each has its own tables and
// schema version, and both work, opened in either order.
func TestTheBookAndTheStoresShareADatabase(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			dsn := be.DSN(t)
			db := be.Open(t, dsn)
			book, err := sqltidbok.Open(ctx, db, be.Dialect)
			must(t, err)
			t.Cleanup(func() { _ = book.Close() })
			stores := openStores(t, be, db)

			must(t, book.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Exempel"}))
			must(t, book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}))
			must(t, stores.CaseTypes().Put(ctx, caseTypeAt(clinic, "boka", 1, "Boka tid"), 0))
			must(t, stores.Requests().Add(ctx, requestAt(clinic, "r1", t0)))

			bookVersion, err := book.SchemaVersion(ctx)
			must(t, err)
			storesVersion, err := stores.SchemaVersion(ctx)
			must(t, err)
			if storesVersion != schemaVersions(t) {
				t.Errorf("the stores' SchemaVersion = %d, want %d", storesVersion, schemaVersions(t))
			}

			// A schema version of the stores' own newer than known stops
			// the stores, not the book.
			if _, err := db.ExecContext(ctx, "INSERT INTO store_migrations (version, name) VALUES (99, '0099_future.sql')"); err != nil {
				t.Fatal(err)
			}
			if v, err := book.SchemaVersion(ctx); err != nil || v != bookVersion {
				t.Errorf("the book's SchemaVersion = %d, %v after the stores' moved on; want %d", v, err, bookVersion)
			}
			db2 := be.Open(t, dsn)
			if _, err := sqlstore.Open(ctx, db2, be.Dialect); err == nil {
				t.Error("sqlstore.Open of a newer stores' schema succeeded")
			}
			if _, err := db.ExecContext(ctx, "DELETE FROM store_migrations WHERE version = 99"); err != nil {
				t.Fatal(err)
			}

			// Another process opens the stores first, then the book.
			stores2 := openStores(t, be, db2)
			book2, err := sqltidbok.Open(ctx, db2, be.Dialect)
			must(t, err)
			t.Cleanup(func() { _ = book2.Close() })
			res, err := book2.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: clinic, Subject: citizen(1)})
			if err != nil || len(res.TimeTypes) != 1 || res.TimeTypes[0].ID != "LAK" {
				t.Errorf("the book's time types read in the other process = %+v, %v; want LAK", res.TimeTypes, err)
			}
			if got, err := stores2.CaseTypes().Get(ctx, clinic, "boka"); err != nil || got.Name != "Boka tid" {
				t.Errorf("the case type read in the other process = %q, %v", got.Name, err)
			}
			if got, err := stores2.Requests().List(ctx, clinic, true); err != nil || len(got) != 1 {
				t.Errorf("the requests read in the other process = %d, %v; want 1", len(got), err)
			}
			if v, err := book2.SchemaVersion(ctx); err != nil || v != bookVersion {
				t.Errorf("the book's SchemaVersion in the other process = %d, %v; want %d", v, err, bookVersion)
			}
		})
	}
}

// storeCall is one call of a store method, for the tests that every
// method fails alike.
type storeCall struct {
	name string
	call func(ctx context.Context) error
}

// storeCalls are calls of every method of every store, and of
// SchemaVersion; the writes among them would succeed on an empty
// database.
func storeCalls(s *sqlstore.Stores) []storeCall {
	ct := caseTypeAt(clinic, "new", 1, "New")
	rec := store.KeyRecord{Caller: "p:1", Key: "new", Action: "book", Fingerprint: "fp",
		State: store.KeyPending, Claim: "c", Claimed: t0, Expires: t0.Add(time.Hour)}
	second := func(_ any, err error) error { return err }
	return []storeCall{
		{"SchemaVersion", func(ctx context.Context) error { return second(s.SchemaVersion(ctx)) }},
		{"CaseTypes.Get", func(ctx context.Context) error { return second(s.CaseTypes().Get(ctx, clinic, "boka")) }},
		{"CaseTypes.List", func(ctx context.Context) error { return second(s.CaseTypes().List(ctx, clinic)) }},
		{"CaseTypes.Put create", func(ctx context.Context) error { return s.CaseTypes().Put(ctx, ct, 0) }},
		{"CaseTypes.Put update", func(ctx context.Context) error {
			return s.CaseTypes().Put(ctx, caseTypeAt(clinic, "boka", 2, "Updated"), 1)
		}},
		{"Terms.Latest", func(ctx context.Context) error { return second(s.Terms().Latest(ctx, clinic, "boka")) }},
		{"Terms.Version", func(ctx context.Context) error { return second(s.Terms().Version(ctx, clinic, "boka", 1)) }},
		{"Terms.AddVersion", func(ctx context.Context) error {
			return s.Terms().AddVersion(ctx, termsVersion(clinic, "new", 1, "h"))
		}},
		{"Terms.AddAcceptance", func(ctx context.Context) error {
			return s.Terms().AddAcceptance(ctx, terms.Acceptance{Citizen: citizen(1), Clinic: clinic, CaseTypeID: "boka", Version: 1, Time: t0})
		}},
		{"Terms.Accepted", func(ctx context.Context) error {
			return second(s.Terms().Accepted(ctx, citizen(1), clinic, "boka", 1))
		}},
		{"Holds.Acquire", func(ctx context.Context) error {
			return second(s.Holds().Acquire(ctx, holdOf("new", "s9", citizen(9), clinic, t0.Add(time.Hour)), t0))
		}},
		{"Holds.Get", func(ctx context.Context) error { return second(s.Holds().Get(ctx, "h1")) }},
		{"Holds.Held", func(ctx context.Context) error { return second(s.Holds().Held(ctx, clinic, t0)) }},
		{"Holds.Release", func(ctx context.Context) error { return s.Holds().Release(ctx, "h1") }},
		{"Keys.Claim", func(ctx context.Context) error {
			_, _, err := s.Keys().Claim(ctx, rec, time.Minute)
			return err
		}},
		{"Keys.Update", func(ctx context.Context) error { return s.Keys().Update(ctx, rec) }},
		{"Keys.Release", func(ctx context.Context) error { return s.Keys().Release(ctx, rec.Caller, rec.Key, rec.Claim) }},
		{"Moves.Reserve", func(ctx context.Context) error { return second(s.Moves().Reserve(ctx, clinic, "b9", 0)) }},
		{"Moves.Undo", func(ctx context.Context) error { return s.Moves().Undo(ctx, clinic, "b1") }},
		{"Moves.Count", func(ctx context.Context) error { return second(s.Moves().Count(ctx, clinic, "b1")) }},
		{"Requests.Add", func(ctx context.Context) error { return s.Requests().Add(ctx, requestAt(clinic, "new", t0)) }},
		{"Requests.List", func(ctx context.Context) error { return second(s.Requests().List(ctx, clinic, false)) }},
		{"Requests.Close", func(ctx context.Context) error {
			return second(s.Requests().Close(ctx, clinic, "r1", staffA, t0))
		}},
		{"Audit.Record", func(ctx context.Context) error {
			return s.Audit().Record(ctx, booking.Event{Time: t0, Clinic: clinic, Subject: citizen(1), Action: booking.ActionBook})
		}},
		{"Audit.Events", func(ctx context.Context) error {
			return second(s.Audit().Events(ctx, sqlstore.AuditQuery{Clinic: clinic}))
		}},
		{"CaseTypeAudit.Record", func(ctx context.Context) error {
			return s.CaseTypeAudit().Record(ctx, casetype.Event{Time: t0, Clinic: clinic, CaseTypeID: "boka", Action: casetype.ActionCreate})
		}},
		{"CaseTypeAudit.Events", func(ctx context.Context) error {
			return second(s.CaseTypeAudit().Events(ctx, clinic, time.Time{}, time.Time{}))
		}},
	}
}

// seedStores stores what the calls of storeCalls read or update: the case
// type boka, version 1 of its terms, the hold h1, the request r1, a move
// of b1.
func seedStores(t *testing.T, s *sqlstore.Stores) {
	t.Helper()
	ctx := t.Context()
	must(t, s.CaseTypes().Put(ctx, caseTypeAt(clinic, "boka", 1, "Boka tid"), 0))
	must(t, s.Terms().AddVersion(ctx, termsVersion(clinic, "boka", 1, "h1")))
	if _, err := s.Holds().Acquire(ctx, holdOf("h1", "s1", citizen(1), clinic, t0.Add(time.Hour)), t0); err != nil {
		t.Fatal(err)
	}
	must(t, s.Requests().Add(ctx, requestAt(clinic, "r1", t0)))
	if _, err := s.Moves().Reserve(ctx, clinic, "b1", 0); err != nil {
		t.Fatal(err)
	}
}

// The calls succeed on a working database: the tests below see them
// fail for the reason they set up, not another.
func TestStoreCallsWork(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, _ backend, s *sqlstore.Stores) {
		seedStores(t, s)
		for _, c := range storeCalls(s) {
			if err := c.call(t.Context()); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	})
}

// storeSentinels are the errors the stores answer with.
var storeSentinels = []error{
	casetype.ErrNotFound, casetype.ErrConflict,
	terms.ErrNoTerms, terms.ErrNotFound, terms.ErrConflict,
	booking.ErrHeld, booking.ErrHoldExpired, store.ErrKeyTaken, booking.ErrTooManyReschedules,
	tidbok.ErrNotFound, tidbok.ErrSlotTaken, tidbok.ErrNotAllowed, tidbok.ErrInvalid,
	context.Canceled, context.DeadlineExceeded,
}

// A database that fails gives failures, not answers: errors that say
// they are the stores' and match none of the stores' answers.
func TestAFailingDatabaseGivesFailures(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			db := be.Open(t, be.DSN(t))
			s := openStores(t, be, db)
			seedStores(t, s)
			must(t, db.Close())
			for _, c := range storeCalls(s) {
				err := c.call(t.Context())
				if err == nil {
					t.Errorf("%s on a closed database succeeded", c.name)
					continue
				}
				if !strings.HasPrefix(err.Error(), "sqlstore: ") {
					t.Errorf("%s on a closed database: %q, want an error starting with \"sqlstore: \"", c.name, err)
				}
				for _, sentinel := range storeSentinels {
					if errors.Is(err, sentinel) {
						t.Errorf("%s on a closed database: %q matches %v", c.name, err, sentinel)
					}
				}
			}
			if _, err := sqlstore.Open(t.Context(), db, be.Dialect); err == nil || !strings.HasPrefix(err.Error(), "sqlstore: ") {
				t.Errorf("Open of a closed database: %v, want an error starting with \"sqlstore: \"", err)
			}
		})
	}
}

// An ended context stops every call, with an error that says so, and
// nothing is written.
func TestAnEndedContextStopsEveryCall(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, be backend, s *sqlstore.Stores) {
		seedStores(t, s)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		for _, c := range storeCalls(s) {
			err := c.call(ctx)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s with an ended context: %v, want an error matching context.Canceled", c.name, err)
			}
			// Nothing was sent, so nothing happened: the outcome is known.
			if errors.Is(err, tidbok.ErrOutcomeUnknown) {
				t.Errorf("%s with an ended context: %q matches ErrOutcomeUnknown, though nothing was sent", c.name, err)
			}
		}
		if _, err := sqlstore.Open(ctx, be.Open(t, be.DSN(t)), be.Dialect); !errors.Is(err, context.Canceled) {
			t.Errorf("Open with an ended context: %v, want an error matching context.Canceled", err)
		}

		// Nothing was written.
		ctx = t.Context()
		if _, err := s.CaseTypes().Get(ctx, clinic, "new"); !errors.Is(err, casetype.ErrNotFound) {
			t.Errorf("the case type created with an ended context: %v, want ErrNotFound", err)
		}
		if got, err := s.CaseTypes().Get(ctx, clinic, "boka"); err != nil || got.Version != 1 {
			t.Errorf("the case type updated with an ended context is at version %d, %v; want 1", got.Version, err)
		}
		if _, err := s.Holds().Get(ctx, "h1"); err != nil {
			t.Errorf("the hold released with an ended context: %v", err)
		}
		if n, err := s.Moves().Count(ctx, clinic, "b1"); err != nil || n != 1 {
			t.Errorf("the moves of b1 after an Undo with an ended context = %d, %v; want 1", n, err)
		}
		if got, err := s.Requests().List(ctx, clinic, true); err != nil || len(got) != 1 {
			t.Errorf("open requests after a Close and an Add with an ended context = %d, %v; want 1", len(got), err)
		}
		if got, err := s.Audit().Events(ctx, sqlstore.AuditQuery{}); err != nil || len(got) != 0 {
			t.Errorf("audit events recorded with an ended context = %d, %v; want none", len(got), err)
		}
	})
}
