package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestRebindNumbersPlaceholdersForPostgres(t *testing.T) {
	q := "SELECT a FROM t WHERE b = ? AND c IN (?, ?)"
	if got := SQLite.Rebind(q); got != q {
		t.Errorf("SQLite.Rebind = %q, want the query unchanged", got)
	}
	if got, want := Postgres.Rebind(q), "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"; got != want {
		t.Errorf("Postgres.Rebind = %q, want %q", got, want)
	}
}

func TestSQLiteDSNEscapesThePath(t *testing.T) {
	got := SQLiteDSN("/data/50% off?#1/tidbok.db")
	if !strings.HasPrefix(got, "file:/data/50%25 off%3f%231/tidbok.db?") {
		t.Errorf("SQLiteDSN = %q, want the path escaped in a file: URI", got)
	}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(wal)", "foreign_keys(1)", "_txlock=immediate"} {
		if !strings.Contains(got, p) {
			t.Errorf("SQLiteDSN = %q, which lacks %s", got, p)
		}
	}
}

func TestMigrationsAreChosenPerDialect(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    map[Dialect][]string // file names in order
		wantErr string
	}{
		{
			name: "shared and per-dialect files in version order",
			fsys: fstest.MapFS{
				"0002_b.sqlite.sql":   file("s2"),
				"0002_b.postgres.sql": file("p2"),
				"0001_a.sql":          file("x1"),
				"0010_c.sql":          file("x10"),
				"README.md":           file("not a migration"),
			},
			want: map[Dialect][]string{
				SQLite:   {"0001_a.sql", "0002_b.sqlite.sql", "0010_c.sql"},
				Postgres: {"0001_a.sql", "0002_b.postgres.sql", "0010_c.sql"},
			},
		},
		{name: "a version shared and per dialect", fsys: fstest.MapFS{"0001_a.sql": file(""), "0001_a.sqlite.sql": file("")}, wantErr: "both"},
		{name: "a version for one dialect only", fsys: fstest.MapFS{"0001_a.postgres.sql": file("")}, wantErr: "no file for sqlite"},
		{name: "two files of one version", fsys: fstest.MapFS{"0001_a.sql": file(""), "0001_b.sql": file("")}, wantErr: "same version"},
		{name: "no version", fsys: fstest.MapFS{"init.sql": file("")}, wantErr: "version number"},
		{name: "an unknown dialect", fsys: fstest.MapFS{"0001_a.mysql.sql": file("")}, wantErr: "names no dialect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, d := range []Dialect{SQLite, Postgres} {
				migs, err := Schema{Name: "test", FS: tt.fsys}.Migrations(d)
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Errorf("%v: error %v, want one saying %q", d, err, tt.wantErr)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%v: %v", d, err)
				}
				var names []string
				for _, m := range migs {
					names = append(names, m.Name)
				}
				if diff := cmp.Diff(tt.want[d], names); diff != "" {
					t.Errorf("%v: migrations (-want +got):\n%s", d, diff)
				}
			}
		})
	}
}

// Fake driver errors, shaped as pgx's and modernc's.
type pgError struct{ code string }

func (e *pgError) Error() string    { return "pg: " + e.code }
func (e *pgError) SQLState() string { return e.code }

type sqliteError struct{ code int }

func (e *sqliteError) Error() string { return fmt.Sprintf("sqlite: %d", e.code) }
func (e *sqliteError) Code() int     { return e.code }

func TestDriverErrorsAreClassified(t *testing.T) {
	t.Parallel()
	wrapped := func(err error) error { return fmt.Errorf("exec: %w", err) }
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		d                    Dialect
		err                  error
		unique, retry, local bool
		notSent              bool // nothing was sent
	}{
		{Postgres, errors.New("sql: database is closed"), false, false, false, true},
		{SQLite, errors.New("sql: database is closed"), false, false, false, true},
		{Postgres, wrapped(driver.ErrBadConn), false, false, false, true},
		{Postgres, sql.ErrConnDone, false, false, false, true},
		{Postgres, &dialError{safe: true}, false, false, false, true},
		{Postgres, &dialError{safe: false}, false, false, true, false},
		// A connection that could not be made: nothing was sent on it.
		{Postgres, wrapped(refused), false, false, false, true},
		{Postgres, wrapped(connectError(t)), false, false, false, true},
		{Postgres, &pgError{"57P03"}, false, false, false, true},
		{Postgres, &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, false, false, true, false},
		{Postgres, wrapped(&pgError{"23505"}), true, false, false, false},
		{Postgres, &pgError{"40001"}, false, true, false, false},
		{Postgres, &pgError{"40P01"}, false, true, false, false},
		{Postgres, &pgError{"23503"}, false, false, false, false},
		{Postgres, errors.New("connection reset by peer"), false, false, true, false},
		{SQLite, wrapped(&sqliteError{2067}), true, false, false, false},
		{SQLite, &sqliteError{1555}, true, false, false, false},
		{SQLite, &sqliteError{5}, false, true, false, false},
		{SQLite, &sqliteError{517}, false, true, false, false}, // SQLITE_BUSY_SNAPSHOT
		{SQLite, &sqliteError{6}, false, true, false, false},
		{SQLite, &sqliteError{787}, false, false, false, false}, // a foreign key
		{SQLite, errors.New("interrupted"), false, false, true, false},
	}
	for _, tt := range tests {
		if got := tt.d.IsUnique(tt.err); got != tt.unique {
			t.Errorf("%v.IsUnique(%v) = %t, want %t", tt.d, tt.err, got, tt.unique)
		}
		if got := tt.d.IsRetryable(tt.err); got != tt.retry {
			t.Errorf("%v.IsRetryable(%v) = %t, want %t", tt.d, tt.err, got, tt.retry)
		}
		err := tt.d.AfterWrite(tt.err)
		if got := errors.Is(err, tidbok.ErrOutcomeUnknown); got != tt.local {
			t.Errorf("%v: AfterWrite(%v) matches ErrOutcomeUnknown = %t, want %t", tt.d, tt.err, got, tt.local)
		}
		if got := errors.Is(err, tidbok.ErrNotSent); got != tt.notSent {
			t.Errorf("%v: AfterWrite(%v) matches ErrNotSent = %t, want %t", tt.d, tt.err, got, tt.notSent)
		}
		if !errors.Is(err, tt.err) {
			t.Errorf("%v: AfterWrite(%v) = %v, which no longer wraps the driver's error", tt.d, tt.err, err)
		}
		if again := tt.d.AfterWrite(err); again != err {
			t.Errorf("%v: AfterWrite of its own answer %v = %v, want it as is", tt.d, err, again)
		}
	}
}

func TestRetryRunsAgainOnlyWhatTheDatabaseUndid(t *testing.T) {
	t.Parallel()
	b := Postgres
	tests := []struct {
		name    string
		errs    []error // what the attempts return, in turn
		calls   int
		wantErr bool
	}{
		{"success at once", []error{nil}, 1, false},
		{"a deadlock, then success", []error{&pgError{"40P01"}, &pgError{"40001"}, nil}, 3, false},
		{"a refusal", []error{&pgError{"23505"}}, 1, true},
		{"a broken connection", []error{errors.New("EOF")}, 1, true},
	}
	for _, tt := range tests {
		calls := 0
		err := b.Retry(t.Context(), func() error {
			calls++
			return tt.errs[min(calls, len(tt.errs))-1]
		})
		if calls != tt.calls {
			t.Errorf("%s: %d calls, want %d", tt.name, calls, tt.calls)
		}
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: error %v, want an error: %t", tt.name, err, tt.wantErr)
		}
	}
	// A database that keeps rolling back gives up after MaxRetries.
	calls := 0
	err := b.Retry(t.Context(), func() error { calls++; return &pgError{"40001"} })
	if calls != MaxRetries+1 || !b.IsRetryable(err) {
		t.Errorf("always rolled back: %d calls, %v; want %d calls and the last error", calls, err, MaxRetries+1)
	}
	// A context that ends while waiting to run again after a rollback
	// leaves nothing done: not sent, never of unknown outcome.
	ctx, cancel := context.WithCancel(t.Context())
	err = b.Retry(ctx, func() error { cancel(); return &pgError{"40P01"} })
	if !errors.Is(err, tidbok.ErrNotSent) || !errors.Is(err, context.Canceled) || errors.Is(b.AfterWrite(err), tidbok.ErrOutcomeUnknown) {
		t.Errorf("cancelled while waiting to run again: %v, want ErrNotSent and context.Canceled, not of unknown outcome", err)
	}
}

// connectError returns pgx's error for a connection to a port where
// nothing listens.
func connectError(t *testing.T) error {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	_, err = pgconn.Connect(t.Context(), "postgres://nobody@"+addr+"/none?sslmode=disable")
	if ce := new(pgconn.ConnectError); !errors.As(err, &ce) {
		t.Fatalf("connecting to a closed port: %v, want a *pgconn.ConnectError", err)
	}
	return err
}

// dialError is a driver's error for a connection that failed, which says
// (as pgx's do) whether it came before anything was sent.
type dialError struct{ safe bool }

func (e *dialError) Error() string     { return "dial tcp: connection refused" }
func (e *dialError) SafeToRetry() bool { return e.safe }
