package booking_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// invitationBooks are the books the invitation tests run over: the
// memory book, directly and through the wire, and the standalone SQL
// book on each database. Each returns the book the flow uses and the
// staff side that issues the invitations.
var invitationBooks = []struct {
	name string
	wrap func(t testing.TB, f *fixture) (tidbok.Tidbok, staff.Book)
}{
	{"memtidbok", func(_ testing.TB, f *fixture) (tidbok.Tidbok, staff.Book) { return f.faults, f.mem }},
	{"mvkclient→producer→memtidbok", func(t testing.TB, f *fixture) (tidbok.Tidbok, staff.Book) { return overTheWire(t, f), f.mem }},
	{"sqltidbok on SQLite", sqlBook(dbtest.SQLite)},
	{"sqltidbok on PostgreSQL", sqlBook(dbtest.Postgres)},
}

// sqlBook opens the standalone book on a fresh database of be and seeds
// it as newFixture seeds the memory book.
func sqlBook(be dbtest.Backend) func(testing.TB, *fixture) (tidbok.Tidbok, staff.Book) {
	return func(t testing.TB, f *fixture) (tidbok.Tidbok, staff.Book) {
		t.Helper()
		ctx := context.Background()
		db := be.Open(t, be.DSN(t))
		b, err := sqltidbok.Open(ctx, db, be.Dialect, sqltidbok.WithClock(f.clock.Now))
		if err != nil {
			t.Fatalf("sqltidbok.Open: %v", err)
		}
		t.Cleanup(func() { _ = b.Close() })
		must(t, b.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: testbook.FacilityName}))
		for _, tt := range []tidbok.TimeType{{ID: "LAK", Name: "Läkarbesök"}, {ID: "PROV", Name: "Provtagning"}, {ID: "BVC", Name: "Barnvaccination"}} {
			must(t, b.AddTimeType(ctx, clinic, tt))
		}
		must(t, b.AddPerformer(ctx, clinic, tidbok.Performer{ID: doctor, Title: "Dr", FirstName: "Eva", LastName: "Ek"}))
		weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
		from, to := tidbok.Date{Year: 2026, Month: time.January, Day: 12}, tidbok.Date{Year: 2026, Month: time.January, Day: 23}
		for _, tmpl := range []staff.Template{
			{Facility: clinic, From: from, To: to, Weekdays: weekdays, DayStart: 8 * time.Hour, DayEnd: 12 * time.Hour,
				Length: 30 * time.Minute, TimeTypeID: "LAK", Performer: doctor},
			{Facility: clinic, From: from, To: to, Weekdays: weekdays, DayStart: 13 * time.Hour, DayEnd: 15 * time.Hour,
				Length: 15 * time.Minute, TimeTypeID: "PROV"},
		} {
			if _, err := b.PublishWeekly(ctx, tmpl); err != nil {
				t.Fatalf("publishing slots: %v", err)
			}
		}
		return b, b
	}
}

// forEachInvitationBook runs test once per entry of invitationBooks.
func forEachInvitationBook(t *testing.T, test func(t *testing.T, f *fixture, staffBook staff.Book)) {
	t.Helper()
	for _, ib := range invitationBooks {
		t.Run("over "+ib.name, func(t *testing.T) {
			t.Parallel()
			var sb staff.Book
			f := newFixture(t, func(t testing.TB, f *fixture) tidbok.Tidbok {
				var b tidbok.Tidbok
				b, sb = ib.wrap(t, f)
				return b
			})
			test(t, f, sb)
		})
	}
}

func TestOpenInvitationIsBookedOnceAtAFreeSlotOfItsTimeType(t *testing.T) {
	forEachInvitationBook(t, func(t *testing.T, f *fixture, sb staff.Book) {
		ctx := context.Background()
		f.accept(anna, ctBook, ctManage)
		inv, err := sb.Invite(ctx, memInvitation(anna, time.Time{}))
		must(t, err)
		sc := scope(anna, ctManage)

		got, err := f.svc.Details(ctx, booking.DetailsRequest{Scope: sc, BookingID: inv})
		must(t, err)
		if !got.IsOpenInvitation() || got.Purpose != "Kallelse till hälsokontroll" || got.Allows.Reschedule {
			t.Fatalf("Details of the open invitation = %+v, want open, with its purpose, not to be moved", got)
		}

		// Wednesday has Läkarbesök in the morning and Provtagning in the
		// afternoon: only the former is offered.
		wed := tidbok.Date{Year: 2026, Month: time.January, Day: 14}
		res, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: sc, Invitation: inv, From: wed, To: wed})
		must(t, err)
		if len(res.Slots) == 0 {
			t.Fatal("Slots for the open invitation: none on a day with free Läkarbesök")
		}
		for _, s := range res.Slots {
			if s.TimeType.ID != "LAK" {
				t.Fatalf("Slots for an open invitation of LAK offered %s at %s", s.TimeType.ID, s.Start)
			}
		}
		_, err = f.svc.Slots(ctx, booking.SearchRequest{Scope: sc, Invitation: inv, TimeType: "PROV", From: wed, To: wed})
		if !errors.Is(err, booking.ErrTimeTypeNotOffered) {
			t.Errorf("Slots for an open invitation of LAK asking for PROV: %v, want ErrTimeTypeNotOffered", err)
		}

		// A Provtagning slot is refused, whatever the case type lists.
		prov := f.slotAt(scope(anna, ctBook), at(time.January, 14, 13, 0))
		_, err = f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "inv-prov", Invitation: inv, Slot: prov, Contact: contact})
		if !errors.Is(err, booking.ErrTimeTypeNotOffered) {
			t.Errorf("Book of the invitation at a PROV slot: %v, want ErrTimeTypeNotOffered", err)
		}
		// Another citizen cannot book it.
		f.accept(bo, ctManage)
		_, err = f.svc.Book(ctx, booking.BookRequest{Scope: scope(bo, ctManage), Key: "inv-bo", Invitation: inv, Slot: res.Slots[0], Contact: contact})
		if !errors.Is(err, tidbok.ErrNotFound) {
			t.Errorf("Book of another citizen's invitation: %v, want ErrNotFound", err)
		}

		// Held for the invitation, the slot is booked with the hold; a PROV
		// slot cannot be held for it.
		if _, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Invitation: inv, Slot: prov}); !errors.Is(err, booking.ErrTimeTypeNotOffered) {
			t.Errorf("Hold of a PROV slot for the invitation: %v, want ErrTimeTypeNotOffered", err)
		}
		h, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Invitation: inv, Slot: res.Slots[0]})
		must(t, err)
		if _, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: scope(bo, ctBook), Slot: res.Slots[0]}); !errors.Is(err, booking.ErrHeld) {
			t.Errorf("another citizen holding the slot held for the invitation: %v, want ErrHeld", err)
		}
		first := booking.BookRequest{Scope: sc, Key: "inv-1", Invitation: inv, Hold: h.Token, Contact: contact}
		conf, err := f.svc.Book(ctx, first)
		must(t, err)
		if !conf.Booking.Start.Equal(res.Slots[0].Start) || conf.Booking.Purpose == "" {
			t.Errorf("Book of the invitation = %+v, want the slot's time and the invitation's purpose", conf.Booking)
		}
		again, err := f.svc.Book(ctx, first)
		must(t, err)
		if !again.Replayed || again.Booking.ID != conf.Booking.ID {
			t.Errorf("repeat with the same key: Replayed %t, ID %q; want the first outcome %q", again.Replayed, again.Booking.ID, conf.Booking.ID)
		}
		second := first
		second.Key, second.Slot = "inv-2", res.Slots[1]
		_, err = f.svc.Book(ctx, second)
		if !errors.Is(err, tidbok.ErrNotAllowed) {
			t.Errorf("second booking of the invitation with another key: %v, want ErrNotAllowed", err)
		}
		citizenText(t, err)

		mine, err := f.svc.MyBookings(ctx, sc)
		must(t, err)
		if len(mine) != 1 || !mine[0].Start.Equal(res.Slots[0].Start) {
			t.Fatalf("MyBookings after booking the invitation twice = %d bookings, want exactly the one at %s", len(mine), res.Slots[0].Start)
		}
	})
}

func TestTimedInvitationIsListedAcceptedAndChangedAsItsFlagsAllow(t *testing.T) {
	forEachInvitationBook(t, func(t *testing.T, f *fixture, sb staff.Book) {
		ctx := context.Background()
		f.accept(anna, ctBook, ctManage)
		spec := memInvitation(anna, at(time.January, 15, 10, 0))
		spec.Flags = &tidbok.Flags{MayCancel: true}
		timed, err := sb.Invite(ctx, spec)
		must(t, err)
		open, err := sb.Invite(ctx, memInvitation(anna, time.Time{}))
		must(t, err)
		sc := scope(anna, ctManage)

		mine, err := f.svc.MyBookings(ctx, sc)
		must(t, err)
		if len(mine) != 1 || mine[0].ID != timed || !mine[0].Invitation {
			t.Fatalf("MyBookings = %+v, want the timed invitation only, marked as one", mine)
		}
		if !mine[0].Allows.Cancel || mine[0].Allows.Reschedule {
			t.Errorf("timed invitation that may be cancelled, not moved: Allows = %+v", mine[0].Allows)
		}

		conf, err := f.svc.AcceptInvitation(ctx, booking.DetailsRequest{Scope: sc, BookingID: timed})
		must(t, err)
		if !conf.Booking.Start.Equal(spec.Start) || len(conf.ICS) == 0 || conf.Summary.Purpose != spec.Purpose {
			t.Errorf("AcceptInvitation = %+v, want the invitation's time, purpose and a calendar file", conf)
		}
		if e, ok := f.audit.last(booking.ActionDetails); !ok || e.BookingID != timed {
			t.Errorf("AcceptInvitation not audited as a read of %q: %+v", timed, e)
		}
		_, err = f.svc.AcceptInvitation(ctx, booking.DetailsRequest{Scope: sc, BookingID: open})
		if !errors.Is(err, tidbok.ErrNotAllowed) {
			t.Errorf("AcceptInvitation of an open invitation: %v, want ErrNotAllowed", err)
		}
		_, err = f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "timed", Invitation: timed,
			Slot: f.slotAt(scope(anna, ctBook), at(time.January, 14, 10, 0)), Contact: contact})
		if !errors.Is(err, tidbok.ErrNotAllowed) {
			t.Errorf("Book naming a timed invitation: %v, want ErrNotAllowed", err)
		}
		_, err = f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: sc, Key: "move", BookingID: timed,
			Slot: f.slotAt(scope(anna, ctBook), at(time.January, 14, 10, 0))})
		if !errors.Is(err, tidbok.ErrNotAllowed) {
			t.Errorf("Reschedule of a timed invitation its flags keep in place: %v, want ErrNotAllowed", err)
		}
		if _, err := f.svc.Cancel(ctx, booking.CancelRequest{Scope: sc, Key: "cancel", BookingID: timed}); err != nil {
			t.Errorf("Cancel of a timed invitation its flags allow: %v", err)
		}
		mine, err = f.svc.MyBookings(ctx, sc)
		must(t, err)
		if len(mine) != 0 {
			t.Errorf("MyBookings after cancelling the invitation = %d, want none", len(mine))
		}
	})
}
