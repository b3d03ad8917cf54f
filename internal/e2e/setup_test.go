// Package e2e tests the whole wire end to end: mvkclient calling
// tidbok/producer over mutual TLS on loopback, with memtidbok as the
// clinic's book behind the producer. It holds tests only.
package e2e

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/internal/testpki"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// portalHSAID is the HSA-id in the consumer's client certificate.
const portalHSAID = "SE2321000016-PORTAL"

var (
	pkiOnce sync.Once
	pki     *testpki.PKI
	pkiErr  error
)

// sharedPKI returns one PKI for the whole test binary: making keys is
// the slow part of a TLS test.
func sharedPKI(t testing.TB) *testpki.PKI {
	t.Helper()
	pkiOnce.Do(func() { pki, pkiErr = testpki.Generate(24 * time.Hour) })
	if pkiErr != nil {
		t.Fatalf("testpki: %v", pkiErr)
	}
	return pki
}

// stack is a book served by the producer over mutual TLS, and a client
// of it. The client's and the producer's logs and every error the client
// returns are checked for personal identity numbers in clear when the
// test ends (pii_test.go).
type stack struct {
	book *memtidbok.Book
	// faults wraps book, and the producer serves it.
	faults *faulty.Book
	seeder tidboktest.Seeder
	srv    *httptest.Server
	client *recordingClient
}

// options shape a stack; the zero value is a full-capability book and a
// client with quick retries and no rate limit.
type options struct {
	// book are memtidbok options, after testbook's clock.
	book []memtidbok.Option
	// detach makes the producer call the book with contexts that are
	// never cancelled, as a journal system that finishes a transaction it
	// started even when the consumer has hung up.
	detach bool
	// plain serves plain HTTP instead of mutual TLS.
	plain bool
	// client edits the client's Config.
	client func(*mvkclient.Config)
	// producer edits the producer's Config.
	producer func(*producer.Config)
	// serve wraps the book the producer serves (after its faults).
	serve func(tidbok.Tidbok) tidbok.Tidbok
}

func newStack(t testing.TB, o options) *stack {
	t.Helper()
	book, seeder := testbook.New(t, o.book...)
	faults := faulty.Wrap(book)
	var served tidbok.Tidbok = faults
	if o.serve != nil {
		served = o.serve(served)
	}
	if o.detach {
		served = detached{served}
	}
	logs := newLogs(t)
	pcfg := producer.Config{Facilities: []tidbok.HSAID{testbook.Facility()}, Logger: logs.logger("producer")}
	if o.plain {
		pcfg.AnyConsumer = true
	} else {
		pcfg.Consumers = []tidbok.HSAID{tidbok.MustHSAID(portalHSAID)}
	}
	if o.producer != nil {
		o.producer(&pcfg)
	}
	h, err := producer.New(served, pcfg)
	if err != nil {
		t.Fatalf("producer.New: %v", err)
	}
	srv := httptest.NewUnstartedServer(h)
	// Refused handshakes are what some tests are about; keep them quiet.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	cfg := mvkclient.Config{
		Capabilities:     book.Capabilities(),
		RateLimit:        rate.Inf,
		InitialBackoff:   time.Millisecond,
		MaxBackoff:       10 * time.Millisecond,
		ReconcileDelay:   5 * time.Millisecond,
		ReconcileTimeout: 2 * time.Second,
		Logger:           logs.logger("mvkclient"),
	}
	if o.plain {
		srv.Start()
	} else {
		p := sharedPKI(t)
		srv.TLS = p.ServerTLS()
		srv.StartTLS()
		cfg.TLSConfig = p.ClientTLS(portalHSAID)
	}
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL + "/vp/crm/scheduling"
	if o.client != nil {
		o.client(&cfg)
	}
	c, err := mvkclient.New(cfg)
	if err != nil {
		t.Fatalf("mvkclient.New: %v", err)
	}
	return &stack{book: book, faults: faults, seeder: seeder, srv: srv, client: &recordingClient{Client: c, logs: logs}}
}

// bookings returns every booking at the test clinic, as staff see them.
func (s *stack) bookings(t testing.TB) []staff.Booking {
	t.Helper()
	bs, err := s.book.Bookings(context.Background(), testbook.Facility())
	if err != nil {
		t.Fatalf("Bookings: %v", err)
	}
	return bs
}

// detached is a book whose operations run to the end whatever happens to
// the caller's context (its values are kept).
type detached struct{ b tidbok.Tidbok }

var _ tidbok.Tidbok = detached{}

func (d detached) Capabilities() tidbok.Capabilities { return d.b.Capabilities() }

func (d detached) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	return d.b.Schedule(context.WithoutCancel(ctx), req)
}

func (d detached) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	return d.b.BookingDetails(context.WithoutCancel(ctx), req)
}

func (d detached) TimeTypes(ctx context.Context, req tidbok.TimeTypesRequest) (tidbok.TimeTypesResult, error) {
	return d.b.TimeTypes(context.WithoutCancel(ctx), req)
}

func (d detached) CareTypes(ctx context.Context, req tidbok.CareTypesRequest) (tidbok.CareTypesResult, error) {
	return d.b.CareTypes(context.WithoutCancel(ctx), req)
}

func (d detached) Performers(ctx context.Context, req tidbok.PerformersRequest) (tidbok.PerformersResult, error) {
	return d.b.Performers(context.WithoutCancel(ctx), req)
}

func (d detached) Facilities(ctx context.Context, req tidbok.FacilitiesRequest) (tidbok.FacilitiesResult, error) {
	return d.b.Facilities(context.WithoutCancel(ctx), req)
}

func (d detached) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	return d.b.AvailableDates(context.WithoutCancel(ctx), req)
}

func (d detached) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	return d.b.AvailableTimeslots(context.WithoutCancel(ctx), req)
}

func (d detached) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	return d.b.Book(context.WithoutCancel(ctx), req)
}

func (d detached) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	return d.b.Reschedule(context.WithoutCancel(ctx), req)
}

func (d detached) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	return d.b.Cancel(context.WithoutCancel(ctx), req)
}
