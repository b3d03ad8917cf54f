package storetest_test

import (
	"testing"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/booking/store/storetest"
)

// The in-memory stores obey every rule.
func TestMemStores(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Stores {
		return storetest.Stores{
			Holds:    store.NewMemHolds(),
			Keys:     store.NewMemKeys(),
			Moves:    store.NewMemMoves(),
			Requests: store.NewMemRequests(),
			Outbox:   store.NewMemOutbox(),
			Waitlist: store.NewMemWaitlist(),
		}
	})
}

// Zero values of the in-memory stores are ready to use.
func TestMemStoresZero(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Stores {
		return storetest.Stores{Holds: new(store.MemHolds), Keys: new(store.MemKeys), Moves: new(store.MemMoves), Requests: new(store.MemRequests), Outbox: new(store.MemOutbox), Waitlist: new(store.MemWaitlist)}
	})
}
