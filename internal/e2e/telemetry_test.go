package e2e

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/internal/pnleak"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/telemetry"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// sdk is OpenTelemetry's SDK with in-memory readers, installed in a
// stack's client, producer and book.
type sdk struct {
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	mp     *sdkmetric.MeterProvider
}

func newSDK() *sdk {
	k := &sdk{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	k.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(k.spans))
	k.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(k.reader))
	return k
}

// install returns o with the SDK in the client, the producer and the
// book behind it (tidbok.book "memtidbok"), and W3C trace context
// between client and producer.
func (k *sdk) install(o options) options {
	o.client = func(c *mvkclient.Config) {
		c.TracerProvider, c.MeterProvider, c.Propagator = k.tp, k.mp, propagation.TraceContext{}
	}
	o.producer = func(c *producer.Config) {
		c.TracerProvider, c.MeterProvider, c.Propagator = k.tp, k.mp, propagation.TraceContext{}
	}
	o.serve = func(b tidbok.Tidbok) tidbok.Tidbok {
		return telemetry.Wrap(b, telemetry.Config{TracerProvider: k.tp, MeterProvider: k.mp, Book: "memtidbok"})
	}
	return o
}

func (k *sdk) metrics(t testing.TB) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := k.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatalf("collecting metrics: %v", err)
	}
	return rm
}

// value returns the sum of the counter, or the count of the histogram,
// named name over the data points that have every attribute in attrs.
func value(rm metricdata.ResourceMetrics, name string, attrs ...attribute.KeyValue) float64 {
	var v float64
	has := func(s attribute.Set) bool {
		for _, a := range attrs {
			if got, ok := s.Value(a.Key); !ok || got != a.Value {
				return false
			}
		}
		return true
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					if has(p.Attributes) {
						v += float64(p.Value)
					}
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					if has(p.Attributes) {
						v += float64(p.Count)
					}
				}
			}
		}
	}
	return v
}

func attr(s sdktrace.ReadOnlySpan, k attribute.Key) string {
	for _, a := range s.Attributes() {
		if a.Key == k {
			return a.Value.String()
		}
	}
	return ""
}

// trail is one client call's spans, found by the client's operation span.
type trail struct {
	call, attempt, server, book sdktrace.ReadOnlySpan
}

// trails returns the trail of every call of op the client made, in the
// order the calls ended.
func trails(t *testing.T, spans []sdktrace.ReadOnlySpan, op tidbok.Operation) []trail {
	t.Helper()
	var out []trail
	for _, s := range spans {
		if s.Name() != "tidbok."+op.String() || attr(s, telemetry.BookKey) != "mvkclient" {
			continue
		}
		tr := trail{call: s}
		for _, c := range spans {
			switch {
			case c.Parent().SpanID() == s.SpanContext().SpanID() && c.Name() == "POST":
				tr.attempt = c
			}
		}
		if tr.attempt == nil {
			t.Fatalf("no attempt span under the client's %s span", op)
		}
		for _, c := range spans {
			if c.Parent().SpanID() == tr.attempt.SpanContext().SpanID() {
				tr.server = c
			}
		}
		if tr.server == nil {
			t.Fatalf("no server span under the client's attempt of %s: the trace context did not cross the wire", op)
		}
		for _, c := range spans {
			if c.Parent().SpanID() == tr.server.SpanContext().SpanID() {
				tr.book = c
			}
		}
		if tr.book == nil {
			t.Fatalf("no book span under the producer's span of %s", op)
		}
		out = append(out, tr)
	}
	return out
}

func TestOneTraceRunsFromTheClientThroughTheProducerToTheBook(t *testing.T) {
	t.Parallel()
	k := newSDK()
	s := newStack(t, k.install(options{}))
	slot := s.slotAt(t, 2, 10)
	id := s.bookFor(t, slot, anna)
	if _, err := s.client.Book(t.Context(), bookReq(slot, bertil)); !errors.Is(err, tidbok.ErrSlotTaken) {
		t.Fatalf("booking a taken slot: %v, want ErrSlotTaken", err)
	}

	got := trails(t, k.spans.Ended(), tidbok.OpBook)
	if len(got) != 2 {
		t.Fatalf("%d traces of Book, want 2", len(got))
	}
	for i, tr := range got {
		trace0 := tr.call.SpanContext().TraceID()
		for _, sp := range []sdktrace.ReadOnlySpan{tr.attempt, tr.server, tr.book} {
			if sp.SpanContext().TraceID() != trace0 {
				t.Errorf("call %d: span %q (%s) is in trace %s, the client's in %s", i, sp.Name(), attr(sp, telemetry.BookKey), sp.SpanContext().TraceID(), trace0)
			}
		}
		for _, c := range []struct {
			what string
			span sdktrace.ReadOnlySpan
			name string
			kind trace.SpanKind
			book string
		}{
			{"the client's call", tr.call, "tidbok.Book", trace.SpanKindInternal, "mvkclient"},
			{"the client's attempt", tr.attempt, "POST", trace.SpanKindClient, ""},
			{"the producer's request", tr.server, "tidbok.Book", trace.SpanKindServer, "producer"},
			{"the book's call", tr.book, "tidbok.Book", trace.SpanKindInternal, "memtidbok"},
		} {
			if c.span.Name() != c.name || c.span.SpanKind() != c.kind || attr(c.span, telemetry.BookKey) != c.book {
				t.Errorf("call %d, %s: span %q kind %v book %q; want %q kind %v book %q", i, c.what,
					c.span.Name(), c.span.SpanKind(), attr(c.span, telemetry.BookKey), c.name, c.kind, c.book)
			}
		}
		if f := attr(tr.server, telemetry.FacilityKey); f != testbook.Facility().String() {
			t.Errorf("call %d: the server span's facility is %q, want %q", i, f, testbook.Facility())
		}
		if got, want := attr(tr.attempt, "http.request.method"), "POST"; got != want {
			t.Errorf("call %d: the attempt's http.request.method is %q, want %q", i, got, want)
		}
		if got := attr(tr.attempt, "server.address"); got == "" {
			t.Errorf("call %d: the attempt has no server.address", i)
		}
		if got, want := attr(tr.attempt, "http.response.status_code"), "200"; got != want {
			t.Errorf("call %d: the attempt's http.response.status_code is %q, want %q", i, got, want)
		}
	}

	ok, taken := got[0], got[1]
	if got := attr(ok.book, telemetry.BookingIDKey); got != id {
		t.Errorf("the book's span of the booking has booking ID %q, want %q", got, id)
	}
	for _, sp := range []sdktrace.ReadOnlySpan{ok.call, ok.server, ok.book} {
		if sp.Status().Code == codes.Error {
			t.Errorf("the successful booking's span %q (%s) has status %v", sp.Name(), attr(sp, telemetry.BookKey), sp.Status())
		}
	}
	for _, sp := range []sdktrace.ReadOnlySpan{taken.call, taken.server, taken.book} {
		if sp.Status().Code != codes.Error || sp.Status().Description != "slot-taken" || attr(sp, telemetry.ErrorTypeKey) != "slot-taken" {
			t.Errorf("the refused booking's span %q (%s): status %v, error.type %q; want Error slot-taken", sp.Name(), attr(sp, telemetry.BookKey),
				sp.Status(), attr(sp, telemetry.ErrorTypeKey))
		}
	}
}

func TestTheMetricsCountCallsErrorsByKindRetriesAndReconciliations(t *testing.T) {
	t.Parallel()
	k := newSDK()
	s := newStack(t, k.install(options{}))
	slot := s.slotAt(t, 2, 10)
	id := s.bookFor(t, slot, anna)
	if _, err := s.client.Book(t.Context(), bookReq(slot, bertil)); !errors.Is(err, tidbok.ErrSlotTaken) {
		t.Fatalf("booking a taken slot: %v, want ErrSlotTaken", err)
	}
	s.faults.Set(tidbok.OpCancel, faulty.Fault{LoseAnswer: true, Times: 1})
	if _, err := s.client.Cancel(t.Context(), tidbok.CancelRequest{Facility: testbook.Facility(), BookingID: id, Subject: anna}); err != nil {
		t.Fatalf("Cancel: %v, want the cancellation found by reconciliation", err)
	}

	s.faults.Set(tidbok.OpTimeTypes, faulty.Fault{Err: errors.New("deadlock"), Times: 1})
	if _, err := s.client.TimeTypes(t.Context(), tidbok.TimeTypesRequest{Facility: testbook.Facility(), Subject: anna}); err != nil {
		t.Fatalf("TimeTypes: %v, want it to pass when sent again", err)
	}

	rm := k.metrics(t)
	op := func(o tidbok.Operation) attribute.KeyValue { return telemetry.OperationKey.String(o.String()) }
	book := telemetry.BookKey.String
	kind := func(k tidbok.Kind) attribute.KeyValue { return telemetry.ErrorTypeKey.String(k.String()) }
	for _, c := range []struct {
		name  string
		attrs []attribute.KeyValue
		want  float64
	}{
		{"tidbok.operation.calls", []attribute.KeyValue{op(tidbok.OpBook), book("mvkclient")}, 2},
		{"tidbok.operation.calls", []attribute.KeyValue{op(tidbok.OpBook), book("producer")}, 2},
		{"tidbok.operation.calls", []attribute.KeyValue{op(tidbok.OpBook), book("memtidbok")}, 2},
		{"tidbok.operation.duration", []attribute.KeyValue{op(tidbok.OpBook), book("mvkclient")}, 2},
		{"tidbok.operation.duration", []attribute.KeyValue{op(tidbok.OpBook), book("memtidbok")}, 2},
		{"tidbok.operation.errors", []attribute.KeyValue{op(tidbok.OpBook), book("mvkclient"), kind(tidbok.KindSlotTaken)}, 1},
		{"tidbok.operation.errors", []attribute.KeyValue{op(tidbok.OpBook), book("producer"), kind(tidbok.KindSlotTaken)}, 1},
		{"tidbok.operation.errors", []attribute.KeyValue{op(tidbok.OpBook), book("memtidbok"), kind(tidbok.KindSlotTaken)}, 1},
		// The lost answer: the producer answered a Server fault of unknown
		// outcome, and the client found the cancellation in the book.
		{"tidbok.operation.calls", []attribute.KeyValue{op(tidbok.OpCancel), book("mvkclient")}, 1},
		{"tidbok.operation.errors", []attribute.KeyValue{op(tidbok.OpCancel), book("mvkclient")}, 0},
		{"mvkclient.reconciliations", []attribute.KeyValue{op(tidbok.OpCancel), attribute.String("mvkclient.outcome", "reconciled")}, 1},
		// The read failed once on a Server fault, and passed when sent again.
		{"mvkclient.retries", []attribute.KeyValue{op(tidbok.OpTimeTypes), attribute.String("mvkclient.outcome", "ok")}, 1},
		{"tidbok.operation.calls", []attribute.KeyValue{op(tidbok.OpTimeTypes), book("mvkclient")}, 1},
		{"tidbok.operation.errors", []attribute.KeyValue{op(tidbok.OpTimeTypes), book("mvkclient")}, 0},
		{"tidbok.operation.calls", []attribute.KeyValue{op(tidbok.OpTimeTypes), book("producer")}, 2},
		{"tidbok.operation.errors", []attribute.KeyValue{op(tidbok.OpTimeTypes), book("producer"), kind(tidbok.KindOther)}, 1},
	} {
		if got := value(rm, c.name, c.attrs...); got != c.want {
			t.Errorf("%s %v = %v, want %v", c.name, c.attrs, got, c.want)
		}
	}
}

// TestNoSpanOrMetricCarriesAPersonalIdentityNumber runs the conformance
// suite over the wire, and every contract refused and failed with errors
// that name the citizen, with the SDK in client, producer and book, and
// fails for any personal identity number in a span's name, attributes,
// status or events, or in a metric's attributes.
func TestNoSpanOrMetricCarriesAPersonalIdentityNumber(t *testing.T) {
	k := newSDK()
	t.Cleanup(func() {
		spans := k.spans.Ended()
		if len(spans) < 100 {
			t.Errorf("%d spans recorded; the suite should make hundreds", len(spans))
		}
		for _, s := range spans {
			what := fmt.Sprintf("span %q", s.Name())
			pnleak.Check(t, what+"'s name", s.Name())
			pnleak.Check(t, what+"'s status", s.Status().Description)
			for _, a := range s.Attributes() {
				pnleak.Check(t, what+"'s attribute "+string(a.Key), a.Value.String())
			}
			for _, e := range s.Events() {
				pnleak.Check(t, what+"'s event", e.Name)
				for _, a := range e.Attributes {
					pnleak.Check(t, what+"'s event attribute "+string(a.Key), a.Value.String())
				}
			}
		}
		rm := k.metrics(t)
		n := 0
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				for _, set := range pointAttributes(m.Data) {
					n++
					for _, a := range set.ToSlice() {
						pnleak.Check(t, "metric "+m.Name+"'s attribute "+string(a.Key), a.Value.String())
					}
				}
			}
		}
		if n == 0 {
			t.Error("no metric data points recorded")
		}
	})

	t.Run("the conformance suite", func(t *testing.T) {
		tidboktest.Run(t, tidboktest.Harness{New: func(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
			s := newStack(t, k.install(options{}))
			return s.client, s.seeder
		}})
	})
	t.Run("errors that name the citizen", func(t *testing.T) {
		s := newStack(t, k.install(options{client: func(c *mvkclient.Config) { c.MaxRetries = -1 }}))
		slot := s.slotAt(t, 2, 10)
		id := s.bookFor(t, slot, anna)
		texts := "191212121212, 19121212-1212, 1212121212, 121212-1212"
		for _, err := range []error{
			fmt.Errorf("no booking of %s: %w", texts, tidbok.ErrNotFound),
			&tidbok.OpError{Err: tidbok.ErrNotAllowed, Text: "Bokningen för " + texts + " får inte ändras."},
			errors.New("deadlock on the row of " + texts),
		} {
			for _, op := range tidbok.Operations() {
				s.faults.Set(op, faulty.Fault{Err: err})
			}
			f, ctx := testbook.Facility(), t.Context()
			_, _ = s.client.Schedule(ctx, tidbok.ScheduleRequest{Facility: f, Subject: anna})
			_, _ = s.client.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: f, BookingID: id, Subject: anna})
			_, _ = s.client.Book(ctx, bookReq(slot, bertil))
			_, _ = s.client.Cancel(ctx, tidbok.CancelRequest{Facility: f, BookingID: id, Subject: anna})
		}
	})
}

// pointAttributes returns the attribute sets of a metric's data points.
func pointAttributes(d metricdata.Aggregation) []attribute.Set {
	var out []attribute.Set
	switch d := d.(type) {
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	case metricdata.Sum[float64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	case metricdata.Histogram[int64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	}
	return out
}
