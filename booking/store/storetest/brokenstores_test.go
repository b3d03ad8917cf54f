package storetest_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/booking/store/storetest"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// naiveKeys is a plain Keys store whose flags break one rule each: with
// none set it obeys them all, which shows the suite is right about it,
// and with one set the suite must name the rule it breaks.
type naiveKeys struct {
	mu sync.Mutex
	m  map[[2]string]store.KeyRecord

	ignoreLease       bool // takes a pending key over within its lease
	dropIntent        bool // takes a key over without its intent
	anyClaim          bool // Update ignores the claim
	neverExpire       bool // keeps records past their expiry
	releaseAny        bool // Release ignores the claim
	reclaimDone       bool // takes a done key over as if unknown
	ignoreFingerprint bool // lets a key be claimed for another request
	alias             bool // keeps the alternatives it is given
	zeroPriorOnTake   bool // returns a zero prior from a takeover
	shortExpiry       bool // a takeover keeps the new record's expiry
}

func (k *naiveKeys) Claim(ctx context.Context, rec store.KeyRecord, lease time.Duration) (store.KeyRecord, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[[2]string]store.KeyRecord{}
	}
	id := [2]string{rec.Caller, rec.Key}
	cur, ok := k.m[id]
	if !ok || (!k.neverExpire && !cur.Expires.After(rec.Claimed)) {
		k.m[id] = k.keep(rec)
		return store.KeyRecord{}, true, nil
	}
	prior := k.give(cur)
	if !k.ignoreFingerprint && (cur.Action != rec.Action || cur.Fingerprint != rec.Fingerprint) {
		return prior, false, nil
	}
	pastLease := k.ignoreLease || !cur.Claimed.Add(lease).After(rec.Claimed)
	if cur.State == store.KeyUnknown || (cur.State == store.KeyPending && pastLease) || (k.reclaimDone && cur.State == store.KeyDone) {
		next := cur
		next.State, next.Claim, next.Claimed = store.KeyPending, rec.Claim, rec.Claimed
		if k.shortExpiry || rec.Expires.After(next.Expires) {
			next.Expires = rec.Expires
		}
		if k.dropIntent {
			next.Intent = store.Intent{}
		}
		k.m[id] = next
		if k.zeroPriorOnTake {
			return store.KeyRecord{}, true, nil
		}
		return prior, true, nil
	}
	return prior, false, nil
}

func (k *naiveKeys) Update(ctx context.Context, rec store.KeyRecord) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	id := [2]string{rec.Caller, rec.Key}
	cur, ok := k.m[id]
	if !ok || (!k.anyClaim && cur.Claim != rec.Claim) {
		return store.ErrKeyTaken
	}
	k.m[id] = k.keep(rec)
	return nil
}

func (k *naiveKeys) Release(ctx context.Context, caller, key, claim string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	id := [2]string{caller, key}
	if cur, ok := k.m[id]; ok && (k.releaseAny || cur.Claim == claim) {
		delete(k.m, id)
	}
	return nil
}

func (k *naiveKeys) keep(r store.KeyRecord) store.KeyRecord {
	if !k.alias {
		r.Result.Alternatives = slices.Clone(r.Result.Alternatives)
	}
	return r
}

func (k *naiveKeys) give(r store.KeyRecord) store.KeyRecord {
	r.Result.Alternatives = slices.Clone(r.Result.Alternatives)
	return r
}

// holdsOnePerSlot forgets that a subject holds one slot per clinic.
type holdsOnePerSlot struct{ *store.MemHolds }

func (h holdsOnePerSlot) Acquire(ctx context.Context, hold store.Hold, now time.Time) (store.Hold, error) {
	// A subject of its own per hold: their earlier holds stay.
	held, err := h.MemHolds.Held(ctx, hold.Clinic, now)
	if err != nil {
		return store.Hold{}, err
	}
	got, err := h.MemHolds.Acquire(ctx, hold, now)
	for _, o := range held {
		if o.Subject == hold.Subject && o.Key != hold.Key && err == nil {
			o.Subject = tidbok.MustPersonalNumber("191212121212")
			if _, err := h.MemHolds.Acquire(ctx, o, now); err != nil {
				return got, err
			}
		}
	}
	return got, err
}

// movesUnlimited never refuses a move.
type movesUnlimited struct{ *store.MemMoves }

func (m movesUnlimited) Reserve(ctx context.Context, c tidbok.HSAID, id string, limit int) (int, error) {
	return m.MemMoves.Reserve(ctx, c, id, 0)
}

// requestsNewestFirst lists the newest request first.
type requestsNewestFirst struct{ *store.MemRequests }

func (r requestsNewestFirst) List(ctx context.Context, c tidbok.HSAID, openOnly bool) ([]store.Request, error) {
	out, err := r.MemRequests.List(ctx, c, openOnly)
	slices.Reverse(out)
	return out, err
}

// waitlistSettlesTwice settles an offer whatever its state.
type waitlistSettlesTwice struct{ *store.MemWaitlist }

func (w waitlistSettlesTwice) SettleOffer(ctx context.Context, id string, st store.OfferState, at time.Time) (store.Offer, error) {
	o, err := w.MemWaitlist.SettleOffer(ctx, id, st, at)
	if errors.Is(err, store.ErrOfferSettled) {
		o.State, err = st, nil
	}
	return o, err
}

// The suite finds each broken rule of a deliberately broken store. A bug
// may break other rules too: a lease ignored lets any claim through.
func TestSuiteFindsBrokenStores(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		new  func() storetest.Stores
		// breaks are the start of the sentences of the rules that must
		// fail.
		breaks []string
	}{
		{"keys without a lease", func() storetest.Stores { return storetest.Stores{Keys: &naiveKeys{ignoreLease: true}} },
			[]string{"a Claim within the lease of a pending key is refused"}},
		{"keys that lose the intent on a takeover", func() storetest.Stores { return storetest.Stores{Keys: &naiveKeys{dropIntent: true}} },
			[]string{"a Claim when the lease is up takes a pending key over", "a Claim of an unknown key takes it over"}},
		{"keys updated under any claim", func() storetest.Stores { return storetest.Stores{Keys: &naiveKeys{anyClaim: true}} },
			[]string{"Update replaces the record under its claim", "a Claim when the lease is up takes a pending key over"}},
		{"keys that never expire", func() storetest.Stores { return storetest.Stores{Keys: &naiveKeys{neverExpire: true}} },
			[]string{"a record is forgotten when it expires"}},
		{"keys released under any claim", func() storetest.Stores { return storetest.Stores{Keys: &naiveKeys{releaseAny: true}} },
			[]string{"Release frees a key only under its holder's claim"}},
		{"done keys taken over", func() storetest.Stores { return storetest.Stores{Keys: &naiveKeys{reclaimDone: true}} },
			[]string{"a Claim of a done key is refused"}},
		{"keys claimed for another request", func() storetest.Stores { return storetest.Stores{Keys: &naiveKeys{ignoreFingerprint: true}} },
			[]string{"a Claim for another action or fingerprint is refused"}},
		{"keys that alias what they are given", func() storetest.Stores { return storetest.Stores{Keys: &naiveKeys{alias: true}} },
			[]string{"records given to and returned by the store are not aliased"}},
		{"keys whose takeover returns no prior", func() storetest.Stores { return storetest.Stores{Keys: &naiveKeys{zeroPriorOnTake: true}} },
			[]string{"a Claim when the lease is up takes a pending key over", "a Claim of an unknown key takes it over"}},
		{"keys whose takeover shortens the expiry", func() storetest.Stores { return storetest.Stores{Keys: &naiveKeys{shortExpiry: true}} },
			[]string{"a Claim when the lease is up takes a pending key over"}},
		{"holds of many slots per subject", func() storetest.Stores {
			return storetest.Stores{Holds: holdsOnePerSlot{store.NewMemHolds()}}
		}, []string{"a subject holds one slot per clinic"}},
		{"moves without a limit", func() storetest.Stores { return storetest.Stores{Moves: movesUnlimited{store.NewMemMoves()}} },
			[]string{"Reserve counts moves up to the limit"}},
		{"requests listed newest first", func() storetest.Stores {
			return storetest.Stores{Requests: requestsNewestFirst{store.NewMemRequests()}}
		}, []string{"List returns a clinic's requests by Created", "Close records the first staff member"}},
		{"offers settled twice", func() storetest.Stores {
			return storetest.Stores{Waitlist: waitlistSettlesTwice{store.NewMemWaitlist()}}
		}, []string{"SettleOffer settles an open offer once", "Of concurrent SettleOffer calls"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			verdicts := storetest.Verdicts(t.Context(), tt.new)
			require.NotEmpty(t, verdicts, "the suite checked no rule of the broken store")
			var failed []string
			for _, s := range slices.Sorted(maps.Keys(verdicts)) {
				if verdicts[s] != nil {
					failed = append(failed, s)
				}
			}
			for _, want := range tt.breaks {
				if !slices.ContainsFunc(failed, func(s string) bool { return strings.HasPrefix(s, want) }) {
					t.Errorf("the suite passed the rule %q; failed only %q", want, failed)
				}
			}
		})
	}
}

// The naive key store with no flag set obeys every rule: the checks that
// fail it above fail for the bug, not for the store.
func TestNaiveKeysObeyTheSuite(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Stores { return storetest.Stores{Keys: &naiveKeys{}} })
}
