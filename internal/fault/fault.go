// Package fault injects faults into any tidbok.Tidbok, per operation: an
// error instead of the call, a delay before it, or a call whose answer is
// lost after the book committed it. memtidbok and tidboktest expose it
// under their own names; it lives here so that neither imports the other
// and memtidbok never imports a package that imports testing.
package fault

import (
	"context"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Fault is what happens to calls of one operation.
type Fault struct {
	// Err, when set, is returned instead of calling the book: nothing
	// happens in the book.
	Err error
	// Delay is waited before the call (or before returning Err). A context
	// that ends during the delay ends the call with the context's error,
	// and the book is not called.
	Delay time.Duration
	// LoseAnswer calls the book and then discards its answer: the caller
	// gets an error matching tidbok.ErrOutcomeUnknown although the book
	// committed the operation. This is what a timeout or a reset
	// connection after sending a write looks like.
	LoseAnswer bool
	// Times is how many calls the fault applies to; 0 means every call
	// until it is cleared.
	Times int
}

// Injector holds the faults of a book, one per operation. The zero value
// injects nothing. It is safe for concurrent use.
type Injector struct {
	mu     sync.Mutex
	faults map[tidbok.Operation]*Fault
}

// Set makes calls of op fail as f says, replacing any earlier fault of op.
func (in *Injector) Set(op tidbok.Operation, f Fault) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.faults == nil {
		in.faults = make(map[tidbok.Operation]*Fault)
	}
	in.faults[op] = &f
}

// Clear removes the fault of op.
func (in *Injector) Clear(op tidbok.Operation) {
	in.mu.Lock()
	defer in.mu.Unlock()
	delete(in.faults, op)
}

// ClearAll removes every fault.
func (in *Injector) ClearAll() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.faults = nil
}

// take returns the fault for one call of op, counting it down.
func (in *Injector) take(op tidbok.Operation) (Fault, bool) {
	if in == nil {
		return Fault{}, false
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	f, ok := in.faults[op]
	if !ok {
		return Fault{}, false
	}
	out := *f
	if f.Times > 0 {
		f.Times--
		if f.Times == 0 {
			delete(in.faults, op)
		}
	}
	return out, true
}

// Do runs call as the fault of op says. Books use it to wrap each
// operation; with no fault set it just calls call.
func Do[R any](ctx context.Context, in *Injector, op tidbok.Operation, call func() (R, error)) (R, error) {
	f, ok := in.take(op)
	if !ok {
		return call()
	}
	var zero R
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return zero, ctx.Err()
		case <-t.C:
		}
	}
	if f.Err != nil {
		return zero, f.Err
	}
	r, err := call()
	if f.LoseAnswer {
		return zero, &tidbok.OpError{Op: op, Err: tidbok.ErrOutcomeUnknown}
	}
	return r, err
}

// Wrap returns a book that behaves like b, with the faults of in.
func Wrap(b tidbok.Tidbok, in *Injector) tidbok.Tidbok {
	return &book{b: b, in: in}
}

type book struct {
	b  tidbok.Tidbok
	in *Injector
}

var _ tidbok.Tidbok = (*book)(nil)

func (w *book) Capabilities() tidbok.Capabilities { return w.b.Capabilities() }

func (w *book) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	return Do(ctx, w.in, tidbok.OpSchedule, func() (tidbok.ScheduleResult, error) { return w.b.Schedule(ctx, req) })
}

func (w *book) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	return Do(ctx, w.in, tidbok.OpBookingDetails, func() (tidbok.BookingDetailsResult, error) { return w.b.BookingDetails(ctx, req) })
}

func (w *book) TimeTypes(ctx context.Context, req tidbok.TimeTypesRequest) (tidbok.TimeTypesResult, error) {
	return Do(ctx, w.in, tidbok.OpTimeTypes, func() (tidbok.TimeTypesResult, error) { return w.b.TimeTypes(ctx, req) })
}

func (w *book) CareTypes(ctx context.Context, req tidbok.CareTypesRequest) (tidbok.CareTypesResult, error) {
	return Do(ctx, w.in, tidbok.OpCareTypes, func() (tidbok.CareTypesResult, error) { return w.b.CareTypes(ctx, req) })
}

func (w *book) Performers(ctx context.Context, req tidbok.PerformersRequest) (tidbok.PerformersResult, error) {
	return Do(ctx, w.in, tidbok.OpPerformers, func() (tidbok.PerformersResult, error) { return w.b.Performers(ctx, req) })
}

func (w *book) Facilities(ctx context.Context, req tidbok.FacilitiesRequest) (tidbok.FacilitiesResult, error) {
	return Do(ctx, w.in, tidbok.OpFacilities, func() (tidbok.FacilitiesResult, error) { return w.b.Facilities(ctx, req) })
}

func (w *book) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	return Do(ctx, w.in, tidbok.OpAvailableDates, func() (tidbok.AvailableDatesResult, error) { return w.b.AvailableDates(ctx, req) })
}

func (w *book) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	return Do(ctx, w.in, tidbok.OpAvailableTimeslots, func() (tidbok.AvailableTimeslotsResult, error) { return w.b.AvailableTimeslots(ctx, req) })
}

func (w *book) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	return Do(ctx, w.in, tidbok.OpBook, func() (tidbok.BookResult, error) { return w.b.Book(ctx, req) })
}

func (w *book) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	return Do(ctx, w.in, tidbok.OpReschedule, func() (tidbok.RescheduleResult, error) { return w.b.Reschedule(ctx, req) })
}

func (w *book) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	return Do(ctx, w.in, tidbok.OpCancel, func() (tidbok.CancelResult, error) { return w.b.Cancel(ctx, req) })
}
