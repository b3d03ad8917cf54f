package e2e

import (
	"context"
	"testing"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/telemetry"
)

// discard is a span exporter that drops what it is given: the SDK's cost
// without an exporter's.
type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }

// BenchmarkRoundTripTelemetry measures what OpenTelemetry costs the wire
// round trip of BenchmarkAvailableTimeslots (mvkclient → producer →
// memtidbok and back, 50 slots), with client, producer and book all
// instrumented:
//
//   - telemetry=none: the code path without instrumentation (the API's
//     no-op providers given to book, client and producer, so every
//     Recorder is nil and the book is not wrapped), the baseline;
//   - telemetry=noop: no providers set, so the globals, which do nothing
//     until an SDK is installed: what every user pays;
//   - telemetry=sdk: the SDK installed, every span sampled and handed to
//     a batch processor whose exporter drops it, the metrics aggregated
//     for a reader, W3C trace context on the wire.
//
// Each round makes its own stack; run with -count to interleave them.
func BenchmarkRoundTripTelemetry(b *testing.B) {
	round := func(b *testing.B, bs *benchSetup) {
		b.ReportAllocs()
		defer meterCPU(b)()
		for b.Loop() {
			res, err := bs.s.client.AvailableTimeslots(b.Context(), bs.req)
			if err != nil || res.Len() != slotsInAnswer {
				b.Fatalf("%d slots, %v", res.Len(), err)
			}
		}
	}
	b.Run("telemetry=none", func(b *testing.B) {
		// The API's no-op providers switch the instrumentation of book,
		// client and producer off: every Recorder is nil.
		tp, mp := tracenoop.NewTracerProvider(), metricnoop.NewMeterProvider()
		bs := newBenchSetupWith(b, options{
			serve: func(book tidbok.Tidbok) tidbok.Tidbok {
				return telemetry.Wrap(book, telemetry.Config{TracerProvider: tp, MeterProvider: mp, Book: "memtidbok"})
			},
			client:   func(c *mvkclient.Config) { c.TracerProvider, c.MeterProvider = tp, mp },
			producer: func(c *producer.Config) { c.TracerProvider, c.MeterProvider = tp, mp },
		})
		round(b, bs)
	})
	b.Run("telemetry=noop", func(b *testing.B) {
		round(b, newBenchSetupWith(b, options{serve: func(book tidbok.Tidbok) tidbok.Tidbok {
			return telemetry.Wrap(book, telemetry.Config{Book: "memtidbok"})
		}}))
	})
	b.Run("telemetry=sdk", func(b *testing.B) {
		k := newSDK()
		bsp := sdktrace.NewBatchSpanProcessor(discard{})
		k.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(bsp))
		b.Cleanup(func() { _ = k.tp.Shutdown(context.Background()) })
		k.reader = sdkmetric.NewManualReader()
		k.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(k.reader))
		round(b, newBenchSetupWith(b, k.install(options{})))
	})
}
