package sqltidbok

import (
	"github.com/webbtidbok/webbtidbok/internal/sqldb"
)

// Dialect names the database behind the *sql.DB given to [Open]: how to
// write its SQL, how to lock, and how to read its errors. The package
// imports no driver; the caller opens the database with the driver of its
// choice (modernc.org/sqlite for [SQLite], github.com/jackc/pgx/v5/stdlib
// for [Postgres] are the ones tested).
type Dialect uint8

// The dialects the book speaks. The zero Dialect is none of them; Open
// refuses it.
const (
	// SQLite is SQLite 3.35 or later, through a driver whose errors have
	// a Code() int method, such as modernc.org/sqlite (pure Go). Open the
	// database with [SQLiteDSN]: the book relies on its pragmas and on
	// transactions that take the write lock when they begin.
	SQLite = Dialect(sqldb.SQLite)
	// Postgres is PostgreSQL 13 or later, through a driver whose errors
	// have a SQLState() string method, such as
	// github.com/jackc/pgx/v5/stdlib (driver name "pgx").
	Postgres = Dialect(sqldb.Postgres)
)

// String returns "sqlite" or "postgres".
func (d Dialect) String() string { return d.sql().String() }

// sql returns d as the shared SQL plumbing knows it.
func (d Dialect) sql() sqldb.Dialect { return sqldb.Dialect(d) }

// SQLiteDSN returns the connection string for modernc.org/sqlite (driver
// name "sqlite") that opens, or creates, the book's database file at path.
// It turns on write-ahead logging, so that readers never wait for the
// writer; a busy timeout of 10 s, so that writers queue instead of failing
// at once; foreign keys; and _txlock=immediate, so that a transaction
// takes the write lock when it begins (a deferred one that reads first and
// writes later can fail with SQLITE_BUSY without waiting). Commits stay
// durable (synchronous is SQLite's default, FULL).
//
// One database file may be shared by many processes on one machine, never
// over a network file system (SQLite's locks do not work there).
func SQLiteDSN(path string) string { return sqldb.SQLiteDSN(path) }

// lockSlot is the clause that locks the rows of slots (alias a) that a
// SELECT returns, so that a booking and staff's change to a slot never
// overlap: FOR KEY SHARE, which any number of bookings may hold at once
// but which conflicts with the FOR UPDATE every staff change to a slot
// takes first (see liveSlot). A booking that waited for staff's change
// re-checks the changed slot before it books. SQLite needs no clause: one
// writer at a time holds the whole database.
func lockSlot(d sqldb.Dialect, a string) string {
	if d.Postgres() {
		return " FOR KEY SHARE OF " + a
	}
	return ""
}
