package crmwire

import (
	"encoding/xml"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// GetAvailableDates is the request of GetAvailableDates. subject_of_care
// is in the 1.1 extension namespace
// urn:riv:crm:scheduling:GetAvailableDatesResponder:1.1; 1.0 lacks it.
type GetAvailableDates struct {
	XMLName            xml.Name `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 GetAvailableDates"`
	HealthcareFacility string   `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 healthcare_facility"`
	BookingID          string   `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 bookingId,omitempty"`
	StartDateInclusive string   `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 startDateInclusive"`
	EndDateInclusive   string   `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 endDateInclusive"`
	Performer          []string `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 performer"`
	TimeTypeName       string   `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 timeTypeName,omitempty"`
	TimeTypeID         string   `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 timeTypeID,omitempty"`
	CareTypeName       string   `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 careTypeName,omitempty"`
	CareTypeID         string   `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 careTypeID,omitempty"`
	SubjectOfCare      string   `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1.1 subject_of_care"`
}

// GetAvailableDatesResponse is the response of GetAvailableDates.
type GetAvailableDatesResponse struct {
	XMLName                     xml.Name                          `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 GetAvailableDatesResponse"`
	PerformerAvailabilityByDate []PerformerAvailabilityByDateType `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 performerAvailabilityByDate"`
}

// PerformerAvailabilityByDateType is declared in the GetAvailableDates
// responder schema, so its children are in the responder namespace (not
// in the core namespace).
type PerformerAvailabilityByDateType struct {
	HealthcareFacility string `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 healthcare_facility"`
	Performer          string `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 performer,omitempty"`
	Date               string `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 date"`
	ResourceName       string `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 resourceName,omitempty"`
	ResourceID         string `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 resourceID,omitempty"`
	TimeTypeName       string `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 timeTypeName,omitempty"`
	TimeTypeID         string `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 timeTypeID,omitempty"`
	CareTypeName       string `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 careTypeName,omitempty"`
	CareTypeID         string `xml:"urn:riv:crm:scheduling:GetAvailableDatesResponder:1 careTypeID,omitempty"`
}

func (w *GetAvailableDates) tidbok(c *checker, v Version) (any, tidbok.PersonalNumber) {
	a := availability{
		w.HealthcareFacility, w.BookingID, w.StartDateInclusive, w.EndDateInclusive, w.Performer,
		w.TimeTypeName, w.TimeTypeID, w.CareTypeName, w.CareTypeID, w.SubjectOfCare,
	}
	return a.tidbok(c, v)
}

func (w *GetAvailableDatesResponse) tidbok(c *checker, _ tidbok.Operation) (any, error) {
	var res tidbok.AvailableDatesResult
	if len(w.PerformerAvailabilityByDate) > 0 {
		res.Dates = make([]tidbok.DateAvailability, len(w.PerformerAvailabilityByDate))
		for i, d := range w.PerformerAvailabilityByDate {
			c.in("performerAvailabilityByDate", i+1)
			c.required("healthcare_facility", d.HealthcareFacility)
			c.required("date", d.Date)
			res.Dates[i] = tidbok.DateAvailability{
				Facility:  c.hsa("healthcare_facility", d.HealthcareFacility),
				Date:      c.date("date", d.Date),
				Performer: c.hsa("performer", d.Performer),
				Resource:  tidbok.Resource{ID: d.ResourceID, Name: d.ResourceName},
				TimeType:  tidbok.TimeType{ID: d.TimeTypeID, Name: d.TimeTypeName},
				CareType:  tidbok.CareType{ID: d.CareTypeID, Name: d.CareTypeName},
			}
		}
		c.in("", 0)
	}
	return res, nil
}

var availableDatesCodec = codec(
	func() wireRequest { return new(GetAvailableDates) },
	func() wireResponse { return new(GetAvailableDatesResponse) },
	func(r tidbok.AvailabilityRequest) (any, tidbok.PersonalNumber) {
		a := availabilityToWire(r)
		return &GetAvailableDates{
			HealthcareFacility: a.HealthcareFacility, BookingID: a.BookingID,
			StartDateInclusive: a.StartDateInclusive, EndDateInclusive: a.EndDateInclusive,
			Performer: a.Performer, TimeTypeName: a.TimeTypeName, TimeTypeID: a.TimeTypeID,
			CareTypeName: a.CareTypeName, CareTypeID: a.CareTypeID, SubjectOfCare: a.SubjectOfCare,
		}, r.Subject
	},
	func(r *tidbok.AvailabilityRequest) *tidbok.Actor { return &r.Actor },
	func(s tidbok.AvailableDatesResult) (any, error) {
		w := &GetAvailableDatesResponse{}
		if len(s.Dates) > 0 {
			w.PerformerAvailabilityByDate = make([]PerformerAvailabilityByDateType, len(s.Dates))
			for i, d := range s.Dates {
				w.PerformerAvailabilityByDate[i] = PerformerAvailabilityByDateType{
					HealthcareFacility: wireHSA(d.Facility),
					Performer:          wireHSA(d.Performer),
					Date:               wireDate(d.Date),
					ResourceName:       d.Resource.Name,
					ResourceID:         d.Resource.ID,
					TimeTypeName:       d.TimeType.Name,
					TimeTypeID:         d.TimeType.ID,
					CareTypeName:       d.CareType.Name,
					CareTypeID:         d.CareType.ID,
				}
			}
		}
		return w, nil
	},
)
