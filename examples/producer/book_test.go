package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/pgtest"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// TestSQLiteBookSurvivesRestart serves the book in a SQLite database under
// -data, books a slot over the wire, and serves the same folder again.
func TestSQLiteBookSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	testSurvivesRestart(t, "-data", dir)
	if _, err := os.Stat(filepath.Join(dir, bookFile)); err != nil {
		t.Errorf("the book is not in the portal's file: %v", err)
	}
}

// TestPostgresBookSurvivesRestart does the same with -dsn.
func TestPostgresBookSurvivesRestart(t *testing.T) {
	t.Parallel()
	testSurvivesRestart(t, "-dsn", pgtest.DSN(t))
}

// testSurvivesRestart runs the producer on the SQL book that bookFlags
// name, books a slot through mvkclient, restarts the producer on the same
// database, and checks that the booking is still there and that the demo
// clinic was not seeded a second time.
func testSurvivesRestart(t *testing.T, bookFlags ...string) {
	ctx := context.Background()
	args := append([]string{"-addr", "127.0.0.1:0", "-facility", facility}, bookFlags...)
	clinic := tidbok.MustHSAID(facility)
	citizen := tidbok.MustPersonalNumber("191212121212")
	today := tidbok.DateOf(time.Now())
	window := tidbok.AvailabilityRequest{Facility: clinic, Subject: citizen, From: today, To: today.AddDays(demoDays - 1)}

	addr, logs, stop := launch(t, args...)
	if !strings.Contains(logs.String(), "slots_published=") || strings.Contains(logs.String(), "slots_published=0 ") {
		t.Errorf("the first start seeded no slots:\n%s", logs)
	}
	c := wireClient(t, addr)
	free, err := c.AvailableTimeslots(ctx, window)
	if err != nil {
		t.Fatal(err)
	}
	if free.Len() == 0 {
		t.Fatalf("no free slots in %s–%s", window.From, window.To)
	}
	seeded := make(map[string]bool)
	for s := range free.All() {
		seeded[s.ID] = true
	}
	// The last slot in the window: no chance that it starts during the
	// test.
	slot := free.At(free.Len() - 1)
	slot.Subject = citizen
	booked, err := c.Book(ctx, tidbok.BookRequest{Timeslot: slot, Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"}})
	if err != nil {
		t.Fatal(err)
	}
	stop()

	addr, logs, _ = launch(t, args...)
	c = wireClient(t, addr)
	sched, err := c.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: citizen})
	if err != nil {
		t.Fatal(err)
	}
	if len(sched.Bookings) != 1 || sched.Bookings[0].ID != booked.BookingID || !sched.Bookings[0].Start.Equal(slot.Start) {
		t.Errorf("after the restart the citizen's bookings are %+v, want %s at %s", sched.Bookings, booked.BookingID, slot.Start)
	}

	// Seeded again, the window would hold new slots (new IDs), the
	// booked time among them, and the registers would fail or repeat.
	free, err = c.AvailableTimeslots(ctx, window)
	if err != nil {
		t.Fatal(err)
	}
	if free.Len() == 0 {
		t.Error("no free slots after the restart")
	}
	for s := range free.All() {
		if !seeded[s.ID] || s.ID == slot.ID {
			t.Errorf("after the restart the book offers %s at %s, not a free slot of the first start", s.ID, s.Start)
			break
		}
	}
	types, err := c.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: clinic, Subject: citizen})
	if err != nil {
		t.Fatal(err)
	}
	if len(types.TimeTypes) != 2 {
		t.Errorf("after the restart the time types are %+v", types.TimeTypes)
	}
	// The only new slots a restart may publish are those of a day that
	// began between the two starts.
	if tidbok.DateOf(time.Now()) == today && !strings.Contains(logs.String(), "slots_published=0 ") {
		t.Errorf("the restart published slots again:\n%s", logs)
	}
}

// wireClient is a consumer of the producer at addr.
func wireClient(t *testing.T, addr string) *mvkclient.Client {
	t.Helper()
	c, err := mvkclient.New(mvkclient.Config{BaseURL: "http://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDataAndDSNTogetherFail(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	var out strings.Builder
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", dir, "-dsn", "postgres://nobody@127.0.0.1:1/none"},
		&out, func(string) { t.Error("started") })
	if err == nil || !strings.Contains(err.Error(), "-data and -dsn") || !strings.Contains(err.Error(), "not both") {
		t.Errorf("run = %v, want an error about giving both -data and -dsn", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the data folder was created: %v", err)
	}
}
