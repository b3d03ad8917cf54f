package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir/fhirclient"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// BenchmarkFHIRFind compares a $find round trip of 50 slots (fhirclient
// → the FHIR façade → memtidbok and back, decoded into 50
// tidbok.Timeslots) with a bare net/http handler serving the same answer
// bytes to the same http.Client, on loopback over plain HTTP with no
// rate limit and no logging. The target is at least half the bare
// handler's request rate.
func BenchmarkFHIRFind(b *testing.B) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(hc.CloseIdleConnections)
	s := newFHIRStack(b, fhirOptions{
		plain:  true,
		facade: func(c *fhir.Config) { c.Logger = nil },
		client: func(c *fhirclient.Config) { c.HTTPClient, c.Logger = hc, nil },
	})
	doctor := tidbok.MustHSAID("SE2321000016-DR01")
	if err := s.book.AddTimeType(b.Context(), testbook.Facility(), tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}); err != nil {
		b.Fatal(err)
	}
	if err := s.book.AddPerformer(b.Context(), testbook.Facility(), tidbok.Performer{ID: doctor, Title: "Dr", FirstName: "Eva", LastName: "Ek"}); err != nil {
		b.Fatal(err)
	}
	date := tidbok.DateOf(testbook.DefaultNow()).AddDays(2)
	for i := range slotsInAnswer {
		start := date.Start().Add(8*time.Hour + time.Duration(i)*10*time.Minute)
		if _, err := s.book.Publish(b.Context(), staff.SlotSpec{Facility: testbook.Facility(), Start: start, End: start.Add(10 * time.Minute), TimeTypeID: "LAK", Performer: doctor}); err != nil {
			b.Fatal(err)
		}
	}
	req := tidbok.AvailabilityRequest{Facility: testbook.Facility(), Subject: anna, From: date, To: date}
	q := url.Values{"location": {"Location/" + testbook.FacilityID}, "patient:identifier": {fhir.SystemPersonnummer + "|" + anna.Canonical()},
		"start": {date.String()}, "end": {date.String()}, "_count": {"500"}}
	get := func(base string) (*http.Response, error) {
		r, err := http.NewRequest(http.MethodGet, base+"/Appointment/$find?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		r.Header.Set("Accept", "application/fhir+json")
		r.Header.Set(fhir.ActorHeader, fhir.SystemPersonnummer+"|"+anna.Canonical())
		return hc.Do(r)
	}
	answer := new(bytes.Buffer)
	{
		resp, err := get(s.srv.URL)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(answer, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("the façade answered %d: %s", resp.StatusCode, answer)
		}
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metadata" {
			// Only fhirclient.New asks: the capabilities of the real façade.
			resp, err := get(s.srv.URL + "/metadata?")
			if err == nil {
				w.Header().Set("Content-Type", fhir.ContentType)
				_, _ = io.Copy(w, resp.Body)
				resp.Body.Close()
			}
			return
		}
		w.Header().Set("Content-Type", fhir.ContentType)
		_, _ = w.Write(answer.Bytes())
	}))
	b.Cleanup(bare.Close)
	fetch := func() (int, error) {
		resp, err := get(bare.URL)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		return int(n), err
	}
	direct, err := fhirclient.New(b.Context(), fhirclient.Config{BaseURL: bare.URL, HTTPClient: hc, RateLimit: rate.Inf})
	if err != nil {
		b.Fatal(err)
	}
	find := func(b *testing.B, c *fhirclient.Client) bool {
		res, err := c.AvailableTimeslots(b.Context(), req)
		if err != nil || res.Len() != slotsInAnswer {
			b.Errorf("%d slots, %v", res.Len(), err)
			return false
		}
		return true
	}

	b.Run("client=fhirclient/server=fhir-memtidbok", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(answer.Len()))
		defer meterCPU(b)()
		for b.Loop() {
			if !find(b, s.client) {
				return
			}
		}
	})
	b.Run("client=net-http/server=bare-handler", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(answer.Len()))
		defer meterCPU(b)()
		for b.Loop() {
			if n, err := fetch(); err != nil || n != answer.Len() {
				b.Fatalf("%d bytes, %v", n, err)
			}
		}
	})
	// The decomposition: fhirclient against the bare handler (no façade,
	// no book).
	b.Run("client=fhirclient/server=bare-handler", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(answer.Len()))
		defer meterCPU(b)()
		for b.Loop() {
			if !find(b, direct) {
				return
			}
		}
	})
	b.Run("client=fhirclient/server=fhir-memtidbok/parallel=16", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(answer.Len()))
		defer meterCPU(b)()
		setParallelClients(b)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if !find(b, s.client) {
					return
				}
			}
		})
	})
	b.Run("client=net-http/server=bare-handler/parallel=16", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(answer.Len()))
		defer meterCPU(b)()
		setParallelClients(b)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if n, err := fetch(); err != nil || n != answer.Len() {
					b.Errorf("%d bytes, %v", n, err)
					return
				}
			}
		})
	})
}
