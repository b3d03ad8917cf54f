package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// lease is the lease the key rules claim with.
const lease = time.Minute

// keyRec is a pending record of caller "p:1" for key, claimed by claim at
// at, kept for an hour.
func keyRec(key, claim string, at time.Time) store.KeyRecord {
	return store.KeyRecord{Caller: "p:1", Key: key, Action: "book", Fingerprint: "fp",
		State: store.KeyPending, Claim: claim, Claimed: at, Expires: at.Add(time.Hour)}
}

// withIntent returns r with a booking's intent.
func withIntent(r store.KeyRecord) store.KeyRecord {
	r.Intent.Book.Timeslot = tidbok.Timeslot{ID: "s1", Start: t0.Add(48 * time.Hour), End: t0.Add(48*time.Hour + 20*time.Minute), Facility: clinic}
	r.Intent.Sequence = 1
	return r
}

// doneRec returns r done with a refusal as taken, alternatives and all.
func doneRec(r store.KeyRecord) store.KeyRecord {
	r.State = store.KeyDone
	alt := tidbok.Timeslot{ID: "s2", Start: t0.Add(49 * time.Hour), End: t0.Add(49*time.Hour + 20*time.Minute), Facility: clinic}
	r.Result = store.KeyResult{Refused: tidbok.KindSlotTaken, Text: "Tiden är upptagen.", Time: r.Claimed,
		Alternatives: []tidbok.Timeslot{alt, alt}}
	r.Result.Alternatives[1].ID = "s3"
	return r
}

// claimed claims r and reports a violation unless the store answers
// wantClaimed; a failed Claim is a failed precondition.
func claimed(ctx context.Context, k store.Keys, what string, r store.KeyRecord, wantClaimed bool) (store.KeyRecord, error) {
	prior, ok, err := k.Claim(ctx, r, lease)
	if err != nil {
		return prior, precondition(err, "%s: Claim", what)
	}
	if ok != wantClaimed {
		return prior, fmt.Errorf("%s: claimed = %v, want %v (prior state %v, claim %q)", what, ok, wantClaimed, prior.State, prior.Claim)
	}
	return prior, nil
}

var keyRules = []rule{
	{
		sentence: "a first Claim of a key stores the record and returns a zero prior",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			first := keyRec("k", "c1", t0)
			prior, err := claimed(ctx, s.Keys, "first claim", first, true)
			if err != nil {
				return err
			}
			var v violations
			if err := diff("the first claim's prior", store.KeyRecord{}, prior); err != nil {
				v = append(v, err)
			}
			again, err := claimed(ctx, s.Keys, "a second claim", keyRec("k", "c2", t0.Add(time.Second)), false)
			if err != nil {
				return errors.Join(append(v, err)...)
			}
			if err := diff("the record stored by the first claim", first, again); err != nil {
				v = append(v, err)
			}
			return v.err()
		},
	},
	{
		sentence: "a Claim within the lease of a pending key is refused and returns the holder's record",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			first := withIntent(keyRec("k", "c1", t0))
			if _, err := claimed(ctx, s.Keys, "first claim", keyRec("k", "c1", t0), true); err != nil {
				return err
			}
			if err := s.Keys.Update(ctx, first); err != nil {
				return precondition(err, "the holder's Update")
			}
			var v violations
			for _, at := range []time.Duration{0, time.Second, lease - time.Nanosecond} {
				prior, err := claimed(ctx, s.Keys, fmt.Sprintf("claim %v after the first", at), keyRec("k", "c2", t0.Add(at)), false)
				if err != nil {
					v = append(v, err)
					continue
				}
				if err := diff(fmt.Sprintf("claim %v after the first: prior", at), first, prior); err != nil {
					v = append(v, err)
				}
			}
			return v.err()
		},
	},
	{
		sentence: "a Claim for another action or fingerprint is refused whatever the key's state, and changes nothing",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			var v violations
			for _, state := range []store.KeyState{store.KeyPending, store.KeyUnknown, store.KeyDone} {
				key := fmt.Sprintf("k%d", state)
				r := withIntent(keyRec(key, "c1", t0))
				if _, err := claimed(ctx, s.Keys, "first claim", keyRec(key, "c1", t0), true); err != nil {
					return err
				}
				r.State = state
				if err := s.Keys.Update(ctx, r); err != nil {
					return precondition(err, "Update to state %d", state)
				}
				other := keyRec(key, "c2", t0.Add(2*lease))
				other.Fingerprint = "another"
				otherAct := keyRec(key, "c3", t0.Add(2*lease))
				otherAct.Action = "cancel"
				for _, o := range []store.KeyRecord{other, otherAct} {
					prior, err := claimed(ctx, s.Keys, fmt.Sprintf("state %d: claim for action %q fingerprint %q past the lease", state, o.Action, o.Fingerprint), o, false)
					if err != nil {
						v = append(v, err)
						continue
					}
					if err := diff(fmt.Sprintf("state %d: claim for another request: prior", state), r, prior); err != nil {
						v = append(v, err)
					}
				}
			}
			return v.err()
		},
	},
	{
		sentence: "Update replaces the record under its claim and refuses any other claim with ErrKeyTaken",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			if _, err := claimed(ctx, s.Keys, "first claim", keyRec("k", "c1", t0), true); err != nil {
				return err
			}
			var v violations
			r := withIntent(keyRec("k", "c1", t0))
			if err := s.Keys.Update(ctx, r); err != nil {
				v.add("Update under the holder's claim: %v", err)
			}
			stranger := doneRec(r)
			stranger.Claim = "c9"
			if err := s.Keys.Update(ctx, stranger); !errors.Is(err, store.ErrKeyTaken) {
				v.add("Update under another claim = %v, want ErrKeyTaken", err)
			}
			if err := s.Keys.Update(ctx, keyRec("never-claimed", "c1", t0)); !errors.Is(err, store.ErrKeyTaken) {
				v.add("Update of a key never claimed = %v, want ErrKeyTaken", err)
			}
			prior, err := claimed(ctx, s.Keys, "claim after the updates", keyRec("k", "c2", t0.Add(time.Second)), false)
			if err != nil {
				return errors.Join(append(v, err)...)
			}
			if err := diff("the record after the holder's Update and a stranger's", r, prior); err != nil {
				v = append(v, err)
			}
			if _, err := claimed(ctx, s.Keys, "claim of the key a refused Update named", keyRec("never-claimed", "c2", t0), true); err != nil {
				v = append(v, err)
			}
			return v.err()
		},
	},
	{
		sentence: "a Claim when the lease is up takes a pending key over, keeping its intent and the later expiry",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			if _, err := claimed(ctx, s.Keys, "first claim", keyRec("k", "c1", t0), true); err != nil {
				return err
			}
			held := withIntent(keyRec("k", "c1", t0))
			if err := s.Keys.Update(ctx, held); err != nil {
				return precondition(err, "the holder's Update")
			}
			var v violations
			takeover := keyRec("k", "c2", t0.Add(lease))
			prior, err := claimed(ctx, s.Keys, "claim when the lease is up", takeover, true)
			if err != nil {
				return err
			}
			if err := diff("the takeover's prior", held, prior); err != nil {
				v = append(v, err)
			}
			if err := s.Keys.Update(ctx, held); !errors.Is(err, store.ErrKeyTaken) {
				v.add("the old holder's Update after the takeover = %v, want ErrKeyTaken", err)
			}
			now, err := claimed(ctx, s.Keys, "claim within the new holder's lease", keyRec("k", "c3", t0.Add(lease+time.Second)), false)
			if err != nil {
				return errors.Join(append(v, err)...)
			}
			want := held
			want.Claim, want.Claimed, want.Expires = takeover.Claim, takeover.Claimed, takeover.Expires
			if err := diff("the record after the takeover", want, now); err != nil {
				v = append(v, err)
			}

			// A takeover by a record kept for less keeps the longer expiry.
			if _, err := claimed(ctx, s.Keys, "claim of e", keyRec("e", "c1", t0), true); err != nil {
				return errors.Join(append(v, err)...)
			}
			short := keyRec("e", "c2", t0.Add(lease))
			short.Expires = t0.Add(lease + time.Second)
			if _, err := claimed(ctx, s.Keys, "takeover of e, kept for a second", short, true); err != nil {
				return errors.Join(append(v, err)...)
			}
			after, err := claimed(ctx, s.Keys, "claim of e after the shorter expiry", keyRec("e", "c3", t0.Add(lease+2*time.Second)), false)
			if err != nil {
				return errors.Join(append(v, err)...)
			}
			if !after.Expires.Equal(t0.Add(time.Hour)) {
				v.add("after a takeover by a shorter-lived record: Expires %v, want the first record's %v", after.Expires, t0.Add(time.Hour))
			}
			return v.err()
		},
	},
	{
		sentence: "a Claim of an unknown key takes it over at once, keeping its intent",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			if _, err := claimed(ctx, s.Keys, "first claim", keyRec("u", "c1", t0), true); err != nil {
				return err
			}
			unknown := keyRec("u", "c1", t0)
			unknown.State = store.KeyUnknown
			unknown.Intent.Cancel = tidbok.CancelRequest{Facility: clinic, BookingID: "b1", Subject: citizen(1)}
			if err := s.Keys.Update(ctx, unknown); err != nil {
				return precondition(err, "Update to unknown")
			}
			var v violations
			prior, err := claimed(ctx, s.Keys, "claim of the unknown key within the lease", keyRec("u", "c2", t0.Add(time.Second)), true)
			if err != nil {
				return err
			}
			if err := diff("the takeover's prior", unknown, prior); err != nil {
				v = append(v, err)
			}
			now, err := claimed(ctx, s.Keys, "claim after the takeover", keyRec("u", "c3", t0.Add(2*time.Second)), false)
			if err != nil {
				return errors.Join(append(v, err)...)
			}
			want := unknown
			want.State, want.Claim, want.Claimed, want.Expires = store.KeyPending, "c2", t0.Add(time.Second), t0.Add(time.Second+time.Hour)
			if err := diff("the record after taking over an unknown key", want, now); err != nil {
				v = append(v, err)
			}
			return v.err()
		},
	},
	{
		sentence: "a Claim of a done key is refused and returns the stored outcome to replay",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			if _, err := claimed(ctx, s.Keys, "first claim", keyRec("k", "c1", t0), true); err != nil {
				return err
			}
			done := doneRec(withIntent(keyRec("k", "c1", t0)))
			if err := s.Keys.Update(ctx, done); err != nil {
				return precondition(err, "Update to done")
			}
			success := keyRec("s", "c1", t0)
			if _, err := claimed(ctx, s.Keys, "first claim of s", success, true); err != nil {
				return err
			}
			success = withIntent(success)
			success.State = store.KeyDone
			success.Result = store.KeyResult{Booking: success.Intent.Book.Timeslot, Notice: "Välkommen", Sequence: 1, Time: t0, Reconciled: true}
			if err := s.Keys.Update(ctx, success); err != nil {
				return precondition(err, "Update of s to done")
			}
			var v violations
			for _, want := range []store.KeyRecord{done, success} {
				// Past the lease, and again later: done is done.
				for _, at := range []time.Duration{time.Second, 3 * lease} {
					got, err := claimed(ctx, s.Keys, fmt.Sprintf("claim of done key %s %v later", want.Key, at), keyRec(want.Key, "c2", t0.Add(at)), false)
					if err != nil {
						v = append(v, err)
						continue
					}
					if err := diff(fmt.Sprintf("claim of done key %s %v later: prior", want.Key, at), want, got); err != nil {
						v = append(v, err)
					}
				}
			}
			return v.err()
		},
	},
	{
		sentence: "a record is forgotten when it expires, and a Claim then starts afresh",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			var v violations
			for _, state := range []store.KeyState{store.KeyPending, store.KeyUnknown, store.KeyDone} {
				key := fmt.Sprintf("k%d", state)
				if _, err := claimed(ctx, s.Keys, "first claim", keyRec(key, "c1", t0), true); err != nil {
					return err
				}
				r := withIntent(keyRec(key, "c1", t0))
				r.State = state
				if err := s.Keys.Update(ctx, r); err != nil {
					return precondition(err, "Update to state %d", state)
				}
				if state == store.KeyDone {
					if _, err := claimed(ctx, s.Keys, "claim of a done key a moment before it expires", keyRec(key, "c2", r.Expires.Add(-time.Nanosecond)), false); err != nil {
						v = append(v, err)
					}
				}
				fresh := keyRec(key, "c3", r.Expires)
				fresh.Fingerprint = "another request, after expiry"
				prior, err := claimed(ctx, s.Keys, fmt.Sprintf("state %d: claim when the record expires", state), fresh, true)
				if err != nil {
					v = append(v, err)
					continue
				}
				if err := diff(fmt.Sprintf("state %d: claim after expiry: prior", state), store.KeyRecord{}, prior); err != nil {
					v = append(v, err)
				}
				now, err := claimed(ctx, s.Keys, "claim of the fresh record", keyRec(key, "c4", r.Expires.Add(time.Second)), false)
				if err != nil {
					v = append(v, err)
					continue
				}
				if err := diff(fmt.Sprintf("state %d: the record after a fresh claim", state), fresh, now); err != nil {
					v = append(v, err)
				}
			}
			return v.err()
		},
	},
	{
		sentence: "Release frees a key only under its holder's claim",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			if _, err := claimed(ctx, s.Keys, "first claim", keyRec("r", "c1", t0), true); err != nil {
				return err
			}
			var v violations
			if err := s.Keys.Release(ctx, "p:1", "r", "c2"); err != nil {
				v.add("Release under another claim: %v, want nil", err)
			}
			if _, err := claimed(ctx, s.Keys, "claim after a Release under another claim", keyRec("r", "c2", t0.Add(time.Second)), false); err != nil {
				v = append(v, err)
			}
			if err := s.Keys.Release(ctx, "p:1", "r", "c1"); err != nil {
				v.add("Release under the holder's claim: %v", err)
			}
			after := keyRec("r", "c3", t0.Add(2*time.Second))
			prior, err := claimed(ctx, s.Keys, "claim after the holder's Release", after, true)
			if err != nil {
				return errors.Join(append(v, err)...)
			}
			if err := diff("claim after the holder's Release: prior", store.KeyRecord{}, prior); err != nil {
				v = append(v, err)
			}
			if err := s.Keys.Release(ctx, "p:1", "never-claimed", "c1"); err != nil {
				v.add("Release of a key never claimed: %v, want nil", err)
			}
			return v.err()
		},
	},
	{
		sentence: "keys are scoped to the caller: two callers' equal keys never meet",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			if _, err := claimed(ctx, s.Keys, "first claim", keyRec("k", "c1", t0), true); err != nil {
				return err
			}
			var v violations
			other := keyRec("k", "x1", t0.Add(time.Second))
			other.Caller = "p:2"
			prior, err := claimed(ctx, s.Keys, "another caller's claim of an equal key", other, true)
			if err != nil {
				return err
			}
			if err := diff("another caller's claim: prior", store.KeyRecord{}, prior); err != nil {
				v = append(v, err)
			}
			done := doneRec(other)
			if err := s.Keys.Update(ctx, done); err != nil {
				v.add("Update of the other caller's record: %v", err)
			}
			if err := s.Keys.Release(ctx, "p:2", "k", "c1"); err != nil {
				v.add("Release of the other caller's key under the first caller's claim: %v", err)
			}
			mine, err := claimed(ctx, s.Keys, "the first caller's key", keyRec("k", "c2", t0.Add(2*time.Second)), false)
			if err != nil {
				return errors.Join(append(v, err)...)
			}
			if err := diff("the first caller's record after the other's calls", keyRec("k", "c1", t0), mine); err != nil {
				v = append(v, err)
			}
			return v.err()
		},
	},
	{
		sentence: "records given to and returned by the store are not aliased",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			if _, err := claimed(ctx, s.Keys, "first claim", keyRec("k", "c1", t0), true); err != nil {
				return err
			}
			done := doneRec(keyRec("k", "c1", t0))
			given := done
			given.Result.Alternatives = append([]tidbok.Timeslot(nil), done.Result.Alternatives...)
			if err := s.Keys.Update(ctx, given); err != nil {
				return precondition(err, "Update to done")
			}
			given.Result.Alternatives[0].ID = "changed after Update"
			var v violations
			got, err := claimed(ctx, s.Keys, "claim of the done key", keyRec("k", "c2", t0.Add(time.Second)), false)
			if err != nil {
				return err
			}
			if err := diff("the record after its Update's alternatives changed", done, got); err != nil {
				v = append(v, err)
			}
			if len(got.Result.Alternatives) > 0 {
				got.Result.Alternatives[0].ID = "changed after Claim"
			}
			again, err := claimed(ctx, s.Keys, "claim of the done key again", keyRec("k", "c3", t0.Add(2*time.Second)), false)
			if err != nil {
				return errors.Join(append(v, err)...)
			}
			if err := diff("the record after a returned prior's alternatives changed", done, again); err != nil {
				v = append(v, err)
			}
			return v.err()
		},
	},
	{
		sentence: "of concurrent Claims of one free key exactly one is claimed, and the others return its record",
		needs:    hasKeys,
		check: func(ctx context.Context, s Stores) error {
			const n = 8
			var v violations
			for round := range 3 {
				key := fmt.Sprintf("race-%d", round)
				var wg sync.WaitGroup
				priors := make([]store.KeyRecord, n)
				oks := make([]bool, n)
				errs := make([]error, n)
				for i := range n {
					wg.Go(func() {
						priors[i], oks[i], errs[i] = s.Keys.Claim(ctx, keyRec(key, fmt.Sprintf("c%d", i), t0), lease)
					})
				}
				wg.Wait()
				winner := -1
				for i := range n {
					switch {
					case errs[i] != nil:
						v.add("round %d: concurrent Claim %d: %v", round, i, errs[i])
					case oks[i] && winner >= 0:
						v.add("round %d: Claims %d and %d were both claimed", round, winner, i)
					case oks[i]:
						winner = i
					}
				}
				if winner < 0 {
					v.add("round %d: none of %d concurrent Claims of a free key was claimed", round, n)
					continue
				}
				for i := range n {
					if errs[i] == nil && !oks[i] && priors[i].Claim != fmt.Sprintf("c%d", winner) {
						v.add("round %d: a refused Claim returned the record of claim %q, want the winner's c%d", round, priors[i].Claim, winner)
					}
				}
			}
			return v.err()
		},
	},
}
