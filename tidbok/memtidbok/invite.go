package memtidbok

import (
	"context"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Invite issues an invitation and returns its booking ID. A timed
// invitation occupies its time: the book publishes a staff-only slot for
// it and books that slot as the invitation, so it shows in Day and, when
// cancelled, leaves a free staff-only slot behind. An open invitation has
// no slot until the citizen books it.
func (b *Book) Invite(ctx context.Context, s staff.InvitationSpec) (bookingID string, err error) {
	now := b.cfg.Clock()
	var p tidbok.Problems
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.lookupFacility(&p, "Facility", s.Facility)
	timed := bookbase.CheckInvitee(&p, s)
	k := f.resolve(&p, s.TimeTypeID, s.CareTypeID, s.Performer, s.ResourceID)
	bookbase.CheckPurpose(&p, s)
	if timed && len(b.slots) >= maxSlots {
		p.AddError(&bookbase.Refused{Why: "the book holds the most slots it can", Err: tidbok.ErrNotAllowed})
	}
	if err := problems("invite", &p); err != nil {
		return "", err
	}
	g := f.group(k)
	bk := b.newBooking(f, s.Subject)
	bk.group = g
	bk.invitation = true
	bk.purpose = s.Purpose
	bk.bookedAt = now
	if s.Flags != nil {
		fl := *s.Flags
		bk.flags = &fl
	}
	if timed {
		i := b.addSlot(f, g, s.Start.UnixNano(), s.End.UnixNano(), staffOnly, nil)
		merge(f, f.dayFor(tidbok.DateOf(s.Start)), []entry{b.entry(i)})
		b.occupy(bk, i)
	}
	return bk.id, nil
}

// SetFlags sets the flags of a booking or invitation at the facility,
// overriding the slot's flags and the book's FlagPolicy. The book still
// never allows what its capabilities lack. A booking of another facility
// is answered as one the book does not have (the error matches
// tidbok.ErrNotFound) and left as it is.
func (b *Book) SetFlags(ctx context.Context, facility tidbok.HSAID, bookingID string, f tidbok.Flags) error {
	var p tidbok.Problems
	b.mu.Lock()
	defer b.mu.Unlock()
	fac := b.lookupFacility(&p, "facility", facility)
	bk := b.booking(bookingID)
	switch {
	case bookingID == "":
		p.Add("bookingID", "is required")
	case fac == nil: // reported already
	case bk == nil || bk.fac != fac:
		p.AddError(&bookbase.Missing{Field: "bookingID", Problem: "no booking " + bookingID + " at facility " + facility.String()})
	}
	if err := problems("set flags", &p); err != nil {
		return err
	}
	bk.flags = &f
	return nil
}
