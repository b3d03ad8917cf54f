// Package sqlstore keeps the state of the booking flow and of the clinic
// configuration in a SQL database — SQLite by default, PostgreSQL when
// several portal processes on several machines must share it — so that it
// survives a restart and is shared between processes.
//
// [Open] migrates the schema and returns the [Stores]; each method returns
// the store for one interface of the packages that use them:
//
//	stores, err := sqlstore.Open(ctx, db, sqlstore.SQLite)
//	cases := casetype.New(stores.CaseTypes(), casetype.WithAudit(stores.CaseTypeAudit()))
//	register := terms.New(stores.Terms())
//	svc, err := booking.New(booking.Config{
//		Book: book, CaseTypes: cases, Terms: register,
//		Holds: stores.Holds(), Keys: stores.Keys(), Moves: stores.Moves(),
//		Requests: stores.Requests(), Audit: stores.Audit(),
//	})
//
// The database may be the one the standalone book ([sqltidbok]) keeps the
// book in, and usually is: the stores' tables and schema version are their
// own, and [Dialect], [SQLite], [Postgres] and [SQLiteDSN] are the book's.
// Portal processes opening one database then share everything the flow
// decides across processes: holds (a unique key per slot), request keys
// and the outcomes stored under them, reschedule counts, case types
// (guarded by their version), terms versions (numbered without gaps) and
// acceptances, citizens' requests and the audit logs.
//
// # Consistency
//
// Every method is one statement or one transaction. Transactions the
// database rolls back because of a concurrent one are run again with
// backoff; a write whose answer was lost fails with an error matching
// [tidbok.ErrOutcomeUnknown]. The stores' answers (not found, conflict, a
// slot held, a key taken) match the sentinels of the interface they
// implement; failures of the database are wrapped and say what was being
// done.
//
// # Data
//
// Each row keeps its value whole, as JSON, with the fields the stores look
// up in columns of their own. Personal identity numbers are kept in clear
// where the flow needs them: holds, request keys, acceptances, requests
// and the audit log (whose Subject column answers a citizen's log
// extract, see [Audit.Events]). Expired holds and request keys are deleted
// as the stores go; acceptances, requests and audit events are never
// deleted by this package: how long they are kept is the operator's
// decision, carried out in the database. A request key's stored refusal
// is kept by its kind's name ("slot-taken"); rows written before, which
// name it by an older class ("taken"), are read as that kind.
//
// # Testing
//
// The flow's stores (package booking/store) pass storetest.Run on SQLite
// and PostgreSQL, as the in-memory stores do.
package sqlstore
