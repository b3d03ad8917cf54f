package crmwire

import (
	"encoding/xml"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// GetAllCareTypes is the request of GetAllCareTypes (1.1 only). All its
// children are in the responder namespace.
type GetAllCareTypes struct {
	XMLName            xml.Name `xml:"urn:riv:crm:scheduling:GetAllCareTypesResponder:1 GetAllCareTypes"`
	HealthcareFacility string   `xml:"urn:riv:crm:scheduling:GetAllCareTypesResponder:1 healthcare_facility"`
	TimeTypeIDs        []string `xml:"urn:riv:crm:scheduling:GetAllCareTypesResponder:1 timeTypeIDs"`
	Performer          []string `xml:"urn:riv:crm:scheduling:GetAllCareTypesResponder:1 performer"`
	SubjectOfCare      string   `xml:"urn:riv:crm:scheduling:GetAllCareTypesResponder:1 subject_of_care"`
}

// GetAllCareTypesResponse is the response of GetAllCareTypes.
type GetAllCareTypesResponse struct {
	XMLName   xml.Name       `xml:"urn:riv:crm:scheduling:GetAllCareTypesResponder:1 GetAllCareTypesResponse"`
	CareTypes []CareTypeType `xml:"urn:riv:crm:scheduling:GetAllCareTypesResponder:1 careTypes"`
}

func (w *GetAllCareTypes) tidbok(c *checker, _ Version) (any, tidbok.PersonalNumber) {
	c.required("healthcare_facility", w.HealthcareFacility)
	c.required("subject_of_care", w.SubjectOfCare)
	r := tidbok.CareTypesRequest{
		Facility:    c.hsa("healthcare_facility", w.HealthcareFacility),
		Subject:     c.pn("subject_of_care", w.SubjectOfCare),
		TimeTypeIDs: cloneStrings(w.TimeTypeIDs),
		Performers:  c.hsas("performer", w.Performer),
	}
	return r, r.Subject
}

func (w *GetAllCareTypesResponse) tidbok(c *checker, _ tidbok.Operation) (any, error) {
	var res tidbok.CareTypesResult
	if len(w.CareTypes) > 0 {
		res.CareTypes = make([]tidbok.CareType, len(w.CareTypes))
		for i, t := range w.CareTypes {
			c.in("careTypes", i+1)
			c.required("careTypeName", t.CareTypeName)
			c.required("careTypeId", t.CareTypeID)
			res.CareTypes[i] = tidbok.CareType{ID: t.CareTypeID, Name: t.CareTypeName}
		}
		c.in("", 0)
	}
	return res, nil
}

var careTypesCodec = codec(
	func() wireRequest { return new(GetAllCareTypes) },
	func() wireResponse { return new(GetAllCareTypesResponse) },
	func(r tidbok.CareTypesRequest) (any, tidbok.PersonalNumber) {
		return &GetAllCareTypes{
			HealthcareFacility: wireHSA(r.Facility),
			TimeTypeIDs:        r.TimeTypeIDs,
			Performer:          wireHSAs(r.Performers),
			SubjectOfCare:      wirePN(r.Subject),
		}, r.Subject
	},
	func(r *tidbok.CareTypesRequest) *tidbok.Actor { return &r.Actor },
	func(s tidbok.CareTypesResult) (any, error) {
		w := &GetAllCareTypesResponse{}
		if len(s.CareTypes) > 0 {
			w.CareTypes = make([]CareTypeType, len(s.CareTypes))
			for i, t := range s.CareTypes {
				w.CareTypes[i] = CareTypeType{CareTypeName: t.Name, CareTypeID: t.ID}
			}
		}
		return w, nil
	},
)
