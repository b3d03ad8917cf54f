package booking

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Caller is who is logged in to the portal and makes a call: a citizen
// (Person) or a staff member acting as an agent (Agent), never both, with
// the assurance level of the login. The portal fills it from its login;
// the service never trusts anything else about who acts.
//
// A citizen's Assurance must be set from the login: [casetype.AssuranceEID]
// for an e-ID, [casetype.AssurancePasswordSMS] for a password and an SMS
// code. The zero Assurance is [casetype.AssuranceUnknown], and the service
// refuses a citizen whose level is unknown ([ErrAssuranceUnknown]) before
// it reads or writes anything, so a portal that forgets to set the level
// grants nothing.
type Caller struct {
	// Person is the citizen logged in, with e-ID or password and SMS.
	Person tidbok.PersonalNumber
	// Agent is the HSA-id of a staff member logged in (SITHS) who acts for
	// the subject of care, e.g. a nurse at the advice line. Agents may
	// only make new bookings (crm:scheduling §2.4).
	Agent tidbok.HSAID
	// Assurance is the assurance level of a citizen's login, checked
	// against the case type's; a citizen's must be known. A staff
	// agent's SITHS login is not checked, and an agent's Assurance is
	// ignored.
	Assurance casetype.Assurance
}

// IsAgent reports whether c is a staff member acting as an agent.
func (c Caller) IsAgent() bool { return !c.Agent.IsZero() }

// LogValue implements [slog.LogValuer]: the person masked, or the agent.
func (c Caller) LogValue() slog.Value {
	if c.IsAgent() {
		return slog.GroupValue(slog.String("agent", c.Agent.String()))
	}
	return slog.GroupValue(slog.Any("person", c.Person), slog.String("assurance", c.Assurance.String()))
}

// String returns the agent's HSA-id or the person's masked number.
func (c Caller) String() string {
	if c.IsAgent() {
		return "agent " + c.Agent.String()
	}
	return c.Person.String()
}

// key identifies the caller in the key store: request keys are scoped to
// the caller who chose them.
func (c Caller) key() string {
	if c.IsAgent() {
		return "a:" + c.Agent.String()
	}
	return "p:" + c.Person.Canonical()
}

func (c Caller) check(p *tidbok.Problems, field string) {
	switch {
	case c.Person.IsZero() && c.Agent.IsZero():
		p.Add(field, "names nobody: set Person (the citizen logged in) or Agent (staff logged in)")
	case !c.Person.IsZero() && !c.Agent.IsZero():
		p.Add(field, "sets both Person and Agent: set the one who is logged in")
	}
}

// checkLogin refuses a citizen whose login's assurance level is not
// known: the portal did not say how they logged in, so nothing may be
// granted on the strength of it. The error matches [ErrAssuranceUnknown]
// and [ErrAssuranceTooLow].
func (c Caller) checkLogin(act Action) error {
	if c.IsAgent() || c.Assurance.Valid() {
		return nil
	}
	return &Error{Action: act, Text: textAssuranceUnknown,
		Err: because(ErrAssuranceUnknown, "the login's level is %v: set Caller.Assurance from the login", c.Assurance)}
}

// Scope says who acts for whom, where, under which case type: the part
// every request of the citizen's flow shares. The portal keeps it for the
// citizen's session at one clinic.
type Scope struct {
	// Caller is who is logged in.
	Caller Caller
	// Subject is the subject of care (vårdtagare): whose booking it is.
	// By default the caller themself; see [casetype.Proxy] for guardians.
	Subject tidbok.PersonalNumber
	// Clinic is the clinic's HSA-id.
	Clinic tidbok.HSAID
	// CaseType is the ID of the case type the citizen chose on the
	// clinic's contact card ([Service.ContactCard]).
	CaseType string
	// Session identifies the caller's login session in audit events
	// ([Event.Session]); optional. It must not be a secret: not the
	// session's cookie value, but, say, a prefix of a hash of it.
	Session string
}

func (sc Scope) check(p *tidbok.Problems) {
	sc.Caller.check(p, "Caller")
	if sc.Subject.IsZero() {
		p.Add("Subject", "is required: the subject of care's personal identity number")
	}
	if sc.Clinic.IsZero() {
		p.Add("Clinic", "is required: the clinic's HSA-id")
	}
	if sc.CaseType == "" {
		p.Add("CaseType", "is required: the ID of the case type from the contact card")
	}
}

// GuardianResolver says whether a citizen is a guardian (vårdnadshavare)
// of a child per the population register. The portal supplies it; the
// service asks it only under [casetype.ProxyGuardianUnder13], for a child
// under 13. Implementations must be safe for concurrent use.
type GuardianResolver interface {
	IsGuardian(ctx context.Context, guardian, child tidbok.PersonalNumber) (bool, error)
}

// GuardianFunc adapts a function to a [GuardianResolver].
type GuardianFunc func(ctx context.Context, guardian, child tidbok.PersonalNumber) (bool, error)

// IsGuardian calls f.
func (f GuardianFunc) IsGuardian(ctx context.Context, guardian, child tidbok.PersonalNumber) (bool, error) {
	return f(ctx, guardian, child)
}

// agentMay lists what a staff agent may do: new bookings only, and
// reading the terms to the citizen
// (crm:scheduling §2.4, TKB 1.1.5).
var agentMay = []Action{ActionTerms, ActionSearch, ActionHold, ActionBook}

// authorize decides whether sc.Caller may do act for sc.Subject under ct
// on the date today, and returns the tidbok.Actor to send to the book: the
// zero Actor when the caller is the subject.
func (s *Service) authorize(ctx context.Context, sc Scope, ct casetype.CaseType, act Action, today tidbok.Date) (tidbok.Actor, error) {
	c := sc.Caller
	switch {
	case c.IsAgent():
		if !slices.Contains(agentMay, act) || ct.Kind != casetype.KindBook {
			return tidbok.Actor{}, &Error{Action: act, Text: textAgentOnlyBook,
				Err: because(ErrForbidden, "a staff agent may only make new bookings")}
		}
		return tidbok.Actor{Agent: c.Agent}, nil
	case !ct.Assurance.Valid():
		// Activation refuses a case type without a level; one stored
		// without it anyway is offered to nobody.
		return tidbok.Actor{}, &Error{Action: act, Text: textNotOffered,
			Err: because(ErrNotOffered, "%q requires no assurance level (%v): its administrator must choose one", ct.ID, ct.Assurance)}
	case !c.Assurance.Satisfies(ct.Assurance):
		return tidbok.Actor{}, &Error{Action: act, Text: textAssurance,
			Err: because(ErrAssuranceTooLow, "%s login, %q needs %s", c.Assurance, ct.ID, ct.Assurance)}
	case c.Person == sc.Subject:
		return tidbok.Actor{}, nil
	}
	forbid := func(why string) error {
		return &Error{Action: act, Text: textForbidden, Err: because(ErrForbidden, "%s", why)}
	}
	if !ct.Proxy.GuardianMayAct(sc.Subject.AgeOn(today)) {
		if ct.Proxy == casetype.ProxyGuardianUnder13 {
			return tidbok.Actor{}, forbid("the subject of care is not under 13 and must log in personally")
		}
		return tidbok.Actor{}, forbid(fmt.Sprintf("case type %q lets nobody act for another citizen", ct.ID))
	}
	if s.guardians == nil {
		s.log.Warn("booking: guardian policy without a guardian resolver; refusing", "case_type", ct.ID, "clinic", sc.Clinic)
		return tidbok.Actor{}, forbid("no guardian resolver is configured")
	}
	ok, err := s.guardians.IsGuardian(ctx, c.Person, sc.Subject)
	switch {
	case err != nil:
		return tidbok.Actor{}, &Error{Action: act, Text: textGeneric, Err: failure("asking the guardian resolver", err)}
	case !ok:
		return tidbok.Actor{}, forbid("the caller is not a guardian of the subject of care")
	}
	return tidbok.Actor{Person: c.Person}, nil
}

// access is what open established about a call: the case type, the
// actor to send to the book, and the time of the call.
type access struct {
	ct    casetype.CaseType
	actor tidbok.Actor
	now   time.Time
	today tidbok.Date
}

// open checks a call's scope: that it is complete, that a citizen's login
// level is known (before anything is read), that the clinic offers
// the case type as one of kinds, that the caller may do act for the
// subject, and that the subject is eligible. It is the first step of
// every call of the citizen's flow.
func (s *Service) open(ctx context.Context, sc Scope, act Action, now time.Time, kinds ...casetype.Kind) (access, error) {
	var p tidbok.Problems
	sc.check(&p)
	if err := p.Err(); err != nil {
		return access{}, &Error{Action: act, Text: textInvalid, Err: err}
	}
	if err := sc.Caller.checkLogin(act); err != nil {
		return access{}, err
	}
	ct, err := s.caseTypes.Get(ctx, sc.Clinic, sc.CaseType)
	switch {
	case errors.Is(err, casetype.ErrNotFound):
		return access{}, &Error{Action: act, Text: textNotOffered, Err: wrapping(ErrNotOffered, err)}
	case err != nil:
		return access{}, &Error{Action: act, Text: textGeneric, Err: failure(fmt.Sprintf("reading case type %q", sc.CaseType), err)}
	case ct.Status != casetype.StatusActive:
		return access{}, &Error{Action: act, Text: textNotOffered, Err: because(ErrNotOffered, "%q is %s", ct.ID, ct.Status)}
	case !slices.Contains(kinds, ct.Kind):
		return access{}, &Error{Action: act, Text: textNotOffered, Err: because(ErrNotOffered, "%q is %s, not %s", ct.ID, ct.Kind, kindList(kinds))}
	}
	today := tidbok.DateOf(now)
	actor, err := s.authorize(ctx, sc, ct, act, today)
	if err != nil {
		return access{}, err
	}
	if err := ct.Eligible(sc.Subject, today); err != nil {
		return access{}, &Error{Action: act, Text: textNotEligible, Err: wrapping(ErrNotEligible, err)}
	}
	return access{ct: ct, actor: actor, now: now, today: today}, nil
}

func kindList(kinds []casetype.Kind) string {
	switch len(kinds) {
	case 0:
		return "any kind"
	case 1:
		return kinds[0].String()
	}
	s := kinds[0].String()
	for _, k := range kinds[1:] {
		s += " or " + k.String()
	}
	return s
}
