package booking

import (
	"context"
	"errors"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// CancelRequest asks to cancel one of the subject's bookings, under a case
// type of kind Av- och omboka.
type CancelRequest struct {
	Scope
	// Key is the request key; required. See [store.Keys].
	Key string
	// BookingID is the booking to cancel.
	BookingID string
	// Message is the citizen's reason, allowed only when the booking
	// allows a message (Allows.Message) and at most Allows.MessageMaxLen
	// characters.
	Message string
}

// Cancellation is the answer to a successful Cancel.
type Cancellation struct {
	// Booking is the booking as it was before it was cancelled.
	Booking tidbok.Timeslot
	// Notice is the book's message for the citizen, if any.
	Notice string
	// Summary describes the cancelled booking for display.
	Summary Summary
	// ICS is the booking as a cancelled iCalendar event, which removes
	// it from a calendar that has it.
	ICS []byte
	// Replayed and Reconciled are as in [Confirmation].
	Replayed, Reconciled bool
}

// Cancel cancels a booking; its slot is free for others at once. Safe to
// repeat with the same Key, as for [Service.Book].
//
// It honours the book's MayCancel flag, the case type's AllowCancel and
// ChangeDeadline ([ErrDeadlinePassed]), and takes a Message only where
// the book's MayMessage and the case type's message setting both allow it
// ([ErrMessageNotAllowed]), within the case type's length
// ([ErrMessageTooLong]). A staff agent may not cancel ([ErrForbidden]). A
// booking of another citizen reads as not found, and nothing changes.
func (s *Service) Cancel(ctx context.Context, req CancelRequest) (Cancellation, error) {
	now := s.now()
	ev := event(req.Scope, ActionCancel, now)
	ev.BookingID = req.BookingID
	ctx, tc := s.tel.start(ctx, ActionCancel, req.Scope)
	fin := s.closingFor()
	c, err := s.doCancel(ctx, req, now, fin)
	err = s.reword(tidbok.OpCancel, err)
	if err == nil {
		ev.Detail = note(c.Replayed, c.Reconciled)
		tc.note(ctx, c.Replayed, c.Reconciled)
	}
	s.closeWrite(ctx, fin, ev, err)
	tc.end(ctx, ev.BookingID, err)
	return c, err
}

func (s *Service) doCancel(ctx context.Context, req CancelRequest, now time.Time, fin *closing) (Cancellation, error) {
	const act = ActionCancel
	var p tidbok.Problems
	checkKey(&p, req.Key)
	if req.BookingID == "" {
		p.Add("BookingID", "is required: the booking to cancel")
	}
	if err := p.Err(); err != nil {
		return Cancellation{}, &Error{Action: act, Text: textInvalid, Err: err}
	}
	a, err := s.open(ctx, req.Scope, act, now, casetype.KindManage)
	if err != nil {
		return Cancellation{}, err
	}
	if err := s.checkTerms(ctx, req.Scope, act); err != nil {
		return Cancellation{}, err
	}
	fp := fingerprint(act, req.Scope, req.BookingID, req.Message)
	c, stored, err := s.claimKey(ctx, req.Scope, act, req.Key, fp, now)
	if c != nil {
		c.fin = fin
	}
	switch {
	case err != nil:
		return Cancellation{}, err
	case stored != nil:
		if stored.Result.Refused != tidbok.KindNone {
			s.tel.replayedRefusal(ctx, act)
			return Cancellation{}, replayed(act, stored.Result)
		}
		return cancellation(stored.Result, true), nil
	case c.resume:
		return s.resumeCancel(ctx, a, req.Scope, c)
	}

	old, err := s.ownBooking(ctx, a, req.Scope, act, req.BookingID)
	if err == nil {
		err = mayChange(act, a, old)
	}
	if err == nil {
		err = checkMessage(act, a.ct, req.Message, old.Flags.MayMessage)
	}
	if err != nil {
		s.dropKey(ctx, c)
		return Cancellation{}, err
	}
	seq, err := s.moves.Count(ctx, req.Clinic, req.BookingID)
	if err != nil {
		s.log.Warn("booking: reading the move count failed; the calendar revision may be low", "err", err)
	}
	in := store.Intent{
		Cancel: tidbok.CancelRequest{
			Facility: req.Clinic, BookingID: req.BookingID, Subject: req.Subject, Message: req.Message, Actor: a.actor,
		},
		Previous:   old,
		Sequence:   seq + 1,
		Recipients: s.lastRecipients(ctx, req.Clinic, req.BookingID),
	}
	if err := s.saveIntent(ctx, c, in); err != nil {
		s.dropKey(ctx, c)
		return Cancellation{}, &Error{Action: act, Text: textGeneric, Err: err}
	}
	return s.sendCancel(ctx, a, req.Scope, c, false)
}

// resumeCancel is a repeat of a key whose cancel may have been sent: read
// the booking first, and resend the cancel only if it is still there.
func (s *Service) resumeCancel(ctx context.Context, a access, sc Scope, c *claim) (Cancellation, error) {
	const act = ActionCancel
	_, gone, err := s.findCancelled(ctx, a, sc, c.rec.Intent.Cancel)
	switch {
	case err != nil:
		s.unknownKey(ctx, c)
		return Cancellation{}, unknownError(act, textCancelUnknown,
			&reason{err: tidbok.ErrOutcomeUnknown, why: "reading the booking to settle an earlier attempt failed", cause: err})
	case gone:
		return s.cancelled(ctx, a, sc, c, tidbok.CancelResult{}, true), nil
	}
	return s.sendCancel(ctx, a, sc, c, true)
}

func (s *Service) sendCancel(ctx context.Context, a access, sc Scope, c *claim, resend bool) (Cancellation, error) {
	const act = ActionCancel
	in := c.rec.Intent.Cancel
	res, how, err := attempt(ctx, resend,
		func(ctx context.Context) (tidbok.CancelResult, error) { return s.book.Cancel(ctx, in) },
		func(ctx context.Context) (tidbok.CancelResult, bool, error) { return s.findCancelled(ctx, a, sc, in) })
	switch how {
	case sentDone, sentReconciled:
		return s.cancelled(ctx, a, sc, c, res, how == sentReconciled), nil
	case sentRefused:
		out := refuse(act, err, texts.Default(tidbok.OpCancel, err))
		s.settleKey(ctx, c, refusal(s.reword(tidbok.OpCancel, out), a.now))
		return Cancellation{}, out
	case sentNot:
		s.dropKey(ctx, c)
		return Cancellation{}, refuse(act, err, textNotSent)
	default:
		s.unknownKey(ctx, c)
		return Cancellation{}, unknownError(act, textCancelUnknown, err)
	}
}

// cancelled settles a successful cancel: store, notify, answer.
func (s *Service) cancelled(ctx context.Context, a access, sc Scope, c *claim, res tidbok.CancelResult, reconciled bool) Cancellation {
	in := c.rec.Intent
	r := store.KeyResult{Booking: in.Previous, Notice: res.Notice, Sequence: in.Sequence, Time: a.now, Reconciled: reconciled}
	b := in.Previous
	b.ID = in.Cancel.BookingID
	s.enqueueFor(ctx, c, Cancelled, sc.Clinic, in.Recipients, Letter{Booking: b, Notice: res.Notice, Sequence: in.Sequence, Time: a.now})
	s.withdrawReminders(ctx, sc.Clinic, b.ID, in.Sequence)
	s.settleKey(ctx, c, r)
	s.afterChange(ctx, sc, b.ID, in.Previous)
	out := cancellation(r, false)
	s.notifyAfter(ctx, c, Notification{
		Kind: Cancelled, Time: a.now, Caller: sc.Caller, Subject: sc.Subject, Clinic: sc.Clinic,
		Booking: out.Booking, Notice: out.Notice, Summary: out.Summary, ICS: out.ICS,
	})
	return out
}

// findCancelled reads the booking to see whether it is gone: the
// reconciliation of a cancel whose answer was lost.
func (s *Service) findCancelled(ctx context.Context, a access, sc Scope, in tidbok.CancelRequest) (res tidbok.CancelResult, found bool, err error) {
	ctx, span := s.tel.startReconcile(ctx, ActionCancel)
	defer func() { s.tel.endReconcile(ctx, span, ActionCancel, found, err) }()
	return s.findCancelledInBook(ctx, a, sc, in)
}

// findCancelledInBook is findCancelled without its span.
func (s *Service) findCancelledInBook(ctx context.Context, a access, sc Scope, in tidbok.CancelRequest) (tidbok.CancelResult, bool, error) {
	_, err := s.book.BookingDetails(ctx, tidbok.BookingDetailsRequest{
		Facility: sc.Clinic, BookingID: in.BookingID, Subject: sc.Subject, Actor: a.actor,
	})
	switch {
	case errors.Is(err, tidbok.ErrNotFound):
		return tidbok.CancelResult{}, true, nil
	case err != nil:
		return tidbok.CancelResult{}, false, err
	}
	return tidbok.CancelResult{}, false, nil
}

func cancellation(r store.KeyResult, replay bool) Cancellation {
	return Cancellation{
		Booking:    r.Booking,
		Notice:     r.Notice,
		Summary:    Summarize(r.Booking, r.Notice),
		ICS:        CalendarEvent{Booking: r.Booking, Notice: r.Notice, Stamp: r.Time, Sequence: r.Sequence, Cancelled: true}.ICS(),
		Replayed:   replay,
		Reconciled: r.Reconciled,
	}
}
