package booking_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
)

// withOutbox gives the service the outbox o.
func withOutbox(o store.Outbox) func(*booking.Config) {
	return func(c *booking.Config) { c.Outbox = o }
}

var mailContact = tidbok.ContactInfo{FirstName: "Test", LastName: "Testsson", Phone: "0701234567", Email: "test@example.se"}

// letters returns the booking's messages in the outbox, failing t if one
// does not decode.
func letters(t *testing.T, o store.Outbox, bookingID string) ([]store.Message, []booking.Letter) {
	t.Helper()
	ms, err := o.List(t.Context(), store.MessageFilter{Group: booking.MessageGroup(clinic, bookingID)})
	must(t, err)
	var ls []booking.Letter
	for _, m := range ms {
		l, err := booking.DecodeLetter(m.Body)
		must(t, err)
		ls = append(ls, l)
	}
	return ms, ls
}

// A booking, its move and its cancellation each queue a message per
// channel the citizen agreed to, keyed by the booking's revision; each
// supersedes the pending messages before it, and none carries the
// citizen's personal identity number or reason.
func TestOutboxQueuesEveryChange(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f0 *fixture) {
		out := store.NewMemOutbox()
		f := newFixture(t, f0.wrap, withOutbox(out))
		ctx := t.Context()
		f.accept(anna, ctBook, ctManage)
		sc := scope(anna, ctBook)
		c, err := f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "b", Slot: f.slotAt(sc, wed10), Reason: "Ont i örat",
			Contact: mailContact, Consent: booking.Consent{Email: true, SMS: true}})
		must(t, err)
		id := c.Booking.ID
		ms, ls := letters(t, out, id)
		if len(ms) != 2 || ms[0].Channel != booking.ChannelEmail || ms[0].To != mailContact.Email ||
			ms[1].Channel != booking.ChannelSMS || ms[1].To != mailContact.Phone {
			t.Fatalf("after Book the outbox holds %+v; want an e-mail and an SMS to the contact's addresses", ms)
		}
		if ls[0].Kind != booking.Confirmed || ls[0].Sequence != 0 || ls[0].Booking.ID != id || !ls[0].Booking.Start.Equal(wed10) {
			t.Errorf("the confirmation's letter is %+v", ls[0])
		}
		if ms[0].Key != booking.MessageKey(clinic, id, 0, booking.Confirmed, booking.ChannelEmail) {
			t.Errorf("key %q", ms[0].Key)
		}
		for _, m := range ms {
			if s := string(m.Body); strings.Contains(s, anna.String()) || strings.Contains(s, "Ont i örat") {
				t.Errorf("message %s carries the personal number or the reason: %s", m.Key, s)
			}
		}

		// A move without new contact data goes where the booking's
		// messages went, and supersedes the unsent confirmation.
		to := f.bookSlot("LAK", wed10.Add(24*time.Hour))
		_, err = f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: scope(anna, ctManage), Key: "r", BookingID: id, Slot: to})
		must(t, err)
		_, err = f.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(anna, ctManage), Key: "c", BookingID: id})
		must(t, err)
		ms, ls = letters(t, out, id)
		type row struct {
			kind  booking.NotificationKind
			seq   int
			state store.MessageState
		}
		want := []row{
			{booking.Confirmed, 0, store.MessageSuperseded}, {booking.Confirmed, 0, store.MessageSuperseded},
			{booking.Rescheduled, 1, store.MessageSuperseded}, {booking.Rescheduled, 1, store.MessageSuperseded},
			{booking.Cancelled, 2, store.MessagePending}, {booking.Cancelled, 2, store.MessagePending},
		}
		if len(ms) != len(want) {
			t.Fatalf("the outbox holds %d messages of the booking; want %d", len(ms), len(want))
		}
		for i, w := range want {
			if got := (row{ls[i].Kind, ls[i].Sequence, ms[i].State}); got != w || ms[i].Sequence != w.seq {
				t.Errorf("message %d (%s) is %+v; want %+v", i, ms[i].Key, got, w)
			}
		}
		if !ls[2].Previous.Start.Equal(wed10) || !ls[2].Booking.Start.Equal(to.Start) {
			t.Errorf("the move's letter goes from %v to %v; want %v to %v", ls[2].Previous.Start, ls[2].Booking.Start, wed10, to.Start)
		}
		if ms[4].To != mailContact.Email || ms[5].To != mailContact.Phone {
			t.Errorf("the cancellation goes to %q and %q", ms[4].To, ms[5].To)
		}
		cal := ls[4].Calendar()
		if cal.Method != booking.MethodCancel || !cal.Cancelled || cal.Sequence != 2 {
			t.Errorf("the cancellation's calendar: method %q, cancelled %v, sequence %d", cal.Method, cal.Cancelled, cal.Sequence)
		}
		if ics := string(cal.ICS()); !strings.Contains(ics, "METHOD:CANCEL\r\n") || !strings.Contains(ics, "SEQUENCE:2\r\n") {
			t.Errorf("the cancellation's calendar object:\n%s", ics)
		}
	})
}

// A citizen who agreed to nothing gets nothing queued; one who agreed to
// SMS without a mobile number gets a message with no address, for the
// worker to record as failed.
func TestOutboxFollowsConsent(t *testing.T) {
	t.Parallel()
	out := store.NewMemOutbox()
	f := newFixture(t, books[0].wrap, withOutbox(out))
	f.accept(anna, ctBook)
	sc := scope(anna, ctBook)
	c, err := f.svc.Book(t.Context(), booking.BookRequest{Scope: sc, Key: "a", Slot: f.slotAt(sc, wed10), Contact: mailContact})
	must(t, err)
	if ms, _ := letters(t, out, c.Booking.ID); len(ms) != 0 {
		t.Errorf("without consent the outbox holds %d messages", len(ms))
	}
	noPhone := mailContact
	noPhone.Phone = ""
	c, err = f.svc.Book(t.Context(), booking.BookRequest{Scope: sc, Key: "b", Slot: f.slotAt(sc, wed10.Add(time.Hour)),
		Contact: noPhone, Consent: booking.Consent{SMS: true}})
	must(t, err)
	if ms, _ := letters(t, out, c.Booking.ID); len(ms) != 1 || ms[0].Channel != booking.ChannelSMS || ms[0].To != "" {
		t.Errorf("SMS agreed without a number: the outbox holds %+v; want one SMS with no address", ms)
	}
}

// A call whose answer was lost, repeated with its key (resumed or
// replayed), queues its messages once.
func TestOutboxQueuesOnceAcrossRepeats(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		op    tidbok.Operation
		fault faulty.Fault
	}{
		{"book: done, answer lost", tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1}},
		{"book: lost before the book", tidbok.OpBook, lostBefore(tidbok.OpBook)},
		{"cancel: done, answer lost", tidbok.OpCancel, faulty.Fault{LoseAnswer: true, Times: 1}},
		{"cancel: lost before the book", tidbok.OpCancel, lostBefore(tidbok.OpCancel)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := store.NewMemOutbox()
			f := newFixture(t, books[0].wrap, withOutbox(out))
			ctx := t.Context()
			f.accept(anna, ctBook, ctManage)
			sc := scope(anna, ctBook)
			slot := f.slotAt(sc, wed10)
			book := func() (string, error) {
				c, err := f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "k", Slot: slot, Contact: mailContact, Consent: booking.Consent{Email: true}})
				return c.Booking.ID, err
			}
			call := book
			var id string
			if tt.op == tidbok.OpCancel {
				var err error
				id, err = book()
				must(t, err)
				call = func() (string, error) {
					_, err := f.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(anna, ctManage), Key: "c", BookingID: id})
					return id, err
				}
			}
			f.faults.Set(tt.op, tt.fault)
			for i := range 3 {
				got, err := call()
				if err != nil && !errors.Is(err, tidbok.ErrOutcomeUnknown) {
					t.Fatalf("call %d: %v", i, err)
				}
				if got != "" {
					id = got
				}
			}
			ms, _ := letters(t, out, id)
			want := 1
			if tt.op == tidbok.OpCancel {
				want = 2 // the booking's and the cancellation's
			}
			if len(ms) != want {
				t.Errorf("the outbox holds %d messages of the booking; want %d: %+v", len(ms), want, ms)
			}
		})
	}
}
