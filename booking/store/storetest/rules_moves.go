package storetest

import (
	"context"
	"errors"
	"fmt"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// moveChecks are the steps of the move rules.
type moveChecks struct {
	ctx context.Context
	m   store.Moves
}

func (c moveChecks) count(cl tidbok.HSAID, id string, want int) error {
	n, err := c.m.Count(c.ctx, cl, id)
	if err != nil || n != want {
		return fmt.Errorf("Count(%v, %s) = %d, %v; want %d", cl, id, n, err, want)
	}
	return nil
}

func (c moveChecks) reserve(cl tidbok.HSAID, id string, limit, want int) error {
	if n, err := c.m.Reserve(c.ctx, cl, id, limit); err != nil || n != want {
		return fmt.Errorf("Reserve(%v, %s, limit %d) = %d, %v; want %d", cl, id, limit, n, err, want)
	}
	return nil
}

func (c moveChecks) refused(id string, limit, want int) error {
	if n, err := c.m.Reserve(c.ctx, clinic, id, limit); !errors.Is(err, store.ErrTooManyReschedules) || n != want {
		return fmt.Errorf("Reserve(%s, limit %d) = %d, %v; want %d and ErrTooManyReschedules", id, limit, n, err, want)
	}
	return nil
}

func (c moveChecks) undo(cl tidbok.HSAID, id string) error {
	if err := c.m.Undo(c.ctx, cl, id); err != nil {
		return fmt.Errorf("Undo(%v, %s): %v", cl, id, err)
	}
	return nil
}

var moveRules = []rule{
	{
		sentence: "Reserve counts moves up to the limit and then refuses with ErrTooManyReschedules, counting nothing",
		needs:    hasMoves,
		check: func(ctx context.Context, s Stores) error {
			c := moveChecks{ctx, s.Moves}
			return errors.Join(
				c.count(clinic, "b1", 0),
				c.reserve(clinic, "b1", 3, 1), c.reserve(clinic, "b1", 3, 2), c.reserve(clinic, "b1", 3, 3),
				c.refused("b1", 3, 3), c.refused("b1", 3, 3), c.refused("b1", 1, 3),
				c.count(clinic, "b1", 3))
		},
	},
	{
		sentence: "Undo takes back one move, and never counts below zero",
		needs:    hasMoves,
		check: func(ctx context.Context, s Stores) error {
			c := moveChecks{ctx, s.Moves}
			if err := errors.Join(c.reserve(clinic, "b1", 2, 1), c.reserve(clinic, "b1", 2, 2)); err != nil {
				return precondition(err, "reserving two moves")
			}
			v := []error{c.undo(clinic, "b1"), c.count(clinic, "b1", 1), c.reserve(clinic, "b1", 2, 2)}
			for range 4 {
				v = append(v, c.undo(clinic, "b1"))
			}
			return errors.Join(append(v, c.count(clinic, "b1", 0), c.reserve(clinic, "b1", 2, 1))...)
		},
	},
	{
		sentence: "a limit of zero counts without limit",
		needs:    hasMoves,
		check: func(ctx context.Context, s Stores) error {
			c := moveChecks{ctx, s.Moves}
			var v []error
			for want := 1; want <= 5; want++ {
				v = append(v, c.reserve(clinic, "b2", 0, want))
			}
			return errors.Join(append(v, c.count(clinic, "b2", 5))...)
		},
	},
	{
		sentence: "moves are counted per clinic and booking",
		needs:    hasMoves,
		check: func(ctx context.Context, s Stores) error {
			c := moveChecks{ctx, s.Moves}
			if err := c.reserve(clinic, "b1", 1, 1); err != nil {
				return precondition(err, "reserving a move")
			}
			return errors.Join(
				c.count(otherClinic, "b1", 0), c.count(clinic, "b2", 0),
				c.undo(otherClinic, "b1"), c.count(otherClinic, "b1", 0),
				c.reserve(otherClinic, "b1", 1, 1), c.reserve(clinic, "b2", 1, 1),
				c.count(clinic, "b1", 1))
		},
	},
}
