package sqltidbok_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// A clinic's standalone book in an SQLite file: staff publish a week of
// slots, a citizen books one through the tidbok.Tidbok interface, and the
// clinic sees the booking.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tidbok")
	check(err)
	defer os.RemoveAll(dir)

	// The caller opens the database; the book needs only the *sql.DB.
	db, err := sql.Open("sqlite", sqltidbok.SQLiteDSN(filepath.Join(dir, "tidbok.db")))
	check(err)
	defer db.Close()
	now := time.Date(2026, time.March, 9, 8, 0, 0, 0, tidbok.Stockholm()) // a Monday
	b, err := sqltidbok.Open(ctx, db, sqltidbok.SQLite, sqltidbok.WithClock(func() time.Time { return now }))
	check(err)
	defer b.Close()

	// The staff side: the clinic, a time type and a week of slots.
	clinic := tidbok.MustHSAID("SE2321000016-A1B2")
	check(b.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Ekorren"}))
	check(b.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}))
	check(b.SetNotice(ctx, clinic, "LAK", "Ta med frikort."))
	n, err := b.PublishWeekly(ctx, staff.Template{
		Facility:   clinic,
		From:       tidbok.DateOf(now),
		To:         tidbok.DateOf(now).AddDays(4),
		Weekdays:   []time.Weekday{time.Tuesday, time.Thursday},
		DayStart:   9 * time.Hour,
		DayEnd:     10 * time.Hour,
		Length:     30 * time.Minute,
		TimeTypeID: "LAK",
	})
	check(err)
	fmt.Println("published", n, "slots")

	// The citizen side, as the portal uses it.
	var book tidbok.Tidbok = b
	citizen := tidbok.MustPersonalNumber("191212121212")
	dates, err := book.AvailableDates(ctx, tidbok.AvailabilityRequest{
		Facility: clinic, Subject: citizen, From: tidbok.DateOf(now), To: tidbok.DateOf(now).AddDays(6),
	})
	check(err)
	for _, d := range dates.Dates {
		fmt.Println("free on", d.Date)
	}
	slots, err := book.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{
		Facility: clinic, Subject: citizen, From: dates.Dates[1].Date, To: dates.Dates[1].Date,
	})
	check(err)
	slot := slots.At(1)
	slot.Subject, slot.Reason = citizen, "Ont i halsen"
	res, err := book.Book(ctx, tidbok.BookRequest{
		Timeslot: slot,
		Contact:  tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"},
	})
	check(err)
	fmt.Println("notice:", res.Notice)

	// What the clinic sees.
	bookings, err := b.Bookings(ctx, clinic)
	check(err)
	for _, bk := range bookings {
		fmt.Println(bk.Start.Format("Mon 2 Jan 15:04"), bk.TimeType.Name, bk.Contact.FirstName, bk.Reason)
	}
	// Output:
	// published 4 slots
	// free on 2026-03-10
	// free on 2026-03-12
	// notice: Ta med frikort.
	// Thu 12 Mar 09:30 Läkarbesök Tolvan Ont i halsen
}

// Portals in several processes share one book in PostgreSQL.
func ExampleOpen_postgres() {
	ctx := context.Background()
	db, err := sql.Open("pgx", "postgres://portal@db.example/tidbok")
	check(err)
	defer db.Close()
	db.SetMaxIdleConns(16) // as many as calls at once, so that none waits to connect
	b, err := sqltidbok.Open(ctx, db, sqltidbok.Postgres)
	check(err)
	defer b.Close()
	var _ tidbok.Tidbok = b // hand it to the portal
}

// check stops an example on an error it does not expect.
func check(err error) {
	if err != nil {
		panic(err)
	}
}
