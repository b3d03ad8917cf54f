// Package faulty makes an appointment book fail on purpose: it wraps any
// [tidbok.Tidbok] (the in-memory book, a client of a remote book, a
// vendor's own) and makes chosen operations fail, wait, or commit and
// then lose their answer, as testing/iotest does for readers.
//
// Test authors use it to check how code that calls a book copes with what
// goes wrong on the way to a journal system: a refusal, a slow answer, a
// timeout after the booking was made. Because the wrapper knows nothing
// of the book inside, the same faults test a portal over memtidbok, over
// mvkclient or over a vendor's book.
//
//	book := faulty.Wrap(memtidbok.New())
//	book.Set(tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1})
//	// The next Book call books, but answers ErrOutcomeUnknown.
//
// Faults touch only the citizen side, the eleven operations of
// [tidbok.Tidbok]; whatever else the book inside offers (a staff side)
// is reached through the book itself, not through the wrapper.
package faulty

import (
	"context"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Fault is what happens to the calls of one operation. Its fields
// combine: a Delay is waited before an Err is returned or before the call
// whose answer LoseAnswer discards.
type Fault struct {
	// Err, when set, is returned instead of calling the book: nothing
	// happens in the book.
	Err error
	// Delay is waited before the call (or before returning Err). A
	// context that ends during the delay ends the call with the context's
	// error, and the book is not called.
	Delay time.Duration
	// LoseAnswer calls the book and then discards its answer: the caller
	// gets a *tidbok.OpError matching tidbok.ErrOutcomeUnknown whatever
	// the book answered, so a write the book committed looks undone. This
	// is what a timeout or a reset connection after sending a write looks
	// like.
	LoseAnswer bool
	// Times is how many calls the fault applies to, after which it is
	// cleared; 0 means every call until it is cleared.
	Times int
}

// Book is a [tidbok.Tidbok] that behaves like the book it wraps except
// for the faults set on it, one per operation. It declares the wrapped
// book's capabilities. With no fault set, every call goes straight to the
// wrapped book.
//
// A Book is safe for concurrent use, and faults may be set and cleared
// while it is in use. Make one with [Wrap].
type Book struct {
	book tidbok.Tidbok

	mu     sync.Mutex
	faults map[tidbok.Operation]*Fault
}

var _ tidbok.Tidbok = (*Book)(nil)

// Wrap returns a Book that passes every call to b until a fault is set.
func Wrap(b tidbok.Tidbok) *Book { return &Book{book: b} }

// Set makes the calls of op behave as f says, replacing any earlier fault
// of op.
func (b *Book) Set(op tidbok.Operation, f Fault) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.faults == nil {
		b.faults = make(map[tidbok.Operation]*Fault)
	}
	b.faults[op] = &f
}

// Clear removes the fault of op, if any.
func (b *Book) Clear(op tidbok.Operation) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.faults, op)
}

// ClearAll removes every fault.
func (b *Book) ClearAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.faults = nil
}

// take returns the fault for one call of op, counting it down.
func (b *Book) take(op tidbok.Operation) (Fault, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f, ok := b.faults[op]
	if !ok {
		return Fault{}, false
	}
	out := *f
	if f.Times > 0 {
		f.Times--
		if f.Times == 0 {
			delete(b.faults, op)
		}
	}
	return out, true
}

// do runs call as the fault of op says.
func do[R any](ctx context.Context, b *Book, op tidbok.Operation, call func() (R, error)) (R, error) {
	f, ok := b.take(op)
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
