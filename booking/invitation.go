package booking

import (
	"context"
	"time"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// invitationKinds are the case type kinds an open invitation is searched
// and booked under.
var invitationKinds = []casetype.Kind{casetype.KindBook, casetype.KindManage}

// openInvitation reads the subject's open invitation id and returns a
// with its case type narrowed to the invitation's time type, and the
// invitation.
func (s *Service) openInvitation(ctx context.Context, a access, sc Scope, act Action, id string) (access, tidbok.Timeslot, error) {
	inv, err := s.ownBooking(ctx, a, sc, act, id)
	if err != nil {
		return access{}, tidbok.Timeslot{}, err
	}
	switch {
	case !inv.Invitation:
		return access{}, tidbok.Timeslot{}, &Error{Action: act, Text: textInvitationBooked,
			Err: because(tidbok.ErrNotAllowed, "%q is a booking, not an open invitation: it was booked already", id)}
	case !inv.IsOpenInvitation():
		// A timed invitation, or an open one booked already (the book may
		// keep it an invitation): either has its time.
		return access{}, tidbok.Timeslot{}, &Error{Action: act, Text: textInvitationBooked,
			Err: because(tidbok.ErrNotAllowed, "invitation %q has a time already: move it with Reschedule", id)}
	case inv.TimeType.ID == "":
		return access{}, tidbok.Timeslot{}, &Error{Action: act, Text: textInvitationNoType,
			Err: because(ErrTimeTypeNotOffered, "open invitation %q names no time type to search", id)}
	}
	a.ct.TimeTypeIDs = []string{inv.TimeType.ID}
	return a, inv, nil
}

// AcceptInvitation returns the confirmation of the subject's timed
// invitation BookingID — its summary and calendar file — under a case
// type of kind Av- och omboka, after checking that it is the subject's,
// a timed invitation and still ahead. It writes nothing to the book:
// crm:scheduling has no confirmation of an invitation, whose time stands
// until it is moved or cancelled. It is audited as a read of the
// booking's details. An open invitation is refused with an [*Error]
// matching [tidbok.ErrNotAllowed] (book it with [Service.Book]), and so
// is a booking that is no invitation.
func (s *Service) AcceptInvitation(ctx context.Context, req DetailsRequest) (Confirmation, error) {
	now := s.now()
	ev := event(req.Scope, ActionDetails, now)
	ev.BookingID = req.BookingID
	ctx, tc := s.tel.start(ctx, ActionDetails, req.Scope)
	c, err := s.acceptInvitation(ctx, req, now)
	if err == nil {
		ev.Detail = "timed invitation accepted as it is"
	}
	err = s.recordRead(ctx, ev, err)
	tc.end(ctx, ev.BookingID, err)
	if err != nil {
		return Confirmation{}, err
	}
	return c, nil
}

func (s *Service) acceptInvitation(ctx context.Context, req DetailsRequest, now time.Time) (Confirmation, error) {
	const act = ActionDetails
	a, err := s.open(ctx, req.Scope, act, now, casetype.KindManage)
	if err != nil {
		return Confirmation{}, err
	}
	b, err := s.ownBooking(ctx, a, req.Scope, act, req.BookingID)
	switch {
	case err != nil:
		return Confirmation{}, err
	case b.IsOpenInvitation():
		return Confirmation{}, &Error{Action: act, Text: textOpenInvitation,
			Err: because(tidbok.ErrNotAllowed, "%q is an open invitation: book a time with Book", req.BookingID)}
	case !b.Invitation:
		return Confirmation{}, &Error{Action: act, Text: textNotInvitation,
			Err: because(tidbok.ErrNotAllowed, "%q is a booking, not an invitation", req.BookingID)}
	case started(b, now):
		return Confirmation{}, &Error{Action: act, Text: textPast, Err: ErrPast}
	}
	return Confirmation{
		Booking: b,
		Summary: Summarize(b, ""),
		ICS:     CalendarEvent{Booking: b, Stamp: now}.ICS(),
	}, nil
}
