package sqltidbok_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

// schemaVersion is the version of the newest migration, one for each
// version from 1: the book's tables, the tombstones of cancelled
// bookings, the search indexes, then SQLite's covering indexes of the
// free slots.
const schemaVersion = 4

func TestOpenChecksItsArguments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if _, err := sqltidbok.Open(ctx, nil, sqltidbok.SQLite); err == nil {
		t.Error("Open of a nil *sql.DB succeeded")
	}
	db := dbtest.SQLite.Open(t, dbtest.SQLite.DSN(t))
	if _, err := sqltidbok.Open(ctx, db, sqltidbok.Dialect(0)); err == nil {
		t.Error("Open with the zero Dialect succeeded")
	}
}

func TestOpeningAgainKeepsTheBookAndItsSchema(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := be.DSN(t)
			first, _ := openBook(t, be, dsn)
			free := publishDays(t, first, 1, time.Hour)
			if _, err := first.Book(ctx, bookRequest(free[0], citizen(1))); err != nil {
				t.Fatal(err)
			}
			again, _ := openBook(t, be, dsn)
			v, err := again.SchemaVersion(ctx)
			if err != nil || v != schemaVersion {
				t.Errorf("SchemaVersion = %d, %v; want %d", v, err, schemaVersion)
			}
			if got, err := again.Bookings(ctx, clinic); err != nil || len(got) != 1 {
				t.Errorf("Bookings after opening again = %v, %v; want the booking made before", got, err)
			}
			db := be.Open(t, dsn)
			var n int
			if err := db.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != schemaVersion {
				t.Errorf("schema_migrations has %d rows, %v; want %d", n, err, schemaVersion)
			}
		})
	}
}

func TestOpenRefusesASchemaNewerThanItKnows(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			dsn := be.DSN(t)
			openBook(t, be, dsn)
			db := be.Open(t, dsn)
			if _, err := db.Exec("INSERT INTO schema_migrations (version, name) VALUES (99, '0099_future.sql')"); err != nil {
				t.Fatal(err)
			}
			_, err := sqltidbok.Open(context.Background(), db, be.Dialect)
			if err == nil || !strings.Contains(err.Error(), "newer") {
				t.Errorf("Open of a database at schema version 99: %v, want an error saying it is newer", err)
			}
		})
	}
}
