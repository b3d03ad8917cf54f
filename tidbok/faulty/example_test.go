package faulty_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// A test author makes a booking's answer get lost, as after a timeout on
// the wire, and checks what the code under test should then do: read the
// schedule rather than book again.
func ExampleWrap() {
	ctx := context.Background()
	clinic := tidbok.MustHSAID("SE2321000016-EX02")
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm())
	mem := memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))
	visit := tidbok.TimeType{ID: "LB", Name: "Läkarbesök"}
	start := now.AddDate(0, 0, 1).Add(time.Hour)
	must(mem.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Exempelmottagningen"}))
	must(mem.AddTimeType(ctx, clinic, visit))
	slotID, err := mem.Publish(ctx, staff.SlotSpec{Facility: clinic, Start: start, End: start.Add(30 * time.Minute), TimeTypeID: visit.ID})
	must(err)

	book := faulty.Wrap(mem)
	book.Set(tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1})

	citizen := tidbok.MustPersonalNumber("191212121212")
	_, err = book.Book(ctx, tidbok.BookRequest{
		Timeslot: tidbok.Timeslot{ID: slotID, Start: start, End: start.Add(30 * time.Minute), Facility: clinic, TimeType: visit, Subject: citizen},
		Contact:  tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"},
	})
	fmt.Println("outcome unknown:", errors.Is(err, tidbok.ErrOutcomeUnknown))

	res, err := book.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: citizen})
	must(err)
	for _, b := range res.Bookings {
		fmt.Println("booked after all:", b.Start.Format("2006-01-02 15:04"))
	}
	// Output:
	// outcome unknown: true
	// booked after all: 2026-03-03 10:00
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
