package booking_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// settlingKeys is a store.Settler over in-memory stores that counts its
// Settles: a database's in small. Settle writes the key's outcome first,
// so that a lost claim writes nothing; fail makes every Settle fail
// before it writes anything.
type settlingKeys struct {
	*store.MemKeys
	holds  *store.MemHolds
	outbox *store.MemOutbox
	audit  *auditLog

	mu      sync.Mutex
	settled []store.Settlement[booking.Event]
	fail    error
}

func (k *settlingKeys) Settle(ctx context.Context, st store.Settlement[booking.Event]) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return k.fail
	}
	if err := k.MemKeys.Update(ctx, st.Key); err != nil {
		return err
	}
	if st.Release != "" {
		if err := k.holds.Release(ctx, st.Release); err != nil {
			return err
		}
	}
	if len(st.Messages) > 0 {
		if err := k.outbox.Enqueue(ctx, st.Messages...); err != nil {
			return err
		}
	}
	for _, e := range st.Events {
		if err := k.audit.Record(ctx, e); err != nil {
			return err
		}
	}
	k.settled = append(k.settled, st)
	return nil
}

func (k *settlingKeys) Shares(keys store.Keys, holds store.Holds, outbox store.Outbox, audit any) bool {
	kk, _ := keys.(*settlingKeys)
	hh, _ := holds.(*store.MemHolds)
	oo, _ := outbox.(*store.MemOutbox)
	aa, _ := audit.(*auditLog)
	return kk == k && hh == k.holds && (outbox == nil || oo == k.outbox) && aa == k.audit
}

func (k *settlingKeys) settlements() []store.Settlement[booking.Event] {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]store.Settlement[booking.Event](nil), k.settled...)
}

// withSettler gives the service stores that settle in one write, the
// fixture's audit log among them; share false gives it another outbox, so
// that they do not share.
func withSettler(f **settlingKeys, share bool) func(*booking.Config) {
	return func(c *booking.Config) {
		k := &settlingKeys{MemKeys: store.NewMemKeys(), holds: store.NewMemHolds(), outbox: store.NewMemOutbox(), audit: c.Audit.(*auditLog)}
		c.Keys, c.Holds, c.Outbox = k, k.holds, k.outbox
		if !share {
			c.Outbox = store.NewMemOutbox()
		}
		*f = k
	}
}

// With a store.Settler sharing its stores, a booking, its move and its
// cancellation each settle in one write: the key's outcome, the hold's
// release, the messages and the audit event together; the outcome
// replays, the hold is gone, the messages are queued, the events are
// recorded and the citizen is notified, as when each is written alone.
func TestSettleOneWritePerCall(t *testing.T) {
	t.Parallel()
	var k *settlingKeys
	f := newFixture(t, books[0].wrap, withSettler(&k, true))
	ctx := t.Context()
	f.accept(anna, ctBook, ctManage)
	sc := scope(anna, ctBook)
	h, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: f.slotAt(sc, wed10)})
	must(t, err)
	bookReq := booking.BookRequest{Scope: sc, Key: "b", Hold: h.Token, Contact: mailContact, Consent: booking.Consent{Email: true, SMS: true}}
	c, err := f.svc.Book(ctx, bookReq)
	must(t, err)
	msc := scope(anna, ctManage)
	d := tidbok.Date{Year: 2026, Month: time.January, Day: 15}
	moveTo, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: msc, BookingID: c.Booking.ID, From: d, To: d})
	must(t, err)
	if len(moveTo.Slots) == 0 {
		t.Fatal("no slot to move to")
	}
	_, err = f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: msc, Key: "r", BookingID: c.Booking.ID, Slot: moveTo.Slots[0]})
	must(t, err)
	_, err = f.svc.Cancel(ctx, booking.CancelRequest{Scope: msc, Key: "c", BookingID: c.Booking.ID})
	must(t, err)

	sts := k.settlements()
	if len(sts) != 3 {
		t.Fatalf("%d Settles, want 3: one per write", len(sts))
	}
	for i, act := range []booking.Action{booking.ActionBook, booking.ActionReschedule, booking.ActionCancel} {
		st := sts[i]
		if len(st.Events) != 1 || st.Events[0].Action != act || st.Events[0].Outcome != booking.OutcomeDone {
			t.Errorf("Settle %d's events are %+v; want the %s's, done", i, st.Events, act)
		}
		if st.Key.State != store.KeyDone || st.Key.Action != string(act) {
			t.Errorf("Settle %d's key is %v of %q; want done, of %s", i, st.Key.State, st.Key.Action, act)
		}
		if len(st.Messages) != 2 {
			t.Errorf("Settle %d carries %d messages; want an e-mail and an SMS", i, len(st.Messages))
		}
	}
	if sts[0].Release != h.Token {
		t.Errorf("the booking's Settle releases %q; want the hold %q", sts[0].Release, h.Token)
	}
	if _, err := k.holds.Get(ctx, h.Token); !errors.Is(err, store.ErrHoldExpired) {
		t.Errorf("the hold after the booking: Get = %v; want it released", err)
	}
	if sts[1].Release == "" {
		t.Error("the move's Settle releases no hold; want the lock on the new slot released")
	}
	if ms, _ := letters(t, k.outbox, c.Booking.ID); len(ms) != 6 {
		t.Errorf("the outbox holds %d messages of the booking; want 6", len(ms))
	}
	again, err := f.svc.Book(ctx, bookReq)
	if err != nil || !again.Replayed || again.Booking.ID != c.Booking.ID {
		t.Errorf("a repeat of the booking: %+v, %v; want the stored outcome replayed", again, err)
	}
	if got := f.notes.kinds(); len(got) != 3 {
		t.Errorf("notifications %v; want the booking's, the move's and the cancellation's", got)
	}
	if e, ok := f.audit.last(booking.ActionCancel); !ok || e.Outcome != booking.OutcomeDone {
		t.Errorf("the cancellation's audit event is %+v, %v", e, ok)
	}
}

// A Settle that fails does not lose the call's writes: they are written
// one by one, as without a Settler.
func TestSettleFailureWritesPartByPart(t *testing.T) {
	t.Parallel()
	var k *settlingKeys
	f := newFixture(t, books[0].wrap, withSettler(&k, true))
	k.fail = errors.New("the database is gone for a moment")
	ctx := t.Context()
	f.accept(anna, ctBook)
	sc := scope(anna, ctBook)
	h, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: f.slotAt(sc, wed10)})
	must(t, err)
	req := booking.BookRequest{Scope: sc, Key: "b", Hold: h.Token, Contact: mailContact, Consent: booking.Consent{Email: true}}
	c, err := f.svc.Book(ctx, req)
	must(t, err)
	if _, err := k.holds.Get(ctx, h.Token); !errors.Is(err, store.ErrHoldExpired) {
		t.Errorf("the hold: Get = %v; want it released", err)
	}
	if ms, _ := letters(t, k.outbox, c.Booking.ID); len(ms) != 1 {
		t.Errorf("the outbox holds %d messages; want the e-mail", len(ms))
	}
	if e, ok := f.audit.last(booking.ActionBook); !ok || e.BookingID != c.Booking.ID {
		t.Errorf("the booking's audit event is %+v, %v", e, ok)
	}
	again, err := f.svc.Book(ctx, req)
	if err != nil || !again.Replayed {
		t.Errorf("a repeat: %+v, %v; want the outcome stored and replayed", again, err)
	}
}

// Stores that do not all share the Settler's database are written one by
// one: Settle is never called.
func TestSettleNotUsedWithoutSharedStores(t *testing.T) {
	t.Parallel()
	var k *settlingKeys
	f := newFixture(t, books[0].wrap, withSettler(&k, false))
	f.accept(anna, ctBook)
	f.bookAt(anna, wed10)
	if n := len(k.settlements()); n != 0 {
		t.Errorf("%d Settles with an outbox of its own; want none", n)
	}
}
