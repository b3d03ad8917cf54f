package booking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

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

// KeyRecord is what a [KeyStore] keeps per caller and request key.
type KeyRecord struct {
	// Caller identifies the caller who chose the key; Key is the key.
	Caller, Key string
	// Action and Fingerprint identify the request: a repeat must match.
	Action      Action
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
	// [CalendarEvent]).
	Sequence int
	// MoveReserved reports that a reschedule counted a move in the
	// [MoveStore], to take back if the book refuses.
	MoveReserved bool
}

// IsZero reports whether no write is recorded.
func (in Intent) IsZero() bool {
	return in.Book.Timeslot.Start.IsZero() && in.Reschedule.BookingID == "" && in.Cancel.BookingID == ""
}

// KeyResult is the stored outcome of a request key: a success, or the
// book's refusal (Err set).
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

	// Err, for a refusal, is its class: "taken", "not found", "not
	// allowed", "invalid" or "not supported"; Text is the citizen's text
	// and Alternatives those offered for a taken slot.
	Err          string
	Text         string
	Alternatives []tidbok.Timeslot
}

// KeyStore keeps request keys and their outcomes, which make Book,
// Reschedule and Cancel safe to repeat. The caller chooses a key per intended change (e.g. a UUID made when the
// confirmation page is shown) and sends it again when it repeats the call
// — after a timeout, a double click, a reload. Keys are scoped to the
// caller: two callers' equal keys never meet.
//
// The rule the service implements:
//
//  1. The first call with a key claims it in the [KeyStore], checks
//     everything, records the write it is about to send (its intent), and
//     sends it to the book.
//  2. When the book answers, the outcome — success, or the book's own
//     refusal such as a taken slot — is stored under the key. A repeat
//     with the same key returns that stored outcome and sends nothing.
//     Refusals the service makes before sending (terms, rules, holds) are
//     not stored: fix the cause and repeat with the same key. Nor is a
//     write the book says never reached it ([tidbok.ErrNotSent]: no
//     connection, say): nothing changed, and a repeat sends it again.
//  3. When the answer is lost ([tidbok.ErrOutcomeUnknown], or any error
//     that does not say the book refused), the service reads the book at
//     once: for a booking, the subject's schedule for a booking at the
//     slot's time; for a reschedule, whether the booking is at the new
//     time; for a cancel, whether the booking is gone. If the read shows
//     the write took effect, that is stored as the outcome. Otherwise the
//     key is left "unknown" and the call returns an error matching
//     tidbok.ErrOutcomeUnknown.
//  4. A repeat of an unknown key reads the book again before anything
//     else, and stores success if the write shows. Only if the read shows
//     it has not taken effect does it send the write again: the identical
//     write, to the same slot or booking, which a book admits at most once
//     (a slot is booked once; a booking moves to a slot once; a booking is
//     cancelled once). So a first attempt that lands late and the resend
//     cannot both take effect; if the resend is refused as taken or not
//     found, the book is read once more and the write counts as done if
//     it shows.
//
// While a call holds a key, a concurrent call with the same key gets
// [ErrInProgress] at once: it does not wait. A call that holds a key
// longer than Config.KeyLease (its process died, say) is presumed gone;
// the next repeat takes the key over and proceeds as for an unknown key.
// A key reused for a different request gets [ErrKeyReused]. Outcomes are
// kept for Config.KeyTTL.
//
// The KeyStore is what makes keys hold across processes: portal processes sharing a KeyStore (e.g. a SQL
// table keyed by caller and key) share outcomes; the in-memory store
// serves one process. Implementations must be safe for concurrent use and
// must not alias what they are given or return.
//
// A SQL store implements Claim as an INSERT … ON CONFLICT DO NOTHING
// followed, when a row exists, by an UPDATE … WHERE state = unknown OR
// (state = pending AND claimed <= now - lease), checking the affected row
// count; Update and Release are an UPDATE or DELETE … WHERE claim = ?.
type KeyStore interface {
	// Claim stores rec (State KeyPending, Claim and Claimed set) if no
	// record for (rec.Caller, rec.Key) exists or the existing one has
	// expired at rec.Claimed, and returns claimed = true with a zero prior.
	// If a record exists for another Action or Fingerprint, or is pending
	// within its lease, or done, it changes nothing and returns it with
	// claimed = false. Otherwise (unknown, or pending past the lease) it
	// takes the record over — State KeyPending, rec's Claim and Claimed,
	// the Intent kept — and returns the record as it was, with claimed =
	// true.
	Claim(ctx context.Context, rec KeyRecord, lease time.Duration) (prior KeyRecord, claimed bool, err error)
	// Update replaces the record (rec.Caller, rec.Key) with rec if its
	// Claim is still rec.Claim; otherwise it returns an error matching
	// ErrKeyTaken and changes nothing.
	Update(ctx context.Context, rec KeyRecord) error
	// Release deletes the record if its Claim is still claim: the call
	// sent nothing, so the key is free again.
	Release(ctx context.Context, caller, key, claim string) error
}

// ErrKeyTaken means a call lost its request key to a repeat that took it
// over after Config.KeyLease. The repeat settles the outcome.
var ErrKeyTaken = errors.New("booking: request key taken over by a repeated call")

// MemKeyStore is a [KeyStore] in memory, for one process. It is safe for
// concurrent use; the zero value is ready to use. It forgets expired
// records as it goes.
type MemKeyStore struct {
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

var _ KeyStore = (*MemKeyStore)(nil)

// NewMemKeyStore returns an empty store.
func NewMemKeyStore() *MemKeyStore { return &MemKeyStore{} }

// Claim implements [KeyStore].
func (m *MemKeyStore) Claim(ctx context.Context, rec KeyRecord, lease time.Duration) (KeyRecord, bool, error) {
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
func (m *MemKeyStore) forget(now time.Time) {
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

// Update implements [KeyStore].
func (m *MemKeyStore) Update(ctx context.Context, rec KeyRecord) error {
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

// Release implements [KeyStore].
func (m *MemKeyStore) Release(ctx context.Context, caller, key, claim string) error {
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

// claim is a request key held by one call.
type claim struct {
	rec KeyRecord
	// resume reports that an earlier call with the key may have sent
	// rec.Intent: read the book before sending anything.
	resume bool
}

// claimKey claims sc's caller's key for a request of act with fingerprint
// fp. When the key's outcome is stored it returns it as replay instead.
func (s *Service) claimKey(ctx context.Context, sc Scope, act Action, key, fp string, now time.Time) (*claim, *KeyRecord, error) {
	rec := KeyRecord{
		Caller: sc.Caller.key(), Key: key, Action: act, Fingerprint: fp,
		State: KeyPending, Claim: newToken(), Claimed: now, Expires: now.Add(s.keyTTL),
	}
	prior, ok, err := s.keys.Claim(ctx, rec, s.keyLease)
	switch {
	case err != nil:
		return nil, nil, &Error{Action: act, Text: textGeneric, Err: fmt.Errorf("booking: claiming the request key: %w", err)}
	case ok:
		if !prior.Intent.IsZero() {
			rec.Intent = prior.Intent
			return &claim{rec: rec, resume: true}, nil, nil
		}
		return &claim{rec: rec}, nil, nil
	case prior.Action != act || prior.Fingerprint != fp:
		return nil, nil, &Error{Action: act, Text: textInvalid,
			Err: fmt.Errorf("%w: it was used for another %s", ErrKeyReused, prior.Action)}
	case prior.State == KeyDone:
		return nil, &prior, nil
	default:
		return nil, nil, &Error{Action: act, Text: textInProgress, Err: ErrInProgress}
	}
}

// saveIntent stores the write about to be sent. It must succeed before
// the write is sent, so that a repeat in any process can reconcile it.
func (s *Service) saveIntent(ctx context.Context, c *claim, in Intent) error {
	c.rec.Intent = in
	if err := s.keys.Update(context.WithoutCancel(ctx), c.rec); err != nil {
		return fmt.Errorf("booking: recording the write before sending it: %w", err)
	}
	return nil
}

// settleKey stores the outcome of the key's call. A failure is logged:
// the outcome stands, and a repeat reconciles by reading the book.
func (s *Service) settleKey(ctx context.Context, c *claim, r KeyResult) {
	c.rec.State, c.rec.Result = KeyDone, r
	if err := s.keys.Update(context.WithoutCancel(ctx), c.rec); err != nil {
		s.log.Warn("booking: storing the outcome of a request key failed; a repeat reads the book", "action", c.rec.Action, "err", err)
	}
}

// unknownKey leaves the key for a repeat to reconcile.
func (s *Service) unknownKey(ctx context.Context, c *claim) {
	c.rec.State = KeyUnknown
	if err := s.keys.Update(context.WithoutCancel(ctx), c.rec); err != nil {
		s.log.Warn("booking: marking a request key unknown failed", "action", c.rec.Action, "err", err)
	}
}

// dropKey frees the key of a call that sent nothing, so that a repeat
// starts afresh. A key whose earlier call may have sent a write is left
// unknown instead.
func (s *Service) dropKey(ctx context.Context, c *claim) {
	if c.resume {
		s.unknownKey(ctx, c)
		return
	}
	if err := s.keys.Release(context.WithoutCancel(ctx), c.rec.Caller, c.rec.Key, c.rec.Claim); err != nil {
		s.log.Warn("booking: releasing a request key failed; it frees itself after the lease", "action", c.rec.Action, "err", err)
	}
}

// checkKey checks a request key: 1 to 255 bytes of printable text.
func checkKey(p *tidbok.Problems, key string) {
	switch {
	case key == "":
		p.Add("Key", "is required: a key chosen for this request (e.g. a UUID), sent again when the call is repeated")
	case len(key) > 255:
		p.Add("Key", "is %d bytes long; use at most 255", len(key))
	case !utf8.ValidString(key):
		p.Add("Key", "is not valid UTF-8 text")
	}
}

// fingerprint identifies a request by what it asks for, so that a key
// reused for another request is caught.
func fingerprint(act Action, sc Scope, parts ...string) string {
	h := sha256.New()
	for _, s := range append([]string{string(act), sc.Subject.Canonical(), sc.Clinic.String(), sc.CaseType}, parts...) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// slotPrint is the part of a fingerprint that names a slot.
func slotPrint(ts tidbok.Timeslot) string {
	if ts.Start.IsZero() {
		return ""
	}
	return slotKey(ts) + "@" + strconv.FormatInt(ts.Start.Unix(), 10)
}

// errClass is the class of a book's refusal, as stored in KeyResult.Err.
func errClass(err error) string {
	switch {
	case errors.Is(err, tidbok.ErrSlotTaken):
		return "taken"
	case errors.Is(err, tidbok.ErrNotFound):
		return "not found"
	case errors.Is(err, tidbok.ErrNotAllowed):
		return "not allowed"
	case errors.Is(err, tidbok.ErrNotSupported):
		return "not supported"
	default:
		return "invalid"
	}
}

var classSentinels = map[string]error{
	"taken":         tidbok.ErrSlotTaken,
	"not found":     tidbok.ErrNotFound,
	"not allowed":   tidbok.ErrNotAllowed,
	"not supported": tidbok.ErrNotSupported,
	"invalid":       tidbok.ErrInvalid,
}

// refusal is the stored form of the book's refusal err.
func refusal(err error, now time.Time) KeyResult {
	r := KeyResult{Err: errClass(err), Text: CitizenText(err), Time: now}
	var st *SlotTakenError
	if errors.As(err, &st) {
		r.Alternatives = st.Alternatives
	}
	return r
}

// replayed rebuilds the error of a stored refusal. It matches the same
// sentinel as the first call's error and carries the same text.
func replayed(act Action, r KeyResult) error {
	cause := fmt.Errorf("%w (stored outcome of this request key)", classSentinels[r.Err])
	if r.Err == "taken" {
		return &SlotTakenError{Action: act, Text: r.Text, Err: cause, Alternatives: slices.Clone(r.Alternatives)}
	}
	return &Error{Action: act, Text: r.Text, Err: cause}
}
