package store

import (
	"context"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Hold is a short reservation of a free slot for one subject of care
// while the citizen confirms (find → hold → book). The book knows nothing
// of it: the flow keeps it in its [Holds] store and enforces it when
// anyone books through the flow.
type Hold struct {
	// Token identifies the hold; it is a secret of the citizen's session.
	Token string
	// Clinic, CaseType and Subject are the scope the hold was made in.
	Clinic   tidbok.HSAID
	CaseType string
	Subject  tidbok.PersonalNumber
	// BookingID is set when the hold is for moving that booking.
	BookingID string
	// Slot is the held slot, as the book offered it.
	Slot tidbok.Timeslot
	// Key identifies the slot at the clinic (the book's slot ID, or its
	// times and performer when the book gives no ID).
	Key string
	// Expires is when the hold ends; from then on anyone may book the
	// slot.
	Expires time.Time
}

// Holds keeps holds. It is what makes holds hold across processes:
// portal processes sharing a Holds store (e.g. a SQL table with a unique
// key on clinic and slot key) honour each other's holds; [MemHolds]
// serves one process. Whatever the store, the book itself never books a
// slot twice. Implementations must be safe for concurrent use.
//
// A SQL store implements Acquire as one statement: INSERT … ON CONFLICT
// (clinic, key) DO UPDATE … WHERE the existing hold has expired or is the
// same subject's, deleting the subject's other holds at the clinic in the
// same transaction.
type Holds interface {
	// Acquire stores h unless another subject of care has a live hold on
	// the same slot (h.Clinic, h.Key) at now: then it stores nothing and
	// returns that hold and an error matching [ErrHeld]. A subject holds
	// one slot per clinic at a time: Acquire releases h.Subject's other
	// holds at h.Clinic, and replaces their hold on the same slot.
	Acquire(ctx context.Context, h Hold, now time.Time) (Hold, error)
	// Get returns the hold with the token, live or expired, or an error
	// matching [ErrHoldExpired] when there is none.
	Get(ctx context.Context, token string) (Hold, error)
	// Held returns the live holds at the clinic at now, in no order.
	Held(ctx context.Context, clinic tidbok.HSAID, now time.Time) ([]Hold, error)
	// Release removes the hold with the token; an unknown token is not an
	// error.
	Release(ctx context.Context, token string) error
}

// MemHolds is a [Holds] store in memory, for one process. It is safe for
// concurrent use; the zero value is ready to use.
type MemHolds struct {
	mu        sync.Mutex
	bySlot    map[holdSlot]Hold
	byToken   map[string]holdSlot
	bySubject map[holdSubject]string
	acquires  int
}

type holdSlot struct {
	clinic tidbok.HSAID
	key    string
}

type holdSubject struct {
	clinic  tidbok.HSAID
	subject tidbok.PersonalNumber
}

var _ Holds = (*MemHolds)(nil)

// NewMemHolds returns an empty store.
func NewMemHolds() *MemHolds { return &MemHolds{} }

// Acquire implements [Holds].
func (m *MemHolds) Acquire(ctx context.Context, h Hold, now time.Time) (Hold, error) {
	if err := ctx.Err(); err != nil {
		return Hold{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bySlot == nil {
		m.bySlot, m.byToken, m.bySubject = map[holdSlot]Hold{}, map[string]holdSlot{}, map[holdSubject]string{}
	}
	k := holdSlot{h.Clinic, h.Key}
	if cur, ok := m.bySlot[k]; ok && cur.Expires.After(now) && cur.Subject != h.Subject {
		return cur, Because(ErrHeld, "until %s", cur.Expires.Format(time.RFC3339))
	}
	if tok, ok := m.bySubject[holdSubject{h.Clinic, h.Subject}]; ok {
		m.drop(tok)
	}
	if cur, ok := m.bySlot[k]; ok {
		m.drop(cur.Token)
	}
	m.bySlot[k] = h
	m.byToken[h.Token] = k
	m.bySubject[holdSubject{h.Clinic, h.Subject}] = h.Token
	if m.acquires++; m.acquires%256 == 0 {
		m.sweep(now)
	}
	return h, nil
}

// Get implements [Holds].
func (m *MemHolds) Get(ctx context.Context, token string) (Hold, error) {
	if err := ctx.Err(); err != nil {
		return Hold{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.byToken[token]
	if !ok {
		return Hold{}, ErrHoldExpired
	}
	return m.bySlot[k], nil
}

// Held implements [Holds].
func (m *MemHolds) Held(ctx context.Context, clinic tidbok.HSAID, now time.Time) ([]Hold, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Hold
	for k, h := range m.bySlot {
		if k.clinic == clinic && h.Expires.After(now) {
			out = append(out, h)
		}
	}
	return out, nil
}

// Release implements [Holds].
func (m *MemHolds) Release(ctx context.Context, token string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.drop(token)
	return nil
}

// drop removes the hold with token. The caller holds m.mu.
func (m *MemHolds) drop(token string) {
	k, ok := m.byToken[token]
	if !ok {
		return
	}
	h := m.bySlot[k]
	delete(m.byToken, token)
	delete(m.bySlot, k)
	sk := holdSubject{h.Clinic, h.Subject}
	if m.bySubject[sk] == token {
		delete(m.bySubject, sk)
	}
}

// sweep forgets expired holds, so that the store does not grow without
// bound. The caller holds m.mu.
func (m *MemHolds) sweep(now time.Time) {
	for _, h := range m.bySlot {
		if !h.Expires.After(now) {
			m.drop(h.Token)
		}
	}
}
