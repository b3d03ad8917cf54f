package sqltidbok_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/internal/pnleak"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/telemetry"
)

// attr returns the value of span s's attribute key, and whether it has it.
func attr(s sdktrace.ReadOnlySpan, key string) (string, bool) {
	for _, a := range s.Attributes() {
		if string(a.Key) == key {
			return a.Value.String(), true
		}
	}
	return "", false
}

// dbSystem is the db.system.name of be.
func dbSystem(be backend) string {
	if be.Dialect == sqltidbok.Postgres {
		return "postgresql"
	}
	return "sqlite"
}

// TestADatabaseCallIsASpanUnderItsOperation: a search, a booking and a
// cancel, through a book wrapped by tidbok/telemetry, each make client
// spans for their calls to the database under the operation's span,
// named and attributed by OpenTelemetry's database conventions, with no
// query text and no personal identity number.
func TestADatabaseCallIsASpanUnderItsOperation(t *testing.T) {
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			sr := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
			b, _ := newBook(t, be, sqltidbok.WithTracerProvider(tp))
			slots := publishDays(t, b, 1, 30*time.Minute)
			book := telemetry.Wrap(b, telemetry.Config{TracerProvider: tp, MeterProvider: nil, Book: "sqltidbok"})
			ctx := context.Background()
			from := tidbok.DateOf(b.Now()).AddDays(1)
			if _, err := book.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: testbook.Facility(), Subject: citizen(1), From: from, To: from.AddDays(7)}); err != nil {
				t.Fatalf("AvailableTimeslots: %v", err)
			}
			res, err := book.Book(ctx, bookRequest(slots[0], citizen(1)))
			if err != nil {
				t.Fatalf("Book: %v", err)
			}
			if _, err := book.Cancel(ctx, tidbok.CancelRequest{Facility: testbook.Facility(), BookingID: res.BookingID, Subject: citizen(1)}); err != nil {
				t.Fatalf("Cancel: %v", err)
			}

			spans := sr.Ended()
			byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
			for _, s := range spans {
				byID[s.SpanContext().SpanID()] = s
				for _, a := range s.Attributes() {
					if found := pnleak.Find(a.Value.String()); found != nil {
						t.Errorf("span %q: attribute %s holds a personal identity number", s.Name(), a.Key)
					}
				}
			}
			children := map[string][]string{} // operation span → its db spans' names
			for _, s := range spans {
				if _, ok := attr(s, "db.system.name"); !ok {
					continue
				}
				if sys, _ := attr(s, "db.system.name"); sys != dbSystem(be) {
					t.Errorf("span %q: db.system.name %q, want %q", s.Name(), sys, dbSystem(be))
				}
				op, _ := attr(s, "db.operation.name")
				table, _ := attr(s, "db.collection.name")
				if op == "" || s.Name() != strings.TrimSpace(op+" "+table) {
					t.Errorf("span %q: db.operation.name %q, db.collection.name %q", s.Name(), op, table)
				}
				if s.SpanKind() != trace.SpanKindClient {
					t.Errorf("span %q: kind %v, want client", s.Name(), s.SpanKind())
				}
				if _, ok := attr(s, "db.query.text"); ok {
					t.Errorf("span %q has db.query.text", s.Name())
				}
				if s.Status().Code == codes.Error {
					t.Errorf("span %q: status %v", s.Name(), s.Status())
				}
				if p, ok := byID[s.Parent().SpanID()]; ok && strings.HasPrefix(p.Name(), "tidbok.") {
					children[p.Name()] = append(children[p.Name()], s.Name())
				}
			}
			for op, want := range map[string]string{
				"tidbok.AvailableTimeslots": "SELECT slots",
				"tidbok.Book":               "INSERT bookings",
				"tidbok.Cancel":             "DELETE bookings",
			} {
				got := children[op]
				if !contains(got, want) {
					t.Errorf("%s has database spans %q, want one %q", op, got, want)
				}
			}
			t.Logf("database spans: %q", children)
		})
	}
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// TestAFailingStatementIsAnErrorSpan: a search whose table is gone ends
// its database span with status error and error.type the error's kind.
func TestAFailingStatementIsAnErrorSpan(t *testing.T) {
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			sr := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
			dsn := be.DSN(t)
			b, _ := openBook(t, be, dsn, sqltidbok.WithTracerProvider(tp))
			ctx := context.Background()
			if _, err := be.Open(t, dsn).ExecContext(ctx, "ALTER TABLE slots RENAME TO slots_gone"); err != nil {
				t.Fatal(err)
			}
			from := tidbok.DateOf(b.Now()).AddDays(1)
			_, err := b.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: testbook.Facility(), Subject: citizen(1), From: from, To: from.AddDays(7)})
			if err == nil {
				t.Fatal("AvailableTimeslots without a table of slots: no error")
			}
			var failed int
			for _, s := range sr.Ended() {
				if s.Status().Code != codes.Error {
					continue
				}
				failed++
				if k, _ := attr(s, "error.type"); k != tidbok.KindOf(err).String() {
					t.Errorf("span %q: error.type %q, want %q", s.Name(), k, tidbok.KindOf(err))
				}
				if strings.Contains(s.Status().Description, "slots") {
					t.Errorf("span %q: status %q holds the error's text", s.Name(), s.Status().Description)
				}
			}
			if failed == 0 {
				t.Errorf("no span with status error among %d", len(sr.Ended()))
			}
		})
	}
}

// TestTheBatchIsOneSpanWithItsSize: on PostgreSQL, a booking goes in a
// batch, whose span has db.operation.batch.size.
func TestTheBatchIsOneSpanWithItsSize(t *testing.T) {
	t.Parallel()
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	b, _ := newBook(t, dbtest.Postgres, sqltidbok.WithTracerProvider(tp))
	slots := publishDays(t, b, 1, 30*time.Minute)
	if _, err := b.Book(context.Background(), bookRequest(slots[0], citizen(1))); err != nil {
		t.Fatalf("Book: %v", err)
	}
	for _, s := range sr.Ended() {
		if n, ok := attr(s, "db.operation.batch.size"); ok {
			if s.Name() != "INSERT bookings" || n != "1" {
				t.Errorf("span %q: db.operation.batch.size %s, want INSERT bookings of 1", s.Name(), n)
			}
			return
		}
	}
	t.Error("no span with db.operation.batch.size")
}

// TestTheNoopTracerProviderCostsNothing: with the API's no-op provider
// the book starts no spans, so a search allocates as it did before the
// book had spans (563 times on SQLite when this was written); with the
// global provider and no SDK, a search's one round trip costs the no-op
// span's few allocations (3).
func TestTheNoopTracerProviderCostsNothing(t *testing.T) {
	be := dbtest.SQLite
	allocs := func(opts ...sqltidbok.Option) float64 {
		b, _ := newBook(t, be, opts...)
		publishDays(t, b, 1, 30*time.Minute)
		ctx := context.Background()
		from := tidbok.DateOf(b.Now()).AddDays(1)
		req := tidbok.AvailabilityRequest{Facility: testbook.Facility(), Subject: citizen(1), From: from, To: from.AddDays(7)}
		return testing.AllocsPerRun(50, func() {
			if _, err := b.AvailableTimeslots(ctx, req); err != nil {
				t.Fatal(err)
			}
		})
	}
	off := allocs(sqltidbok.WithTracerProvider(tracenoop.NewTracerProvider()))
	global := allocs()
	t.Logf("a search allocates %.0f times with the no-op provider, %.0f with the global one", off, global)
	if global > off+4 {
		t.Errorf("the global provider's spans cost %.0f allocations a search", global-off)
	}
}

func TestAStatementIsNamedByItsOwnOperationAndTable(t *testing.T) {
	for _, c := range []struct{ text, op, table string }{
		{"SELECT name FROM facilities WHERE id = ?", "SELECT", "facilities"},
		{"SELECT s.id, EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = s.id)\n\t\tFROM slots s WHERE s.id = ?", "SELECT", "slots"},
		{"INSERT INTO bookings (id, slot_id) SELECT r.id FROM unnest($1) r", "INSERT", "bookings"},
		{"INSERT INTO bookings(id) VALUES (?)", "INSERT", "bookings"},
		{"UPDATE slots SET withdrawn = TRUE WHERE id = ?", "UPDATE", "slots"},
		{"DELETE FROM bookings WHERE id = ?", "DELETE", "bookings"},
		{"WITH r AS (SELECT * FROM unnest($1)) INSERT INTO bookings (id) SELECT id FROM r", "INSERT", "bookings"},
		{"SELECT 1", "SELECT", ""},
		{"", "", ""},
	} {
		if op, table := sqltidbok.StatementOf(c.text); op != c.op || table != c.table {
			t.Errorf("StatementOf(%q) = %q, %q; want %q, %q", c.text, op, table, c.op, c.table)
		}
	}
}
