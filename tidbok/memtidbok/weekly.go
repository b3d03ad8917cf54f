package memtidbok

import (
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/internal/weekly"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Template describes a weekly pattern of slots for PublishWeekly, in
// Swedish wall-clock time: on each of Weekdays from From to To, slots of
// Length from DayStart, one every Interval, the last ending by DayEnd.
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

// PublishWeekly publishes the slots t describes and returns how many.
//
// Times are Swedish wall-clock times (Europe/Stockholm), so a slot at
// 08:00 is at 08:00 in winter and in summer. A slot whose local start or
// end falls in the hour skipped when clocks go forward (the last Sunday
// of March, 02:00–03:00) or repeated when they go back (the last Sunday
// of October, 02:00–03:00) is left out, because that wall time names no
// instant or two. A slot spanning the change keeps its wall times, so it
// is an hour shorter or longer.
func (b *Book) PublishWeekly(t Template) (n int, err error) {
	var p tidbok.Problems
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.lookupFacility(&p, "Facility", t.Facility)
	pattern := t.pattern()
	pattern.Check(&p)
	k := f.resolve(&p, t.TimeTypeID, t.CareTypeID, t.Performer, t.ResourceID)
	if err := problems("publish weekly", &p); err != nil {
		return 0, err
	}

	plan := pattern.Slots()
	if len(b.slots)+len(plan) > maxSlots {
		return 0, &bookbase.StaffError{Pkg: "memtidbok", Op: "publish weekly", Err: &bookbase.Refused{Why: "the book would hold more slots than it can", Err: tidbok.ErrNotAllowed}}
	}
	var st slotState
	if t.StaffOnly {
		st |= staffOnly
	}
	g := f.group(k)
	b.slots = slices.Grow(b.slots, len(plan))
	var batch []entry
	for j, pl := range plan {
		i := b.addSlot(f, g, pl.Start.UnixNano(), pl.End.UnixNano(), st, nil)
		batch = append(batch, b.entry(i))
		if j+1 == len(plan) || plan[j+1].Date != pl.Date {
			merge(f.dayFor(pl.Date), batch)
			batch = batch[:0]
		}
	}
	return len(plan), nil
}

// pattern is t's timing, which internal/weekly checks and expands.
func (t Template) pattern() weekly.Pattern {
	return weekly.Pattern{From: t.From, To: t.To, Weekdays: t.Weekdays, DayStart: t.DayStart, DayEnd: t.DayEnd, Length: t.Length, Interval: t.Interval}
}
