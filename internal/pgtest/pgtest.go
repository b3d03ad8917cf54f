// Package pgtest gives tests a PostgreSQL database of their own on the
// server named by the environment variable WEBBTIDBOK_PG_DSN, which
// .ci/postgres.sh starts and exports (source it in a shell to run the
// PostgreSQL tests locally).
//
// Without WEBBTIDBOK_PG_DSN a test that asks for PostgreSQL is skipped with
// a message saying how to run it, unless the environment variable CI is
// set: in CI the PostgreSQL tests must run, so the test fails instead.
//
// It is non-test code only so that several packages' tests can share it;
// no production code imports it.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvDSN is the environment variable holding the server's connection
// string, a postgres:// URL or a keyword/value string.
const EnvDSN = "WEBBTIDBOK_PG_DSN"

// BaseDSN returns the server's connection string from EnvDSN. Without one
// it skips t with a message when the environment variable CI is unset, and
// fails t when it is set.
func BaseDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn != "" {
		return dsn
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("pgtest: %s is not set, but CI is: .ci/run must start PostgreSQL (source .ci/postgres.sh) so that these tests run", EnvDSN)
	}
	t.Skipf("pgtest: %s is not set: source .ci/postgres.sh to run the PostgreSQL tests", EnvDSN)
	return ""
}

// DSN returns a connection string for a fresh, empty schema on the server
// (see BaseDSN), made the search path of every connection opened with it,
// so that each test works in isolation and tests may run in parallel. The
// schema is dropped with everything in it when t ends; close every
// connection to it in an earlier t.Cleanup (one registered after calling
// DSN runs before).
func DSN(t testing.TB) string {
	t.Helper()
	base := BaseDSN(t)
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "pgtest_" + hex.EncodeToString(b[:])
	if err := admin(base, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("pgtest: creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		if err := admin(base, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("pgtest: dropping schema %s: %v", schema, err)
		}
	})
	dsn, err := WithSearchPath(base, schema)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// Open opens a database/sql handle with the pgx driver on a fresh schema
// (see DSN), closed when t ends. Its pool keeps up to 32 idle connections,
// so that concurrent tests do not reconnect for every query.
func Open(t testing.TB) *sql.DB {
	t.Helper()
	dsn := DSN(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	db.SetMaxIdleConns(32)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// WithSearchPath returns dsn with the run-time parameter search_path set
// to schema, in whichever form dsn is written.
func WithSearchPath(dsn, schema string) (string, error) {
	return withParam(dsn, "search_path", schema)
}

// withParam returns dsn with the run-time parameter name set to value.
func withParam(dsn, name, value string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", err
		}
		q := u.Query()
		q.Set(name, value)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return dsn + " " + name + "=" + value, nil
}

// admins are the pools that create and drop schemas, one per server, kept
// for the life of the test binary so that a test does not pay for two
// connections to the server.
var admins sync.Map // DSN → *sql.DB

// admin runs one statement on the server dsn names.
func admin(dsn, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, ok := admins.Load(dsn)
	if !ok {
		// Dropping waits for the locks of connections that are still
		// going away; it should not wait for ever.
		adminDSN, err := withParam(dsn, "lock_timeout", "20s")
		if err != nil {
			return err
		}
		db, err := sql.Open("pgx", adminDSN)
		if err != nil {
			return err
		}
		db.SetMaxIdleConns(4)
		db.SetConnMaxIdleTime(time.Minute)
		var loaded bool
		if v, loaded = admins.LoadOrStore(dsn, db); loaded {
			_ = db.Close()
		}
	}
	_, err := v.(*sql.DB).ExecContext(ctx, stmt)
	return err
}
