package booking

import (
	"context"
	"fmt"
	"sync"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// MoveStore counts how often each booking was moved through the service,
// for the case type's Rules.MaxReschedules: the wire carries no such
// count. Moves made by staff in the journal system are not counted; a
// book that limits them publishes the outcome in the booking's
// MayReschedule flag, which the service honours as well.
//
// Counting is a reservation: the service reserves a move before sending a
// reschedule and takes it back if the book refuses, so that two
// concurrent reschedules of one booking cannot both pass the limit. A
// reschedule whose outcome stays unknown keeps its reservation. Portal
// processes sharing a MoveStore share the counts. Implementations must be
// safe for concurrent use.
//
// A SQL store implements Reserve as an UPDATE … SET n = n + 1 WHERE n <
// limit (after an INSERT … ON CONFLICT DO NOTHING), checking the affected
// row count.
type MoveStore interface {
	// Reserve counts one more move of the booking if fewer than limit are
	// counted (limit zero: no limit) and returns the count with it;
	// otherwise it returns the count and an error matching
	// ErrTooManyReschedules.
	Reserve(ctx context.Context, clinic tidbok.HSAID, bookingID string, limit int) (int, error)
	// Undo takes back one reserved move.
	Undo(ctx context.Context, clinic tidbok.HSAID, bookingID string) error
	// Count returns the moves counted.
	Count(ctx context.Context, clinic tidbok.HSAID, bookingID string) (int, error)
}

// MemMoveStore is a [MoveStore] in memory, for one process. It is safe for
// concurrent use; the zero value is ready to use. It keeps a count per
// booking ever moved.
type MemMoveStore struct {
	mu sync.Mutex
	m  map[moveKey]int
}

type moveKey struct {
	clinic  tidbok.HSAID
	booking string
}

var _ MoveStore = (*MemMoveStore)(nil)

// NewMemMoveStore returns an empty store.
func NewMemMoveStore() *MemMoveStore { return &MemMoveStore{} }

// Reserve implements [MoveStore].
func (m *MemMoveStore) Reserve(ctx context.Context, clinic tidbok.HSAID, bookingID string, limit int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := moveKey{clinic, bookingID}
	n := m.m[k]
	if limit > 0 && n >= limit {
		return n, fmt.Errorf("%w: moved %d times, at most %d allowed", ErrTooManyReschedules, n, limit)
	}
	if m.m == nil {
		m.m = map[moveKey]int{}
	}
	m.m[k] = n + 1
	return n + 1, nil
}

// Undo implements [MoveStore].
func (m *MemMoveStore) Undo(ctx context.Context, clinic tidbok.HSAID, bookingID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := moveKey{clinic, bookingID}
	if m.m[k] > 0 {
		m.m[k]--
	}
	return nil
}

// Count implements [MoveStore].
func (m *MemMoveStore) Count(ctx context.Context, clinic tidbok.HSAID, bookingID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[moveKey{clinic, bookingID}], nil
}
