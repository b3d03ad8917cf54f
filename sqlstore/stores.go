package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/internal/sqldb"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

// Dialect names the database behind the *sql.DB given to [Open]. It is
// the standalone book's type, so that one value serves both when the book
// and the stores share a database.
type Dialect = sqltidbok.Dialect

// The dialects the stores speak.
const (
	// SQLite is SQLite through modernc.org/sqlite (pure Go); open the
	// database with [SQLiteDSN].
	SQLite = sqltidbok.SQLite
	// Postgres is PostgreSQL through github.com/jackc/pgx/v5/stdlib.
	Postgres = sqltidbok.Postgres
)

// SQLiteDSN returns the connection string for modernc.org/sqlite that
// opens, or creates, the database file at path, with the pragmas the
// stores rely on: write-ahead logging, a busy timeout, and transactions
// that take the write lock when they begin. It is [sqltidbok.SQLiteDSN].
func SQLiteDSN(path string) string { return sqltidbok.SQLiteDSN(path) }

//go:embed migrations/*.sql
var embedded embed.FS

var schema = func() sqldb.Schema {
	sub, err := fs.Sub(embedded, "migrations")
	if err != nil {
		panic(err) // a literal naming an embedded folder
	}
	return sqldb.Schema{Name: "sqlstore", Table: "store_migrations", FS: sub}
}()

// Stores are the stores of the booking flow and the clinic configuration
// in one SQL database. Make them with [Open]; each method returns a store
// for one interface. They are safe for concurrent use, and any number of
// processes may open one database: they then share holds, request keys,
// case types, terms and the rest.
type Stores struct {
	db      *sql.DB
	dialect sqldb.Dialect
}

// Open returns the stores kept in db, a database of dialect d that the
// caller opened (and closes, after the last use of the stores) with a
// driver of its choice: for SQLite, modernc.org/sqlite with [SQLiteDSN];
// for PostgreSQL, github.com/jackc/pgx/v5/stdlib. The database may be the
// one a [sqltidbok.Book] keeps its book in: their tables do not meet.
//
// Open brings the stores' schema up to date first, creating it in an
// empty database; several processes may open one database at once. It
// fails if the schema is newer than this package knows.
func Open(ctx context.Context, db *sql.DB, d Dialect) (*Stores, error) {
	if db == nil {
		return nil, errors.New("sqlstore: Open: the *sql.DB is nil")
	}
	dd := sqldb.Dialect(d)
	if !dd.Valid() {
		return nil, errors.New("sqlstore: Open: unknown dialect " + d.String() + ": use SQLite or Postgres")
	}
	if err := db.PingContext(ctx); err != nil {
		return nil, &dbError{op: "open", err: err}
	}
	if err := schema.Migrate(ctx, db, dd); err != nil {
		return nil, err
	}
	return &Stores{db: db, dialect: dd}, nil
}

// SchemaVersion returns the newest version of the stores' schema applied
// to the database.
func (s *Stores) SchemaVersion(ctx context.Context) (int, error) {
	v, err := schema.Version(ctx, s.db)
	return v, wrap("schema version", err)
}

// q returns query with placeholders for the stores' dialect.
func (s *Stores) q(query string) string { return s.dialect.Rebind(query) }

// ordered returns the text column col for an ORDER BY that sorts as Go
// compares strings, byte by byte, as the in-memory stores do, whatever
// the database's collation: a PostgreSQL database made with a language's
// locale (en_US.UTF-8, sv_SE.UTF-8) would otherwise sort "B" after "a".
// SQLite's default collation, BINARY, already compares bytes.
func (s *Stores) ordered(col string) string {
	if s.dialect.Postgres() {
		return col + ` COLLATE "C"`
	}
	return col
}

// exec runs a statement that changes data, again if the database rolled
// it back because of a concurrent one. A statement whose answer was lost
// gives an error matching tidbok.ErrOutcomeUnknown; one that was never
// sent because ctx had ended gives ctx's error alone.
func (s *Stores) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := s.dialect.Retry(ctx, func() error {
		if err := ctx.Err(); err != nil {
			return err // nothing was sent, so nothing happened
		}
		r, err := s.db.ExecContext(ctx, s.q(query), args...)
		res = r
		return s.dialect.AfterWrite(err)
	})
	return res, err
}

// scanRow runs a query expected to return at most one row on q (the pool
// or a transaction), again if the database rolled it back, and scans the
// row into dest; it returns sql.ErrNoRows for none.
func (s *Stores) scanRow(ctx context.Context, q sqldb.Querier, query string, args []any, dest ...any) error {
	if _, ok := q.(*sql.Tx); ok {
		// A transaction is retried whole, never one of its statements.
		return q.QueryRowContext(ctx, s.q(query), args...).Scan(dest...)
	}
	return s.dialect.Retry(ctx, func() error {
		return q.QueryRowContext(ctx, s.q(query), args...).Scan(dest...)
	})
}

// inTx runs fn in a transaction (see sqldb.Dialect.InTx).
func (s *Stores) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.dialect.InTx(ctx, s.db, fn)
}

// listJSON runs a query whose rows are one JSON column each and decodes
// them in order.
func listJSON[T any](ctx context.Context, s *Stores, query string, args ...any) ([]T, error) {
	var out []T
	err := s.dialect.Retry(ctx, func() error {
		out = out[:0]
		rows, err := s.db.QueryContext(ctx, s.q(query), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var data string
			if err := rows.Scan(&data); err != nil {
				return err
			}
			v, err := decode[T](data)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, err
}

// encode returns v as the JSON kept in a data column.
func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", &dbError{op: "encoding a row", err: err}
	}
	return string(b), nil
}

// decode returns the value kept as JSON in a data column.
func decode[T any](data string) (T, error) {
	var v T
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		return v, &dbError{op: "decoding a row", err: err}
	}
	return v, nil
}

// decodeRow decodes the data column of a row read with err, for op.
func decodeRow[T any](op, data string, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, wrap(op, err)
	}
	v, err := decode[T](data)
	return v, wrap(op, err)
}

// nanos returns t as kept in a time column: nanoseconds since 1970, or 0
// for the zero time.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// dbError is a failure of the database (a broken connection, a full disk)
// or of a row that cannot be read, as opposed to a store's answer such as
// a conflict.
type dbError struct {
	op  string
	err error
}

func (e *dbError) Error() string { return "sqlstore: " + e.op + ": " + e.err.Error() }
func (e *dbError) Unwrap() error { return e.err }

// wrap returns err as a failure of op, or nil. Context errors and errors
// that are the store's answer (made with one of the interfaces'
// sentinels, which the stores return as *answer) pass unchanged.
func wrap(op string, err error) error {
	var a *answer
	var d *dbError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &a), errors.As(err, &d), sqldb.IsContextErr(err):
		return err
	}
	return &dbError{op: op, err: err}
}

// answer is a store's answer that is not a failure: not found, a
// conflict, a hold taken.
type answer struct{ err error }

func (a *answer) Error() string { return a.err.Error() }
func (a *answer) Unwrap() error { return a.err }

// answerf returns the store's answer: fmt.Errorf(format, args...), which
// wraps one of the interfaces' sentinels.
func answerf(format string, args ...any) error { return &answer{fmt.Errorf(format, args...)} }

// refusef returns the store's answer matching sentinel, one of package
// store's or tidbok's, that says why: store.Because, whose message the
// booking package repeats without a second "booking: ".
func refusef(sentinel error, format string, args ...any) error {
	return &answer{store.Because(sentinel, format, args...)}
}
