package tidboktest

import (
	"github.com/webbtidbok/webbtidbok/internal/fault"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Faults holds the faults injected into a book made by [WithFaults], one
// per operation: set one with Set(op, Fault{…}), remove it with Clear or
// ClearAll. The zero value injects nothing; it is safe for concurrent use,
// so faults may be changed while the book is in use.
type Faults = fault.Injector

// Fault is what happens to the calls of one operation of a book made by
// [WithFaults]: an error instead of the call (Err), a wait before it
// (Delay, cut short by the caller's context), or a call whose answer is
// lost after the book committed it (LoseAnswer, which answers an error
// matching [tidbok.ErrOutcomeUnknown]), for a number of calls (Times, 0
// for every call).
type Fault = fault.Fault

// WithFaults returns a book that behaves like b except for the faults set
// in the returned [*Faults], and that declares b's capabilities. It works
// around any book: the in-memory one, a client of a remote book or a
// vendor's own, so that the code under test meets the same faults over
// each.
//
// A test of how a portal handles a booking whose answer was lost:
//
//	book, faults := tidboktest.WithFaults(memtidbok.New())
//	faults.Set(tidbok.OpBook, tidboktest.Fault{LoseAnswer: true, Times: 1})
//	// The booking is made, but Book answers ErrOutcomeUnknown; the
//	// portal must read the schedule rather than book again.
func WithFaults(b tidbok.Tidbok) (tidbok.Tidbok, *Faults) {
	in := new(Faults)
	return fault.Wrap(b, in), in
}
