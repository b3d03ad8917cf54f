package crmwire

import (
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// actorToWire returns the ih:Actor header for a request's actor and
// subject of care (see the package doc).
func actorToWire(a tidbok.Actor, subject tidbok.PersonalNumber) (*soap.Actor, error) {
	switch {
	case !a.Agent.IsZero():
		return &soap.Actor{ID: wireHSA(a.Agent), Type: soap.SubjectOfCareAgent}, nil
	case !a.Person.IsZero():
		return &soap.Actor{ID: wirePN(a.Person), Type: soap.SubjectOfCare}, nil
	case !subject.IsZero():
		return &soap.Actor{ID: wirePN(subject), Type: soap.SubjectOfCare}, nil
	}
	return nil, &tidbok.FieldError{
		Field:   "Actor",
		Problem: "names nobody for the ih:Actor header: set Subject (the citizen acting for themselves), Actor.Person (another citizen acting) or Actor.Agent (staff acting)",
	}
}

// actor maps a read ih:Actor header back to a tidbok.Actor, recording
// problems.
func (c *checker) actor(h *soap.Actor, subject tidbok.PersonalNumber) tidbok.Actor {
	if h == nil {
		c.add("Header/Actor", "missing: RIV-TA 2.1 requires the ih:Actor header (urn:riv:interoperability:headers:1)")
		return tidbok.Actor{}
	}
	switch h.Type {
	case soap.SubjectOfCareAgent:
		if h.ID == "" {
			c.add("Header/Actor/actorId", "missing or empty (required)")
			return tidbok.Actor{}
		}
		return tidbok.Actor{Agent: c.hsa("Header/Actor/actorId", h.ID)}
	case soap.SubjectOfCare:
		if h.ID == "" {
			c.add("Header/Actor/actorId", "missing or empty (required)")
			return tidbok.Actor{}
		}
		p := c.pn("Header/Actor/actorId", h.ID)
		if p.IsZero() || samePN(p, subject) {
			return tidbok.Actor{}
		}
		return tidbok.Actor{Person: p}
	}
	c.add("Header/Actor/actorType", quote(string(h.Type))+" is not subject_of_care or subject_of_care_agent")
	return tidbok.Actor{}
}
