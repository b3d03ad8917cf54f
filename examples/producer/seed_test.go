package main

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
)

func TestSeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	facility := tidbok.MustHSAID("SE2321000016-A65H")
	// Wednesday 11 March 2026, 12:30: the morning's läkarbesök have started.
	now := time.Date(2026, time.March, 11, 12, 30, 0, 0, tidbok.Stockholm())
	book := memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))
	n, err := seed(book, facility, now)
	if err != nil {
		t.Fatal(err)
	}
	// 14 days from a Wednesday hold 10 weekdays, each with 12 läkarbesök
	// and 12 provtagning slots.
	if n != 10*(12+12) {
		t.Errorf("published %d slots, want 240", n)
	}
	citizen := tidbok.MustPersonalNumber("191212121212")
	today := tidbok.DateOf(now)

	types, err := book.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: facility, Subject: citizen})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]tidbok.TimeType{lakarbesok, provtagn}, types.TimeTypes); diff != "" {
		t.Errorf("time types (-want +got):\n%s", diff)
	}
	perfs, err := book.Performers(ctx, tidbok.PerformersRequest{Facility: facility, Subject: citizen})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]tidbok.Performer{demoDoctor, demoNurse}, perfs.Performers); diff != "" {
		t.Errorf("performers (-want +got):\n%s", diff)
	}

	dates, err := book.AvailableDates(ctx, tidbok.AvailabilityRequest{Facility: facility, Subject: citizen, From: today.AddDays(-7), To: today.AddDays(30)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range dates.Dates {
		got = append(got, d.Date.String())
	}
	want := []string{"2026-03-11", "2026-03-12", "2026-03-13", "2026-03-16", "2026-03-17",
		"2026-03-18", "2026-03-19", "2026-03-20", "2026-03-23", "2026-03-24"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dates with free slots (-want +got):\n%s", diff)
	}

	// Today only the afternoon's provtagning is left, and it comes with a
	// notice.
	slots, err := book.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: facility, Subject: citizen, From: today, To: today})
	if err != nil {
		t.Fatal(err)
	}
	if len(slots.Timeslots) != 12 || slots.Timeslots[0].TimeType != provtagn || slots.Timeslots[0].Start.Hour() != 13 {
		t.Fatalf("today's free slots: %d, first %+v", len(slots.Timeslots), slots.Timeslots[0])
	}
	slot := slots.Timeslots[0]
	slot.Subject = citizen
	res, err := book.Book(ctx, tidbok.BookRequest{Timeslot: slot, Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Notice != "Kom fastande." {
		t.Errorf("Notice = %q", res.Notice)
	}
}

func TestSeedRefusesATakenFacility(t *testing.T) {
	t.Parallel()
	facility := tidbok.MustHSAID("SE2321000016-A65H")
	book := memtidbok.New()
	if err := book.AddFacility(tidbok.Facility{ID: facility, Name: "Annan mottagning"}); err != nil {
		t.Fatal(err)
	}
	if _, err := seed(book, facility, time.Now()); err == nil {
		t.Error("seed succeeded over a facility with another name")
	}
}
