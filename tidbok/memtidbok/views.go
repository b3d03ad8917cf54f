package memtidbok

import (
	"cmp"
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// StaffBooking is a booking or invitation as the clinic sees it in its
// journal system.
type StaffBooking struct {
	// Timeslot is the booking as the citizen sees it, flags included.
	tidbok.Timeslot
	// Contact is what the citizen told the book when booking or, later,
	// rescheduling.
	Contact tidbok.ContactInfo
	// MedicalFacility is the unit with medical responsibility given when
	// booking; zero for invitations.
	MedicalFacility tidbok.HSAID
	// Notification is the producer note given when booking or
	// rescheduling.
	Notification string
	// Actor is who booked; zero for the citizen in person and for
	// invitations.
	Actor tidbok.Actor
	// Reschedules counts the times the booking was moved.
	Reschedules int
	// BookedAt is when the booking was made or the invitation issued, by
	// the book's clock.
	BookedAt time.Time
}

// Bookings returns every current booking and invitation at the facility,
// ordered by start (then ID), open invitations last. A booking made on
// the web is there as soon as Book returns. It returns nil for an unknown
// facility.
func (b *Book) Bookings(facility tidbok.HSAID) []StaffBooking {
	now := b.cfg.Clock()
	b.mu.RLock()
	defer b.mu.RUnlock()
	f := b.facByID[facility]
	if f == nil {
		return nil
	}
	var out []StaffBooking
	for _, list := range f.bySubject {
		for _, i := range list {
			bk := b.bookings[i]
			out = append(out, StaffBooking{
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
	slices.SortFunc(out, func(x, y StaffBooking) int { return compareBookings(x.Timeslot, y.Timeslot) })
	return out
}

// compareBookings orders bookings by start, then ID, with open
// invitations last.
func compareBookings(x, y tidbok.Timeslot) int {
	if xo, yo := x.Start.IsZero(), y.Start.IsZero(); xo != yo {
		if xo {
			return 1
		}
		return -1
	}
	if c := x.Start.Compare(y.Start); c != 0 {
		return c
	}
	return cmp.Compare(x.ID, y.ID)
}

// DaySlot is one slot in the clinic's view of a day.
type DaySlot struct {
	// Timeslot is the slot, ID being the slot's ID. For a booked slot,
	// Subject, Reason, Purpose, Invitation and Flags are the booking's.
	tidbok.Timeslot
	// WebBookable reports that citizens may book the slot on the web.
	WebBookable bool
	// Booked reports that a booking or timed invitation holds the slot.
	Booked bool
	// BookingID is the ID of the booking or invitation holding the slot;
	// empty when free.
	BookingID string
}

// Day returns the facility's slots of a Swedish date, booked or free,
// ordered by start (then ID); withdrawn slots are gone. It returns nil for
// an unknown facility or a date without slots.
func (b *Book) Day(facility tidbok.HSAID, d tidbok.Date) []DaySlot {
	now := b.cfg.Clock()
	b.mu.RLock()
	defer b.mu.RUnlock()
	f := b.facByID[facility]
	if f == nil {
		return nil
	}
	dd := f.dayOf(d)
	if dd == nil || len(dd.entries) == 0 {
		return nil
	}
	out := make([]DaySlot, 0, len(dd.entries))
	for _, e := range dd.entries {
		s := &b.slots[e.slot]
		ds := DaySlot{Timeslot: b.slotTimeslot(e.slot), WebBookable: s.state&staffOnly == 0}
		if s.booking != 0 {
			bk := b.bookings[s.booking]
			bt := b.bookingTimeslot(bk, now)
			ds.Booked = true
			ds.BookingID = bk.id
			ds.Subject, ds.Reason, ds.Purpose = bt.Subject, bt.Reason, bt.Purpose
			ds.Invitation, ds.Flags = bt.Invitation, bt.Flags
		}
		out = append(out, ds)
	}
	return out
}
