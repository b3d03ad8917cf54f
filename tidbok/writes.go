package tidbok

// BookRequest asks the book to book a free slot for a citizen (wire:
// MakeBooking).
type BookRequest struct {
	// Timeslot is the slot to book, as AvailableTimeslots returned it:
	// Facility, Start and End are required, and so is Subject (the citizen
	// the booking is for). ID should be the free slot's ID; when booking an
	// open invitation, ID is the invitation's ID and Start and End are
	// those of the chosen free slot. Reason is the citizen's message.
	Timeslot Timeslot
	// Contact is what the book learns about the citizen; FirstName and
	// LastName are required (wire: subject_of_care_info).
	Contact ContactInfo
	// MedicalFacility is the unit with medical responsibility (wire:
	// healthcare_facility_med). Zero means Timeslot.Facility.
	MedicalFacility HSAID
	// Notification is an opaque note to the producer (wire: notification);
	// optional.
	Notification string
	// Actor is who books; zero means the subject in person.
	Actor Actor
}

// Validate reports every problem with r at once; the error matches
// [ErrInvalid].
func (r BookRequest) Validate() error {
	var p Problems
	validateRequestedSlot(&p, r.Timeslot)
	if r.Contact.FirstName == "" {
		p.Add("Contact.FirstName", "is required: the citizen's first name as in the population register")
	}
	if r.Contact.LastName == "" {
		p.Add("Contact.LastName", "is required: the citizen's last name as in the population register")
	}
	r.Actor.validate(&p)
	return p.Err()
}

// FacilityMed returns MedicalFacility, or Timeslot.Facility when it is zero.
func (r BookRequest) FacilityMed() HSAID {
	if r.MedicalFacility.IsZero() {
		return r.Timeslot.Facility
	}
	return r.MedicalFacility
}

func validateRequestedSlot(p *Problems, ts Timeslot) {
	requireFacility(p, "Timeslot.Facility", ts.Facility)
	requireSubject(p, "Timeslot.Subject", ts.Subject)
	if ts.Start.IsZero() {
		p.Add("Timeslot.Start", "is required")
	}
	if ts.End.IsZero() {
		p.Add("Timeslot.End", "is required")
	}
	if !ts.Start.IsZero() && !ts.End.IsZero() && !ts.End.After(ts.Start) {
		p.Add("Timeslot.End", "must be after Start")
	}
}

// BookResult is the answer to a successful Book.
type BookResult struct {
	// BookingID identifies the new booking.
	BookingID string
	// Notice, when not empty, must be shown to the citizen (wire: INFO
	// resultText), e.g. "Kom fastande".
	Notice string
}

// RescheduleRequest asks the book to move a booking to a free slot (wire:
// UpdateBooking).
type RescheduleRequest struct {
	// BookingID is the booking or timed invitation to move; required.
	BookingID string
	// Timeslot is the new slot, as AvailableTimeslots returned it
	// (Facility, Start, End required; Subject required and equal to the
	// booking's). Its ID, when set, is the free slot's ID; a book must also
	// find the slot by its attributes when ID is empty, because the wire
	// carries the booking's ID in that place.
	Timeslot Timeslot
	// Contact, when not zero, updates what the book knows of the citizen.
	Contact ContactInfo
	// Notification is an opaque note to the producer; optional.
	Notification string
	// Actor is who reschedules; zero means the subject in person.
	Actor Actor
}

// Validate reports every problem with r at once; the error matches
// [ErrInvalid].
func (r RescheduleRequest) Validate() error {
	var p Problems
	requireID(&p, "BookingID", r.BookingID)
	validateRequestedSlot(&p, r.Timeslot)
	if !r.Contact.IsZero() && (r.Contact.FirstName == "" || r.Contact.LastName == "") {
		p.Add("Contact", "needs FirstName and LastName when given")
	}
	r.Actor.validate(&p)
	return p.Err()
}

// RescheduleResult is the answer to a successful Reschedule.
type RescheduleResult struct {
	// Notice, when not empty, must be shown to the citizen.
	Notice string
}

// CancelRequest asks the book to cancel a booking (wire: CancelBooking).
type CancelRequest struct {
	// Facility is the clinic; required.
	Facility HSAID
	// BookingID is the booking to cancel; required.
	BookingID string
	// Subject, when set, is the citizen the caller acts for: the book
	// cancels only that citizen's booking and otherwise returns
	// ErrNotFound, changing nothing. Portals always set it. It is not a
	// wire field: a client over the wire checks it by reading the booking
	// first.
	Subject PersonalNumber
	// Message is the citizen's reason, allowed only when the booking's
	// Flags.MayMessage is set; optional.
	Message string
	// Actor is who cancels; zero means the subject in person.
	Actor Actor
}

// Validate reports every problem with r at once; the error matches
// [ErrInvalid].
func (r CancelRequest) Validate() error {
	var p Problems
	requireFacility(&p, "Facility", r.Facility)
	requireID(&p, "BookingID", r.BookingID)
	r.Actor.validate(&p)
	return p.Err()
}

// CancelResult is the answer to a successful Cancel.
type CancelResult struct {
	// Notice, when not empty, must be shown to the citizen.
	Notice string
}
