package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

// A session is written back when a request changed it, by any of the
// methods that change it, and not when nothing changed (or changed and
// changed back) and its last use was recorded lately; what is written is
// what the next request reads.
func TestSessionWrittenOnlyWhenChanged(t *testing.T) {
	ctx := t.Context()
	db := openSQLite(sqlstore.SQLiteDSN(filepath.Join(t.TempDir(), "s.db")))
	t.Cleanup(func() { db.Close() })
	now := t0
	s, err := openSessions(ctx, db, sqltidbok.SQLite, func() time.Time { return now }, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.create(ctx, &Identity{Name: "Tolvan"})
	if err != nil {
		t.Fatal(err)
	}
	stored := func() (string, int64) {
		t.Helper()
		var data string
		var seen int64
		if err := db.QueryRowContext(ctx, "SELECT data, seen_ns FROM portal_sessions WHERE id = ?", key(first.id)).Scan(&data, &seen); err != nil {
			t.Fatal(err)
		}
		return data, seen
	}
	// step gets the session a second later, changes it with change and
	// saves it, and reports whether the row changed.
	step := func(change func(*session)) (*session, bool) {
		t.Helper()
		before, beforeSeen := stored()
		now = now.Add(time.Second)
		ss, _, err := s.get(ctx, first.id)
		if err != nil || ss == nil {
			t.Fatalf("get: %v, %v", ss, err)
		}
		change(ss)
		if err := s.save(ctx, ss); err != nil {
			t.Fatal(err)
		}
		after, afterSeen := stored()
		return ss, after != before || afterSeen != beforeSeen
	}
	if _, wrote := step(func(*session) {}); wrote {
		t.Error("a request that changed nothing wrote the session")
	}
	if _, wrote := step(func(ss *session) { ss.setFlash("x"); ss.takeFlash() }); wrote {
		t.Error("a request that changed the session and changed it back wrote it")
	}
	changes := []struct {
		name   string
		change func(*session)
		check  func(*session) bool
	}{
		{"setFlash", func(ss *session) { ss.setFlash("Sparat") }, func(ss *session) bool { return ss.flash == "Sparat" }},
		{"takeFlash", func(ss *session) { ss.takeFlash() }, func(ss *session) bool { return ss.flash == "" }},
		{"setPending", func(ss *session) { ss.setPending(&pendingHold{Message: "m"}) }, func(ss *session) bool { return ss.hold != nil && ss.hold.Message == "m" }},
		{"setActingFor", func(ss *session) { ss.setActingFor(Person{FirstName: "Barn"}) }, func(ss *session) bool { return ss.subject.FirstName == "Barn" && ss.hold == nil }},
		{"markDone", func(ss *session) { ss.markDone("k1", "/a") }, func(ss *session) bool { p, ok := ss.doneAt("k1"); return ok && p == "/a" }},
		{"remember", func(ss *session) { ss.remember(confirmed{CaseType: ctBook}) }, func(ss *session) bool { return len(ss.confirms) == 1 }},
	}
	for _, c := range changes {
		if _, wrote := step(c.change); !wrote {
			t.Errorf("%s: the session was not written", c.name)
			continue
		}
		now = now.Add(time.Second)
		ss, _, err := s.get(context.Background(), first.id)
		if err != nil || ss == nil || !c.check(ss) {
			t.Errorf("%s: the next request reads %+v, %v", c.name, ss, err)
		}
	}
	now = now.Add(seenEvery)
	if _, wrote := step(func(*session) {}); !wrote {
		t.Error("a request after seenEvery did not record the session's use")
	}
}
