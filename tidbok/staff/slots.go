package staff

import (
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// SlotSpec describes a slot for [Book.Publish]. The facility and every
// type, performer and resource it names must have been added to the book.
// The zero value of an optional field means none.
type SlotSpec struct {
	// Facility is the clinic; required.
	Facility tidbok.HSAID
	// Start and End are the slot's first instant and the first instant
	// after it; required, End after Start, within the years 1700–2249.
	// Books keep them to the nanosecond (the wire carries whole seconds).
	Start, End time.Time
	// TimeTypeID is the slot's time type; required.
	TimeTypeID string
	// CareTypeID is the slot's care type; optional.
	CareTypeID string
	// Performer is the slot's clinician; optional.
	Performer tidbok.HSAID
	// ResourceID is the slot's room or equipment; optional.
	ResourceID string
	// StaffOnly keeps the slot from citizens: it is never offered or
	// booked on the web, though staff see it and invitations may use it.
	StaffOnly bool
	// Flags, when not nil, are the flags every booking of the slot gets,
	// instead of the book's FlagPolicy.
	Flags *tidbok.Flags
}

// Template describes a weekly pattern of slots for [Book.PublishWeekly],
// in Swedish wall-clock time: on each of Weekdays from From to To, slots
// of Length from DayStart, one every Interval, the last ending by DayEnd.
//
// Times are Swedish wall-clock times (Europe/Stockholm), so a slot at
// 08:00 is at 08:00 in winter and in summer. A slot whose local start or
// end falls in the hour skipped when clocks go forward (the last Sunday of
// March, 02:00–03:00) or repeated when they go back (the last Sunday of
// October, 02:00–03:00) is left out, because that wall time names no
// instant or two. A slot spanning the change keeps its wall times, so it
// is an hour shorter or longer.
type Template struct {
	// Facility is the clinic; required.
	Facility tidbok.HSAID
	// From and To are the first and last date (inclusive); required.
	From, To tidbok.Date
	// Weekdays are the days of the week with slots; at least one.
	Weekdays []time.Weekday
	// DayStart and DayEnd bound the slots as durations since local
	// midnight, e.g. 8*time.Hour and 16*time.Hour; 0 ≤ DayStart < DayEnd ≤
	// 24h.
	DayStart, DayEnd time.Duration
	// Length is the length of each slot; required.
	Length time.Duration
	// Interval is the time from one slot's start to the next's; 0 means
	// Length. It may not be shorter than Length.
	Interval time.Duration
	// TimeTypeID, CareTypeID, Performer, ResourceID and StaffOnly are as
	// in SlotSpec.
	TimeTypeID string
	CareTypeID string
	Performer  tidbok.HSAID
	ResourceID string
	StaffOnly  bool
}
