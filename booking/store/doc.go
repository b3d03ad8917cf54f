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
// # Testing
//
// Package storetest checks any implementation against the rules the
// interfaces' docs state, one subtest per rule: storetest.Run(t, newStores).
// The in-memory stores and sqlstore's run it.
//
// [booking.Service]: https://pkg.go.dev/github.com/webbtidbok/webbtidbok/booking#Service
// [booking.Config]: https://pkg.go.dev/github.com/webbtidbok/webbtidbok/booking#Config
package store
