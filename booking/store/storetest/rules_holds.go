package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// holdOf is a hold with token on slot key at c for p, until expires.
func holdOf(token, key string, p tidbok.PersonalNumber, c tidbok.HSAID, expires time.Time) store.Hold {
	return store.Hold{
		Token: token, Clinic: c, CaseType: "boka", Subject: p, Key: key,
		Slot:    tidbok.Timeslot{ID: key, Start: t0.Add(24 * time.Hour), End: t0.Add(24*time.Hour + 20*time.Minute), Facility: c},
		Expires: expires,
	}
}

// at is the time d after the suite's start.
func at(d time.Duration) time.Time { return t0.Add(d) }

// holdChecks are the steps of the hold rules, each returning a violation
// or nil.
type holdChecks struct {
	ctx context.Context
	h   store.Holds
}

func (c holdChecks) acquire(h store.Hold, now time.Time) error {
	got, err := c.h.Acquire(c.ctx, h, now)
	if err != nil {
		return precondition(err, "Acquire(%s)", h.Token)
	}
	return diff(fmt.Sprintf("Acquire(%s) returned", h.Token), h, got)
}

func (c holdChecks) refused(h store.Hold, now time.Time, holder store.Hold) error {
	got, err := c.h.Acquire(c.ctx, h, now)
	if !errors.Is(err, store.ErrHeld) {
		return fmt.Errorf("Acquire(%s) = %v, want ErrHeld", h.Token, err)
	}
	return diff(fmt.Sprintf("Acquire(%s) refused, returning the holder", h.Token), holder, got)
}

func (c holdChecks) has(h store.Hold) error {
	got, err := c.h.Get(c.ctx, h.Token)
	if err != nil {
		return fmt.Errorf("Get(%s): %v, want the hold", h.Token, err)
	}
	return diff(fmt.Sprintf("Get(%s)", h.Token), h, got)
}

func (c holdChecks) gone(token string) error {
	if _, err := c.h.Get(c.ctx, token); !errors.Is(err, store.ErrHoldExpired) {
		return fmt.Errorf("Get(%s) = %v, want ErrHoldExpired", token, err)
	}
	return nil
}

func (c holdChecks) held(cl tidbok.HSAID, now time.Time, want ...store.Hold) error {
	got, err := c.h.Held(c.ctx, cl, now)
	if err != nil {
		return fmt.Errorf("Held(%v, %v): %v", cl, now.Format(time.TimeOnly), err)
	}
	byToken := func(a, b store.Hold) int { return cmp.Compare(a.Token, b.Token) }
	slices.SortFunc(got, byToken)
	slices.SortFunc(want, byToken)
	if len(want) == 0 && len(got) == 0 {
		return nil
	}
	return diff(fmt.Sprintf("Held(%v, %v)", cl, now.Format(time.TimeOnly)), want, got)
}

var (
	anna, bertil, cecilia = citizen(1), citizen(2), citizen(3)
)

var holdRules = []rule{
	{
		sentence: "a hold is stored, and Get of an unknown token gives ErrHoldExpired",
		needs:    hasHolds,
		check: func(ctx context.Context, s Stores) error {
			c := holdChecks{ctx, s.Holds}
			a := holdOf("anna-1", "s1", anna, clinic, at(10*time.Minute))
			return errors.Join(c.gone("unknown"), c.acquire(a, at(0)), c.has(a))
		},
	},
	{
		sentence: "another subject cannot take a live hold: Acquire gives ErrHeld and the holder, and stores nothing",
		needs:    hasHolds,
		check: func(ctx context.Context, s Stores) error {
			c := holdChecks{ctx, s.Holds}
			a := holdOf("anna-1", "s1", anna, clinic, at(10*time.Minute))
			if err := c.acquire(a, at(0)); err != nil {
				return err
			}
			b := holdOf("bertil-1", "s1", bertil, clinic, at(20*time.Minute))
			return errors.Join(
				c.refused(b, at(time.Minute), a),
				c.refused(b, at(10*time.Minute-time.Nanosecond), a),
				c.gone("bertil-1"), c.has(a))
		},
	},
	{
		sentence: "a hold stops holding when it expires: another subject then takes the slot",
		needs:    hasHolds,
		check: func(ctx context.Context, s Stores) error {
			c := holdChecks{ctx, s.Holds}
			a := holdOf("anna-1", "s1", anna, clinic, at(10*time.Minute))
			if err := c.acquire(a, at(0)); err != nil {
				return err
			}
			b := holdOf("bertil-1", "s1", bertil, clinic, at(20*time.Minute))
			return errors.Join(c.acquire(b, at(10*time.Minute)), c.gone("anna-1"), c.has(b))
		},
	},
	{
		sentence: "a subject holds one slot per clinic: a new hold replaces theirs on the slot and releases their others at the clinic only",
		needs:    hasHolds,
		check: func(ctx context.Context, s Stores) error {
			c := holdChecks{ctx, s.Holds}
			a := holdOf("anna-1", "s1", anna, clinic, at(10*time.Minute))
			ao := holdOf("anna-other", "s1", anna, otherClinic, at(30*time.Minute))
			if err := errors.Join(c.acquire(a, at(0)), c.acquire(ao, at(0))); err != nil {
				return err
			}
			a2 := holdOf("anna-2", "s1", anna, clinic, at(15*time.Minute))
			a3 := holdOf("anna-3", "s2", anna, clinic, at(12*time.Minute))
			b := holdOf("bertil-1", "s1", bertil, clinic, at(20*time.Minute))
			return errors.Join(
				c.acquire(a2, at(2*time.Minute)), c.gone("anna-1"), c.has(a2), c.has(ao),
				c.acquire(a3, at(3*time.Minute)), c.gone("anna-2"), c.has(a3), c.has(ao),
				c.acquire(b, at(3*time.Minute)), // s1 is free again
			)
		},
	},
	{
		sentence: "Held returns the clinic's live holds",
		needs:    hasHolds,
		check: func(ctx context.Context, s Stores) error {
			c := holdChecks{ctx, s.Holds}
			a := holdOf("anna-1", "s2", anna, clinic, at(12*time.Minute))
			b := holdOf("bertil-1", "s1", bertil, clinic, at(20*time.Minute))
			ao := holdOf("anna-other", "s1", anna, otherClinic, at(30*time.Minute))
			if err := errors.Join(c.acquire(a, at(0)), c.acquire(b, at(0)), c.acquire(ao, at(0))); err != nil {
				return err
			}
			return errors.Join(
				c.held(clinic, at(4*time.Minute), a, b),
				c.held(otherClinic, at(4*time.Minute), ao),
				c.held(clinic, at(12*time.Minute), b), // a ends at 12: no longer live
				c.held(clinic, at(20*time.Minute)),
				c.held(noClinic, at(0)))
		},
	},
	{
		sentence: "Release frees the slot, and releasing an unknown or released token is no error",
		needs:    hasHolds,
		check: func(ctx context.Context, s Stores) error {
			c := holdChecks{ctx, s.Holds}
			a := holdOf("cecilia-1", "s2", cecilia, clinic, at(40*time.Minute))
			if err := c.acquire(a, at(0)); err != nil {
				return err
			}
			var v violations
			for _, tok := range []string{"unknown", "cecilia-1", "cecilia-1"} {
				if err := s.Holds.Release(ctx, tok); err != nil {
					v.add("Release(%s): %v", tok, err)
				}
			}
			d := holdOf("bertil-2", "s2", bertil, clinic, at(50*time.Minute))
			return errors.Join(append(v, c.gone("cecilia-1"), c.acquire(d, at(time.Minute)))...)
		},
	},
}
