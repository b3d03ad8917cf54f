package crmwire

import (
	"encoding/xml"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// GetAllTimeTypes is the request of GetAllTimeTypes. careTypeIDs and
// subject_of_care are in the 1.1 extension namespace
// urn:riv:crm:scheduling:GetAllTimeTypesResponder:1.1; 1.0 has neither.
type GetAllTimeTypes struct {
	XMLName            xml.Name `xml:"urn:riv:crm:scheduling:GetAllTimeTypesResponder:1 GetAllTimeTypes"`
	HealthcareFacility string   `xml:"urn:riv:crm:scheduling:GetAllTimeTypesResponder:1 healthcare_facility"`
	CareTypeIDs        []string `xml:"urn:riv:crm:scheduling:GetAllTimeTypesResponder:1.1 careTypeIDs"`
	SubjectOfCare      string   `xml:"urn:riv:crm:scheduling:GetAllTimeTypesResponder:1.1 subject_of_care"`
}

// GetAllTimeTypesResponse is the response of GetAllTimeTypes (note the
// capital L of ListOfTimeTypes).
type GetAllTimeTypesResponse struct {
	XMLName         xml.Name       `xml:"urn:riv:crm:scheduling:GetAllTimeTypesResponder:1 GetAllTimeTypesResponse"`
	ListOfTimeTypes []TimeTypeType `xml:"urn:riv:crm:scheduling:GetAllTimeTypesResponder:1 ListOfTimeTypes"`
}

func (w *GetAllTimeTypes) tidbok(c *checker, v Version) (any, tidbok.PersonalNumber) {
	c.required("healthcare_facility", w.HealthcareFacility)
	if v == V11 {
		c.required("subject_of_care", w.SubjectOfCare)
	}
	r := tidbok.TimeTypesRequest{
		Facility:    c.hsa("healthcare_facility", w.HealthcareFacility),
		Subject:     c.pn("subject_of_care", w.SubjectOfCare),
		CareTypeIDs: cloneStrings(w.CareTypeIDs),
	}
	return r, r.Subject
}

func (w *GetAllTimeTypesResponse) tidbok(c *checker, _ tidbok.Operation) (any, error) {
	var res tidbok.TimeTypesResult
	if len(w.ListOfTimeTypes) > 0 {
		res.TimeTypes = make([]tidbok.TimeType, len(w.ListOfTimeTypes))
		for i, t := range w.ListOfTimeTypes {
			c.in("ListOfTimeTypes", i+1)
			c.required("timeTypeName", t.TimeTypeName)
			c.required("timeTypeId", t.TimeTypeID)
			res.TimeTypes[i] = tidbok.TimeType{ID: t.TimeTypeID, Name: t.TimeTypeName}
		}
		c.in("", 0)
	}
	return res, nil
}

var timeTypesCodec = codec(
	func() wireRequest { return new(GetAllTimeTypes) },
	func() wireResponse { return new(GetAllTimeTypesResponse) },
	func(r tidbok.TimeTypesRequest) (any, tidbok.PersonalNumber) {
		return &GetAllTimeTypes{
			HealthcareFacility: wireHSA(r.Facility),
			CareTypeIDs:        r.CareTypeIDs,
			SubjectOfCare:      wirePN(r.Subject),
		}, r.Subject
	},
	func(r *tidbok.TimeTypesRequest) *tidbok.Actor { return &r.Actor },
	func(s tidbok.TimeTypesResult) (any, error) {
		w := &GetAllTimeTypesResponse{}
		if len(s.TimeTypes) > 0 {
			w.ListOfTimeTypes = make([]TimeTypeType, len(s.TimeTypes))
			for i, t := range s.TimeTypes {
				w.ListOfTimeTypes[i] = TimeTypeType{TimeTypeName: t.Name, TimeTypeID: t.ID}
			}
		}
		return w, nil
	},
)
