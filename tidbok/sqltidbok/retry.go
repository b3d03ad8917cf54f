package sqltidbok

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// querier is what a *sql.DB and a *sql.Tx have in common: a read or a
// statement runs on either.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// maxRetries bounds how often a statement or transaction the database
// rolled back because of a concurrent one (isRetryable) is run again.
const maxRetries = 10

// newBackOff returns the wait between such attempts: from about 2 ms,
// doubling, at most 250 ms, so ten attempts take at most a few seconds.
// Every call builds its own: backoff state is not safe to share.
func newBackOff(ctx context.Context) backoff.BackOff {
	eb := backoff.NewExponentialBackOff()
	eb.InitialInterval = 2 * time.Millisecond
	eb.MaxInterval = 250 * time.Millisecond
	eb.MaxElapsedTime = 0 // bounded by maxRetries and ctx
	return backoff.WithContext(backoff.WithMaxRetries(eb, maxRetries), ctx)
}

// retry runs op until it succeeds, fails in a way running it again cannot
// mend, or ctx ends. Only failures after which the database has undone
// everything op did are retried (see Dialect.isRetryable), so that op runs
// to completion at most once: a write is never retried after its commit
// may have taken effect.
func (b *Book) retry(ctx context.Context, op func() error) error {
	err := op()
	if err == nil || !b.dialect.isRetryable(err) {
		return err // most calls: no backoff is made
	}
	bo := newBackOff(ctx)
	for {
		wait := bo.NextBackOff()
		if wait == backoff.Stop {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		if err = op(); err == nil || !b.dialect.isRetryable(err) {
			return err
		}
	}
}

// inTx runs fn in a transaction and commits it, retrying the whole
// transaction as retry does. On SQLite the transaction holds the write
// lock from its start (the DSN's _txlock=immediate); on PostgreSQL fn
// locks the rows it relies on. An error from fn rolls the transaction back
// and is returned as is.
//
// A commit that fails in a way that leaves its outcome unknown (the
// connection broke after the commit was sent) gives an error matching
// tidbok.ErrOutcomeUnknown.
func (b *Book) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return b.retry(ctx, func() error {
		tx, err := b.db.BeginTx(ctx, nil)
		if err != nil {
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
		return b.afterWrite(tx.Commit())
	})
}

// afterWrite classifies the error of a statement or commit that changes
// the book and may have reached the database: an error the database sent
// (it refused, so nothing changed) is returned as is, and any other (the
// connection broke, the context ended while waiting for the answer) means
// the write may or may not have taken effect.
func (b *Book) afterWrite(err error) error {
	if err == nil || b.dialect.fromServer(err) || errors.Is(err, sql.ErrTxDone) {
		return err
	}
	return &unknownOutcome{err: err}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
