package tidbok

import (
	"strconv"
)

// AvailabilityRequest asks for free web-bookable slots, or the dates that
// have them, at one clinic (wire: GetAvailableDates and
// GetAvailableTimeslots, which take the same fields).
type AvailabilityRequest struct {
	// Facility is the clinic; required.
	Facility HSAID
	// Subject is the citizen; required.
	Subject PersonalNumber
	// BookingID, when set, asks for slots that booking may be moved to;
	// the booking's time type and resource then govern the answer.
	BookingID string
	// From and To are the first and last date searched (Swedish dates,
	// both inclusive); required, From not after To.
	From, To Date
	// Performers, when not empty, keeps only slots of these clinicians.
	Performers []HSAID
	// TimeType, when set, keeps only slots of this time type. A book
	// matches on ID when it is set, otherwise on Name.
	TimeType TimeType
	// CareType, when set, keeps only slots of this care type, matched like
	// TimeType.
	CareType CareType
	// Actor is who asks; zero means the subject in person. For an agent
	// the book must not tailor the answer to the subject (§2.4).
	Actor Actor
}

// Validate reports every problem with r at once; the error matches
// [ErrInvalid].
func (r AvailabilityRequest) Validate() error {
	var p Problems
	requireFacility(&p, "Facility", r.Facility)
	requireSubject(&p, "Subject", r.Subject)
	switch {
	case r.From.IsZero():
		p.Add("From", "is required: the first date to search")
	case !r.From.Valid():
		p.Add("From", "is not a calendar date")
	}
	switch {
	case r.To.IsZero():
		p.Add("To", "is required: the last date to search")
	case !r.To.Valid():
		p.Add("To", "is not a calendar date")
	}
	if r.From.Valid() && r.To.Valid() && r.To.Before(r.From) {
		p.Add("To", "%s is before From %s: the range is inverted", r.To, r.From)
	}
	for i, h := range r.Performers {
		if h.IsZero() {
			p.Add("Performers["+strconv.Itoa(i)+"]", "is empty: leave it out or name a clinician")
		}
	}
	r.Actor.validate(&p)
	return p.Err()
}

// AvailableDatesResult is the answer to AvailableDates.
type AvailableDatesResult struct {
	// Dates are ordered by date. A book may answer one entry per date, or
	// one per date and performer (or resource, or type).
	Dates []DateAvailability
}
