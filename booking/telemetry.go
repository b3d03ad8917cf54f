package booking

import (
	"context"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/tidbok"
	booktel "github.com/webbtidbok/webbtidbok/tidbok/telemetry"
)

// ScopeName is the instrumentation scope of the service's spans and
// metrics.
const ScopeName = "github.com/webbtidbok/webbtidbok/booking"

// The attributes of the service's spans and metrics. None identifies a
// citizen: no personal identity number, name, phone or free text is ever
// recorded, only where (clinic HSA-id, case type), what (action, booking
// ID) and how it ended.
const (
	// AttrAction is the call's [Action], e.g. "book".
	AttrAction = attribute.Key("booking.action")
	// AttrOutcome is the call's audit [Outcome], e.g. "done", "taken".
	AttrOutcome = attribute.Key("booking.outcome")
	// AttrClinic is the clinic's HSA-id.
	AttrClinic = attribute.Key("booking.clinic")
	// AttrCaseType is the case type's ID.
	AttrCaseType = attribute.Key("booking.case_type")
	// AttrBookingID is the booking's ID (or a request's), when there is
	// one.
	AttrBookingID = attribute.Key("booking.id")
	// AttrErrorKind is the [tidbok.Kind] of a failed call's error, e.g.
	// "slot-taken"; the same value goes to the semantic conventions'
	// error.type.
	AttrErrorKind = attribute.Key("booking.error.kind")
	// AttrReplayed is true on a call answered from its request key's
	// stored outcome.
	AttrReplayed = attribute.Key("booking.replayed")
	// AttrReconciled is true on a write whose lost answer was settled by
	// reading the book.
	AttrReconciled = attribute.Key("booking.reconciled")
)

// errorType is the semantic conventions' error.type.
const errorType = attribute.Key("error.type")

// telemetry holds the service's tracer and instruments. A nil *telemetry
// records nothing: every method checks.
type telemetry struct {
	tracer trace.Tracer

	calls    metric.Int64Counter
	errors   metric.Int64Counter
	duration metric.Float64Histogram
	held     metric.Int64Counter
	expired  metric.Int64Counter
	replayed metric.Int64Counter
	waits    metric.Int64Counter
	settled  metric.Int64Counter

	// sets are the metric attribute sets by action and outcome, made once
	// so that a call allocates none.
	sets map[Action]*actionSets
}

// actionSets are one action's span name and metric attribute sets, as
// the option slices the instruments take, so that passing them
// allocates nothing.
type actionSets struct {
	span   string
	action attribute.KeyValue
	only   []metric.AddOption
	add    map[Outcome][]metric.AddOption
	record map[Outcome][]metric.RecordOption
	kind   map[tidbok.Kind][]metric.AddOption
}

var allActions = []Action{
	ActionContactCard, ActionTerms, ActionSearch, ActionHold, ActionBook, ActionMyBookings, ActionDetails,
	ActionReschedule, ActionCancel, ActionRequest, ActionListRequests, ActionCloseRequest,
}

var allOutcomes = []Outcome{
	OutcomeDone, OutcomeForbidden, OutcomeNotFound, OutcomeRefused, OutcomeTaken, OutcomeUnknown, OutcomeInvalid, OutcomeFailed,
}

var allKinds = []tidbok.Kind{
	tidbok.KindSlotTaken, tidbok.KindNotFound, tidbok.KindNotAllowed, tidbok.KindInvalid, tidbok.KindNotSupported,
	tidbok.KindOutcomeUnknown, tidbok.KindNotSent, tidbok.KindOther,
}

// newTelemetry makes the service's tracer and instruments from the
// providers, the global ones when nil. Both of the API's no-op providers
// switch the instrumentation off, as they do for the books
// ([booktel.Off]): nil, and every call site is a nil check.
func newTelemetry(tp trace.TracerProvider, mp metric.MeterProvider) *telemetry {
	if booktel.Off(tp, mp) {
		return nil
	}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(ScopeName)
	t := &telemetry{tracer: tp.Tracer(ScopeName), sets: make(map[Action]*actionSets, len(allActions))}
	// The instruments' errors are reported to otel's error handler; a
	// failed instrument is a no-op one and the flow goes on.
	t.calls, _ = m.Int64Counter("booking.calls", metric.WithUnit("{call}"),
		metric.WithDescription("Calls of the booking service, by action and outcome."))
	t.errors, _ = m.Int64Counter("booking.errors", metric.WithUnit("{call}"),
		metric.WithDescription("Calls of the booking service that failed or were refused, by action and error kind."))
	t.duration, _ = m.Float64Histogram("booking.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of the booking service's calls, by action and outcome."),
		metric.WithExplicitBucketBoundaries(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
	t.held, _ = m.Int64Counter("booking.holds.taken", metric.WithUnit("{hold}"),
		metric.WithDescription("Holds taken on slots by citizens."))
	t.expired, _ = m.Int64Counter("booking.holds.expired", metric.WithUnit("{hold}"),
		metric.WithDescription("Holds found expired (or unknown) when a citizen went on to book or reschedule with them."))
	t.replayed, _ = m.Int64Counter("booking.request_keys.replayed", metric.WithUnit("{call}"),
		metric.WithDescription("Calls answered with the stored outcome of an earlier call with the same request key, by action."))
	t.waits, _ = m.Int64Counter("booking.request_keys.waits", metric.WithUnit("{call}"),
		metric.WithDescription("Calls that waited for a request key another call held, by action."))
	t.settled, _ = m.Int64Counter("booking.reconciliations", metric.WithUnit("{call}"),
		metric.WithDescription("Repeats of a write whose answer was lost, settled by reading the book, by action and outcome."))
	for _, a := range allActions {
		as := &actionSets{
			span:   "booking " + string(a),
			action: AttrAction.String(string(a)),
			add:    make(map[Outcome][]metric.AddOption, len(allOutcomes)),
			record: make(map[Outcome][]metric.RecordOption, len(allOutcomes)),
			kind:   make(map[tidbok.Kind][]metric.AddOption, len(allKinds)),
		}
		as.only = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(as.action))}
		for _, o := range allOutcomes {
			opt := metric.WithAttributeSet(attribute.NewSet(as.action, AttrOutcome.String(string(o))))
			as.add[o], as.record[o] = []metric.AddOption{opt}, []metric.RecordOption{opt}
		}
		for _, k := range allKinds {
			as.kind[k] = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(as.action, AttrErrorKind.String(k.String())))}
		}
		t.sets[a] = as
	}
	return t
}

// call is one traced call of the service.
type call struct {
	t     *telemetry
	as    *actionSets
	span  trace.Span
	start time.Time
}

// start begins the span of a call of act in scope sc. The returned ctx
// carries the span, so the book's spans are its children.
func (t *telemetry) start(ctx context.Context, act Action, sc Scope) (context.Context, call) {
	if t == nil {
		return ctx, call{}
	}
	as := t.sets[act]
	ctx, span := t.tracer.Start(ctx, as.span)
	if span.IsRecording() {
		span.SetAttributes(as.action, AttrClinic.String(sc.Clinic.String()), AttrCaseType.String(sc.CaseType))
	}
	return ctx, call{t: t, as: as, span: span, start: time.Now()}
}

// end ends the call with err, naming the booking or request it read or
// wrote ("" when none).
func (c call) end(ctx context.Context, bookingID string, err error) {
	if c.t == nil {
		return
	}
	out := outcomeOf(err)
	kind := tidbok.KindOf(err)
	if c.span.IsRecording() {
		var buf [4]attribute.KeyValue
		attrs := append(buf[:0], AttrOutcome.String(string(out)))
		if bookingID != "" {
			attrs = append(attrs, AttrBookingID.String(bookingID))
		}
		if err != nil {
			// The error's message may name the subject: only its kind
			// and outcome are recorded.
			attrs = append(attrs, AttrErrorKind.String(kind.String()), errorType.String(kind.String()))
			c.span.SetStatus(codes.Error, string(out))
		}
		c.span.SetAttributes(attrs...)
	}
	c.span.End()
	c.t.calls.Add(ctx, 1, c.as.add[out]...)
	c.t.duration.Record(ctx, time.Since(c.start).Seconds(), c.as.record[out]...)
	if err != nil {
		c.t.errors.Add(ctx, 1, c.as.kind[kind]...)
	}
}

// note marks the call as answered from its request key, or as settled
// by reading the book.
func (c call) note(ctx context.Context, replayed, reconciled bool) {
	if c.t == nil || !replayed && !reconciled {
		return
	}
	if replayed {
		c.span.SetAttributes(AttrReplayed.Bool(true))
		c.t.replayed.Add(ctx, 1, c.as.only...)
	}
	if reconciled {
		c.span.SetAttributes(AttrReconciled.Bool(true))
	}
}

// replayedRefusal counts a call answered with a stored refusal.
func (t *telemetry) replayedRefusal(ctx context.Context, act Action) {
	if t == nil {
		return
	}
	trace.SpanFromContext(ctx).SetAttributes(AttrReplayed.Bool(true))
	t.replayed.Add(ctx, 1, t.sets[act].only...)
}

// holdTaken counts a hold a citizen took.
func (t *telemetry) holdTaken(ctx context.Context) {
	if t != nil {
		t.held.Add(ctx, 1)
	}
}

// holdExpired counts a hold found expired when used.
func (t *telemetry) holdExpired(ctx context.Context) {
	if t != nil {
		t.expired.Add(ctx, 1)
	}
}

// startWait begins the span of a wait for a request key another call
// holds. End it with the returned function.
func (t *telemetry) startWait(ctx context.Context, act Action) func() {
	if t == nil {
		return func() {}
	}
	t.waits.Add(ctx, 1, t.sets[act].only...)
	_, span := t.tracer.Start(ctx, "booking request key wait")
	return func() { span.End() }
}

// startReconcile begins the span of a reconciliation: a repeat of a
// write whose answer was lost reading the book to settle it.
func (t *telemetry) startReconcile(ctx context.Context, act Action) (context.Context, trace.Span) {
	if t == nil {
		return ctx, nil
	}
	return t.tracer.Start(ctx, "booking reconcile "+string(act))
}

// endReconcile ends a reconciliation's span: settled says the book
// showed the write done ("" outcome when it was not found and the write
// is resent), err a failure to read.
func (t *telemetry) endReconcile(ctx context.Context, span trace.Span, act Action, found bool, err error) {
	if t == nil {
		return
	}
	result := "resent"
	switch {
	case err != nil:
		result = "unknown"
		span.SetStatus(codes.Error, "reading the book failed")
	case found:
		result = "found"
	}
	span.SetAttributes(attribute.String("booking.reconcile.result", result))
	span.End()
	t.settled.Add(ctx, 1, metric.WithAttributes(AttrAction.String(string(act)), attribute.String("booking.reconcile.result", result)))
}
