package telemetry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/telemetry"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

func providers() (*tracetest.SpanRecorder, *sdktrace.TracerProvider, *sdkmetric.ManualReader, *sdkmetric.MeterProvider) {
	sr, mr := tracetest.NewSpanRecorder(), sdkmetric.NewManualReader()
	return sr, sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr)), mr, sdkmetric.NewMeterProvider(sdkmetric.WithReader(mr))
}

func TestAWrappedBookPassesTheConformanceSuite(t *testing.T) {
	sr, tp, _, mp := providers()
	t.Cleanup(func() {
		spans := sr.Ended()
		if len(spans) == 0 {
			t.Fatal("no spans recorded")
		}
		for _, s := range spans {
			if !strings.HasPrefix(s.Name(), "tidbok.") || s.SpanKind() != trace.SpanKindInternal {
				t.Errorf("span %q kind %v; want tidbok.<Operation>, internal", s.Name(), s.SpanKind())
			}
		}
	})
	tidboktest.Run(t, tidboktest.Harness{New: func(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
		b, seed := testbook.New(t)
		return telemetry.Wrap(b, telemetry.Config{TracerProvider: tp, MeterProvider: mp, Book: "memtidbok"}), seed
	}})
}

func TestEachCallIsASpanAndCountedWithItsErrorsKind(t *testing.T) {
	t.Parallel()
	sr, tp, mr, mp := providers()
	b, _ := testbook.New(t)
	f := faulty.Wrap(b)
	book := telemetry.Wrap(f, telemetry.Config{TracerProvider: tp, MeterProvider: mp, Book: "memtidbok"})
	if book.Capabilities() != b.Capabilities() {
		t.Errorf("capabilities %v, want the book's %v", book.Capabilities(), b.Capabilities())
	}
	ctx := context.Background()
	if _, err := book.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: testbook.Facility(), Subject: testbook.Citizen(1)}); err != nil {
		t.Fatal(err)
	}
	f.Set(tidbok.OpCancel, faulty.Fault{Err: tidbok.ErrSlotTaken})
	_, err := book.Cancel(ctx, tidbok.CancelRequest{Facility: testbook.Facility(), BookingID: "B1", Subject: testbook.Citizen(1)})
	if !errors.Is(err, tidbok.ErrSlotTaken) {
		t.Fatalf("Cancel: %v, want the fault's error unchanged", err)
	}

	spans := sr.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want 2", len(spans))
	}
	want := []struct {
		name, op, contract, bookingID, errType string
		code                                   codes.Code
	}{
		{"tidbok.TimeTypes", "TimeTypes", "GetAllTimeTypes", "", "", codes.Unset},
		{"tidbok.Cancel", "Cancel", "CancelBooking", "B1", "slot-taken", codes.Error},
	}
	for i, w := range want {
		s := spans[i]
		got := map[attribute.Key]string{}
		for _, a := range s.Attributes() {
			got[a.Key] = a.Value.String()
		}
		if s.Name() != w.name || got[telemetry.OperationKey] != w.op || got[telemetry.ContractKey] != w.contract ||
			got[telemetry.BookKey] != "memtidbok" || got[telemetry.FacilityKey] != testbook.FacilityID ||
			got[telemetry.BookingIDKey] != w.bookingID || got[telemetry.ErrorTypeKey] != w.errType || s.Status().Code != w.code {
			t.Errorf("span %d: %q %v status %v; want %+v", i, s.Name(), got, s.Status(), w)
		}
	}

	var rm metricdata.ResourceMetrics
	if err := mr.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		switch d := m.Data.(type) {
		case metricdata.Sum[int64]:
			for _, p := range d.DataPoints {
				op, _ := p.Attributes.Value(telemetry.OperationKey)
				kind, _ := p.Attributes.Value(telemetry.ErrorTypeKey)
				counts[m.Name+" "+op.String()+" "+kind.String()] += p.Value
			}
		case metricdata.Histogram[float64]:
			for _, p := range d.DataPoints {
				op, _ := p.Attributes.Value(telemetry.OperationKey)
				counts[m.Name+" "+op.String()] += int64(p.Count)
			}
		}
	}
	for k, v := range map[string]int64{
		"tidbok.operation.calls TimeTypes ":         1,
		"tidbok.operation.calls Cancel ":            1,
		"tidbok.operation.errors Cancel slot-taken": 1,
		"tidbok.operation.duration TimeTypes":       1,
		"tidbok.operation.duration Cancel":          1,
	} {
		if counts[k] != v {
			t.Errorf("%s = %d, want %d (all: %v)", k, counts[k], v, counts)
		}
	}
	if len(counts) != 5 {
		t.Errorf("metrics %v; want only those five", counts)
	}
}

// BenchmarkCall measures what a call's span and metrics cost: with no
// providers set (the globals, no-op until an SDK is installed), and with
// the SDK, every span sampled and handed to a batch processor whose
// exporter drops it.
func BenchmarkCall(b *testing.B) {
	bench := func(b *testing.B, r *telemetry.Recorder) {
		b.ReportAllocs()
		ctx := context.Background()
		for b.Loop() {
			_, c := r.Start(ctx, tidbok.OpBook, trace.SpanKindInternal, testbook.Facility())
			c.End(nil)
		}
	}
	b.Run("providers=global-noop", func(b *testing.B) {
		bench(b, telemetry.NewRecorder(telemetry.Config{Book: "memtidbok"}))
	})
	b.Run("providers=sdk", func(b *testing.B) {
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discard{}, sdktrace.WithBatchTimeout(time.Second)))
		b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		bench(b, telemetry.NewRecorder(telemetry.Config{TracerProvider: tp, MeterProvider: mp, Book: "memtidbok"}))
	})
}

type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }

// The API's no-op providers, given for both, switch instrumentation off:
// Wrap hands back the book itself and NewRecorder makes nothing. Either
// one alone keeps the other signal.
func TestNoopProvidersSwitchInstrumentationOff(t *testing.T) {
	t.Parallel()
	book := memtidbok.New()
	off := telemetry.Config{TracerProvider: tracenoop.NewTracerProvider(), MeterProvider: metricnoop.NewMeterProvider()}
	if got := telemetry.Wrap(book, off); got != tidbok.Tidbok(book) {
		t.Errorf("Wrap with both no-op providers = %T, want the book itself", got)
	}
	if r := telemetry.NewRecorder(off); r != nil {
		t.Errorf("NewRecorder with both no-op providers = %v, want nil", r)
	}
	half := telemetry.Config{TracerProvider: tracenoop.NewTracerProvider(), MeterProvider: sdkmetric.NewMeterProvider()}
	if got := telemetry.Wrap(book, half); got == tidbok.Tidbok(book) {
		t.Error("Wrap with a real MeterProvider handed back the bare book: its metrics would be lost")
	}
}
