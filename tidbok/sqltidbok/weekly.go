package sqltidbok

import (
	"context"
	"database/sql"
	"time"

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
	pattern := t.pattern()
	pattern.Check(&p)
	a := attributes{timeType: t.TimeTypeID, careType: t.CareTypeID, performer: t.Performer.String(), resource: t.ResourceID}
	if err := b.resolve(ctx, &p, known, t.Facility, a); err != nil {
		return 0, wrapDB(op, err)
	}
	if err := problems(op, &p); err != nil {
		return 0, err
	}

	var rows [][]any
	for _, sl := range pattern.Slots() {
		rows = append(rows, newSlot(newID(slotPrefix), t.Facility, sl.Start, sl.End, a, !t.StaffOnly, nil))
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

// pattern is t's timing, which internal/weekly checks and expands.
func (t Template) pattern() weekly.Pattern {
	return weekly.Pattern{From: t.From, To: t.To, Weekdays: t.Weekdays, DayStart: t.DayStart, DayEnd: t.DayEnd, Length: t.Length, Interval: t.Interval}
}
