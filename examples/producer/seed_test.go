package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

func TestSeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	facility := tidbok.MustHSAID("SE2321000016-A65H")
	// Wednesday 11 March 2026, 12:30: the morning's läkarbesök have started.
	now := time.Date(2026, time.March, 11, 12, 30, 0, 0, tidbok.Stockholm())
	book := memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))
	n, err := seed(book, facility, now)
	if err != nil {
		t.Fatal(err)
	}
	// 14 days from a Wednesday hold 10 weekdays, each with 12 läkarbesök
	// and 12 provtagning slots.
	if n != 10*(12+12) {
		t.Errorf("published %d slots, want 240", n)
	}
	citizen := tidbok.MustPersonalNumber("191212121212")
	today := tidbok.DateOf(now)

	types, err := book.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: facility, Subject: citizen})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]tidbok.TimeType{lakarbesok, provtagn}, types.TimeTypes); diff != "" {
		t.Errorf("time types (-want +got):\n%s", diff)
	}
	perfs, err := book.Performers(ctx, tidbok.PerformersRequest{Facility: facility, Subject: citizen})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]tidbok.Performer{demoDoctor, demoNurse}, perfs.Performers); diff != "" {
		t.Errorf("performers (-want +got):\n%s", diff)
	}

	dates, err := book.AvailableDates(ctx, tidbok.AvailabilityRequest{Facility: facility, Subject: citizen, From: today.AddDays(-7), To: today.AddDays(30)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range dates.Dates {
		got = append(got, d.Date.String())
	}
	want := []string{"2026-03-11", "2026-03-12", "2026-03-13", "2026-03-16", "2026-03-17",
		"2026-03-18", "2026-03-19", "2026-03-20", "2026-03-23", "2026-03-24"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dates with free slots (-want +got):\n%s", diff)
	}

	// Today only the afternoon's provtagning is left, and it comes with a
	// notice.
	slots, err := book.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: facility, Subject: citizen, From: today, To: today})
	if err != nil {
		t.Fatal(err)
	}
	if slots.Len() != 12 || slots.At(0).TimeType != provtagn || slots.At(0).Start.Hour() != 13 {
		t.Fatalf("today's free slots: %d, first %+v", slots.Len(), slots.At(0))
	}
	slot := slots.At(0)
	slot.Subject = citizen
	res, err := book.Book(ctx, tidbok.BookRequest{Timeslot: slot, Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Notice != "Kom fastande." {
		t.Errorf("Notice = %q", res.Notice)
	}
}

func TestSeedRefusesATakenFacility(t *testing.T) {
	t.Parallel()
	facility := tidbok.MustHSAID("SE2321000016-A65H")
	book := memtidbok.New()
	if err := book.AddFacility(t.Context(), tidbok.Facility{ID: facility, Name: "Annan mottagning"}); err != nil {
		t.Fatal(err)
	}
	if _, err := seed(book, facility, time.Now()); err == nil {
		t.Error("seed succeeded over a facility with another name")
	}
}

// openSQLite opens a SQL book in a fresh SQLite file, closed when the test
// ends.
func openSQLite(t *testing.T) *sqltidbok.Book {
	t.Helper()
	db, err := sql.Open("sqlite", sqltidbok.SQLiteDSN(filepath.Join(t.TempDir(), bookFile)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	book, err := sqltidbok.Open(context.Background(), db, sqltidbok.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { book.Close() })
	return book
}

// TestSeedSQLTopsUp seeds a SQL book three times: the second start
// publishes nothing, and one a week later only the new days.
func TestSeedSQLTopsUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	facility := tidbok.MustHSAID("SE2321000016-A65H")
	book := openSQLite(t)
	// Wednesday 11 March 2026: 14 days hold 10 weekdays of 24 slots.
	now := time.Date(2026, time.March, 11, 12, 30, 0, 0, tidbok.Stockholm())
	for _, step := range []struct {
		now  time.Time
		want int
	}{
		{now, 10 * 24},
		{now.Add(time.Hour), 0},
		// A week later the window ends on Tuesday 31 March: 25–31 March
		// hold 5 weekdays.
		{now.AddDate(0, 0, 7), 5 * 24},
	} {
		n, err := seedSQL(ctx, book, facility, step.now)
		if err != nil {
			t.Fatal(err)
		}
		if n != step.want {
			t.Errorf("seeding at %s published %d slots, want %d", step.now, n, step.want)
		}
	}
	slots, err := book.Day(ctx, facility, tidbok.DateOf(now))
	if err != nil {
		t.Fatal(err)
	}
	if len(slots) != 24 {
		t.Errorf("the first day has %d slots, want 24", len(slots))
	}
}

// TestSeedSQLLeavesAnotherClinicAlone serves a facility that is in the
// book under another name, such as the portal's clinic, as it is.
func TestSeedSQLLeavesAnotherClinicAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	facility := tidbok.MustHSAID("SE2321000016-VC01")
	book := openSQLite(t)
	if err := book.AddFacility(ctx, tidbok.Facility{ID: facility, Name: "Vårdcentralen Solrosen"}); err != nil {
		t.Fatal(err)
	}
	n, err := seedSQL(ctx, book, facility, time.Now())
	if err != nil || n != 0 {
		t.Fatalf("seedSQL = %d, %v; want 0, nil", n, err)
	}
	types, err := book.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: facility, Subject: tidbok.MustPersonalNumber("191212121212")})
	if err != nil {
		t.Fatal(err)
	}
	if len(types.TimeTypes) != 0 {
		t.Errorf("the demo's time types were added to another clinic: %+v", types.TimeTypes)
	}
}
