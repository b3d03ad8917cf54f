package sqltidbok

import (
	"errors"
	"strconv"
	"strings"
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
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL 13 or later, through a driver whose errors
	// have a SQLState() string method, such as
	// github.com/jackc/pgx/v5/stdlib (driver name "pgx").
	Postgres
)

// String returns "sqlite" or "postgres".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

func (d Dialect) valid() bool { return d == SQLite || d == Postgres }

// postgres reports whether d uses PostgreSQL's placeholders ($1) and row
// locks.
func (d Dialect) postgres() bool { return d == Postgres }

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
func SQLiteDSN(path string) string {
	// A "file:" URI keeps SQLite's own URI parameters working; '%', '?'
	// and '#' in the path must be escaped in one.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc +
		"?_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(wal)" +
		"&_pragma=foreign_keys(1)" +
		"&_txlock=immediate"
}

// rebind rewrites the ? placeholders of a query written for SQLite into
// PostgreSQL's $1, $2 …. The book's queries have no ? inside literals.
func (d Dialect) rebind(q string) string {
	if !d.postgres() || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// lockSlot is the clause that locks the rows of slots (alias a) that a
// SELECT returns, so that a booking and staff's change to a slot never
// overlap: FOR KEY SHARE, which any number of bookings may hold at once
// but which conflicts with the FOR UPDATE every staff change to a slot
// takes first (see liveSlot). A booking that waited for staff's change
// re-checks the changed slot before it books. SQLite needs no clause: one
// writer at a time holds the whole database.
func (d Dialect) lockSlot(a string) string {
	if d.postgres() {
		return " FOR KEY SHARE OF " + a
	}
	return ""
}

// forUpdate is the clause that locks the rows of table alias a that a
// SELECT returns for a change by the transaction, so that no other
// transaction changes, books or locks them until it ends.
func (d Dialect) forUpdate(a string) string {
	if d.postgres() {
		return " FOR UPDATE OF " + a
	}
	return ""
}

// SQLite result codes and PostgreSQL SQLSTATEs the book acts on.
const (
	sqliteBusy       = 5    // SQLITE_BUSY
	sqliteLocked     = 6    // SQLITE_LOCKED
	sqliteConstraint = 19   // SQLITE_CONSTRAINT
	sqliteUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
	sqlitePrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY

	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
	pgLockNotAvailable     = "55P03"
)

type sqlStater interface{ SQLState() string }
type sqliteCoder interface{ Code() int }

// isUnique reports whether err is a violation of a unique or primary key
// constraint: in a booking, another transaction took the slot first.
func (d Dialect) isUnique(err error) bool {
	if d.postgres() {
		var e sqlStater
		return errors.As(err, &e) && e.SQLState() == pgUniqueViolation
	}
	var e sqliteCoder
	return errors.As(err, &e) && (e.Code() == sqliteUnique || e.Code() == sqlitePrimaryKey)
}

// isRetryable reports whether err means the database rolled the statement
// or transaction back because of a concurrent one, so that running it
// again is safe and may succeed: a serialization failure or deadlock on
// PostgreSQL, a busy or locked database on SQLite.
func (d Dialect) isRetryable(err error) bool {
	if d.postgres() {
		var e sqlStater
		if !errors.As(err, &e) {
			return false
		}
		switch e.SQLState() {
		case pgSerializationFailure, pgDeadlockDetected, pgLockNotAvailable:
			return true
		}
		return false
	}
	var e sqliteCoder
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqliteBusy, sqliteLocked:
		return true
	}
	return false
}

// fromServer reports whether err is an error the database itself
// answered (a PostgreSQL SQLSTATE, an SQLite result code): the statement
// failed, and nothing it would have written was written.
func (d Dialect) fromServer(err error) bool {
	if d.postgres() {
		var e sqlStater
		return errors.As(err, &e)
	}
	var e sqliteCoder
	return errors.As(err, &e)
}
