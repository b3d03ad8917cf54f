package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/sqlstore"
)

// Tests of the portal's edges: where the login sends a visitor, what an
// anonymous visitor costs, cookies and HSTS behind a proxy, the files
// the database is kept in, the request form's bounds and rate limit, and
// the access log.

// noRedirects returns a client that does not follow redirects, with jar.
func noRedirects(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestOnlyPathsOfThePortalAreGoneToAfterLogin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		till, want string
	}{
		{"/mina-bokningar", "/mina-bokningar"},
		{"/mottagning/SE2321000016-A1B2/boka/tider?tidstyp=LAK&datum=2026-03-12", "/mottagning/SE2321000016-A1B2/boka/tider?tidstyp=LAK&datum=2026-03-12"},
		{"/", "/"},
		{"", ""},
		{"/\t/evil.example/", ""},
		{"/\n/evil.example/", ""},
		{"/\r/evil.example/", ""},
		{"/\x00/evil.example/", ""},
		{"/\x7f/evil.example/", ""},
		{"/\u0085/evil.example/", ""},
		{"//evil.example/", ""},
		{"///evil.example/", ""},
		{"/\\evil.example/", ""},
		{"/\\/evil.example/", ""},
		{"/a\\b", ""},
		{"\\\\evil.example", ""},
		{"https://evil.example/", ""},
		{"HTTPS://evil.example/", ""},
		{"javascript:alert(1)", ""},
		{"evil.example", ""},
		{" /mina-bokningar", ""},
		{"/%2F/evil.example/", ""},
		{"/mina\xffbokningar", ""},
	}
	for _, tt := range tests {
		if got := localPath(tt.till); got != tt.want {
			t.Errorf("localPath(%q) = %q, want %q", tt.till, got, tt.want)
		}
	}

	// The known bypass, end to end: after the login the citizen is at the
	// portal's own page, not at evil.example.
	p := newPortal(t)
	fresh := func() *browser {
		jar, _ := cookiejar.New(nil)
		return &browser{t: t, p: p, hc: noRedirects(jar)}
	}
	for _, till := range []string{"%2F%09%2Fevil.example%2F", "%2F%5Cevil.example", "%2F%2Fevil.example"} {
		b := fresh()
		pg := b.get("/logga-in?till=" + till)
		f := formsOf(pg.body)
		if len(f) == 0 {
			t.Fatalf("no login form:\n%s", pg.body)
		}
		pg = b.post("/logga-in/svar", url.Values{"state": f[0].values["state"], "person": {"tolvan"}, "niva": {"eid"}})
		if loc := pg.header.Get("Location"); pg.status != http.StatusSeeOther || loc != cardPath {
			t.Errorf("a login with till=%s answers %d Location %q, want 303 to %s", till, pg.status, loc, cardPath)
		}
	}
	// A path of the portal is kept.
	b := fresh()
	pg := b.get("/logga-in?till=" + url.QueryEscape(managePath+"/bokningar"))
	f := formsOf(pg.body)
	pg = b.post("/logga-in/svar", url.Values{"state": f[0].values["state"], "person": {"tolvan"}, "niva": {"eid"}})
	if loc := pg.header.Get("Location"); loc != managePath+"/bokningar" {
		t.Errorf("a login with a path of the portal goes to %q, want %q", loc, managePath+"/bokningar")
	}
}

// countSessions returns how many sessions the database keeps.
func countSessions(t *testing.T, p *portal) int {
	t.Helper()
	var n int
	if err := p.db.QueryRow("SELECT COUNT(*) FROM portal_sessions").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Visitors who only look at the login page store nothing; a login stores
// one session.
func TestAnonymousVisitorsStoreNoSession(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	before := countSessions(t, p)
	for range 300 {
		resp, err := http.Get(p.srv.URL + "/logga-in")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /logga-in: %d", resp.StatusCode)
		}
	}
	for _, path := range []string{"/", cardPath, "/personal", "/admin"} {
		resp, err := http.Get(p.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if n := countSessions(t, p); n != before {
		t.Errorf("after 300 anonymous visits to the login page the database keeps %d sessions, want %d", n, before)
	}
	b := p.browser(t)
	if pg := b.login("tolvan", "eid"); !strings.HasPrefix(pg.path, cardPath) {
		t.Fatalf("the login ended at %s (%d)", pg.path, pg.status)
	}
	if n := countSessions(t, p); n != before+1 {
		t.Errorf("after one login the database keeps %d sessions, want %d", n, before+1)
	}
}

// The login's answer is taken only with the CSRF token of the login
// cookie it comes with: a form made for another browser logs nobody in
// (login CSRF).
func TestALoginFormWorksOnlyInTheBrowserThatAskedForIt(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	attacker := p.browser(t)
	pg := attacker.get("/logga-in")
	f := formsOf(pg.body)
	form := url.Values{"csrf": {attacker.token()}, "state": f[0].values["state"], "person": {"tolvan"}, "niva": {"eid"}}

	victim := p.browser(t)
	if got := victim.post("/logga-in/svar", form); got.status != http.StatusForbidden {
		t.Errorf("another browser's login form, without a login cookie: %d at %s, want 403", got.status, got.path)
	}
	victim.get("/logga-in") // a login cookie of her own
	if got := victim.post("/logga-in/svar", form); got.status != http.StatusForbidden {
		t.Errorf("another browser's login form, with her own login cookie: %d at %s, want 403", got.status, got.path)
	}
	if _, ok := victim.loggedIn(); ok {
		t.Errorf("the victim is logged in")
	}
}

// loggedIn reports whether b is logged in, and where "Mina bokningar"
// leads.
func (b *browser) loggedIn() (string, bool) {
	pg := b.get("/mina-bokningar")
	return pg.path, !strings.HasPrefix(pg.path, "/logga-in")
}

// setCookies returns the cookies resp sets, by name.
func setCookies(resp *http.Response) map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for _, c := range resp.Cookies() {
		out[c.Name] = c
	}
	return out
}

// Behind a TLS-terminating proxy the requests reach the portal over
// plain HTTP: with the option, its cookies are Secure and __Host-
// prefixed and HSTS is always sent; without it, neither, unless the
// request itself came over TLS.
func TestCookiesAndHSTSBehindATLSProxy(t *testing.T) {
	t.Parallel()
	loginOver := func(t *testing.T, hc *http.Client, base string) (*http.Response, map[string]*http.Cookie) {
		t.Helper()
		resp, err := hc.Get(base + "/logga-in")
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		set := setCookies(resp)
		f := formsOf(body)
		m := csrfField.FindStringSubmatch(body)
		if len(f) == 0 || m == nil {
			t.Fatalf("no login form:\n%s", body)
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/logga-in/svar", strings.NewReader(url.Values{
			"csrf": {m[1]}, "state": f[0].values["state"], "person": {"tolvan"}, "niva": {"eid"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, c := range set {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		resp, err = hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, resp)
		for k, v := range setCookies(resp) {
			set[k] = v
		}
		return resp, set
	}
	checkSecure := func(t *testing.T, resp *http.Response, set map[string]*http.Cookie) *http.Cookie {
		t.Helper()
		if h := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") {
			t.Errorf("Strict-Transport-Security = %q, want it sent", h)
		}
		for _, base := range []string{sessionCookie, loginCookie} {
			if _, ok := set[base]; ok {
				t.Errorf("cookie %s set without the __Host- prefix", base)
			}
			c, ok := set["__Host-"+base]
			if !ok {
				t.Errorf("no cookie __Host-%s; set: %v", base, set)
				continue
			}
			if !c.Secure || c.Path != "/" || c.Domain != "" || !c.HttpOnly {
				t.Errorf("cookie %s: Secure %v, Path %q, Domain %q, HttpOnly %v; want Secure, Path=/, no Domain, HttpOnly", c.Name, c.Secure, c.Path, c.Domain, c.HttpOnly)
			}
		}
		return set["__Host-"+sessionCookie]
	}

	t.Run("behind a proxy, over plain HTTP", func(t *testing.T) {
		t.Parallel()
		p := newPortalIn(t, t.TempDir(), config{BehindTLSProxy: true})
		hc := noRedirects(nil)
		resp, set := loginOver(t, hc, p.srv.URL)
		sess := checkSecure(t, resp, set)
		if sess == nil {
			return
		}
		// The prefixed cookie is the session; one without the prefix is
		// not read.
		for name, want := range map[string]string{"__Host-" + sessionCookie: "", sessionCookie: "/logga-in"} {
			req, _ := http.NewRequest(http.MethodGet, p.srv.URL+"/mina-bokningar", nil)
			req.AddCookie(&http.Cookie{Name: name, Value: sess.Value})
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			readAll(t, resp)
			if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, want) || (want == "") != (resp.StatusCode == http.StatusOK) {
				t.Errorf("Mina bokningar with cookie %s leads to %q, want %s…", name, loc, want)
			}
		}
	})
	t.Run("over TLS", func(t *testing.T) {
		t.Parallel()
		p := newPortal(t)
		srv := httptest.NewTLSServer(p.app)
		t.Cleanup(srv.Close)
		hc := srv.Client()
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, set := loginOver(t, hc, srv.URL)
		checkSecure(t, resp, set)
	})
	t.Run("over plain HTTP without a proxy", func(t *testing.T) {
		t.Parallel()
		p := newPortal(t)
		resp, set := loginOver(t, noRedirects(nil), p.srv.URL)
		if h := resp.Header.Get("Strict-Transport-Security"); h != "" {
			t.Errorf("Strict-Transport-Security = %q over plain HTTP", h)
		}
		c, ok := set[sessionCookie]
		if !ok || c.Secure {
			t.Errorf("session cookie %v, want one not Secure, without the prefix", c)
		}
	})
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

// The database holds citizens' bookings: its folder and files are the
// owner's alone, new or left by an earlier version.
func TestDatabaseFilesArePrivate(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, dir string) {
		t.Helper()
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o700 {
			t.Errorf("the data folder has mode %v, want 0700", m)
		}
		for _, name := range []string{"webbtidbok.db", "webbtidbok.db-wal", "webbtidbok.db-shm"} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s does not exist", name)
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if m := fi.Mode().Perm(); m != 0o600 {
				t.Errorf("%s has mode %v, want 0600", name, m)
			}
		}
	}
	t.Run("new", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "data")
		p := newPortalIn(t, dir, config{})
		p.browser(t).login("tolvan", "eid")
		check(t, dir)
	})
	t.Run("left readable by an earlier version", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "data")
		p := newPortalIn(t, dir, config{})
		p.browser(t).login("tolvan", "eid")
		for _, name := range []string{"webbtidbok.db", "webbtidbok.db-wal", "webbtidbok.db-shm"} {
			if err := os.Chmod(filepath.Join(dir, name), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		p.stop()
		again := newPortalIn(t, dir, config{})
		again.browser(t).login("tolvan", "eid")
		check(t, dir)
	})
}

// The request form's contact field is bounded in the form and by the
// booking flow: a 60,000-character phone number is refused with the
// limit, and nothing is stored.
func TestTheRequestFormBoundsThePhoneNumber(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.get(cardPath + "/" + ctRequest + "/forfragan")
	if !strings.Contains(pg.body, `maxlength="32"`) {
		t.Errorf("the phone field has no maxlength of 32:\n%s", pg.body)
	}
	pg = b.submit(pg, "", 0, url.Values{"meddelande": {"Jag behöver en tid."}, "telefon": {strings.Repeat("1", 60000)}})
	if pg.status != http.StatusOK || !strings.HasSuffix(pg.path, "/forfragan") || !strings.Contains(pg.body, "Mobilnumret måste vara ett svenskt mobilnummer") {
		t.Errorf("a 60,000-character phone number: %d\n%s", pg.status, pg.body)
	}
	reqs, err := p.stores.Requests().List(context.Background(), demoClinic.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 0 {
		t.Errorf("%d requests stored, want none", len(reqs))
	}
}

// Each citizen may send a few requests, then must wait; one client
// address sending for many citizens is limited too.
func TestTheRequestFormIsRateLimited(t *testing.T) {
	t.Parallel()
	p := newPortalIn(t, t.TempDir(), config{RequestLimit: RequestLimit{
		PerCitizen: 2, CitizenEvery: 10 * time.Minute, PerClient: 3, ClientEvery: time.Hour}})
	send := func(b *browser) page {
		t.Helper()
		pg := b.get(cardPath + "/" + ctRequest + "/forfragan")
		return b.submit(pg, "", 0, url.Values{"meddelande": {"Ring mig, tack."}})
	}
	tolvan := p.browser(t)
	tolvan.login("tolvan", "eid")
	for i := range 2 {
		if pg := send(tolvan); !strings.HasSuffix(pg.path, "/forfragan/skickad") {
			t.Fatalf("request %d ended at %s (%d)", i+1, pg.path, pg.status)
		}
	}
	pg := send(tolvan)
	if pg.status != http.StatusTooManyRequests || !strings.Contains(pg.body, "Du har skickat många förfrågningar på kort tid") ||
		!strings.Contains(pg.body, "Vänta 10 minuter") || pg.header.Get("Retry-After") != "600" {
		t.Errorf("the third request within minutes: %d, Retry-After %q\n%s", pg.status, pg.header.Get("Retry-After"), pg.body)
	}
	p.clock.Set(t0.Add(10 * time.Minute))
	if pg := send(tolvan); !strings.HasSuffix(pg.path, "/forfragan/skickad") {
		t.Errorf("a request after waiting ended at %s (%d)", pg.path, pg.status)
	}
	// The client address has sent three: another citizen from it waits.
	siv := p.browser(t)
	siv.login("siv", "eid")
	if pg := send(siv); pg.status != http.StatusTooManyRequests {
		t.Errorf("a fourth request from one address within the hour: %d at %s", pg.status, pg.path)
	}
	reqs, err := p.stores.Requests().List(context.Background(), demoClinic.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 3 {
		t.Errorf("%d requests stored, want 3", len(reqs))
	}
}

// Behind a proxy, the client address is the last one the proxy added to
// X-Forwarded-For; otherwise it is the connection's.
func TestTheClientAddress(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.RemoteAddr = "10.0.0.1:5555"
	r.Header.Add("X-Forwarded-For", "198.51.100.7, 203.0.113.9")
	r.Header.Add("X-Forwarded-For", "192.0.2.4")
	if got := (&app{}).clientAddr(r); got != "10.0.0.1" {
		t.Errorf("without a proxy: %q, want the connection's 10.0.0.1", got)
	}
	if got := (&app{behindTLSProxy: true}).clientAddr(r); got != "192.0.2.4" {
		t.Errorf("behind a proxy: %q, want the last forwarded 192.0.2.4", got)
	}
}

// Staff reading the day's book is logged once per citizen shown, with
// the staff member's session; logins, failed ones too, are logged; and
// the citizen's access log shows them.
func TestStaffReadsAndLoginsAreInTheCitizensAccessLog(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	ctx := context.Background()
	tolvan := p.browser(t)
	tolvan.login("tolvan", "eid")
	tolvanID := bookingIDIn(t, tolvan.bookFirst("LAK", thursday, "").path)
	siv := p.browser(t)
	siv.login("siv", "eid")
	sivID := bookingIDIn(t, siv.bookFirst("LAK", thursday, "").path)

	// A failed login.
	anon := p.browser(t)
	pg := anon.get("/logga-in")
	f := formsOf(pg.body)
	if pg = anon.post("/logga-in/svar", url.Values{"state": f[0].values["state"], "person": {"ingen"}, "niva": {"eid"}}); pg.status != http.StatusBadRequest {
		t.Errorf("a failed login: %d", pg.status)
	}

	staff := p.browser(t)
	staff.loginStaff("personal")
	staffSession := key(cookieOf(t, staff))[:16]
	if pg := staff.get("/personal?datum=" + thursday.String()); pg.status != http.StatusOK {
		t.Fatalf("the day's book: %d", pg.status)
	}
	events, err := p.stores.Audit().Events(ctx, sqlstore.AuditQuery{Session: staffSession})
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]booking.Event{}
	var logins int
	for _, e := range events {
		switch e.Action {
		case booking.ActionStaffDay:
			shown[e.BookingID] = e
		case booking.ActionLogin:
			logins++
			if e.Caller.Agent != demoNurse.ID || e.Outcome != booking.OutcomeDone {
				t.Errorf("the staff login's event = %+v", e)
			}
		}
	}
	if logins != 1 {
		t.Errorf("%d login events in the staff session, want 1", logins)
	}
	for id, who := range map[string]Person{tolvanID: demoPeople[0].Person, sivID: demoPeople[2].Person} {
		e, ok := shown[id]
		if !ok {
			t.Errorf("no event for booking %s of %s shown on the day's book", id, who.FirstName)
			continue
		}
		if e.Caller.Agent != demoNurse.ID || e.Subject != who.Number || e.Clinic != demoClinic.ID || e.Outcome != booking.OutcomeDone {
			t.Errorf("the event of %s's booking = %+v", who.FirstName, e)
		}
	}
	if len(shown) != 2 {
		t.Errorf("%d bookings logged as shown, want 2", len(shown))
	}
	failed, err := p.stores.Audit().Events(ctx, sqlstore.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var nfailed int
	for _, e := range failed {
		if e.Action == booking.ActionLogin && e.Outcome == booking.OutcomeForbidden {
			nfailed++
		}
	}
	if nfailed != 1 {
		t.Errorf("%d failed logins logged, want 1", nfailed)
	}

	// Tolvan's access log names the staff member's read and her login;
	// nothing of Siv's.
	pg = tolvan.get("/mina-bokningar/logg")
	checkAccessible(t, pg)
	for _, want := range []string{"Personalen läste dagens tidbok", "Personal, " + demoNurse.ID.String(), "Inloggning", "Bokade en tid", "Du"} {
		if !strings.Contains(pg.body, want) {
			t.Errorf("the access log lacks %q:\n%s", want, pg.body)
		}
	}
	if n := strings.Count(pg.body, "Personalen läste dagens tidbok"); n != 1 {
		t.Errorf("the access log shows %d staff reads, want 1", n)
	}
}

// -tls-proxy is off unless given.
func TestTheTLSProxyFlag(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want bool
	}{{nil, false}, {[]string{"-tls-proxy"}, true}, {[]string{"-tls-proxy=false"}, false}} {
		o, err := parse(tt.args, io.Discard)
		if err != nil || o.tlsProxy != tt.want {
			t.Errorf("parse(%q) = tlsProxy %v, %v; want %v", tt.args, o.tlsProxy, err, tt.want)
		}
	}
}
