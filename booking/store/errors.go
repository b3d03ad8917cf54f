package store

import (
	"fmt"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The errors stores return for the conditions their interfaces name. The
// booking package returns the same values, so errors.Is matches them
// whichever package a caller names.
var (
	// ErrHeld means another subject of care holds the slot
	// ([Holds.Acquire]). It matches [tidbok.ErrSlotTaken].
	ErrHeld error = &sentinel{what: "slot held by another citizen", also: tidbok.ErrSlotTaken}

	// ErrHoldExpired means no hold has the token ([Holds.Get]), or
	// the hold ended.
	ErrHoldExpired error = &sentinel{what: "hold expired or unknown"}

	// ErrTooManyReschedules means the booking has been moved as often as
	// the limit allows ([Moves.Reserve]). It matches
	// [tidbok.ErrNotAllowed].
	ErrTooManyReschedules error = &sentinel{what: "booking moved too many times", also: tidbok.ErrNotAllowed}

	// ErrKeyTaken means a call lost its request key to a repeat that took
	// it over after the lease ([Keys.Update]). The repeat settles the
	// outcome.
	ErrKeyTaken error = &sentinel{what: "request key taken over by a repeated call"}
)

// sentinel is an error value that may also match one sentinel of another
// package, as tidbok.ErrNotSupported matches errors.ErrUnsupported.
type sentinel struct {
	what string
	also error
}

func (s *sentinel) Error() string  { return "booking: " + s.what }
func (s *sentinel) detail() string { return s.what }

// Is reports whether target is the sentinel of another package that s
// also means.
func (s *sentinel) Is(target error) bool { return s.also != nil && target == s.also }

// Because returns an error that matches sentinel, one of the errors
// above or of package tidbok, and says why, formatted with
// [fmt.Sprintf]: "booking: slot held by another citizen: until …". A
// store returns it where a bare sentinel would say too little.
func Because(sentinel error, format string, args ...any) error {
	return &reason{err: sentinel, why: fmt.Sprintf(format, args...)}
}

type reason struct {
	err error
	why string
}

func (e *reason) Error() string  { return "booking: " + e.detail() }
func (e *reason) detail() string { return Detail(e.err) + ": " + e.why }
func (e *reason) Unwrap() error  { return e.err }

// Detail returns err's message as an error that wraps err and says the
// prefix "booking: " itself says it after its prefix, so that the prefix
// is not repeated: for an error of this package, its message without the
// prefix, built from its parts; for an error of package tidbok, without
// "tidbok: " ([tidbok.Detail]); for any other, its message. A wrapper
// whose message is that of the error it wraps says what that error says.
func Detail(err error) string {
	for err != nil {
		if d, ok := err.(interface{ detail() string }); ok {
			return d.detail()
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok || u.Unwrap() == nil || u.Unwrap().Error() != err.Error() {
			break
		}
		err = u.Unwrap()
	}
	return tidbok.Detail(err)
}
