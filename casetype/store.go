package casetype

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Errors of the store, also returned by [Registry].
var (
	// ErrNotFound means there is no case type with that ID at the clinic.
	ErrNotFound = errors.New("casetype: case type not found")
	// ErrConflict means a write lost a race: the case type already exists
	// (on create), or it changed since it was read (its Version moved on).
	// Read it again, reapply the change and retry.
	ErrConflict = errors.New("casetype: case type changed concurrently")
)

// Store keeps case types, keyed by clinic and ID. Implementations must be
// safe for concurrent use and must not alias: what Put receives and what
// Get and List return are the caller's to change.
//
// A SQL store keeps one row per (clinic, ID) with a version column: Put is
// an INSERT when expectVersion is zero and otherwise an UPDATE … WHERE
// version = expectVersion.
type Store interface {
	// Get returns the case type, or an error matching ErrNotFound.
	Get(ctx context.Context, clinic tidbok.HSAID, id string) (CaseType, error)
	// List returns the clinic's case types ordered by ID; none is not an
	// error.
	List(ctx context.Context, clinic tidbok.HSAID) ([]CaseType, error)
	// Put stores ct under (ct.Clinic, ct.ID) if the stored version is
	// expectVersion — zero meaning none is stored. Otherwise it stores
	// nothing and returns an error matching ErrConflict, or ErrNotFound
	// when expectVersion is not zero and none is stored.
	Put(ctx context.Context, ct CaseType, expectVersion int) error
}

// MemStore is a [Store] in memory. It is safe for concurrent use; the zero
// value is an empty store ready to use.
type MemStore struct {
	mu sync.RWMutex
	m  map[tidbok.HSAID]map[string]CaseType
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty store.
func NewMemStore() *MemStore { return &MemStore{} }

// Get implements [Store].
func (s *MemStore) Get(ctx context.Context, clinic tidbok.HSAID, id string) (CaseType, error) {
	if err := ctx.Err(); err != nil {
		return CaseType{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ct, ok := s.m[clinic][id]
	if !ok {
		return CaseType{}, fmt.Errorf("%w: %q at clinic %v", ErrNotFound, id, clinic)
	}
	return ct.clone(), nil
}

// List implements [Store].
func (s *MemStore) List(ctx context.Context, clinic tidbok.HSAID) ([]CaseType, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]CaseType, 0, len(s.m[clinic]))
	for _, ct := range s.m[clinic] {
		out = append(out, ct.clone())
	}
	slices.SortFunc(out, func(a, b CaseType) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Put implements [Store].
func (s *MemStore) Put(ctx context.Context, ct CaseType, expectVersion int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.m[ct.Clinic][ct.ID]
	switch {
	case !ok && expectVersion != 0:
		return fmt.Errorf("%w: %q at clinic %v", ErrNotFound, ct.ID, ct.Clinic)
	case ok && expectVersion == 0:
		return fmt.Errorf("%w: %q exists already at clinic %v", ErrConflict, ct.ID, ct.Clinic)
	case ok && cur.Version != expectVersion:
		return fmt.Errorf("%w: %q at clinic %v is at version %d, not %d", ErrConflict, ct.ID, ct.Clinic, cur.Version, expectVersion)
	}
	if s.m == nil {
		s.m = make(map[tidbok.HSAID]map[string]CaseType)
	}
	if s.m[ct.Clinic] == nil {
		s.m[ct.Clinic] = make(map[string]CaseType)
	}
	s.m[ct.Clinic][ct.ID] = ct.clone()
	return nil
}
