package main

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// The portal's pages under load: benchClients browsers at once against a
// portal on a SQLite file, served on loopback, each page measured against
// a baseline measured in the same run (see BENCHMARKS.md):
//
//   - BenchmarkPages/static: a bare net/http handler serving the login
//     page's bytes, the baseline of the pages;
//   - BenchmarkPages/login: the login page, for visitors without a session;
//   - BenchmarkPages/slots: the free slots of a day, logged in;
//   - BenchmarkBookingCycle/book: sqltidbok's Book alone, on a book of its
//     own in a SQLite file, the baseline of the cycle;
//   - BenchmarkBookingCycle/cycle: a citizen's booking and its
//     cancellation, seven requests: the day's slots, the hold and the
//     confirmation page, the booking and the confirmation, the
//     cancellation and the list of bookings.
//
// Each reports its rate and the 99th percentile of its latency (of one
// request; for the cycle also of one cycle).

// benchClients is how many browsers use the portal at once.
const benchClients = 8

// setClients makes b.RunParallel run benchClients goroutines.
func setClients(b *testing.B) {
	p := runtime.GOMAXPROCS(0)
	if benchClients%p != 0 {
		b.Fatalf("GOMAXPROCS %d does not divide %d clients", p, benchClients)
	}
	b.SetParallelism(benchClients / p)
}

// benchPortal is the portal the benchmarks share, on a SQLite file in a
// temporary folder, seeded once per process.
var benchPortal struct {
	once sync.Once
	a    *app
	srv  *httptest.Server
	err  error
}

// benchTransport is every benchmark client's: enough idle connections for
// every client, so that no request pays for a new connection.
var benchTransport = &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}

func sharedPortal(b *testing.B) (*app, *httptest.Server) {
	b.Helper()
	benchPortal.once.Do(func() {
		dir, err := os.MkdirTemp("", "portal-bench-")
		if err != nil {
			benchPortal.err = err
			return
		}
		ids := &benchIdentity{}
		a, err := newApp(context.Background(), config{DataDir: dir, Logger: slog.New(slog.DiscardHandler), Identity: ids})
		if err != nil {
			benchPortal.err = err
			return
		}
		ids.IdentityProvider = demoIdentity{render: a.render}
		benchPortal.a, benchPortal.srv = a, httptest.NewServer(a)
	})
	if benchPortal.err != nil {
		b.Fatal(benchPortal.err)
	}
	return benchPortal.a, benchPortal.srv
}

// benchIdentity is the demo login, where a citizen may also log in with
// e-ID by any personal identity number (the form field "pnr"): the
// benchmarks need more citizens than the demo has.
type benchIdentity struct{ IdentityProvider }

func (d *benchIdentity) Finish(r *http.Request, state string) (Identity, error) {
	pnr := r.PostFormValue("pnr")
	if pnr == "" {
		return d.IdentityProvider.Finish(r, state)
	}
	pn, err := tidbok.ParsePersonalNumber(pnr)
	if err != nil || state == "" || r.PostFormValue("state") != state {
		return Identity{}, errLoginFailed
	}
	return Identity{Person: pn, Name: "Test Testsson", Assurance: casetype.AssuranceEID}, nil
}

// benchBrowser is one client: its cookies, and a client that does not
// follow redirects, so that every request is timed on its own.
type benchBrowser struct {
	b    *testing.B
	base string
	hc   *http.Client
	csrf string
	lat  []time.Duration
}

func newBenchBrowser(b *testing.B, base string) *benchBrowser {
	jar, _ := cookiejar.New(nil)
	return &benchBrowser{b: b, base: base, hc: &http.Client{
		Transport: benchTransport, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends one request and returns its status, the redirect's target and
// the body; it records the request's latency.
func (c *benchBrowser) do(method, path string, form url.Values) (int, string, string) {
	var body io.Reader
	if form != nil {
		if !form.Has("csrf") {
			form.Set("csrf", c.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.b.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.b.Fatalf("%s %s: %v", method, path, err)
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	c.lat = append(c.lat, time.Since(start))
	if err != nil {
		c.b.Fatalf("%s %s: %v", method, path, err)
	}
	if m := csrfField.FindStringSubmatch(string(b)); m != nil {
		c.csrf = html.UnescapeString(m[1])
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// must is do, for a request that must answer with status.
func (c *benchBrowser) must(status int, method, path string, form url.Values) (string, string) {
	got, loc, body := c.do(method, path, form)
	if got != status {
		c.b.Fatalf("%s %s: status %d (to %q), want %d:\n%.2000s", method, path, got, loc, status, body)
	}
	return loc, body
}

// login logs the client in as the citizen pn with e-ID, and
// accepts the terms of the case types to book and to manage bookings.
func (c *benchBrowser) login(pn tidbok.PersonalNumber) {
	_, body := c.must(http.StatusOK, http.MethodGet, "/logga-in", nil)
	f := formsOf(body)
	if len(f) == 0 {
		c.b.Fatalf("no login form:\n%s", body)
	}
	c.must(http.StatusSeeOther, http.MethodPost, "/logga-in/svar", url.Values{"state": f[0].values["state"], "pnr": {pn.Canonical()}})
	for _, p := range []string{bookPath, managePath} {
		_, body := c.must(http.StatusOK, http.MethodGet, p+"/villkor", nil)
		f, ok := formTo(body, "")
		if !ok {
			c.b.Fatalf("no terms form at %s", p)
		}
		f.values.Set("godkann", "ja")
		c.must(http.StatusSeeOther, http.MethodPost, p+"/villkor", f.values)
	}
	c.lat = c.lat[:0]
}

// latencies gathers the clients' latencies.
type latencies struct {
	mu  sync.Mutex
	all []time.Duration
}

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	l.all = append(l.all, d...)
	l.mu.Unlock()
}

// report reports the rate of ops per second over elapsed and the 99th
// percentile of the latencies, in milliseconds, under name.
func (l *latencies) report(b *testing.B, elapsed time.Duration, ops int, rate, name string) {
	b.ReportMetric(float64(ops)/elapsed.Seconds(), rate)
	if len(l.all) == 0 {
		return
	}
	slices.Sort(l.all)
	i := (len(l.all)*99 + 99) / 100
	b.ReportMetric(float64(l.all[min(i, len(l.all))-1])/float64(time.Millisecond), name)
}

// nextWeekdays returns n distinct weekdays from the day after tomorrow
// on, within the demo book.
func nextWeekdays(n int) []tidbok.Date {
	var out []tidbok.Date
	for d := tidbok.DateOf(time.Now()).AddDays(2); len(out) < n; d = d.AddDays(1) {
		if wd := d.Start().Weekday(); wd != time.Saturday && wd != time.Sunday {
			out = append(out, d)
		}
	}
	return out
}

// BenchmarkPages measures the login page and the logged-in slot list
// against a static handler, benchClients clients at once.
func BenchmarkPages(b *testing.B) {
	_, srv := sharedPortal(b)
	c := newBenchBrowser(b, srv.URL)
	_, loginPage := c.must(http.StatusOK, http.MethodGet, "/logga-in", nil)
	static := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, loginPage)
	}))
	defer static.Close()
	day := nextWeekdays(1)[0]
	slotsPath := bookPath + "/tider?tidstyp=" + ttDoctor.ID + "&datum=" + day.String()

	run := func(b *testing.B, base string, prepare func(c *benchBrowser, i int), path string) {
		clients := make(chan *benchBrowser, benchClients)
		for i := range benchClients {
			c := newBenchBrowser(b, base)
			if prepare != nil {
				prepare(c, i)
			}
			clients <- c
		}
		var lat latencies
		setClients(b)
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			c := <-clients
			for pb.Next() {
				if status, _, _ := c.do(http.MethodGet, path, nil); status != http.StatusOK {
					b.Errorf("GET %s: status %d", path, status)
					return
				}
			}
			lat.add(c.lat)
		})
		elapsed := time.Since(start)
		b.StopTimer()
		lat.report(b, elapsed, b.N, "req/s", "p99-ms")
	}
	b.Run("static", func(b *testing.B) { run(b, static.URL, nil, "/logga-in") })
	b.Run("login", func(b *testing.B) { run(b, srv.URL, nil, "/logga-in") })
	b.Run("slots", func(b *testing.B) {
		run(b, srv.URL, func(c *benchBrowser, i int) { c.login(benchCitizen(i)) }, slotsPath)
	})
}

// BenchmarkBookingCycle measures a citizen's booking and cancellation
// through the portal against sqltidbok's Book alone, benchClients
// clients at once.
func BenchmarkBookingCycle(b *testing.B) {
	b.Run("book", func(b *testing.B) {
		book := bareBook(b)
		slots := publishFree(b, book, b.N)
		ctx := context.Background()
		var next atomic.Int64
		var lat latencies
		setClients(b)
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			var mine []time.Duration
			for pb.Next() {
				i := int(next.Add(1)) - 1
				t := time.Now()
				ts := slots[i]
				ts.Subject = benchCitizen(i)
				_, err := book.Book(ctx, tidbok.BookRequest{Timeslot: ts, Contact: tidbok.ContactInfo{FirstName: "Test", LastName: "Testsson"}})
				mine = append(mine, time.Since(t))
				if err != nil {
					b.Error(err)
					return
				}
			}
			lat.add(mine)
		})
		elapsed := time.Since(start)
		b.StopTimer()
		lat.report(b, elapsed, b.N, "bookings/s", "p99-ms")
	})
	b.Run("cycle", func(b *testing.B) {
		_, srv := sharedPortal(b)
		days := nextWeekdays(benchClients)
		clients := make(chan *benchBrowser, benchClients)
		for i := range benchClients {
			c := newBenchBrowser(b, srv.URL)
			c.login(benchCitizen(i))
			clients <- c
		}
		var next atomic.Int64
		var lat, cycles latencies
		setClients(b)
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			c := <-clients
			day := days[next.Add(1)-1]
			slotsPath := bookPath + "/tider?tidstyp=" + ttDoctor.ID + "&datum=" + day.String()
			var mine []time.Duration
			for pb.Next() {
				t := time.Now()
				c.cycle(slotsPath)
				mine = append(mine, time.Since(t))
			}
			lat.add(c.lat)
			cycles.add(mine)
		})
		elapsed := time.Since(start)
		b.StopTimer()
		lat.report(b, elapsed, b.N, "cycles/s", "p99-ms")
		cycles.report(b, elapsed, b.N, "cycles/s", "cycle-p99-ms")
	})
}

// cycle books the first free slot on the slots page at slotsPath and
// cancels the booking: seven requests.
func (c *benchBrowser) cycle(slotsPath string) {
	_, body := c.must(http.StatusOK, http.MethodGet, slotsPath, nil)
	hold, ok := formTo(body, "/tider")
	if !ok {
		c.b.Fatalf("no free slot on %s:\n%.2000s", slotsPath, body)
	}
	confirm, _ := c.must(http.StatusSeeOther, http.MethodPost, hold.action, hold.values)
	_, body = c.must(http.StatusOK, http.MethodGet, confirm, nil)
	book, ok := formTo(body, "/bekrafta")
	if !ok {
		c.b.Fatalf("no confirmation form:\n%.2000s", body)
	}
	done, _ := c.must(http.StatusSeeOther, http.MethodPost, book.action, book.values)
	c.must(http.StatusOK, http.MethodGet, done, nil)
	i := strings.Index(done, "/bekraftelse/")
	if i < 0 {
		c.b.Fatalf("booking ended at %s", done)
	}
	id := done[i+len("/bekraftelse/"):]
	list, _ := c.must(http.StatusSeeOther, http.MethodPost, managePath+"/bokning/"+id+"/avboka", url.Values{"nyckel": {randomToken(16)}})
	if !strings.HasSuffix(list, "/bokningar") {
		c.b.Fatalf("cancelling ended at %s", list)
	}
	c.must(http.StatusOK, http.MethodGet, list, nil)
}

// formTo returns the first POST form on body whose action ends in
// action ("": that posts back to the page).
func formTo(body, action string) (form, bool) {
	for _, f := range formsOf(body) {
		if action == "" && f.action == "" || action != "" && strings.HasSuffix(f.action, action) {
			return f, true
		}
	}
	return form{}, false
}

// bareBook opens a book of the demo clinic on a SQLite file of its own.
func bareBook(b *testing.B) *sqltidbok.Book {
	b.Helper()
	db, err := openPlainSQLite(filepath.Join(b.TempDir(), "book.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	book, err := sqltidbok.Open(context.Background(), db, sqltidbok.SQLite)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = book.Close() })
	ctx := context.Background()
	if err := book.AddFacility(ctx, tidbok.Facility{ID: demoClinic.ID, Name: demoClinic.Name}); err != nil {
		b.Fatal(err)
	}
	if err := book.AddTimeType(ctx, demoClinic.ID, ttDoctor); err != nil {
		b.Fatal(err)
	}
	return book
}

// publishFree publishes at least n free slots, one a minute from
// tomorrow, and returns n of them.
func publishFree(b *testing.B, book *sqltidbok.Book, n int) []tidbok.Timeslot {
	b.Helper()
	ctx := context.Background()
	from := tidbok.DateOf(time.Now()).AddDays(1)
	days := n/(24*60) + 2
	all := []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
	if _, err := book.PublishWeekly(ctx, staff.Template{Facility: demoClinic.ID, From: from, To: from.AddDays(days),
		Weekdays: all, DayStart: 0, DayEnd: 24 * time.Hour, Length: time.Minute, TimeTypeID: ttDoctor.ID}); err != nil {
		b.Fatal(err)
	}
	res, err := book.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: demoClinic.ID, Subject: benchCitizen(0), From: from, To: from.AddDays(days)})
	if err != nil {
		b.Fatal(err)
	}
	if res.Len() < n {
		b.Fatalf("published %d slots, want %d", res.Len(), n)
	}
	return res.Slice()[:n]
}

// benchCitizen returns the i-th of 1000 made-up citizens.
func benchCitizen(i int) tidbok.PersonalNumber {
	return tidbok.MustPersonalNumber(withCheckDigit(fmt.Sprintf("19800101%03d", i%1000)))
}

// withCheckDigit appends the Luhn check digit to a 12-digit personal
// number's first eleven digits.
func withCheckDigit(s string) string {
	sum := 0
	for i, r := range s[2:] {
		d := int(r - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return s + string(rune('0'+(10-sum%10)%10))
}

// openPlainSQLite opens the SQLite file at path with the driver alone, as
// the book's own benchmarks do.
func openPlainSQLite(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", sqltidbok.SQLiteDSN(path))
	if err != nil {
		return nil, err
	}
	db.SetMaxIdleConns(16)
	return db, nil
}
