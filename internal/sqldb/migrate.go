package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Schema is a numbered series of migrations, embedded in a binary and
// applied when a package opens its database. A migration is a file
// NNNN_name.sql at the root of FS that serves both dialects, or a pair
// NNNN_name.sqlite.sql and NNNN_name.postgres.sql where the SQL must
// differ. The table Table records the versions applied, so that several
// schemas (the book's, the stores') can live in one database.
//
// Several processes may migrate one database at once: each migration runs
// in a transaction of its own that first takes a lock only one of them can
// hold (SQLite: the write lock, taken by BEGIN IMMEDIATE; PostgreSQL: a
// transaction-scoped advisory lock keyed to Name and the current schema),
// then checks whether another process applied it meanwhile.
type Schema struct {
	// Name prefixes errors and keys the lock, e.g. "sqltidbok".
	Name string
	// Table records the versions applied, e.g. "schema_migrations".
	Table string
	// FS holds the migrations at its root.
	FS fs.FS
}

// Migration is one version of a schema for one dialect.
type Migration struct {
	Version int
	Name    string // the file name
	SQL     string
}

// Migrations returns the schema's migrations for dialect d, ordered by
// version. Every version must serve every dialect.
func (s Schema) Migrations(d Dialect) ([]Migration, error) {
	entries, err := fs.ReadDir(s.FS, ".")
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
			return nil, fmt.Errorf("%s: migration %s: the name must start with a positive version number and '_'", s.Name, name)
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
			return nil, fmt.Errorf("%s: migration %s: %q names no dialect", s.Name, name, dot)
		}
		prev := f.shared
		if dialect.Valid() {
			prev = f.own[dialect]
			f.own[dialect] = name
		} else {
			f.shared = name
		}
		if prev != "" {
			return nil, fmt.Errorf("%s: migrations %s and %s have the same version", s.Name, prev, name)
		}
	}
	var out []Migration
	for version, f := range byVersion {
		name := f.shared
		switch {
		case f.shared != "" && len(f.own) > 0:
			return nil, fmt.Errorf("%s: migration %d has both a shared file, %s, and one for a dialect: give each dialect its own file, or share one", s.Name, version, f.shared)
		case f.shared == "":
			for _, other := range []Dialect{SQLite, Postgres} {
				if f.own[other] == "" {
					return nil, fmt.Errorf("%s: migration %d has no file for %v", s.Name, version, other)
				}
			}
			name = f.own[d]
		}
		text, err := fs.ReadFile(s.FS, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: version, Name: name, SQL: string(text)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return cmp.Compare(a.Version, b.Version) })
	return out, nil
}

// Migrate brings the schema of db up to its newest migration, each
// migration in a transaction of its own. It refuses a database whose
// schema is newer than the migrations know: an older program must not
// write to it.
func (s Schema) Migrate(ctx context.Context, db *sql.DB, d Dialect) error {
	migs, err := s.Migrations(d)
	if err != nil {
		return err
	}
	newest := 0
	if len(migs) > 0 {
		newest = migs[len(migs)-1].Version
	}
	for _, m := range migs {
		err := d.InTx(ctx, db, func(tx *sql.Tx) error {
			applied, err := s.lock(ctx, tx, d)
			if err != nil {
				return err
			}
			if applied > newest {
				return fmt.Errorf("the database's schema is at version %d, newer than the %d this program knows: run a newer program", applied, newest)
			}
			var done int
			if err := tx.QueryRowContext(ctx, d.Rebind("SELECT COUNT(*) FROM "+s.Table+" WHERE version = ?"), m.Version).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("applying %s: %w", m.Name, err)
			}
			_, err = tx.ExecContext(ctx, d.Rebind("INSERT INTO "+s.Table+" (version, name) VALUES (?, ?)"), m.Version, m.Name)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: migrating the schema to version %d: %w", s.Name, m.Version, err)
		}
	}
	return nil
}

// lock takes the lock that serialises migrations across processes, makes
// sure the version table exists, and returns the newest version applied
// (0 for none).
func (s Schema) lock(ctx context.Context, tx *sql.Tx, d Dialect) (int, error) {
	if d.Postgres() {
		// Keyed to the schema tables are created in, so that databases
		// in different schemas of one server do not wait for each other.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1 || current_schema(), 0))`, "webbtidbok/"+s.Name+":"); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+s.Table+` (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`); err != nil {
		return 0, err
	}
	var newest int
	err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM "+s.Table).Scan(&newest)
	return newest, err
}

// Version returns the newest version of the schema applied to db.
func (s Schema) Version(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM "+s.Table).Scan(&v)
	return v, err
}
