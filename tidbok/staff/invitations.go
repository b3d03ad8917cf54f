package staff

import (
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// InvitationSpec describes an invitation (kallelse) for [Book.Invite].
type InvitationSpec struct {
	// Facility is the clinic; required.
	Facility tidbok.HSAID
	// Subject is the citizen invited; required.
	Subject tidbok.PersonalNumber
	// Start and End are the invited time; both zero make an open
	// invitation, which the citizen books at a free slot of its time type.
	Start, End time.Time
	// TimeTypeID is required; CareTypeID, Performer and ResourceID are
	// optional, as in SlotSpec.
	TimeTypeID string
	CareTypeID string
	Performer  tidbok.HSAID
	ResourceID string
	// Purpose is the invitation text; required.
	Purpose string
	// Flags, when not nil, are the invitation's flags instead of the
	// book's FlagPolicy.
	Flags *tidbok.Flags
}

// FlagPolicy computes the flags of a booking: the rules of the clinic,
// e.g. "no cancelling within 24 hours". It gets the booking (Flags unset)
// and the book's current time; the book then takes away what its
// capabilities do not support. A book calls its FlagPolicy whenever it
// reads or writes a booking whose flags staff did not set (see
// [SlotSpec.Flags], [InvitationSpec.Flags] and [Book.SetFlags]), with the
// book locked or inside a database transaction: it must be quick, safe
// for concurrent use, and must not call the book.
type FlagPolicy func(b tidbok.Timeslot, now time.Time) tidbok.Flags
