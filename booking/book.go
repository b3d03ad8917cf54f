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

// BookRequest asks to book a slot for the subject of care under a case
// type of kind Boka tid.
type BookRequest struct {
	Scope
	// Key is the request key, chosen by the caller for this booking and
	// sent again when the call is repeated; required. See [store.Keys].
	Key string
	// Slot is the slot to book, as [Service.Slots] returned it. It may be
	// left out when Hold is set.
	Slot tidbok.Timeslot
	// Hold is the token of the caller's [Hold] on the slot, if any.
	Hold string
	// Reason is the citizen's message to the clinic (Information till
	// vården), where the case type allows one, up to its length.
	Reason string
	// Contact is what the book learns about the subject of care;
	// FirstName and LastName are required, as in the population register.
	Contact tidbok.ContactInfo
	// Consent says whether the citizen agreed to be told about the
	// booking by e-mail (to Contact.Email) and SMS (to Contact.Phone):
	// its confirmation, and later its move or cancellation, are queued
	// in Config.Outbox for those channels.
	Consent Consent
	// Invitation, when set, is the ID of the subject's open invitation to
	// book at Slot, a free slot of the invitation's time type as Slots
	// with SearchRequest.Invitation offered it (see "Invitations" in the
	// package doc).
	Invitation string
}

// Confirmation is the answer to a successful Book or Reschedule: what the
// citizen looks at most.
type Confirmation struct {
	// Booking is the booking as booked: the slot with the booking's ID,
	// Subject and Reason. Its Flags are unknown (zero) until read with
	// [Service.Details].
	Booking tidbok.Timeslot
	// Previous is the booking before a reschedule; zero for Book.
	Previous tidbok.Timeslot
	// Notice is the book's message the citizen must read (the wire's
	// INFO), e.g. "Kom fastande"; empty when the book had none (or when
	// the answer was lost and the booking was found by reading the book).
	Notice string
	// Summary describes the booking for display.
	Summary Summary
	// ICS is the booking as an iCalendar object (see [CalendarEvent]).
	ICS []byte
	// Replayed reports that this is the stored outcome of an earlier call
	// with the same request key.
	Replayed bool
	// Reconciled reports that the book's answer was lost and the booking
	// was found by reading the book.
	Reconciled bool
}

// Book books a slot for the subject of care. It is safe to repeat with the
// same Key: a repeat returns the first call's outcome and never books
// twice, also when the first call's answer was lost (see "Request keys"
// in the package doc for the rule). A repeat while the first call runs
// waits for its outcome, bounded by ctx as [rate.Limiter.Wait] is: when
// ctx ends first it returns an error matching [ErrInProgress] and ctx's
// error.
//
// Before the book is asked, Book checks the scope (case type offered,
// caller allowed, subject eligible), that the person logged in accepted
// the current terms ([*TermsError]), the reason against the case type's
// message settings, that the slot is one the book offers now, of the case
// type's time types, within the minimum notice and horizon, that the
// subject has fewer future bookings than the case type allows, and that
// nobody else holds the slot. A slot held by the caller is booked with
// the hold's token; one held by another citizen is refused with a
// [*SlotTakenError] matching [ErrHeld].
//
// Of many citizens booking one slot at once exactly one succeeds; the
// others get a [*SlotTakenError] with the nearest free alternatives. A
// lost answer that reading the book does not settle gives an error
// matching [tidbok.ErrOutcomeUnknown]: repeat with the same key.
//
// With Invitation, Book books the subject's open invitation at the slot,
// under a case type of kind Boka tid or Av- och omboka: the slot must be
// of the invitation's time type, the invitation must still be open (one
// booked already is refused with an [*Error] matching
// [tidbok.ErrNotAllowed]), and the case type's limit on future bookings
// does not apply, the clinic having asked for the visit. The book is
// sent the invitation's ID with the slot's times.
//
// [rate.Limiter.Wait]: https://pkg.go.dev/golang.org/x/time/rate#Limiter.Wait
func (s *Service) Book(ctx context.Context, req BookRequest) (Confirmation, error) {
	now := s.now()
	ev := event(req.Scope, ActionBook, now)
	ctx, tc := s.tel.start(ctx, ActionBook, req.Scope)
	fin := s.closingFor()
	c, err := s.doBook(ctx, req, now, fin)
	err = s.reword(tidbok.OpBook, err)
	if err == nil {
		ev.BookingID, ev.Detail = c.Booking.ID, note(c.Replayed, c.Reconciled)
		tc.note(ctx, c.Replayed, c.Reconciled)
	}
	s.closeWrite(ctx, fin, ev, err)
	tc.end(ctx, ev.BookingID, err)
	return c, err
}

func (s *Service) doBook(ctx context.Context, req BookRequest, now time.Time, fin *closing) (Confirmation, error) {
	const act = ActionBook
	var p tidbok.Problems
	checkKey(&p, req.Key)
	if req.Slot.Start.IsZero() && req.Hold == "" {
		p.Add("Slot", "is required: a slot as Slots returned it, or the token of a hold in Hold")
	}
	if req.Contact.FirstName == "" {
		p.Add("Contact.FirstName", "is required: the first name as in the population register")
	}
	if req.Contact.LastName == "" {
		p.Add("Contact.LastName", "is required: the last name as in the population register")
	}
	if err := p.Err(); err != nil {
		return Confirmation{}, &Error{Action: act, Text: textInvalid, Err: err}
	}
	kinds := []casetype.Kind{casetype.KindBook}
	if req.Invitation != "" {
		kinds = invitationKinds
	}
	a, err := s.open(ctx, req.Scope, act, now, kinds...)
	if err != nil {
		return Confirmation{}, err
	}
	if err := s.checkTerms(ctx, req.Scope, act); err != nil {
		return Confirmation{}, err
	}
	merr := checkMessage(act, a.ct, req.Reason, true)
	if sv, cerr := checkContact("Contact", req.Contact); cerr != nil {
		return Confirmation{}, contactError(act, cerr, sv, merr)
	}
	if merr != nil {
		return Confirmation{}, merr
	}
	parts := []string{slotPrint(req.Slot), req.Hold, req.Reason}
	if req.Invitation != "" {
		parts = append(parts, "invitation:"+req.Invitation)
	}
	fp := fingerprint(act, req.Scope, parts...)
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
		return s.resumeBook(ctx, a, req.Scope, c)
	}
	conf, err := s.freshBook(ctx, a, req, c)
	return conf, err
}

// freshBook is a first call with a key: check the slot, lock it, record
// the intent, send it.
func (s *Service) freshBook(ctx context.Context, a access, req BookRequest, c *claim) (Confirmation, error) {
	const act = ActionBook
	var (
		slot  tidbok.Timeslot
		inv   tidbok.Timeslot
		token string
		err   error
	)
	if req.Invitation != "" {
		// The invitation is read after the key is claimed: a repeat of a
		// booked invitation replays, and only another attempt is refused.
		a, inv, err = s.openInvitation(ctx, a, req.Scope, act, req.Invitation)
		if err != nil {
			s.dropKey(ctx, c)
			return Confirmation{}, err
		}
	}
	if req.Hold != "" {
		var h Hold
		h, err = s.heldSlot(ctx, req.Scope, act, req.Hold, "", req.Slot, a.now)
		if err == nil {
			slot, token = h.Slot, h.Token
			err = rulesWindow(a.ct.Rules, a.now).check(act, slot)
		}
		if err == nil && req.Invitation != "" && slot.TimeType.ID != inv.TimeType.ID {
			err = &Error{Action: act, Text: textTimeType,
				Err: because(ErrTimeTypeNotOffered, "the held slot is of time type %q, the invitation of %q", slot.TimeType.ID, inv.TimeType.ID)}
		}
	} else {
		slot, err = s.resolve(ctx, a, req.Scope, act, req.Slot, "")
	}
	if err == nil && req.Invitation == "" {
		err = s.checkFutureBookings(ctx, a, req.Scope, act)
	}
	if err == nil && token == "" {
		token, err = s.lockSlot(ctx, a, req.Scope, act, slot, "")
	}
	if err != nil {
		s.dropKey(ctx, c)
		return Confirmation{}, err
	}
	defer s.releaseFor(ctx, c, token)

	slot.Subject, slot.Reason = req.Subject, req.Reason
	if req.Invitation != "" {
		// MakeBooking names the open invitation, at the free slot's times.
		slot.ID, slot.Purpose = inv.ID, inv.Purpose
	}
	in := store.Intent{Book: tidbok.BookRequest{Timeslot: slot, Contact: req.Contact, Actor: a.actor},
		Recipients: req.Consent.recipients(req.Contact)}
	if err := s.saveIntent(ctx, c, in); err != nil {
		s.dropKey(ctx, c)
		return Confirmation{}, &Error{Action: act, Text: textGeneric, Err: err}
	}
	return s.sendBook(ctx, a, req.Scope, c, false)
}

// resumeBook is a repeat of a key whose write may have been sent: read
// the schedule first, and resend the identical write only if the booking
// is not there.
func (s *Service) resumeBook(ctx context.Context, a access, sc Scope, c *claim) (Confirmation, error) {
	const act = ActionBook
	res, ok, err := s.findBooking(ctx, a, sc, c.rec.Intent.Book.Timeslot)
	switch {
	case err != nil:
		s.unknownKey(ctx, c)
		return Confirmation{}, unknownError(act, textBookUnknown,
			&reason{err: tidbok.ErrOutcomeUnknown, why: "reading the schedule to settle an earlier attempt failed", cause: err})
	case ok:
		return s.booked(ctx, a, sc, c, res, true), nil
	}
	token, err := s.lockSlot(ctx, a, sc, act, c.rec.Intent.Book.Timeslot, "")
	if err != nil {
		s.unknownKey(ctx, c)
		return Confirmation{}, err
	}
	defer s.releaseFor(ctx, c, token)
	return s.sendBook(ctx, a, sc, c, true)
}

// sendBook sends the key's intent to the book and settles the outcome.
func (s *Service) sendBook(ctx context.Context, a access, sc Scope, c *claim, resend bool) (Confirmation, error) {
	const act = ActionBook
	in := c.rec.Intent.Book
	res, how, err := attempt(ctx, resend,
		func(ctx context.Context) (tidbok.BookResult, error) { return s.book.Book(ctx, in) },
		func(ctx context.Context) (tidbok.BookResult, bool, error) {
			return s.findBooking(ctx, a, sc, in.Timeslot)
		})
	switch how {
	case sentDone, sentReconciled:
		return s.booked(ctx, a, sc, c, res, how == sentReconciled), nil
	case sentRefused:
		var out error
		if errors.Is(err, tidbok.ErrSlotTaken) {
			text := textSlotTaken
			if t, ok := tidbok.CitizenText(err); ok {
				text = t
			}
			out = &SlotTakenError{Action: act, Text: text, Err: err, Alternatives: s.alternativesTo(ctx, a, sc, in.Timeslot, "")}
		} else {
			out = refuse(act, err, texts.Default(tidbok.OpBook, err))
		}
		s.settleKey(ctx, c, refusal(s.reword(tidbok.OpBook, out), a.now))
		return Confirmation{}, out
	case sentNot:
		s.dropKey(ctx, c)
		return Confirmation{}, refuse(act, err, textNotSent)
	default:
		s.unknownKey(ctx, c)
		return Confirmation{}, unknownError(act, textBookUnknown, err)
	}
}

// booked settles a successful booking: store, notify, confirm.
func (s *Service) booked(ctx context.Context, a access, sc Scope, c *claim, res tidbok.BookResult, reconciled bool) Confirmation {
	b := c.rec.Intent.Book.Timeslot
	b.ID, b.Flags = res.BookingID, tidbok.Flags{}
	r := store.KeyResult{Booking: b, Notice: res.Notice, Time: a.now, Reconciled: reconciled}
	s.enqueueFor(ctx, c, Confirmed, sc.Clinic, c.rec.Intent.Recipients, Letter{Booking: b, Notice: res.Notice, Time: a.now})
	s.remind(ctx, c, a, sc.Clinic, c.rec.Intent.Recipients, Letter{Booking: b, Notice: res.Notice, Time: a.now})
	s.settleKey(ctx, c, r)
	conf := confirmation(r, false)
	s.notifyAfter(ctx, c, Notification{
		Kind: Confirmed, Time: a.now, Caller: sc.Caller, Subject: sc.Subject, Clinic: sc.Clinic,
		Booking: conf.Booking, Notice: conf.Notice, Summary: conf.Summary, ICS: conf.ICS,
	})
	return conf
}

// findBooking reads the subject's schedule for a booking at slot's time
// (and performer): the reconciliation of a booking whose answer was lost.
func (s *Service) findBooking(ctx context.Context, a access, sc Scope, slot tidbok.Timeslot) (res tidbok.BookResult, found bool, err error) {
	ctx, span := s.tel.startReconcile(ctx, ActionBook)
	defer func() { s.tel.endReconcile(ctx, span, ActionBook, found, err) }()
	return s.findBookingInBook(ctx, a, sc, slot)
}

// findBookingInBook is findBooking without its span.
func (s *Service) findBookingInBook(ctx context.Context, a access, sc Scope, slot tidbok.Timeslot) (tidbok.BookResult, bool, error) {
	res, err := s.book.Schedule(ctx, tidbok.ScheduleRequest{Facility: sc.Clinic, Subject: sc.Subject, Actor: a.actor})
	if err != nil {
		return tidbok.BookResult{}, false, err
	}
	for _, b := range res.Bookings {
		if b.Subject == sc.Subject && sameTimes(b, slot) && (slot.Performer.IsZero() || b.Performer == slot.Performer) {
			return tidbok.BookResult{BookingID: b.ID}, true, nil
		}
	}
	return tidbok.BookResult{}, false, nil
}

// checkFutureBookings refuses a new booking when the subject already has
// as many future bookings at the clinic as the case type allows. Staff
// agents are not checked: reading a citizen's schedule as an agent would
// bring the portal under cohesive record keeping (crm:scheduling §2.4).
// Concurrent bookings of one subject may each see the count below the
// limit: the limit can be exceeded by such a race, which the book does
// not know of.
func (s *Service) checkFutureBookings(ctx context.Context, a access, sc Scope, act Action) error {
	limit := a.ct.Rules.MaxFutureBookings
	if limit == 0 || a.actor.IsAgent() {
		return nil
	}
	res, err := s.book.Schedule(ctx, tidbok.ScheduleRequest{Facility: sc.Clinic, Subject: sc.Subject, Actor: a.actor})
	if err != nil {
		return s.bookError(act, err)
	}
	n := 0
	for _, b := range res.Bookings {
		if b.Start.After(a.now) {
			n++
		}
	}
	if n >= limit {
		return &Error{Action: act, Text: textTooManyBookings,
			Err: because(ErrTooManyBookings, "%d booked, at most %d allowed", n, limit)}
	}
	return nil
}

// confirmation builds the answer of a stored or new success.
func confirmation(r store.KeyResult, replay bool) Confirmation {
	return Confirmation{
		Booking:    r.Booking,
		Previous:   r.Previous,
		Notice:     r.Notice,
		Summary:    Summarize(r.Booking, r.Notice),
		ICS:        CalendarEvent{Booking: r.Booking, Notice: r.Notice, Stamp: r.Time, Sequence: r.Sequence}.ICS(),
		Replayed:   replay,
		Reconciled: r.Reconciled,
	}
}

// note is the audit detail of a success.
func note(replay, reconciled bool) string {
	switch {
	case replay:
		return "replayed: stored outcome of the request key"
	case reconciled:
		return "reconciled: the answer was lost; the book shows the change"
	}
	return ""
}
