package fhir_test

import (
	"net/http"
	"testing"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
)

// TestSpans makes a server span per request, named by the book's
// operation it called, with the error's kind on a refusal.
func TestSpans(t *testing.T) {
	sr := tracetest.NewSpanRecorder()
	f := setup(t, fhir.Config{TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr)), MeterProvider: metricnoop.NewMeterProvider()})
	f.do(t, http.MethodGet, "/Slot?schedule=Schedule/"+clinicA, me, nil)
	f.do(t, http.MethodGet, "/Appointment/b"+"aaaaaaaaaa", me, nil)
	spans := sr.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want 2", len(spans))
	}
	if spans[0].Name() != "tidbok.AvailableTimeslots" || spans[0].SpanKind() != trace.SpanKindServer {
		t.Errorf("span %q of kind %v, want tidbok.AvailableTimeslots, server", spans[0].Name(), spans[0].SpanKind())
	}
	var kind string
	for _, a := range spans[1].Attributes() {
		if a.Key == "error.type" {
			kind = a.Value.AsString()
		}
	}
	if spans[1].Name() != "tidbok.BookingDetails" || kind == "" {
		t.Errorf("span %q with error.type %q, want tidbok.BookingDetails with a kind", spans[1].Name(), kind)
	}
}
