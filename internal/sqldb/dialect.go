package sqldb

import (
	"errors"
	"strconv"
	"strings"
)

// Dialect is the database behind a *sql.DB.
type Dialect uint8

// The dialects. The zero Dialect is none of them.
const (
	// SQLite is SQLite 3.35 or later, through a driver whose errors have
	// a Code() int method, such as modernc.org/sqlite.
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL 13 or later, through a driver whose errors
	// have a SQLState() string method, such as
	// github.com/jackc/pgx/v5/stdlib.
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

// Valid reports whether d is one of the dialects.
func (d Dialect) Valid() bool { return d == SQLite || d == Postgres }

// Postgres reports whether d uses PostgreSQL's placeholders ($1) and row
// locks.
func (d Dialect) Postgres() bool { return d == Postgres }

// SQLiteDSN returns the connection string for modernc.org/sqlite (driver
// name "sqlite") that opens, or creates, the database file at path, with
// write-ahead logging, a busy timeout of 10 s, foreign keys and
// _txlock=immediate (see sqltidbok.SQLiteDSN for why each).
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

// Rebind rewrites the ? placeholders of a query written for SQLite into
// PostgreSQL's $1, $2 …. Queries must have no ? inside literals.
func (d Dialect) Rebind(q string) string {
	if !d.Postgres() || !strings.Contains(q, "?") {
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

// ForUpdate is the clause that locks the rows of table alias a that a
// SELECT returns for a change by the transaction, so that no other
// transaction changes or locks them until it ends. SQLite needs none: a
// transaction there holds the write lock from its start.
func (d Dialect) ForUpdate(a string) string {
	if d.Postgres() {
		return " FOR UPDATE OF " + a
	}
	return ""
}

// SQLite result codes and PostgreSQL SQLSTATEs acted on.
const (
	sqliteBusy       = 5    // SQLITE_BUSY
	sqliteLocked     = 6    // SQLITE_LOCKED
	sqliteUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
	sqlitePrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY

	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
	pgLockNotAvailable     = "55P03"
	pgCannotConnectNow     = "57P03"
)

type sqlStater interface{ SQLState() string }
type sqliteCoder interface{ Code() int }

// IsUnique reports whether err is a violation of a unique or primary key
// constraint: another transaction stored the same key first.
func (d Dialect) IsUnique(err error) bool {
	if d.Postgres() {
		var e sqlStater
		return errors.As(err, &e) && e.SQLState() == pgUniqueViolation
	}
	var e sqliteCoder
	return errors.As(err, &e) && (e.Code() == sqliteUnique || e.Code() == sqlitePrimaryKey)
}

// IsRetryable reports whether err means the database rolled the statement
// or transaction back because of a concurrent one, so that running it
// again is safe and may succeed: a serialization failure or deadlock on
// PostgreSQL, a busy or locked database on SQLite.
func (d Dialect) IsRetryable(err error) bool {
	if d.Postgres() {
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

// FromServer reports whether err is an error the database itself
// answered (a PostgreSQL SQLSTATE, an SQLite result code): the statement
// failed, and nothing it would have written was written.
func (d Dialect) FromServer(err error) bool {
	if d.Postgres() {
		var e sqlStater
		return errors.As(err, &e)
	}
	var e sqliteCoder
	return errors.As(err, &e)
}
