package sqlstore_test

import (
	"context"
	"encoding/json"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/internal/sqldb"
	"github.com/webbtidbok/webbtidbok/sqlstore"
)

// migrationsBefore returns the stores' migrations older than the one
// named suffix (e.g. "_assurance"), and that one's version.
func migrationsBefore(t *testing.T, suffix string) (fs.FS, int) {
	t.Helper()
	entries, err := os.ReadDir("migrations")
	must(t, err)
	version := 0
	for _, e := range entries {
		num, rest, _ := strings.Cut(e.Name(), "_")
		if strings.HasPrefix("_"+rest, suffix+".") {
			version, err = strconv.Atoi(num)
			must(t, err)
		}
	}
	if version == 0 {
		t.Fatalf("no migration named *%s", suffix)
	}
	older := fstest.MapFS{}
	for _, e := range entries {
		num, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.Atoi(num); err == nil && v < version {
			data, err := os.ReadFile("migrations/" + e.Name())
			must(t, err)
			older[e.Name()] = &fstest.MapFile{Data: data}
		}
	}
	return older, version
}

// oldJSON is v as the stores wrote it before the assurance levels were
// renumbered: the same JSON, with each level at its old number (0 e-ID,
// 1 password+SMS; unknown did not exist, and an agent's level was 0).
func oldJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	// e-ID was 0; password+SMS was 1, as now.
	s := strings.ReplaceAll(string(b), `"Assurance":2`, `"Assurance":0`)
	return s
}

// A database the stores wrote before the assurance levels were renumbered
// reads back, once migrated, with every level it had: case types of each
// level, and the logins kept with requests and audit events. An agent's
// level, never set, reads as unknown.
func TestMigratingKeepsEveryStoredAssuranceLevel(t *testing.T) {
	t.Parallel()
	older, version := migrationsBefore(t, "_assurance")
	eidCitizen, smsCitizen := citizen(1), citizen(2)
	caseTypes := []casetype.CaseType{
		caseTypeAt(clinic, "boka-eid", 1, "Boka tid med e-legitimation"),
		caseTypeAt(clinic, "boka-sms", 1, "Boka tid med lösenord och sms"),
	}
	caseTypes[0].Assurance, caseTypes[0].Status = casetype.AssuranceEID, casetype.StatusActive
	caseTypes[1].Assurance = casetype.AssurancePasswordSMS
	// A name that spells the old key must not be taken for it.
	caseTypes[1].Concerns = `"Assurance":0,`

	reqEID := requestAt(clinic, "r1", t0)
	reqSMS := requestAt(clinic, "r2", t0)
	reqSMS.Subject, reqSMS.Caller = smsCitizen, store.Caller{Person: smsCitizen, Assurance: casetype.AssurancePasswordSMS}
	events := []booking.Event{
		{Time: t0, Caller: booking.Caller{Person: eidCitizen, Assurance: casetype.AssuranceEID}, Subject: eidCitizen,
			Clinic: clinic, CaseType: "boka-eid", Action: booking.ActionBook, Outcome: booking.OutcomeDone, BookingID: "b1"},
		{Time: t0, Caller: booking.Caller{Person: smsCitizen, Assurance: casetype.AssurancePasswordSMS}, Subject: smsCitizen,
			Clinic: clinic, CaseType: "boka-sms", Action: booking.ActionBook, Outcome: booking.OutcomeDone, BookingID: "b2"},
		{Time: t0, Caller: booking.Caller{Agent: staffA}, Subject: eidCitizen,
			Clinic: clinic, CaseType: "boka-eid", Action: booking.ActionBook, Outcome: booking.OutcomeDone, BookingID: "b3"},
		{Time: t0, Caller: booking.Caller{Agent: staffA}, Clinic: clinic, Action: booking.ActionListRequests, Outcome: booking.OutcomeDone},
	}

	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := be.Open(t, be.DSN(t))
			d := sqldb.Dialect(be.Dialect)
			previous := sqldb.Schema{Name: "sqlstore", Table: "store_migrations", FS: older}
			must(t, previous.Migrate(ctx, db, d))
			if v, err := previous.Version(ctx, db); err != nil || v >= version {
				t.Fatalf("the database is at version %d, %v; want one before %d", v, err, version)
			}
			insert := func(q string, args ...any) {
				t.Helper()
				_, err := db.ExecContext(ctx, d.Rebind(q), args...)
				must(t, err)
			}
			for _, ct := range caseTypes {
				insert("INSERT INTO casetypes (clinic, id, version, data) VALUES (?, ?, ?, ?)",
					ct.Clinic.String(), ct.ID, ct.Version, oldJSON(t, ct))
			}
			for _, r := range []booking.Request{reqEID, reqSMS} {
				insert("INSERT INTO citizen_requests (clinic, id, created, closed_at, data) VALUES (?, ?, ?, ?, ?)",
					r.Clinic.String(), r.ID, r.Created.UnixNano(), int64(0), oldJSON(t, r))
			}
			for _, e := range events {
				insert("INSERT INTO booking_audit (at, clinic, subject, data) VALUES (?, ?, ?, ?)",
					e.Time.UnixNano(), e.Clinic.String(), e.Subject.Canonical(), oldJSON(t, e))
			}

			s := openStores(t, be, db)
			if v, err := s.SchemaVersion(ctx); err != nil || v < version {
				t.Fatalf("SchemaVersion after Open = %d, %v; want at least %d", v, err, version)
			}
			gotCTs, err := s.CaseTypes().List(ctx, clinic)
			must(t, err)
			if diff := cmp.Diff(caseTypes, gotCTs, cmpOpts); diff != "" {
				t.Errorf("case types after migrating (-want +got):\n%s", diff)
			}
			gotReqs, err := s.Requests().List(ctx, clinic, false)
			must(t, err)
			if diff := cmp.Diff([]booking.Request{reqEID, reqSMS}, gotReqs, cmpOpts); diff != "" {
				t.Errorf("requests after migrating (-want +got):\n%s", diff)
			}
			gotEvents, err := s.Audit().Events(ctx, sqlstore.AuditQuery{Clinic: clinic})
			must(t, err)
			if diff := cmp.Diff(events, gotEvents, cmpOpts); diff != "" {
				t.Errorf("audit events after migrating (-want +got):\n%s", diff)
			}
			if gotEvents[2].Caller.Assurance != casetype.AssuranceUnknown {
				t.Errorf("an agent's level reads %v, want unknown", gotEvents[2].Caller.Assurance)
			}

			// Opening again migrates nothing twice.
			again := openStores(t, be, db)
			if ct, err := again.CaseTypes().Get(ctx, clinic, "boka-eid"); err != nil || ct.Assurance != casetype.AssuranceEID {
				t.Errorf("after opening again, Get = %v, %v; want e-ID", ct.Assurance, err)
			}
		})
	}
}

// The stores write the new numbers, every level reads back as written,
// and the unknown level stays unknown.
func TestNewlyStoredLevelsReadBackAsWritten(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, _ backend, s *sqlstore.Stores) {
		ctx := context.Background()
		for i, level := range []casetype.Assurance{casetype.AssuranceUnknown, casetype.AssurancePasswordSMS, casetype.AssuranceEID} {
			ct := caseTypeAt(clinic, "ct"+strconv.Itoa(i), 1, "Ärendetyp")
			ct.Assurance = level
			must(t, s.CaseTypes().Put(ctx, ct, 0))
			got, err := s.CaseTypes().Get(ctx, clinic, ct.ID)
			if err != nil || got.Assurance != level {
				t.Errorf("a case type stored at %v reads back at %v, %v", level, got.Assurance, err)
			}
		}
	})
}
