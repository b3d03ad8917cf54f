package fhirclient_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir/fhirclient"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// A portal books a time in a book it reaches over FHIR: the client is a
// tidbok.Tidbok like any other. (The book here is memtidbok behind the
// façade; in production BaseURL is the clinic's FHIR server and
// TLSConfig carries the portal's function certificate.)
func Example() {
	ctx := context.Background()
	clinic := tidbok.MustHSAID("SE2321000016-A1B2")
	now := time.Date(2026, time.March, 9, 8, 0, 0, 0, tidbok.Stockholm()) // a Monday
	book := memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))
	_ = book.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Ekorren"})
	_ = book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"})
	_, _ = book.PublishWeekly(ctx, staff.Template{
		Facility: clinic, From: tidbok.DateOf(now), To: tidbok.DateOf(now).AddDays(4),
		Weekdays: []time.Weekday{time.Tuesday}, DayStart: 9 * time.Hour, DayEnd: 10 * time.Hour,
		Length: 30 * time.Minute, TimeTypeID: "LAK",
	})
	h, _ := fhir.New(book, fhir.Config{Facilities: []tidbok.HSAID{clinic}, AnyConsumer: true, Clock: func() time.Time { return now }})
	srv := httptest.NewServer(h)
	defer srv.Close()

	c, err := fhirclient.New(ctx, fhirclient.Config{BaseURL: srv.URL, RateLimit: rate.Inf})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("capabilities:", c.Capabilities())

	citizen := tidbok.MustPersonalNumber("191212121212")
	tuesday := tidbok.DateOf(now).AddDays(1)
	free, err := c.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: clinic, Subject: citizen, From: tuesday, To: tuesday})
	if err != nil {
		fmt.Println(err)
		return
	}
	for ts := range free.All() {
		fmt.Println("free:", ts.Start.Format("Mon 15:04"), ts.TimeType.Name)
	}
	slot := free.At(0)
	slot.Subject = citizen
	res, err := c.Book(ctx, tidbok.BookRequest{Timeslot: slot, Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	mine, _ := c.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: citizen})
	fmt.Println("booked:", mine.Bookings[0].ID == res.BookingID, mine.Bookings[0].Start.Format("Mon 15:04"), mine.Bookings[0].FacilityName)

	_, err = c.Book(ctx, tidbok.BookRequest{Timeslot: slot, Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"}})
	text, _ := tidbok.CitizenText(err)
	fmt.Println("again:", tidbok.KindOf(err), "—", text)
	// Output:
	// capabilities: {Schedule, BookingDetails, TimeTypes, Performers, AvailableDates, AvailableTimeslots, Book, Reschedule, Cancel}
	// free: Tue 09:00 Läkarbesök
	// free: Tue 09:30 Läkarbesök
	// booked: true Tue 09:00 Vårdcentralen Ekorren
	// again: slot-taken — Tiden har ändrats eller finns inte längre. Välj en tid på nytt.
}
