// Package dbtest gives tests the databases the SQL packages run on:
// SQLite in a file of the test's own, and PostgreSQL in a schema of its
// own on the server internal/pgtest names (skipped locally without one,
// failing in CI). The standalone book's tests, the stores' tests and the
// examples' share it, so that every SQL test runs on both in the same way.
//
// It is non-test code only so that several packages' tests can share it;
// no production code imports it.
package dbtest

import (
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/webbtidbok/webbtidbok/internal/pgtest" // and the "pgx" driver
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

// Backend is a database the SQL packages run on in tests.
type Backend struct {
	// Name is "SQLite" or "PostgreSQL", for subtest names.
	Name string
	// Dialect is the dialect to open the book and the stores with.
	Dialect sqltidbok.Dialect
	// Driver is the database/sql driver name.
	Driver string
	dsn    func(t testing.TB) string
}

// The backends.
var (
	SQLite = Backend{Name: "SQLite", Dialect: sqltidbok.SQLite, Driver: "sqlite",
		dsn: func(t testing.TB) string { return sqltidbok.SQLiteDSN(filepath.Join(t.TempDir(), "test.db")) }}
	Postgres = Backend{Name: "PostgreSQL", Dialect: sqltidbok.Postgres, Driver: "pgx", dsn: pgtest.DSN}
)

// Backends are the databases every SQL test runs on.
func Backends() []Backend { return []Backend{SQLite, Postgres} }

// DSN returns the connection string of a fresh, empty database that lives
// as long as t; for PostgreSQL it skips t when no server is configured
// (see pgtest).
func (be Backend) DSN(t testing.TB) string {
	t.Helper()
	return be.dsn(t)
}

// Open opens the database dsn names, closed when t ends, with a pool that
// keeps enough idle connections for the concurrency tests and opens no
// more than 32, so that parallel tests and helper processes stay within
// the test server's 200 connections.
func (be Backend) Open(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(be.Driver, dsn)
	if err != nil {
		t.Fatalf("opening %s: %v", be.Name, err)
	}
	db.SetMaxIdleConns(32)
	db.SetMaxOpenConns(32)
	t.Cleanup(func() { _ = db.Close() })
	return db
}
