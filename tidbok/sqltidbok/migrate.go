package sqltidbok

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// The schema is a numbered series of migrations, embedded in the binary
// and applied by Open. A migration is a file migrations/NNNN_name.sql
// that serves both dialects, or a pair NNNN_name.sqlite.sql and
// NNNN_name.postgres.sql where the SQL must differ. The table
// schema_migrations records the versions applied.
//
// Several processes may open one database at once: each migration runs in
// a transaction of its own that first takes a lock only one of them can
// hold (SQLite: the write lock, taken by BEGIN IMMEDIATE; PostgreSQL: a
// transaction-scoped advisory lock keyed to the schema), then checks
// whether another process applied it meanwhile.

//go:embed migrations/*.sql
var embedded embed.FS

// migration is one version of the schema for one dialect.
type migration struct {
	version int
	name    string // the file name
	sql     string
}

// migrations returns the migrations in fsys (file names as described
// above, at its root) for dialect d, ordered by version.
func migrations(fsys fs.FS, d Dialect) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	// Every version must serve every dialect, from one shared file or
	// from one file per dialect, whichever dialect is asked for: a
	// database must not end up at one version with different schemas.
	type files struct {
		shared string
		own    map[Dialect]string
	}
	byVersion := map[int]*files{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".sql" {
			continue
		}
		num, rest, ok := strings.Cut(name, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("sqltidbok: migration %s: the name must start with a positive version number and '_'", name)
		}
		f := byVersion[version]
		if f == nil {
			f = &files{own: map[Dialect]string{}}
			byVersion[version] = f
		}
		dot := path.Ext(strings.TrimSuffix(rest, ".sql"))
		var dialect Dialect
		switch dot {
		case "":
		case "." + SQLite.String():
			dialect = SQLite
		case "." + Postgres.String():
			dialect = Postgres
		default:
			return nil, fmt.Errorf("sqltidbok: migration %s: %q names no dialect", name, dot)
		}
		prev := f.shared
		if dialect.valid() {
			prev = f.own[dialect]
			f.own[dialect] = name
		} else {
			f.shared = name
		}
		if prev != "" {
			return nil, fmt.Errorf("sqltidbok: migrations %s and %s have the same version", prev, name)
		}
	}
	var out []migration
	for version, f := range byVersion {
		name := f.shared
		switch {
		case f.shared != "" && len(f.own) > 0:
			return nil, fmt.Errorf("sqltidbok: migration %d has both a shared file, %s, and one for a dialect: give each dialect its own file, or share one", version, f.shared)
		case f.shared == "":
			for _, other := range []Dialect{SQLite, Postgres} {
				if f.own[other] == "" {
					return nil, fmt.Errorf("sqltidbok: migration %d has no file for %v", version, other)
				}
			}
			name = f.own[d]
		}
		text, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: version, name: name, sql: string(text)})
	}
	slices.SortFunc(out, func(a, b migration) int { return cmp.Compare(a.version, b.version) })
	return out, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`

// migrate brings the schema of db up to the newest of migs, each
// migration in a transaction of its own. It refuses a database whose
// schema is newer than migs know: an older program must not write to it.
func (b *Book) migrate(ctx context.Context, migs []migration) error {
	newest := 0
	if len(migs) > 0 {
		newest = migs[len(migs)-1].version
	}
	for _, m := range migs {
		err := b.inTx(ctx, func(tx *sql.Tx) error {
			applied, err := b.lockMigrations(ctx, tx)
			if err != nil {
				return err
			}
			if applied > newest {
				return fmt.Errorf("the database's schema is at version %d, newer than the %d this program knows: run a newer program", applied, newest)
			}
			var done int
			if err := tx.QueryRowContext(ctx, b.q("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), m.version).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("applying %s: %w", m.name, err)
			}
			_, err = tx.ExecContext(ctx, b.q("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"), m.version, m.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("sqltidbok: migrating the schema to version %d: %w", m.version, err)
		}
	}
	return nil
}

// lockMigrations takes the lock that serialises migrations across
// processes, makes sure schema_migrations exists, and returns the newest
// version applied (0 for none).
func (b *Book) lockMigrations(ctx context.Context, tx *sql.Tx) (int, error) {
	if b.dialect.postgres() {
		// Keyed to the schema tables are created in, so that books in
		// different schemas of one database do not wait for each other.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('webbtidbok/sqltidbok:' || current_schema(), 0))`); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, createMigrationsTable); err != nil {
		return 0, err
	}
	var newest int
	err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&newest)
	return newest, err
}

// SchemaVersion returns the newest schema version applied to the book's
// database.
func (b *Book) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := b.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	if err != nil {
		return 0, &dbError{op: "schema version", err: err}
	}
	return v, nil
}
