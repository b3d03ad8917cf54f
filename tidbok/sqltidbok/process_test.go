package sqltidbok_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

// Tests across processes: the test binary runs itself again as helper
// processes (TestHelperProcess), which share one database with the test,
// so that what is proven is that the database, not a lock in one process,
// decides who gets a slot.

// The environment of a helper process.
const (
	envHelper  = "SQLTIDBOK_TEST_HELPER" // the helper's role: race, kill or migrate
	envDialect = "SQLTIDBOK_TEST_DIALECT"
	envDSN     = "SQLTIDBOK_TEST_DSN"
	envInput   = "SQLTIDBOK_TEST_INPUT"  // a JSON file with the helper's job
	envOutput  = "SQLTIDBOK_TEST_OUTPUT" // where the helper writes its report
)

// helper starts the test binary as a helper process with role, on the
// database dsn of be, and the extra environment env.
func helper(t *testing.T, be backend, role, dsn string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), envHelper+"="+role, envDialect+"="+be.Dialect.String(), envDSN+"="+dsn)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = &prefixWriter{t: t, prefix: role + " helper: "}
	return cmd
}

// TestHelperProcess is not a test: it is the body of the helper processes
// the other tests in this file start.
func TestHelperProcess(t *testing.T) {
	role := os.Getenv(envHelper)
	if role == "" {
		t.Skip("a helper process of the tests across processes; it runs only when they start it")
	}
	be := dbtest.SQLite
	if os.Getenv(envDialect) == sqltidbok.Postgres.String() {
		be = dbtest.Postgres
	}
	dsn := os.Getenv(envDSN)
	switch role {
	case "race":
		raceHelper(t, be, dsn)
	case "kill":
		killHelper(t, be, dsn)
	case "migrate":
		b, _ := openBook(t, be, dsn)
		v, err := b.SchemaVersion(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("schema", v)
	default:
		t.Fatalf("unknown helper role %q", role)
	}
}

// raceJob is what one racing process does: book attempts First to
// First+Count-1, attempt i booking Slots[i % len(Slots)] for citizen(i).
type raceJob struct {
	Slots      []tidbok.Timeslot
	First      int
	Count      int
	Goroutines int
}

// raceReport is what a racing process did.
type raceReport struct {
	Booked []raceWin // one per successful Book
	Taken  int       // Book calls refused with ErrSlotTaken
	Others []string  // any other error
}

type raceWin struct {
	Attempt   int
	BookingID string
	SlotID    string
}

// TestCrossProcessRace lets 4 processes of 16 goroutines each attempt
// 10,000 bookings of 50 slots, each attempt for a citizen of its own, in
// one database: every slot ends up booked exactly once, and every attempt
// either booked or was refused with ErrSlotTaken.
func TestCrossProcessRace(t *testing.T) {
	t.Parallel()
	const (
		processes  = 4
		goroutines = 16
		slots      = 50
		attempts   = 10_000
	)
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			dsn := be.DSN(t)
			b, _ := openBook(t, be, dsn)
			free := publishDays(t, b, 1, 5*time.Minute)
			if len(free) < slots {
				t.Fatalf("published %d slots, want at least %d", len(free), slots)
			}
			free = free[:slots]
			dir := t.TempDir()
			var cmds []*exec.Cmd
			start := time.Now()
			for p := range processes {
				job := raceJob{Slots: free, First: p * attempts / processes, Count: (p+1)*attempts/processes - p*attempts/processes, Goroutines: goroutines}
				in, out := filepath.Join(dir, fmt.Sprintf("job%d.json", p)), filepath.Join(dir, fmt.Sprintf("report%d.json", p))
				writeJSON(t, in, job)
				cmd := helper(t, be, "race", dsn, envInput+"="+in, envOutput+"="+out)
				if err := cmd.Start(); err != nil {
					t.Fatalf("starting helper process %d: %v", p, err)
				}
				cmds = append(cmds, cmd)
			}
			var reports []raceReport
			for p, cmd := range cmds {
				if err := cmd.Wait(); err != nil {
					t.Fatalf("helper process %d: %v", p, err)
				}
				var r raceReport
				readJSON(t, filepath.Join(dir, fmt.Sprintf("report%d.json", p)), &r)
				reports = append(reports, r)
			}
			elapsed := time.Since(start)

			// Every attempt either booked or was cleanly refused.
			var wins []raceWin
			taken := 0
			for p, r := range reports {
				wins = append(wins, r.Booked...)
				taken += r.Taken
				for _, e := range r.Others {
					t.Errorf("process %d: an attempt failed with %s; want success or ErrSlotTaken", p, e)
				}
			}
			if got := len(wins) + taken; got != attempts {
				t.Errorf("%d booked + %d refused = %d attempts, want %d", len(wins), taken, got, attempts)
			}
			// Exactly one winner per slot, as the processes saw it …
			won := map[string]raceWin{}
			for _, w := range wins {
				if other, ok := won[w.SlotID]; ok {
					t.Errorf("slot %s booked twice: attempts %d (%s) and %d (%s)", w.SlotID, other.Attempt, other.BookingID, w.Attempt, w.BookingID)
				}
				won[w.SlotID] = w
			}
			if len(won) != slots {
				t.Errorf("%d of %d slots were booked, want all", len(won), slots)
			}
			// … and as the clinic sees it.
			got, err := b.Bookings(context.Background(), testbook.Facility())
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, bk := range got {
				slot := slotAt(free, bk.Start)
				if seen[slot] {
					t.Errorf("the book holds two bookings at %v", bk.Start)
				}
				seen[slot] = true
				w, ok := won[slot]
				switch {
				case !ok:
					t.Errorf("the book holds booking %s at %v, which no process reported", bk.ID, bk.Start)
				case w.BookingID != bk.ID || !bk.Subject.Equal(citizen(w.Attempt)):
					t.Errorf("the book holds booking %s at %v, but process reported %s for attempt %d", bk.ID, bk.Start, w.BookingID, w.Attempt)
				}
			}
			if len(got) != slots {
				t.Errorf("the book holds %d bookings, want %d", len(got), slots)
			}
			t.Logf("%d processes × %d goroutines: %d attempts on %d slots in %v: %d booked, %d refused",
				processes, goroutines, attempts, slots, elapsed.Round(time.Millisecond), len(wins), taken)
		})
	}
}

// raceHelper is the body of one racing process.
func raceHelper(t *testing.T, be backend, dsn string) {
	var job raceJob
	readJSON(t, os.Getenv(envInput), &job)
	b, _ := openBook(t, be, dsn)
	ctx := context.Background()
	var (
		mu     sync.Mutex
		report raceReport
		next   atomic.Int64
		wg     sync.WaitGroup
	)
	for range job.Goroutines {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= job.Count {
					return
				}
				i := job.First + k
				slot := job.Slots[i%len(job.Slots)]
				res, err := b.Book(ctx, bookRequest(slot, citizen(i)))
				mu.Lock()
				switch {
				case err == nil:
					report.Booked = append(report.Booked, raceWin{Attempt: i, BookingID: res.BookingID, SlotID: slot.ID})
				case errors.Is(err, tidbok.ErrSlotTaken):
					report.Taken++
				default:
					report.Others = append(report.Others, err.Error())
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	writeJSON(t, os.Getenv(envOutput), report)
}

// slotAt returns the ID of the slot of slots that starts at start.
func slotAt(slots []tidbok.Timeslot, start time.Time) string {
	for _, s := range slots {
		if s.Start.Equal(start) {
			return s.ID
		}
	}
	return "none at " + start.String()
}

// killJob is what the process to be killed does: book Slots one after
// another in 3 goroutines (2 naming the slot's ID, 1 only its time), move
// one booking from slot to slot of Moves in a fourth, and, after Before
// bookings and two moves, hold a transaction open that writes a booking of Held and never
// commits.
type killJob struct {
	Slots  []tidbok.Timeslot
	Moves  []tidbok.Timeslot
	Held   tidbok.Timeslot
	Before int
}

// TestKilledProcess kills a process in the middle of booking, rescheduling
// and holding a transaction open: every booking it reported committed is
// in the book, a move is either done or not, nothing it had not committed
// is, and the book works on.
func TestKilledProcess(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := be.DSN(t)
			b, _ := openBook(t, be, dsn)
			free := publishDays(t, b, 5, 15*time.Minute)
			job := killJob{Slots: free[:100], Moves: free[100:150], Held: free[150], Before: 30}
			spare := free[151]
			in := filepath.Join(t.TempDir(), "job.json")
			writeJSON(t, in, job)
			cmd := helper(t, be, "kill", dsn, envInput+"="+in)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Read what the process reports until it holds its
			// transaction, then kill it.
			var lines []string
			holding := false
			timeout := time.AfterFunc(2*time.Minute, func() { _ = cmd.Process.Kill() })
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				lines = append(lines, line)
				if line == "holding" {
					holding = true
					if err := cmd.Process.Kill(); err != nil {
						t.Fatalf("killing the helper: %v", err)
					}
				}
			}
			timeout.Stop()
			_ = cmd.Wait()
			if !holding {
				t.Fatalf("the helper ended before holding its transaction; it said:\n%s", strings.Join(lines, "\n"))
			}

			booked := map[string]string{} // booking ID → slot ID, as reported
			var moverID string
			moverAt := map[string]bool{} // where the moved booking may be
			for _, line := range lines {
				f := strings.Fields(line)
				switch {
				case len(f) == 3 && f[0] == "booked":
					booked[f[1]] = f[2]
				case len(f) == 3 && f[0] == "mover":
					moverID, moverAt = f[1], map[string]bool{f[2]: true}
				case len(f) == 4 && f[0] == "moving":
					moverAt = map[string]bool{f[2]: true, f[3]: true}
				case len(f) == 3 && f[0] == "moved":
					moverAt = map[string]bool{f[2]: true}
				}
			}
			if len(booked) < job.Before || moverID == "" {
				t.Fatalf("the helper reported %d bookings and mover %q before it was killed; the test needs more", len(booked), moverID)
			}

			got, err := b.Bookings(ctx, testbook.Facility())
			if err != nil {
				t.Fatal(err)
			}
			bySlot := map[string]string{}
			byID := map[string]string{}
			for _, bk := range got {
				slot := slotAt(free, bk.Start)
				if other, ok := bySlot[slot]; ok {
					t.Errorf("slot %s holds two bookings, %s and %s", slot, other, bk.ID)
				}
				bySlot[slot], byID[bk.ID] = bk.ID, slot
			}
			for id, slot := range booked {
				if at, ok := byID[id]; !ok || at != slot {
					t.Errorf("booking %s, reported committed at slot %s, is at %q after the kill", id, slot, at)
				}
			}
			if at := byID[moverID]; !moverAt[at] {
				t.Errorf("the moved booking %s is at %q after the kill, want one of %v", moverID, at, moverAt)
			}
			if id, ok := bySlot[job.Held.ID]; ok {
				t.Errorf("slot %s, written by a transaction that never committed, holds booking %s", job.Held.ID, id)
			}
			// At most one booking per goroutine may have committed without
			// being reported.
			if extra := len(got) - len(booked) - 1; extra < 0 || extra > 3 {
				t.Errorf("the book holds %d bookings; the helper reported %d and the moved one, so %d committed unreported, want 0 to 3", len(got), len(booked), extra)
			}
			checkIntegrity(t, be, dsn)
			// The book works on: nothing is left locked.
			wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if _, err := b.Book(wctx, bookRequest(spare, citizen(500_000))); err != nil {
				t.Errorf("Book after the kill: %v", err)
			}
			if _, err := b.Book(wctx, bookRequest(job.Held, citizen(500_001))); err != nil {
				t.Errorf("Book of the slot the killed transaction wrote: %v", err)
			}
			t.Logf("killed after %d reports; the book holds %d bookings", len(lines), len(got))
		})
	}
}

// checkIntegrity checks the database behind the book directly: every
// booking's slot exists, no slot holds two bookings and, on SQLite, the
// file is sound.
func checkIntegrity(t *testing.T, be backend, dsn string) {
	t.Helper()
	db := be.Open(t, dsn)
	ctx := context.Background()
	for _, c := range []struct{ what, query string }{
		{"bookings of slots that do not exist", "SELECT COUNT(*) FROM bookings b LEFT JOIN slots s ON s.id = b.slot_id WHERE b.slot_id IS NOT NULL AND s.id IS NULL"},
		{"slots with more than one booking", "SELECT COUNT(*) FROM (SELECT slot_id FROM bookings WHERE slot_id IS NOT NULL GROUP BY slot_id HAVING COUNT(*) > 1) d"},
	} {
		var n int
		if err := db.QueryRowContext(ctx, c.query).Scan(&n); err != nil {
			t.Errorf("counting %s: %v", c.what, err)
		} else if n != 0 {
			t.Errorf("%d %s", n, c.what)
		}
	}
	if be.Dialect == sqltidbok.SQLite {
		var ok string
		if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
			t.Errorf("PRAGMA integrity_check = %q, %v; want ok", ok, err)
		}
	}
}

// killHelper is the body of the process TestKilledProcess kills. It never
// returns of its own accord.
func killHelper(t *testing.T, be backend, dsn string) {
	var job killJob
	readJSON(t, os.Getenv(envInput), &job)
	b, _ := openBook(t, be, dsn)
	ctx := context.Background()
	var (
		mu     sync.Mutex
		gate   sync.RWMutex // writers hold it shared; taken whole to begin the held transaction
		booked atomic.Int64
		moves  atomic.Int64
		next   atomic.Int64
	)
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Printf(format+"\n", args...)
	}
	for g := range 3 {
		go func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(job.Slots) {
					select {}
				}
				slot := job.Slots[k]
				if g == 2 {
					slot.ID = "" // found by its time, in a transaction
				}
				gate.RLock()
				res, err := b.Book(ctx, bookRequest(slot, citizen(k)))
				gate.RUnlock()
				if err == nil {
					say("booked %s %s", res.BookingID, job.Slots[k].ID)
					booked.Add(1)
				}
			}
		}()
	}
	go func() {
		res, err := b.Book(ctx, bookRequest(job.Moves[0], citizen(10_000)))
		if err != nil {
			t.Errorf("the mover's first booking: %v", err)
			return
		}
		say("mover %s %s", res.BookingID, job.Moves[0].ID)
		for k := 1; ; k++ {
			from, to := job.Moves[(k-1)%len(job.Moves)], job.Moves[k%len(job.Moves)]
			say("moving %s %s %s", res.BookingID, from.ID, to.ID)
			req := tidbok.RescheduleRequest{BookingID: res.BookingID, Timeslot: to}
			req.Timeslot.Subject = citizen(10_000)
			gate.RLock()
			_, err := b.Reschedule(ctx, req)
			gate.RUnlock()
			if err != nil {
				t.Errorf("moving: %v", err)
				select {}
			}
			say("moved %s %s", res.BookingID, to.ID)
			moves.Add(1)
		}
	}()
	for booked.Load() < int64(job.Before) || moves.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	// A transaction that writes a booking and never commits. The writers
	// pause while it takes its lock: on SQLite a busy stream of bookings
	// could otherwise starve it past busy_timeout on a loaded machine.
	// They resume at once and are blocked mid-booking when the kill comes.
	gate.Lock()
	db := be.Open(t, dsn)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := `INSERT INTO bookings (id, slot_id, facility_id, subject, invitation, booked_at_ns) VALUES (?, ?, ?, ?, FALSE, 0)`
	if be.Dialect == sqltidbok.Postgres {
		q = `INSERT INTO bookings (id, slot_id, facility_id, subject, invitation, booked_at_ns) VALUES ($1, $2, $3, $4, FALSE, 0)`
	}
	if _, err := tx.ExecContext(ctx, q, "bhalfwritten0000", job.Held.ID, testbook.FacilityID, citizen(20_000).Canonical()); err != nil {
		t.Fatal(err)
	}
	gate.Unlock()
	say("holding")
	select {}
}

// TestMigrationsAcrossProcesses opens one empty database from 4 processes
// at once: the schema is made once, and every process gets it.
func TestMigrationsAcrossProcesses(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			dsn := be.DSN(t)
			var outs []*strings.Builder
			var cmds []*exec.Cmd
			for range 4 {
				cmd := helper(t, be, "migrate", dsn)
				out := &strings.Builder{}
				cmd.Stdout = out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				cmds, outs = append(cmds, cmd), append(outs, out)
			}
			for i, cmd := range cmds {
				if err := cmd.Wait(); err != nil {
					t.Errorf("process %d: %v", i, err)
				}
				if want := fmt.Sprintf("schema %d\n", schemaVersion); !strings.Contains(outs[i].String(), want) {
					t.Errorf("process %d said %q, want %q", i, outs[i], want)
				}
			}
			db := be.Open(t, dsn)
			var versions, tables int
			if err := db.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&versions); err != nil {
				t.Fatal(err)
			}
			if versions != schemaVersion {
				t.Errorf("schema_migrations has %d rows, want %d", versions, schemaVersion)
			}
			if err := db.QueryRow("SELECT COUNT(*) FROM facilities").Scan(&tables); err != nil {
				t.Errorf("the schema is not there: %v", err)
			}
		})
	}
}

func writeJSON(t testing.TB, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

// prefixWriter logs what a helper process writes to its standard error.
type prefixWriter struct {
	t      *testing.T
	prefix string
	mu     sync.Mutex
	buf    []byte
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := strings.IndexByte(string(w.buf), '\n')
		if i < 0 {
			return len(p), nil
		}
		w.t.Log(w.prefix + string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
}

var _ io.Writer = (*prefixWriter)(nil)
