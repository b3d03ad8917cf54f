package memtidbok

import (
	"context"
	"slices"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// PublishWeekly publishes the slots t describes and returns how many.
//
// Times are Swedish wall-clock times (Europe/Stockholm), so a slot at
// 08:00 is at 08:00 in winter and in summer. A slot whose local start or
// end falls in the hour skipped when clocks go forward (the last Sunday
// of March, 02:00–03:00) or repeated when they go back (the last Sunday
// of October, 02:00–03:00) is left out, because that wall time names no
// instant or two. A slot spanning the change keeps its wall times, so it
// is an hour shorter or longer.
func (b *Book) PublishWeekly(ctx context.Context, t staff.Template) (n int, err error) {
	var p tidbok.Problems
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.lookupFacility(&p, "Facility", t.Facility)
	pattern := bookbase.Pattern(t)
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
			merge(f, f.dayFor(pl.Date), batch)
			batch = batch[:0]
		}
	}
	return len(plan), nil
}
