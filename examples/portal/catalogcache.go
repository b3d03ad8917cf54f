package main

import (
	"context"
	"sync"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Case types and terms are also kept by the process, across requests,
// for as long as the catalog's version stays the same. The database
// raises that version in the same transaction as every write of a case
// type or terms version, by any process (sqlstore.Stores.CatalogVersion).
// A request reads the version once, the first time it needs a case type
// or terms, and before it reads either: what is kept at that version is
// what the database held at it, and a write anywhere raises the version
// the next request reads, which then reads afresh. So a page costs one
// small read of the version where it cost a read of the case type, one
// of its latest terms and one of the citizen's acceptance.
//
// Acceptances are not versioned: they are only ever added, so one found
// is kept (the citizen accepted that version of those terms for good),
// and one not found is asked again on the next request.

// Bounds on what the process keeps: a table that would grow past them
// starts over, which costs reads, never a wrong answer.
const (
	maxCachedCatalog  = 4096
	maxCachedAccepted = 1 << 16
)

// catalogCache is what the process keeps of the catalog. It is safe for
// concurrent use.
type catalogCache struct {
	// version reads the catalog's version from the database.
	version func(context.Context) (int64, error)

	mu sync.Mutex
	// at is the catalog version the tables hold; they are emptied when
	// a request reads a newer one.
	at       int64
	cases    map[caseKey]read[casetype.CaseType]
	lists    map[tidbok.HSAID]read[[]casetype.CaseType]
	latest   map[caseKey]read[terms.Version]
	versions map[versionKey]read[terms.Version]
	accepted map[acceptedKey]struct{}
}

// newCatalogCache returns an empty cache that reads the catalog's version
// with version.
func newCatalogCache(version func(context.Context) (int64, error)) *catalogCache {
	return &catalogCache{version: version, at: -1}
}

// catalogAt returns the catalog version the request m reads at, reading
// it with read the first time (again after a write through m).
func (m *requestMemo) catalogAt(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	m.mu.Lock()
	if m.catalogRead {
		defer m.mu.Unlock()
		return m.catalog, nil
	}
	m.mu.Unlock()
	v, err := read(ctx)
	if err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.catalogRead {
		m.catalog, m.catalogRead = v, true
	}
	return m.catalog, nil
}

// through answers a read of the catalog for the request m from the
// process's table, or else with load, and keeps load's answer in table
// when keep says it is one (see recall) and the cache still holds the
// version the request reads at. Without a version (c nil, or reading it
// failed) it only loads.
func through[K comparable, V any](ctx context.Context, c *catalogCache, m *requestMemo, table func(*catalogCache) *map[K]read[V], k K, load func() (V, error), keep func(error) bool, clone func(V) V) (V, error) {
	if c == nil || m == nil {
		return load()
	}
	at, err := m.catalogAt(ctx, c.version)
	if err != nil {
		return load()
	}
	c.mu.Lock()
	if at > c.at {
		c.cases, c.lists, c.latest, c.versions = nil, nil, nil, nil
		c.at = at
	}
	if at == c.at {
		if got, ok := (*table(c))[k]; ok {
			c.mu.Unlock()
			return clone(got.v), got.err
		}
	}
	c.mu.Unlock()
	v, err := load()
	if !keep(err) {
		return v, err
	}
	c.mu.Lock()
	if at == c.at {
		t := table(c)
		if *t == nil || len(*t) >= maxCachedCatalog {
			*t = map[K]read[V]{}
		}
		(*t)[k] = read[V]{clone(v), err}
	}
	c.mu.Unlock()
	return v, err
}

// acceptedBefore reports whether the process found the acceptance k
// before.
func (c *catalogCache) acceptedBefore(k acceptedKey) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.accepted[k]
	return ok
}

// foundAccepted keeps the acceptance k, found in the database.
func (c *catalogCache) foundAccepted(k acceptedKey) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.accepted == nil || len(c.accepted) >= maxCachedAccepted {
		c.accepted = map[acceptedKey]struct{}{}
	}
	c.accepted[k] = struct{}{}
}
