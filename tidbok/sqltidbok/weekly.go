package sqltidbok

import (
	"context"
	"database/sql"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

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
func (b *Book) PublishWeekly(ctx context.Context, t staff.Template) (n int, err error) {
	const op = "publish weekly"
	var p tidbok.Problems
	known, err := b.checkFacility(ctx, &p, "Facility", t.Facility)
	if err != nil {
		return 0, wrapDB(op, err)
	}
	pattern := bookbase.Pattern(t)
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
	err = b.inTx(ctx, b.tracing.insertSlots, func(tx *sql.Tx) error {
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
