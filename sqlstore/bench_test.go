package sqlstore_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// benchClients is how many citizens book at once in
// BenchmarkServiceBookParallel, as in sqltidbok's BenchmarkBookParallel.
const benchClients = 16

// BenchmarkServiceBookParallel measures what a booking costs through the
// whole flow, as the portal makes it: a hold, then a booking with a
// request key, through booking.Service on the SQL book, 16 citizens at
// once, each with a slot of their own. With the SQL stores every booking
// also writes the hold, the request key (claimed, its intent recorded,
// its outcome stored) and audit events; the in-memory stores, in the same
// run, show the book's share. It reports bookings/s.
func BenchmarkServiceBookParallel(b *testing.B) {
	for _, be := range backends() {
		for _, stores := range []string{"sql-stores", "memory-stores"} {
			b.Run(be.Name+"/"+stores, func(b *testing.B) {
				benchServiceBook(b, be, stores == "sql-stores")
			})
		}
	}
}

func benchServiceBook(b *testing.B, be backend, sqlStores bool) {
	ctx := context.Background()
	now := t0
	clock := func() time.Time { return now }
	db := be.Open(b, be.DSN(b))
	book, err := sqltidbok.Open(ctx, db, be.Dialect, sqltidbok.WithClock(clock))
	must(b, err)
	b.Cleanup(func() { _ = book.Close() })
	stores := openStores(b, be, db)

	// A clinic with a doctor's day of 30-minute slots, 8 to 16 every day,
	// for as many days as the run needs.
	must(b, book.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Bänkmottagningen"}))
	must(b, book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}))
	from := tidbok.DateOf(now).AddDays(1)
	days := b.N/16 + 1
	_, err = book.PublishWeekly(ctx, staff.Template{
		Facility: clinic, From: from, To: from.AddDays(days),
		Weekdays: []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday},
		DayStart: 8 * time.Hour, DayEnd: 16 * time.Hour, Length: 30 * time.Minute, TimeTypeID: "LAK",
	})
	must(b, err)
	free, err := book.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: clinic, Subject: citizen(999_999), From: from, To: from.AddDays(days)})
	must(b, err)
	if free.Len() < b.N {
		b.Fatalf("published %d slots, want %d", free.Len(), b.N)
	}

	cfg := booking.Config{Book: book, Now: clock,
		Audit: booking.AuditFunc(func(context.Context, booking.Event) error { return nil })}
	caseStore, termStore := casetype.Store(casetype.NewMemStore()), terms.Store(terms.NewMemStore())
	if sqlStores {
		caseStore, termStore = stores.CaseTypes(), stores.Terms()
		cfg.Holds, cfg.Keys, cfg.Moves, cfg.Requests, cfg.Audit = stores.Holds(), stores.Keys(), stores.Moves(), stores.Requests(), stores.Audit()
	}
	admin := casetype.Admin{ID: staffA, Clinics: []tidbok.HSAID{clinic}}
	cfg.CaseTypes = casetype.New(caseStore, casetype.WithClock(clock),
		casetype.WithAudit(casetype.AuditFunc(func(context.Context, casetype.Event) error { return nil })))
	cfg.Terms = terms.New(termStore, terms.WithClock(clock))
	v, err := cfg.Terms.Publish(ctx, terms.Admin(admin), clinic, "boka", terms.Terms{Conditions: "- Avboka senast dagen före."})
	must(b, err)
	_, err = cfg.CaseTypes.Create(ctx, admin, casetype.CaseType{ID: "boka", Clinic: clinic, Kind: casetype.KindBook, Assurance: casetype.AssuranceEID,
		Name: "Boka tid", TimeTypeIDs: []string{"LAK"}})
	must(b, err)
	_, err = cfg.CaseTypes.Activate(ctx, admin, clinic, "boka", casetype.ActivationDeps{Book: book, Terms: cfg.Terms})
	must(b, err)
	svc, err := booking.New(cfg)
	must(b, err)

	scopes := make([]booking.Scope, b.N)
	for i := range scopes {
		p := citizen(i)
		scopes[i] = booking.Scope{Caller: booking.Caller{Person: p, Assurance: casetype.AssuranceEID}, Subject: p, Clinic: clinic, CaseType: "boka"}
		_, err := svc.AcceptTerms(ctx, booking.AcceptTermsRequest{Scope: scopes[i], Version: v.Number})
		must(b, err)
	}

	var next, failed atomic.Int64
	b.SetParallelism((benchClients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1)) - 1
			sc := scopes[i]
			hold, err := svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: free.At(i)})
			if err == nil {
				_, err = svc.Book(ctx, booking.BookRequest{Scope: sc, Key: fmt.Sprintf("key-%d", i), Hold: hold.Token,
					Contact: tidbok.ContactInfo{FirstName: "Test", LastName: "Testsson"}})
			}
			if err != nil {
				failed.Add(1)
				b.Error(err)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "bookings/s")
	if failed.Load() > 0 {
		b.Fatalf("%d of %d bookings failed", failed.Load(), b.N)
	}
}
