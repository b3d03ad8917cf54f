package sqltidbok

import (
	"context"
	"database/sql"

	"github.com/webbtidbok/webbtidbok/internal/sqldb"
)

// querier is what a *sql.DB and a *sql.Tx have in common: a read or a
// statement runs on either.
type querier = sqldb.Querier

// retry runs op until it succeeds, fails in a way running it again cannot
// mend, or ctx ends (see sqldb.Dialect.Retry): a write is never retried
// after its commit may have taken effect.
func (b *Book) retry(ctx context.Context, op func() error) error { return b.dialect.Retry(ctx, op) }

// inTx runs fn in a transaction and commits it, retrying the whole
// transaction as retry does (see sqldb.Dialect.InTx). A commit whose
// outcome is unknown gives an error matching tidbok.ErrOutcomeUnknown.
// The transaction, with its retries, is one span, named by s.
func (b *Book) inTx(ctx context.Context, s *dbSpan, fn func(tx *sql.Tx) error) error {
	span := b.tracing.start(ctx, s)
	err := b.dialect.InTx(ctx, b.db, fn)
	end(span, err)
	return err
}

// afterWrite classifies the error of a statement that changes the book
// and may have reached the database (see sqldb.Dialect.AfterWrite).
func (b *Book) afterWrite(err error) error { return b.dialect.AfterWrite(err) }
