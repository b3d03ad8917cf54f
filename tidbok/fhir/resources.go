package fhir

import (
	"strings"

	m "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func hsaIdentifier(id tidbok.HSAID) *m.Identifier {
	return &m.Identifier{System: ptr(SystemHSAID), Value: ptr(id.String())}
}

func personIdentifier(p tidbok.PersonalNumber) *m.Identifier {
	return &m.Identifier{System: ptr(personSystem(p)), Value: ptr(p.Canonical())}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// timeTypeConcept codes a time type.
func timeTypeConcept(tt tidbok.TimeType) []m.CodeableConcept {
	if tt.IsZero() {
		return nil
	}
	c := m.CodeableConcept{Text: optional(tt.Name)}
	if tt.ID != "" {
		c.Coding = []m.Coding{{System: ptr(SystemTimeType), Code: ptr(tt.ID), Display: optional(tt.Name)}}
	}
	return []m.CodeableConcept{c}
}

func careTypeConcept(ct tidbok.CareType) []m.CodeableConcept {
	if ct.IsZero() {
		return nil
	}
	c := m.CodeableConcept{Text: optional(ct.Name)}
	if ct.ID != "" {
		c.Coding = []m.Coding{{System: ptr(SystemCareType), Code: ptr(ct.ID), Display: optional(ct.Name)}}
	}
	return []m.CodeableConcept{c}
}

func locationRef(id tidbok.HSAID, name string) *m.Reference {
	return &m.Reference{Reference: ptr("Location/" + id.String()), Display: optional(name)}
}

// slotResource is a free slot as a FHIR Slot.
func slotResource(id string, ts tidbok.Timeslot) m.Slot {
	return m.Slot{
		Id:              ptr(id),
		Schedule:        m.Reference{Reference: ptr("Schedule/" + ts.Facility.String()), Display: optional(ts.FacilityName)},
		Status:          m.SlotStatusFree,
		Start:           instant(ts.Start),
		End:             instant(ts.End),
		ServiceType:     timeTypeConcept(ts.TimeType),
		ServiceCategory: careTypeConcept(ts.CareType),
		Comment:         optional(ts.Purpose),
	}
}

// appointment is a slot, booking or invitation as a FHIR Appointment with
// the given id and status; slot, when set, is the id of the Slot it takes.
func appointment(id string, status m.AppointmentStatus, ts tidbok.Timeslot, slot string) m.Appointment {
	a := m.Appointment{
		Id:              ptr(id),
		Status:          status,
		ServiceType:     timeTypeConcept(ts.TimeType),
		ServiceCategory: careTypeConcept(ts.CareType),
		Description:     optional(ts.Purpose),
		Comment:         optional(ts.Reason),
	}
	if !ts.Start.IsZero() {
		a.Start, a.End = ptr(instant(ts.Start)), ptr(instant(ts.End))
		a.MinutesDuration = ptr(int(ts.Duration().Minutes()))
	}
	if slot != "" {
		a.Slot = []m.Reference{{Reference: ptr("Slot/" + slot)}}
	}
	ps := m.ParticipationStatusAccepted
	if status == m.AppointmentStatusProposed || status == m.AppointmentStatusPending {
		ps = m.ParticipationStatusNeedsAction
	}
	if !ts.Subject.IsZero() {
		a.Participant = append(a.Participant, m.AppointmentParticipant{
			Actor:  &m.Reference{Type: ptr("Patient"), Identifier: personIdentifier(ts.Subject)},
			Status: ps,
		})
	}
	if !ts.Facility.IsZero() {
		a.Participant = append(a.Participant, m.AppointmentParticipant{Actor: locationRef(ts.Facility, ts.FacilityName), Status: m.ParticipationStatusAccepted})
	}
	if !ts.Performer.IsZero() {
		a.Participant = append(a.Participant, m.AppointmentParticipant{
			Actor:  &m.Reference{Reference: ptr("Practitioner/" + ts.Performer.String()), Identifier: hsaIdentifier(ts.Performer), Display: optional(ts.PerformerName)},
			Status: m.ParticipationStatusAccepted,
		})
	}
	if !ts.Resource.IsZero() {
		a.Participant = append(a.Participant, m.AppointmentParticipant{
			Actor:  &m.Reference{Type: ptr("Location"), Identifier: &m.Identifier{System: ptr(SystemResource), Value: optional(ts.Resource.ID)}, Display: optional(ts.Resource.Name)},
			Status: m.ParticipationStatusAccepted,
		})
	}
	if len(a.Participant) == 0 {
		a.Participant = []m.AppointmentParticipant{{Type: []m.CodeableConcept{{Text: ptr("unknown")}}, Status: ps}}
	}
	if status == m.AppointmentStatusBooked || status == m.AppointmentStatusCancelled || ts.Invitation {
		a.Extension = []m.Extension{
			{Url: ExtMayCancel, ValueBoolean: ptr(ts.Flags.MayCancel)},
			{Url: ExtMayReschedule, ValueBoolean: ptr(ts.Flags.MayReschedule)},
			{Url: ExtMayMessage, ValueBoolean: ptr(ts.Flags.MayMessage)},
		}
		if ts.Invitation {
			a.Extension = append(a.Extension, m.Extension{Url: ExtInvitation, ValueBoolean: ptr(true)})
		}
	}
	return a
}

// proposedAppointment is a proposed Appointment of a $find page: what
// appointment makes less what the page gives once or the entry gives
// otherwise. The clinic's name is in the page's included Location
// (locationResource), the clinician's HSA-id in the reference alone, the
// duration in start and end, and a type's name in its coding's display
// alone when it has a code.
func proposedAppointment(id string, ts tidbok.Timeslot) m.Appointment {
	a := appointment(id, m.AppointmentStatusProposed, ts, id)
	a.MinutesDuration = nil
	a.ServiceType = compactConcept(a.ServiceType)
	a.ServiceCategory = compactConcept(a.ServiceCategory)
	for i := range a.Participant {
		r := a.Participant[i].Actor
		switch {
		case r == nil || r.Reference == nil:
		case strings.HasPrefix(*r.Reference, "Location/"):
			r.Display = nil
		case strings.HasPrefix(*r.Reference, "Practitioner/"):
			r.Identifier = nil
		}
	}
	return a
}

// compactConcept drops the text of a concept whose coding names it.
func compactConcept(cs []m.CodeableConcept) []m.CodeableConcept {
	for i := range cs {
		if len(cs[i].Coding) > 0 {
			cs[i].Text = nil
		}
	}
	return cs
}

func scheduleResource(id tidbok.HSAID, name string, tts []tidbok.TimeType) m.Schedule {
	s := m.Schedule{
		Id:         ptr(id.String()),
		Identifier: []m.Identifier{*hsaIdentifier(id)},
		Active:     ptr(true),
		Actor:      []m.Reference{*locationRef(id, name)},
		Comment:    optional(name),
	}
	for _, tt := range tts {
		s.ServiceType = append(s.ServiceType, timeTypeConcept(tt)...)
	}
	return s
}

func locationResource(id tidbok.HSAID, name string) m.Location {
	return m.Location{
		Id:                   ptr(id.String()),
		Identifier:           []m.Identifier{*hsaIdentifier(id)},
		Status:               ptr(m.LocationStatusActive),
		Name:                 optional(name),
		ManagingOrganization: &m.Reference{Reference: ptr("Organization/" + id.String()), Display: optional(name)},
	}
}

func organizationResource(id tidbok.HSAID, name string) m.Organization {
	return m.Organization{
		Id:         ptr(id.String()),
		Identifier: []m.Identifier{*hsaIdentifier(id)},
		Active:     ptr(true),
		Name:       optional(name),
	}
}

func practitionerResource(p tidbok.Performer) m.Practitioner {
	pr := m.Practitioner{
		Id:         ptr(p.ID.String()),
		Identifier: []m.Identifier{*hsaIdentifier(p.ID)},
		Active:     ptr(true),
	}
	if p.FirstName != "" || p.LastName != "" || p.Title != "" {
		n := m.HumanName{Family: optional(p.LastName)}
		if p.FirstName != "" {
			n.Given = strings.Fields(p.FirstName)
		}
		if p.Title != "" {
			n.Prefix = []string{p.Title}
		}
		n.Text = optional(strings.Join(strings.Fields(p.Title+" "+p.FirstName+" "+p.LastName), " "))
		pr.Name = []m.HumanName{n}
	}
	return pr
}

func practitionerRoleResource(facility tidbok.HSAID, p tidbok.Performer, tts []tidbok.TimeType) m.PractitionerRole {
	r := m.PractitionerRole{
		Id:           ptr(facility.String() + "." + p.ID.String()),
		Active:       ptr(true),
		Practitioner: &m.Reference{Reference: ptr("Practitioner/" + p.ID.String()), Identifier: hsaIdentifier(p.ID), Display: optional(strings.TrimSpace(p.FirstName + " " + p.LastName))},
		Organization: &m.Reference{Reference: ptr("Organization/" + facility.String())},
		Location:     []m.Reference{*locationRef(facility, "")},
	}
	for _, tt := range tts {
		r.Specialty = append(r.Specialty, timeTypeConcept(tt)...)
	}
	return r
}

func healthcareServiceResource(id string, facility tidbok.HSAID, tt tidbok.TimeType) m.HealthcareService {
	return m.HealthcareService{
		Id:                  ptr(id),
		Active:              ptr(true),
		ProvidedBy:          &m.Reference{Reference: ptr("Organization/" + facility.String())},
		Type:                timeTypeConcept(tt),
		Location:            []m.Reference{*locationRef(facility, "")},
		Name:                optional(tt.Name),
		AppointmentRequired: ptr(true),
	}
}
