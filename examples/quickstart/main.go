// Command quickstart books, reschedules and cancels an appointment on the
// in-memory appointment book and prints what happens at each step, as a
// citizen and as the clinic's staff see it.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

func main() {
	if err := run(context.Background(), os.Stdout, time.Now()); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run plays the whole story on a book whose clock stands still at now.
func run(ctx context.Context, w io.Writer, now time.Time) error {
	clinic := tidbok.MustHSAID("SE2321000016-VC01")
	doctor := tidbok.MustHSAID("SE2321000016-DR01")
	book := memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))

	// The clinic's staff set up the book, as they would in their journal system.
	today := tidbok.DateOf(now)
	var problems []error
	problems = append(problems,
		book.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Exempel"}),
		book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}),
		book.AddPerformer(ctx, clinic, tidbok.Performer{ID: doctor, Title: "Dr", FirstName: "Eva", LastName: "Ek"}),
	)
	if err := errors.Join(problems...); err != nil {
		return err
	}
	n, err := book.PublishWeekly(ctx, staff.Template{
		Facility:   clinic,
		From:       today.AddDays(1),
		To:         today.AddDays(14),
		Weekdays:   []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		DayStart:   8 * time.Hour,
		DayEnd:     12 * time.Hour,
		Length:     20 * time.Minute,
		TimeTypeID: "LAK",
		Performer:  doctor,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Staff published %d web-bookable slots for the coming two weeks.\n", n)

	// A citizen looks for a time and books the first free one.
	anna := tidbok.MustPersonalNumber("191212121212")
	search := tidbok.AvailabilityRequest{
		Facility: clinic, Subject: anna,
		From: today, To: today.AddDays(14),
		TimeType: tidbok.TimeType{ID: "LAK"},
	}
	free, err := book.AvailableTimeslots(ctx, search)
	if err != nil {
		return err
	}
	if free.Len() < 2 {
		return fmt.Errorf("expected free slots, found %d", free.Len())
	}
	first, second := free.At(0), free.At(free.Len()/2)
	fmt.Fprintf(w, "Anna (%v) finds %d free times; the first is %s with %s.\n",
		anna, free.Len(), when(first.Start), first.PerformerName)

	slot := first
	slot.Subject = anna
	slot.Reason = "Ont i halsen"
	booked, err := book.Book(ctx, tidbok.BookRequest{
		Timeslot: slot,
		Contact:  tidbok.ContactInfo{FirstName: "Anna", LastName: "Andersson", Phone: "0701234567"},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Anna books it: booking %s.\n", booked.BookingID)
	if err := showStaff(w, book, clinic); err != nil {
		return err
	}

	// Someone else tries the same slot a moment later.
	bertil := tidbok.MustPersonalNumber("198112189876")
	slot.Subject = bertil
	_, err = book.Book(ctx, tidbok.BookRequest{Timeslot: slot, Contact: tidbok.ContactInfo{FirstName: "Bertil", LastName: "Berg"}})
	if errors.Is(err, tidbok.ErrSlotTaken) {
		text, _ := tidbok.CitizenText(err)
		fmt.Fprintf(w, "Bertil tries the same time and is told: %q\n", text)
	} else {
		return fmt.Errorf("Bertil's booking of a taken slot: got %v, want ErrSlotTaken", err)
	}

	// Anna moves her booking to a later time.
	to := second
	to.Subject = anna
	if _, err := book.Reschedule(ctx, tidbok.RescheduleRequest{BookingID: booked.BookingID, Timeslot: to}); err != nil {
		return err
	}
	sched, err := book.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: anna})
	if err != nil {
		return err
	}
	for _, b := range sched.Bookings {
		fmt.Fprintf(w, "Anna moves it; her schedule now shows %s (may cancel: %v, may reschedule: %v).\n",
			when(b.Start), b.Flags.MayCancel, b.Flags.MayReschedule)
	}

	// And finally cancels it; the time is free again at once.
	if _, err := book.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: booked.BookingID, Message: "Jag är frisk igen"}); err != nil {
		return err
	}
	after, err := book.AvailableTimeslots(ctx, search)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Anna cancels; %d times are free again.\n", after.Len())
	return showStaff(w, book, clinic)
}

func showStaff(w io.Writer, book *memtidbok.Book, clinic tidbok.HSAID) error {
	bookings, err := book.Bookings(context.Background(), clinic)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "The clinic's book shows %d booking(s)", len(bookings))
	for _, b := range bookings {
		fmt.Fprintf(w, "; %s: %s %s, reason %q", when(b.Start), b.Contact.FirstName, b.Contact.LastName, b.Reason)
	}
	fmt.Fprintln(w, ".")
	return nil
}

func when(t time.Time) string {
	return t.In(tidbok.Stockholm()).Format("Mon 2 Jan 15:04")
}
