package main

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.opentelemetry.io/otel"
)

var metricsURL = regexp.MustCompile(`url=(http://\S+/metrics)`)

// The producer started with -metrics-addr serves /metrics in Prometheus
// text format there, from the SDK it installed as OpenTelemetry's
// globals: a counter made from the global meter provider, as the
// libraries make theirs by default, is in the scrape. The test is not
// parallel, since it replaces the globals.
func TestRunServesMetrics(t *testing.T) {
	addr, logs := start(t, "-addr", "127.0.0.1:0", "-facility", facility, "-metrics-addr", "127.0.0.1:0")
	m := metricsURL.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("the log names no /metrics URL:\n%s", logs.String())
	}
	if status, body, err := getAllTimeTypes(t, http.DefaultClient, "http://"+addr+"/GetAllTimeTypes/1/rivtabp21"); err != nil || status != http.StatusOK {
		t.Fatalf("GetAllTimeTypes: %d %v\n%s", status, err, body)
	}
	c, err := otel.Meter("seam").Int64Counter("seam.check")
	if err != nil {
		t.Fatal(err)
	}
	c.Add(context.Background(), 1)

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
	if f := families["seam_check_total"]; f == nil || len(f.GetMetric()) != 1 || f.GetMetric()[0].GetCounter().GetValue() != 1 {
		t.Errorf("seam_check_total = %v, want 1 from the global meter provider", f)
	}
	found := false
	for _, m := range families["target_info"].GetMetric() {
		for _, l := range m.GetLabel() {
			found = found || l.GetName() == "service_name" && l.GetValue() == "webbtidbok-producer"
		}
	}
	if !found {
		t.Errorf("target_info does not name the service webbtidbok-producer: %v", families["target_info"])
	}
}

// Without telemetry flags nothing is installed: no SDK, no /metrics.
func TestRunWithoutTelemetryFlagsInstallsNothing(t *testing.T) {
	tel, err := startTelemetry(context.Background(), telemetryOptions{}, "webbtidbok-producer", nil)
	if err != nil {
		t.Fatal(err)
	}
	if tel.tracerProvider != nil || tel.meterProvider != nil || tel.metricsAddr != "" {
		t.Errorf("without flags, telemetry = %+v, want nothing installed", tel)
	}
}
