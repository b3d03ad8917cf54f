package memtidbok

import (
	"time"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Option configures a Book made by New. Options are applied in order; when
// two set the same thing, the last one wins.
type Option func(*config)

// config is what the options set. Its zero value means every default.
type config = bookbase.Config

// WithClock makes the book read the time from now instead of time.Now. The
// book never offers or books a slot that has started by this clock, and
// stamps bookings with it. A nil now means time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.Now = now }
}

// WithCapabilities makes the book support exactly the operations in caps,
// plus Schedule, which every book must support. The operations left out
// return an error matching [tidbok.ErrNotSupported] and do nothing else,
// and flags never allow what the book cannot do: MayCancel and MayMessage
// need Cancel, MayReschedule needs Reschedule. The default is
// [tidbok.AllCapabilities].
func WithCapabilities(caps tidbok.Capabilities) Option {
	return func(c *config) { c.Caps, c.CapsSet = caps.With(tidbok.OpSchedule), true }
}

// WithFlagPolicy makes the book compute the flags of bookings with p
// whenever it reads or writes a booking whose flags staff did not set (see
// [SlotSpec.Flags], [InvitationSpec.Flags] and [Book.SetFlags]). The
// default policy allows cancelling, sending a message and rescheduling
// whenever the book supports the operation. A nil p means the default.
func WithFlagPolicy(p FlagPolicy) Option {
	return func(c *config) { c.Policy = p }
}

// FlagPolicy computes the flags of a booking: the rules of the clinic, e.g.
// "no cancelling within 24 hours". It gets the booking (Flags unset) and
// the book's current time. The book then takes away what its capabilities
// do not support. A FlagPolicy is called with the book locked: it must be
// quick and must not call the book.
type FlagPolicy func(b tidbok.Timeslot, now time.Time) tidbok.Flags
