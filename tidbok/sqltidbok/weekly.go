package sqltidbok

import (
	"context"
	"database/sql"
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
// year cannot fill the database.
const maxTemplateDays = 10 * 366

// maxTemplateSlots bounds the slots one template publishes, for the same
// reason: a slot length in seconds instead of minutes would otherwise
// publish millions.
const maxTemplateSlots = 10_000_000

// slotsPerInsert is how many slots one INSERT carries: 11 values each,
// well below the parameter limits of SQLite (32766) and PostgreSQL (65535).
const slotsPerInsert = 500

// PublishWeekly publishes the slots t describes, all or none, and returns
// how many.
//
// Times are Swedish wall-clock times (Europe/Stockholm), so a slot at
// 08:00 is at 08:00 in winter and in summer. A slot whose local start or
// end falls in the hour skipped when clocks go forward (the last Sunday
// of March, 02:00–03:00) or repeated when they go back (the last Sunday
// of October, 02:00–03:00) is left out, because that wall time names no
// instant or two. A slot spanning the change keeps its wall times, so it
// is an hour shorter or longer.
func (b *Book) PublishWeekly(ctx context.Context, t Template) (n int, err error) {
	const op = "publish weekly"
	var p tidbok.Problems
	known, err := b.checkFacility(ctx, &p, "Facility", t.Facility)
	if err != nil {
		return 0, wrapDB(op, err)
	}
	checkDate(&p, "From", t.From)
	checkDate(&p, "To", t.To)
	if t.From.Valid() && t.To.Valid() {
		switch days := t.To.DaysSince(t.From); {
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
		days := int64(t.To.DaysSince(t.From)) + 1
		if perDay > 0 && days*perDay > maxTemplateSlots {
			p.Add("Length", "%v slots every %v would make up to %d slots: a template publishes at most %d", t.Length, interval, days*perDay, maxTemplateSlots)
		}
	}
	a := attributes{timeType: t.TimeTypeID, careType: t.CareTypeID, performer: t.Performer.String(), resource: t.ResourceID}
	if err := b.resolve(ctx, &p, known, t.Facility, a); err != nil {
		return 0, wrapDB(op, err)
	}
	if err := problems(op, &p); err != nil {
		return 0, err
	}

	var rows [][]any
	for d := t.From; !d.After(t.To); d = d.AddDays(1) {
		if !weekdays[d.Start().Weekday()] {
			continue
		}
		for off := t.DayStart; off+t.Length <= t.DayEnd; off += interval {
			start, ok1 := wallInstant(d, off)
			end, ok2 := wallInstant(d, off+t.Length)
			if ok1 && ok2 {
				rows = append(rows, newSlot(newID(slotPrefix), t.Facility, start, end, a, !t.StaffOnly, nil))
			}
		}
	}
	err = b.inTx(ctx, func(tx *sql.Tx) error {
		// All or none: a retried transaction starts again from the
		// first slot.
		for rest := rows; len(rest) > 0; {
			k := min(len(rest), slotsPerInsert)
			args := make([]any, 0, k*slotColumnCount)
			for _, r := range rest[:k] {
				args = append(args, r...)
			}
			// Sent as text: a statement this size is seldom run twice.
			if _, err := tx.ExecContext(ctx, b.q(insertSlots(k)), args...); err != nil {
				return err
			}
			rest = rest[k:]
		}
		return nil
	})
	if err != nil {
		return 0, wrapDB(op, err)
	}
	return len(rows), nil
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

// wallInstant returns the instant at which Swedish clocks show date d
// plus off (which may reach into the next day), and false when no instant
// or two instants show that wall time because the clocks change around
// it. Swedish clocks change by one hour, so a second instant showing the
// same wall time lies an hour before or after the first.
func wallInstant(d tidbok.Date, off time.Duration) (time.Time, bool) {
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

// showsWall reports whether Swedish clocks show at t the wall time that
// w shows in UTC.
func showsWall(t, w time.Time) bool {
	t = t.In(tidbok.Stockholm())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := w.Date()
	return y1 == y2 && m1 == m2 && d1 == d2 && t.Hour() == w.Hour() && t.Minute() == w.Minute() &&
		t.Second() == w.Second() && t.Nanosecond() == w.Nanosecond()
}
