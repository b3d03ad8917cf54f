package main

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// t0 is when every test starts: Monday 9 March 2026, 07:30 in Stockholm.
// The demo book then has slots from that day through 5 April, across the
// change to summer time on 29 March.
var t0 = time.Date(2026, time.March, 9, 7, 30, 0, 0, tidbok.Stockholm())

// testClock is a clock tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// portal is the portal under test, served on loopback.
type portal struct {
	*app
	srv   *httptest.Server
	clock *testClock
	dir   string
	// stop closes the server and the portal; it runs when the test ends
	// if not before.
	stop func()
}

// newPortal starts a portal on a fresh SQLite book, with the clock at t0.
func newPortal(t testing.TB) *portal {
	t.Helper()
	return newPortalIn(t, t.TempDir(), config{})
}

// newPortalIn starts a portal keeping its book in dir.
func newPortalIn(t testing.TB, dir string, cfg config) *portal {
	t.Helper()
	clk := &testClock{now: t0}
	cfg.DataDir = dir
	cfg.Now = clk.Now
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SeedDays == 0 {
		cfg.SeedDays = 21
	}
	a, err := newApp(context.Background(), cfg)
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	srv := httptest.NewServer(a)
	p := &portal{app: a, srv: srv, clock: clk, dir: dir}
	p.stop = sync.OnceFunc(func() {
		srv.Close()
		if err := a.Close(); err != nil {
			t.Errorf("closing the portal: %v", err)
		}
	})
	t.Cleanup(p.stop)
	return p
}

// browser is one visitor with its own cookies, driving the portal with
// plain HTTP as a browser without script would.
type browser struct {
	t  testing.TB
	p  *portal
	hc *http.Client

	mu   sync.Mutex // guards csrf: a test may send forms from several goroutines
	csrf string
}

// token is the CSRF token of the last page seen.
func (b *browser) token() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.csrf
}

func (p *portal) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, p: p, hc: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
}

// page is an answer, after redirects.
type page struct {
	status int
	body   string
	path   string // the final URL's path and query
	header http.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("reading %s: %v", req.URL.Path, err)
	}
	pg := page{status: resp.StatusCode, body: string(body), path: resp.Request.URL.RequestURI(), header: resp.Header}
	if m := csrfField.FindStringSubmatch(pg.body); m != nil {
		b.mu.Lock()
		b.csrf = html.UnescapeString(m[1])
		b.mu.Unlock()
	}
	return pg
}

// get fetches path.
func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.p.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form to path, with the CSRF token of the last page seen
// unless the form has one.
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("csrf") {
		form.Set("csrf", b.token())
	}
	req, err := http.NewRequest(http.MethodPost, b.p.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// submit posts the i-th form on pg whose action ends in action (or, for
// an empty action, that posts back to the page), with its hidden fields
// and extra.
func (b *browser) submit(pg page, action string, i int, extra url.Values) page {
	b.t.Helper()
	forms := formsOf(pg.body)
	n := 0
	for _, f := range forms {
		if action == "" && f.action != "" || !strings.HasSuffix(f.action, action) {
			continue
		}
		if n == i {
			for k, vs := range extra {
				f.values[k] = vs
			}
			to := f.action
			if to == "" {
				to = pg.path
			}
			return b.post(to, f.values)
		}
		n++
	}
	b.t.Fatalf("no form %d with action %q on %s:\n%s", i, action, pg.path, pg.body)
	return page{}
}

type form struct {
	action string
	values url.Values
}

var (
	formTag   = regexp.MustCompile(`(?s)<form method="post"(?: action="([^"]*)")?[^>]*>(.*?)</form>`)
	hiddenTag = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// formsOf returns the POST forms of a page with their hidden fields.
func formsOf(body string) []form {
	var out []form
	for _, m := range formTag.FindAllStringSubmatch(body, -1) {
		f := form{action: html.UnescapeString(m[1]), values: url.Values{}}
		for _, h := range hiddenTag.FindAllStringSubmatch(m[2], -1) {
			f.values.Add(h[1], html.UnescapeString(h[2]))
		}
		out = append(out, f)
	}
	return out
}

// login logs in as a demo citizen ("tolvan", "frida", "siv", "stina")
// with e-ID ("eid") or password and SMS ("sms").
func (b *browser) login(person, level string) page {
	b.t.Helper()
	pg := b.get("/logga-in")
	f := formsOf(pg.body)
	if len(f) == 0 {
		b.t.Fatalf("no login form:\n%s", pg.body)
	}
	return b.post("/logga-in/svar", url.Values{"state": f[0].values["state"], "person": {person}, "niva": {level}})
}

// loginStaff logs in as the demo's staff ("personal") or local
// administrator ("admin").
func (b *browser) loginStaff(role string) page {
	b.t.Helper()
	pg := b.get("/logga-in")
	f := formsOf(pg.body)
	return b.post("/logga-in/svar", url.Values{"state": f[0].values["state"], "personal": {role}})
}

// The demo clinic's paths.
var (
	cardPath   = "/mottagning/" + demoClinic.ID.String()
	bookPath   = cardPath + "/" + ctBook
	managePath = cardPath + "/" + ctManage
)

// bookingIDIn returns the booking ID in a confirmation page's path.
func bookingIDIn(t testing.TB, path string) string {
	t.Helper()
	i := strings.Index(path, "/bekraftelse/")
	if i < 0 {
		t.Fatalf("not a confirmation page: %s", path)
	}
	id, _ := url.PathUnescape(path[i+len("/bekraftelse/"):])
	return id
}

// bookFirst walks the citizen's flow: terms, the time type, the given
// date and the first free slot on it, and books it with msg. It returns
// the confirmation page.
func (b *browser) bookFirst(tt string, day tidbok.Date, msg string) page {
	b.t.Helper()
	pg := b.get(bookPath + "/tidstyp")
	if strings.Contains(pg.path, "/villkor") {
		pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	}
	if !strings.HasSuffix(pg.path, "/tidstyp") {
		b.t.Fatalf("after the terms at %s, want the time types:\n%s", pg.path, pg.body)
	}
	pg = b.get(bookPath + "/tider?tidstyp=" + tt + "&datum=" + day.String())
	pg = b.submit(pg, "/tider", 0, nil)
	if !strings.HasSuffix(pg.path, "/bekrafta") {
		b.t.Fatalf("holding the slot ended at %s (%d):\n%s", pg.path, pg.status, pg.body)
	}
	pg = b.submit(pg, "/bekrafta", 0, url.Values{"meddelande": {msg}})
	if !strings.Contains(pg.path, "/bekraftelse/") {
		b.t.Fatalf("booking ended at %s (%d):\n%s", pg.path, pg.status, pg.body)
	}
	return pg
}
