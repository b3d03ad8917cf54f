package memtidbok

import (
	"context"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Bookings returns every current booking and invitation at the facility,
// ordered by start (then ID), open invitations last. A booking made on
// the web is there as soon as Book returns. It returns nil for an unknown
// facility.
func (b *Book) Bookings(ctx context.Context, facility tidbok.HSAID) ([]staff.Booking, error) {
	now := b.cfg.Clock()
	b.mu.RLock()
	defer b.mu.RUnlock()
	f := b.facByID[facility]
	if f == nil {
		return nil, nil
	}
	var out []staff.Booking
	for _, list := range f.bySubject {
		for _, i := range list {
			bk := b.bookings[i]
			out = append(out, staff.Booking{
				Timeslot:        b.bookingTimeslot(bk, now),
				Contact:         bk.contact,
				MedicalFacility: bk.medFacility,
				Notification:    bk.notification,
				Actor:           bk.actor,
				Reschedules:     bk.reschedules,
				BookedAt:        bk.bookedAt,
			})
		}
	}
	bookbase.SortBookings(out)
	return out, nil
}

// Day returns the facility's slots of a Swedish date, booked or free,
// ordered by start (then ID); withdrawn slots are gone. It returns nil for
// an unknown facility or a date without slots.
func (b *Book) Day(ctx context.Context, facility tidbok.HSAID, d tidbok.Date) ([]staff.DaySlot, error) {
	now := b.cfg.Clock()
	b.mu.RLock()
	defer b.mu.RUnlock()
	f := b.facByID[facility]
	if f == nil {
		return nil, nil
	}
	dd := f.dayOf(d)
	if dd == nil || len(dd.entries) == 0 {
		return nil, nil
	}
	out := make([]staff.DaySlot, 0, len(dd.entries))
	for _, e := range dd.entries {
		s := &b.slots[e.slot]
		ds := staff.DaySlot{Timeslot: b.slotTimeslot(e.slot), WebBookable: s.state&staffOnly == 0}
		if s.booking != 0 {
			bk := b.bookings[s.booking]
			bookbase.Hold(&ds, bk.id, b.bookingTimeslot(bk, now))
		}
		out = append(out, ds)
	}
	return out, nil
}
