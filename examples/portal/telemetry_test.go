package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

var metricsURL = regexp.MustCompile(`url=(http://\S+/metrics)`)

// The portal started with -metrics-addr serves the booking flow's
// metrics in Prometheus text format on that address: after a citizen
// books, the counters say so, and no label carries a personal identity
// number. The test is not parallel: the portal installs its providers as
// OpenTelemetry's globals, which the other tests' portals would report to.
func TestRunServesMetrics(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	done := make(chan error, 1)
	var log strings.Builder
	logs := &syncWriter{w: &log}
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-metrics-addr", "127.0.0.1:0"}, logs, func(a string) { addr <- a })
	}()
	var a string
	select {
	case a = <-addr:
	case err := <-done:
		t.Fatalf("run ended before serving: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("run did not start serving")
	}
	logs.mu.Lock()
	m := metricsURL.FindStringSubmatch(log.String())
	logs.mu.Unlock()
	if m == nil {
		t.Fatalf("the log names no /metrics URL:\n%s", log.String())
	}

	// A citizen books the first free slot of the coming days, on the
	// portal's own clock.
	b := (&portal{srv: &httptest.Server{URL: "http://" + a}}).browser(t)
	b.login("tolvan", "eid")
	today := tidbok.DateOf(time.Now())
	var pg page
	for d := 1; ; d++ {
		if d > 14 {
			t.Fatal("no free slot in the coming two weeks")
		}
		pg = b.get(bookPath + "/tider?tidstyp=LAK&datum=" + today.AddDays(d).String())
		if strings.Contains(pg.path, "/villkor") {
			pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
		}
		if strings.Contains(pg.body, `/tider"`) && hasSlotForm(pg) {
			break
		}
	}
	pg = b.submit(pg, "/tider", 0, nil)
	if !strings.HasSuffix(pg.path, "/bekrafta") {
		t.Fatalf("holding the slot ended at %s (%d):\n%s", pg.path, pg.status, pg.body)
	}
	pg = b.submit(pg, "/bekrafta", 0, nil)
	if !strings.Contains(pg.path, "/bekraftelse/") {
		t.Fatalf("booking ended at %s (%d):\n%s", pg.path, pg.status, pg.body)
	}

	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", m[1], resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	counter := func(name string, labels map[string]string) float64 {
		f := families[name]
		if f == nil {
			return 0
		}
		var n float64
		for _, m := range f.GetMetric() {
			if hasLabels(m, labels) {
				n += m.GetCounter().GetValue()
			}
		}
		return n
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"booking_calls_total", map[string]string{"booking_action": "book", "booking_outcome": "done"}, 1},
		{"booking_calls_total", map[string]string{"booking_action": "hold", "booking_outcome": "done"}, 1},
		{"booking_holds_taken_total", nil, 1},
	} {
		if got := counter(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if h := families["booking_duration_seconds"]; h == nil || h.GetType() != dto.MetricType_HISTOGRAM {
		t.Errorf("no histogram booking_duration_seconds among %d families", len(families))
	}
	for name, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				noCitizen(t, "metric "+name+"'s label "+l.GetName(), l.GetValue())
			}
		}
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

// hasSlotForm reports whether a slots page offers a slot to hold.
func hasSlotForm(pg page) bool {
	for _, f := range formsOf(pg.body) {
		if strings.HasSuffix(f.action, "/tider") && f.values.Get("start") != "" {
			return true
		}
	}
	return false
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	for k, v := range want {
		found := false
		for _, l := range m.GetLabel() {
			if l.GetName() == k && l.GetValue() == v {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// The portal started with -otlp-endpoint sends the booking flow's spans to
// that collector over OTLP/HTTP, at the traces' path, by the time it has
// shut down. Not parallel, as it replaces OpenTelemetry's globals.
func TestRunSendsTracesOverOTLP(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	var bodies [][]byte
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		paths, bodies = append(paths, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")), append(bodies, body)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer collector.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	done := make(chan error, 1)
	var log strings.Builder
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-otlp-endpoint", collector.URL},
			&syncWriter{w: &log}, func(a string) { addr <- a })
	}()
	var a string
	select {
	case a = <-addr:
	case err := <-done:
		t.Fatalf("run ended before serving: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("run did not start serving")
	}
	b := (&portal{srv: &httptest.Server{URL: "http://" + a}}).browser(t)
	b.login("tolvan", "eid") // the contact card: a call of the flow
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(paths) == 0 {
		t.Fatal("the collector received nothing")
	}
	sent := false
	for i, p := range paths {
		if p != "POST /v1/traces application/x-protobuf" {
			t.Errorf("the collector received %s, want POST /v1/traces of protobuf", p)
		}
		// The span's name is in the protobuf as plain bytes.
		sent = sent || bytes.Contains(bodies[i], []byte("booking contact card"))
		noCitizen(t, "the exported spans", string(bodies[i]))
	}
	if !sent {
		t.Error("no span \"booking contact card\" was sent")
	}
}

// noCitizen fails t when text names the demo citizen who booked, Tolvan
// Tolvansson, by personal identity number (in any of its usual forms) or
// name.
func noCitizen(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{"191212121212", "19121212-1212", "1212121212", "121212-1212", "Tolvan", "Tolvansson"} {
		if strings.Contains(text, s) {
			t.Errorf("%s shows the citizen's %q", what, s)
		}
	}
}
