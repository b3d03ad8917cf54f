package main

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Case types and terms are read once per request. One page asks the
// booking flow several questions, and each would read the case type, its
// current terms and the citizen's acceptance from the database again. The
// stores the portal hands the flow remember, for the rest of the request,
// what they read during it; any write through them forgets it all. The
// memo outlives no request; what the process keeps across requests is
// kept in step with every process's writes by the catalog's version (see
// catalogcache.go).

// requestMemo is what one request read from the case type and terms
// stores. It is safe for concurrent use.
type requestMemo struct {
	mu       sync.Mutex
	cases    map[caseKey]read[casetype.CaseType]
	lists    map[tidbok.HSAID]read[[]casetype.CaseType]
	latest   map[caseKey]read[terms.Version]
	versions map[versionKey]read[terms.Version]
	accepted map[acceptedKey]read[bool]
	// catalog is the catalog version the request reads case types and
	// terms at, once catalogRead (see catalogcache.go).
	catalog     int64
	catalogRead bool
}

type caseKey struct {
	clinic tidbok.HSAID
	id     string
}

type versionKey struct {
	caseKey
	n int
}

type acceptedKey struct {
	citizen tidbok.PersonalNumber
	versionKey
}

// read is what one read of a store answered.
type read[V any] struct {
	v   V
	err error
}

// recall answers a read through m: what table holds for k, or else what
// load reads, kept in table when keep says its error is an answer (none,
// or a not-found) rather than a failure, which asking again may mend.
// clone copies a value going into or out of the memo, so that no caller
// shares it.
func recall[K comparable, V any](m *requestMemo, table *map[K]read[V], k K, load func() (V, error), keep func(error) bool, clone func(V) V) (V, error) {
	m.mu.Lock()
	got, ok := (*table)[k]
	m.mu.Unlock()
	if ok {
		return clone(got.v), got.err
	}
	v, err := load()
	if !keep(err) {
		return v, err
	}
	m.mu.Lock()
	if *table == nil {
		*table = map[K]read[V]{}
	}
	(*table)[k] = read[V]{clone(v), err}
	m.mu.Unlock()
	return v, err
}

// same is the clone of values that share nothing.
func same[V any](v V) V { return v }

// succeeded keeps only reads that did not fail.
func succeeded(err error) bool { return err == nil }

// answered keeps reads that succeeded or found that nothing is there.
func answered(notFound error) func(error) bool {
	return func(err error) bool { return err == nil || errors.Is(err, notFound) }
}

type memoKey struct{}

// withMemo gives each request its own memo of case types and terms.
func withMemo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), memoKey{}, &requestMemo{})))
	})
}

// memoOf returns the request's memo, or nil outside a request.
func memoOf(ctx context.Context) *requestMemo {
	m, _ := ctx.Value(memoKey{}).(*requestMemo)
	return m
}

// forget drops everything m holds, after a write.
func (m *requestMemo) forget() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cases, m.lists, m.latest, m.versions, m.accepted = nil, nil, nil, nil, nil
	m.catalogRead = false
}

// cloneCaseType returns a copy of ct that shares no slice with it, so that
// a caller changing what it was given does not change the memo.
func cloneCaseType(ct casetype.CaseType) casetype.CaseType {
	ct.TimeTypeIDs = slices.Clone(ct.TimeTypeIDs)
	ct.Eligibility.Citizens = slices.Clone(ct.Eligibility.Citizens)
	return ct
}

// memoCaseTypes is a casetype.Store that reads through the request's
// memo, and the process's cache if it has one.
type memoCaseTypes struct {
	casetype.Store
	cache *catalogCache
}

func (s memoCaseTypes) Get(ctx context.Context, clinic tidbok.HSAID, id string) (casetype.CaseType, error) {
	m := memoOf(ctx)
	if m == nil {
		return s.Store.Get(ctx, clinic, id)
	}
	return recall(m, &m.cases, caseKey{clinic, id},
		func() (casetype.CaseType, error) {
			return through(ctx, s.cache, m, func(c *catalogCache) *map[caseKey]read[casetype.CaseType] { return &c.cases }, caseKey{clinic, id},
				func() (casetype.CaseType, error) { return s.Store.Get(ctx, clinic, id) },
				answered(casetype.ErrNotFound), cloneCaseType)
		},
		answered(casetype.ErrNotFound), cloneCaseType)
}

func (s memoCaseTypes) List(ctx context.Context, clinic tidbok.HSAID) ([]casetype.CaseType, error) {
	m := memoOf(ctx)
	if m == nil {
		return s.Store.List(ctx, clinic)
	}
	return recall(m, &m.lists, clinic,
		func() ([]casetype.CaseType, error) {
			return through(ctx, s.cache, m, func(c *catalogCache) *map[tidbok.HSAID]read[[]casetype.CaseType] { return &c.lists }, clinic,
				func() ([]casetype.CaseType, error) { return s.Store.List(ctx, clinic) },
				succeeded, cloneCaseTypes)
		},
		succeeded, cloneCaseTypes)
}

// cloneCaseTypes returns a copy of cts that shares nothing with it.
func cloneCaseTypes(cts []casetype.CaseType) []casetype.CaseType {
	out := make([]casetype.CaseType, len(cts))
	for i, ct := range cts {
		out[i] = cloneCaseType(ct)
	}
	return out
}

func (s memoCaseTypes) Put(ctx context.Context, ct casetype.CaseType, expectVersion int) error {
	defer memoOf(ctx).forget()
	return s.Store.Put(ctx, ct, expectVersion)
}

// memoTerms is a terms.Store that reads through the request's memo, and
// the process's cache if it has one.
type memoTerms struct {
	terms.Store
	cache *catalogCache
}

func (s memoTerms) Latest(ctx context.Context, clinic tidbok.HSAID, caseTypeID string) (terms.Version, error) {
	m := memoOf(ctx)
	if m == nil {
		return s.Store.Latest(ctx, clinic, caseTypeID)
	}
	return recall(m, &m.latest, caseKey{clinic, caseTypeID},
		func() (terms.Version, error) {
			return through(ctx, s.cache, m, func(c *catalogCache) *map[caseKey]read[terms.Version] { return &c.latest }, caseKey{clinic, caseTypeID},
				func() (terms.Version, error) { return s.Store.Latest(ctx, clinic, caseTypeID) },
				answered(terms.ErrNotFound), same[terms.Version])
		},
		answered(terms.ErrNotFound), same[terms.Version])
}

func (s memoTerms) Version(ctx context.Context, clinic tidbok.HSAID, caseTypeID string, n int) (terms.Version, error) {
	m := memoOf(ctx)
	if m == nil {
		return s.Store.Version(ctx, clinic, caseTypeID, n)
	}
	return recall(m, &m.versions, versionKey{caseKey{clinic, caseTypeID}, n},
		func() (terms.Version, error) {
			return through(ctx, s.cache, m, func(c *catalogCache) *map[versionKey]read[terms.Version] { return &c.versions }, versionKey{caseKey{clinic, caseTypeID}, n},
				func() (terms.Version, error) { return s.Store.Version(ctx, clinic, caseTypeID, n) },
				answered(terms.ErrNotFound), same[terms.Version])
		},
		answered(terms.ErrNotFound), same[terms.Version])
}

func (s memoTerms) AddVersion(ctx context.Context, v terms.Version) error {
	defer memoOf(ctx).forget()
	return s.Store.AddVersion(ctx, v)
}

func (s memoTerms) AddAcceptance(ctx context.Context, a terms.Acceptance) error {
	defer memoOf(ctx).forget()
	return s.Store.AddAcceptance(ctx, a)
}

func (s memoTerms) Accepted(ctx context.Context, citizen tidbok.PersonalNumber, clinic tidbok.HSAID, caseTypeID string, n int) (bool, error) {
	m := memoOf(ctx)
	if m == nil {
		return s.Store.Accepted(ctx, citizen, clinic, caseTypeID, n)
	}
	k := acceptedKey{citizen, versionKey{caseKey{clinic, caseTypeID}, n}}
	return recall(m, &m.accepted, k,
		func() (bool, error) {
			if s.cache.acceptedBefore(k) {
				return true, nil
			}
			ok, err := s.Store.Accepted(ctx, citizen, clinic, caseTypeID, n)
			if ok && err == nil {
				s.cache.foundAccepted(k)
			}
			return ok, err
		},
		succeeded, same[bool])
}
