package store

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// KeyState is where a request key is in its life.
type KeyState uint8

// The states of a request key.
const (
	// KeyPending: a call holds the key.
	KeyPending KeyState = iota + 1
	// KeyUnknown: the write was sent and its outcome is not known; the
	// next repeat reads the book first.
	KeyUnknown
	// KeyDone: the outcome is stored.
	KeyDone
)

// KeyRecord is what a [Keys] store keeps per caller and request key.
type KeyRecord struct {
	// Caller identifies the caller who chose the key; Key is the key.
	Caller, Key string
	// Action and Fingerprint identify the request: a repeat must match.
	// Action is the name of the flow's action (booking.Action).
	Action      string
	Fingerprint string
	// State says whether a call holds the key, its write's outcome is
	// unknown, or its outcome is stored.
	State KeyState
	// Claim is the random token of the call holding the key, and Claimed
	// when it took it.
	Claim   string
	Claimed time.Time
	// Expires is when the record may be forgotten.
	Expires time.Time
	// Intent is the write sent (or about to be sent) to the book; zero
	// until the service decides to send one.
	Intent Intent
	// Result is the stored outcome, when State is KeyDone.
	Result KeyResult
}

// Intent is the write the service sends to the book for one request key,
// kept so that any process can reconcile or resend it.
type Intent struct {
	// Exactly one of Book, Reschedule and Cancel is set.
	Book       tidbok.BookRequest
	Reschedule tidbok.RescheduleRequest
	Cancel     tidbok.CancelRequest
	// Previous is the booking before a reschedule or cancel.
	Previous tidbok.Timeslot
	// Sequence is the calendar revision the change makes (see
	// booking.CalendarEvent).
	Sequence int
	// MoveReserved reports that a reschedule counted a move in the
	// [Moves] store, to take back if the book refuses.
	MoveReserved bool
	// Recipients are where the change's messages go, one per channel
	// the citizen agreed to (see [Outbox]); decided before the write is
	// sent, so that a resumed call queues the same messages.
	Recipients []Recipient `json:",omitempty"`
}

// Recipient is where one channel's messages about a booking go: the
// channel's name ("email", "sms") and the address on it, empty when the
// citizen agreed to the channel but gave no address.
type Recipient struct {
	Channel string
	To      string
}

// IsZero reports whether no write is recorded.
func (in Intent) IsZero() bool {
	return in.Book.Timeslot.Start.IsZero() && in.Reschedule.BookingID == "" && in.Cancel.BookingID == ""
}

// KeyResult is the stored outcome of a request key: a success, or the
// book's refusal (Refused set).
type KeyResult struct {
	// Booking is the booking as booked or moved to (for a cancel: as it
	// was); Previous the booking before a move.
	Booking, Previous tidbok.Timeslot
	// Notice is the book's message for the citizen.
	Notice string
	// Sequence is the calendar revision.
	Sequence int
	// Time is when the outcome was settled.
	Time time.Time
	// Reconciled reports that the book's answer was lost and the outcome
	// was read from the book.
	Reconciled bool

	// Refused, for the book's refusal, is its kind: one of
	// tidbok.KindSlotTaken, KindNotFound, KindNotAllowed, KindInvalid and
	// KindNotSupported; tidbok.KindNone for a success. It marshals by
	// name ("slot-taken"). Text is the citizen's text and Alternatives
	// those offered for a taken slot.
	Refused      tidbok.Kind
	Text         string
	Alternatives []tidbok.Timeslot
}

// Keys keeps request keys and their outcomes, which make the flow's
// Book, Reschedule and Cancel safe to repeat (the rule is booking's: see
// booking.Config.Keys). Keys are scoped to the caller: two callers' equal
// keys never meet.
//
// A Keys store is what makes keys hold across processes: portal
// processes sharing one (e.g. a SQL table keyed by caller and key) share
// outcomes; [MemKeys] serves one process. Implementations must be safe
// for concurrent use and must not alias what they are given or return.
// storetest checks every rule below.
//
// A SQL store implements Claim as an INSERT … ON CONFLICT DO NOTHING
// followed, when a row exists, by an UPDATE … WHERE state = unknown OR
// (state = pending AND claimed <= now - lease), checking the affected row
// count; Update and Release are an UPDATE or DELETE … WHERE claim = ?.
type Keys interface {
	// Claim stores rec (State KeyPending, Claim and Claimed set) if no
	// record for (rec.Caller, rec.Key) exists or the existing one has
	// expired at rec.Claimed (its Expires is not after rec.Claimed), and
	// returns claimed = true with a zero prior.
	//
	// If a record exists for another Action or Fingerprint, or is pending
	// within its lease (its Claimed plus lease is after rec.Claimed), or
	// done, it changes nothing and returns it with claimed = false.
	//
	// Otherwise (unknown, or pending past the lease) it takes the record
	// over — State KeyPending, rec's Claim and Claimed, the later of the
	// two Expires, the Intent kept — and returns the record as it was,
	// with claimed = true.
	//
	// Of concurrent Claims of one free key, exactly one is claimed.
	Claim(ctx context.Context, rec KeyRecord, lease time.Duration) (prior KeyRecord, claimed bool, err error)
	// Update replaces the record (rec.Caller, rec.Key) with rec if its
	// Claim is still rec.Claim; otherwise it returns an error matching
	// [ErrKeyTaken] and changes nothing.
	Update(ctx context.Context, rec KeyRecord) error
	// Release deletes the record if its Claim is still claim: the call
	// sent nothing, so the key is free again. Otherwise it changes
	// nothing, and returns nil.
	Release(ctx context.Context, caller, key, claim string) error
}

// MemKeys is a [Keys] store in memory, for one process. It is safe for
// concurrent use; the zero value is ready to use. It forgets expired
// records as it goes.
type MemKeys struct {
	mu sync.Mutex
	m  map[memKey]*KeyRecord
	// expiry lists keys in the order they were stored, with the expiry
	// they had then; since every record lives as long, that is the order
	// they expire in, and forgetting expired records is a walk from the
	// front.
	expiry []memExpiry
	head   int
}

type memKey struct{ caller, key string }

type memExpiry struct {
	k       memKey
	expires time.Time
}

var _ Keys = (*MemKeys)(nil)

// NewMemKeys returns an empty store.
func NewMemKeys() *MemKeys { return &MemKeys{} }

// Claim implements [Keys].
func (m *MemKeys) Claim(ctx context.Context, rec KeyRecord, lease time.Duration) (KeyRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return KeyRecord{}, false, err
	}
	now := rec.Claimed
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[memKey]*KeyRecord{}
	}
	m.forget(now)
	k := memKey{rec.Caller, rec.Key}
	stored, ok := m.m[k]
	if !ok || !stored.Expires.After(now) {
		m.m[k] = rec.clonePtr()
		m.expiry = append(m.expiry, memExpiry{k, rec.Expires})
		return KeyRecord{}, true, nil
	}
	prior := stored.clone()
	if prior.Action != rec.Action || prior.Fingerprint != rec.Fingerprint {
		return prior, false, nil
	}
	if prior.State == KeyUnknown || (prior.State == KeyPending && !prior.Claimed.Add(lease).After(now)) {
		stored.State, stored.Claim, stored.Claimed = KeyPending, rec.Claim, rec.Claimed
		stored.Expires = later(prior.Expires, rec.Expires)
		return prior, true, nil
	}
	return prior, false, nil
}

// forget deletes the records expired at now. The caller holds m.mu.
func (m *MemKeys) forget(now time.Time) {
	for m.head < len(m.expiry) && !m.expiry[m.head].expires.After(now) {
		e := m.expiry[m.head]
		m.expiry[m.head] = memExpiry{}
		m.head++
		switch r, ok := m.m[e.k]; {
		case !ok:
		case !r.Expires.After(now):
			delete(m.m, e.k)
		default:
			// Taken over since, and kept longer: look again later.
			m.expiry = append(m.expiry, memExpiry{e.k, r.Expires})
		}
	}
	if m.head > 1024 && m.head > len(m.expiry)/2 {
		m.expiry = append(m.expiry[:0], m.expiry[m.head:]...)
		m.head = 0
	}
}

// Update implements [Keys].
func (m *MemKeys) Update(ctx context.Context, rec KeyRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := memKey{rec.Caller, rec.Key}
	cur, ok := m.m[k]
	if !ok || cur.Claim != rec.Claim {
		return ErrKeyTaken
	}
	*cur = rec.clone()
	return nil
}

// Release implements [Keys].
func (m *MemKeys) Release(ctx context.Context, caller, key, claim string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := memKey{caller, key}
	if cur, ok := m.m[k]; ok && cur.Claim == claim {
		delete(m.m, k)
	}
	return nil
}

func (r KeyRecord) clone() KeyRecord {
	r.Result.Alternatives = slices.Clone(r.Result.Alternatives)
	return r
}

func (r KeyRecord) clonePtr() *KeyRecord {
	c := r.clone()
	return &c
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
