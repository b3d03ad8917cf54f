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

// RescheduleRequest asks to move one of the subject's bookings to another
// slot at the clinic, under a case type of kind Av- och omboka.
type RescheduleRequest struct {
	Scope
	// Key is the request key; required. See [store.Keys].
	Key string
	// BookingID is the booking to move.
	BookingID string
	// Slot is the new slot, as [Service.Slots] returned it for the
	// BookingID. It may be left out when Hold is set.
	Slot tidbok.Timeslot
	// Hold is the token of the caller's [Hold] on the new slot (made with
	// HoldRequest.BookingID), if any.
	Hold string
	// Contact, when not zero, updates what the book knows of the subject;
	// it then needs FirstName and LastName.
	Contact tidbok.ContactInfo
	// Consent, with Contact, says where the move's message goes (as for
	// [BookRequest]); with Contact zero, it goes where the booking's
	// earlier messages went.
	Consent Consent
}

// Reschedule moves a booking to a new slot, atomically: either the
// booking is at the new time, or the citizen keeps the old one and the
// error says why — a [*SlotTakenError] with alternatives when the new
// slot was taken or is held. Safe to repeat with the same Key, as for
// [Service.Book].
//
// It honours the book's MayReschedule flag, the case type's
// AllowReschedule, its ChangeDeadline ([ErrDeadlinePassed]) and
// MaxReschedules ([ErrTooManyReschedules]), and for the new slot the
// minimum notice and horizon. A staff agent may not reschedule
// ([ErrForbidden]). A booking of another citizen reads as not found.
func (s *Service) Reschedule(ctx context.Context, req RescheduleRequest) (Confirmation, error) {
	now := s.now()
	ev := event(req.Scope, ActionReschedule, now)
	ev.BookingID = req.BookingID
	ctx, tc := s.tel.start(ctx, ActionReschedule, req.Scope)
	fin := s.closingFor()
	c, err := s.doReschedule(ctx, req, now, fin)
	err = s.reword(tidbok.OpReschedule, err)
	if err == nil {
		ev.Detail = note(c.Replayed, c.Reconciled)
		tc.note(ctx, c.Replayed, c.Reconciled)
	}
	s.closeWrite(ctx, fin, ev, err)
	tc.end(ctx, ev.BookingID, err)
	return c, err
}

func (s *Service) doReschedule(ctx context.Context, req RescheduleRequest, now time.Time, fin *closing) (Confirmation, error) {
	const act = ActionReschedule
	var p tidbok.Problems
	checkKey(&p, req.Key)
	if req.BookingID == "" {
		p.Add("BookingID", "is required: the booking to move")
	}
	if req.Slot.Start.IsZero() && req.Hold == "" {
		p.Add("Slot", "is required: a slot as Slots returned it for the booking, or the token of a hold in Hold")
	}
	if !req.Contact.IsZero() && (req.Contact.FirstName == "" || req.Contact.LastName == "") {
		p.Add("Contact", "needs FirstName and LastName when given")
	}
	if err := p.Err(); err != nil {
		return Confirmation{}, &Error{Action: act, Text: textInvalid, Err: err}
	}
	if sv, err := checkContact("Contact", req.Contact); err != nil {
		return Confirmation{}, contactError(act, err, sv, nil)
	}
	a, err := s.open(ctx, req.Scope, act, now, casetype.KindManage)
	if err != nil {
		return Confirmation{}, err
	}
	if err := s.checkTerms(ctx, req.Scope, act); err != nil {
		return Confirmation{}, err
	}
	fp := fingerprint(act, req.Scope, req.BookingID, slotPrint(req.Slot), req.Hold)
	c, stored, err := s.claimKey(ctx, req.Scope, act, req.Key, fp, now)
	if c != nil {
		c.fin = fin
	}
	switch {
	case err != nil:
		return Confirmation{}, err
	case stored != nil:
		if stored.Result.Refused != tidbok.KindNone {
			s.tel.replayedRefusal(ctx, act)
			return Confirmation{}, replayed(act, stored.Result)
		}
		return confirmation(stored.Result, true), nil
	case c.resume:
		return s.resumeReschedule(ctx, a, req.Scope, c)
	}
	return s.freshReschedule(ctx, a, req, c)
}

func (s *Service) freshReschedule(ctx context.Context, a access, req RescheduleRequest, c *claim) (Confirmation, error) {
	const act = ActionReschedule
	fail := func(err error) (Confirmation, error) {
		s.dropKey(ctx, c)
		return Confirmation{}, err
	}
	old, err := s.ownBooking(ctx, a, req.Scope, act, req.BookingID)
	if err != nil {
		return fail(err)
	}
	if err := mayChange(act, a, old); err != nil {
		return fail(err)
	}
	var target tidbok.Timeslot
	var token string
	if req.Hold != "" {
		h, err := s.heldSlot(ctx, req.Scope, act, req.Hold, req.BookingID, req.Slot, a.now)
		if err == nil {
			err = rulesWindow(a.ct.Rules, a.now).check(act, h.Slot)
		}
		if err != nil {
			return fail(err)
		}
		target, token = h.Slot, h.Token
	} else {
		if target, err = s.resolve(ctx, a, req.Scope, act, req.Slot, req.BookingID); err != nil {
			return fail(err)
		}
	}
	n, err := s.moves.Reserve(ctx, req.Clinic, req.BookingID, a.ct.Rules.MaxReschedules)
	switch {
	case errors.Is(err, ErrTooManyReschedules):
		return fail(&Error{Action: act, Text: textTooManyMoves, Err: err})
	case err != nil:
		return fail(&Error{Action: act, Text: textGeneric, Err: failure("counting the move", err)})
	}
	undo := func() {
		if err := s.moves.Undo(context.WithoutCancel(ctx), req.Clinic, req.BookingID); err != nil {
			s.log.Warn("booking: taking back a reserved move failed", "clinic", req.Clinic, "err", err)
		}
	}
	if token == "" {
		if token, err = s.lockSlot(ctx, a, req.Scope, act, target, req.BookingID); err != nil {
			undo()
			return fail(err)
		}
	}
	defer s.releaseFor(ctx, c, token)

	target.Subject = req.Subject
	in := store.Intent{
		Reschedule:   tidbok.RescheduleRequest{BookingID: req.BookingID, Timeslot: target, Contact: req.Contact, Actor: a.actor},
		Previous:     old,
		Sequence:     n,
		MoveReserved: true,
		Recipients:   req.Consent.recipients(req.Contact),
	}
	if req.Contact.IsZero() {
		in.Recipients = s.lastRecipients(ctx, req.Clinic, req.BookingID)
	}
	if err := s.saveIntent(ctx, c, in); err != nil {
		undo()
		return fail(&Error{Action: act, Text: textGeneric, Err: err})
	}
	return s.sendReschedule(ctx, a, req.Scope, c, false)
}

// resumeReschedule is a repeat of a key whose move may have been sent:
// read the booking first, and resend the identical move only if it is
// not at the new time.
func (s *Service) resumeReschedule(ctx context.Context, a access, sc Scope, c *claim) (Confirmation, error) {
	const act = ActionReschedule
	in := c.rec.Intent.Reschedule
	_, ok, err := s.findMoved(ctx, a, sc, in)
	switch {
	case err != nil:
		s.unknownKey(ctx, c)
		return Confirmation{}, unknownError(act, textMoveUnknown,
			&reason{err: tidbok.ErrOutcomeUnknown, why: "reading the booking to settle an earlier attempt failed", cause: err})
	case ok:
		return s.rescheduled(ctx, a, sc, c, tidbok.RescheduleResult{}, true), nil
	}
	token, err := s.lockSlot(ctx, a, sc, act, in.Timeslot, in.BookingID)
	if err != nil {
		s.unknownKey(ctx, c)
		return Confirmation{}, err
	}
	defer s.releaseFor(ctx, c, token)
	return s.sendReschedule(ctx, a, sc, c, true)
}

func (s *Service) sendReschedule(ctx context.Context, a access, sc Scope, c *claim, resend bool) (Confirmation, error) {
	const act = ActionReschedule
	in := c.rec.Intent
	res, how, err := attempt(ctx, resend,
		func(ctx context.Context) (tidbok.RescheduleResult, error) {
			return s.book.Reschedule(ctx, in.Reschedule)
		},
		func(ctx context.Context) (tidbok.RescheduleResult, bool, error) {
			return s.findMoved(ctx, a, sc, in.Reschedule)
		})
	switch how {
	case sentDone, sentReconciled:
		return s.rescheduled(ctx, a, sc, c, res, how == sentReconciled), nil
	case sentRefused:
		s.undoMove(ctx, sc, in)
		var out error
		if errors.Is(err, tidbok.ErrSlotTaken) {
			out = &SlotTakenError{Action: act, Text: textSlotTakenKeepOld, Err: err,
				Alternatives: s.alternativesTo(ctx, a, sc, in.Reschedule.Timeslot, in.Reschedule.BookingID)}
		} else {
			out = refuse(act, err, texts.Default(tidbok.OpReschedule, err))
		}
		s.settleKey(ctx, c, refusal(s.reword(tidbok.OpReschedule, out), a.now))
		return Confirmation{}, out
	case sentNot:
		if !c.resume { // else an earlier attempt may still land
			s.undoMove(ctx, sc, in)
		}
		s.dropKey(ctx, c)
		return Confirmation{}, refuse(act, err, textNotSent)
	default:
		s.unknownKey(ctx, c)
		return Confirmation{}, unknownError(act, textMoveUnknown, err)
	}
}

// undoMove takes back the move in reserved for a reschedule that did not
// happen.
func (s *Service) undoMove(ctx context.Context, sc Scope, in store.Intent) {
	if !in.MoveReserved {
		return
	}
	if err := s.moves.Undo(context.WithoutCancel(ctx), sc.Clinic, in.Reschedule.BookingID); err != nil {
		s.log.Warn("booking: taking back a reserved move failed", "clinic", sc.Clinic, "err", err)
	}
}

// rescheduled settles a successful move: store, notify, confirm.
func (s *Service) rescheduled(ctx context.Context, a access, sc Scope, c *claim, res tidbok.RescheduleResult, reconciled bool) Confirmation {
	in := c.rec.Intent
	b := in.Reschedule.Timeslot
	b.ID, b.Flags = in.Reschedule.BookingID, tidbok.Flags{}
	b.Reason, b.Purpose = in.Previous.Reason, in.Previous.Purpose
	r := store.KeyResult{Booking: b, Previous: in.Previous, Notice: res.Notice, Sequence: in.Sequence, Time: a.now, Reconciled: reconciled}
	s.enqueueFor(ctx, c, Rescheduled, sc.Clinic, in.Recipients,
		Letter{Booking: b, Previous: in.Previous, Notice: res.Notice, Sequence: in.Sequence, Time: a.now})
	s.remind(ctx, c, a, sc.Clinic, in.Recipients, Letter{Booking: b, Notice: res.Notice, Sequence: in.Sequence, Time: a.now})
	s.settleKey(ctx, c, r)
	s.afterChange(ctx, sc, b.ID, in.Previous)
	conf := confirmation(r, false)
	s.notifyAfter(ctx, c, Notification{
		Kind: Rescheduled, Time: a.now, Caller: sc.Caller, Subject: sc.Subject, Clinic: sc.Clinic,
		Booking: conf.Booking, Previous: conf.Previous, Notice: conf.Notice, Summary: conf.Summary, ICS: conf.ICS,
	})
	return conf
}

// findMoved reads the booking to see whether it is at the new slot's time:
// the reconciliation of a move whose answer was lost. A booking that is
// gone was not moved.
func (s *Service) findMoved(ctx context.Context, a access, sc Scope, in tidbok.RescheduleRequest) (res tidbok.RescheduleResult, found bool, err error) {
	ctx, span := s.tel.startReconcile(ctx, ActionReschedule)
	defer func() { s.tel.endReconcile(ctx, span, ActionReschedule, found, err) }()
	return s.findMovedInBook(ctx, a, sc, in)
}

// findMovedInBook is findMoved without its span.
func (s *Service) findMovedInBook(ctx context.Context, a access, sc Scope, in tidbok.RescheduleRequest) (tidbok.RescheduleResult, bool, error) {
	res, err := s.book.BookingDetails(ctx, tidbok.BookingDetailsRequest{
		Facility: sc.Clinic, BookingID: in.BookingID, Subject: sc.Subject, Actor: a.actor,
	})
	switch {
	case errors.Is(err, tidbok.ErrNotFound):
		return tidbok.RescheduleResult{}, false, nil
	case err != nil:
		return tidbok.RescheduleResult{}, false, err
	}
	b := res.Booking
	moved := b.Subject == sc.Subject && sameTimes(b, in.Timeslot) &&
		(in.Timeslot.Performer.IsZero() || b.Performer == in.Timeslot.Performer)
	return tidbok.RescheduleResult{}, moved, nil
}
