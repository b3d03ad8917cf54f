package e2e

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"syscall"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// slotsInAnswer is the size of the benchmarked AvailableTimeslots answer.
const slotsInAnswer = 50

// parallelClients is how many clients the parallel rounds of
// BenchmarkAvailableTimeslots run at once.
const parallelClients = 16

// setParallelClients makes b.RunParallel start at least parallelClients
// goroutines: it starts p × GOMAXPROCS.
func setParallelClients(b *testing.B) {
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((parallelClients + procs - 1) / procs)
}

// meterCPU starts counting the process's CPU time (user and system, all
// threads: clients, servers, the collector); the function it returns
// reports it per operation as cpu-ns/op. On a shared machine the CPU a
// request costs varies much less than its wall time does.
func meterCPU(b *testing.B) func() {
	b.Helper()
	start := cpuTime(b)
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// productionLogger is a logger as a production deployment has one: text
// records at Info and above (the producer's one record per request; not
// the client's Debug record per attempt), formatted in full and then
// dropped, so that a benchmark measures the library rather than a log
// growing in memory.
func productionLogger(who string) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})).With("who", who)
}

// benchSetup is a plain-HTTP stack whose book has slotsInAnswer free
// slots on one date, the request for them, and one http.Client shared by
// the client under test and the baseline.
type benchSetup struct {
	s    *stack
	hc   *http.Client
	req  tidbok.AvailabilityRequest
	body []byte // the request envelope
}

func newBenchSetup(b *testing.B) *benchSetup {
	b.Helper()
	return newBenchSetupWith(b, options{})
}

// newBenchSetupWith is newBenchSetup with the stack's options o (served
// over plain HTTP, the client's HTTP client the setup's).
func newBenchSetupWith(b *testing.B, o options) *benchSetup {
	b.Helper()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(hc.CloseIdleConnections)
	o.plain = true
	edit := o.client
	o.client = func(c *mvkclient.Config) {
		c.Logger = productionLogger("mvkclient")
		if edit != nil {
			edit(c)
		}
		c.HTTPClient = hc
		c.TLSConfig = nil
	}
	editProducer := o.producer
	o.producer = func(c *producer.Config) {
		c.Logger = productionLogger("producer")
		if editProducer != nil {
			editProducer(c)
		}
	}
	s := newStack(b, o)
	if err := s.book.AddTimeType(b.Context(), testbook.Facility(), tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}); err != nil {
		b.Fatal(err)
	}
	if err := s.book.AddPerformer(b.Context(), testbook.Facility(), tidbok.Performer{ID: tidbok.MustHSAID("SE2321000016-DR01"), Title: "Dr", FirstName: "Eva", LastName: "Ek"}); err != nil {
		b.Fatal(err)
	}
	date := tidbok.DateOf(testbook.DefaultNow()).AddDays(2)
	for i := range slotsInAnswer {
		start := date.Start().Add(8*time.Hour + time.Duration(i)*10*time.Minute)
		if _, err := s.book.Publish(b.Context(), staff.SlotSpec{
			Facility: testbook.Facility(), Start: start, End: start.Add(10 * time.Minute),
			TimeTypeID: "LAK", Performer: tidbok.MustHSAID("SE2321000016-DR01"),
		}); err != nil {
			b.Fatal(err)
		}
	}
	req := tidbok.AvailabilityRequest{Facility: testbook.Facility(), Subject: anna, From: date, To: date}
	body, err := crmwire.EncodeRequest(tidbok.OpAvailableTimeslots, crmwire.Header{LogicalAddress: testbook.FacilityID}, req)
	if err != nil {
		b.Fatal(err)
	}
	return &benchSetup{s: s, hc: hc, req: req, body: body}
}

// post sends the request envelope to url with hc and reads the whole
// answer, as a client that does nothing with it would.
func (bs *benchSetup) post(url string) (int, error) {
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(bs.body))
	if err != nil {
		return 0, err
	}
	r.Header.Set("Content-Type", soap.ContentType)
	r.Header.Set("SOAPAction", soap.QuoteAction("urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1:GetAvailableTimeslots"))
	resp, err := bs.hc.Do(r)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	return int(n), err
}

// BenchmarkAvailableTimeslots compares a full round trip (mvkclient →
// producer → memtidbok and back, decoded into 50 tidbok.Timeslots) with
// a bare net/http handler that serves the same answer bytes to the same
// http.Client, on loopback over plain HTTP with no rate limit, the client
// and the producer logging as in production (productionLogger). The
// target is at least half the bare handler's request rate.
func BenchmarkAvailableTimeslots(b *testing.B) {
	bs := newBenchSetup(b)
	endpoint := bs.s.client.Endpoint(tidbok.OpAvailableTimeslots)
	answer := new(bytes.Buffer)
	// The answer's bytes, as the producer sends them.
	{
		r, _ := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(bs.body))
		r.Header.Set("Content-Type", soap.ContentType)
		r.Header.Set("SOAPAction", soap.QuoteAction("urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1:GetAvailableTimeslots"))
		resp, err := bs.hc.Do(r)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(answer, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("the producer answered %d: %s", resp.StatusCode, answer)
		}
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", soap.ContentType)
		_, _ = w.Write(answer.Bytes())
	}))
	b.Cleanup(bare.Close)

	b.Run("client=mvkclient/producer=memtidbok", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(answer.Len()))
		defer meterCPU(b)()
		for b.Loop() {
			res, err := bs.s.client.AvailableTimeslots(b.Context(), bs.req)
			if err != nil || res.Len() != slotsInAnswer {
				b.Fatalf("%d slots, %v", res.Len(), err)
			}
		}
	})
	b.Run("client=net-http/producer=bare-handler", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(answer.Len()))
		defer meterCPU(b)()
		for b.Loop() {
			if n, err := bs.post(bare.URL); err != nil || n != answer.Len() {
				b.Fatalf("%d bytes, %v", n, err)
			}
		}
	})
	// The decomposition: mvkclient against the bare handler (no producer,
	// no book), and plain net/http plus the codec's decoding alone.
	direct, err := mvkclient.New(mvkclient.Config{
		BaseURL:    bare.URL,
		Endpoints:  map[tidbok.Operation]string{tidbok.OpAvailableTimeslots: bare.URL},
		HTTPClient: bs.hc,
		RateLimit:  rate.Inf,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("client=mvkclient/producer=bare-handler", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(answer.Len()))
		defer meterCPU(b)()
		for b.Loop() {
			res, err := direct.AvailableTimeslots(b.Context(), bs.req)
			if err != nil || res.Len() != slotsInAnswer {
				b.Fatalf("%d slots, %v", res.Len(), err)
			}
		}
	})
	b.Run("client=net-http+decode/producer=bare-handler", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(answer.Len()))
		defer meterCPU(b)()
		for b.Loop() {
			r, _ := http.NewRequest(http.MethodPost, bare.URL, bytes.NewReader(bs.body))
			resp, err := bs.hc.Do(r)
			if err != nil {
				b.Fatal(err)
			}
			res, err := crmwire.DecodeResponse(tidbok.OpAvailableTimeslots, resp.Body, soap.Limits{MaxBytes: 1 << 20})
			resp.Body.Close()
			if err != nil || res.(tidbok.AvailableTimeslotsResult).Len() != slotsInAnswer {
				b.Fatalf("%v, %v", res, err)
			}
		}
	})
	// The parallel rounds run parallelClients goroutines at once, whatever
	// GOMAXPROCS is (RunParallel starts p × GOMAXPROCS).
	b.Run("client=mvkclient/producer=memtidbok/parallel=16", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(answer.Len()))
		defer meterCPU(b)()
		setParallelClients(b)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				res, err := bs.s.client.AvailableTimeslots(b.Context(), bs.req)
				if err != nil || res.Len() != slotsInAnswer {
					b.Errorf("%d slots, %v", res.Len(), err)
					return
				}
			}
		})
	})
	b.Run("client=net-http/producer=bare-handler/parallel=16", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(answer.Len()))
		defer meterCPU(b)()
		setParallelClients(b)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if n, err := bs.post(bare.URL); err != nil || n != answer.Len() {
					b.Errorf("%d bytes, %v", n, err)
					return
				}
			}
		})
	})
}
