package delivery_test

import (
	"testing"
	"testing/synctest"
)

// synctestRun runs f in a synctest bubble, whose clock moves only when
// every goroutine in it waits.
func synctestRun(t *testing.T, f func(t *testing.T)) { synctest.Test(t, f) }
