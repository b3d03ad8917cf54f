// Package sqltidbok is a standalone appointment book (fristående tidbok)
// in a SQL database: a complete implementation of [tidbok.Tidbok] with a
// staff side, for clinics whose journal system cannot be connected to web
// booking. To the citizen it looks the same as any other book.
//
// Portal operators run it on SQLite, pure Go and embedded, where a file
// path is all it needs, or on PostgreSQL when several portal processes on
// several machines share one book. Clinic staff, or the clinic's
// administration tool, use its staff side to publish slots (one by one or
// from a weekly template), choose which are bookable on the web, issue
// invitations (kallelser) and see the bookings. Its staff side is
// [staff.Book], which the in-memory book memtidbok implements too, so
// staff screens and seeding written against the interface work with
// either.
//
// # Opening a book
//
// The caller opens the database with the driver of its choice and hands
// the *sql.DB and its [Dialect] to [Open]; the package imports no driver
// and registers none:
//
//	db, err := sql.Open("sqlite", sqltidbok.SQLiteDSN("/var/lib/portal/tidbok.db")) // modernc.org/sqlite
//	book, err := sqltidbok.Open(ctx, db, sqltidbok.SQLite)
//
//	db, err := sql.Open("pgx", "postgres://portal@db.example/tidbok") // github.com/jackc/pgx/v5/stdlib
//	book, err := sqltidbok.Open(ctx, db, sqltidbok.Postgres)
//
// Open creates or updates the schema: numbered migrations embedded in the
// binary, each applied once, in a transaction of its own, under a lock
// that makes it safe for several processes to open one database at once.
// Options set the clock ([WithClock]), the operations the book supports
// ([WithCapabilities]) and the clinic's rules for flags
// ([WithFlagPolicy]), as for memtidbok.
//
// # Concurrency
//
// A Book is safe for concurrent use, and any number of processes may open
// one database: the database, not a lock in a process, decides who gets a
// slot. A unique constraint lets at most one booking hold a slot, so of
// many concurrent Book (or Reschedule) calls for one slot, in whatever
// processes, exactly one succeeds and the others get
// [tidbok.ErrSlotTaken]. On PostgreSQL, bookings of free slots that a
// process makes at the same moment go to the database together, as one
// statement, which is what lets one book take thousands of bookings a
// second; each is still decided on its own. Every write is a single
// statement or a single
// transaction: a process killed in the middle leaves the booking made or
// not made, never half. Rescheduling moves a booking in one transaction,
// so the citizen keeps the old time unless the new one is theirs.
// Transactions the database rolls back because of a concurrent one
// (deadlock, serialization failure, a busy SQLite file) are run again with
// backoff; a write whose commit may have been lost is never run again and
// fails with [tidbok.ErrOutcomeUnknown].
//
// On SQLite, one writer at a time holds the whole file, and writers queue
// for up to the DSN's busy timeout; readers never wait. That suits a
// clinic's portal on one machine. On PostgreSQL, writers lock only the
// rows they change.
//
// # How it differs from a real book
//
//   - Only what the staff side set up exists: no HSA catalogue, no
//     population register (Contact is stored as given), no journal.
//   - The clinic's rules are one FlagPolicy plus the flags staff set; there
//     is no minimum notice, horizon or limit on reschedules unless the
//     policy computes it. A booking that has started can be neither
//     cancelled nor moved.
//   - Every facility of the book vouches for every other: Facilities
//     lists them all, and a booking may be moved to, or an invitation
//     booked at, a slot of the same time type (by ID) at any of them.
//   - TimeTypes, CareTypes and Performers list everything staff added,
//     narrowed by the request's filters to combinations the book has
//     published slots of; nothing is tailored to the citizen.
//   - AvailableDates answers one entry per date, or per date and performer
//     when the request names performers.
//   - A cancelled booking is deleted with the message that came with it,
//     leaving only a tombstone for staff and audit ([Book.Cancelled]); a
//     cancelled timed invitation leaves its staff-only slot free.
//   - Publish does not check that slots overlap. Times are kept to the
//     nanosecond, where the wire carries whole seconds.
//   - IDs are a letter and 16 random characters ("s…" for slots, "b…" for
//     bookings): unguessable, and unique without asking the database.
//
// # Data
//
// The database holds personal data: citizens' personal identity numbers
// and contact details, kept as given. Contact details are deleted with the
// booking when it is cancelled; its tombstone keeps the citizen's personal
// identity number, what was booked, and when and by whom it was cancelled
// (table cancelled_bookings). The book never deletes bookings that have
// ended, nor tombstones: how long they are kept is the operator's
// decision, carried out in the database.
// Answers give times in Europe/Stockholm.
//
// # Telemetry
//
// The book traces its calls to the database ([WithTracerProvider]): a
// client span for each transaction and each statement an operation sends
// outside one, with OpenTelemetry's database attributes and never a
// query's text or parameters. On PostgreSQL it records the size of each
// batch of bookings ([WithMeterProvider]). The span and metrics of each
// operation come from wrapping the book with package tidbok/telemetry.
package sqltidbok
