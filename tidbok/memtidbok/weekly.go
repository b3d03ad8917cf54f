package memtidbok

import (
	"slices"
	"time"

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

// maxTemplateDays bounds a template's date range, so that a typo in a
// year cannot fill memory.
const maxTemplateDays = 10 * 366

// maxTemplateSlots bounds the slots one template publishes, for the same
// reason: a slot length in seconds instead of minutes would otherwise
// take all memory.
const maxTemplateSlots = 10_000_000

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
	checkDate(&p, "From", t.From)
	checkDate(&p, "To", t.To)
	if t.From.Valid() && t.To.Valid() {
		switch days := dayNumber(t.To) - dayNumber(t.From); {
		case days < 0:
			p.Add("To", "%s is before From %s", t.To, t.From)
		case days >= maxTemplateDays:
			p.Add("To", "is %d days after From: a template spans at most 10 years", days)
		}
	}
	var weekdays [7]bool
	if len(t.Weekdays) == 0 {
		p.Add("Weekdays", "is empty: name the days of the week with slots")
	}
	for _, w := range t.Weekdays {
		if w < time.Sunday || w > time.Saturday {
			p.Add("Weekdays", "%d is not a day of the week", w)
			continue
		}
		weekdays[w] = true
	}
	if t.DayStart < 0 || t.DayStart >= 24*time.Hour {
		p.Add("DayStart", "%v is not a time of day: use 0 to 24h", t.DayStart)
	}
	if t.DayEnd <= 0 || t.DayEnd > 24*time.Hour {
		p.Add("DayEnd", "%v is not a time of day: use 0 to 24h", t.DayEnd)
	} else if t.DayEnd <= t.DayStart {
		p.Add("DayEnd", "must be after DayStart")
	}
	if t.Length <= 0 {
		p.Add("Length", "is required: the length of each slot")
	}
	interval := t.Interval
	if interval == 0 {
		interval = t.Length
	}
	if t.Interval < 0 || (t.Interval > 0 && t.Interval < t.Length) {
		p.Add("Interval", "%v is shorter than Length %v: slots would overlap", t.Interval, t.Length)
	}
	if p.Len() == 0 {
		perDay := int64((t.DayEnd-t.DayStart-t.Length)/interval) + 1
		days := int64(dayNumber(t.To)-dayNumber(t.From)) + 1
		if perDay > 0 && days*perDay > maxTemplateSlots {
			p.Add("Length", "%v slots every %v would make up to %d slots: a template publishes at most %d", t.Length, interval, days*perDay, maxTemplateSlots)
		}
	}
	k := f.resolve(&p, t.TimeTypeID, t.CareTypeID, t.Performer, t.ResourceID)
	if err := problems("publish weekly", &p); err != nil {
		return 0, err
	}

	type planned struct {
		date       tidbok.Date
		start, end int64
	}
	var plan []planned
	l := loc()
	for d := t.From; !d.After(t.To); d = d.AddDays(1) {
		if !weekdays[d.Start().Weekday()] {
			continue
		}
		for off := t.DayStart; off+t.Length <= t.DayEnd; off += interval {
			start, ok1 := wallInstant(d, off, l)
			end, ok2 := wallInstant(d, off+t.Length, l)
			if ok1 && ok2 {
				plan = append(plan, planned{d, start.UnixNano(), end.UnixNano()})
			}
		}
	}
	if len(b.slots)+len(plan) > maxSlots {
		return 0, &staffError{op: "publish weekly", err: &refused{why: "the book would hold more slots than it can", err: tidbok.ErrNotAllowed}}
	}
	var st slotState
	if t.StaffOnly {
		st |= staffOnly
	}
	g := f.group(k)
	b.slots = slices.Grow(b.slots, len(plan))
	var batch []entry
	for j, pl := range plan {
		i := b.addSlot(f, g, pl.start, pl.end, st, nil)
		batch = append(batch, b.entry(i))
		if j+1 == len(plan) || plan[j+1].date != pl.date {
			merge(f.dayFor(pl.date), batch)
			batch = batch[:0]
		}
	}
	return len(plan), nil
}

func checkDate(p *tidbok.Problems, field string, d tidbok.Date) {
	switch {
	case d.IsZero():
		p.Add(field, "is required")
	case !d.Valid():
		p.Add(field, "is not a calendar date")
	case d.Year < 1700 || d.Year >= 2250:
		p.Add(field, "%s is outside the years 1700–2249 the book keeps", d)
	}
}

// wallInstant returns the instant at which the wall clock in l shows date
// d plus off (which may run into the next day), and false when that wall
// time is skipped or repeated by a change of the clock.
func wallInstant(d tidbok.Date, off time.Duration, l *time.Location) (time.Time, bool) {
	wall := time.Date(int(d.Year), time.Month(d.Month), int(d.Day), 0, 0, 0, 0, time.UTC).Add(off)
	// Every instant showing this wall time lies within a day of it read
	// as UTC; try the offsets in force at both ends of that window.
	_, before := wall.Add(-26 * time.Hour).In(l).Zone()
	_, after := wall.Add(26 * time.Hour).In(l).Zone()
	var found []time.Time
	for _, o := range []int{before, after} {
		t := wall.Add(-time.Duration(o) * time.Second).In(l)
		if sameWall(t, wall) && !slices.ContainsFunc(found, t.Equal) {
			found = append(found, t)
		}
	}
	if len(found) != 1 {
		return time.Time{}, false
	}
	return found[0], true
}

// sameWall reports whether t (in its location) shows the wall time of w
// (in UTC).
func sameWall(t, w time.Time) bool {
	y1, m1, d1 := t.Date()
	y2, m2, d2 := w.Date()
	h1, n1, s1 := t.Clock()
	h2, n2, s2 := w.Clock()
	return y1 == y2 && m1 == m2 && d1 == d2 && h1 == h2 && n1 == n2 && s1 == s2 && t.Nanosecond() == w.Nanosecond()
}
