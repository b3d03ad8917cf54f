package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// A portal keeps the clinic's book and the booking flow's state in one
// SQLite file. A citizen books; the portal restarts; the booking, her
// acceptance of the terms, the outcome stored under the request key and
// the audit log are all still there.
func Example() {
	ctx := context.Background()
	must := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	dir, err := os.MkdirTemp("", "sqlstore")
	must(err)
	defer os.RemoveAll(dir)
	dsn := sqlstore.SQLiteDSN(filepath.Join(dir, "portal.db"))

	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm()) // a Monday
	clock := func() time.Time { return now }
	clinic := tidbok.MustHSAID("SE2321000016-VC01")

	// start is what a portal process does when it starts: open the
	// database, the book and the stores on it, and the service.
	start := func() (*booking.Service, *sqltidbok.Book, *sqlstore.Stores, func()) {
		db, err := sql.Open("sqlite", dsn)
		must(err)
		book, err := sqltidbok.Open(ctx, db, sqltidbok.SQLite, sqltidbok.WithClock(clock))
		must(err)
		stores, err := sqlstore.Open(ctx, db, sqlstore.SQLite)
		must(err)
		svc, err := booking.New(booking.Config{
			Book:      book,
			CaseTypes: casetype.New(stores.CaseTypes(), casetype.WithClock(clock), casetype.WithAudit(stores.CaseTypeAudit())),
			Terms:     terms.New(stores.Terms(), terms.WithClock(clock)),
			Holds:     stores.Holds(),
			Keys:      stores.Keys(),
			Moves:     stores.Moves(),
			Requests:  stores.Requests(),
			Audit:     stores.Audit(),
			Now:       clock,
		})
		must(err)
		return svc, book, stores, func() { must(book.Close()); must(db.Close()) }
	}

	// The first run. The clinic's staff publish a week of mornings and
	// its administrator sets up "Boka tid" with its terms.
	svc, book, stores, stop := start()
	must(book.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Exempel"}))
	must(book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}))
	_, err = book.PublishWeekly(ctx, staff.Template{
		Facility: clinic, From: tidbok.DateOf(now), To: tidbok.DateOf(now).AddDays(4),
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		DayStart: 8 * time.Hour, DayEnd: 12 * time.Hour, Length: 20 * time.Minute, TimeTypeID: "LAK",
	})
	must(err)
	admin := casetype.Admin{ID: tidbok.MustHSAID("SE2321000016-ADM1"), Clinics: []tidbok.HSAID{clinic}}
	cases := casetype.New(stores.CaseTypes(), casetype.WithClock(clock), casetype.WithAudit(stores.CaseTypeAudit()))
	register := terms.New(stores.Terms(), terms.WithClock(clock))
	_, err = register.Publish(ctx, terms.Admin(admin), clinic, "boka", terms.Terms{Conditions: "- Avboka senast ett dygn före besöket."})
	must(err)
	_, err = cases.Create(ctx, admin, casetype.CaseType{ID: "boka", Clinic: clinic, Kind: casetype.KindBook, Assurance: casetype.AssuranceEID,
		Name: "Boka tid hos läkare", TimeTypeIDs: []string{"LAK"},
		Rules: casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 14 * 24 * time.Hour, MaxFutureBookings: 2}})
	must(err)
	_, err = cases.Activate(ctx, admin, clinic, "boka", casetype.ActivationDeps{Book: book, Terms: register})
	must(err)

	// Anna accepts the terms and books Wednesday's first slot with a
	// request key the portal keeps for repeats.
	anna := tidbok.MustPersonalNumber("191212121212")
	sc := booking.Scope{Caller: booking.Caller{Person: anna, Assurance: casetype.AssuranceEID}, Subject: anna, Clinic: clinic, CaseType: "boka"}
	st, err := svc.Terms(ctx, sc)
	must(err)
	_, err = svc.AcceptTerms(ctx, booking.AcceptTermsRequest{Scope: sc, Version: st.Version.Number})
	must(err)
	wed := tidbok.Date{Year: 2026, Month: time.March, Day: 4}
	slots, err := svc.Slots(ctx, booking.SearchRequest{Scope: sc, From: wed, To: wed})
	must(err)
	req := booking.BookRequest{Scope: sc, Key: "anna-confirm-1", Slot: slots.Slots[0],
		Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"}}
	conf, err := svc.Book(ctx, req)
	must(err)
	fmt.Println("booked:", conf.Summary.Date, conf.Summary.Time)
	stop()

	// The portal restarts: a new process, a new service, the same file.
	svc, book, stores, stop = start()
	defer stop()
	st, err = svc.Terms(ctx, sc)
	must(err)
	fmt.Println("terms accepted:", st.Accepted)
	again, err := svc.Book(ctx, req) // the browser sends the confirmation again
	must(err)
	fmt.Println("repeat replayed:", again.Replayed, "same booking:", again.Booking.ID == conf.Booking.ID)
	inBook, err := book.Bookings(ctx, clinic)
	must(err)
	fmt.Println("bookings in the book:", len(inBook))
	events, err := stores.Audit().Events(ctx, sqlstore.AuditQuery{Subject: anna})
	must(err)
	for _, e := range events {
		fmt.Printf("audit: %s %s %q\n", e.Action, e.Outcome, e.Detail)
	}
	// Output:
	// booked: onsdag 4 mars 2026 08:00–08:20
	// terms accepted: true
	// repeat replayed: true same booking: true
	// bookings in the book: 1
	// audit: book done ""
	// audit: book done "replayed: stored outcome of the request key"
}
