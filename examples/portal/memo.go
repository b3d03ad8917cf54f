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
// what they read during it; any write through them forgets it all. Nothing
// outlives the request, so a change made by another process or request is
// seen by the next request, as without the memo: there is no cache to
// keep in step across processes.

// requestMemo is what one request read from the case type and terms
// stores. It is safe for concurrent use.
type requestMemo struct {
	mu       sync.Mutex
	cases    map[caseKey]caseTypeRead
	lists    map[tidbok.HSAID][]casetype.CaseType
	latest   map[caseKey]termsRead
	versions map[versionKey]termsRead
	accepted map[acceptedKey]bool
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

type caseTypeRead struct {
	ct  casetype.CaseType
	err error
}

type termsRead struct {
	v   terms.Version
	err error
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
}

// cloneCaseType returns a copy of ct that shares no slice with it, so that
// a caller changing what it was given does not change the memo.
func cloneCaseType(ct casetype.CaseType) casetype.CaseType {
	ct.TimeTypeIDs = slices.Clone(ct.TimeTypeIDs)
	ct.Eligibility.Citizens = slices.Clone(ct.Eligibility.Citizens)
	return ct
}

// memoCaseTypes is a casetype.Store that reads through the request's
// memo.
type memoCaseTypes struct{ casetype.Store }

func (s memoCaseTypes) Get(ctx context.Context, clinic tidbok.HSAID, id string) (casetype.CaseType, error) {
	m := memoOf(ctx)
	if m == nil {
		return s.Store.Get(ctx, clinic, id)
	}
	k := caseKey{clinic, id}
	m.mu.Lock()
	got, ok := m.cases[k]
	m.mu.Unlock()
	if ok {
		return cloneCaseType(got.ct), got.err
	}
	ct, err := s.Store.Get(ctx, clinic, id)
	if err != nil && !errors.Is(err, casetype.ErrNotFound) {
		return ct, err // a failure is not remembered: asking again may succeed
	}
	m.mu.Lock()
	if m.cases == nil {
		m.cases = map[caseKey]caseTypeRead{}
	}
	m.cases[k] = caseTypeRead{cloneCaseType(ct), err}
	m.mu.Unlock()
	return ct, err
}

func (s memoCaseTypes) List(ctx context.Context, clinic tidbok.HSAID) ([]casetype.CaseType, error) {
	m := memoOf(ctx)
	if m == nil {
		return s.Store.List(ctx, clinic)
	}
	m.mu.Lock()
	got, ok := m.lists[clinic]
	m.mu.Unlock()
	clone := func(cts []casetype.CaseType) []casetype.CaseType {
		out := make([]casetype.CaseType, len(cts))
		for i, ct := range cts {
			out[i] = cloneCaseType(ct)
		}
		return out
	}
	if ok {
		return clone(got), nil
	}
	cts, err := s.Store.List(ctx, clinic)
	if err != nil {
		return cts, err
	}
	m.mu.Lock()
	if m.lists == nil {
		m.lists = map[tidbok.HSAID][]casetype.CaseType{}
	}
	m.lists[clinic] = clone(cts)
	m.mu.Unlock()
	return cts, nil
}

func (s memoCaseTypes) Put(ctx context.Context, ct casetype.CaseType, expectVersion int) error {
	defer memoOf(ctx).forget()
	return s.Store.Put(ctx, ct, expectVersion)
}

// memoTerms is a terms.Store that reads through the request's memo.
type memoTerms struct{ terms.Store }

func (s memoTerms) Latest(ctx context.Context, clinic tidbok.HSAID, caseTypeID string) (terms.Version, error) {
	m := memoOf(ctx)
	if m == nil {
		return s.Store.Latest(ctx, clinic, caseTypeID)
	}
	k := caseKey{clinic, caseTypeID}
	m.mu.Lock()
	got, ok := m.latest[k]
	m.mu.Unlock()
	if ok {
		return got.v, got.err
	}
	v, err := s.Store.Latest(ctx, clinic, caseTypeID)
	if err != nil && !errors.Is(err, terms.ErrNotFound) {
		return v, err
	}
	m.mu.Lock()
	if m.latest == nil {
		m.latest = map[caseKey]termsRead{}
	}
	m.latest[k] = termsRead{v, err}
	m.mu.Unlock()
	return v, err
}

func (s memoTerms) Version(ctx context.Context, clinic tidbok.HSAID, caseTypeID string, n int) (terms.Version, error) {
	m := memoOf(ctx)
	if m == nil {
		return s.Store.Version(ctx, clinic, caseTypeID, n)
	}
	k := versionKey{caseKey{clinic, caseTypeID}, n}
	m.mu.Lock()
	got, ok := m.versions[k]
	m.mu.Unlock()
	if ok {
		return got.v, got.err
	}
	v, err := s.Store.Version(ctx, clinic, caseTypeID, n)
	if err != nil && !errors.Is(err, terms.ErrNotFound) {
		return v, err
	}
	m.mu.Lock()
	if m.versions == nil {
		m.versions = map[versionKey]termsRead{}
	}
	m.versions[k] = termsRead{v, err}
	m.mu.Unlock()
	return v, err
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
	m.mu.Lock()
	got, ok := m.accepted[k]
	m.mu.Unlock()
	if ok {
		return got, nil
	}
	yes, err := s.Store.Accepted(ctx, citizen, clinic, caseTypeID, n)
	if err != nil {
		return yes, err
	}
	m.mu.Lock()
	if m.accepted == nil {
		m.accepted = map[acceptedKey]bool{}
	}
	m.accepted[k] = yes
	m.mu.Unlock()
	return yes, nil
}
