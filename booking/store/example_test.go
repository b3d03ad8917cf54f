package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The life of a request key, as the booking flow drives a [store.Keys]:
// the first call claims it, a repeat while it runs is refused, and once
// the outcome is stored a repeat gets it to replay.
func ExampleKeys() {
	ctx := context.Background()
	keys := store.NewMemKeys()
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm())
	call := func(claim string, at time.Time) store.KeyRecord {
		return store.KeyRecord{Caller: "p:1", Key: "3f1c…", Action: "book", Fingerprint: "fp",
			State: store.KeyPending, Claim: claim, Claimed: at, Expires: at.Add(24 * time.Hour)}
	}

	_, ok, _ := keys.Claim(ctx, call("first", now), 2*time.Minute)
	fmt.Println("first call claims the key:", ok)

	prior, ok, _ := keys.Claim(ctx, call("repeat", now.Add(time.Second)), 2*time.Minute)
	fmt.Println("a repeat while it runs claims it:", ok, "- held by", prior.Claim)

	done := call("first", now)
	done.State = store.KeyDone
	done.Result = store.KeyResult{Refused: tidbok.KindSlotTaken, Text: "Tiden är upptagen.", Time: now}
	_ = keys.Update(ctx, done)

	prior, ok, _ = keys.Claim(ctx, call("later", now.Add(time.Hour)), 2*time.Minute)
	fmt.Println("a later repeat claims it:", ok, "- replays", prior.Result.Refused)
	// Output:
	// first call claims the key: true
	// a repeat while it runs claims it: false - held by first
	// a later repeat claims it: false - replays slot-taken
}
