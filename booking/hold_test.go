package booking_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// A citizen holds one slot per clinic at a time: a new hold releases the
// old one, and so does Release; the holder books with the token.
func TestHolds(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.accept(anna, ctBook)
		f.accept(bo, ctBook)
		sc := scope(anna, ctBook)
		first, second := f.slotAt(sc, wed10), f.slotAt(sc, wed10.Add(30*time.Minute))

		h1, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: first})
		must(t, err)
		if _, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: scope(bo, ctBook), Slot: first}); !errors.Is(err, booking.ErrHeld) {
			t.Errorf("Bo holding Anna's slot: %v, want ErrHeld", err)
		}
		h2, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: second})
		must(t, err)
		// The first is free again, for Bo.
		if _, err := f.bookFor(scope(bo, ctBook), "kb", first, ""); err != nil {
			t.Errorf("Bo booking the slot Anna let go by holding another: %v", err)
		}
		if _, err := f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "k1", Hold: h1.Token, Contact: contact}); !errors.Is(err, booking.ErrHoldExpired) {
			t.Errorf("booking with the replaced hold: %v, want ErrHoldExpired", err)
		}
		must(t, f.svc.Release(ctx, booking.ReleaseRequest{Scope: scope(bo, ctBook), Token: h2.Token})) // not Bo's: nothing happens
		if _, err := f.bookFor(scope(bo, ctBook), "kb2", second, ""); !errors.Is(err, booking.ErrHeld) {
			t.Errorf("Bo booking Anna's held slot after releasing it as Bo: %v, want ErrHeld", err)
		}
		c, err := f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "k2", Hold: h2.Token, Contact: contact})
		if err != nil || !c.Booking.Start.Equal(second.Start) {
			t.Fatalf("booking with the hold: %+v, %v", c.Booking, err)
		}

		// Release frees a slot at once.
		third := f.slotAt(sc, wed10.Add(90*time.Minute))
		h3, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: third})
		must(t, err)
		must(t, f.svc.Release(ctx, booking.ReleaseRequest{Scope: sc, Token: h3.Token}))
		if _, err := f.bookFor(scope(bo, ctBook), "kb3", third, ""); err != nil {
			t.Errorf("Bo booking a released slot: %v", err)
		}
	})
}

// A reschedule whose new time cannot be had leaves the booking at its old
// time, says why, and uses up no move.
func TestRescheduleKeepsTheOldTime(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		c := f.bookAt(anna, wed10)
		sc := scope(anna, ctManage)
		res, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: sc, BookingID: c.Booking.ID,
			From: tidbok.DateOf(wed10), To: tidbok.DateOf(wed10)})
		must(t, err)
		target := res.Slots[0]

		// Bo takes the slot Anna saw.
		f.accept(bo, ctBook)
		if _, err := f.bookFor(scope(bo, ctBook), "kb", target, ""); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: sc, Key: "r1", BookingID: c.Booking.ID, Slot: target})
		st, ok := errors.AsType[*booking.SlotTakenError](err)
		if !ok || len(st.Alternatives) == 0 {
			t.Fatalf("rescheduling to a taken slot: %v, want a SlotTakenError with alternatives", err)
		}
		if text := shown(err); text == "" {
			t.Error("no citizen text")
		}

		// The book refuses the move itself (a slot taken in between).
		f.faults.Set(tidbok.OpReschedule, faultTaken(tidbok.OpReschedule))
		_, err = f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: sc, Key: "r2", BookingID: c.Booking.ID, Slot: res.Slots[1]})
		if !errors.Is(err, tidbok.ErrSlotTaken) {
			t.Fatalf("a move the book refuses: %v, want ErrSlotTaken", err)
		}

		got := f.bookingsOf(anna)
		if len(got) != 1 || !got[0].Start.Equal(wed10) {
			t.Errorf("after failed moves the book holds %+v, want the booking at %v", got, wed10)
		}
		mine, err := f.svc.MyBookings(ctx, sc)
		must(t, err)
		if mine[0].Allows.ReschedulesLeft != 2 {
			t.Errorf("%d moves left after two failed moves, want 2", mine[0].Allows.ReschedulesLeft)
		}
	})
}

// A timed invitation (kallelse) is among the citizen's bookings and may be
// moved; the book's flags for it are honoured.
func TestInvitations(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.accept(anna, ctManage)
		id, err := f.mem.Invite(ctx, memInvitation(anna, wed10))
		must(t, err)
		open, err := f.mem.Invite(ctx, memInvitation(anna, time.Time{}))
		must(t, err)
		sc := scope(anna, ctManage)
		mine, err := f.svc.MyBookings(ctx, sc)
		must(t, err)
		if len(mine) != 1 || mine[0].ID != id || !mine[0].Invitation || !mine[0].Allows.Reschedule {
			t.Fatalf("my bookings = %+v, want the timed invitation, movable", mine)
		}
		det, err := f.svc.Details(ctx, booking.DetailsRequest{Scope: sc, BookingID: open})
		must(t, err)
		if !det.IsOpenInvitation() || det.Allows.Reschedule {
			t.Errorf("the open invitation = %+v, want it open and not movable", det)
		}
		to := f.bookSlot("LAK", wed10.Add(24*time.Hour))
		moved, err := f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: sc, Key: "r", BookingID: id, Slot: to})
		must(t, err)
		if !moved.Booking.Start.Equal(to.Start) || moved.Booking.Purpose != "Kallelse till hälsokontroll" {
			t.Errorf("moved invitation = %+v", moved.Booking)
		}
	})
}
