package sqltidbok_test

import (
	"context"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// backend is a database the book runs on in tests.
type backend = dbtest.Backend

// backends are the databases every test runs on.
func backends() []backend { return dbtest.Backends() }

// newBook opens a book on a fresh database of be, with a clock stopped at
// testbook.DefaultNow unless opts set another, and the facility
// testbook.Facility.
func newBook(t testing.TB, be backend, opts ...sqltidbok.Option) (*sqltidbok.Book, tidboktest.Seeder) {
	t.Helper()
	dsn := be.DSN(t)
	return openBook(t, be, dsn, opts...)
}

// openBook is newBook on the database dsn names.
func openBook(t testing.TB, be backend, dsn string, opts ...sqltidbok.Option) (*sqltidbok.Book, tidboktest.Seeder) {
	t.Helper()
	db := be.Open(t, dsn)
	ctx := context.Background()
	all := append([]sqltidbok.Option{at(testbook.DefaultNow())}, opts...)
	b, err := sqltidbok.Open(ctx, db, be.Dialect, all...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := b.AddFacility(ctx, tidbok.Facility{ID: testbook.Facility(), Name: testbook.FacilityName}); err != nil {
		t.Fatalf("AddFacility: %v", err)
	}
	return b, tidboktest.NewSeeder(b, testbook.Facility())
}

// at stops the book's clock at now.
func at(now time.Time) sqltidbok.Option {
	return sqltidbok.WithClock(func() time.Time { return now })
}

// citizen returns the i-th of a million made-up citizens.
var citizen = testbook.Citizen

// contact is what every test booking tells the book about the citizen.
var contact = tidbok.ContactInfo{FirstName: "Test", LastName: "Testsson", Phone: "0701234567"}

// bookRequest asks to book the free slot ts for subject.
func bookRequest(ts tidbok.Timeslot, subject tidbok.PersonalNumber) tidbok.BookRequest {
	ts.Subject = subject
	return tidbok.BookRequest{Timeslot: ts, Contact: contact}
}

// doctorsVisit is the time type of the tests' slots.
var doctorsVisit = tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}

// publishDays publishes slots of doctorsVisit every length from 08:00 to
// 16:00 on days consecutive weekdays from the day after now, and returns
// them as AvailableTimeslots offers them, in order.
func publishDays(t testing.TB, b *sqltidbok.Book, days int, length time.Duration) []tidbok.Timeslot {
	t.Helper()
	ctx := context.Background()
	if err := b.AddTimeType(ctx, testbook.Facility(), doctorsVisit); err != nil {
		t.Fatalf("AddTimeType: %v", err)
	}
	from := tidbok.DateOf(b.Now()).AddDays(1)
	to := from.AddDays(days + days/5*2 + 2)
	if _, err := b.PublishWeekly(ctx, staff.Template{
		Facility: testbook.Facility(), From: from, To: to,
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		DayStart: 8 * time.Hour, DayEnd: 16 * time.Hour, Length: length,
		TimeTypeID: doctorsVisit.ID,
	}); err != nil {
		t.Fatalf("PublishWeekly: %v", err)
	}
	res, err := b.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: testbook.Facility(), Subject: citizen(999_999), From: from, To: to})
	if err != nil {
		t.Fatalf("AvailableTimeslots: %v", err)
	}
	return res.Slice()
}
