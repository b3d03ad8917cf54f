package store_test

import (
	"errors"
	"testing"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestBecauseSaysThePrefixOnce(t *testing.T) {
	t.Parallel()
	err := store.Because(store.ErrHeld, "until %s", "noon")
	if got, want := err.Error(), "booking: slot held by another citizen: until noon"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, store.ErrHeld) || !errors.Is(err, tidbok.ErrSlotTaken) {
		t.Errorf("%v does not match ErrHeld and tidbok.ErrSlotTaken", err)
	}
	err = store.Because(tidbok.ErrNotFound, "no request %q at the clinic", "r1")
	if got, want := err.Error(), `booking: not found: no request "r1" at the clinic`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := store.Detail(err), `not found: no request "r1" at the clinic`; got != want {
		t.Errorf("Detail = %q, want %q", got, want)
	}
}
