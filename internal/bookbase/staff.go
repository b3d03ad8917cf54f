package bookbase

import (
	"cmp"
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/weekly"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// What the books' staff sides share: the checks of their input, the
// expansion of a weekly template and the order of their views.

// earliest and latest bound the instants a book keeps (unix nanoseconds
// in an int64).
var (
	earliest = time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(2250, 1, 1, 0, 0, 0, 0, time.UTC)
)

// CheckSpan records problems with a required start and end.
func CheckSpan(p *tidbok.Problems, startField, endField string, start, end time.Time) {
	for _, t := range []struct {
		field string
		t     time.Time
	}{{startField, start}, {endField, end}} {
		switch {
		case t.t.IsZero():
			p.Add(t.field, "is required")
		case t.t.Before(earliest) || !t.t.Before(latest):
			p.Add(t.field, "%s is outside the years 1700–2249 the book keeps", t.t.Format(time.RFC3339))
		}
	}
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		p.Add(endField, "must be after %s", startField)
	}
}

// RequireText records a problem with field when v is empty; what says what
// the field holds.
func RequireText(p *tidbok.Problems, field, v, what string) {
	if v == "" {
		p.Add(field, "is required: %s", what)
	}
}

// CheckInvitee records problems with an invitation's subject and, for a
// timed invitation, its time, and reports whether it is timed.
func CheckInvitee(p *tidbok.Problems, s staff.InvitationSpec) (timed bool) {
	if s.Subject.IsZero() {
		p.Add("Subject", "is required: the personal identity number of the citizen invited")
	}
	timed = !s.Start.IsZero() || !s.End.IsZero()
	if timed {
		CheckSpan(p, "Start", "End", s.Start, s.End)
	}
	return timed
}

// CheckPurpose records a problem when an invitation has no text.
func CheckPurpose(p *tidbok.Problems, s staff.InvitationSpec) {
	RequireText(p, "Purpose", s.Purpose, "the invitation text shown to the citizen")
}

// Pattern is t's timing, which internal/weekly checks and expands.
func Pattern(t staff.Template) weekly.Pattern {
	return weekly.Pattern{From: t.From, To: t.To, Weekdays: t.Weekdays, DayStart: t.DayStart, DayEnd: t.DayEnd, Length: t.Length, Interval: t.Interval}
}

// SortBookings orders bookings by start, then ID, with open invitations
// last.
func SortBookings(bs []staff.Booking) {
	slices.SortFunc(bs, func(x, y staff.Booking) int { return CompareBookings(x.Timeslot, y.Timeslot) })
}

// CompareBookings orders bookings by start, then ID, with open
// invitations last.
func CompareBookings(x, y tidbok.Timeslot) int {
	if xo, yo := x.Start.IsZero(), y.Start.IsZero(); xo != yo {
		if xo {
			return 1
		}
		return -1
	}
	if c := x.Start.Compare(y.Start); c != 0 {
		return c
	}
	return cmp.Compare(x.ID, y.ID)
}

// Hold marks ds as held by the booking id, seen by the citizen as bt.
func Hold(ds *staff.DaySlot, id string, bt tidbok.Timeslot) {
	ds.Booked = true
	ds.BookingID = id
	ds.Subject, ds.Reason, ds.Purpose = bt.Subject, bt.Reason, bt.Purpose
	ds.Invitation, ds.Flags = bt.Invitation, bt.Flags
}

// Nanos returns t in unix nanoseconds, clamped to the instants a book
// keeps, so that a bound far in the past or future still works.
func Nanos(t time.Time) int64 {
	switch {
	case t.Before(earliest):
		return earliest.UnixNano()
	case t.After(latest):
		return latest.UnixNano()
	}
	return t.UnixNano()
}
