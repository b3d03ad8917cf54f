package fhir

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Hold is a short reservation of a free slot for one subject of care,
// made by $hold and honoured by $book.
type Hold struct {
	// Token identifies the hold; the held Appointment's id is "h" and the
	// token. It is a secret of the citizen's session.
	Token string
	// Facility and Subject are the clinic and the subject of care.
	Facility tidbok.HSAID
	Subject  tidbok.PersonalNumber
	// BookingID is set when the hold is for moving that booking.
	BookingID string
	// Slot is the held slot, as the book offered it.
	Slot tidbok.Timeslot
	// Key identifies the slot at the clinic: "id:" and the book's slot ID
	// (as booking's holds key it, so that a shared store works for both).
	Key string
	// Expires is when the hold ends.
	Expires time.Time
}

// Holds keeps holds. Its methods have the meaning of booking/store.Holds'
// (for a Hold with Clinic named Facility), so that an adapter over
// booking's store makes the façade and a portal honour each other's
// holds. Implementations must be safe for concurrent use.
type Holds interface {
	// Acquire stores h unless another subject of care has a live hold on
	// the same slot (h.Facility, h.Key) at now: then it returns that hold
	// and an error matching [ErrHeld]. It releases h.Subject's other
	// holds at h.Facility.
	Acquire(ctx context.Context, h Hold, now time.Time) (Hold, error)
	// Get returns the hold with the token, live or expired, or an error
	// matching [ErrHoldExpired] when there is none.
	Get(ctx context.Context, token string) (Hold, error)
	// Held returns the live holds at the facility at now.
	Held(ctx context.Context, facility tidbok.HSAID, now time.Time) ([]Hold, error)
	// Release removes the hold with the token; an unknown token is not an
	// error.
	Release(ctx context.Context, token string) error
}

// ErrHeld is what Holds.Acquire returns (wrapped or not) when another
// subject of care holds the slot.
var ErrHeld = errors.New("fhir: another citizen holds the slot")

// ErrHoldExpired is what Holds.Get returns (wrapped or not) for an
// unknown or removed hold; the façade also answers an expired hold with
// it.
var ErrHoldExpired = errors.New("fhir: the hold has expired")

// HoldKey is the key of a free slot in a [Hold]: "id:" and its ID when the
// book gives one, else its times and attributes — the key booking's flow
// uses.
func HoldKey(ts tidbok.Timeslot) string {
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

// heldByOther reports whether someone other than subject holds slot at
// the facility now.
func (h *Handler) heldByOther(ctx context.Context, facility tidbok.HSAID, slot tidbok.Timeslot, subject tidbok.PersonalNumber, token string, now time.Time) (bool, error) {
	if h.holds == nil {
		return false, nil
	}
	held, err := h.holds.Held(ctx, facility, now)
	if err != nil {
		return false, err
	}
	key := HoldKey(slot)
	for _, x := range held {
		if x.Key == key && x.Subject != subject && x.Token != token && x.Expires.After(now) {
			return true, nil
		}
	}
	return false, nil
}
