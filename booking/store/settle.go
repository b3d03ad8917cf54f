package store

import "context"

// Settlement is what the booking flow writes once the book has answered a
// write made with a request key (a booking, a move or a cancellation, done
// or refused): the key's outcome, the release of the hold the call booked
// with, the messages the change owes the citizen, and the call's audit
// events. Written one by one, these are four commits or more; a [Settler]
// writes them as one.
//
// What is not in it stays a write of its own, before the book is asked:
// the key's claim and its intent ([Keys.Claim], [Keys.Update] with
// [KeyRecord.Intent]) must be durable before the write is sent, so that a
// repeat in any process can reconcile it. A Settlement is only ever
// written after that, and it may be lost in a crash like any of its parts
// written alone: the key then stays pending, and a repeat reads the book.
//
// E is the type of the audit events, the flow's (booking.Event): this
// package knows no flow, so the flow names the type.
type Settlement[E any] struct {
	// Key is the request key's record with its outcome, stored as
	// [Keys.Update] stores it: only while the stored record's Claim is
	// still Key.Claim.
	Key KeyRecord
	// Release is the token of a hold to release as [Holds.Release] does;
	// "" for none.
	Release string
	// Messages are queued as [Outbox.Enqueue] queues them; none when
	// empty.
	Messages []Message
	// Events are the call's audit events, recorded in order as the audit
	// log the Settler writes to records them.
	Events []E
}

// Settler writes a [Settlement] in one transaction. A SQL database that
// keeps the request keys, the holds, the outbox and the audit log
// implements it, usually on its [Keys] store: the booking flow then
// commits once after the book answered, not four times or more.
//
// The booking flow uses a Settler only where it is given one that
// [Settler.Shares] its stores; otherwise (stores in different databases,
// an audit log elsewhere) it writes the parts one by one, as before. It
// also writes them one by one when Settle fails, so that a failure of one
// part (a full audit table, say) never loses the others.
//
// storetest.RunSettler checks the rules below.
type Settler[E any] interface {
	// Settle writes every part of st, or, when it fails, none of them.
	// When the stored record of st.Key has another Claim (or none), it
	// writes nothing and returns an error matching [ErrKeyTaken].
	Settle(ctx context.Context, st Settlement[E]) error
	// Shares reports whether Settle writes to what keys, holds and outbox
	// keep and to the audit log audit (the flow's audit sink, a
	// booking.AuditSink), so that what Settle writes is what their own
	// methods would have written and read back. A nil outbox is shared
	// (the flow then queues no messages); any other store Settle does not
	// write to is not.
	Shares(keys Keys, holds Holds, outbox Outbox, audit any) bool
}
