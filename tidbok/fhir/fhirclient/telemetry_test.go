package fhirclient_test

import (
	"net/http/httptest"
	"testing"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir/fhirclient"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
)

// TestSpans: a client span per call, named by the operation, whose trace
// the façade's server span continues.
func TestSpans(t *testing.T) {
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	prop := propagation.TraceContext{}
	book := memtidbok.New()
	if err := book.AddFacility(t.Context(), tidbok.Facility{ID: clinic, Name: "Ekorren"}); err != nil {
		t.Fatal(err)
	}
	h, err := fhir.New(book, fhir.Config{Facilities: []tidbok.HSAID{clinic}, AnyConsumer: true,
		TracerProvider: tp, MeterProvider: metricnoop.NewMeterProvider(), Propagator: prop})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, err := fhirclient.New(t.Context(), fhirclient.Config{BaseURL: srv.URL, RateLimit: rate.Inf,
		TracerProvider: tp, MeterProvider: metricnoop.NewMeterProvider(), Propagator: prop})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Schedule(t.Context(), tidbok.ScheduleRequest{Facility: clinic, Subject: citizen}); err != nil {
		t.Fatal(err)
	}
	var client, server sdktrace.ReadOnlySpan
	for _, s := range sr.Ended() {
		if s.Name() == "tidbok.Schedule" && s.SpanKind() == trace.SpanKindClient {
			client = s
		}
		if s.Name() == "tidbok.Schedule" && s.SpanKind() == trace.SpanKindServer {
			server = s
		}
	}
	if client == nil || server == nil {
		t.Fatalf("spans %v: want a client and a server span named tidbok.Schedule", sr.Ended())
	}
	if server.Parent().SpanID() != client.SpanContext().SpanID() {
		t.Errorf("the server span's parent is %v, want the client span %v", server.Parent().SpanID(), client.SpanContext().SpanID())
	}
}
