package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Querier is what a *sql.DB and a *sql.Tx have in common: a read or a
// statement runs on either.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// MaxRetries bounds how often a statement or transaction the database
// rolled back because of a concurrent one (IsRetryable) is run again.
const MaxRetries = 10

// newBackOff returns the wait between such attempts: from about 2 ms,
// doubling, at most 250 ms, so ten attempts take at most a few seconds.
// Every call builds its own: backoff state is not safe to share.
func newBackOff(ctx context.Context) backoff.BackOff {
	eb := backoff.NewExponentialBackOff()
	eb.InitialInterval = 2 * time.Millisecond
	eb.MaxInterval = 250 * time.Millisecond
	eb.MaxElapsedTime = 0 // bounded by MaxRetries and ctx
	return backoff.WithContext(backoff.WithMaxRetries(eb, MaxRetries), ctx)
}

// Retry runs op until it succeeds, fails in a way running it again cannot
// mend, or ctx ends. Only failures after which the database has undone
// everything op did are retried (see Dialect.IsRetryable), so that op
// runs to completion at most once: a write is never retried after its
// commit may have taken effect.
func (d Dialect) Retry(ctx context.Context, op func() error) error {
	err := op()
	if err == nil || !d.IsRetryable(err) {
		return err // most calls: no backoff is made
	}
	bo := newBackOff(ctx)
	for {
		// The last attempt was undone by the database, so a context
		// that ends now leaves nothing done: the error says so.
		wait := bo.NextBackOff()
		if wait == backoff.Stop {
			if ctx.Err() != nil {
				return tidbok.NotSent(ctx.Err())
			}
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return tidbok.NotSent(ctx.Err())
		case <-t.C:
		}
		if err = op(); err == nil || !d.IsRetryable(err) {
			return err
		}
	}
}

// InTx runs fn in a transaction on db and commits it, retrying the whole
// transaction as Retry does. On SQLite the transaction holds the write
// lock from its start (the DSN's _txlock=immediate); on PostgreSQL fn
// locks the rows it relies on. An error from fn rolls the transaction back
// and is returned as is.
//
// A commit that fails in a way that leaves its outcome unknown (the
// connection broke after the commit was sent) gives an
// *OutcomeUnknownError.
func (d Dialect) InTx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	return d.Retry(ctx, func() error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			if NeverSent(err) || IsContextErr(err) {
				return tidbok.NotSent(err) // no transaction: nothing was written
			}
			return err
		}
		if err := fn(tx); err != nil {
			_ = tx.Rollback()
			return err
		}
		if err := ctx.Err(); err != nil {
			_ = tx.Rollback()
			return err
		}
		return d.AfterWrite(tx.Commit())
	})
}

// AfterWrite classifies the error of a statement or commit that changes
// data and may have reached the database: one that says nothing was sent
// (see NeverSent: a connection that could not be made, even one the
// server refused while it was being set up) is marked with
// tidbok.ErrNotSent; an error the database sent about the statement (it
// refused, so nothing changed) is returned as is; and any other (the
// connection broke, the context ended while waiting for the answer)
// means the write may or may not have taken effect: an
// *OutcomeUnknownError.
func (d Dialect) AfterWrite(err error) error {
	var unknown *OutcomeUnknownError
	switch {
	case err == nil || errors.Is(err, sql.ErrTxDone):
		return err
	case errors.As(err, &unknown) || errors.Is(err, tidbok.ErrNotSent):
		return err // classified already
	case NeverSent(err):
		return tidbok.NotSent(err)
	case d.FromServer(err):
		return err
	}
	return &OutcomeUnknownError{Err: err}
}

// NeverSent reports whether err certainly came before anything was sent
// to the database: database/sql's for a closed *sql.DB or connection, a
// driver's ErrBadConn (which a driver returns only then), a driver error
// that says it is safe to retry (pgx's SafeToRetry), or a connection that
// could not be made. The last is pgx's *pgconn.ConnectError, whatever its
// cause (a refused dial, TLS, authentication, a server that answered the
// startup with an error), a dial that failed (*net.OpError with Op
// "dial", as any driver over TCP gives), and PostgreSQL's
// cannot_connect_now (SQLSTATE 57P03, a server starting up, shutting
// down or recovering), which it sends only to a connection being set up.
// Each was raised before the connection could carry a statement.
func NeverSent(err error) bool {
	var (
		connect *pgconn.ConnectError
		dial    *net.OpError
		state   sqlStater
		safe    interface{ SafeToRetry() bool }
	)
	switch {
	case errors.As(err, &connect):
		return true
	case errors.As(err, &dial) && dial.Op == "dial":
		return true
	case errors.As(err, &state) && state.SQLState() == pgCannotConnectNow:
		return true
	case errors.As(err, &safe) && safe.SafeToRetry():
		return true
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
		return true
	}
	// database/sql has no sentinel for a closed *sql.DB, only this text.
	return strings.Contains(err.Error(), "sql: database is closed")
}

// OutcomeUnknownError is the error of a write whose commit was sent but
// whose answer never came: it may or may not have taken effect. It
// matches tidbok.ErrOutcomeUnknown and Err.
type OutcomeUnknownError struct{ Err error }

func (e *OutcomeUnknownError) Error() string {
	return "tidbok: outcome unknown: " + e.Err.Error()
}

func (e *OutcomeUnknownError) Unwrap() []error { return []error{tidbok.ErrOutcomeUnknown, e.Err} }

// IsContextErr reports whether err is, or wraps, a context's error.
func IsContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
