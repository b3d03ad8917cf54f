package booking_test

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/internal/pnleak"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
)

// recorded is a fixture's spans and metrics, read from the SDK's
// in-memory span recorder and manual metric reader.
type recorded struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
}

// withTelemetry installs an SDK tracer and meter provider in the
// fixture's Config, recording in memory.
func withTelemetry(r *recorded) func(*booking.Config) {
	r.spans = tracetest.NewSpanRecorder()
	r.reader = sdkmetric.NewManualReader()
	return func(c *booking.Config) {
		c.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans))
		c.MeterProvider = sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	}
}

func (r *recorded) metrics(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatalf("collecting metrics: %v", err)
	}
	return rm
}

// count returns the sum of the counter name's points (or the count of
// the histogram's) whose attributes include want.
func count(rm metricdata.ResourceMetrics, name string, want ...attribute.KeyValue) int64 {
	var n int64
	has := func(set attribute.Set) bool {
		for _, kv := range want {
			if v, ok := set.Value(kv.Key); !ok || v != kv.Value {
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
						n += p.Value
					}
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					if has(p.Attributes) {
						n += int64(p.Count)
					}
				}
			}
		}
	}
	return n
}

func attrOf(s sdktrace.ReadOnlySpan, k attribute.Key) (attribute.Value, bool) {
	for _, kv := range s.Attributes() {
		if kv.Key == k {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

// A whole booking over memtidbok: search, hold, book (its answer lost and
// reconciled, then repeated with the same key), another citizen's try at
// the same slot, reschedule and cancel. Every call has its span, named by
// its action, with the clinic, case type, booking ID and outcome; the
// refusal has error status and its kind; the metrics count the calls,
// errors by kind, durations, the hold, the replay and the
// reconciliation.
func TestTelemetryOfABooking(t *testing.T) {
	t.Parallel()
	var r recorded
	f := newFixture(t, books[0].wrap, withTelemetry(&r))
	ctx := context.Background()
	sc := scope(anna, ctBook)
	f.accept(anna, ctBook, ctManage)
	f.accept(bo, ctBook)

	day := tidbok.Date{Year: 2026, Month: time.January, Day: 14}
	slots, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: sc, TimeType: "PROV", From: day, To: day})
	must(t, err)
	h, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: slots.Slots[0]})
	must(t, err)
	f.faults.Set(tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1})
	req := booking.BookRequest{Scope: sc, Key: "k1", Hold: h.Token, Reason: "Blodprov", Contact: contact}
	conf, err := f.svc.Book(ctx, req)
	must(t, err)
	if !conf.Reconciled {
		t.Fatalf("Book with its answer lost = %+v, want reconciled", conf)
	}
	again, err := f.svc.Book(ctx, req)
	must(t, err)
	if !again.Replayed {
		t.Fatalf("repeated Book = %+v, want replayed", again)
	}
	if _, err := f.svc.Book(ctx, booking.BookRequest{Scope: scope(bo, ctBook), Key: "b1", Slot: slots.Slots[0], Contact: contact}); !errors.Is(err, tidbok.ErrSlotTaken) {
		t.Fatalf("Bo booking Anna's slot: %v, want slot taken", err)
	}
	msc := scope(anna, ctManage)
	next := tidbok.Date{Year: 2026, Month: time.January, Day: 15}
	moveTo, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: msc, BookingID: conf.Booking.ID, From: next, To: next})
	must(t, err)
	_, err = f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: msc, Key: "k2", BookingID: conf.Booking.ID, Slot: moveTo.Slots[0]})
	must(t, err)
	_, err = f.svc.Cancel(ctx, booking.CancelRequest{Scope: msc, Key: "k3", BookingID: conf.Booking.ID})
	must(t, err)

	// Spans.
	var names []string
	byName := map[string][]sdktrace.ReadOnlySpan{}
	for _, s := range r.spans.Ended() {
		names = append(names, s.Name())
		byName[s.Name()] = append(byName[s.Name()], s)
	}
	for name, n := range map[string]int{
		"booking search": 2, "booking hold": 1, "booking book": 3, "booking reconcile book": 1,
		"booking reschedule": 1, "booking cancel": 1,
	} {
		if got := len(byName[name]); got != n {
			t.Errorf("%d spans %q, want %d; spans: %q", got, name, n, names)
		}
	}
	for _, name := range []string{"booking hold", "booking book", "booking reschedule", "booking cancel"} {
		for _, s := range byName[name] {
			if v, _ := attrOf(s, booking.AttrClinic); v.AsString() != clinic.String() {
				t.Errorf("span %q clinic = %q, want %q", name, v.AsString(), clinic)
			}
			if v, _ := attrOf(s, booking.AttrCaseType); v.AsString() == "" {
				t.Errorf("span %q has no case type", name)
			}
		}
	}
	first := byName["booking book"][0]
	if v, _ := attrOf(first, booking.AttrBookingID); v.AsString() != conf.Booking.ID {
		t.Errorf("book span's booking ID = %q, want %q", v.AsString(), conf.Booking.ID)
	}
	if v, _ := attrOf(first, booking.AttrOutcome); v.AsString() != string(booking.OutcomeDone) {
		t.Errorf("book span's outcome = %q, want done", v.AsString())
	}
	if v, _ := attrOf(first, booking.AttrReconciled); !v.AsBool() {
		t.Errorf("book span of the lost answer is not marked reconciled")
	}
	if v, _ := attrOf(byName["booking book"][1], booking.AttrReplayed); !v.AsBool() {
		t.Errorf("repeated book span is not marked replayed")
	}
	rec := byName["booking reconcile book"][0]
	if rec.Parent().SpanID() != first.SpanContext().SpanID() {
		t.Errorf("the reconciliation's span is not a child of the book span")
	}
	taken := byName["booking book"][2]
	if taken.Status().Code != codes.Error {
		t.Errorf("refused book span's status = %v, want Error", taken.Status())
	}
	if v, _ := attrOf(taken, booking.AttrErrorKind); v.AsString() != tidbok.KindSlotTaken.String() {
		t.Errorf("refused book span's kind = %q, want %q", v.AsString(), tidbok.KindSlotTaken)
	}
	if v, _ := attrOf(taken, booking.AttrOutcome); v.AsString() != string(booking.OutcomeTaken) {
		t.Errorf("refused book span's outcome = %q, want taken", v.AsString())
	}
	if v, _ := attrOf(byName["booking cancel"][0], booking.AttrBookingID); v.AsString() != conf.Booking.ID {
		t.Errorf("cancel span's booking ID = %q, want %q", v.AsString(), conf.Booking.ID)
	}

	// Metrics.
	rm := r.metrics(t)
	act := func(a booking.Action) attribute.KeyValue { return booking.AttrAction.String(string(a)) }
	out := func(o booking.Outcome) attribute.KeyValue { return booking.AttrOutcome.String(string(o)) }
	for _, c := range []struct {
		name string
		want int64
		attr []attribute.KeyValue
	}{
		{"booking.calls", 2, []attribute.KeyValue{act(booking.ActionBook), out(booking.OutcomeDone)}},
		{"booking.calls", 1, []attribute.KeyValue{act(booking.ActionBook), out(booking.OutcomeTaken)}},
		{"booking.calls", 2, []attribute.KeyValue{act(booking.ActionSearch), out(booking.OutcomeDone)}},
		{"booking.calls", 1, []attribute.KeyValue{act(booking.ActionReschedule), out(booking.OutcomeDone)}},
		{"booking.calls", 1, []attribute.KeyValue{act(booking.ActionCancel), out(booking.OutcomeDone)}},
		{"booking.errors", 1, []attribute.KeyValue{act(booking.ActionBook), booking.AttrErrorKind.String(tidbok.KindSlotTaken.String())}},
		{"booking.errors", 1, nil},
		{"booking.duration", 3, []attribute.KeyValue{act(booking.ActionBook)}},
		{"booking.duration", 1, []attribute.KeyValue{act(booking.ActionHold)}},
		{"booking.holds.taken", 1, nil},
		{"booking.holds.expired", 0, nil},
		{"booking.request_keys.replayed", 1, []attribute.KeyValue{act(booking.ActionBook)}},
		{"booking.reconciliations", 1, []attribute.KeyValue{act(booking.ActionBook), attribute.String("booking.reconcile.result", "found")}},
	} {
		if got := count(rm, c.name, c.attr...); got != c.want {
			t.Errorf("%s%v = %d, want %d", c.name, c.attr, got, c.want)
		}
	}
	noPersonalNumbers(t, r.spans.Ended(), rm)
}

// A hold that ran out is counted as expired when the citizen books with
// it.
func TestTelemetryOfAnExpiredHold(t *testing.T) {
	t.Parallel()
	var r recorded
	f := newFixture(t, books[0].wrap, withTelemetry(&r))
	ctx := context.Background()
	sc := scope(anna, ctBook)
	f.accept(anna, ctBook)
	h, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: f.slotAt(sc, at(time.January, 14, 13, 0))})
	must(t, err)
	f.clock.Advance(booking.DefaultHoldTTL + time.Second)
	if _, err := f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "k1", Hold: h.Token, Contact: contact}); !errors.Is(err, booking.ErrHoldExpired) {
		t.Fatalf("Book with an expired hold: %v, want ErrHoldExpired", err)
	}
	rm := r.metrics(t)
	if got := count(rm, "booking.holds.expired"); got != 1 {
		t.Errorf("booking.holds.expired = %d, want 1", got)
	}
	if got := count(rm, "booking.calls", booking.AttrAction.String(string(booking.ActionBook)),
		booking.AttrOutcome.String(string(booking.OutcomeRefused))); got != 1 {
		t.Errorf("booking.calls{book, refused} = %d, want 1", got)
	}
	if got := count(rm, "booking.errors", booking.AttrAction.String(string(booking.ActionBook))); got != 1 {
		t.Errorf("booking.errors{book} = %d, want 1", got)
	}
	noPersonalNumbers(t, r.spans.Ended(), rm)
}

// noPersonalNumbers fails t for every personal identity number in a
// span's name, attributes, events or status, or in a metric's attributes.
func noPersonalNumbers(t *testing.T, spans []sdktrace.ReadOnlySpan, rm metricdata.ResourceMetrics) {
	t.Helper()
	// The detector finds the numbers these tests use.
	if pnleak.Find(anna.Canonical()) == nil || pnleak.Find(bo.Canonical()) == nil {
		t.Fatal("the detector misses the tests' personal identity numbers")
	}
	check := func(what string, kvs []attribute.KeyValue) {
		for _, kv := range kvs {
			pnleak.Check(t, what+" attribute "+string(kv.Key), kv.Value.String())
		}
	}
	if len(spans) == 0 {
		t.Error("no spans to check")
	}
	for _, s := range spans {
		what := "span " + s.Name()
		pnleak.Check(t, what+"'s name", s.Name())
		pnleak.Check(t, what+"'s status", s.Status().Description)
		check(what, s.Attributes())
		for _, e := range s.Events() {
			pnleak.Check(t, what+"'s event", e.Name)
			check(what+"'s event", e.Attributes)
		}
	}
	points := 0
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			var sets []attribute.Set
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					sets = append(sets, p.Attributes)
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					sets = append(sets, p.Attributes)
				}
			default:
				t.Errorf("metric %s of unchecked type %T", m.Name, m.Data)
			}
			for _, set := range sets {
				points++
				check("metric "+m.Name, set.ToSlice())
			}
		}
	}
	if points == 0 {
		t.Error("no metric points to check")
	}
}

// The flow depends on the OpenTelemetry API only: no SDK, exporter or
// Prometheus client is linked into a program that imports it.
func TestTelemetryNeedsTheAPIOnly(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "github.com/webbtidbok/webbtidbok/booking/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for dep := range strings.FieldsSeq(string(out)) {
		if strings.HasPrefix(dep, "go.opentelemetry.io/otel/sdk") || strings.HasPrefix(dep, "go.opentelemetry.io/otel/exporters") ||
			strings.HasPrefix(dep, "github.com/prometheus/") {
			t.Errorf("package booking depends on %s", dep)
		}
	}
}

// A repeat that waits for its request key, held by the first call, has a
// child span for the wait and is counted as waiting and replayed.
func TestTelemetryOfARequestKeyWait(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var r recorded
		var blk *blockingBook
		f := newFixture(t, books[0].wrap, withTelemetry(&r), func(c *booking.Config) {
			blk = &blockingBook{Tidbok: c.Book, entered: make(chan struct{}), release: make(chan struct{})}
			c.Book = blk
		})
		f.accept(anna, ctBook)
		sc := scope(anna, ctBook)
		req := booking.BookRequest{Scope: sc, Key: "key", Slot: f.slotAt(sc, wed10), Contact: contact}
		first := make(chan error, 1)
		go func() {
			_, err := f.svc.Book(t.Context(), req)
			first <- err
		}()
		<-blk.entered
		repeat := make(chan booking.Confirmation, 1)
		go func() {
			c, err := f.svc.Book(t.Context(), req)
			must(t, err)
			repeat <- c
		}()
		synctest.Wait() // the repeat waits for the key
		close(blk.release)
		must(t, <-first)
		if c := <-repeat; !c.Replayed {
			t.Fatalf("the repeat = %+v, want replayed", c)
		}

		var waits, books []sdktrace.ReadOnlySpan
		for _, s := range r.spans.Ended() {
			switch s.Name() {
			case "booking request key wait":
				waits = append(waits, s)
			case "booking book":
				books = append(books, s)
			}
		}
		if len(waits) != 1 || len(books) != 2 {
			t.Fatalf("%d wait spans and %d book spans, want 1 and 2", len(waits), len(books))
		}
		// Either call may end first: the repeat's span is the one marked
		// replayed, and it is the wait's parent.
		var replayed []sdktrace.ReadOnlySpan
		for _, s := range books {
			if v, _ := attrOf(s, booking.AttrReplayed); v.AsBool() {
				replayed = append(replayed, s)
			}
		}
		if len(replayed) != 1 {
			t.Fatalf("%d book spans marked replayed, want 1", len(replayed))
		}
		if waits[0].Parent().SpanID() != replayed[0].SpanContext().SpanID() {
			t.Errorf("the wait's span is not a child of the repeat's span")
		}
		rm := r.metrics(t)
		book := booking.AttrAction.String(string(booking.ActionBook))
		if got := count(rm, "booking.request_keys.waits", book); got != 1 {
			t.Errorf("booking.request_keys.waits{book} = %d, want 1", got)
		}
		if got := count(rm, "booking.request_keys.replayed", book); got != 1 {
			t.Errorf("booking.request_keys.replayed{book} = %d, want 1", got)
		}
		noPersonalNumbers(t, r.spans.Ended(), rm)
	})
}
