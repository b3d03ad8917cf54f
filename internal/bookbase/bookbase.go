// Package bookbase is what the in-memory book (tidbok/memtidbok) and the
// SQL book (tidbok/sqltidbok) share, so that a citizen sees the same
// whichever book the clinic runs (their texts for the citizen are the
// catalogue's, package tidbok/texts): the errors of the staff side, the
// settings their options make (clock, capabilities, flag policy) with the
// rule that computes a booking's flags, and the staff side's checks of
// its input, weekly expansion and views' order.
package bookbase

import (
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// OpErr returns the error of op refused with sentinel and the citizen's
// text.
func OpErr(op tidbok.Operation, sentinel error, text string) error {
	return &tidbok.OpError{Op: op, Err: sentinel, Text: text}
}

// StaffError is the error of a staff method: what was done (Op, in the
// book package Pkg), and the problems found (matching tidbok.ErrInvalid or
// tidbok.ErrNotFound) or the reason it was refused.
type StaffError struct {
	Pkg, Op string
	Err     error
}

func (e *StaffError) Error() string {
	return e.Pkg + ": " + e.Op + ": " + tidbok.Detail(e.Err)
}

func (e *StaffError) Unwrap() error { return e.Err }

// Problems returns p's error as a staff error of pkg for op, or nil.
func Problems(pkg, op string, p *tidbok.Problems) error {
	if err := p.Err(); err != nil {
		return &StaffError{Pkg: pkg, Op: op, Err: err}
	}
	return nil
}

// Missing is a problem with a staff method's input: it names something the
// book does not have. It matches tidbok.ErrNotFound.
type Missing struct {
	Field, Problem string
}

func (e *Missing) Error() string { return "unknown " + e.Field + ": " + e.Problem }
func (e *Missing) Unwrap() error { return tidbok.ErrNotFound }

// Refused is a staff method's refusal of an operation the book's state
// forbids; it wraps a sentinel.
type Refused struct {
	Why string
	Err error
}

func (e *Refused) Error() string { return e.Why }
func (e *Refused) Unwrap() error { return e.Err }

// Config is what a book's options set. Its zero value means every
// default.
type Config struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Caps are the operations supported, when CapsSet; otherwise all.
	Caps    tidbok.Capabilities
	CapsSet bool
	// Policy computes the flags of bookings staff set none for; nil
	// allows everything the book supports.
	Policy staff.FlagPolicy
	// MeterProvider makes a book's own metrics; nil means otel's global
	// one.
	MeterProvider metric.MeterProvider
	// TracerProvider makes a book's own spans; nil means otel's global
	// one.
	TracerProvider trace.TracerProvider
}

// SetCaps makes the book support exactly caps, plus Schedule,
// which every book must support.
func (c *Config) SetCaps(caps tidbok.Capabilities) {
	c.Caps, c.CapsSet = caps.With(tidbok.OpSchedule), true
}

// Clock returns the time by the configured clock.
func (c *Config) Clock() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// Capabilities returns the operations the book supports.
func (c *Config) Capabilities() tidbok.Capabilities {
	if !c.CapsSet {
		return tidbok.AllCapabilities
	}
	return c.Caps
}

// Flags computes a booking's flags: staff's (own, nil when none), else
// the policy's for ts as the citizen sees it, else everything; limited to
// the book's capabilities — MayCancel and MayMessage need Cancel,
// MayReschedule needs Reschedule.
func (c *Config) Flags(own *tidbok.Flags, ts tidbok.Timeslot, now time.Time) tidbok.Flags {
	var f tidbok.Flags
	switch {
	case own != nil:
		f = *own
	case c.Policy != nil:
		ts.Flags = tidbok.Flags{}
		f = c.Policy(ts, now)
	default:
		f = tidbok.Flags{MayCancel: true, MayReschedule: true, MayMessage: true}
	}
	caps := c.Capabilities()
	f.MayCancel = f.MayCancel && caps.Has(tidbok.OpCancel)
	f.MayMessage = f.MayMessage && caps.Has(tidbok.OpCancel)
	f.MayReschedule = f.MayReschedule && caps.Has(tidbok.OpReschedule)
	return f
}
