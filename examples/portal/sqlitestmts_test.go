package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

// TestConnStmtsAnswerEachQuery runs the same query text again and again,
// with other arguments, also while rows of it are still open on the same
// connection, and in a transaction: each answers for its own arguments.
func TestConnStmtsAnswerEachQuery(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(sqltidbok.SQLiteDSN(filepath.Join(t.TempDir(), "s.db")))
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: every query shares its statements
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	for k, v := range []string{"noll", "ett", "två", "tre"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO t (k, v) VALUES (?, ?)`, k, v); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT v FROM t WHERE k >= ? ORDER BY k`
	read := func(k int) []string {
		t.Helper()
		rows, err := db.QueryContext(ctx, q, k)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for range 3 {
		if got := read(2); len(got) != 2 || got[0] != "två" || got[1] != "tre" {
			t.Fatalf("k >= 2: %q", got)
		}
		if got := read(4); len(got) != 0 {
			t.Fatalf("k >= 4: %q", got)
		}
	}

	// Rows of the query still open while it runs again: two connections
	// would be needed with database/sql's own handling, so in a transaction.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	outer, err := tx.QueryContext(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for outer.Next() {
		var v string
		if err := outer.Scan(&v); err != nil {
			t.Fatal(err)
		}
		var inner string
		if err := tx.QueryRowContext(ctx, q, 3).Scan(&inner); err != nil {
			t.Fatal(err)
		}
		if inner != "tre" {
			t.Fatalf("inner query: %q", inner)
		}
		seen = append(seen, v)
	}
	if err := outer.Close(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 4 || seen[0] != "noll" || seen[3] != "tre" {
		t.Fatalf("outer query while the inner ran: %q", seen)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := read(1); len(got) != 3 || got[0] != "ett" {
		t.Fatalf("after the transaction, k >= 1: %q", got)
	}
}
