package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// TestWireAccessIsInTheCitizensLogExtract serves the portal's SQLite file
// under -data, books and reads a citizen's bookings over the wire, and
// finds both in the access log the portal shows the citizen, with the
// contract named and nothing recorded about another citizen.
func TestWireAccessIsInTheCitizensLogExtract(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	addr, _, stop := launch(t, "-addr", "127.0.0.1:0", "-facility", facility, "-data", dir)
	clinic := tidbok.MustHSAID(facility)
	citizen := tidbok.MustPersonalNumber("191212121212")
	today := tidbok.DateOf(time.Now())
	c := wireClient(t, addr)
	free, err := c.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: clinic, Subject: citizen, From: today, To: today.AddDays(demoDays - 1)})
	if err != nil || free.Len() == 0 {
		t.Fatalf("free slots: %v, %d", err, free.Len())
	}
	slot := free.At(free.Len() - 1)
	slot.Subject = citizen
	booked, err := c.Book(ctx, tidbok.BookRequest{Timeslot: slot, Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: citizen}); err != nil {
		t.Fatal(err)
	}
	stop()

	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(filepath.Join(dir, bookFile)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	stores, err := sqlstore.Open(ctx, db, sqlstore.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	events, err := stores.Audit().Events(ctx, sqlstore.AuditQuery{Subject: citizen})
	if err != nil {
		t.Fatal(err)
	}
	got := map[booking.Action]booking.Event{}
	for _, e := range events {
		got[e.Action] = e
	}
	book, ok := got[booking.ActionBook]
	switch {
	case !ok:
		t.Fatalf("no booking in the citizen's log extract: %+v", events)
	case book.BookingID != booked.BookingID || book.Outcome != booking.OutcomeDone || book.Caller.Person != citizen || book.Clinic != clinic:
		t.Errorf("the booking's event is %+v, want booking %s done by the citizen at %s", book, booked.BookingID, clinic)
	case !strings.HasPrefix(book.Session, "crm:scheduling") || !strings.Contains(book.Detail, "MakeBooking"):
		t.Errorf("the booking's event says session %q, detail %q: want the wire and the contract named", book.Session, book.Detail)
	}
	if e, ok := got[booking.ActionMyBookings]; !ok || e.Outcome != booking.OutcomeDone {
		t.Errorf("the schedule read is not in the extract as done: %+v", events)
	}
	other, err := stores.Audit().Events(ctx, sqlstore.AuditQuery{Subject: tidbok.MustPersonalNumber("199001012385")})
	if err != nil || len(other) != 0 {
		t.Errorf("another citizen's extract: %v, %+v; want it empty", err, other)
	}
}
