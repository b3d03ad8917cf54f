package booking

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Booking is one of the citizen's bookings (or the clinic's invitations)
// with what the citizen may do with it.
type Booking struct {
	tidbok.Timeslot
	// Allows says what the citizen may do now.
	Allows Allows
	// Summary describes the booking for display.
	Summary Summary
}

// Allows says what the citizen may do with a booking now: the book's
// flags and the case type's rules together. The rules only ever forbid
// more than the flags: what a flag forbids is never allowed.
type Allows struct {
	// Cancel: the book's MayCancel, the case type's AllowCancel, the
	// booking not started and its ChangeBy not passed.
	Cancel bool
	// Reschedule: the book's MayReschedule, the case type's
	// AllowReschedule, a time to move, not started, ChangeBy not passed,
	// and moves left.
	Reschedule bool
	// Message: Cancel, the book's MayMessage and the case type's message
	// setting — a message may go with the cancellation, of at most
	// MessageMaxLen characters.
	Message       bool
	MessageMaxLen int
	// ChangeBy is the last instant the booking may be cancelled or moved
	// (the case type's ChangeDeadline before the start); zero when the
	// only limit is the start itself.
	ChangeBy time.Time
	// ReschedulesLeft is how many more moves the case type allows; -1
	// means no limit.
	ReschedulesLeft int
}

// MyBookings returns the subject of care's future bookings and timed
// invitations at the clinic, ordered by start, each with what it allows,
// under a case type of kind Av- och omboka. It is the most used view:
// it reads the book every time and is audited.
func (s *Service) MyBookings(ctx context.Context, sc Scope) ([]Booking, error) {
	now := s.now()
	ev := event(sc, ActionMyBookings, now)
	ctx, tc := s.tel.start(ctx, ActionMyBookings, sc)
	out, err := s.myBookings(ctx, sc, now)
	if err == nil {
		ev.Detail = strconv.Itoa(len(out)) + " bookings read"
	}
	err = s.recordRead(ctx, ev, err)
	tc.end(ctx, "", err)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) myBookings(ctx context.Context, sc Scope, now time.Time) ([]Booking, error) {
	const act = ActionMyBookings
	a, err := s.open(ctx, sc, act, now, casetype.KindManage)
	if err != nil {
		return nil, err
	}
	res, err := s.book.Schedule(ctx, tidbok.ScheduleRequest{Facility: sc.Clinic, Subject: sc.Subject, Actor: a.actor})
	if err != nil {
		return nil, s.bookError(act, err)
	}
	out := make([]Booking, 0, len(res.Bookings))
	for _, b := range res.Bookings {
		// Never another citizen's, whatever the book answers; only what
		// lies ahead.
		if b.Subject != sc.Subject || !b.Start.After(now) {
			continue
		}
		bk, err := s.describe(ctx, a, sc, b)
		if err != nil {
			return nil, err
		}
		out = append(out, bk)
	}
	slices.SortStableFunc(out, func(x, y Booking) int { return x.Start.Compare(y.Start) })
	return out, nil
}

// DetailsRequest asks for one of the subject's bookings.
type DetailsRequest struct {
	Scope
	// BookingID is the booking's ID, as MyBookings returned it.
	BookingID string
}

// Details returns one of the subject of care's bookings or invitations
// (timed or open) at the clinic, with what it allows, under a case type
// of kind Av- och omboka. A booking of another citizen reads exactly like
// one that does not exist: an [*Error] matching [tidbok.ErrNotFound].
func (s *Service) Details(ctx context.Context, req DetailsRequest) (Booking, error) {
	now := s.now()
	ev := event(req.Scope, ActionDetails, now)
	ev.BookingID = req.BookingID
	ctx, tc := s.tel.start(ctx, ActionDetails, req.Scope)
	b, err := s.details(ctx, req, now)
	err = s.recordRead(ctx, ev, err)
	tc.end(ctx, ev.BookingID, err)
	if err != nil {
		return Booking{}, err
	}
	return b, nil
}

func (s *Service) details(ctx context.Context, req DetailsRequest, now time.Time) (Booking, error) {
	const act = ActionDetails
	a, err := s.open(ctx, req.Scope, act, now, casetype.KindManage)
	if err != nil {
		return Booking{}, err
	}
	b, err := s.ownBooking(ctx, a, req.Scope, act, req.BookingID)
	if err != nil {
		return Booking{}, err
	}
	return s.describe(ctx, a, req.Scope, b)
}

// describe adds what b allows and its summary.
func (s *Service) describe(ctx context.Context, a access, sc Scope, b tidbok.Timeslot) (Booking, error) {
	r := a.ct.Rules
	al := Allows{ReschedulesLeft: -1}
	if r.ChangeDeadline > 0 && !b.Start.IsZero() {
		al.ChangeBy = b.Start.Add(-r.ChangeDeadline)
	}
	al.Cancel = mayChange(ActionCancel, a, b) == nil
	al.Reschedule = mayChange(ActionReschedule, a, b) == nil
	if al.Reschedule && r.MaxReschedules > 0 {
		n, err := s.moves.Count(ctx, sc.Clinic, b.ID)
		if err != nil {
			return Booking{}, &Error{Action: ActionMyBookings, Text: textGeneric, Err: failure("reading the move count", err)}
		}
		al.ReschedulesLeft = max(r.MaxReschedules-n, 0)
		al.Reschedule = al.ReschedulesLeft > 0
	}
	if al.Cancel && b.Flags.MayMessage && a.ct.Message.Allowed {
		al.Message, al.MessageMaxLen = true, a.ct.Message.MaxLen
	}
	return Booking{Timeslot: b, Allows: al, Summary: Summarize(b, "")}, nil
}

// mayChange returns nil if the citizen may cancel (act ActionCancel) or
// move (ActionReschedule) booking b now, and otherwise the *Error that
// says why not. The book's flags are checked first: the case type's rules
// may only forbid more.
func mayChange(act Action, a access, b tidbok.Timeslot) error {
	r := a.ct.Rules
	flag, rule, text := b.Flags.MayCancel, r.AllowCancel, textNoCancel
	deadlineText := textCancelDeadline
	if act == ActionReschedule {
		flag, rule, text = b.Flags.MayReschedule, r.AllowReschedule, textNoReschedule
		deadlineText = textMoveDeadline
	}
	switch {
	case act == ActionReschedule && b.IsOpenInvitation():
		return &Error{Action: act, Text: textOpenInvitation, Err: because(tidbok.ErrNotAllowed, "an open invitation has no time to move")}
	case !flag:
		return &Error{Action: act, Text: text, Err: because(tidbok.ErrNotAllowed, "the book does not allow it for this booking")}
	case !rule:
		return &Error{Action: act, Text: text, Err: because(tidbok.ErrNotAllowed, "case type %q does not allow it", a.ct.ID)}
	case len(a.ct.TimeTypeIDs) > 0 && !slices.Contains(a.ct.TimeTypeIDs, b.TimeType.ID):
		return &Error{Action: act, Text: text, Err: because(tidbok.ErrNotAllowed, "case type %q does not cover time type %q", a.ct.ID, b.TimeType.ID)}
	case started(b, a.now):
		return &Error{Action: act, Text: textPast, Err: ErrPast}
	case r.ChangeDeadline > 0 && !b.Start.IsZero() && a.now.After(b.Start.Add(-r.ChangeDeadline)):
		return &Error{Action: act, Text: deadlineText,
			Err: because(ErrDeadlinePassed, "changes end %v before the visit", r.ChangeDeadline)}
	}
	return nil
}
