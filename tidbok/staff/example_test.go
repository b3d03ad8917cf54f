package staff_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// openMornings sets up a clinic's book through its staff side: the
// clinic, a time type, and slots every weekday morning of a week. It works
// with any book that has a staff side.
func openMornings(ctx context.Context, b staff.Book, clinic tidbok.HSAID, monday tidbok.Date) (int, error) {
	if err := b.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Ekorren"}); err != nil {
		return 0, err
	}
	if err := b.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}); err != nil {
		return 0, err
	}
	return b.PublishWeekly(ctx, staff.Template{
		Facility: clinic, From: monday, To: monday.AddDays(4),
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		DayStart: 8 * time.Hour, DayEnd: 9 * time.Hour, Length: 30 * time.Minute,
		TimeTypeID: "LAK",
	})
}

// A clinic's staff publish a week of slots, keep one for staff only,
// invite a citizen, and read the day's book. The same code runs on the
// SQL book (tidbok/sqltidbok).
func Example() {
	ctx := context.Background()
	clinic := tidbok.MustHSAID("SE2321000016-A1B2")
	now := time.Date(2026, time.March, 6, 12, 0, 0, 0, tidbok.Stockholm())
	var b staff.Book = memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))

	monday := tidbok.Date{Year: 2026, Month: time.March, Day: 9}
	n, err := openMornings(ctx, b, clinic, monday)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("published", n, "slots")

	day, err := b.Day(ctx, clinic, monday)
	if err != nil {
		log.Fatal(err)
	}
	if err := b.SetWebBookable(ctx, clinic, day[1].ID, false); err != nil {
		log.Fatal(err)
	}
	start := time.Date(2026, time.March, 9, 10, 0, 0, 0, tidbok.Stockholm())
	if _, err := b.Invite(ctx, staff.InvitationSpec{
		Facility: clinic, Subject: tidbok.MustPersonalNumber("191212121212"),
		Start: start, End: start.Add(30 * time.Minute),
		TimeTypeID: "LAK", Purpose: "Kallelse till hälsokontroll",
	}); err != nil {
		log.Fatal(err)
	}

	day, err = b.Day(ctx, clinic, monday)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range day {
		what := "free"
		if s.Booked {
			what = "booked: " + s.Purpose
		}
		fmt.Printf("%s web-bookable=%t %s\n", s.Start.Format("15:04"), s.WebBookable, what)
	}
	// Output:
	// published 10 slots
	// 08:00 web-bookable=true free
	// 08:30 web-bookable=false free
	// 10:00 web-bookable=false booked: Kallelse till hälsokontroll
}
