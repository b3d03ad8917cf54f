package faulty_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// faultFixture is a book with one free slot, wrapped by faulty, and a
// request that books the slot.
type faultFixture struct {
	book *faulty.Book
	req  tidbok.BookRequest
}

func newFaultFixture(t *testing.T) faultFixture {
	t.Helper()
	mem, seeder := testbook.New(t)
	start := testbook.DefaultNow().Add(24 * time.Hour)
	tt := tidbok.TimeType{ID: "T1", Name: "Läkarbesök"}
	id, err := seeder.AddSlot(t.Context(), tidboktest.Slot{Start: start, End: start.Add(30 * time.Minute), TimeType: tt})
	require.NoError(t, err, "publishing a slot")
	return faultFixture{
		book: faulty.Wrap(mem),
		req: tidbok.BookRequest{
			Timeslot: tidbok.Timeslot{
				ID: id, Start: start, End: start.Add(30 * time.Minute),
				Facility: testbook.Facility(), TimeType: tt,
				Subject: tidbok.MustPersonalNumber("191212121212"),
			},
			Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"},
		},
	}
}

// booked returns how many bookings the citizen has, read past the faults.
func (f faultFixture) booked(t *testing.T) int {
	t.Helper()
	f.book.ClearAll()
	res, err := f.book.Schedule(t.Context(), tidbok.ScheduleRequest{Facility: f.req.Timeslot.Facility, Subject: f.req.Timeslot.Subject})
	require.NoError(t, err, "reading the schedule")
	return len(res.Bookings)
}

func TestFaults(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name       string
		fault      faulty.Fault
		ctx        context.Context
		wantErr    error
		wantBooked int
	}{
		{
			name:    "an injected error replaces the call and books nothing",
			fault:   faulty.Fault{Err: &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken}},
			wantErr: tidbok.ErrSlotTaken,
		},
		{
			name:       "a lost answer books and answers ErrOutcomeUnknown",
			fault:      faulty.Fault{LoseAnswer: true},
			wantErr:    tidbok.ErrOutcomeUnknown,
			wantBooked: 1,
		},
		{
			name:    "a delay that the context cuts short books nothing",
			fault:   faulty.Fault{Delay: time.Hour},
			ctx:     cancelled,
			wantErr: context.Canceled,
		},
		{
			name:       "a delay that passes then books",
			fault:      faulty.Fault{Delay: time.Millisecond},
			wantBooked: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFaultFixture(t)
			f.book.Set(tidbok.OpBook, tt.fault)
			ctx := tt.ctx
			if ctx == nil {
				ctx = t.Context()
			}
			_, err := f.book.Book(ctx, f.req)
			if tt.wantErr == nil && err != nil {
				t.Errorf("Book = %v, want success", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Book = %v, want an error matching %v", err, tt.wantErr)
			}
			if got := f.booked(t); got != tt.wantBooked {
				t.Errorf("the citizen has %d bookings, want %d", got, tt.wantBooked)
			}
		})
	}
}

func TestAFaultAppliesToAsManyCallsAsItsTimes(t *testing.T) {
	f := newFaultFixture(t)
	f.book.Set(tidbok.OpBook, faulty.Fault{Err: tidbok.ErrNotAllowed, Times: 2})
	for i := range 2 {
		if _, err := f.book.Book(t.Context(), f.req); !errors.Is(err, tidbok.ErrNotAllowed) {
			t.Fatalf("Book %d = %v, want the injected ErrNotAllowed", i+1, err)
		}
	}
	if _, err := f.book.Book(t.Context(), f.req); err != nil {
		t.Fatalf("Book 3 = %v, want success once the fault is used up", err)
	}
}

func TestFaultsTouchOnlyTheirOperation(t *testing.T) {
	f := newFaultFixture(t)
	f.book.Set(tidbok.OpCancel, faulty.Fault{Err: tidbok.ErrNotAllowed})
	if _, err := f.book.Book(t.Context(), f.req); err != nil {
		t.Fatalf("Book with a fault on Cancel = %v, want success", err)
	}
	f.book.Clear(tidbok.OpCancel)
	if got := f.booked(t); got != 1 {
		t.Errorf("the citizen has %d bookings, want 1", got)
	}
}

func TestAWrappedBookDeclaresTheBooksCapabilities(t *testing.T) {
	mem, _ := testbook.New(t)
	book := faulty.Wrap(mem)
	if got, want := book.Capabilities(), mem.Capabilities(); got != want {
		t.Errorf("Capabilities() = %v, want the wrapped book's %v", got, want)
	}
}

func TestAFaultCountsItsCallsExactlyUnderConcurrentUse(t *testing.T) {
	f := newFaultFixture(t)
	boom := errors.New("connection reset")
	f.book.Set(tidbok.OpSchedule, faulty.Fault{Err: boom, Times: 5})
	req := tidbok.ScheduleRequest{Facility: f.req.Timeslot.Facility, Subject: f.req.Timeslot.Subject}
	var (
		wg     sync.WaitGroup
		failed atomic.Int32
	)
	for range 20 {
		wg.Go(func() {
			_, err := f.book.Schedule(t.Context(), req)
			switch {
			case errors.Is(err, boom):
				failed.Add(1)
			case err != nil:
				t.Errorf("Schedule = %v, want success or the injected error", err)
			}
		})
		// Faults on other operations may change meanwhile.
		wg.Go(func() { f.book.Set(tidbok.OpCancel, faulty.Fault{Err: boom}) })
		wg.Go(func() { f.book.Clear(tidbok.OpCancel) })
	}
	wg.Wait()
	require.Equal(t, int32(5), failed.Load(), "calls that met the fault of Times 5")
}
