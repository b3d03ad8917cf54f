package sqltidbok

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"

	"github.com/webbtidbok/webbtidbok/internal/batch"
	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/internal/sqldb"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// Book is an appointment book in a SQL database: the citizen side is the
// [tidbok.Tidbok] interface, the staff side the methods that publish
// slots, issue invitations and show the clinic its bookings.
//
// A Book is safe for concurrent use, and any number of Books, in any
// number of processes, may share one database: every decision about a
// slot is the database's. Make one with Open.
type Book struct {
	db      *sql.DB
	dialect sqldb.Dialect
	cfg     config

	// names caches facility names by canonical HSA-id. A facility is
	// never removed or renamed, so an entry never goes stale, whichever
	// process added the facility.
	names sync.Map
	// registers caches each facility's registers (see registers), by
	// canonical HSA-id.
	registers sync.Map
	// stmts are the statements prepared on SQLite.
	stmts stmts
	// slotBookings gathers concurrent bookings of free slots by their
	// IDs into batches, on PostgreSQL.
	slotBookings *batch.Batcher[slotBooking, slotBooked]
	// batchSizes records the size of each of those batches.
	batchSizes metric.Int64Histogram
	// tracing makes the spans of calls to the database.
	tracing *tracing
}

// config is what the options set. Its zero value means every default.
type config = bookbase.Config

var (
	_ tidbok.Tidbok = (*Book)(nil)
	_ staff.Book    = (*Book)(nil)
)

// Open returns the book kept in db, a database of dialect d that the
// caller opened (and closes, after the last use of the book) with a
// driver of its choice: for SQLite, modernc.org/sqlite with [SQLiteDSN];
// for PostgreSQL, github.com/jackc/pgx/v5/stdlib.
//
// Open brings the database's schema up to date first, creating it in an
// empty database. Several processes may open one database at once; the
// migrations run once. Open fails if the database's schema is newer than
// this package knows.
//
// The book runs concurrent calls on concurrent connections, so db's pool
// should keep as many idle connections as calls are expected at once
// (sql.DB.SetMaxIdleConns; database/sql keeps only 2 by default). Close
// the book, which releases the statements it prepared, before db.
func Open(ctx context.Context, db *sql.DB, d Dialect, opts ...Option) (*Book, error) {
	if db == nil {
		return nil, errors.New("sqltidbok: Open: the *sql.DB is nil")
	}
	if !d.sql().Valid() {
		return nil, errors.New("sqltidbok: Open: unknown dialect " + d.String() + ": use SQLite or Postgres")
	}
	b := &Book{db: db, dialect: d.sql()}
	if b.dialect.Postgres() {
		b.slotBookings = batch.New(maxBookingBatches, maxBookingBatch, b.bookSlots)
	}
	for _, o := range opts {
		if o != nil {
			o(&b.cfg)
		}
	}
	b.batchSizes = newBatchSizes(b.cfg.MeterProvider)
	b.tracing = newTracing(b.cfg.TracerProvider, b.dialect)
	if err := db.PingContext(ctx); err != nil {
		return nil, &dbError{op: "open", err: err}
	}
	if err := schema.Migrate(ctx, db, b.dialect); err != nil {
		return nil, err
	}
	return b, nil
}

// Option configures a Book opened by Open. Options are applied in order; when
// two set the same thing, the last one wins. Every book of this module
// takes the same three: a clock, capabilities and a [staff.FlagPolicy].
type Option func(*config)

// WithClock makes the book read the time from now instead of time.Now. The
// book never offers or books a slot that has started by this clock, and
// stamps bookings with it. A nil now means time.Now. Several processes sharing one database should share one clock: the system's.
func WithClock(now func() time.Time) Option { return func(c *config) { c.Now = now } }

// WithCapabilities makes the book support exactly the operations in caps,
// plus Schedule, which every book must support. The operations left out
// return an error matching [tidbok.ErrNotSupported] and do nothing else,
// and flags never allow what the book cannot do: MayCancel and MayMessage
// need Cancel, MayReschedule needs Reschedule. The default is
// [tidbok.AllCapabilities].
func WithCapabilities(caps tidbok.Capabilities) Option { return func(c *config) { c.SetCaps(caps) } }

// WithFlagPolicy makes the book compute the flags of bookings with p
// whenever it reads or writes a booking whose flags staff did not set (see
// [staff.SlotSpec.Flags], [staff.InvitationSpec.Flags] and
// [Book.SetFlags]). The default policy allows cancelling, sending a
// message and rescheduling whenever the book supports the operation. A
// nil p means the default.
func WithFlagPolicy(p staff.FlagPolicy) Option { return func(c *config) { c.Policy = p } }

// WithMeterProvider makes the book record its own metrics with mp: on
// PostgreSQL, sqltidbok.batch.size, a histogram of how many bookings of
// distinct slots each batched statement carries. A nil mp means otel's
// global MeterProvider, which records nothing until the application
// installs an SDK. The spans and metrics of each operation come from
// wrapping the book with package tidbok/telemetry; the spans of its calls
// to the database from [WithTracerProvider].
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.MeterProvider = mp }
}

// newBatchSizes returns the histogram of batch sizes from mp, or from
// otel's global MeterProvider when mp is nil.
func newBatchSizes(mp metric.MeterProvider) metric.Int64Histogram {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	h, err := mp.Meter(scopeName).Int64Histogram("sqltidbok.batch.size",
		metric.WithDescription("Bookings of distinct slots carried by one batched statement, on PostgreSQL."),
		metric.WithUnit("{booking}"),
		metric.WithExplicitBucketBoundaries(1, 2, 4, 8, 16, 32, 64, 128))
	if err != nil {
		// otel has reported the error to its handler; record nothing.
		return metricnoop.Int64Histogram{}
	}
	return h
}

// Capabilities reports the operations the book supports: those given to
// WithCapabilities, plus Schedule; by default all of them.
func (b *Book) Capabilities() tidbok.Capabilities { return b.cfg.Capabilities() }

// Now returns the book's current time, by the clock given to WithClock.
func (b *Book) Now() time.Time { return b.cfg.Clock() }

// Dialect returns the dialect the book was opened with.
func (b *Book) Dialect() Dialect { return Dialect(b.dialect) }

// q returns query with placeholders for the book's dialect.
func (b *Book) q(query string) string { return b.dialect.Rebind(query) }

// prelude checks support, the request's validity (invalid is the result
// of its Validate) and ctx, in that order, as memtidbok does.
func (b *Book) prelude(ctx context.Context, op tidbok.Operation, invalid error) error {
	if !b.Capabilities().Has(op) {
		return tidbok.NotSupported(op)
	}
	if invalid != nil {
		return invalid
	}
	return tidbok.NotSent(ctx.Err())
}

// facilityName returns the name of facility id, or ErrNotFound as op's
// answer for a facility the book does not have.
func (b *Book) facilityName(ctx context.Context, q querier, op tidbok.Operation, id tidbok.HSAID) (string, error) {
	name, ok, err := b.lookupFacility(ctx, q, id)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoFacility)
	}
	return name, nil
}

// lookupFacility returns the name of facility id and whether the book has
// it.
func (b *Book) lookupFacility(ctx context.Context, q querier, id tidbok.HSAID) (string, bool, error) {
	key := id.String()
	if v, ok := b.names.Load(key); ok {
		return v.(string), true, nil
	}
	var name string
	err := b.queryRow(ctx, q, "SELECT name FROM facilities WHERE id = ?", key).Scan(&name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, err
	}
	b.names.Store(key, name)
	return name, true, nil
}
