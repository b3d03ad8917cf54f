package crmwire

import (
	"encoding/xml"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// GetAllPerformers is the request of GetAllPerformers (1.1 only).
type GetAllPerformers struct {
	XMLName            xml.Name `xml:"urn:riv:crm:scheduling:GetAllPerformersResponder:1 GetAllPerformers"`
	HealthcareFacility string   `xml:"urn:riv:crm:scheduling:GetAllPerformersResponder:1 healthcare_facility"`
	TimeTypeIDs        []string `xml:"urn:riv:crm:scheduling:GetAllPerformersResponder:1 timeTypeIDs"`
	CareTypeIDs        []string `xml:"urn:riv:crm:scheduling:GetAllPerformersResponder:1 careTypeIDs"`
	SubjectOfCare      string   `xml:"urn:riv:crm:scheduling:GetAllPerformersResponder:1 subject_of_care"`
}

// GetAllPerformersResponse is the response of GetAllPerformers.
type GetAllPerformersResponse struct {
	XMLName        xml.Name            `xml:"urn:riv:crm:scheduling:GetAllPerformersResponder:1 GetAllPerformersResponse"`
	PerformerInfos []PerformerInfoType `xml:"urn:riv:crm:scheduling:GetAllPerformersResponder:1 performerInfos"`
}

func (w *GetAllPerformers) tidbok(c *checker, _ Version) (any, tidbok.PersonalNumber) {
	c.required("healthcare_facility", w.HealthcareFacility)
	c.required("subject_of_care", w.SubjectOfCare)
	r := tidbok.PerformersRequest{
		Facility:    c.hsa("healthcare_facility", w.HealthcareFacility),
		Subject:     c.pn("subject_of_care", w.SubjectOfCare),
		TimeTypeIDs: cloneStrings(w.TimeTypeIDs),
		CareTypeIDs: cloneStrings(w.CareTypeIDs),
	}
	return r, r.Subject
}

func (w *GetAllPerformersResponse) tidbok(c *checker, _ tidbok.Operation) (any, error) {
	var res tidbok.PerformersResult
	if len(w.PerformerInfos) > 0 {
		res.Performers = make([]tidbok.Performer, len(w.PerformerInfos))
		for i, p := range w.PerformerInfos {
			c.in("performerInfos", i+1)
			c.required("perfomer", p.Perfomer)
			c.required("firstName", p.FirstName)
			c.required("lastName", p.LastName)
			res.Performers[i] = tidbok.Performer{
				ID:        c.hsa("perfomer", p.Perfomer),
				FirstName: p.FirstName,
				LastName:  p.LastName,
				Title:     p.Title,
			}
		}
		c.in("", 0)
	}
	return res, nil
}

var performersCodec = codec(
	func() wireRequest { return new(GetAllPerformers) },
	func() wireResponse { return new(GetAllPerformersResponse) },
	func(r tidbok.PerformersRequest) (any, tidbok.PersonalNumber) {
		return &GetAllPerformers{
			HealthcareFacility: wireHSA(r.Facility),
			TimeTypeIDs:        r.TimeTypeIDs,
			CareTypeIDs:        r.CareTypeIDs,
			SubjectOfCare:      wirePN(r.Subject),
		}, r.Subject
	},
	func(r *tidbok.PerformersRequest) *tidbok.Actor { return &r.Actor },
	func(s tidbok.PerformersResult) (any, error) {
		w := &GetAllPerformersResponse{}
		if len(s.Performers) > 0 {
			w.PerformerInfos = make([]PerformerInfoType, len(s.Performers))
			for i, p := range s.Performers {
				w.PerformerInfos[i] = PerformerInfoType{
					Perfomer:  wireHSA(p.ID),
					FirstName: p.FirstName,
					LastName:  p.LastName,
					Title:     p.Title,
				}
			}
		}
		return w, nil
	},
)
