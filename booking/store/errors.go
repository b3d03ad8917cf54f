package store

import "github.com/webbtidbok/webbtidbok/tidbok"

// The errors stores return for the conditions their interfaces name. The
// booking package returns the same values, so errors.Is matches them
// whichever package a caller names.
var (
	// ErrHeld means another subject of care holds the slot
	// ([Holds.Acquire]). It matches [tidbok.ErrSlotTaken].
	ErrHeld error = &sentinel{msg: "booking: slot held by another citizen", also: tidbok.ErrSlotTaken}

	// ErrHoldExpired means no hold has the token ([Holds.Get]), or
	// the hold ended.
	ErrHoldExpired error = &sentinel{msg: "booking: hold expired or unknown"}

	// ErrTooManyReschedules means the booking has been moved as often as
	// the limit allows ([Moves.Reserve]). It matches
	// [tidbok.ErrNotAllowed].
	ErrTooManyReschedules error = &sentinel{msg: "booking: booking moved too many times", also: tidbok.ErrNotAllowed}

	// ErrKeyTaken means a call lost its request key to a repeat that took
	// it over after the lease ([Keys.Update]). The repeat settles the
	// outcome.
	ErrKeyTaken error = &sentinel{msg: "booking: request key taken over by a repeated call"}
)

// sentinel is an error value that may also match one sentinel of another
// package, as tidbok.ErrNotSupported matches errors.ErrUnsupported.
type sentinel struct {
	msg  string
	also error
}

func (s *sentinel) Error() string { return s.msg }

// Is reports whether target is the sentinel of another package that s
// also means.
func (s *sentinel) Is(target error) bool { return s.also != nil && target == s.also }
