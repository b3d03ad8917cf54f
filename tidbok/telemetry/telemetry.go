package telemetry

import (
	"context"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// ScopeName is the instrumentation scope of the tracer and meter.
const ScopeName = "github.com/webbtidbok/webbtidbok/tidbok/telemetry"

// The attribute keys of spans and metrics.
const (
	OperationKey = attribute.Key("tidbok.operation")
	ContractKey  = attribute.Key("tidbok.contract")
	BookKey      = attribute.Key("tidbok.book")
	FacilityKey  = attribute.Key("tidbok.facility")
	BookingIDKey = attribute.Key("tidbok.booking_id")
	// ErrorTypeKey is OpenTelemetry's error.type, valued by the error's
	// [tidbok.Kind] name.
	ErrorTypeKey = attribute.Key("error.type")
)

// Config says where a book's spans and metrics go.
//
// Setting both providers to the API's no-op ones —
// noop.NewTracerProvider() of go.opentelemetry.io/otel/trace/noop and
// noop.NewMeterProvider() of go.opentelemetry.io/otel/metric/noop —
// switches instrumentation off altogether: nothing is made or recorded, and a call
// costs one nil check. The defaults (the global providers, which do nothing
// until an SDK is installed) cost a little more, so that installing an SDK
// later still takes effect.
type Config struct {
	// TracerProvider makes the tracer; nil means otel's global one.
	TracerProvider trace.TracerProvider
	// MeterProvider makes the meter; nil means otel's global one.
	MeterProvider metric.MeterProvider
	// Book names the book in every span and metric (tidbok.book), e.g.
	// "sqltidbok"; "" means "tidbok".
	Book string
}

const numOps = int(tidbok.OpCancel) + 1

// numSpanKinds counts trace.SpanKind's values, Unspecified to Consumer.
const numSpanKinds = int(trace.SpanKindConsumer) + 1

// kindOpts are the options of a span of each kind and nothing else.
var kindOpts = func() (o [numSpanKinds][]trace.SpanStartOption) {
	for k := range numSpanKinds {
		o[k] = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKind(k))}
	}
	return o
}()

const numKinds = int(tidbok.KindOther) + 1

// Recorder starts a span and records the metrics of each call of a book.
// Books that are not reached through [Wrap], such as mvkclient's client
// and the producer's handler, call it themselves. It is safe for
// concurrent use.
type Recorder struct {
	tracer   trace.Tracer
	meter    metric.Meter
	calls    metric.Int64Counter
	errs     metric.Int64Counter
	duration metric.Float64Histogram

	// The attribute sets are made once: a call records its metrics
	// without building any.
	spanAttrs [numOps][3]attribute.KeyValue
	// startOpts are each operation's span options for each kind of span:
	// passed as they are, they cost no allocation.
	startOpts [numOps][numSpanKinds][]trace.SpanStartOption
	opSets    [numOps]metric.MeasurementOption
	errSets   [numOps][numKinds]metric.MeasurementOption
	names     [numOps]string
}

// Off reports whether tp and mp are the API's no-op providers
// (go.opentelemetry.io/otel/trace/noop and …/metric/noop), which switch
// instrumentation off altogether (see [Config]). Other instrumented parts
// of the module, such as booking's Service, honour the same rule with it.
func Off(tp trace.TracerProvider, mp metric.MeterProvider) bool {
	_, noTraces := tp.(tracenoop.TracerProvider)
	_, noMetrics := mp.(metricnoop.MeterProvider)
	return noTraces && noMetrics
}

// NewRecorder returns a Recorder for the book cfg names, or nil — which
// records nothing — when cfg switches instrumentation off (see [Config]).
func NewRecorder(cfg Config) *Recorder {
	if Off(cfg.TracerProvider, cfg.MeterProvider) {
		// A nil Recorder records nothing, at the cost of a nil check.
		return nil
	}
	tp, mp := cfg.TracerProvider, cfg.MeterProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	book := cfg.Book
	if book == "" {
		book = "tidbok"
	}
	r := &Recorder{
		tracer: tp.Tracer(ScopeName),
		meter:  mp.Meter(ScopeName),
	}
	// Instruments that fail to be made are no-ops: otel reports the error
	// to its handler, and the book goes on uninstrumented.
	r.calls, _ = r.meter.Int64Counter("tidbok.operation.calls",
		metric.WithDescription("Calls of the book's operations."), metric.WithUnit("{call}"))
	r.errs, _ = r.meter.Int64Counter("tidbok.operation.errors",
		metric.WithDescription("Calls of the book's operations that failed, by the error's kind."), metric.WithUnit("{error}"))
	r.duration, _ = r.meter.Float64Histogram("tidbok.operation.duration",
		metric.WithDescription("How long the book's operations take."), metric.WithUnit("s"))
	for i := range numOps {
		op := tidbok.Operation(i)
		r.names[i] = "tidbok." + op.String()
		r.spanAttrs[i] = [3]attribute.KeyValue{OperationKey.String(op.String()), ContractKey.String(op.Contract()), BookKey.String(book)}
		for k := range numSpanKinds {
			r.startOpts[i][k] = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKind(k)), trace.WithAttributes(r.spanAttrs[i][:]...)}
		}
		r.opSets[i] = metric.WithAttributeSet(attribute.NewSet(OperationKey.String(op.String()), BookKey.String(book)))
		for k := range numKinds {
			r.errSets[i][k] = metric.WithAttributeSet(attribute.NewSet(OperationKey.String(op.String()), BookKey.String(book),
				ErrorTypeKey.String(tidbok.Kind(k).String())))
		}
	}
	return r
}

// Tracer returns the tracer the Recorder starts its spans with, for a
// book's spans of its own (an attempt, a reconciliation).
func (r *Recorder) Tracer() trace.Tracer {
	if r == nil {
		return noopTracer
	}
	return r.tracer
}

// Meter returns the meter of the Recorder's instruments, for a book's
// instruments of its own.
func (r *Recorder) Meter() metric.Meter {
	if r == nil {
		return noopMeter
	}
	return r.meter
}

var (
	noopTracer trace.Tracer = tracenoop.NewTracerProvider().Tracer(ScopeName)
	noopMeter  metric.Meter = metricnoop.NewMeterProvider().Meter(ScopeName)
)

// Call is one call of an operation, started by [Recorder.Start] and
// ended by [Call.End].
type Call struct {
	r     *Recorder
	span  trace.Span
	op    tidbok.Operation
	known bool // op is set
	start time.Time
}

// Start starts the span of a call of op at facility, of the given kind
// (trace.SpanKindInternal for a book, Client for a wire client, Server for
// a producer), and returns the context that carries it. An operation out
// of range is recorded as nothing.
func (r *Recorder) Start(ctx context.Context, op tidbok.Operation, kind trace.SpanKind, facility tidbok.HSAID) (context.Context, Call) {
	if r == nil || int(op) >= numOps {
		return ctx, Call{}
	}
	if kind < 0 || int(kind) >= numSpanKinds {
		kind = trace.SpanKindInternal
	}
	ctx, span := r.tracer.Start(ctx, r.names[op], r.startOpts[op][kind]...)
	if span.IsRecording() {
		span.SetAttributes(FacilityKey.String(facility.String()))
	}
	return ctx, Call{r: r, span: span, op: op, known: true, start: time.Now()}
}

// Begin starts the span of a call whose operation is not yet known, as a
// producer's is until it has read the request, named name until
// [Call.SetOperation] names it by its operation. A call that never learns
// its operation is traced but not counted. Attributes of the caller's
// own go on [Call.Span] when it is recording.
func (r *Recorder) Begin(ctx context.Context, name string, kind trace.SpanKind) (context.Context, Call) {
	if r == nil {
		return ctx, Call{}
	}
	if kind < 0 || int(kind) >= numSpanKinds {
		kind = trace.SpanKindInternal
	}
	ctx, span := r.tracer.Start(ctx, name, kindOpts[kind]...)
	return ctx, Call{r: r, span: span, start: time.Now()}
}

// SetOperation names the call begun by [Recorder.Begin] by its operation
// and facility (zero when not known).
func (c *Call) SetOperation(op tidbok.Operation, facility tidbok.HSAID) {
	if c.r == nil || int(op) >= numOps {
		return
	}
	c.op, c.known = op, true
	if c.span.IsRecording() {
		a := &c.r.spanAttrs[op]
		c.span.SetName(c.r.names[op])
		if facility.IsZero() {
			c.span.SetAttributes(a[0], a[1], a[2])
		} else {
			c.span.SetAttributes(a[0], a[1], a[2], FacilityKey.String(facility.String()))
		}
	}
}

// Span returns the call's span, for attributes of the book's own.
func (c Call) Span() trace.Span {
	if c.span == nil {
		return trace.SpanFromContext(context.Background())
	}
	return c.span
}

// End ends the call with its error (nil for success), records its
// duration, and counts it and its error's kind. Only the kind is kept of
// err: its text may name the citizen.
func (c Call) End(err error) {
	if c.r == nil {
		return
	}
	d := time.Since(c.start).Seconds()
	ctx := context.Background()
	if c.known {
		c.r.calls.Add(ctx, 1, c.r.opSets[c.op])
		c.r.duration.Record(ctx, d, c.r.opSets[c.op])
	}
	if err != nil {
		k := tidbok.KindOf(err)
		if c.known {
			c.r.errs.Add(ctx, 1, c.r.errSets[c.op][k])
		}
		if c.span.IsRecording() {
			c.span.SetAttributes(ErrorTypeKey.String(k.String()))
			c.span.SetStatus(codes.Error, k.String())
		}
	}
	c.span.End()
}

// SetBookingID records the booking's ID on the call's span.
func (c Call) SetBookingID(id string) {
	if c.span != nil && id != "" && c.span.IsRecording() {
		c.span.SetAttributes(BookingIDKey.String(id))
	}
}
