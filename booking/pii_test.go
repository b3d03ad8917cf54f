package booking_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/internal/pnleak"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

// lockedBuffer is a log sink safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestTheFlowLogsNoPersonalNumberInClear: a citizen's whole flow — book,
// read, move, cancel, and a book that fails naming the citizen — over
// memtidbok and over the wire, with the flow's diagnostics, its audit
// log, the client's and the producer's logs all written out, shows no
// personal identity number in clear in any log or error.
func TestTheFlowLogsNoPersonalNumberInClear(t *testing.T) {
	t.Parallel()
	for name, wire := range map[string]bool{"memtidbok": false, "mvkclient→producer→memtidbok": true} {
		t.Run("over "+name, func(t *testing.T) {
			t.Parallel()
			logs := new(lockedBuffer)
			logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			wrap := func(_ testing.TB, f *fixture) tidbok.Tidbok { return f.mem }
			if wire {
				wrap = func(t testing.TB, f *fixture) tidbok.Tidbok { return loggedWire(t, f, logger) }
			}
			f := newFixture(t, wrap, func(c *booking.Config) {
				c.Logger = logger
				c.Audit = booking.LogAudit(logger)
			})
			var errs []string
			keep := func(err error) {
				if err != nil {
					errs = append(errs, err.Error())
				}
			}
			ctx := context.Background()
			sc, msc := scope(anna, ctBook), scope(anna, ctManage)
			f.accept(anna, ctBook)
			f.accept(anna, ctManage)
			day := tidbok.Date{Year: 2026, Month: time.January, Day: 14}
			slots, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: sc, TimeType: "PROV", From: day, To: day})
			must(t, err)
			h, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: slots.Slots[0]})
			must(t, err)
			conf, err := f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "k1", Hold: h.Token, Contact: contact})
			must(t, err)
			_, err = f.svc.MyBookings(ctx, msc)
			keep(err)
			_, err = f.svc.Details(ctx, booking.DetailsRequest{Scope: msc, BookingID: conf.Booking.ID})
			keep(err)

			// The book fails, naming the citizen in every form.
			pn := anna.Canonical()
			texts := pn + " " + pn[:8] + "-" + pn[8:] + " " + pn[2:] + " " + pn[2:8] + "-" + pn[8:]
			for _, op := range tidbok.Operations() {
				f.faults.Set(op, faulty.Fault{Err: errors.New("row locked for " + texts), Times: 1})
			}
			_, err = f.svc.MyBookings(ctx, msc)
			keep(err)
			_, err = f.svc.Cancel(ctx, booking.CancelRequest{Scope: msc, Key: "k2", BookingID: conf.Booking.ID})
			keep(err)
			for _, op := range tidbok.Operations() {
				f.faults.Clear(op)
			}
			_, err = f.svc.Cancel(ctx, booking.CancelRequest{Scope: msc, Key: "k3", BookingID: conf.Booking.ID})
			keep(err)

			pnleak.Check(t, "the logs", logs.String())
			for _, e := range errs {
				pnleak.Check(t, "an error of the flow", e)
			}
		})
	}
}

// loggedWire is overTheWire with the client's and the producer's logs
// going to logger, and no retries.
func loggedWire(t testing.TB, f *fixture, logger *slog.Logger) tidbok.Tidbok {
	t.Helper()
	h, err := producer.New(f.mem, producer.Config{
		Facilities:  []tidbok.HSAID{clinic},
		AnyConsumer: true,
		Proxies:     producer.GuardianUnder13(f.guardians, f.clock.Now),
		Logger:      logger.With("who", "producer"),
	})
	if err != nil {
		t.Fatalf("producer.New: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := mvkclient.New(mvkclient.Config{
		BaseURL:          srv.URL + "/vp/crm/scheduling",
		RateLimit:        rate.Inf,
		MaxRetries:       -1,
		ReconcileDelay:   time.Millisecond,
		ReconcileTimeout: 100 * time.Millisecond,
		Logger:           logger.With("who", "mvkclient"),
	})
	if err != nil {
		t.Fatalf("mvkclient.New: %v", err)
	}
	return c
}
