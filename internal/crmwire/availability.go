package crmwire

import (
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// availability holds the fields GetAvailableDates and
// GetAvailableTimeslots share, in the same order and with the same types,
// so that both request types convert to it.
type availability struct {
	HealthcareFacility string
	BookingID          string
	StartDateInclusive string
	EndDateInclusive   string
	Performer          []string
	TimeTypeName       string
	TimeTypeID         string
	CareTypeName       string
	CareTypeID         string
	SubjectOfCare      string
}

func availabilityToWire(r tidbok.AvailabilityRequest) availability {
	return availability{
		HealthcareFacility: wireHSA(r.Facility),
		BookingID:          r.BookingID,
		StartDateInclusive: wireDate(r.From),
		EndDateInclusive:   wireDate(r.To),
		Performer:          wireHSAs(r.Performers),
		TimeTypeName:       r.TimeType.Name,
		TimeTypeID:         r.TimeType.ID,
		CareTypeName:       r.CareType.Name,
		CareTypeID:         r.CareType.ID,
		SubjectOfCare:      wirePN(r.Subject),
	}
}

func (w availability) tidbok(c *checker, v Version) (any, tidbok.PersonalNumber) {
	c.required("healthcare_facility", w.HealthcareFacility)
	c.required("startDateInclusive", w.StartDateInclusive)
	c.required("endDateInclusive", w.EndDateInclusive)
	if v == V11 {
		c.required("subject_of_care", w.SubjectOfCare)
	}
	r := tidbok.AvailabilityRequest{
		Facility:   c.hsa("healthcare_facility", w.HealthcareFacility),
		Subject:    c.pn("subject_of_care", w.SubjectOfCare),
		BookingID:  w.BookingID,
		From:       c.date("startDateInclusive", w.StartDateInclusive),
		To:         c.date("endDateInclusive", w.EndDateInclusive),
		Performers: c.hsas("performer", w.Performer),
		TimeType:   tidbok.TimeType{ID: w.TimeTypeID, Name: w.TimeTypeName},
		CareType:   tidbok.CareType{ID: w.CareTypeID, Name: w.CareTypeName},
	}
	return r, r.Subject
}
