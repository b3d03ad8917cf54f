package tidbok

// Actor is who performs a call (crm:scheduling §2.4; wire: the Actor
// header). The zero value means the subject of care acts in person, which
// is the default and the strict policy.
//
// A guardian acting for a child sets Person to the guardian; a staff member
// acting for a citizen (the wire's subject_of_care_agent, for new bookings
// only) sets Agent. Setting both is invalid.
type Actor struct {
	// Person is the citizen acting, when that is not the subject of care
	// (a guardian). Zero means the subject of care.
	Person PersonalNumber
	// Agent is the HSA-id of a staff member acting for the citizen.
	Agent HSAID
}

// IsAgent reports whether a staff member acts for the citizen.
func (a Actor) IsAgent() bool { return !a.Agent.IsZero() }

// IsZero reports whether a is the zero Actor: the subject of care acts.
func (a Actor) IsZero() bool { return a == Actor{} }

// PersonOr returns the acting person: a.Person, or subject when a names
// nobody. It is meaningless for an agent.
func (a Actor) PersonOr(subject PersonalNumber) PersonalNumber {
	if a.Person.IsZero() {
		return subject
	}
	return a.Person
}

func (a Actor) validate(p *Problems) {
	if !a.Person.IsZero() && !a.Agent.IsZero() {
		p.Add("Actor", "set either Person (a citizen acting) or Agent (staff acting), not both")
	}
}

func requireFacility(p *Problems, field string, h HSAID) {
	if h.IsZero() {
		p.Add(field, "is required: the clinic's HSA-id")
	}
}

func requireSubject(p *Problems, field string, s PersonalNumber) {
	if s.IsZero() {
		p.Add(field, "is required: the subject of care's personal identity number")
	}
}

func requireID(p *Problems, field, id string) {
	if id == "" {
		p.Add(field, "is required")
	}
}
