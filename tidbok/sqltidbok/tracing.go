package sqltidbok

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/webbtidbok/webbtidbok/internal/sqldb"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Spans. The book makes a client span for each round trip to the
// database that a book operation makes outside a transaction, and one for
// each transaction (with its retries), named as OpenTelemetry's database
// conventions name them, "{db.operation.name} {db.collection.name}":
// "SELECT slots", "INSERT bookings". A span carries db.system.name,
// db.operation.name and db.collection.name, and never the query's text or
// its parameters, which may name the citizen. The statements within a
// transaction get no spans of their own.

// scopeName is the instrumentation scope of the book's spans and metrics.
const scopeName = "github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"

// WithTracerProvider makes the book trace its calls to the database with
// tp: a client span for each statement a book operation sends by itself
// and for each transaction, a child of the span in the operation's
// context, named "{operation} {table}" ("SELECT slots", "INSERT
// bookings") and with OpenTelemetry's database attributes db.system.name
// ("sqlite" or "postgresql"), db.operation.name and db.collection.name; on
// PostgreSQL, a batch of bookings is one span with
// db.operation.batch.size. A span never holds the query's text or its
// parameters. A failure sets the span's status to error and error.type to
// the error's [tidbok.Kind]; so does the book's refusal made within a
// transaction, which rolls it back (a cancel of a booking the book does
// not have: not-found). A nil tp means otel's global TracerProvider,
// which records nothing until the application installs an SDK; the API's
// no-op provider (go.opentelemetry.io/otel/trace/noop) turns the spans
// off at no cost. The span of each operation comes from wrapping the book
// with package tidbok/telemetry.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.TracerProvider = tp }
}

// tracing is a book's spans.
type tracing struct {
	// tracer is nil when spans are off.
	tracer trace.Tracer
	system attribute.KeyValue
	// byText caches a statement's span by the statement's text.
	byText sync.Map
	cached atomic.Int32
	// The spans of transactions and of a batch of bookings.
	insertBookings, updateBookings, deleteBookings, insertSlots, updateSlots *dbSpan
}

// dbSpan is how a span of one kind of round trip starts.
type dbSpan struct {
	name string
	opts []trace.SpanStartOption
}

// newTracing returns the spans made with tp, or with otel's global
// TracerProvider when tp is nil, for a database of dialect d.
func newTracing(tp trace.TracerProvider, d sqldb.Dialect) *tracing {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	t := &tracing{system: semconv.DBSystemNameSQLite}
	if d.Postgres() {
		t.system = semconv.DBSystemNamePostgreSQL
	}
	if _, off := tp.(tracenoop.TracerProvider); !off {
		t.tracer = tp.Tracer(scopeName)
	}
	t.insertBookings, t.updateBookings, t.deleteBookings = t.span("INSERT", "bookings"), t.span("UPDATE", "bookings"), t.span("DELETE", "bookings")
	t.insertSlots, t.updateSlots = t.span("INSERT", "slots"), t.span("UPDATE", "slots")
	return t
}

// span returns the span of statements that run op on table.
func (t *tracing) span(op, table string) *dbSpan {
	attrs := []attribute.KeyValue{t.system, semconv.DBOperationName(op)}
	name := op
	if table != "" {
		name += " " + table
		attrs = append(attrs, semconv.DBCollectionName(table))
	}
	return &dbSpan{name: name, opts: []trace.SpanStartOption{
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attrs...),
	}}
}

// forText returns the span of the statement text, from its first
// keyword and first table.
func (t *tracing) forText(text string) *dbSpan {
	if s, ok := t.byText.Load(text); ok {
		return s.(*dbSpan)
	}
	s := t.span(statementOf(text))
	if t.cached.Add(1) > maxStmts {
		return s // the cache is full
	}
	if old, loaded := t.byText.LoadOrStore(text, s); loaded {
		return old.(*dbSpan)
	}
	return s
}

// start starts span s in ctx; the span is nil when spans are off.
func (t *tracing) start(ctx context.Context, s *dbSpan) trace.Span {
	if t.tracer == nil {
		return nil
	}
	_, span := t.tracer.Start(ctx, s.name, s.opts...)
	return span
}

// end ends span (nil when spans are off) with err. A query that finds no
// row has not failed. Only err's kind is kept: its text may name the
// citizen.
func end(span trace.Span, err error) {
	if span == nil {
		return
	}
	if err != nil && !noRows(err) && span.IsRecording() {
		k := tidbok.KindOf(err).String()
		span.SetAttributes(semconv.ErrorTypeKey.String(k))
		span.SetStatus(codes.Error, k)
	}
	span.End()
}

// statementOf returns the operation of the SQL statement text (SELECT,
// INSERT, UPDATE, DELETE, …) and the table it reads or writes, as the
// statement's own clauses name them, outside parentheses: a subquery's or
// a WITH clause's tables do not count.
func statementOf(text string) (op, table string) {
	var after string // the keyword before the table
	depth := 0
	for _, w := range strings.Fields(text) {
		lead := len(w) - len(strings.TrimLeft(w, "("))
		depth += lead
		w = w[lead:]
		if depth == 0 && w != "" {
			u := strings.ToUpper(strings.TrimRight(w, ",;()"))
			switch {
			case after != "" && u == after:
				after = "table"
			case after == "table":
				if i := strings.IndexAny(w, ",;()"); i >= 0 {
					w = w[:i]
				}
				return op, w
			case op == "" || op == "WITH" && (u == "SELECT" || u == "INSERT" || u == "UPDATE" || u == "DELETE"):
				op = u
				after = map[string]string{"SELECT": "FROM", "DELETE": "FROM", "INSERT": "INTO", "UPDATE": "table"}[u]
			}
		}
		depth += strings.Count(w, "(") - strings.Count(w, ")")
	}
	if op == "WITH" {
		op = ""
	}
	return op, ""
}

// spanRow is a row whose span ends when it is scanned.
type spanRow struct {
	row  scanner
	span trace.Span
}

func (r spanRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	end(r.span, err)
	return err
}

// statementSpan starts the span of statement text on q, or returns nil
// when q is a transaction, whose span covers its statements, or spans
// are off.
func (b *Book) statementSpan(ctx context.Context, q querier, text string) trace.Span {
	if b.tracing.tracer == nil {
		return nil
	}
	if _, ok := q.(*sql.Tx); ok {
		return nil
	}
	return b.tracing.start(ctx, b.tracing.forText(text))
}

// batchSpan starts the span of a batch of bookings, on PostgreSQL: one
// span for the statement, with its retries, a child of the first
// booking's caller, with the batch's size and links to the other callers.
func (b *Book) batchSpan(ctx context.Context, batch []slotBooking) trace.Span {
	if b.tracing.tracer == nil {
		return nil
	}
	s := b.tracing.insertBookings
	opts := append(s.opts[:len(s.opts):len(s.opts)], trace.WithAttributes(semconv.DBOperationBatchSize(len(batch))))
	parent := trace.SpanContextFromContext(ctx)
	for _, q := range batch {
		if q.caller.IsValid() && !q.caller.Equal(parent) {
			opts = append(opts, trace.WithLinks(trace.Link{SpanContext: q.caller}))
		}
	}
	_, span := b.tracing.tracer.Start(ctx, s.name, opts...)
	return span
}
