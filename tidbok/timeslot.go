package tidbok

import "time"

// Timeslot is one time in an appointment book: a free slot offered for web
// booking, a booking of a citizen, or an invitation (kallelse) made by the
// clinic. It carries every field of the wire's TimeslotType
// (crm:scheduling 1.1), so nothing is lost on the way to or from the wire.
//
// Which fields are set depends on what the Timeslot describes:
//   - a free slot (from AvailableTimeslots): ID, Start, End, Facility and
//     the descriptive fields; Subject is zero.
//   - a booking (from Schedule or BookingDetails): also Subject, Flags and
//     possibly Reason.
//   - a timed invitation: like a booking, with Invitation true.
//   - an open invitation: Invitation true and Start and End zero; the
//     citizen books it with Book, naming its ID.
type Timeslot struct {
	// ID identifies the free slot, booking or invitation in the book
	// (wire: bookingId). Opaque to everyone but the book.
	ID string
	// Start is the first instant of the slot (wire: startTimeInclusive).
	// Zero for an open invitation.
	Start time.Time
	// End is the first instant after the slot (wire: endTimeExclusive).
	End time.Time
	// Facility is the clinic (wire: healthcare_facility).
	Facility HSAID
	// FacilityName is the clinic's display name, if the book gives one.
	FacilityName string
	// Performer is the clinician, if any (wire: performer).
	Performer HSAID
	// PerformerName is the clinician's name: title, first, middle and last
	// name separated by spaces (wire: performerName).
	PerformerName string
	// Resource is the room or equipment, if any.
	Resource Resource
	// TimeType is the kind of time, e.g. läkarbesök (doctor's visit).
	TimeType TimeType
	// CareType is the care type, if the book uses care types.
	CareType CareType
	// Subject is the citizen the booking is for (wire: subject_of_care).
	// Zero for a free slot.
	Subject PersonalNumber
	// Purpose is the clinic's text about the visit; for an invitation, the
	// invitation text. It may be DocBook, kept as text.
	Purpose string
	// Reason is the citizen's stated reason for the visit.
	Reason string
	// Flags say what the citizen may do with this booking. The book
	// computes them from its rules; absent on the wire means false.
	Flags Flags
	// Invitation reports that the clinic made this booking on its own
	// initiative (wire: isInvitation).
	Invitation bool
}

// IsOpenInvitation reports whether ts is an invitation without a time: the
// citizen chooses the time by booking a free slot against it.
func (ts Timeslot) IsOpenInvitation() bool {
	return ts.Invitation && ts.Start.IsZero() && ts.End.IsZero()
}

// Duration returns End - Start, or 0 when either is unset.
func (ts Timeslot) Duration() time.Duration {
	if ts.Start.IsZero() || ts.End.IsZero() {
		return 0
	}
	return ts.End.Sub(ts.Start)
}

// Flags are the per-booking permissions a book publishes (crm:scheduling
// §2.3). The book enforces them again on writes. The zero value forbids
// everything, as an absent flag does on the wire.
type Flags struct {
	// MayCancel: the citizen may cancel (wire: cancel_booking_allowed).
	MayCancel bool
	// MayReschedule: the citizen may move the booking (wire:
	// rebooking_allowed).
	MayReschedule bool
	// MayMessage: the citizen may send a message when cancelling (wire:
	// message_allowed).
	MayMessage bool
}

// TimeType is a kind of time in a book (tidstyp), e.g. läkarbesök or
// provtagningstid. IDs are local to the clinic.
type TimeType struct {
	ID   string
	Name string
}

// IsZero reports whether t is unset.
func (t TimeType) IsZero() bool { return t == TimeType{} }

// CareType is a care type (vårdtyp). IDs are local to the clinic; callers
// must not attach meaning to them.
type CareType struct {
	ID   string
	Name string
}

// IsZero reports whether c is unset.
func (c CareType) IsZero() bool { return c == CareType{} }

// Resource is a room, piece of equipment or other resource of a slot.
type Resource struct {
	ID   string
	Name string
}

// IsZero reports whether r is unset.
func (r Resource) IsZero() bool { return r == Resource{} }

// Performer is a clinician bookable on the web (wire: PerformerInfoType).
type Performer struct {
	// ID is the clinician's HSA-id.
	ID        HSAID
	FirstName string
	LastName  string
	// Title is e.g. "Dr" or "Leg. sjuksköterska"; optional.
	Title string
}

// Facility is a clinic bookable on the web (wire: HealthcareFacilityInfoType).
type Facility struct {
	// ID is the clinic's HSA-id, also the logical address on the wire.
	ID HSAID
	// Name, when set, should be shown instead of the HSA catalogue's name.
	Name string
}

// ContactInfo is what the book learns about the citizen when booking (wire:
// SubjectOfCareType). Names should equal the population register.
type ContactInfo struct {
	FirstName  string
	MiddleName string
	LastName   string
	// Phone is the citizen's latest known mobile number.
	Phone string
	Email string
	// Address is street, postcode and town joined with commas.
	Address string
	// CoAddress is the c/o address, joined like Address.
	CoAddress string
}

// IsZero reports whether c is empty.
func (c ContactInfo) IsZero() bool { return c == ContactInfo{} }

// DateAvailability says that a date has free slots (wire:
// PerformerAvailabilityByDateType). Fields other than Facility and Date
// are set when the book answers per performer, resource or type.
type DateAvailability struct {
	Facility  HSAID
	Date      Date
	Performer HSAID
	Resource  Resource
	TimeType  TimeType
	CareType  CareType
}
