package mvkclient

import (
	"context"
	"errors"
	"log/slog"

	"github.com/webbtidbok/webbtidbok/internal/reconcile"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// reconcile finds out what became of a write whose answer was lost
// (cause), by calling settled until it reports that the write took
// effect. It returns nil then, and otherwise an *OutcomeUnknownError.
//
// It runs under a context of its own, bounded by ReconcileTimeout and
// carrying ctx's values but not its cancellation: the caller's context
// has often just expired, which is why the answer was lost, and giving up
// on reading would turn a booking that exists into an unknown. The first
// read waits ReconcileDelay, so that a request still in flight can
// commit; each later one waits twice as long as the one before, while
// time remains. settled's reads go through the rate limiter and are
// retried like any read.
//
// An agent (a staff member acting for the citizen) may not read the
// citizen's bookings (crm-scheduling.md §2.4; our producer refuses it), so
// a lost write by an agent is reported unknown at once.
func (c *Client) reconcile(ctx context.Context, op tidbok.Operation, actor tidbok.Actor, cause error, settled func(context.Context) (bool, error)) error {
	if actor.IsAgent() {
		c.s.logger.LogAttrs(ctx, slog.LevelWarn, "mvkclient: answer to a write by an agent lost; an agent may not read the book to find its outcome",
			slog.String("op", op.String()),
			slog.String("endpoint", c.s.endpoints[op]),
			slog.String("cause", cause.Error()),
		)
		_, span := c.s.tel.startReconcile(ctx, op)
		c.s.tel.endReconcile(ctx, span, op, outcomeAgent)
		return &OutcomeUnknownError{Op: op, Cause: cause, Reconcile: errAgentCannotRead}
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.s.reconcileLimit)
	defer cancel()
	rctx, span := c.s.tel.startReconcile(rctx, op)
	c.s.logger.LogAttrs(ctx, slog.LevelWarn, "mvkclient: answer to a write lost; reading the book to find its outcome",
		slog.String("op", op.String()),
		slog.String("endpoint", c.s.endpoints[op]),
		slog.String("cause", cause.Error()),
	)
	deadline, _ := rctx.Deadline()
	var last error
	reads := 0
	for delay := c.s.reconcileDelay; ; delay *= 2 {
		if reads > 0 && c.s.now().Add(delay).After(deadline) {
			break
		}
		if !reconcile.Sleep(rctx, delay) {
			break
		}
		reads++
		ok, err := settled(rctx)
		if ok {
			c.s.logger.LogAttrs(ctx, slog.LevelWarn, "mvkclient: write reconciled: the book shows it took effect",
				slog.String("op", op.String()),
				slog.Int("reads", reads),
			)
			c.s.tel.endReconcile(ctx, span, op, outcomeReconciled)
			return nil
		}
		last = err
	}
	c.s.logger.LogAttrs(ctx, slog.LevelWarn, "mvkclient: write outcome unknown after reconciliation",
		slog.String("op", op.String()),
		slog.Int("reads", reads),
	)
	c.s.tel.endReconcile(ctx, span, op, outcomeUnknown)
	return &OutcomeUnknownError{Op: op, Cause: cause, Reconcile: last}
}

var errAgentCannotRead = errors.New("an agent (subject_of_care_agent) may not read the citizen's bookings (crm:scheduling §2.4)")
