package booking

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Request is a citizen's request to the clinic's staff, sent instead of
// booking directly: Beställa tid (ask for an appointment), the fallback
// when no suitable slot is free, or Av-/omboka förfrågan (ask to cancel or
// move a booking). Staff answer outside the service and then close it.
// It is the stores' record, [store.Request].
type Request = store.Request

// SubmitRequest asks to send a citizen's request to the clinic's staff
// ([Service.SubmitRequest]).
type SubmitRequest struct {
	Scope
	// BookingID is the booking an Av-/omboka förfrågan concerns; required
	// for that kind, not allowed for Beställa tid.
	BookingID string
	// Message is the citizen's text, as the case type's message settings
	// allow.
	Message string
	// Contact is how staff reach the citizen; optional.
	Contact tidbok.ContactInfo
}

// SubmitRequest records a request for the clinic's staff under a case
// type of kind Beställa tid or Av-/omboka förfrågan, typically the
// Fallback of a search that found nothing. The message follows the case
// type's message settings. A staff agent may not send requests
// ([ErrForbidden]).
func (s *Service) SubmitRequest(ctx context.Context, req SubmitRequest) (Request, error) {
	now := s.now()
	ev := event(req.Scope, ActionRequest, now)
	ctx, tc := s.tel.start(ctx, ActionRequest, req.Scope)
	r, err := s.submitRequest(ctx, req, now)
	if err == nil {
		ev.BookingID = r.ID
	}
	s.recordWrite(ctx, ev, err)
	tc.end(ctx, ev.BookingID, err)
	return r, err
}

func (s *Service) submitRequest(ctx context.Context, req SubmitRequest, now time.Time) (Request, error) {
	const act = ActionRequest
	a, err := s.open(ctx, req.Scope, act, now, casetype.KindRequest, casetype.KindManageRequest)
	if err != nil {
		return Request{}, err
	}
	switch {
	case a.ct.Kind == casetype.KindManageRequest:
		if _, err := s.ownBooking(ctx, a, req.Scope, act, req.BookingID); err != nil {
			return Request{}, err
		}
	case req.BookingID != "":
		return Request{}, &Error{Action: act, Text: textInvalid, Err: &tidbok.FieldError{Field: "BookingID", Problem: "is only for a request about a booking (Av-/omboka förfrågan)"}}
	}
	merr := checkMessage(act, a.ct, req.Message, true)
	if sv, cerr := checkContact("Contact", req.Contact); cerr != nil {
		return Request{}, contactError(act, cerr, sv, merr)
	}
	if merr != nil {
		return Request{}, merr
	}
	r := Request{
		ID:        "r" + newToken()[:15],
		Clinic:    req.Clinic,
		CaseType:  req.CaseType,
		Kind:      a.ct.Kind,
		Subject:   req.Subject,
		Caller:    store.Caller(req.Caller),
		BookingID: req.BookingID,
		Message:   req.Message,
		Contact:   req.Contact,
		Created:   now,
	}
	if err := s.requests.Add(ctx, r); err != nil {
		return Request{}, &Error{Action: act, Text: textGeneric, Err: failure("storing the request", err)}
	}
	return r, nil
}

// Staff is a staff member handling a clinic's requests, as the portal's
// staff login (SITHS) and role catalogue establish.
type Staff struct {
	// ID is the staff member's HSA-id.
	ID tidbok.HSAID
	// Clinics are the clinics whose requests they handle.
	Clinics []tidbok.HSAID
	// Session identifies the staff member's login session in audit
	// events ([Event.Session]); optional, and never a secret.
	Session string
}

func (st Staff) authorize(act Action, clinic tidbok.HSAID) error {
	if st.ID.IsZero() || clinic.IsZero() || !slices.Contains(st.Clinics, clinic) {
		return &Error{Action: act, Text: textStaffOnly,
			Err: because(ErrForbidden, "the staff member does not handle requests at the clinic")}
	}
	return nil
}

// ListRequests asks for a clinic's requests ([Service.ListRequests]).
type ListRequests struct {
	// Staff is the staff member asking; they must handle the clinic's
	// requests.
	Staff Staff
	// Clinic is the clinic whose requests are listed.
	Clinic tidbok.HSAID
	// OpenOnly leaves out the requests staff have closed.
	OpenOnly bool
}

// ListRequests returns the clinic's requests (only the open ones when
// req.OpenOnly), oldest first, to a staff member who handles them. The
// list holds citizens' data: it is audited, one event per request read
// (with the request's Subject and its ID in BookingID), or one event for
// an empty list or a refusal.
func (s *Service) ListRequests(ctx context.Context, req ListRequests) ([]Request, error) {
	const act = ActionListRequests
	ctx, tc := s.tel.start(ctx, act, Scope{Clinic: req.Clinic})
	out, err := s.listRequests(ctx, req)
	tc.end(ctx, "", err)
	return out, err
}

func (s *Service) listRequests(ctx context.Context, req ListRequests) ([]Request, error) {
	const act = ActionListRequests
	staff, clinic, openOnly := req.Staff, req.Clinic, req.OpenOnly
	ev := Event{Time: s.now(), Caller: Caller{Agent: staff.ID}, Clinic: clinic, Action: act, Session: staff.Session}
	out, err := func() ([]Request, error) {
		if err := staff.authorize(act, clinic); err != nil {
			return nil, err
		}
		out, err := s.requests.List(ctx, clinic, openOnly)
		if err != nil {
			return nil, &Error{Action: act, Text: textGeneric, Err: failure("listing requests", err)}
		}
		return out, nil
	}()
	if err != nil || len(out) == 0 {
		if err == nil {
			ev.Detail = "0 requests read"
		}
		if err := s.recordRead(ctx, ev, err); err != nil {
			return nil, err
		}
		return out, nil
	}
	// One event per request read, so that each citizen's log extract
	// names it.
	for _, r := range out {
		e := ev
		e.Subject, e.CaseType, e.BookingID, e.Detail = r.Subject, r.CaseType, r.ID, "request read"
		if err := s.recordRead(ctx, e, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CloseRequest asks to mark a request handled ([Service.CloseRequest]).
type CloseRequest struct {
	// Staff is the staff member closing it; they must handle the clinic's
	// requests.
	Staff Staff
	// Clinic and ID name the request.
	Clinic tidbok.HSAID
	ID     string
}

// CloseRequest marks a request handled, by a staff member who handles the
// clinic's requests, and returns it. Closing it again changes nothing.
// An unknown request gives an error matching [tidbok.ErrNotFound].
func (s *Service) CloseRequest(ctx context.Context, req CloseRequest) (Request, error) {
	const act = ActionCloseRequest
	staff, clinic, id := req.Staff, req.Clinic, req.ID
	now := s.now()
	ev := Event{Time: now, Caller: Caller{Agent: staff.ID}, Clinic: clinic, Action: act, BookingID: id, Session: staff.Session}
	ctx, tc := s.tel.start(ctx, act, Scope{Clinic: clinic})
	r, err := func() (Request, error) {
		if err := staff.authorize(act, clinic); err != nil {
			return Request{}, err
		}
		r, err := s.requests.Close(ctx, clinic, id, staff.ID, now)
		switch {
		case errors.Is(err, tidbok.ErrNotFound):
			return Request{}, &Error{Action: act, Text: textNoRequest, Err: err}
		case err != nil:
			return Request{}, &Error{Action: act, Text: textGeneric, Err: failure("closing the request", err)}
		}
		return r, nil
	}()
	ev.Subject = r.Subject
	s.recordWrite(ctx, ev, err)
	tc.end(ctx, id, err)
	return r, err
}
