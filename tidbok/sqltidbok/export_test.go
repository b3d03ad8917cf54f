package sqltidbok

import (
	"context"
	"database/sql"
	"io/fs"
	"testing/fstest"

	"github.com/webbtidbok/webbtidbok/internal/sqldb"
)

// MigrateTo brings db's schema up to version, and no further: a database
// as an older release of the book left it.
func MigrateTo(ctx context.Context, db *sql.DB, d Dialect, version int) error {
	migs, err := schema.Migrations(d.sql())
	if err != nil {
		return err
	}
	old := fstest.MapFS{}
	for _, m := range migs {
		if m.Version <= version {
			old[m.Name] = &fstest.MapFile{Data: []byte(m.SQL)}
		}
	}
	s := sqldb.Schema{Name: schema.Name, Table: schema.Table, FS: fs.FS(old)}
	return s.Migrate(ctx, db, d.sql())
}

// StatementOf is statementOf, for the tests.
var StatementOf = statementOf
