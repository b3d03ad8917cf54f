package booking_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// benchEnv is a clinic with years of free slots and a thousand citizens
// who accepted the terms.
type benchEnv struct {
	svc      *booking.Service
	slots    []tidbok.Timeslot
	citizens []booking.Scope
	manage   []booking.Scope
}

// newBenchEnv publishes 16 Läkarbesök slots a day, every day for years
// years, and returns the service over memtidbok with in-memory stores and
// an audit sink that keeps nothing.
func newBenchEnv(b *testing.B, years int, opts ...func(*booking.Config)) *benchEnv {
	b.Helper()
	ctx := context.Background()
	now := t0
	clock := func() time.Time { return now }
	mem := memtidbok.New(memtidbok.WithClock(clock))
	must(b, mem.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Testmottagningen"}))
	must(b, mem.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}))
	must(b, mem.AddPerformer(ctx, clinic, tidbok.Performer{ID: doctor, Title: "Dr", FirstName: "Eva", LastName: "Ek"}))
	from := tidbok.DateOf(now).AddDays(1)
	to := from.AddDays(365*years - 1)
	if _, err := mem.PublishWeekly(ctx, staff.Template{
		Facility: clinic, From: from, To: to,
		Weekdays: []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday},
		DayStart: 8 * time.Hour, DayEnd: 16 * time.Hour, Length: 30 * time.Minute, TimeTypeID: "LAK", Performer: doctor,
	}); err != nil {
		b.Fatal(err)
	}
	cases := casetype.New(casetype.NewMemStore(), casetype.WithClock(clock),
		casetype.WithAudit(casetype.AuditFunc(func(context.Context, casetype.Event) error { return nil })))
	reg := terms.New(terms.NewMemStore(), terms.WithClock(clock))
	for _, ct := range []casetype.CaseType{
		{ID: ctBook, Kind: casetype.KindBook, Assurance: casetype.AssuranceEID, Name: "Boka tid", TimeTypeIDs: []string{"LAK"},
			Message: casetype.MessageSettings{Allowed: true, MaxLen: 150}, Rules: casetype.Rules{MinNotice: time.Hour}},
		{ID: ctManage, Kind: casetype.KindManage, Assurance: casetype.AssuranceEID, Name: "Mina tidsbokningar",
			Rules: casetype.Rules{AllowCancel: true, AllowReschedule: true, ChangeDeadline: 24 * time.Hour, MaxReschedules: 2}},
	} {
		ct.Clinic = clinic
		if _, err := reg.Publish(ctx, terms.Admin(admin), clinic, ct.ID, terms.Terms{Conditions: "- Villkor."}); err != nil {
			b.Fatal(err)
		}
		if _, err := cases.Create(ctx, admin, ct); err != nil {
			b.Fatal(err)
		}
		if _, err := cases.Activate(ctx, admin, clinic, ct.ID, casetype.ActivationDeps{Book: mem, Terms: reg}); err != nil {
			b.Fatal(err)
		}
	}
	cfg := booking.Config{Book: mem, CaseTypes: cases, Terms: reg, Now: clock,
		Audit: booking.AuditFunc(func(context.Context, booking.Event) error { return nil })}
	for _, o := range opts {
		o(&cfg)
	}
	svc, err := booking.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	res, err := mem.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: clinic, Subject: anna, From: from, To: to})
	if err != nil {
		b.Fatal(err)
	}
	env := &benchEnv{svc: svc, slots: res.Slice()}
	for i := range 1000 {
		p := citizen("19700101", i)
		for _, id := range []string{ctBook, ctManage} {
			v, err := reg.Current(ctx, clinic, id)
			if err == nil {
				_, err = reg.Accept(ctx, p, v)
			}
			must(b, err)
		}
		env.citizens = append(env.citizens, scope(p, ctBook))
		env.manage = append(env.manage, scope(p, ctManage))
	}
	return env
}

// BenchmarkBook is the full path of one booking over memtidbok: scope,
// case type, terms, the slot resolved against the book, the request key,
// a hold for the call, the book's write, the confirmation with summary
// and iCalendar, audit.
func BenchmarkBook(b *testing.B) {
	ctx := context.Background()
	var env *benchEnv
	next := 0
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if env == nil || next == len(env.slots) {
			b.StopTimer()
			env, next = newBenchEnv(b, 10), 0
			b.StartTimer()
		}
		_, err := env.svc.Book(ctx, booking.BookRequest{
			Scope:   env.citizens[i%len(env.citizens)],
			Key:     "k" + strconv.Itoa(i),
			Slot:    env.slots[next],
			Contact: contact,
		})
		if err != nil {
			b.Fatal(err)
		}
		next++
	}
}

// BenchmarkMyBookings reads a citizen's bookings (three each) with what
// each allows: the view most citizens look at most.
func BenchmarkMyBookings(b *testing.B) {
	ctx := context.Background()
	env := newBenchEnv(b, 1)
	for i := range 3 * len(env.citizens) {
		if _, err := env.svc.Book(ctx, booking.BookRequest{Scope: env.citizens[i%len(env.citizens)], Key: "k" + strconv.Itoa(i),
			Slot: env.slots[i], Contact: contact}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mine, err := env.svc.MyBookings(ctx, env.manage[i%len(env.manage)])
		if err != nil || len(mine) != 3 {
			b.Fatalf("MyBookings = %d bookings, %v", len(mine), err)
		}
	}
}
