package sqlstore_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store/storetest"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The SQL stores settle a booking flow's call in one transaction, all or
// nothing, on every database; a failing audit insert (a trigger that
// raises) takes the key's outcome, the hold's release and the messages
// back with it.
func TestSettlerConformance(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			storetest.RunSettler(t, func(t *testing.T) storetest.SettlerStores[booking.Event] {
				db := be.Open(t, be.DSN(t))
				s := openStores(t, be, db)
				return storetest.SettlerStores[booking.Event]{
					Settler: s.Keys(), Keys: s.Keys(), Holds: s.Holds(), Outbox: s.Outbox(), Audit: s.Audit(),
					Event: func(n int) booking.Event {
						return booking.Event{
							Time: time.Date(2026, 3, 2, 9, 0, n, 0, time.UTC), Subject: citizen(1),
							Caller: booking.Caller{Person: citizen(1)}, Clinic: tidbok.MustHSAID("SE2321000016-A001"),
							CaseType: "boka", Action: booking.ActionBook, Outcome: booking.OutcomeDone,
							BookingID: "b" + strconv.Itoa(n), Session: "s1",
						}
					},
					Events: func(ctx context.Context) ([]booking.Event, error) {
						return s.Audit().Events(ctx, sqlstore.AuditQuery{})
					},
					BreakAudit: func(ctx context.Context) error { return refuseAudit(ctx, db, be) },
				}
			})
		})
	}
}

// refuseAudit adds a trigger that makes every insert into the audit log
// fail.
func refuseAudit(ctx context.Context, db *sql.DB, be backend) error {
	stmts := []string{`CREATE TRIGGER audit_refuses BEFORE INSERT ON booking_audit
		BEGIN SELECT RAISE(ABORT, 'the audit log refuses events'); END`}
	if be.Dialect == sqlstore.Postgres {
		stmts = []string{
			`CREATE FUNCTION audit_refuses() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'the audit log refuses events'; END $$`,
			`CREATE TRIGGER audit_refuses BEFORE INSERT ON booking_audit FOR EACH ROW EXECUTE FUNCTION audit_refuses()`,
		}
	}
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
