package memtidbok

import (
	"context"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Publish adds a slot to the book and returns its ID, the ID
// AvailableTimeslots reports for it. The book does not check that slots
// overlap: a clinic may publish the same time twice.
func (b *Book) Publish(ctx context.Context, s staff.SlotSpec) (slotID string, err error) {
	var p tidbok.Problems
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.lookupFacility(&p, "Facility", s.Facility)
	bookbase.CheckSpan(&p, "Start", "End", s.Start, s.End)
	k := f.resolve(&p, s.TimeTypeID, s.CareTypeID, s.Performer, s.ResourceID)
	if len(b.slots) >= maxSlots {
		p.AddError(&bookbase.Refused{Why: "the book holds the most slots it can", Err: tidbok.ErrNotAllowed})
	}
	if err := problems("publish", &p); err != nil {
		return "", err
	}
	var st slotState
	if s.StaffOnly {
		st |= staffOnly
	}
	i := b.addSlot(f, f.group(k), s.Start.UnixNano(), s.End.UnixNano(), st, s.Flags)
	merge(f, f.dayFor(tidbok.DateOf(s.Start)), []entry{b.entry(i)})
	return b.slotID(i), nil
}

// maxSlots is the most slots a book holds: slot indexes are int32 and IDs
// six base-36 digits.
const maxSlots = 1<<31 - 1

// addSlot appends a slot to the table, without indexing it by day.
func (b *Book) addSlot(f *facility, g int32, start, end int64, st slotState, flags *tidbok.Flags) int32 {
	i := int32(len(b.slots))
	if flags != nil {
		st |= ownFlags
		if b.slotFlags == nil {
			b.slotFlags = map[int32]tidbok.Flags{}
		}
		b.slotFlags[i] = *flags
	}
	b.slots = append(b.slots, slot{start: start, end: end, group: g, fac: f.idx, state: st})
	if c := int(i / idChunk); c == len(b.slotIDs) {
		b.slotIDs = append(b.slotIDs, slotIDChunk(c))
	}
	f.groups[g].published++
	return i
}

// SetWebBookable makes a slot of the facility bookable on the web (on) or
// for staff only. A booked slot keeps its booking either way. A slot of
// another facility is answered as one the book does not have (the error
// matches tidbok.ErrNotFound) and left as it is.
func (b *Book) SetWebBookable(ctx context.Context, facility tidbok.HSAID, slotID string, on bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	i, err := b.liveSlot("set web-bookable", facility, slotID)
	if err != nil {
		return err
	}
	s := &b.slots[i]
	if on {
		s.state &^= staffOnly
	} else {
		s.state |= staffOnly
	}
	b.setOfferable(i)
	return nil
}

// Withdraw removes a free slot of the facility from the book: it is no
// longer offered, in Day or anywhere else, and booking its ID fails with
// an error matching tidbok.ErrSlotTaken. A booked slot cannot be
// withdrawn: cancel its booking first (the error matches
// tidbok.ErrNotAllowed). A slot of another facility is answered as one
// the book does not have (tidbok.ErrNotFound) and left as it is.
func (b *Book) Withdraw(ctx context.Context, facility tidbok.HSAID, slotID string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	i, err := b.liveSlot("withdraw", facility, slotID)
	if err != nil {
		return err
	}
	s := &b.slots[i]
	if s.booking != 0 {
		return &bookbase.StaffError{Pkg: "memtidbok", Op: "withdraw", Err: &bookbase.Refused{
			Why: "slot " + slotID + " is booked (" + b.bookings[s.booking].id + "): cancel the booking first",
			Err: tidbok.ErrNotAllowed,
		}}
	}
	f := b.facs[s.fac]
	d := f.dayOf(tidbok.DateOf(time.Unix(0, s.start)))
	if p := b.entryPos(d, i); p >= 0 {
		if d.entries[p].offerable() {
			d.count(s.group, -1)
		}
		d.remove(p, f.groups[s.group].key.tt)
	}
	s.state |= withdrawn
	f.groups[s.group].published--
	return nil
}

// liveSlot returns the index of a published, not withdrawn slot of
// facility. A slot of another facility is reported exactly as one the
// book does not have, so that staff of one clinic learn nothing of
// another's slots.
func (b *Book) liveSlot(op string, facility tidbok.HSAID, slotID string) (int32, error) {
	var p tidbok.Problems
	f := b.lookupFacility(&p, "facility", facility)
	i, ok := b.slotIndex(slotID)
	switch {
	case slotID == "":
		p.Add("slotID", "is required")
	case f == nil: // reported already
	case !ok || b.slots[i].state&withdrawn != 0 || b.slots[i].fac != f.idx:
		p.AddError(&bookbase.Missing{Field: "slotID", Problem: "no slot " + slotID + " at facility " + facility.String()})
	}
	if err := problems(op, &p); err != nil {
		return 0, err
	}
	return i, nil
}
