package storetest_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/booking/store/storetest"
)

// events is an audit log of strings that can be made to refuse events.
type events struct {
	mu     sync.Mutex
	list   []string
	broken bool
}

func (l *events) Record(_ context.Context, e string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.broken {
		return errors.New("the audit log refuses events")
	}
	l.list = append(l.list, e)
	return nil
}

// The in-memory Settler obeys every rule of a Settler.
func TestMemSettler(t *testing.T) {
	t.Parallel()
	storetest.RunSettler(t, func(*testing.T) storetest.SettlerStores[string] {
		log := &events{}
		s := &store.MemSettler[string]{MemKeys: store.NewMemKeys(), Holds: store.NewMemHolds(), Outbox: store.NewMemOutbox(),
			Record: log.Record, Audit: log}
		return storetest.SettlerStores[string]{
			Settler: s, Keys: s, Holds: s.Holds, Outbox: s.Outbox, Audit: log,
			Event: func(n int) string { return "event " + string(rune('0'+n)) },
			Events: func(context.Context) ([]string, error) {
				log.mu.Lock()
				defer log.mu.Unlock()
				return slices.Clone(log.list), nil
			},
			BreakAudit: func(context.Context) error {
				log.mu.Lock()
				defer log.mu.Unlock()
				log.broken = true
				return nil
			},
		}
	})
}
