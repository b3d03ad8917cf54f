package staff

import (
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Booking is a booking or invitation as the clinic sees it in its journal
// system, as [Book.Bookings] lists them.
type Booking struct {
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
	// the clock of the book that made it.
	BookedAt time.Time
}

// DaySlot is one slot in the clinic's view of a day, as [Book.Day] lists
// them.
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
