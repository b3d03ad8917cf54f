package booking_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// TestARefusalReadsTheSameFromTheBookTheProducerAndTheFlow: a refusal is
// worded once, by the catalogue, whether the book words it (memtidbok),
// the producer does for a book that gives no text, or the flow does.
func TestARefusalReadsTheSameFromTheBookTheProducerAndTheFlow(t *testing.T) {
	t.Parallel()
	wed10 := at(time.January, 14, 10, 0)
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		c := f.bookAt(anna, wed10)

		_, err := f.mem.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: "no-such", Subject: anna, Actor: tidbok.Actor{Person: anna}})
		if got, _ := tidbok.CitizenText(err); got != texts.NoBooking {
			t.Errorf("the book's text for an unknown booking = %q, want %q", got, texts.NoBooking)
		}
		_, err = f.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(anna, ctManage), Key: "unknown", BookingID: "no-such"})
		if got := shown(err); got != texts.NoBooking {
			t.Errorf("the flow's text for an unknown booking = %q, want %q", got, texts.NoBooking)
		}

		// A book that refuses without a text of its own: the producer
		// words it over the wire, the flow over the book itself.
		f.faults.Set(tidbok.OpCancel, faulty.Fault{Times: 1, Err: tidbok.ErrNotAllowed})
		_, err = f.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(anna, ctManage), Key: "refused", BookingID: c.Booking.ID})
		if !errors.Is(err, tidbok.ErrNotAllowed) {
			t.Fatalf("Cancel refused by the book: %v, want ErrNotAllowed", err)
		}
		if got := shown(err); got != texts.Default(tidbok.OpCancel, tidbok.ErrNotAllowed) {
			t.Errorf("Cancel refused by the book reads %q, want the catalogue's %q", got, texts.NoCancel)
		}
	})
}

// TestAClinicsWordingWinsInTheFlowAndOverTheWire: the same texts.Func in
// booking.Config.Texts and producer.Config.Texts words a refusal the
// clinic's way wherever it is made: by the book without a text, by the
// flow's own rules.
func TestAClinicsWordingWinsInTheFlowAndOverTheWire(t *testing.T) {
	t.Parallel()
	const notAllowed, tooSoon = "Kliniken: det går inte.", "Kliniken: för tidigt."
	wording := texts.Func(func(op tidbok.Operation, err error) string {
		switch {
		case errors.Is(err, booking.ErrTooSoon):
			return tooSoon
		case op == tidbok.OpCancel && errors.Is(err, tidbok.ErrNotAllowed):
			return notAllowed
		}
		return ""
	})
	withWording := func(c *booking.Config) { c.Texts = wording }
	for _, b := range []struct {
		name string
		wrap func(testing.TB, *fixture) tidbok.Tidbok
	}{
		{"memtidbok", books[0].wrap},
		{"mvkclient→producer→memtidbok", overTheWireWith(wording)},
	} {
		t.Run("over "+b.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, b.wrap, withWording)
			ctx := context.Background()
			c := f.bookAt(anna, at(time.January, 14, 10, 0))

			f.faults.Set(tidbok.OpCancel, faulty.Fault{Times: 1, Err: tidbok.ErrNotAllowed})
			_, err := f.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(anna, ctManage), Key: "refused", BookingID: c.Booking.ID})
			if got := shown(err); got != notAllowed {
				t.Errorf("Cancel refused by the book reads %q, want the clinic's %q", got, notAllowed)
			}
			_, err = f.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(anna, ctManage), Key: "refused", BookingID: c.Booking.ID})
			if got := shown(err); got != notAllowed {
				t.Errorf("the repeat reads %q, want the first call's %q", got, notAllowed)
			}

			s := f.bookSlot("LAK", at(time.January, 12, 10, 30))
			_, err = f.bookFor(scope(anna, ctBook), "soon", s, "")
			if !errors.Is(err, booking.ErrTooSoon) || shown(err) != tooSoon {
				t.Errorf("Book too soon: %v reads %q, want ErrTooSoon reading %q", err, shown(err), tooSoon)
			}

			_, err = f.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(anna, ctManage), Key: "unknown", BookingID: "no-such"})
			if got := shown(err); got != texts.NoBooking {
				t.Errorf("a refusal the clinic words nothing for reads %q, want the catalogue's %q", got, texts.NoBooking)
			}
		})
	}
}
