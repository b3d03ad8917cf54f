package terms

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Errors callers branch on with [errors.Is].
var (
	// ErrNoTerms means no terms are published for the case type: it cannot
	// be activated, and citizens cannot book under it.
	ErrNoTerms = errors.New("terms: no terms published for the case type")
	// ErrNotFound means there is no version with that number.
	ErrNotFound = errors.New("terms: version not found")
	// ErrStale means the citizen was shown a version that is no longer
	// current. The error is a [*StaleError], which carries the version to
	// show instead.
	ErrStale = errors.New("terms: the version shown is no longer current")
	// ErrConflict means a store refused a version because another with the
	// same number was added first. [Registry.Publish] retries on it.
	ErrConflict = errors.New("terms: version added concurrently")
)

// StaleError is the error [Registry.Accept] returns for a version that is
// not current. It matches [ErrStale] and is always used as a pointer.
type StaleError struct {
	// Shown is the version number the citizen accepted.
	Shown int
	// Current is the version to show the citizen instead.
	Current Version
}

// Error implements error.
func (e *StaleError) Error() string {
	return fmt.Sprintf("%v: version %d was shown, version %d is current", ErrStale, e.Shown, e.Current.Number)
}

// Unwrap returns [ErrStale].
func (e *StaleError) Unwrap() error { return ErrStale }

// Version is one published, immutable version of a case type's terms.
type Version struct {
	// Clinic and CaseTypeID name the case type.
	Clinic     tidbok.HSAID
	CaseTypeID string
	// Number counts the versions of the case type's terms from 1.
	Number int
	// Terms are the texts in canonical form (see [Document.Text]): what
	// the citizen is shown and accepts.
	Terms Terms
	// Hash is the hex SHA-256 of the canonical Terms; it identifies the
	// text an acceptance is of.
	Hash string
	// Author is the HSA-id of the local administrator who published it.
	Author tidbok.HSAID
	// Created is when it was published.
	Created time.Time
}

// Acceptance records that a citizen accepted a version of the terms.
type Acceptance struct {
	// Citizen is who accepted: the person logged in.
	Citizen tidbok.PersonalNumber
	// Clinic, CaseTypeID and Version name what was accepted; Hash is the
	// accepted version's.
	Clinic     tidbok.HSAID
	CaseTypeID string
	Version    int
	Hash       string
	// Time is when it was accepted.
	Time time.Time
}

// Registry publishes terms and records acceptances. It is safe for
// concurrent use.
type Registry struct {
	store Store
	now   func() time.Time
}

// Option configures a [Registry].
type Option func(*Registry)

// WithClock sets the clock that stamps versions and acceptances; the
// default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(r *Registry) { r.now = now }
}

// New returns a Registry keeping versions and acceptances in store, which
// must not be nil.
func New(store Store, opts ...Option) *Registry {
	r := &Registry{store: store, now: time.Now}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Publish makes t the current terms of the case type, as a new version by
// admin, and returns it. Terms equal to the current version's in
// canonical form (differing only in white space or bullet characters) make
// no new version: Publish returns the current one, and nobody need accept
// again. Invalid input gives an error matching [tidbok.ErrInvalid] that
// lists every problem.
//
// Only a local administrator of the clinic may publish: for anybody else
// (staff who do not administer the clinic, or the zero Admin a citizen's
// login leaves) the error matches [ErrForbidden], and nothing is read or
// written.
//
// Concurrent publishes for one case type get distinct, consecutive
// numbers. Publish retries a number another publish took first, up to
// [MaxPublishAttempts] times, then returns an error matching [ErrConflict].
func (r *Registry) Publish(ctx context.Context, admin Admin, clinic tidbok.HSAID, caseTypeID string, t Terms) (Version, error) {
	var p tidbok.Problems
	if clinic.IsZero() {
		p.Add("Clinic", "is required: the clinic's HSA-id")
	}
	if caseTypeID == "" {
		p.Add("CaseTypeID", "is required")
	}
	t.check(&p, "Terms.")
	if err := p.Err(); err != nil {
		return Version{}, fmt.Errorf("terms: cannot publish: %w", err)
	}
	if err := admin.authorize(clinic); err != nil {
		return Version{}, err
	}
	canon := t.canonical()
	hash := canon.hash()
	// Numbers are taken optimistically: a store refuses a number already
	// used, and the loop tries the next one. Nothing is written before the
	// store accepts, so retrying is safe; each conflict means another
	// publish succeeded, and the bound only guards against a store that
	// keeps answering Latest with an old version.
	var err error
	for range MaxPublishAttempts {
		next := 1
		var cur Version
		cur, err = r.store.Latest(ctx, clinic, caseTypeID)
		switch {
		case err == nil && cur.Hash == hash:
			return cur, nil
		case err == nil:
			next = cur.Number + 1
		case !errors.Is(err, ErrNoTerms):
			return Version{}, err
		}
		v := Version{
			Clinic: clinic, CaseTypeID: caseTypeID, Number: next,
			Terms: canon, Hash: hash, Author: admin.ID, Created: r.now(),
		}
		err = r.store.AddVersion(ctx, v)
		if !errors.Is(err, ErrConflict) {
			if err != nil {
				return Version{}, err
			}
			return v, nil
		}
		if err := ctx.Err(); err != nil {
			return Version{}, err
		}
	}
	return Version{}, err
}

// MaxPublishAttempts bounds how often [Registry.Publish] tries the next
// version number after losing a race for one.
const MaxPublishAttempts = 100

// Current returns the current version of the case type's terms, or an
// error matching [ErrNoTerms].
func (r *Registry) Current(ctx context.Context, clinic tidbok.HSAID, caseTypeID string) (Version, error) {
	return r.store.Latest(ctx, clinic, caseTypeID)
}

// Version returns version n of the case type's terms, current or not, or
// an error matching [ErrNotFound].
func (r *Registry) Version(ctx context.Context, clinic tidbok.HSAID, caseTypeID string, n int) (Version, error) {
	return r.store.Version(ctx, clinic, caseTypeID, n)
}

// HasTerms reports whether any terms are published for the case type. It
// makes a Registry a casetype.TermsChecker.
func (r *Registry) HasTerms(ctx context.Context, clinic tidbok.HSAID, caseTypeID string) (bool, error) {
	_, err := r.store.Latest(ctx, clinic, caseTypeID)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNoTerms):
		return false, nil
	default:
		return false, err
	}
}

// Check reports whether citizen has accepted the current version of the
// case type's terms, and returns that version: the one to show when not.
// Without terms the error matches [ErrNoTerms].
func (r *Registry) Check(ctx context.Context, citizen tidbok.PersonalNumber, clinic tidbok.HSAID, caseTypeID string) (accepted bool, current Version, err error) {
	if citizen.IsZero() {
		return false, Version{}, &tidbok.FieldError{Field: "Citizen", Problem: "is required: the personal identity number of the citizen logged in"}
	}
	cur, err := r.store.Latest(ctx, clinic, caseTypeID)
	if err != nil {
		return false, Version{}, err
	}
	ok, err := r.store.Accepted(ctx, citizen, clinic, caseTypeID, cur.Number)
	if err != nil {
		return false, Version{}, err
	}
	return ok, cur, nil
}

// Accept records that citizen — the person logged in, who ticked the box —
// accepted v, which must be the current version as Check or Current
// returned it. For any other version it records nothing and returns a
// [*StaleError] (matching [ErrStale]) carrying the version to show.
func (r *Registry) Accept(ctx context.Context, citizen tidbok.PersonalNumber, v Version) (Acceptance, error) {
	if citizen.IsZero() {
		return Acceptance{}, &tidbok.FieldError{Field: "Citizen", Problem: "is required: the personal identity number of the citizen logged in"}
	}
	cur, err := r.store.Latest(ctx, v.Clinic, v.CaseTypeID)
	if err != nil {
		return Acceptance{}, err
	}
	if cur.Number != v.Number || cur.Hash != v.Hash {
		return Acceptance{}, &StaleError{Shown: v.Number, Current: cur}
	}
	a := Acceptance{
		Citizen: citizen, Clinic: cur.Clinic, CaseTypeID: cur.CaseTypeID,
		Version: cur.Number, Hash: cur.Hash, Time: r.now(),
	}
	if err := r.store.AddAcceptance(ctx, a); err != nil {
		return Acceptance{}, err
	}
	return a, nil
}
