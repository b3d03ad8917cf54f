package mvkclient

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/telemetry"
)

// The client's spans and metrics besides the operations' (whose names and
// attributes package tidbok/telemetry gives):
//
//   - a client span per attempt, "POST", with OpenTelemetry's HTTP client
//     attributes (http.request.method, server.address, server.port,
//     url.full, http.request.resend_count, http.response.status_code) and
//     error.type, the kind of a failed attempt;
//   - a span per reconciliation, "mvkclient.reconcile", with
//     mvkclient.outcome;
//   - mvkclient.retries, a counter of reads sent again, with
//     tidbok.operation and mvkclient.outcome ("ok" when the read then
//     succeeded, or the kind of its final error);
//   - mvkclient.reconciliations, a counter with tidbok.operation and
//     mvkclient.outcome: "reconciled" (the write took effect), "unknown"
//     (still unknown after reading the book), "agent" (an agent may not
//     read the book, so it was not tried).
const outcomeKey = attribute.Key("mvkclient.outcome")

// The reconciliations' outcomes.
const (
	outcomeReconciled = "reconciled"
	outcomeUnknown    = "unknown"
	outcomeAgent      = "agent"
)

type instruments struct {
	*telemetry.Recorder
	prop propagation.TextMapPropagator
	// endpoints are each endpoint's attributes, made once.
	endpoints       map[string][]attribute.KeyValue
	retries         metric.Int64Counter
	reconciliations metric.Int64Counter
}

func newInstruments(tp trace.TracerProvider, mp metric.MeterProvider, prop propagation.TextMapPropagator) *instruments {
	if prop == nil {
		prop = otel.GetTextMapPropagator()
	}
	t := &instruments{
		Recorder: telemetry.NewRecorder(telemetry.Config{TracerProvider: tp, MeterProvider: mp, Book: "mvkclient"}),
		prop:     prop,
	}
	if t.Recorder == nil {
		return t
	}
	m := t.Meter()
	t.retries, _ = m.Int64Counter("mvkclient.retries",
		metric.WithDescription("Reads sent again after an attempt failed, by the read's final outcome."), metric.WithUnit("{retry}"))
	t.reconciliations, _ = m.Int64Counter("mvkclient.reconciliations",
		metric.WithDescription("Writes whose answer was lost, by what reading the book found."), metric.WithUnit("{reconciliation}"))
	return t
}

// inject writes the trace context of ctx into h.
func (t *instruments) inject(ctx context.Context, h http.Header) {
	if t.Recorder != nil {
		t.prop.Inject(ctx, propagation.HeaderCarrier(h))
	}
}

// countRetries counts the retries of a read of op that took n attempts
// and ended with err.
func (t *instruments) countRetries(ctx context.Context, op tidbok.Operation, n int, err error) {
	if n <= 1 || t.Recorder == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = tidbok.KindOf(err).String()
	}
	t.retries.Add(ctx, int64(n-1), metric.WithAttributes(telemetry.OperationKey.String(op.String()), outcomeKey.String(outcome)))
}

// startReconcile starts the span of a reconciliation of op.
func (t *instruments) startReconcile(ctx context.Context, op tidbok.Operation) (context.Context, trace.Span) {
	if t.Recorder == nil {
		return ctx, nil
	}
	return t.Tracer().Start(ctx, "mvkclient.reconcile", trace.WithAttributes(telemetry.OperationKey.String(op.String())))
}

// endReconcile ends a reconciliation's span and counts its outcome.
func (t *instruments) endReconcile(ctx context.Context, span trace.Span, op tidbok.Operation, outcome string) {
	if t.Recorder == nil {
		return
	}
	t.reconciliations.Add(ctx, 1, metric.WithAttributes(telemetry.OperationKey.String(op.String()), outcomeKey.String(outcome)))
	if span.IsRecording() {
		span.SetAttributes(outcomeKey.String(outcome))
		if outcome != outcomeReconciled {
			span.SetStatus(codes.Error, tidbok.KindOutcomeUnknown.String())
		}
	}
	span.End()
}

// clientSpan are the options of an attempt's span, made once.
var clientSpan = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}

// startAttempt starts the client span of the nth attempt of a request to
// endpoint.
func (t *instruments) startAttempt(ctx context.Context, endpoint string, n int) (context.Context, trace.Span) {
	if t.Recorder == nil {
		return ctx, nil
	}
	ctx, span := t.Tracer().Start(ctx, http.MethodPost, clientSpan...)
	if span.IsRecording() {
		attrs, ok := t.endpoints[endpoint]
		if !ok {
			attrs = endpointAttributes(endpoint)
		}
		span.SetAttributes(attrs...)
		if n > 1 {
			span.SetAttributes(semconv.HTTPRequestResendCount(n - 1))
		}
	}
	return ctx, span
}

// endpointAttributes returns the HTTP client attributes of requests to
// endpoint.
func endpointAttributes(endpoint string) []attribute.KeyValue {
	attrs := []attribute.KeyValue{semconv.HTTPRequestMethodPost, semconv.URLFull(endpoint)}
	if u, err := url.Parse(endpoint); err == nil {
		attrs = append(attrs, semconv.ServerAddress(u.Hostname()))
		if p, err := strconv.Atoi(u.Port()); err == nil {
			attrs = append(attrs, semconv.ServerPort(p))
		}
	}
	return attrs
}

// endAttempt ends an attempt's span with the answer's status (0 for
// none) and the attempt's error.
func endAttempt(span trace.Span, status int, err error) {
	if span == nil {
		return
	}
	if span.IsRecording() {
		if status != 0 {
			span.SetAttributes(semconv.HTTPResponseStatusCode(status))
		}
		if err != nil {
			k := tidbok.KindOf(err).String()
			span.SetAttributes(telemetry.ErrorTypeKey.String(k))
			span.SetStatus(codes.Error, k)
		}
	}
	span.End()
}
