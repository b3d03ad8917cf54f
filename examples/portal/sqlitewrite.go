package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"time"
)

// Writers to the SQLite file take turns in the process. SQLite lets one
// writer at a time hold the file; a connection that finds it held retries
// after sleeps that grow to 100 ms (its busy handler), and under a few
// concurrent page views those sleeps, not the work, set the time a page
// takes. So the portal's own connections wait for each other in a queue
// instead: a write transaction (every transaction begins as a writer, see
// sqltidbok.SQLiteDSN) or a write outside one waits for its turn before
// it begins, and hands the turn on when it ends. Reads never wait, as
// write-ahead logging lets them run beside the writer. Other processes
// sharing the file are still kept apart by SQLite itself, with its busy
// timeout; and a turn that does not come within writeTurnWait is not
// waited for any longer, so that a writer never waits here for good, only
// on SQLite as before.

// writeTurnWait is how long a writer waits for its turn in the process
// before it goes to SQLite's lock without one.
const writeTurnWait = 10 * time.Second

// openSQLite opens the SQLite database named by dsn, its writers taking
// turns (see above).
func openSQLite(dsn string) *sql.DB {
	return sql.OpenDB(&turnConnector{dsn: dsn, drv: sqliteDriver(), turn: make(chan struct{}, 1)})
}

// sqliteDriver returns the driver registered as "sqlite".
func sqliteDriver() driver.Driver {
	db, _ := sql.Open("sqlite", "") // connects to nothing yet
	defer db.Close()
	return db.Driver()
}

// turnConnector makes connections to one database that share one turn.
type turnConnector struct {
	dsn  string
	drv  driver.Driver
	turn chan struct{} // holds a value while a writer has the turn
}

func (c *turnConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	inner, ok := conn.(sqliteConn)
	if !ok {
		_ = conn.Close()
		return nil, errors.New("the sqlite driver's connection lacks a method the portal uses")
	}
	return &turnConn{sqliteConn: inner, c: c}, nil
}

func (c *turnConnector) Driver() driver.Driver { return c.drv }

// acquire takes the turn; it reports whether it did. It gives up when ctx
// ends or after writeTurnWait.
func (c *turnConnector) acquire(ctx context.Context) bool {
	select {
	case c.turn <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(writeTurnWait)
	defer t.Stop()
	select {
	case c.turn <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	case <-t.C:
		return false
	}
}

func (c *turnConnector) release() { <-c.turn }

// sqliteConn is what database/sql uses of the driver's connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// turnConn is a connection whose write transactions, and writes outside
// one, take the turn.
type turnConn struct {
	sqliteConn
	c    *turnConnector
	inTx bool // a transaction is open; it has the turn if held
	held bool
	// stmts are the statements of queries run on the connection without
	// one of database/sql's (see sqlitestmts.go).
	stmts map[string]*connStmt
}

func (t *turnConn) Begin() (driver.Tx, error) {
	return t.BeginTx(context.Background(), driver.TxOptions{})
}

func (t *turnConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	held := !opts.ReadOnly && t.c.acquire(ctx)
	if err := ctx.Err(); err != nil {
		if held {
			t.c.release()
		}
		return nil, err
	}
	tx, err := t.sqliteConn.BeginTx(ctx, opts)
	if err != nil {
		if held {
			t.c.release()
		}
		return nil, err
	}
	t.inTx, t.held = true, held
	return &turnTx{Tx: tx, conn: t}, nil
}

// end ends the connection's transaction, handing the turn on.
func (t *turnConn) end() {
	if t.held {
		t.c.release()
	}
	t.inTx, t.held = false, false
}

func (t *turnConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if t.inTx {
		return t.sqliteConn.ExecContext(ctx, query, args)
	}
	if t.c.acquire(ctx) {
		defer t.c.release()
	}
	return t.sqliteConn.ExecContext(ctx, query, args)
}

func (t *turnConn) Prepare(query string) (driver.Stmt, error) {
	return t.PrepareContext(context.Background(), query)
}

func (t *turnConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s, err := t.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st, ok := s.(sqliteStmt)
	if !ok {
		_ = s.Close()
		return nil, errors.New("the sqlite driver's statement lacks a method the portal uses")
	}
	return &turnStmt{sqliteStmt: st, conn: t}, nil
}

// sqliteStmt is what database/sql uses of the driver's statement.
type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// turnStmt is a prepared statement whose writes outside a transaction
// take the turn.
type turnStmt struct {
	sqliteStmt
	conn *turnConn
}

func (s *turnStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if s.conn.inTx {
		return s.sqliteStmt.ExecContext(ctx, args)
	}
	if s.conn.c.acquire(ctx) {
		defer s.conn.c.release()
	}
	return s.sqliteStmt.ExecContext(ctx, args)
}

type turnTx struct {
	driver.Tx
	conn *turnConn
}

func (t *turnTx) Commit() error {
	defer t.conn.end()
	return t.Tx.Commit()
}

func (t *turnTx) Rollback() error {
	defer t.conn.end()
	return t.Tx.Rollback()
}
