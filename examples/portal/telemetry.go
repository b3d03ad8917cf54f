package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// telemetryOptions are the command line's telemetry flags. Without
// them, nothing is installed and the libraries' spans and metrics go to
// OpenTelemetry's global no-op providers.
type telemetryOptions struct {
	// metricsAddr, when set, serves /metrics in Prometheus text format
	// there.
	metricsAddr string
	// otlpEndpoint, when set (or $OTEL_EXPORTER_OTLP_ENDPOINT or
	// $OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), sends traces over OTLP/HTTP.
	otlpEndpoint string
}

func (o *telemetryOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "address to serve /metrics on in Prometheus text format (e.g. 127.0.0.1:9464); default: no metrics")
	fs.StringVar(&o.otlpEndpoint, "otlp-endpoint", "", "URL of an OTLP/HTTP collector to send traces to (e.g. http://localhost:4318); default $OTEL_EXPORTER_OTLP_ENDPOINT, or no traces")
}

// tracing reports whether traces are sent anywhere.
func (o telemetryOptions) tracing() bool {
	return o.otlpEndpoint != "" || os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// telemetry is the OpenTelemetry SDK the program installed: its
// providers (nil when none, meaning the globals) and the /metrics
// server.
type telemetry struct {
	tracerProvider trace.TracerProvider
	meterProvider  metric.MeterProvider
	// metricsAddr is the address /metrics is served on, "" when none.
	metricsAddr string
	closers     []func(context.Context) error
}

// startTelemetry installs the SDK the options ask for, as the globals
// too, so that every library that defaults to them reports to it. The
// Prometheus exporter uses a registry of its own, never the default one.
// service names the program in the telemetry's resource.
func startTelemetry(ctx context.Context, o telemetryOptions, service string, log *slog.Logger) (*telemetry, error) {
	t := &telemetry{}
	if o.metricsAddr == "" && !o.tracing() {
		return t, nil
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(attribute.String("service.name", service)))
	if err != nil {
		return nil, err
	}
	if o.tracing() {
		var opts []otlptracehttp.Option
		if o.otlpEndpoint != "" {
			// As OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL,
			// to which the traces' path is added.
			u, err := url.Parse(o.otlpEndpoint)
			if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
				return nil, fmt.Errorf("-otlp-endpoint %q: want the collector's http:// or https:// URL", o.otlpEndpoint)
			}
			opts = append(opts, otlptracehttp.WithEndpointURL(strings.TrimSuffix(o.otlpEndpoint, "/")+"/v1/traces"))
		}
		exp, err := otlptracehttp.New(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("-otlp-endpoint: %w", err)
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
		t.tracerProvider = tp
		t.closers = append(t.closers, tp.Shutdown)
		otel.SetTracerProvider(tp)
		otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
		log.Info("traces: OTLP/HTTP", "endpoint", o.otlpEndpoint)
	}
	if o.metricsAddr != "" {
		reg := prometheus.NewRegistry()
		exp, err := otelprom.New(otelprom.WithRegisterer(reg))
		if err != nil {
			return nil, t.close(ctx, err)
		}
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp), sdkmetric.WithResource(res))
		t.meterProvider = mp
		t.closers = append(t.closers, mp.Shutdown)
		otel.SetMeterProvider(mp)
		ln, err := net.Listen("tcp", o.metricsAddr)
		if err != nil {
			return nil, t.close(ctx, fmt.Errorf("-metrics-addr: %w", err))
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		go func() {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				log.Error("serving /metrics", "err", err)
			}
		}()
		t.metricsAddr = ln.Addr().String()
		t.closers = append(t.closers, srv.Shutdown)
		log.Info("metrics: Prometheus text format", "url", "http://"+t.metricsAddr+"/metrics")
	}
	return t, nil
}

// close shuts down what startTelemetry started, the /metrics server
// first, flushing spans not yet sent, and returns err joined with any
// failure.
func (t *telemetry) close(ctx context.Context, err error) error {
	for i := len(t.closers) - 1; i >= 0; i-- {
		err = errors.Join(err, t.closers[i](ctx))
	}
	t.closers = nil
	return err
}
