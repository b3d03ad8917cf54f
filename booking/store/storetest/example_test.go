package storetest_test

import (
	"testing"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/booking/store/storetest"
)

// An implementer of the stores runs the suite from a test of its own,
// with a function that returns fresh stores for each rule: here the
// in-memory ones; a SQL store opens a fresh database, which t.Cleanup
// drops. A store that implements only some interfaces leaves the others
// nil, and their rules are skipped.
func ExampleRun() {
	TestStores := func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) storetest.Stores {
			return storetest.Stores{
				Holds:    store.NewMemHolds(),
				Keys:     store.NewMemKeys(),
				Moves:    store.NewMemMoves(),
				Requests: store.NewMemRequests(),
			}
		})
	}
	_ = TestStores
}
