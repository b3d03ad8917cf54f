package booking_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
)

// lostBefore is a fault that loses a write of op before it reaches the
// book: the caller cannot tell it from a write whose answer was lost.
func lostBefore(op tidbok.Operation) faulty.Fault {
	return faulty.Fault{Err: &tidbok.OpError{Op: op, Err: tidbok.ErrOutcomeUnknown}, Times: 1}
}

// Repeating a call with the same key returns the first outcome and books
// nothing more; the repeat is audited as replayed and not notified again.
func TestSameKeyReturnsTheFirstOutcome(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		f.accept(anna, ctBook)
		sc := scope(anna, ctBook)
		slot := f.slotAt(sc, wed10)
		first, err := f.bookFor(sc, "same", slot, "")
		must(t, err)
		again, err := f.bookFor(sc, "same", slot, "")
		must(t, err)
		if !again.Replayed || again.Booking.ID != first.Booking.ID || first.Replayed {
			t.Errorf("repeat = %+v, want the first booking %s replayed", again.Booking, first.Booking.ID)
		}
		if n := len(f.bookingsOf(anna)); n != 1 {
			t.Errorf("%d bookings, want 1", n)
		}
		if n := len(f.notes.kinds()); n != 1 {
			t.Errorf("%d notifications, want 1", n)
		}
		if e, _ := f.audit.last(booking.ActionBook); e.Outcome != booking.OutcomeDone || e.Detail == "" {
			t.Errorf("repeat audited as %+v, want done and replayed", e)
		}

		// The key is the caller's: another caller's equal key is another
		// request.
		f.accept(bo, ctBook)
		if _, err := f.bookFor(scope(bo, ctBook), "same", f.slotAt(scope(bo, ctBook), wed10.Add(time.Hour)), ""); err != nil {
			t.Errorf("another caller with an equal key: %v", err)
		}
		// The same key for another slot is a mistake.
		_, err = f.bookFor(sc, "same", f.slotAt(sc, wed10.Add(30*time.Minute)), "")
		if !errors.Is(err, booking.ErrKeyReused) || !errors.Is(err, tidbok.ErrInvalid) {
			t.Errorf("same key, another slot: %v, want ErrKeyReused", err)
		}
	})
}

// A refusal the service makes before sending anything is not stored: fix
// the cause and repeat with the same key. A refusal of the book is stored
// and replayed.
func TestWhichRefusalsAreStored(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		sc := scope(anna, ctBook)
		slot := f.bookSlot("LAK", wed10)
		if _, err := f.bookFor(sc, "k1", slot, ""); !errors.Is(err, booking.ErrTermsNotAccepted) {
			t.Fatalf("before accepting: %v", err)
		}
		f.accept(anna, ctBook)
		if _, err := f.bookFor(sc, "k1", slot, ""); err != nil {
			t.Fatalf("same key after accepting: %v", err)
		}

		// The book refuses Anna's next booking as taken (a fault stands in
		// for a slot booked between her reading and her booking).
		taken := f.slotAt(sc, wed10.Add(time.Hour))
		f.faults.Set(tidbok.OpBook, faulty.Fault{Times: 1,
			Err: &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken, Text: "Tiden är upptagen."}})
		_, err := f.bookFor(sc, "k2", taken, "")
		if !errors.Is(err, tidbok.ErrSlotTaken) || shown(err) != "Tiden är upptagen." {
			t.Fatalf("booking refused by the book: %v (%q)", err, shown(err))
		}
		// The slot is free now; the same key still gets the stored answer,
		// with the book's text, and books nothing.
		_, err = f.bookFor(sc, "k2", taken, "")
		if !errors.Is(err, tidbok.ErrSlotTaken) || shown(err) != "Tiden är upptagen." {
			t.Errorf("repeat: %v (%q), want the stored ErrSlotTaken", err, shown(err))
		}
		if n := len(f.bookingsOf(anna)); n != 1 {
			t.Errorf("%d bookings, want 1", n)
		}
	})
}

// Lost answers, for each write, whether the book did the write and lost
// the answer or never got it: the first call and one repeat with the same
// key leave exactly the intended state — no duplicate, nothing missing.
func TestLostAnswers(t *testing.T) {
	t.Parallel()
	type state struct {
		bookings int       // the subject's bookings in the book
		start    time.Time // the start of the one left, if any
	}
	tests := []struct {
		name  string
		op    tidbok.Operation
		fault faulty.Fault
		// firstOK: the first call settles at once (the read finds the write).
		firstOK bool
		want    state
	}{
		{"book: done, answer lost", tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1}, true, state{1, wed10}},
		{"book: lost before the book", tidbok.OpBook, lostBefore(tidbok.OpBook), false, state{1, wed10}},
		{"reschedule: done, answer lost", tidbok.OpReschedule, faulty.Fault{LoseAnswer: true, Times: 1}, true, state{1, wed10.Add(24 * time.Hour)}},
		{"reschedule: lost before the book", tidbok.OpReschedule, lostBefore(tidbok.OpReschedule), false, state{1, wed10.Add(24 * time.Hour)}},
		{"cancel: done, answer lost", tidbok.OpCancel, faulty.Fault{LoseAnswer: true, Times: 1}, true, state{0, time.Time{}}},
		{"cancel: lost before the book", tidbok.OpCancel, lostBefore(tidbok.OpCancel), false, state{0, time.Time{}}},
	}
	for _, b := range books {
		for _, tt := range tests {
			t.Run(tt.name+" over "+b.name, func(t *testing.T) {
				t.Parallel()
				f := newFixture(t, b.wrap)
				ctx := context.Background()
				f.accept(anna, ctBook, ctManage)
				var call func() (string, error)
				switch tt.op {
				case tidbok.OpBook:
					slot := f.slotAt(scope(anna, ctBook), wed10)
					call = func() (string, error) {
						c, err := f.bookFor(scope(anna, ctBook), "key", slot, "")
						return c.Booking.ID, err
					}
				case tidbok.OpReschedule:
					c := f.bookAt(anna, wed10)
					to := f.bookSlot("LAK", wed10.Add(24*time.Hour))
					call = func() (string, error) {
						r, err := f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: scope(anna, ctManage), Key: "key", BookingID: c.Booking.ID, Slot: to})
						return r.Booking.ID, err
					}
				case tidbok.OpCancel:
					c := f.bookAt(anna, wed10)
					call = func() (string, error) {
						r, err := f.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(anna, ctManage), Key: "key", BookingID: c.Booking.ID})
						return r.Booking.ID, err
					}
				}
				notesBefore := len(f.notes.kinds())
				f.faults.Set(tt.op, tt.fault)

				id1, err := call()
				switch {
				case tt.firstOK && err != nil:
					t.Fatalf("first call: %v, want it settled by reading the book", err)
				case !tt.firstOK && !errors.Is(err, tidbok.ErrOutcomeUnknown):
					t.Fatalf("first call: %v, want ErrOutcomeUnknown", err)
				case !tt.firstOK:
					citizenText(t, err)
				}
				id2, err := call()
				if err != nil {
					t.Fatalf("repeat with the same key: %v", err)
				}
				if tt.firstOK && id1 != id2 {
					t.Errorf("repeat answered booking %s, first %s", id2, id1)
				}
				// A third call changes nothing either.
				if _, err := call(); err != nil {
					t.Errorf("third call: %v", err)
				}
				got := f.bookingsOf(anna)
				if len(got) != tt.want.bookings {
					t.Fatalf("the book holds %d bookings, want %d: %+v", len(got), tt.want.bookings, got)
				}
				if tt.want.bookings == 1 && !got[0].Start.Equal(tt.want.start) {
					t.Errorf("the booking is at %v, want %v", got[0].Start, tt.want.start)
				}
				if n := len(f.notes.kinds()) - notesBefore; n != 1 {
					t.Errorf("%d notifications, want 1", n)
				}
				if tt.op == tidbok.OpReschedule {
					mine, err := f.svc.MyBookings(ctx, scope(anna, ctManage))
					must(t, err)
					if mine[0].Allows.ReschedulesLeft != 1 {
						t.Errorf("%d moves left, want 1: the move was counted more than once", mine[0].Allows.ReschedulesLeft)
					}
				}
			})
		}
	}
}

// A write the book says never reached it (tidbok.ErrNotSent: the
// connection could not be made) changed nothing: the citizen is told so,
// not that the outcome is unknown, and the key is free, so the repeat
// sends the write again and it is done once.
func TestAWriteThatNeverReachedTheBookFreesItsKey(t *testing.T) {
	t.Parallel()
	actions := map[tidbok.Operation]booking.Action{tidbok.OpBook: booking.ActionBook,
		tidbok.OpReschedule: booking.ActionReschedule, tidbok.OpCancel: booking.ActionCancel}
	for op, act := range actions {
		t.Run(op.String(), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, books[0].wrap) // the in-memory book, whose fault stands for a connection not made
			ctx := context.Background()
			f.accept(anna, ctBook, ctManage)
			var call func() error
			want := 1 // bookings left
			switch op {
			case tidbok.OpBook:
				slot := f.slotAt(scope(anna, ctBook), wed10)
				call = func() error { _, err := f.bookFor(scope(anna, ctBook), "key", slot, ""); return err }
			case tidbok.OpReschedule:
				c := f.bookAt(anna, wed10)
				to := f.bookSlot("LAK", wed10.Add(24*time.Hour))
				call = func() error {
					_, err := f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: scope(anna, ctManage), Key: "key", BookingID: c.Booking.ID, Slot: to})
					return err
				}
			case tidbok.OpCancel:
				c := f.bookAt(anna, wed10)
				call = func() error {
					_, err := f.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(anna, ctManage), Key: "key", BookingID: c.Booking.ID})
					return err
				}
				want = 0
			}
			notesBefore := len(f.notes.kinds())
			f.faults.Set(op, faulty.Fault{Times: 1,
				Err: fmt.Errorf("%w: dial tcp: connection refused", tidbok.ErrNotSent)})

			err := call()
			if !errors.Is(err, tidbok.ErrNotSent) || errors.Is(err, tidbok.ErrOutcomeUnknown) {
				t.Fatalf("first call: %v, want ErrNotSent and not ErrOutcomeUnknown", err)
			}
			if text := shown(err); !strings.Contains(text, "ingenting har ändrats") {
				t.Errorf("the citizen is told %q, want that nothing changed", text)
			}
			if e, _ := f.audit.last(act); e.Outcome != booking.OutcomeFailed {
				t.Errorf("audited as %q, want %q", e.Outcome, booking.OutcomeFailed)
			}
			if err := call(); err != nil {
				t.Fatalf("repeat with the same key: %v", err)
			}
			if n := len(f.bookingsOf(anna)); n != want {
				t.Errorf("the book holds %d bookings, want %d", n, want)
			}
			if n := len(f.notes.kinds()) - notesBefore; n != 1 {
				t.Errorf("%d notifications, want 1", n)
			}
			if op == tidbok.OpReschedule {
				mine, err := f.svc.MyBookings(ctx, scope(anna, ctManage))
				must(t, err)
				if mine[0].Allows.ReschedulesLeft != 1 {
					t.Errorf("%d moves left, want 1: the move that never reached the book was counted", mine[0].Allows.ReschedulesLeft)
				}
			}
		})
	}
}

// An answer lost, and the reading that should settle it failing too:
// the call reports an unknown outcome, and the repeat finds the booking
// instead of booking again.
func TestLostAnswerAndFailedReading(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		// A case type without a limit on bookings, so that the book's
		// schedule is first read to settle the lost answer.
		f.accept(anna, ctBookAdult)
		sc := scope(anna, ctBookAdult)
		slot := f.slotAt(sc, wed10)
		f.faults.Set(tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1})
		// Reading the schedule fails until the repeat.
		f.faults.Set(tidbok.OpSchedule, faulty.Fault{Err: errors.New("connection reset")})
		if _, err := f.bookFor(sc, "key", slot, ""); !errors.Is(err, tidbok.ErrOutcomeUnknown) {
			t.Fatalf("first call: %v, want ErrOutcomeUnknown", err)
		}
		f.faults.Clear(tidbok.OpSchedule)
		if e, _ := f.audit.last(booking.ActionBook); e.Outcome != booking.OutcomeUnknown {
			t.Errorf("audited as %+v, want unknown", e)
		}
		c, err := f.bookFor(sc, "key", slot, "")
		if err != nil || !c.Reconciled {
			t.Fatalf("repeat: %+v, %v; want the booking found by reading the book", c, err)
		}
		if n := len(f.bookingsOf(anna)); n != 1 {
			t.Errorf("%d bookings, want 1", n)
		}
	})
}

// lateBook holds back writes it is told to: the caller gets an unknown
// outcome at once, and the write lands when the test says so — after the
// service has looked and found nothing.
type lateBook struct {
	tidbok.Tidbok
	mu      sync.Mutex
	hold    int // how many Book calls to hold back
	pending []tidbok.BookRequest
}

func (l *lateBook) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	l.mu.Lock()
	if l.hold > 0 {
		l.hold--
		l.pending = append(l.pending, req)
		l.mu.Unlock()
		return tidbok.BookResult{}, &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrOutcomeUnknown}
	}
	l.mu.Unlock()
	return l.Tidbok.Book(ctx, req)
}

// land delivers the held-back writes, returning their errors.
func (l *lateBook) land(ctx context.Context) []error {
	l.mu.Lock()
	pending := l.pending
	l.pending = nil
	l.mu.Unlock()
	var errs []error
	for _, req := range pending {
		_, err := l.Tidbok.Book(ctx, req)
		errs = append(errs, err)
	}
	return errs
}

// A write that lands late never makes a second booking: whether it lands
// before the repeat (which then finds it) or after the repeat's resend
// (which the book then refuses, the slot being booked).
func TestLateLandingWrite(t *testing.T) {
	t.Parallel()
	for _, b := range books {
		for _, landFirst := range []bool{true, false} {
			name := "landing after the repeat's resend"
			if landFirst {
				name = "landing before the repeat"
			}
			t.Run(name+" over "+b.name, func(t *testing.T) {
				t.Parallel()
				var late *lateBook
				f := newFixture(t, b.wrap, func(c *booking.Config) {
					late = &lateBook{Tidbok: c.Book}
					c.Book = late
				})
				ctx := context.Background()
				f.accept(anna, ctBook)
				sc := scope(anna, ctBook)
				slot := f.slotAt(sc, wed10)
				late.hold = 1
				if _, err := f.bookFor(sc, "key", slot, ""); !errors.Is(err, tidbok.ErrOutcomeUnknown) {
					t.Fatalf("first call: %v, want ErrOutcomeUnknown", err)
				}
				if landFirst {
					if errs := late.land(ctx); errs[0] != nil {
						t.Fatalf("landing: %v", errs[0])
					}
				}
				c, err := f.bookFor(sc, "key", slot, "")
				if err != nil {
					t.Fatalf("repeat: %v", err)
				}
				if landFirst != c.Reconciled {
					t.Errorf("Reconciled = %v, want %v", c.Reconciled, landFirst)
				}
				if !landFirst {
					if errs := late.land(ctx); !errors.Is(errs[0], tidbok.ErrSlotTaken) {
						t.Errorf("the late write landing after the resend: %v, want the book to refuse it as taken", errs[0])
					}
				}
				got := f.bookingsOf(anna)
				if len(got) != 1 || got[0].ID != c.Booking.ID {
					t.Errorf("the book holds %+v, want exactly booking %s", got, c.Booking.ID)
				}
			})
		}
	}
}

// watchedKeys tells on refused when a Claim finds the key held by another
// call, so that a test knows a repeat is waiting.
type watchedKeys struct {
	store.Keys
	refused chan struct{}
}

func (k *watchedKeys) Claim(ctx context.Context, rec store.KeyRecord, lease time.Duration) (store.KeyRecord, bool, error) {
	prior, ok, err := k.Keys.Claim(ctx, rec, lease)
	if err == nil && !ok && prior.State != store.KeyDone {
		k.refused <- struct{}{}
	}
	return prior, ok, err
}

// blockingBook makes Book calls wait until released, so that a call can
// be caught in flight.
type blockingBook struct {
	tidbok.Tidbok
	entered chan struct{}
	release chan struct{}
	once    atomic.Bool // only the first Book call blocks
	// fail, when set, is the first call's error once released: the book
	// did nothing.
	fail error
}

func (b *blockingBook) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	// A blocking send: the first call waits until the test sees it enter,
	// so the signal cannot be lost when the call comes first.
	if b.once.CompareAndSwap(false, true) {
		b.entered <- struct{}{}
		<-b.release
		if b.fail != nil {
			return tidbok.BookResult{}, b.fail
		}
	}
	return b.Tidbok.Book(ctx, req)
}

// While a call holds its key, a repeat waits: for as long as its context
// allows (then it gets ErrInProgress), or until the first call ends (then
// it gets the first outcome). A call stuck past the lease is taken over by a
// repeat, which reads the book before sending, and the book still books
// the slot once.
func TestKeyInFlight(t *testing.T) {
	t.Parallel()
	for _, b := range books {
		for _, stuck := range []bool{false, true} {
			name := "a repeat while the first call runs"
			if stuck {
				name = "a repeat after the first call outlived the lease"
			}
			t.Run(name+" over "+b.name, func(t *testing.T) {
				t.Parallel()
				var blk *blockingBook
				keys := &watchedKeys{Keys: store.NewMemKeys(), refused: make(chan struct{}, 64)}
				f := newFixture(t, b.wrap, func(c *booking.Config) {
					blk = &blockingBook{Tidbok: c.Book, entered: make(chan struct{}), release: make(chan struct{})}
					c.Book = blk
					c.Keys = keys
				})
				f.accept(anna, ctBook)
				sc := scope(anna, ctBook)
				slot := f.slotAt(sc, wed10)
				type answer struct {
					c   booking.Confirmation
					err error
				}
				first := make(chan answer, 1)
				go func() {
					c, err := f.bookFor(sc, "key", slot, "")
					first <- answer{c, err}
				}()
				<-blk.entered // the first call is inside the book's Book
				if !stuck {
					// A repeat waits; its context ends the wait.
					ctx, cancel := context.WithCancel(t.Context())
					waited := make(chan error, 1)
					go func() {
						_, err := f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "key", Slot: slot, Contact: contact})
						waited <- err
					}()
					<-keys.refused // the repeat found the key held, and waits
					cancel()
					if err := <-waited; !errors.Is(err, booking.ErrInProgress) || !errors.Is(err, context.Canceled) {
						t.Errorf("repeat in flight, its context cancelled: %v, want ErrInProgress and context.Canceled", err)
					} else {
						citizenText(t, err)
					}
					for len(keys.refused) > 0 { // the cancelled wait's polls
						<-keys.refused
					}
					// Another repeat waits, and gets the first call's
					// outcome when it ends.
					repeat := make(chan answer, 1)
					go func() {
						c, err := f.bookFor(sc, "key", slot, "")
						repeat <- answer{c, err}
					}()
					<-keys.refused
					close(blk.release)
					a := <-first
					must(t, a.err)
					r := <-repeat
					if r.err != nil || !r.c.Replayed || r.c.Booking.ID != a.c.Booking.ID {
						t.Errorf("repeat waiting for the first call: %+v, %v; want %s replayed", r.c, r.err, a.c.Booking.ID)
					}
					again, err := f.bookFor(sc, "key", slot, "")
					if err != nil || !again.Replayed || again.Booking.ID != a.c.Booking.ID {
						t.Errorf("repeat after: %+v, %v", again, err)
					}
				} else {
					f.clock.Advance(booking.DefaultKeyLease + time.Second)
					c, err := f.bookFor(sc, "key", slot, "")
					if err != nil {
						t.Fatalf("repeat taking over: %v", err)
					}
					close(blk.release)
					a := <-first
					if !errors.Is(a.err, tidbok.ErrSlotTaken) {
						t.Errorf("the stuck call, released after the repeat booked: %v, want it refused by the book", a.err)
					}
					if got := f.bookingsOf(anna); len(got) != 1 || got[0].ID != c.Booking.ID {
						t.Errorf("the book holds %+v, want exactly %s", got, c.Booking.ID)
					}
				}
			})
		}
	}
}
