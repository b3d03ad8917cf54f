package booking_test

import (
	"context"
	"strconv"
	"testing"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// BenchmarkFlowTelemetry is one citizen's whole booking over memtidbok
// (a day's slots, a hold, the booking, a reschedule, the cancellation:
// five calls of the Service) in three settings, interleaved with -count:
//
//   - bare: the instrumentation turned off by the API's no-op providers
//     (every call site a nil check), the baseline: the flow as it was
//     before it had spans and metrics;
//   - noop: the default, OpenTelemetry's global providers with no SDK
//     installed;
//   - sdk: the SDK installed, every span sampled and handed to a batch
//     processor whose exporter discards it, and the metrics aggregated
//     by a reader nobody collects.
func BenchmarkFlowTelemetry(b *testing.B) {
	for _, mode := range []struct {
		name  string
		setup func(*booking.Config)
	}{
		{"bare", func(c *booking.Config) {
			c.TracerProvider, c.MeterProvider = tracenoop.NewTracerProvider(), metricnoop.NewMeterProvider()
		}},
		{"noop", nil},
		{"sdk", func(c *booking.Config) {
			c.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
			c.MeterProvider = sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			var opts []func(*booking.Config)
			if mode.setup != nil {
				opts = append(opts, mode.setup)
			}
			benchFlow(b, newBenchEnv(b, 1, opts...))
		})
	}
}

// benchFlow books, moves and cancels: each round leaves the book as it
// found it. Slots start two days ahead, beyond the change deadline.
func benchFlow(b *testing.B, env *benchEnv) {
	ctx := context.Background()
	const first, span = 32, 2000
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sc, msc := env.citizens[i%len(env.citizens)], env.manage[i%len(env.manage)]
		from, to := env.slots[first+2*(i%(span/2))], env.slots[first+2*(i%(span/2))+1]
		day := tidbok.DateOf(from.Start)
		if _, err := env.svc.Slots(ctx, booking.SearchRequest{Scope: sc, From: day, To: day}); err != nil {
			b.Fatal(err)
		}
		h, err := env.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: from})
		if err != nil {
			b.Fatal(err)
		}
		key := strconv.Itoa(i)
		conf, err := env.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "b" + key, Hold: h.Token, Contact: contact})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := env.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: msc, Key: "r" + key, BookingID: conf.Booking.ID, Slot: to}); err != nil {
			b.Fatal(err)
		}
		if _, err := env.svc.Cancel(ctx, booking.CancelRequest{Scope: msc, Key: "c" + key, BookingID: conf.Booking.ID}); err != nil {
			b.Fatal(err)
		}
	}
}
