package sqltidbok_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/telemetry"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

func TestAnInstrumentedBookPassesTheConformanceSuite(t *testing.T) {
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			sr := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
			// opened says a book was opened at all: without a database
			// (PostgreSQL's DSN unset outside CI) every rule skips.
			var opened atomic.Bool
			t.Cleanup(func() {
				spans := sr.Ended()
				if len(spans) == 0 && opened.Load() {
					t.Fatal("no spans recorded")
				}
				for _, s := range spans {
					var book string
					for _, a := range s.Attributes() {
						if a.Key == telemetry.BookKey {
							book = a.Value.String()
						}
					}
					if book != "sqltidbok" {
						t.Fatalf("span %q has tidbok.book %q, want sqltidbok", s.Name(), book)
					}
				}
			})
			tidboktest.Run(t, tidboktest.Harness{New: func(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
				b, seed := newBook(t, be, sqltidbok.WithMeterProvider(mp))
				opened.Store(true)
				return telemetry.Wrap(b, telemetry.Config{TracerProvider: tp, MeterProvider: mp, Book: "sqltidbok"}), seed
			}})
		})
	}
}

// TestTheBatchSizesOnPostgreSQLAreRecorded: concurrent bookings of
// distinct slots go in batches, and the histogram's sum is the number of
// bookings.
func TestTheBatchSizesOnPostgreSQLAreRecorded(t *testing.T) {
	t.Parallel()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	b, seed := newBook(t, dbtest.Postgres, sqltidbok.WithMeterProvider(mp))
	ctx := context.Background()
	const n = 24
	day := tidbok.DateOf(testbook.DefaultNow()).AddDays(2).Start().Add(8 * time.Hour)
	slots := make([]tidbok.Timeslot, n)
	for i := range slots {
		start := day.Add(time.Duration(i) * 10 * time.Minute)
		id, err := seed.AddSlot(ctx, tidboktest.Slot{Start: start, End: start.Add(10 * time.Minute), TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}})
		if err != nil {
			t.Fatal(err)
		}
		slots[i] = tidbok.Timeslot{ID: id, Start: start, End: start.Add(10 * time.Minute), Facility: testbook.Facility(), Subject: citizen(i)}
	}
	var wg sync.WaitGroup
	for _, s := range slots {
		wg.Go(func() {
			if _, err := b.Book(ctx, tidbok.BookRequest{Timeslot: s, Contact: tidbok.ContactInfo{FirstName: "Anna", LastName: "Andersson"}}); err != nil {
				t.Errorf("Book: %v", err)
			}
		})
	}
	wg.Wait()

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	var count uint64
	var sum int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if h, ok := m.Data.(metricdata.Histogram[int64]); ok && m.Name == "sqltidbok.batch.size" {
				for _, p := range h.DataPoints {
					count, sum = count+p.Count, sum+p.Sum
				}
			}
		}
	}
	if sum != n || count == 0 || count > n {
		t.Errorf("sqltidbok.batch.size: %d batches carrying %d bookings; want between 1 and %d batches carrying %d", count, sum, n, n)
	}
}
