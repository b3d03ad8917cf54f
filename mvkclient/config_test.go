package mvkclient_test

import (
	"crypto/tls"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestConfigReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	_, err := mvkclient.New(mvkclient.Config{
		BaseURL:          "ftp://vp.example",
		Endpoints:        map[tidbok.Operation]string{tidbok.OpBook: "not a url", tidbok.Operation(99): "https://x"},
		HTTPClient:       http.DefaultClient,
		TLSConfig:        &tls.Config{},
		RateLimit:        -1,
		InitialBackoff:   -time.Second,
		MaxResponseBytes: -1,
		ReconcileTimeout: -time.Second,
		Version:          7,
	})
	if !errors.Is(err, tidbok.ErrInvalid) {
		t.Fatalf("New: %v, want an error matching ErrInvalid", err)
	}
	var fields []string
	for _, fe := range tidbok.FieldErrors(err) {
		fields = append(fields, fe.Field)
	}
	want := []string{"Version", "BaseURL", "Endpoints[Book]", "Endpoints[Operation(99)]", "TLSConfig", "RateLimit",
		"InitialBackoff", "ReconcileTimeout", "MaxResponseBytes"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields with problems (-want +got):\n%s\nerror: %v", diff, err)
	}
}

func TestBaseURLIsNeededUnlessEveryEndpointIsGiven(t *testing.T) {
	t.Parallel()
	if _, err := mvkclient.New(mvkclient.Config{}); !errors.Is(err, tidbok.ErrInvalid) {
		t.Errorf("New(Config{}): %v, want ErrInvalid (no BaseURL)", err)
	}
	c, err := mvkclient.New(mvkclient.Config{
		Capabilities: tidbok.FlowCancel,
		Endpoints: map[tidbok.Operation]string{
			tidbok.OpSchedule: "https://a.example/schedule",
			tidbok.OpCancel:   "https://a.example/cancel",
		},
	})
	if err != nil {
		t.Fatalf("New with every endpoint of its capabilities: %v", err)
	}
	if got := c.Endpoint(tidbok.OpCancel); got != "https://a.example/cancel" {
		t.Errorf("Endpoint(Cancel) = %q", got)
	}
	if got := c.Endpoint(tidbok.OpBook); got != "" {
		t.Errorf("Endpoint(Book) of a client without Book = %q, want empty", got)
	}
}

func TestTheDefaultEndpointFollowsThePlatformsPattern(t *testing.T) {
	t.Parallel()
	c, err := mvkclient.New(mvkclient.Config{BaseURL: "https://vp.example/vp/crm/scheduling/"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Endpoint(tidbok.OpAvailableTimeslots), "https://vp.example/vp/crm/scheduling/GetAvailableTimeslots/1/rivtabp21"; got != want {
		t.Errorf("Endpoint = %q, want %q", got, want)
	}
	if got := c.Capabilities(); got != tidbok.AllCapabilities {
		t.Errorf("Capabilities() = %v, want all by default", got)
	}
}

func TestDeclaredCapabilitiesAlwaysIncludeSchedule(t *testing.T) {
	t.Parallel()
	c, err := mvkclient.New(mvkclient.Config{BaseURL: "https://vp.example", Capabilities: tidbok.CapabilitiesOf(tidbok.OpBook)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Capabilities(), tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpSchedule); got != want {
		t.Errorf("Capabilities() = %v, want %v", got, want)
	}
}
