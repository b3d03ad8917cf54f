package booking

import (
	"context"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// ContactCardRequest asks for a clinic's contact card as one caller, for
// one subject of care, sees it.
type ContactCardRequest struct {
	Caller  Caller
	Subject tidbok.PersonalNumber
	Clinic  tidbok.HSAID
}

// ContactCard is what a clinic offers one citizen on the web (kontaktkort).
type ContactCard struct {
	Clinic tidbok.HSAID
	// CaseTypes are the clinic's active case types the caller may use for
	// the subject, ordered by ID: the subject is eligible, the login's
	// assurance is high enough, and the case type's proxy policy lets the
	// caller act for the subject. A staff agent sees only Boka tid.
	CaseTypes []casetype.CaseType
}

// ContactCard returns the clinic's contact card for the caller and subject
// of care. Request case types (Beställa tid, Av-/omboka förfrågan) are on
// it too; booking ones need terms accepted before use (see
// [Service.Terms]).
func (s *Service) ContactCard(ctx context.Context, req ContactCardRequest) (ContactCard, error) {
	ctx, tc := s.tel.start(ctx, ActionContactCard, Scope{Clinic: req.Clinic})
	card, err := s.contactCard(ctx, req)
	tc.end(ctx, "", err)
	return card, err
}

func (s *Service) contactCard(ctx context.Context, req ContactCardRequest) (ContactCard, error) {
	const act = ActionContactCard
	sc := Scope{Caller: req.Caller, Subject: req.Subject, Clinic: req.Clinic, CaseType: "-"}
	var p tidbok.Problems
	sc.check(&p)
	if err := p.Err(); err != nil {
		return ContactCard{}, &Error{Action: act, Text: textInvalid, Err: err}
	}
	if err := req.Caller.checkLogin(act); err != nil {
		return ContactCard{}, err
	}
	active, err := s.caseTypes.Active(ctx, req.Clinic)
	if err != nil {
		return ContactCard{}, &Error{Action: act, Text: textGeneric, Err: failure("reading case types", err)}
	}
	today := tidbok.DateOf(s.now())
	card := ContactCard{Clinic: req.Clinic}
	for _, ct := range active {
		if !ct.Assurance.Valid() {
			continue // offered to nobody; see authorize
		}
		sc.CaseType = ct.ID
		if _, err := s.authorize(ctx, sc, ct, firstAction(ct.Kind), today); err != nil {
			if !isRefusal(err) {
				return ContactCard{}, err
			}
			continue
		}
		if ct.Eligible(req.Subject, today) != nil {
			continue
		}
		card.CaseTypes = append(card.CaseTypes, ct)
	}
	return card, nil
}

// firstAction is what a citizen first does under a case type of kind k.
func firstAction(k casetype.Kind) Action {
	switch k {
	case casetype.KindBook:
		return ActionBook
	case casetype.KindManage:
		return ActionMyBookings
	default:
		return ActionRequest
	}
}

// isRefusal reports whether err refuses the caller (rather than failing
// technically, e.g. the guardian resolver being down).
func isRefusal(err error) bool {
	return outcomeOf(err) == OutcomeForbidden
}
