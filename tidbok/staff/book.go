package staff

import (
	"context"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Book is what a clinic's staff do to an appointment book. Every method
// that can block takes a context first. Implementations are safe for
// concurrent use.
type Book interface {
	// Now returns the book's current time, by the clock it was made
	// with: the time by which slots have started and bookings are
	// stamped.
	Now() time.Time

	// AddFacility adds a clinic to the book. Adding a facility that is
	// already there with the same name does nothing.
	AddFacility(ctx context.Context, f tidbok.Facility) error
	// AddTimeType adds a time type (tidstyp) to a facility. ID and Name
	// are required. Adding one that is already there with the same name
	// does nothing.
	AddTimeType(ctx context.Context, facility tidbok.HSAID, tt tidbok.TimeType) error
	// AddCareType adds a care type (vårdtyp) to a facility. ID and Name
	// are required. Adding one that is already there with the same name
	// does nothing.
	AddCareType(ctx context.Context, facility tidbok.HSAID, ct tidbok.CareType) error
	// AddPerformer adds a clinician to a facility. ID, FirstName and
	// LastName are required. Adding one that is already there unchanged
	// does nothing.
	AddPerformer(ctx context.Context, facility tidbok.HSAID, pf tidbok.Performer) error
	// AddResource adds a room, piece of equipment or other resource to a
	// facility. ID is required. Adding one that is already there with the
	// same name does nothing.
	AddResource(ctx context.Context, facility tidbok.HSAID, r tidbok.Resource) error
	// SetNotice makes bookings and reschedules onto slots of a time type
	// succeed with text as their Notice (the wire's INFO result), e.g.
	// "Kom fastande" (come fasting). An empty text removes the notice.
	SetNotice(ctx context.Context, facility tidbok.HSAID, timeTypeID, text string) error

	// Publish adds a slot to the book and returns its ID, the ID
	// AvailableTimeslots reports for it. The book does not check that
	// slots overlap: a clinic may publish the same time twice.
	Publish(ctx context.Context, s SlotSpec) (slotID string, err error)
	// PublishWeekly publishes the slots t describes, all or none, and
	// returns how many. See [Template] for the wall-clock rules.
	PublishWeekly(ctx context.Context, t Template) (n int, err error)
	// SetWebBookable makes a slot of the facility bookable on the web
	// (on) or for staff only. A booked slot keeps its booking either
	// way.
	SetWebBookable(ctx context.Context, facility tidbok.HSAID, slotID string, on bool) error
	// Withdraw removes a free slot of the facility from the book: it is
	// no longer offered, in Day or anywhere else, and booking its ID
	// fails with an error matching tidbok.ErrSlotTaken. A booked slot
	// cannot be withdrawn: cancel its booking first (the error matches
	// tidbok.ErrNotAllowed).
	Withdraw(ctx context.Context, facility tidbok.HSAID, slotID string) error

	// Invite issues an invitation and returns its booking ID. A timed
	// invitation occupies its time: the book publishes a staff-only slot
	// for it and books that slot as the invitation, so it shows in Day
	// and, when cancelled, leaves a free staff-only slot behind. An open
	// invitation has no slot until the citizen books it.
	Invite(ctx context.Context, s InvitationSpec) (bookingID string, err error)
	// SetFlags sets the flags of a booking or invitation at the
	// facility, overriding the slot's flags and the book's FlagPolicy.
	// The book still never allows what its capabilities lack.
	SetFlags(ctx context.Context, facility tidbok.HSAID, bookingID string, f tidbok.Flags) error

	// Day returns the facility's slots of a Swedish date, booked or
	// free, ordered by start (then ID); withdrawn slots are gone. It
	// returns nil for an unknown facility or a date without slots.
	Day(ctx context.Context, facility tidbok.HSAID, d tidbok.Date) ([]DaySlot, error)
	// Bookings returns every current booking and invitation at the
	// facility, ordered by start (then ID), open invitations last. A
	// booking made on the web is there as soon as its Book returns. It
	// returns nil for an unknown facility.
	Bookings(ctx context.Context, facility tidbok.HSAID) ([]Booking, error)
}
