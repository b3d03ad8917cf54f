package sqltidbok

import (
	"context"
	"database/sql"
	"github.com/webbtidbok/webbtidbok/internal/sqldb"
	"sync"
)

// Statements. The driver for PostgreSQL (pgx) keeps the statements it has
// prepared on each connection by their text, so the book sends its
// queries as text. The SQLite driver parses a query anew every time it
// runs, which costs more than most of the book's queries take to execute,
// so on SQLite the book prepares each query once, as a *sql.Stmt that
// database/sql prepares again on each connection it runs on.

// maxStmts bounds the statements a book keeps prepared. The book's queries
// come in few shapes; only the length of a list of IDs in a filter varies.
const maxStmts = 256

// stmts is a book's prepared statements by query text.
type stmts struct {
	mu     sync.Mutex
	byText map[string]*sql.Stmt
	closed bool
}

// cached returns the statement prepared for text, or nil.
func (c *stmts) cached(text string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byText[text]
}

// get returns the statement prepared for text on db, preparing it when
// needed; nil when the book keeps no more.
func (c *stmts) get(ctx context.Context, db *sql.DB, text string) (*sql.Stmt, error) {
	c.mu.Lock()
	s, ok := c.byText[text]
	full := len(c.byText) >= maxStmts || c.closed
	c.mu.Unlock()
	if ok || full {
		return s, nil
	}
	s, err := db.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.byText[text]; ok || c.closed {
		_ = s.Close()
		return old, nil
	}
	if c.byText == nil {
		c.byText = map[string]*sql.Stmt{}
	}
	c.byText[text] = s
	return s, nil
}

// close closes every statement.
func (c *stmts) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var first error
	for _, s := range c.byText {
		if err := s.Close(); err != nil && first == nil {
			first = err
		}
	}
	c.byText = nil
	return first
}

// Close releases the statements the book prepared on its database. It
// does not close the *sql.DB, which belongs to the caller. A book may be
// used after Close, more slowly on SQLite.
func (b *Book) Close() error { return b.stmts.close() }

// errRow is a row whose query could not run.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// stmtFor returns the prepared statement for query on q (the pool or a
// transaction), or nil when q should run the query as text.
//
// A transaction uses a statement prepared before, which database/sql
// prepares again on the transaction's connection if it must; it never
// prepares a new one, since that takes a second connection from the pool
// while the transaction holds one, and transactions waiting for each
// other's connections would wait for ever in a pool with a limit. So
// statements that only transactions run are parsed each time; they are
// the book's rarer operations.
func (b *Book) stmtFor(ctx context.Context, q querier, text string) (*sql.Stmt, error) {
	if b.dialect != sqldb.SQLite {
		return nil, nil
	}
	if tx, ok := q.(*sql.Tx); ok {
		if s := b.stmts.cached(text); s != nil {
			return tx.StmtContext(ctx, s), nil
		}
		return nil, nil
	}
	return b.stmts.get(ctx, b.db, text)
}

// queryRow runs query (with ? placeholders, or already in the book's
// dialect) on q and returns its first row.
func (b *Book) queryRow(ctx context.Context, q querier, query string, args ...any) scanner {
	text := b.q(query)
	span := b.statementSpan(ctx, q, text)
	s, err := b.stmtFor(ctx, q, text)
	var row scanner
	switch {
	case err != nil:
		row = errRow{err}
	case s != nil:
		row = s.QueryRowContext(ctx, args...)
	default:
		row = q.QueryRowContext(ctx, text, args...)
	}
	if span == nil {
		return row
	}
	return spanRow{row: row, span: span}
}

// query runs query (with ? placeholders) on q. Its span, outside a
// transaction, ends when the first rows have come.
func (b *Book) query(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	text := b.q(query)
	span := b.statementSpan(ctx, q, text)
	s, err := b.stmtFor(ctx, q, text)
	var rows *sql.Rows
	switch {
	case err != nil:
	case s != nil:
		rows, err = s.QueryContext(ctx, args...)
	default:
		rows, err = q.QueryContext(ctx, text, args...)
	}
	end(span, err)
	return rows, err
}

// exec runs the statement query (with ? placeholders) on q.
func (b *Book) exec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	text := b.q(query)
	span := b.statementSpan(ctx, q, text)
	s, err := b.stmtFor(ctx, q, text)
	var res sql.Result
	switch {
	case err != nil:
	case s != nil:
		res, err = s.ExecContext(ctx, args...)
	default:
		res, err = q.ExecContext(ctx, text, args...)
	}
	end(span, err)
	return res, err
}
