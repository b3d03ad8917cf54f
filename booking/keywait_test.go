package booking_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Two portal processes share the stores: a repeat in one waits for the
// call in flight in the other by asking the keys store again, for as long
// as its context allows, and replays the other's outcome when it is
// stored. Time is the bubble's, so the waits are exact.
func TestKeyWaitAcrossProcesses(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var blk *blockingBook
		var cfg booking.Config
		f := newFixture(t, books[0].wrap, func(c *booking.Config) {
			blk = &blockingBook{Tidbok: c.Book, entered: make(chan struct{}), release: make(chan struct{})}
			c.Book = blk
			c.Holds, c.Keys, c.Moves, c.Requests = store.NewMemHolds(), store.NewMemKeys(), store.NewMemMoves(), store.NewMemRequests()
			cfg = *c
		})
		other, err := booking.New(cfg) // the second process
		require.NoError(t, err)
		f.accept(anna, ctBook)
		sc := scope(anna, ctBook)
		slot := f.slotAt(sc, wed10)
		req := booking.BookRequest{Scope: sc, Key: "key", Slot: slot, Contact: contact}

		type answer struct {
			c   booking.Confirmation
			err error
		}
		first := make(chan answer, 1)
		go func() {
			c, err := f.svc.Book(t.Context(), req)
			first <- answer{c, err}
		}()
		<-blk.entered

		// A wait that ends with the context: exactly at its deadline.
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		start := time.Now()
		_, err = other.Book(ctx, req)
		cancel()
		if !errors.Is(err, booking.ErrInProgress) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("repeat in the other process, its deadline passed: %v, want ErrInProgress and context.DeadlineExceeded", err)
		}
		if waited := time.Since(start); waited != 3*time.Second {
			t.Errorf("the repeat waited %v, want its context's 3s", waited)
		}

		// A wait that ends when the first call's outcome is stored.
		repeat := make(chan answer, 1)
		go func() {
			c, err := other.Book(t.Context(), req)
			repeat <- answer{c, err}
		}()
		synctest.Wait() // the repeat waits for its next look at the store
		select {
		case r := <-repeat:
			t.Fatalf("the repeat returned while the first call ran: %+v, %v", r.c, r.err)
		default:
		}
		close(blk.release)
		a := <-first
		require.NoError(t, a.err, "the first call")
		start = time.Now()
		r := <-repeat
		if r.err != nil || !r.c.Replayed || r.c.Booking.ID != a.c.Booking.ID {
			t.Errorf("the repeat in the other process: %+v, %v; want %s replayed", r.c, r.err, a.c.Booking.ID)
		}
		if waited := time.Since(start); waited > time.Second {
			t.Errorf("the repeat saw the outcome %v after it was stored; it looks again at least every second", waited)
		}
		if got := f.bookingsOf(anna); len(got) != 1 {
			t.Errorf("the book holds %d bookings of Anna, want 1", len(got))
		}
	})
}

// A call that sent nothing lets its key go, and a repeat waiting for it
// in the same process goes on at once to book itself.
func TestKeyWaitEndsWhenTheKeyIsReleased(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var blk *blockingBook
		f := newFixture(t, books[0].wrap, func(c *booking.Config) {
			blk = &blockingBook{Tidbok: c.Book, entered: make(chan struct{}), release: make(chan struct{}), fail: tidbok.ErrNotSent}
			c.Book = blk
		})
		f.accept(anna, ctBook)
		sc := scope(anna, ctBook)
		slot := f.slotAt(sc, wed10)
		req := booking.BookRequest{Scope: sc, Key: "key", Slot: slot, Contact: contact}
		first := make(chan error, 1)
		go func() {
			_, err := f.svc.Book(t.Context(), req)
			first <- err
		}()
		<-blk.entered
		repeat := make(chan error, 1)
		var c booking.Confirmation
		go func() {
			var err error
			c, err = f.svc.Book(t.Context(), req)
			repeat <- err
		}()
		synctest.Wait()
		close(blk.release)
		if err := <-first; !errors.Is(err, tidbok.ErrNotSent) {
			t.Fatalf("the first call: %v, want ErrNotSent", err)
		}
		start := time.Now()
		if err := <-repeat; err != nil || c.Replayed {
			t.Fatalf("the waiting repeat: %+v, %v; want it to book itself", c, err)
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("the repeat went on %v after the key was let go, want at once", waited)
		}
	})
}

// oddKeys hands back done records with a refusal of a kind the service
// never stores, as a store written by another version might.
type oddKeys struct {
	store.Keys
	kind tidbok.Kind
}

func (k oddKeys) Claim(ctx context.Context, rec store.KeyRecord, lease time.Duration) (store.KeyRecord, bool, error) {
	prior, ok, err := k.Keys.Claim(ctx, rec, lease)
	if prior.State == store.KeyDone {
		prior.Result.Refused = k.kind
	}
	return prior, ok, err
}

// A stored outcome whose refusal is of a kind the service does not store
// replays as a refusal (invalid), never as a success.
func TestReplayOfAnOddRefusalIsARefusal(t *testing.T) {
	t.Parallel()
	for _, kind := range []tidbok.Kind{tidbok.KindOther, tidbok.KindOutcomeUnknown, tidbok.KindNotSent, tidbok.Kind(200)} {
		t.Run(kind.String(), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, books[0].wrap, func(c *booking.Config) { c.Keys = oddKeys{store.NewMemKeys(), kind} })
			f.accept(anna, ctBook)
			sc := scope(anna, ctBook)
			slot := f.slotAt(sc, wed10)
			_, err := f.bookFor(sc, "key", slot, "")
			require.NoError(t, err, "the first call")
			c, err := f.bookFor(sc, "key", slot, "")
			if !errors.Is(err, tidbok.ErrInvalid) || errors.Is(err, tidbok.ErrOutcomeUnknown) {
				t.Errorf("replay of a %v refusal: %+v, %v; want an error matching tidbok.ErrInvalid only", kind, c, err)
			}
		})
	}
}
