package terms

import (
	"context"
	"fmt"
	"sync"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Store keeps versions and acceptances. Implementations must be safe for
// concurrent use.
type Store interface {
	VersionStore
	AcceptanceStore
}

// VersionStore keeps the versions of each case type's terms, keyed by
// clinic, case type ID and number. Versions are never changed or removed.
//
// A SQL store keeps one row per version with a unique key on (clinic, case
// type, number): AddVersion is an INSERT whose unique violation is
// ErrConflict, Latest an ORDER BY number DESC LIMIT 1.
type VersionStore interface {
	// Latest returns the version with the highest number, or an error
	// matching ErrNoTerms.
	Latest(ctx context.Context, clinic tidbok.HSAID, caseTypeID string) (Version, error)
	// Version returns version n, or an error matching ErrNotFound.
	Version(ctx context.Context, clinic tidbok.HSAID, caseTypeID string, n int) (Version, error)
	// AddVersion stores v if v.Number is one more than the latest number
	// (1 for the first), and otherwise returns an error matching
	// ErrConflict and stores nothing.
	AddVersion(ctx context.Context, v Version) error
}

// AcceptanceStore keeps acceptances; they are never changed or removed.
type AcceptanceStore interface {
	// AddAcceptance records a. A citizen may accept a version more than
	// once; each acceptance is kept.
	AddAcceptance(ctx context.Context, a Acceptance) error
	// Accepted reports whether citizen has accepted version n of the case
	// type's terms.
	Accepted(ctx context.Context, citizen tidbok.PersonalNumber, clinic tidbok.HSAID, caseTypeID string, n int) (bool, error)
}

// MemStore is a [Store] in memory. It is safe for concurrent use; the zero
// value is an empty store ready to use.
type MemStore struct {
	mu       sync.RWMutex
	versions map[caseTypeKey][]Version // versions[k][n-1] is version n
	accepted map[acceptKey][]Acceptance
}

type caseTypeKey struct {
	clinic tidbok.HSAID
	id     string
}

type acceptKey struct {
	citizen tidbok.PersonalNumber
	caseTypeKey
	n int
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty store.
func NewMemStore() *MemStore { return &MemStore{} }

// Latest implements [VersionStore].
func (s *MemStore) Latest(ctx context.Context, clinic tidbok.HSAID, caseTypeID string) (Version, error) {
	if err := ctx.Err(); err != nil {
		return Version{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	vs := s.versions[caseTypeKey{clinic, caseTypeID}]
	if len(vs) == 0 {
		return Version{}, fmt.Errorf("%w: %q at clinic %v", ErrNoTerms, caseTypeID, clinic)
	}
	return vs[len(vs)-1], nil
}

// Version implements [VersionStore].
func (s *MemStore) Version(ctx context.Context, clinic tidbok.HSAID, caseTypeID string, n int) (Version, error) {
	if err := ctx.Err(); err != nil {
		return Version{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	vs := s.versions[caseTypeKey{clinic, caseTypeID}]
	if n < 1 || n > len(vs) {
		return Version{}, fmt.Errorf("%w: version %d of %q at clinic %v", ErrNotFound, n, caseTypeID, clinic)
	}
	return vs[n-1], nil
}

// AddVersion implements [VersionStore].
func (s *MemStore) AddVersion(ctx context.Context, v Version) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := caseTypeKey{v.Clinic, v.CaseTypeID}
	if have := len(s.versions[k]); v.Number != have+1 {
		return fmt.Errorf("%w: version %d of %q at clinic %v; the next is %d", ErrConflict, v.Number, v.CaseTypeID, v.Clinic, have+1)
	}
	if s.versions == nil {
		s.versions = make(map[caseTypeKey][]Version)
	}
	s.versions[k] = append(s.versions[k], v)
	return nil
}

// AddAcceptance implements [AcceptanceStore].
func (s *MemStore) AddAcceptance(ctx context.Context, a Acceptance) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accepted == nil {
		s.accepted = make(map[acceptKey][]Acceptance)
	}
	k := acceptKey{a.Citizen, caseTypeKey{a.Clinic, a.CaseTypeID}, a.Version}
	s.accepted[k] = append(s.accepted[k], a)
	return nil
}

// Accepted implements [AcceptanceStore].
func (s *MemStore) Accepted(ctx context.Context, citizen tidbok.PersonalNumber, clinic tidbok.HSAID, caseTypeID string, n int) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.accepted[acceptKey{citizen, caseTypeKey{clinic, caseTypeID}, n}]) > 0, nil
}
