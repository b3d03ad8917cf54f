package crmwire

import (
	"encoding/xml"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// GetAllHealthcareFacilities is the request of GetAllHealthcareFacilities
// (1.1 only).
type GetAllHealthcareFacilities struct {
	XMLName            xml.Name `xml:"urn:riv:crm:scheduling:GetAllHealthcareFacilitiesResponder:1 GetAllHealthcareFacilities"`
	HealthcareFacility string   `xml:"urn:riv:crm:scheduling:GetAllHealthcareFacilitiesResponder:1 healthcare_facility"`
	SubjectOfCare      string   `xml:"urn:riv:crm:scheduling:GetAllHealthcareFacilitiesResponder:1 subject_of_care"`
	BookingID          string   `xml:"urn:riv:crm:scheduling:GetAllHealthcareFacilitiesResponder:1 bookingId,omitempty"`
}

// GetAllHealthcareFacilitiesResponse is the response of
// GetAllHealthcareFacilities.
type GetAllHealthcareFacilitiesResponse struct {
	XMLName                 xml.Name                     `xml:"urn:riv:crm:scheduling:GetAllHealthcareFacilitiesResponder:1 GetAllHealthcareFacilitiesResponse"`
	HealthcareFacilityInfos []HealthcareFacilityInfoType `xml:"urn:riv:crm:scheduling:GetAllHealthcareFacilitiesResponder:1 healthcareFacilityInfos"`
}

func (w *GetAllHealthcareFacilities) tidbok(c *checker, _ Version) (any, tidbok.PersonalNumber) {
	c.required("healthcare_facility", w.HealthcareFacility)
	c.required("subject_of_care", w.SubjectOfCare)
	r := tidbok.FacilitiesRequest{
		Facility:  c.hsa("healthcare_facility", w.HealthcareFacility),
		Subject:   c.pn("subject_of_care", w.SubjectOfCare),
		BookingID: w.BookingID,
	}
	return r, r.Subject
}

func (w *GetAllHealthcareFacilitiesResponse) tidbok(c *checker, _ tidbok.Operation) (any, error) {
	var res tidbok.FacilitiesResult
	if len(w.HealthcareFacilityInfos) > 0 {
		res.Facilities = make([]tidbok.Facility, len(w.HealthcareFacilityInfos))
		for i, f := range w.HealthcareFacilityInfos {
			c.in("healthcareFacilityInfos", i+1)
			c.required("healthcare_facility", f.HealthcareFacility)
			res.Facilities[i] = tidbok.Facility{
				ID:   c.hsa("healthcare_facility", f.HealthcareFacility),
				Name: f.HealthcareFacilityName,
			}
		}
		c.in("", 0)
	}
	return res, nil
}

var facilitiesCodec = codec(
	func() wireRequest { return new(GetAllHealthcareFacilities) },
	func() wireResponse { return new(GetAllHealthcareFacilitiesResponse) },
	func(r tidbok.FacilitiesRequest) (any, tidbok.PersonalNumber) {
		return &GetAllHealthcareFacilities{
			HealthcareFacility: wireHSA(r.Facility),
			SubjectOfCare:      wirePN(r.Subject),
			BookingID:          r.BookingID,
		}, r.Subject
	},
	func(r *tidbok.FacilitiesRequest) *tidbok.Actor { return &r.Actor },
	func(s tidbok.FacilitiesResult) (any, error) {
		w := &GetAllHealthcareFacilitiesResponse{}
		if len(s.Facilities) > 0 {
			w.HealthcareFacilityInfos = make([]HealthcareFacilityInfoType, len(s.Facilities))
			for i, f := range s.Facilities {
				w.HealthcareFacilityInfos[i] = HealthcareFacilityInfoType{
					HealthcareFacility:     wireHSA(f.ID),
					HealthcareFacilityName: f.Name,
				}
			}
		}
		return w, nil
	},
)
