package main

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var metricsURL = regexp.MustCompile(`url=(http://\S+/metrics)`)

// The producer started with -metrics-addr serves /metrics in Prometheus
// text format there, from the SDK it installed: a request is counted by
// the producer and by the book it serves. The test is not
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
	// The request was counted twice: by the producer, and by the book it
	// serves.
	calls := map[string]float64{}
	for _, m := range families["tidbok_operation_calls_total"].GetMetric() {
		var book, op string
		for _, l := range m.GetLabel() {
			switch l.GetName() {
			case "tidbok_book":
				book = l.GetValue()
			case "tidbok_operation":
				op = l.GetValue()
			}
		}
		calls[book+" "+op] += m.GetCounter().GetValue()
	}
	for _, want := range []string{"producer TimeTypes", "memtidbok TimeTypes"} {
		if calls[want] != 1 {
			t.Errorf("tidbok_operation_calls_total{%s} = %v, want 1; all: %v", want, calls[want], calls)
		}
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
