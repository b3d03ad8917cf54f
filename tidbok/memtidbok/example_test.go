package memtidbok_test

import (
	"context"
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// A test author seeds a clinic the way its staff would, lets the code
// under test book through the tidbok.Tidbok interface, and inspects what
// the clinic sees.
func Example() {
	ctx := context.Background()
	clinic := tidbok.MustHSAID("SE2321000016-A1B2")
	now := time.Date(2026, time.March, 9, 8, 0, 0, 0, tidbok.Stockholm()) // a Monday
	b := memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))

	// The staff side: the clinic, a time type and a week of slots.
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

	// The citizen side, as the code under test uses it.
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

	// What the clinic sees in its journal system.
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

// A flag policy stands in for the clinic's rules, here: no cancelling
// within 24 hours of the visit.
func ExampleWithFlagPolicy() {
	ctx := context.Background()
	clinic := tidbok.MustHSAID("SE2321000016-A1B2")
	now := time.Date(2026, time.March, 9, 8, 0, 0, 0, tidbok.Stockholm())
	b := memtidbok.New(
		memtidbok.WithClock(func() time.Time { return now }),
		memtidbok.WithFlagPolicy(func(bk tidbok.Timeslot, now time.Time) tidbok.Flags {
			return tidbok.Flags{MayCancel: bk.Start.Sub(now) >= 24*time.Hour, MayReschedule: true}
		}),
	)
	check(b.AddFacility(ctx, tidbok.Facility{ID: clinic}))
	check(b.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}))
	citizen := tidbok.MustPersonalNumber("191212121212")
	for _, hours := range []time.Duration{3, 48} {
		start := now.Add(hours * time.Hour)
		_, err := b.Invite(ctx, staff.InvitationSpec{
			Facility: clinic, Subject: citizen, Start: start, End: start.Add(30 * time.Minute),
			TimeTypeID: "LAK", Purpose: "Välkommen på kontroll.",
		})
		check(err)
	}
	sched, err := b.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: citizen})
	check(err)
	for _, bk := range sched.Bookings {
		fmt.Println(bk.Start.Format("2 Jan 15:04"), "may cancel:", bk.Flags.MayCancel)
	}
	// Output:
	// 9 Mar 11:00 may cancel: false
	// 11 Mar 08:00 may cancel: true
}

// check stops an example on an error it does not expect.
func check(err error) {
	if err != nil {
		panic(err)
	}
}
