package fhir

import (
	m "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The canonical URLs of IHE ITI Scheduling's operations, named in the
// CapabilityStatement.
const (
	opFind = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-find"
	opHold = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-hold"
	opBook = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-book"
)

func searchParam(name string, typ m.SearchParamType, doc string) m.CapabilityStatementRestResourceSearchParam {
	return m.CapabilityStatementRestResourceSearchParam{Name: name, Type: typ, Documentation: optional(doc)}
}

// capabilityStatement says what the façade answers over this book: the
// resource types and operations whose book operations Capabilities
// holds, nothing else.
func (h *Handler) capabilityStatement(c *call) m.CapabilityStatement {
	has := h.caps.Has
	read := m.CapabilityStatementRestResourceInteraction{Code: m.TypeRestfulInteractionRead}
	search := m.CapabilityStatementRestResourceInteraction{Code: m.TypeRestfulInteractionSearchType}
	patient := searchParam("patient", m.SearchParamTypeToken, "the patient by identifier, system|value ("+SystemPersonnummer+" or "+SystemSamordningsnummer+"); default the actor; also patient:identifier")
	var rs []m.CapabilityStatementRestResource
	add := func(t m.ResourceType, doc string, ia []m.CapabilityStatementRestResourceInteraction, sp ...m.CapabilityStatementRestResourceSearchParam) *m.CapabilityStatementRestResource {
		rs = append(rs, m.CapabilityStatementRestResource{Type: t, Documentation: optional(doc), Interaction: ia, SearchParam: sp})
		return &rs[len(rs)-1]
	}
	both := []m.CapabilityStatementRestResourceInteraction{read, search}
	hsa := searchParam("identifier", m.SearchParamTypeToken, "the clinic's HSA-id, system "+SystemHSAID)
	add(m.ResourceTypeLocation, "The clinics this server answers for; id and identifier are the HSA-id.", both, hsa)
	add(m.ResourceTypeOrganization, "The clinics as organizations; id and identifier are the HSA-id.", both, hsa)
	add(m.ResourceTypeSchedule, "One schedule per clinic; id is the clinic's HSA-id.", both, hsa, searchParam("actor", m.SearchParamTypeReference, "Location/{HSA-id}"))
	if has(tidbok.OpAvailableTimeslots) {
		add(m.ResourceTypeSlot, "Free web-bookable slots.", both,
			searchParam("schedule", m.SearchParamTypeReference, "Schedule/{HSA-id}; required when the server answers for more than one clinic"),
			searchParam("start", m.SearchParamTypeDate, "ge, gt, lt, le or eq; default from now for 14 days"),
			searchParam("service-type", m.SearchParamTypeToken, "the time type, system "+SystemTimeType),
			patient,
			searchParam("_count", m.SearchParamTypeNumber, "page size; next links page on with _offset"))
	}
	if has(tidbok.OpPerformers) {
		add(m.ResourceTypePractitioner, "Clinicians bookable on the web; id and identifier are the HSA-id.", both, patient)
		add(m.ResourceTypePractitionerRole, "A clinician at a clinic; id is the clinic's and the clinician's HSA-ids joined by a dot.", both,
			searchParam("location", m.SearchParamTypeReference, "Location/{HSA-id}"), searchParam("practitioner", m.SearchParamTypeReference, "Practitioner/{HSA-id}"),
			searchParam("service-type", m.SearchParamTypeToken, "clinicians offering the time type, system "+SystemTimeType), patient)
	}
	if has(tidbok.OpTimeTypes) {
		add(m.ResourceTypeHealthcareService, "The time types bookable on the web, one per clinic and type.", both,
			searchParam("location", m.SearchParamTypeReference, "Location/{HSA-id}"), searchParam("service-type", m.SearchParamTypeToken, "system "+SystemTimeType), patient)
	}
	var ia []m.CapabilityStatementRestResourceInteraction
	if has(tidbok.OpBookingDetails) {
		ia = append(ia, read)
	}
	var sp []m.CapabilityStatementRestResourceSearchParam
	if has(tidbok.OpSchedule) {
		ia = append(ia, search)
		sp = append(sp, patient, searchParam("location", m.SearchParamTypeReference, "Location/{HSA-id}"), searchParam("status", m.SearchParamTypeToken, "booked, proposed"))
	}
	appt := add(m.ResourceTypeAppointment, "Bookings (booked, with the flags as extensions "+ExtMayCancel+", "+ExtMayReschedule+", "+ExtMayMessage+"), proposed appointments of $find, held ones of $hold.", ia, sp...)
	if has(tidbok.OpAvailableTimeslots) {
		appt.Operation = append(appt.Operation, m.CapabilityStatementRestResourceOperation{Name: "find", Definition: opFind})
	}
	if h.holds != nil && has(tidbok.OpAvailableTimeslots) {
		appt.Operation = append(appt.Operation, m.CapabilityStatementRestResourceOperation{Name: "hold", Definition: opHold})
	}
	if has(tidbok.OpBook) || has(tidbok.OpReschedule) || has(tidbok.OpCancel) {
		var what []string
		for _, x := range []struct {
			op   tidbok.Operation
			text string
		}{{tidbok.OpBook, "book"}, {tidbok.OpReschedule, "move (previousAppointment)"}, {tidbok.OpCancel, "cancel (status cancelled)"}} {
			if has(x.op) {
				what = append(what, x.text)
			}
		}
		appt.Operation = append(appt.Operation, m.CapabilityStatementRestResourceOperation{Name: "book", Definition: opBook, Documentation: optional("this book can: " + join(what))})
	}
	return m.CapabilityStatement{
		Status:         m.PublicationStatusActive,
		Date:           instant(h.now()),
		Kind:           m.CapabilityStatementKindInstance,
		Software:       &m.CapabilityStatementSoftware{Name: "webbtidbok FHIR façade"},
		Implementation: &m.CapabilityStatementImplementation{Description: "An appointment book served as IHE ITI Scheduling", Url: ptr(h.baseURL(c.r))},
		FhirVersion:    m.FHIRVersion4_0_1,
		Format:         []string{"application/fhir+json"},
		Instantiates:   []string{"https://profiles.ihe.net/ITI/Scheduling/CapabilityStatement/IHE.Scheduling.server"},
		Rest: []m.CapabilityStatementRest{{
			Mode: m.RestfulCapabilityModeServer,
			Security: &m.CapabilityStatementRestSecurity{Description: optional("Consumers call over mutual TLS; the actor is named in the " + ActorHeader +
				" header (system|value), vouched for by the platform in front of this server.")},
			Resource: rs,
		}},
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
