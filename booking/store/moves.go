package store

import (
	"context"
	"sync"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Moves counts how often each booking was moved through the flow, for
// the case type's Rules.MaxReschedules: the wire carries no such count.
//
// Counting is a reservation: the flow reserves a move before sending a
// reschedule and takes it back if the book refuses, so that two
// concurrent reschedules of one booking cannot both pass the limit.
// Portal processes sharing a Moves store share the counts. [MemMoves]
// serves one process. Implementations must be safe for concurrent use.
//
// A SQL store implements Reserve as an UPDATE … SET n = n + 1 WHERE n <
// limit (after an INSERT … ON CONFLICT DO NOTHING), checking the affected
// row count.
type Moves interface {
	// Reserve counts one more move of the booking if fewer than limit are
	// counted (limit zero: no limit) and returns the count with it;
	// otherwise it returns the count and an error matching
	// [ErrTooManyReschedules].
	Reserve(ctx context.Context, clinic tidbok.HSAID, bookingID string, limit int) (int, error)
	// Undo takes back one reserved move; a count never goes below zero.
	Undo(ctx context.Context, clinic tidbok.HSAID, bookingID string) error
	// Count returns the moves counted.
	Count(ctx context.Context, clinic tidbok.HSAID, bookingID string) (int, error)
}

// MemMoves is a [Moves] store in memory, for one process. It is safe for
// concurrent use; the zero value is ready to use. It keeps a count per
// booking ever moved.
type MemMoves struct {
	mu sync.Mutex
	m  map[moveKey]int
}

type moveKey struct {
	clinic  tidbok.HSAID
	booking string
}

var _ Moves = (*MemMoves)(nil)

// NewMemMoves returns an empty store.
func NewMemMoves() *MemMoves { return &MemMoves{} }

// Reserve implements [Moves].
func (m *MemMoves) Reserve(ctx context.Context, clinic tidbok.HSAID, bookingID string, limit int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := moveKey{clinic, bookingID}
	n := m.m[k]
	if limit > 0 && n >= limit {
		return n, Because(ErrTooManyReschedules, "moved %d times, at most %d allowed", n, limit)
	}
	if m.m == nil {
		m.m = map[moveKey]int{}
	}
	m.m[k] = n + 1
	return n + 1, nil
}

// Undo implements [Moves].
func (m *MemMoves) Undo(ctx context.Context, clinic tidbok.HSAID, bookingID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := moveKey{clinic, bookingID}
	if m.m[k] > 0 {
		m.m[k]--
	}
	return nil
}

// Count implements [Moves].
func (m *MemMoves) Count(ctx context.Context, clinic tidbok.HSAID, bookingID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[moveKey{clinic, bookingID}], nil
}
