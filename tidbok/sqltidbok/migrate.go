package sqltidbok

import (
	"context"
	"embed"
	"io/fs"

	"github.com/webbtidbok/webbtidbok/internal/sqldb"
)

// The book's schema is a numbered series of migrations in migrations/,
// embedded in the binary and applied by Open (see sqldb.Schema): a file
// NNNN_name.sql serves both dialects, a pair NNNN_name.sqlite.sql and
// NNNN_name.postgres.sql where the SQL must differ. The table
// schema_migrations records the versions applied.

//go:embed migrations/*.sql
var embedded embed.FS

var schema = sqldb.Schema{Name: "sqltidbok", Table: "schema_migrations", FS: mustSub(embedded, "migrations")}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // dir is a literal naming an embedded folder
	}
	return sub
}

// SchemaVersion returns the newest schema version applied to the book's
// database.
func (b *Book) SchemaVersion(ctx context.Context) (int, error) {
	v, err := schema.Version(ctx, b.db)
	if err != nil {
		return 0, &dbError{op: "schema version", err: err}
	}
	return v, nil
}
