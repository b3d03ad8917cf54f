package tidbok

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what its caller does about it: show
// alternatives for a taken slot, say the booking is unknown, try a write
// again that was never sent, read the book after one of unknown outcome.
// It is the one mapping from errors to kinds in this module: the flow's
// audit outcomes, the request keys' stored outcomes, the producer's wire
// answers and the citizen's texts all start from [KindOf].
//
// The zero Kind is KindNone, the kind of a nil error.
type Kind uint8

// The kinds, each matching the sentinel of the same name ([Kind.Err]).
const (
	// KindNone: no error.
	KindNone Kind = iota
	// KindSlotTaken: [ErrSlotTaken].
	KindSlotTaken
	// KindNotFound: [ErrNotFound].
	KindNotFound
	// KindNotAllowed: [ErrNotAllowed].
	KindNotAllowed
	// KindInvalid: [ErrInvalid].
	KindInvalid
	// KindNotSupported: [ErrNotSupported].
	KindNotSupported
	// KindOutcomeUnknown: [ErrOutcomeUnknown].
	KindOutcomeUnknown
	// KindNotSent: [ErrNotSent].
	KindNotSent
	// KindOther: an error that matches none of the sentinels: a technical
	// failure, an ended context, a refusal of a layer above the book.
	KindOther

	numKinds
)

// kindNames are the kinds' names: their String and their text form, as
// the wire's errorKind element and stored records carry them.
var kindNames = [numKinds]string{
	KindNone:           "none",
	KindSlotTaken:      "slot-taken",
	KindNotFound:       "not-found",
	KindNotAllowed:     "not-allowed",
	KindInvalid:        "invalid",
	KindNotSupported:   "not-supported",
	KindOutcomeUnknown: "outcome-unknown",
	KindNotSent:        "not-sent",
	KindOther:          "other",
}

// kindErrs are the sentinels of the kinds that have one.
var kindErrs = [numKinds]error{
	KindSlotTaken:      ErrSlotTaken,
	KindNotFound:       ErrNotFound,
	KindNotAllowed:     ErrNotAllowed,
	KindInvalid:        ErrInvalid,
	KindNotSupported:   ErrNotSupported,
	KindOutcomeUnknown: ErrOutcomeUnknown,
	KindNotSent:        ErrNotSent,
}

// classified is the order in which KindOf tries the sentinels: see
// KindOf.
var classified = [...]Kind{
	KindOutcomeUnknown, KindNotSent, KindSlotTaken, KindNotFound,
	KindNotAllowed, KindInvalid, KindNotSupported,
}

// KindOf returns the kind of err: KindNone for nil, the kind of the first
// sentinel err matches with [errors.Is] in the order outcome unknown, not
// sent, slot taken, not found, not allowed, invalid, not supported, and
// KindOther for anything else. Outcome unknown comes first because it is
// the one a caller must never mistake for another: a write that may have
// been done is not safe to repeat, whatever else the error says.
func KindOf(err error) Kind {
	if err == nil {
		return KindNone
	}
	for _, k := range classified {
		if errors.Is(err, kindErrs[k]) {
			return k
		}
	}
	return KindOther
}

// Err returns the sentinel error of k, or nil for KindNone and KindOther,
// which have none.
func (k Kind) Err() error {
	if k >= numKinds {
		return nil
	}
	return kindErrs[k]
}

// IsRefusal reports whether k is the kind of a refusal: the book answered
// and did nothing (slot taken, not found, not allowed, invalid, not
// supported). Outcome unknown, not sent and other are not refusals: the
// book did not answer, or failed.
func (k Kind) IsRefusal() bool {
	switch k {
	case KindSlotTaken, KindNotFound, KindNotAllowed, KindInvalid, KindNotSupported:
		return true
	}
	return false
}

// String returns k's name: "none", "slot-taken", "not-found",
// "not-allowed", "invalid", "not-supported", "outcome-unknown", "not-sent"
// or "other".
func (k Kind) String() string {
	if k >= numKinds {
		return fmt.Sprintf("Kind(%d)", uint8(k))
	}
	return kindNames[k]
}

// MarshalText returns k's name, so that stored records and the wire
// carry kinds by name, never by number.
func (k Kind) MarshalText() ([]byte, error) {
	if k >= numKinds {
		return nil, fmt.Errorf("tidbok: marshal %v: not a kind", k)
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText sets k to the kind named by text, one of the names
// [Kind.String] returns.
func (k *Kind) UnmarshalText(text []byte) error {
	for i, name := range kindNames {
		if string(text) == name {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("tidbok: %q is not the name of an error kind: use one of %q", text, kindNames)
}
