package e2e

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir/fhirclient"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// fhirStack is a book served by the FHIR façade over mutual TLS, and
// fhirclient's client of it.
type fhirStack struct {
	book   *memtidbok.Book
	faults *faulty.Book
	seeder tidboktest.Seeder
	srv    *httptest.Server
	client *fhirclient.Client
}

// fhirOptions shape a fhirStack; the zero value is a full-capability
// book behind the façade, over mutual TLS, and a client with quick
// retries and no rate limit.
type fhirOptions struct {
	book []memtidbok.Option
	// plain serves plain HTTP instead of mutual TLS.
	plain bool
	// wrap wraps the façade's handler.
	wrap func(http.Handler) http.Handler
	// transport wraps the client's transport.
	transport func(http.RoundTripper) http.RoundTripper
	client    func(*fhirclient.Config)
	facade    func(*fhir.Config)
}

func newFHIRStack(t testing.TB, o fhirOptions) *fhirStack {
	t.Helper()
	book, seeder := testbook.New(t, o.book...)
	faults := faulty.Wrap(book)
	logs := newLogs(t)
	fcfg := fhir.Config{Facilities: []tidbok.HSAID{testbook.Facility()}, Logger: logs.logger("fhir"), Clock: seeder.Now}
	if o.plain {
		fcfg.AnyConsumer = true
	} else {
		fcfg.Consumers = []tidbok.HSAID{tidbok.MustHSAID(portalHSAID)}
	}
	if o.facade != nil {
		o.facade(&fcfg)
	}
	h, err := fhir.New(faults, fcfg)
	if err != nil {
		t.Fatalf("fhir.New: %v", err)
	}
	var served http.Handler = h
	if o.wrap != nil {
		served = o.wrap(served)
	}
	srv := httptest.NewUnstartedServer(served)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	if o.plain {
		srv.Start()
	} else {
		p := sharedPKI(t)
		srv.TLS = p.ServerTLS()
		srv.StartTLS()
		tr.TLSClientConfig = p.ClientTLS(portalHSAID)
	}
	t.Cleanup(srv.Close)
	var rt http.RoundTripper = tr
	if o.transport != nil {
		rt = o.transport(rt)
	}
	cfg := fhirclient.Config{
		BaseURL:          srv.URL,
		HTTPClient:       &http.Client{Transport: rt},
		RateLimit:        rate.Inf,
		InitialBackoff:   time.Millisecond,
		MaxBackoff:       10 * time.Millisecond,
		ReconcileDelay:   5 * time.Millisecond,
		ReconcileTimeout: 2 * time.Second,
		Logger:           logs.logger("fhirclient"),
	}
	if o.client != nil {
		o.client(&cfg)
	}
	c, err := fhirclient.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("fhirclient.New: %v", err)
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &fhirStack{book: book, faults: faults, seeder: seeder, srv: srv, client: c}
}
