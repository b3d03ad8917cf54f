package booking

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// TermsStatus says which terms to show for a case type and whether the
// person logged in has accepted them.
type TermsStatus struct {
	// Version is the current version of the case type's terms: render its
	// Terms (see terms.Document) and offer the checkbox.
	Version terms.Version
	// Required reports that the caller must accept Version before booking,
	// rescheduling or cancelling. It is false for a staff agent, who is
	// never asked: the acceptance register holds citizens' consent.
	Required bool
	// Accepted reports that the person logged in has accepted Version.
	Accepted bool
}

// Terms returns the terms to show under a case type of kind Boka tid or Av-
// och omboka, and whether the person logged in (the guardian, when a
// guardian acts) has accepted them. Book, Reschedule and Cancel refuse
// with a [*TermsError] until they have.
func (s *Service) Terms(ctx context.Context, sc Scope) (TermsStatus, error) {
	ctx, tc := s.tel.start(ctx, ActionTerms, sc)
	st, err := s.termsStatus(ctx, sc)
	tc.end(ctx, "", err)
	return st, err
}

func (s *Service) termsStatus(ctx context.Context, sc Scope) (TermsStatus, error) {
	const act = ActionTerms
	if _, err := s.open(ctx, sc, act, s.now(), casetype.KindBook, casetype.KindManage); err != nil {
		return TermsStatus{}, err
	}
	if sc.Caller.IsAgent() {
		v, err := s.terms.Current(ctx, sc.Clinic, sc.CaseType)
		if err != nil {
			return TermsStatus{}, s.termsError(act, err)
		}
		return TermsStatus{Version: v}, nil
	}
	ok, v, err := s.terms.Check(ctx, sc.Caller.Person, sc.Clinic, sc.CaseType)
	if err != nil {
		return TermsStatus{}, s.termsError(act, err)
	}
	return TermsStatus{Version: v, Required: true, Accepted: ok}, nil
}

// AcceptTermsRequest records that the person logged in ticked the box.
type AcceptTermsRequest struct {
	Scope
	// Version is the number of the version the citizen was shown
	// (TermsStatus.Version.Number).
	Version int
}

// AcceptTerms records that the person logged in accepted the version of
// the case type's terms they were shown. If that version is no longer
// current it records nothing and returns a [*TermsError] (matching
// [ErrTermsNotAccepted] and [terms.ErrStale]) carrying the version to
// show instead. A staff agent cannot accept terms for a citizen
// ([ErrForbidden]).
func (s *Service) AcceptTerms(ctx context.Context, req AcceptTermsRequest) (terms.Acceptance, error) {
	ctx, tc := s.tel.start(ctx, ActionTerms, req.Scope)
	acc, err := s.acceptTerms(ctx, req)
	tc.end(ctx, "", err)
	return acc, err
}

func (s *Service) acceptTerms(ctx context.Context, req AcceptTermsRequest) (terms.Acceptance, error) {
	const act = ActionTerms
	if _, err := s.open(ctx, req.Scope, act, s.now(), casetype.KindBook, casetype.KindManage); err != nil {
		return terms.Acceptance{}, err
	}
	if req.Caller.IsAgent() {
		return terms.Acceptance{}, &Error{Action: act, Text: textTermsByCitizen,
			Err: because(ErrForbidden, "terms are accepted by the citizen, not by staff")}
	}
	shown, err := s.terms.Version(ctx, req.Clinic, req.CaseType, req.Version)
	if errors.Is(err, terms.ErrNotFound) {
		cur, cerr := s.terms.Current(ctx, req.Clinic, req.CaseType)
		if cerr != nil {
			return terms.Acceptance{}, s.termsError(act, cerr)
		}
		return terms.Acceptance{}, &TermsError{Action: act, Show: cur, Text: textTermsChanged, Err: err}
	}
	if err != nil {
		return terms.Acceptance{}, s.termsError(act, err)
	}
	acc, err := s.terms.Accept(ctx, req.Caller.Person, shown)
	var stale *terms.StaleError
	if errors.As(err, &stale) {
		return terms.Acceptance{}, &TermsError{Action: act, Show: stale.Current, Text: textTermsChanged, Err: err}
	}
	if err != nil {
		return terms.Acceptance{}, s.termsError(act, err)
	}
	return acc, nil
}

// checkTerms returns a *TermsError unless the person logged in has
// accepted the current terms of the scope's case type. Staff agents are
// not asked.
func (s *Service) checkTerms(ctx context.Context, sc Scope, act Action) error {
	if sc.Caller.IsAgent() {
		return nil
	}
	ok, cur, err := s.terms.Check(ctx, sc.Caller.Person, sc.Clinic, sc.CaseType)
	switch {
	case err != nil:
		return s.termsError(act, err)
	case !ok:
		return &TermsError{Action: act, Show: cur, Text: textTerms}
	}
	return nil
}

// termsError wraps an error of the terms register. Missing terms mean the
// case type cannot be used (activation requires them).
func (s *Service) termsError(act Action, err error) error {
	if errors.Is(err, terms.ErrNoTerms) {
		return &Error{Action: act, Text: textNotOffered, Err: wrapping(ErrNotOffered, err)}
	}
	return &Error{Action: act, Text: textGeneric, Err: failure("reading the terms", err)}
}

// checkMessage checks a citizen's message (a reason when booking, a
// message when cancelling, a request's text) against the case type's
// message settings; bookAllows is the book's word (Flags.MayMessage when
// cancelling, true otherwise). The portal's settings may only forbid
// more than the book.
func checkMessage(act Action, ct casetype.CaseType, msg string, bookAllows bool) error {
	if msg == "" {
		return nil
	}
	switch {
	case !ct.Message.Allowed:
		return &Error{Action: act, Text: textNoMessage, Err: because(ErrMessageNotAllowed, "case type %q takes no message", ct.ID)}
	case !bookAllows:
		return &Error{Action: act, Text: textNoMessage, Err: because(ErrMessageNotAllowed, "the book does not take a message for this booking")}
	case !utf8.ValidString(msg):
		return &Error{Action: act, Text: textInvalid, Err: &tidbok.FieldError{Field: "Message", Problem: "is not valid UTF-8 text"}}
	}
	if n := utf8.RuneCountInString(msg); n > ct.Message.MaxLen {
		return &Error{Action: act, Text: fmt.Sprintf("Meddelandet får vara högst %d tecken långt. Korta det och försök igen.", ct.Message.MaxLen),
			Err: because(ErrMessageTooLong, "%d characters, at most %d allowed", n, ct.Message.MaxLen)}
	}
	return nil
}
