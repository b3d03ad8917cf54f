package storetest

import "context"

// Verdicts runs every rule whose interface s has on fresh stores from
// newStores and returns each rule's error by its sentence (nil when the
// rule holds), so that the suite can be tested against broken stores.
func Verdicts(ctx context.Context, newStores func() Stores) map[string]error {
	out := map[string]error{}
	for _, r := range rules() {
		s := newStores()
		if r.needs(s) {
			out[r.sentence] = r.check(ctx, s)
		}
	}
	return out
}
