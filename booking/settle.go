package booking

import (
	"context"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Settling a call in one write.
//
// Once the book has answered a Book, Reschedule or Cancel, the call
// writes what follows from the answer: the messages the change owes the
// citizen (Config.Outbox), the request key's outcome (Config.Keys), the
// release of the hold it booked with (Config.Holds), and its audit event
// (Config.Audit). When Config.Keys is a [store.Settler] that
// [store.Settler.Shares] the other three, the call gathers these in a
// closing and writes them with one Settle, in one transaction, after the
// event is known; the notifier is told after that write. Otherwise each is
// written on its own, in that order, as the methods below do when the
// call has no closing. Either way the key's claim and intent are written
// before the book is asked, each on its own.
//
// A write added to the settling of a call (a reminder queued with the
// booking's messages, say) goes through the same helpers: enqueueFor
// adds messages to the closing, notifyAfter defers a notification to after
// the write, releaseFor the hold's release.

// closing gathers the writes that settle one call, for one Settle.
type closing struct {
	// key is the call's claim once its outcome is set (settleKey); nil
	// until then, and for a call that settles no outcome.
	key     *claim
	release string
	msgs    []store.Message
	after   []func()
}

// closingFor returns the closing of a call, or nil when the service
// writes each part on its own.
func (s *Service) closingFor() *closing {
	if s.settler == nil {
		return nil
	}
	return &closing{}
}

// settler returns keys as a Settler when it shares holds, outbox and
// audit, and nil otherwise.
func settlerOf(keys store.Keys, holds store.Holds, outbox store.Outbox, audit AuditSink) store.Settler[Event] {
	st, ok := keys.(store.Settler[Event])
	if !ok || !st.Shares(keys, holds, outbox, audit) {
		return nil
	}
	return st
}

// enqueueFor queues the messages of a change made with claim c: in c's
// closing when it has one, otherwise at once (see enqueue).
func (s *Service) enqueueFor(ctx context.Context, c *claim, kind NotificationKind, clinic tidbok.HSAID, to []store.Recipient, l Letter) {
	if c.fin == nil {
		s.enqueue(ctx, kind, clinic, to, l)
		return
	}
	msgs, err := s.letters(kind, clinic, to, l)
	if err != nil {
		s.log.Error("booking: encoding a message failed", "err", err)
		return
	}
	c.fin.msgs = append(c.fin.msgs, msgs...)
}

// notifyAfter tells the notifier of n after c's closing is written, or at
// once when c has none.
func (s *Service) notifyAfter(ctx context.Context, c *claim, n Notification) {
	if c.fin == nil {
		s.notify(ctx, n)
		return
	}
	c.fin.after = append(c.fin.after, func() { s.notify(ctx, n) })
}

// releaseFor releases the hold with token after a call with claim c: in
// c's closing when its outcome waits there, otherwise at once.
func (s *Service) releaseFor(ctx context.Context, c *claim, token string) {
	if token == "" {
		return
	}
	if c.fin != nil && c.fin.key != nil {
		c.fin.release = token
		return
	}
	s.release(ctx, token)
}

// closeWrite records ev for a write that ended with err, with whatever fin
// gathered, in one Settle when there is an outcome to store; otherwise it
// records ev alone as recordWrite does. A Settle that fails is written
// again part by part, each failure logged: the write stands.
func (s *Service) closeWrite(ctx context.Context, fin *closing, ev Event, err error) {
	if fin == nil || fin.key == nil {
		if fin != nil {
			// Nothing settled a key: write what was gathered on its own.
			s.writeMessages(ctx, fin.msgs)
			s.release(ctx, fin.release)
		}
		s.recordWrite(ctx, ev, err)
		if fin != nil {
			for _, f := range fin.after {
				f()
			}
		}
		return
	}
	c := fin.key
	ev = finish(ev, err)
	st := store.Settlement[Event]{Key: c.rec, Release: fin.release, Messages: fin.msgs, Events: []Event{ev}}
	if serr := s.settler.Settle(context.WithoutCancel(ctx), st); serr != nil {
		s.log.Warn("booking: settling the call in one write failed; writing its parts one by one", "action", ev.Action, "err", serr)
		s.writeMessages(ctx, fin.msgs)
		s.storeOutcome(ctx, c)
		s.release(ctx, fin.release)
		s.recordFinished(ctx, ev)
	}
	s.waits.letGo(keyID{c.rec.Caller, c.rec.Key})
	for _, f := range fin.after {
		f()
	}
}
