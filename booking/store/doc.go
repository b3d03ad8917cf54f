// Package store is the storage interface of the citizen's booking flow,
// for those who implement it: the stores a [booking.Service] keeps its
// holds, request keys, reschedule counts and citizens' requests in. It
// stands to package booking as database/sql/driver stands to
// database/sql: portals use booking, and pass it stores; implementers of
// a store (a SQL database, a shared cache) use this package.
//
// The in-memory stores [MemHolds], [MemKeys], [MemMoves] and [MemRequests] serve one
// process; their zero values are ready to use, and they are what a
// [booking.Config] defaults to. [MemOutbox] keeps the messages owed to
// citizens for a delivery worker in the same process; a
// [booking.Config] without an Outbox queues none. Package sqlstore keeps the same in a SQL
// database shared by every portal process.
//
// # Settling a call in one write
//
// After the book answers a booking, a move or a cancellation, the flow
// writes the request key's outcome, releases the hold it booked with,
// queues the change's messages and records its audit event. A [Settler]
// (usually the Keys store of a database that keeps the others too) writes
// all of these in one transaction, a [Settlement]; the flow uses it when
// [Settler.Shares] says it writes where the flow's other stores do, and
// writes the parts one by one otherwise. [MemSettler] is one in memory.
// The key's claim and intent are
// never part of it: they are written, each on its own, before the book is
// asked.
//
// # Testing
//
// Package storetest checks any implementation against the rules the
// interfaces' docs state, one subtest per rule: storetest.Run(t, newStores),
// and storetest.RunSettler for a [Settler]. The in-memory stores
// ([MemSettler] among them) and sqlstore's run them.
//
// [booking.Service]: https://pkg.go.dev/github.com/webbtidbok/webbtidbok/booking#Service
// [booking.Config]: https://pkg.go.dev/github.com/webbtidbok/webbtidbok/booking#Config
package store
