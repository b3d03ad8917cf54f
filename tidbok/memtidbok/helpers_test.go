package memtidbok_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// The test clinic: two time types, a care type, two clinicians and a room,
// with the clock stopped on Tuesday 10 March 2026 at 09:00 Swedish time.
var (
	clinic     = tidbok.MustHSAID("SE2321000016-A1B2")
	annex      = tidbok.MustHSAID("SE2321000016-C3D4")
	drAnna     = tidbok.MustHSAID("SE2321000016-DR01")
	drBo       = tidbok.MustHSAID("SE2321000016-DR02")
	doctor     = tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}
	sample     = tidbok.TimeType{ID: "PROV", Name: "Provtagning"}
	checkup    = tidbok.CareType{ID: "VT1", Name: "Hälsokontroll"}
	room       = tidbok.Resource{ID: "RUM1", Name: "Rum 1"}
	tolvan     = tidbok.MustPersonalNumber("191212121212")
	bertil     = tidbok.MustPersonalNumber("199001010017")
	cecilia    = tidbok.MustPersonalNumber("199001010025")
	nurse      = tidbok.MustHSAID("SE2321000016-SSK1")
	contact    = tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson", Phone: "0701234567"}
	testNow    = time.Date(2026, time.March, 10, 9, 0, 0, 0, tidbok.Stockholm())
	testToday  = tidbok.DateOf(testNow)
	allWeek    = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	noContext  = context.Background()
	annaPerf   = tidbok.Performer{ID: drAnna, Title: "Dr", FirstName: "Anna", LastName: "Ek"}
	boPerf     = tidbok.Performer{ID: drBo, FirstName: "Bo", LastName: "Lind"}
	clinicInfo = tidbok.Facility{ID: clinic, Name: "Vårdcentralen Ekorren"}
)

// at returns hour:min Swedish time, days after the test's today.
func at(days, hour, min int) time.Time {
	d := testToday.AddDays(days)
	return time.Date(d.Year, d.Month, d.Day, hour, min, 0, 0, tidbok.Stockholm())
}

// newClinic returns a book with the test clinic registered, its clock at
// testNow (opts may change it).
func newClinic(t testing.TB, opts ...memtidbok.Option) *memtidbok.Book {
	t.Helper()
	b := memtidbok.New(append([]memtidbok.Option{memtidbok.WithClock(func() time.Time { return testNow })}, opts...)...)
	for _, err := range []error{
		b.AddFacility(t.Context(), clinicInfo),
		b.AddFacility(t.Context(), tidbok.Facility{ID: annex, Name: "Filialen"}),
		b.AddTimeType(t.Context(), clinic, doctor),
		b.AddTimeType(t.Context(), clinic, sample),
		b.AddTimeType(t.Context(), annex, doctor),
		b.AddCareType(t.Context(), clinic, checkup),
		b.AddPerformer(t.Context(), clinic, annaPerf),
		b.AddPerformer(t.Context(), clinic, boPerf),
		b.AddResource(t.Context(), clinic, room),
	} {
		if err != nil {
			t.Fatalf("seeding the test clinic: %v", err)
		}
	}
	return b
}

// publish publishes a 30-minute slot of doctor at start and returns its
// ID; adjust changes the spec first.
func publish(t testing.TB, b *memtidbok.Book, start time.Time, adjust ...func(*staff.SlotSpec)) string {
	t.Helper()
	s := staff.SlotSpec{Facility: clinic, Start: start, End: start.Add(30 * time.Minute), TimeTypeID: doctor.ID}
	for _, a := range adjust {
		a(&s)
	}
	id, err := b.Publish(t.Context(), s)
	if err != nil {
		t.Fatalf("Publish(%+v): %v", s, err)
	}
	return id
}

// freeSlot returns the free slot with id as AvailableTimeslots offers it.
func freeSlot(t testing.TB, b *memtidbok.Book, id string) tidbok.Timeslot {
	t.Helper()
	res, err := b.AvailableTimeslots(noContext, tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: testToday, To: testToday.AddDays(60)})
	if err != nil {
		t.Fatalf("AvailableTimeslots: %v", err)
	}
	for ts := range res.All() {
		if ts.ID == id {
			return ts
		}
	}
	t.Fatalf("slot %s is not offered", id)
	return tidbok.Timeslot{}
}

// bookRequest asks to book slot for subject.
func bookRequest(subject tidbok.PersonalNumber, slot tidbok.Timeslot) tidbok.BookRequest {
	slot.Subject = subject
	return tidbok.BookRequest{Timeslot: slot, Contact: contact}
}

// book books the free slot with id for subject and returns the booking ID.
func book(t testing.TB, b *memtidbok.Book, subject tidbok.PersonalNumber, id string) string {
	t.Helper()
	res, err := b.Book(noContext, bookRequest(subject, freeSlot(t, b, id)))
	if err != nil {
		t.Fatalf("Book of %s: %v", id, err)
	}
	return res.BookingID
}

// offeredIDs returns the IDs of the free slots from today to 60 days on.
func offeredIDs(t testing.TB, b *memtidbok.Book) []string {
	t.Helper()
	res, err := b.AvailableTimeslots(noContext, tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: testToday, To: testToday.AddDays(60)})
	if err != nil {
		t.Fatalf("AvailableTimeslots: %v", err)
	}
	var ids []string
	for ts := range res.All() {
		ids = append(ids, ts.ID)
	}
	return ids
}

// schedule returns the IDs in subject's schedule at the clinic.
func schedule(t testing.TB, b *memtidbok.Book, subject tidbok.PersonalNumber) []string {
	t.Helper()
	res, err := b.Schedule(noContext, tidbok.ScheduleRequest{Facility: clinic, Subject: subject})
	if err != nil {
		t.Fatalf("Schedule: %v", err)
	}
	var ids []string
	for _, ts := range res.Bookings {
		ids = append(ids, ts.ID)
	}
	return ids
}

// wantErr fails t unless err matches target.
func wantErr(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want one matching %v", err, target)
	}
}

func flags(c, r, m bool) *tidbok.Flags {
	return &tidbok.Flags{MayCancel: c, MayReschedule: r, MayMessage: m}
}

// dayOf returns the facility's day as staff see it, failing t on an
// error.
func dayOf(t testing.TB, b *memtidbok.Book, facility tidbok.HSAID, d tidbok.Date) []staff.DaySlot {
	t.Helper()
	day, err := b.Day(context.Background(), facility, d)
	if err != nil {
		t.Fatalf("Day: %v", err)
	}
	return day
}

// bookingsAt returns the facility's bookings as staff see them, failing
// t on an error.
func bookingsAt(t testing.TB, b *memtidbok.Book, facility tidbok.HSAID) []staff.Booking {
	t.Helper()
	bs, err := b.Bookings(context.Background(), facility)
	if err != nil {
		t.Fatalf("Bookings: %v", err)
	}
	return bs
}
