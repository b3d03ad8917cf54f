package booking

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Hold is a short reservation of a free slot for one subject of care
// while the citizen confirms (find → hold → book, as in the FHIR
// scheduling guides). The book knows nothing of it: the service keeps it
// in its holds store (Config.Holds) and enforces it when anyone books
// through the service. Pass Token to [Service.Book] or
// [Service.Reschedule]. It is the stores' record, [store.Hold].
type Hold = store.Hold

// slotKey identifies a free slot at its clinic: by the book's ID when it
// gives one, otherwise by its times and attributes.
func slotKey(ts tidbok.Timeslot) string {
	if ts.ID != "" {
		return "id:" + ts.ID
	}
	return "at:" + strconv.FormatInt(ts.Start.Unix(), 10) + "-" + strconv.FormatInt(ts.End.Unix(), 10) +
		":" + ts.Performer.String() + ":" + ts.Resource.ID + ":" + ts.TimeType.ID
}

// newToken returns a random token of 128 bits, hex-encoded.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// HoldRequest asks to hold a slot while the citizen confirms.
type HoldRequest struct {
	Scope
	// Slot is the slot to hold, as [Service.Slots] returned it.
	Slot tidbok.Timeslot
	// BookingID, when set, holds the slot for moving that booking (the
	// Scope's case type is then of kind Av- och omboka); when empty, for
	// a new booking (Boka tid).
	BookingID string
	// Invitation, when set, holds the slot for booking that open
	// invitation of the subject's: the slot must be of its time type (see
	// "Invitations" in the package doc). Not with BookingID.
	Invitation string
}

// Hold reserves a free slot for the subject of care for Config.HoldTTL,
// so that nobody else can book it through the service meanwhile. The
// slot must be one the book offers now and the clinic's rules allow (as
// for [Service.Book]). A subject holds one slot per clinic at a time: a
// new hold releases the earlier one.
//
// Errors: a [*SlotTakenError] matching [ErrHeld] when another citizen
// holds the slot, or [tidbok.ErrSlotTaken] when it is no longer free; the
// rule refusals of Book; [ErrForbidden], [ErrNotOffered] and the others of
// the scope.
func (s *Service) Hold(ctx context.Context, req HoldRequest) (Hold, error) {
	now := s.now()
	ev := event(req.Scope, ActionHold, now)
	ev.BookingID = req.BookingID
	ctx, tc := s.tel.start(ctx, ActionHold, req.Scope)
	h, err := s.hold(ctx, req, now)
	s.recordWrite(ctx, ev, err)
	if err == nil {
		s.tel.holdTaken(ctx)
	}
	tc.end(ctx, ev.BookingID, err)
	return h, err
}

func (s *Service) hold(ctx context.Context, req HoldRequest, now time.Time) (Hold, error) {
	const act = ActionHold
	if req.Slot.Start.IsZero() {
		return Hold{}, &Error{Action: act, Text: textInvalid, Err: &tidbok.FieldError{Field: "Slot", Problem: "is required: a slot as Slots returned it"}}
	}
	kinds := []casetype.Kind{casetype.KindBook}
	switch {
	case req.BookingID != "" && req.Invitation != "":
		return Hold{}, &Error{Action: act, Text: textInvalid, Err: &tidbok.FieldError{Field: "Invitation", Problem: "is set with BookingID: hold for one of them"}}
	case req.BookingID != "":
		kinds = []casetype.Kind{casetype.KindManage}
	case req.Invitation != "":
		kinds = invitationKinds
	}
	a, err := s.open(ctx, req.Scope, act, now, kinds...)
	if err == nil && req.Invitation != "" {
		a, _, err = s.openInvitation(ctx, a, req.Scope, act, req.Invitation)
	}
	if err != nil {
		return Hold{}, err
	}
	if req.BookingID != "" {
		if _, err := s.ownBooking(ctx, a, req.Scope, act, req.BookingID); err != nil {
			return Hold{}, err
		}
	}
	slot, err := s.resolve(ctx, a, req.Scope, act, req.Slot, req.BookingID)
	if err != nil {
		return Hold{}, err
	}
	h := Hold{
		Token:     newToken(),
		Clinic:    req.Clinic,
		CaseType:  req.CaseType,
		Subject:   req.Subject,
		BookingID: req.BookingID,
		Slot:      slot,
		Key:       slotKey(slot),
		Expires:   now.Add(s.holdTTL),
	}
	if _, err := s.holds.Acquire(ctx, h, now); err != nil {
		return Hold{}, s.heldError(ctx, a, req.Scope, act, slot, req.BookingID, err)
	}
	return h, nil
}

// heldError turns an error of store.Holds.Acquire into the call's error: a
// *SlotTakenError with alternatives when another citizen holds the slot.
func (s *Service) heldError(ctx context.Context, a access, sc Scope, act Action, slot tidbok.Timeslot, bookingID string, err error) error {
	if !errors.Is(err, ErrHeld) {
		return &Error{Action: act, Text: textGeneric, Err: failure("holding the slot", err)}
	}
	text := textHeld
	if bookingID != "" {
		text = textHeldKeepOld
	}
	return &SlotTakenError{Action: act, Text: text, Err: err, Alternatives: s.alternativesTo(ctx, a, sc, slot, bookingID)}
}

// ReleaseRequest asks to give up a hold.
type ReleaseRequest struct {
	Scope
	// Token is the hold's token.
	Token string
}

// Release gives up a hold, e.g. when the citizen goes back to choose
// another time. Releasing an unknown, expired or released hold does
// nothing; a hold of another subject or clinic is left alone.
func (s *Service) Release(ctx context.Context, req ReleaseRequest) error {
	h, err := s.holds.Get(ctx, req.Token)
	switch {
	case errors.Is(err, ErrHoldExpired):
		return nil
	case err != nil:
		return &Error{Action: ActionHold, Text: textGeneric, Err: failure("reading the hold", err)}
	case h.Clinic != req.Clinic || h.Subject != req.Subject:
		return nil
	}
	if err := s.holds.Release(ctx, req.Token); err != nil {
		return &Error{Action: ActionHold, Text: textGeneric, Err: failure("releasing the hold", err)}
	}
	return nil
}

// heldSlot returns the live hold with token for the subject of sc (and,
// for a reschedule, the booking), or an *Error matching ErrHoldExpired.
// want, when set, must be the held slot.
func (s *Service) heldSlot(ctx context.Context, sc Scope, act Action, token, bookingID string, want tidbok.Timeslot, now time.Time) (Hold, error) {
	h, err := s.holds.Get(ctx, token)
	switch {
	case errors.Is(err, ErrHoldExpired):
		s.tel.holdExpired(ctx)
		return Hold{}, &Error{Action: act, Text: textHoldExpired, Err: err}
	case err != nil:
		return Hold{}, &Error{Action: act, Text: textGeneric, Err: failure("reading the hold", err)}
	case h.Clinic != sc.Clinic || h.Subject != sc.Subject || h.CaseType != sc.CaseType || h.BookingID != bookingID:
		// Another subject's token reads as unknown: it reveals nothing.
		return Hold{}, &Error{Action: act, Text: textHoldExpired, Err: because(ErrHoldExpired, "the token is for another request")}
	case !h.Expires.After(now):
		s.tel.holdExpired(ctx)
		return Hold{}, &Error{Action: act, Text: textHoldExpired, Err: because(ErrHoldExpired, "it ended %s", h.Expires.Format(time.RFC3339))}
	case !want.Start.IsZero() && slotKey(want) != h.Key:
		return Hold{}, &Error{Action: act, Text: textInvalid, Err: &tidbok.FieldError{Field: "Slot", Problem: "is not the held slot: leave it out or pass the slot the hold is for"}}
	}
	return h, nil
}

// lockSlot makes sure nobody else holds slot while the service books it:
// it acquires a hold for the call's duration, unless the caller already
// has one (token). It returns the token to release afterwards.
func (s *Service) lockSlot(ctx context.Context, a access, sc Scope, act Action, slot tidbok.Timeslot, bookingID string) (string, error) {
	h := Hold{
		Token:     newToken(),
		Clinic:    sc.Clinic,
		CaseType:  sc.CaseType,
		Subject:   sc.Subject,
		BookingID: bookingID,
		Slot:      slot,
		Key:       slotKey(slot),
		Expires:   a.now.Add(s.holdTTL),
	}
	if _, err := s.holds.Acquire(ctx, h, a.now); err != nil {
		return "", s.heldError(ctx, a, sc, act, slot, bookingID, err)
	}
	return h.Token, nil
}

// release gives up a hold after a call, whatever the caller's context.
func (s *Service) release(ctx context.Context, token string) {
	if token == "" {
		return
	}
	if err := s.holds.Release(context.WithoutCancel(ctx), token); err != nil {
		s.log.Warn("booking: releasing a hold failed; it expires by itself", "err", err)
	}
}
