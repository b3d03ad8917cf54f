package tidbok

// ScheduleRequest asks for a citizen's bookings at one clinic.
type ScheduleRequest struct {
	// Facility is the clinic (wire: healthcare_facility); required.
	Facility HSAID
	// Subject is the citizen (wire: subject_of_care); required.
	Subject PersonalNumber
	// Actor is who asks; zero means the subject in person.
	Actor Actor
}

// Validate reports every problem with r at once; the error matches
// [ErrInvalid].
func (r ScheduleRequest) Validate() error {
	var p Problems
	requireFacility(&p, "Facility", r.Facility)
	requireSubject(&p, "Subject", r.Subject)
	r.Actor.validate(&p)
	return p.Err()
}

// ScheduleResult is the answer to Schedule.
type ScheduleResult struct {
	// Bookings are ordered by start.
	Bookings []Timeslot
}

// BookingDetailsRequest asks for one booking or invitation.
type BookingDetailsRequest struct {
	// Facility is the clinic; required.
	Facility HSAID
	// BookingID identifies the booking or invitation; required.
	BookingID string
	// Subject, when set, is the citizen the caller acts for: the book
	// answers only if the booking is that citizen's, and otherwise returns
	// ErrNotFound, as for an unknown ID. Portals always set it, so that no
	// guessed ID reaches another citizen's booking. It is not a wire field:
	// a client over the wire checks it on the answer.
	Subject PersonalNumber
	// Actor is who asks; zero means the subject in person.
	Actor Actor
}

// Validate reports every problem with r at once; the error matches
// [ErrInvalid].
func (r BookingDetailsRequest) Validate() error {
	var p Problems
	requireFacility(&p, "Facility", r.Facility)
	requireID(&p, "BookingID", r.BookingID)
	r.Actor.validate(&p)
	return p.Err()
}

// BookingDetailsResult is the answer to BookingDetails.
type BookingDetailsResult struct {
	Booking Timeslot
}
