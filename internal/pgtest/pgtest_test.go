package pgtest_test

import (
	"database/sql"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/pgtest"
)

func TestWithSearchPathKeepsTheRestOfTheDSN(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable", "postgres://postgres@127.0.0.1:54329/postgres?search_path=s1&sslmode=disable"},
		{"postgresql://u@h/db", "postgresql://u@h/db?search_path=s1"},
		{"host=127.0.0.1 port=54329 user=postgres", "host=127.0.0.1 port=54329 user=postgres search_path=s1"},
	}
	for _, tt := range tests {
		got, err := pgtest.WithSearchPath(tt.dsn, "s1")
		if err != nil || got != tt.want {
			t.Errorf("WithSearchPath(%q) = %q, %v; want %q", tt.dsn, got, err, tt.want)
		}
	}
}

func TestEachTestGetsASchemaOfItsOwn(t *testing.T) {
	t.Parallel()
	a, b := pgtest.Open(t), pgtest.Open(t)
	if _, err := a.Exec("CREATE TABLE mine (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'mine' AND schemaname = current_schema()").Scan(&n); err != nil || n != 0 {
		t.Errorf("the second schema sees %d tables named mine, %v; want none", n, err)
	}
	var schema sql.NullString
	if err := a.QueryRow("SELECT current_schema()").Scan(&schema); err != nil || !schema.Valid {
		t.Errorf("current_schema() = %v, %v; want the test's schema", schema, err)
	}
}
