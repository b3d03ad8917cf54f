// Package weekly expands a weekly pattern of slots in Swedish wall-clock
// time into instants. memtidbok and sqltidbok publish from it, so that a
// clinic's template means the same slots in either book.
package weekly

import (
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// MaxDays bounds a pattern's date range, so that a typo in a year cannot
// fill a book.
const MaxDays = 10 * 366

// MaxSlots bounds the slots one pattern makes, for the same reason: a slot
// length in seconds instead of minutes would otherwise make millions.
const MaxSlots = 10_000_000

// Pattern is the timing part of a staff.Template: on each of Weekdays from
// From to To, slots of Length from DayStart, one every Interval (0 means
// Length), the last ending by DayEnd; durations are since local midnight.
type Pattern struct {
	From, To         tidbok.Date
	Weekdays         []time.Weekday
	DayStart, DayEnd time.Duration
	Length           time.Duration
	Interval         time.Duration
}

// Check records every problem of pt in p, naming the fields as
// staff.Template names them.
func (pt Pattern) Check(p *tidbok.Problems) {
	CheckDate(p, "From", pt.From)
	CheckDate(p, "To", pt.To)
	if pt.From.Valid() && pt.To.Valid() {
		switch days := pt.To.DaysSince(pt.From); {
		case days < 0:
			p.Add("To", "%s is before From %s", pt.To, pt.From)
		case days >= MaxDays:
			p.Add("To", "is %d days after From: a template spans at most 10 years", days)
		}
	}
	if len(pt.Weekdays) == 0 {
		p.Add("Weekdays", "is empty: name the days of the week with slots")
	}
	for _, w := range pt.Weekdays {
		if w < time.Sunday || w > time.Saturday {
			p.Add("Weekdays", "%d is not a day of the week", w)
		}
	}
	if pt.DayStart < 0 || pt.DayStart >= 24*time.Hour {
		p.Add("DayStart", "%v is not a time of day: use 0 to 24h", pt.DayStart)
	}
	if pt.DayEnd <= 0 || pt.DayEnd > 24*time.Hour {
		p.Add("DayEnd", "%v is not a time of day: use 0 to 24h", pt.DayEnd)
	} else if pt.DayEnd <= pt.DayStart {
		p.Add("DayEnd", "must be after DayStart")
	}
	if pt.Length <= 0 {
		p.Add("Length", "is required: the length of each slot")
	}
	if pt.Interval < 0 || (pt.Interval > 0 && pt.Interval < pt.Length) {
		p.Add("Interval", "%v is shorter than Length %v: slots would overlap", pt.Interval, pt.Length)
	}
	if p.Len() == 0 {
		interval := pt.interval()
		perDay := int64((pt.DayEnd-pt.DayStart-pt.Length)/interval) + 1
		days := int64(pt.To.DaysSince(pt.From)) + 1
		if perDay > 0 && days*perDay > MaxSlots {
			p.Add("Length", "%v slots every %v would make up to %d slots: a template publishes at most %d", pt.Length, interval, days*perDay, MaxSlots)
		}
	}
}

func (pt Pattern) interval() time.Duration {
	if pt.Interval == 0 {
		return pt.Length
	}
	return pt.Interval
}

// Slot is one slot of a pattern: its Swedish date and its instants.
type Slot struct {
	Date       tidbok.Date
	Start, End time.Time
}

// Slots returns the pattern's slots in order. Call it only on a pattern
// Check found no problem with.
//
// A slot whose local start or end falls in the hour skipped when clocks go
// forward or repeated when they go back is left out, because that wall
// time names no instant or two. A slot spanning the change keeps its wall
// times, so it is an hour shorter or longer.
func (pt Pattern) Slots() []Slot {
	var weekdays [7]bool
	for _, w := range pt.Weekdays {
		weekdays[w] = true
	}
	interval := pt.interval()
	var out []Slot
	for d := pt.From; !d.After(pt.To); d = d.AddDays(1) {
		if !weekdays[d.Start().Weekday()] {
			continue
		}
		for off := pt.DayStart; off+pt.Length <= pt.DayEnd; off += interval {
			start, ok1 := WallInstant(d, off)
			end, ok2 := WallInstant(d, off+pt.Length)
			if ok1 && ok2 {
				out = append(out, Slot{Date: d, Start: start, End: end})
			}
		}
	}
	return out
}

// CheckDate records a problem unless d is a calendar date within the years
// the books keep.
func CheckDate(p *tidbok.Problems, field string, d tidbok.Date) {
	switch {
	case d.IsZero():
		p.Add(field, "is required")
	case !d.Valid():
		p.Add(field, "is not a calendar date")
	case d.Year < 1700 || d.Year >= 2250:
		p.Add(field, "%s is outside the years 1700–2249 the book keeps", d)
	}
}

// WallInstant returns the instant at which Swedish clocks show date d plus
// off (which may reach into the next day), and false when no instant or
// two instants show that wall time because the clocks change around it.
// Swedish clocks change by one hour, so a second instant showing the same
// wall time lies an hour before or after the first.
func WallInstant(d tidbok.Date, off time.Duration) (time.Time, bool) {
	civil := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Add(off)
	loc := tidbok.Stockholm()
	t := time.Date(civil.Year(), civil.Month(), civil.Day(), civil.Hour(), civil.Minute(), civil.Second(), civil.Nanosecond(), loc)
	if !showsWall(t, civil) {
		return time.Time{}, false // skipped: time.Date normalised it away
	}
	if showsWall(t.Add(-time.Hour), civil) || showsWall(t.Add(time.Hour), civil) {
		return time.Time{}, false // repeated
	}
	return t, true
}

// showsWall reports whether Swedish clocks show at t the wall time that w
// shows in UTC.
func showsWall(t, w time.Time) bool {
	t = t.In(tidbok.Stockholm())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := w.Date()
	return y1 == y2 && m1 == m2 && d1 == d2 && t.Hour() == w.Hour() && t.Minute() == w.Minute() &&
		t.Second() == w.Second() && t.Nanosecond() == w.Nanosecond()
}
