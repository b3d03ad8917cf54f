package tidbok

// TimeTypesRequest asks for the time types a citizen may book on the web.
type TimeTypesRequest struct {
	// Facility is the clinic; required.
	Facility HSAID
	// Subject is the citizen, so a book may offer patient-specific time
	// types; required.
	Subject PersonalNumber
	// CareTypeIDs, when not empty, keeps only time types of these care
	// types.
	CareTypeIDs []string
	// Actor is who asks; zero means the subject in person.
	Actor Actor
}

// Validate reports every problem with r at once; the error matches
// [ErrInvalid].
func (r TimeTypesRequest) Validate() error {
	var p Problems
	requireFacility(&p, "Facility", r.Facility)
	requireSubject(&p, "Subject", r.Subject)
	r.Actor.validate(&p)
	return p.Err()
}

// TimeTypesResult is the answer to TimeTypes.
type TimeTypesResult struct {
	TimeTypes []TimeType
}

// CareTypesRequest asks for the care types bookable on the web.
type CareTypesRequest struct {
	// Facility is the clinic; required.
	Facility HSAID
	// Subject is the citizen; required.
	Subject PersonalNumber
	// TimeTypeIDs, when not empty, keeps only care types of these time
	// types.
	TimeTypeIDs []string
	// Performers, when not empty, keeps only care types these clinicians
	// offer.
	Performers []HSAID
	// Actor is who asks; zero means the subject in person.
	Actor Actor
}

// Validate reports every problem with r at once; the error matches
// [ErrInvalid].
func (r CareTypesRequest) Validate() error {
	var p Problems
	requireFacility(&p, "Facility", r.Facility)
	requireSubject(&p, "Subject", r.Subject)
	r.Actor.validate(&p)
	return p.Err()
}

// CareTypesResult is the answer to CareTypes.
type CareTypesResult struct {
	CareTypes []CareType
}

// PerformersRequest asks for the clinicians bookable on the web.
type PerformersRequest struct {
	// Facility is the clinic; required.
	Facility HSAID
	// Subject is the citizen; required.
	Subject PersonalNumber
	// TimeTypeIDs, when not empty, keeps only clinicians offering one of
	// these time types.
	TimeTypeIDs []string
	// CareTypeIDs, when not empty, keeps only clinicians offering one of
	// these care types.
	CareTypeIDs []string
	// Actor is who asks; zero means the subject in person.
	Actor Actor
}

// Validate reports every problem with r at once; the error matches
// [ErrInvalid].
func (r PerformersRequest) Validate() error {
	var p Problems
	requireFacility(&p, "Facility", r.Facility)
	requireSubject(&p, "Subject", r.Subject)
	r.Actor.validate(&p)
	return p.Err()
}

// PerformersResult is the answer to Performers.
type PerformersResult struct {
	Performers []Performer
}

// FacilitiesRequest asks which clinics a citizen may book at.
type FacilitiesRequest struct {
	// Facility is the asked clinic; required.
	Facility HSAID
	// Subject is the citizen; required.
	Subject PersonalNumber
	// BookingID, when set, asks where that booking may be moved or that
	// invitation booked.
	BookingID string
	// Actor is who asks; zero means the subject in person.
	Actor Actor
}

// Validate reports every problem with r at once; the error matches
// [ErrInvalid].
func (r FacilitiesRequest) Validate() error {
	var p Problems
	requireFacility(&p, "Facility", r.Facility)
	requireSubject(&p, "Subject", r.Subject)
	r.Actor.validate(&p)
	return p.Err()
}

// FacilitiesResult is the answer to Facilities.
type FacilitiesResult struct {
	Facilities []Facility
}
