package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/eid"
	"github.com/webbtidbok/webbtidbok/booking/eid/eidtest"
)

// oidcPortal is a portal whose login is a real OpenID Provider on
// loopback.
type oidcPortal struct {
	*portal
	op *eidtest.Provider
	// logs is the portal's log, the login's included.
	logs *syncWriter
}

// logged returns the portal's log so far.
func (p *oidcPortal) logged() string {
	p.logs.mu.Lock()
	defer p.logs.mu.Unlock()
	return p.logs.w.(*strings.Builder).String()
}

// newOIDCPortal starts a provider and a portal logging in there.
func newOIDCPortal(t testing.TB) *oidcPortal {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	op, err := eidtest.New(eidtest.Config{Clients: []eidtest.Client{{
		ID: "portal", Secret: "hemligt",
		RedirectURIs:           []string{base + "/logga-in/svar"},
		PostLogoutRedirectURIs: []string{base + "/"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(op.Close)
	logs := &syncWriter{w: &strings.Builder{}}
	log := slog.New(slog.NewTextHandler(logs, nil))
	ids, err := newOIDCIdentity(context.Background(), oidcConfig{Issuer: op.URL, ClientID: "portal", ClientSecret: "hemligt",
		RedirectURL: base + "/logga-in/svar", PostLogoutURL: base + "/"}, log)
	if err != nil {
		t.Fatal(err)
	}
	clk := &testClock{now: t0}
	dir := t.TempDir()
	a, err := newApp(context.Background(), config{DataDir: dir, Now: clk.Now, Logger: log, SeedDays: 21, Identity: ids})
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	srv.Config.Handler = a
	srv.Start()
	p := &portal{app: a, srv: srv, clock: clk, dir: dir}
	p.stop = sync.OnceFunc(func() {
		srv.Close()
		if err := a.Close(); err != nil {
			t.Errorf("closing the portal: %v", err)
		}
	})
	t.Cleanup(p.stop)
	return &oidcPortal{portal: p, op: op, logs: logs}
}

// visitor is a browser without script on the OIDC portal; it stops at
// redirects to the provider, whose part eidtest's Authorize plays.
type visitor struct {
	t  testing.TB
	p  *oidcPortal
	hc *http.Client
}

func (p *oidcPortal) visitor(t testing.TB) *visitor {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &visitor{t: t, p: p, hc: &http.Client{Jar: jar, Timeout: 20 * time.Second, Transport: tr,
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			if strings.HasPrefix(req.URL.String(), p.op.URL) {
				return http.ErrUseLastResponse
			}
			return nil
		}}}
}

// get fetches path (or an absolute URL) and returns the final answer's
// status, body, path, and the provider URL it was sent to, if any.
func (v *visitor) get(path string) (status int, body, at, provider string) {
	v.t.Helper()
	if strings.HasPrefix(path, "/") {
		path = v.p.srv.URL + path
	}
	resp, err := v.hc.Get(path)
	if err != nil {
		v.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, resp.Body)
	if loc, err := resp.Location(); err == nil && strings.HasPrefix(loc.String(), v.p.op.URL) {
		provider = loc.String()
	}
	return resp.StatusCode, b.String(), resp.Request.URL.RequestURI(), provider
}

// login starts a login at path (e.g. /logga-in), logs u in at the
// provider, and returns the page the portal ends at.
func (v *visitor) login(path string, u eidtest.User) (status int, body, at string) {
	v.t.Helper()
	_, _, _, provider := v.get(path)
	if provider == "" {
		v.t.Fatalf("%s did not send the browser to the provider", path)
	}
	answer, err := v.p.op.Authorize(context.Background(), provider, u)
	if err != nil {
		v.t.Fatalf("logging in at the provider: %v", err)
	}
	status, body, at, _ = v.get("/logga-in/svar?" + answer.Encode())
	return status, body, at
}

// sessionCookie returns the value of the portal's session cookie.
func (v *visitor) sessionCookie() string {
	u, _ := url.Parse(v.p.srv.URL)
	for _, c := range v.hc.Jar.Cookies(u) {
		if strings.Contains(c.Name, "session") {
			return c.Value
		}
	}
	return ""
}

var (
	eidTolvan = eidtest.User{PersonalNumber: "191212121212", GivenName: "Tolvan", FamilyName: "Tolvansson", ACR: eidtest.LoA3}
	smsFrida  = eidtest.User{PersonalNumber: "198504122386", GivenName: "Frida", FamilyName: "Andersson", ACR: eidtest.LoA2}
)

// A citizen logs in with an e-ID at the real provider: a new session,
// the clinic's card, and the children's case type that needs an e-ID.
func TestRealLoginCitizenWithEID(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t)
	v := p.visitor(t)
	status, body, at := v.login("/logga-in", eidTolvan)
	if status != http.StatusOK || at != cardPath || !strings.Contains(body, "Tolvan") {
		t.Fatalf("after login: %d at %s:\n%s", status, at, body)
	}
	if v.sessionCookie() == "" {
		t.Fatal("no session after login")
	}
}

// A citizen with a password and SMS login is asked to step up for a case
// type that needs an e-ID; a step-up answered at the same weak level is
// refused with the step-up text and the session stays; at loa3 the
// citizen gets a new session and the service.
func TestRealLoginStepUp(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t)
	v := p.visitor(t)
	if status, _, at := v.login("/logga-in", smsFrida); status != http.StatusOK || at != cardPath {
		t.Fatalf("sms login: %d at %s", status, at)
	}
	weak := v.sessionCookie()
	// Acting for her son Olle (5), the children's vaccination needs an
	// e-ID: the card and the service's page offer the step-up.
	_, card, _, _ := v.get(cardPath)
	m := csrfField.FindStringSubmatch(card)
	if m == nil {
		t.Fatalf("no form on the card:\n%s", card)
	}
	resp, err := v.hc.PostForm(v.p.srv.URL+"/agera-for", url.Values{"csrf": {m[1]}, "vem": {childKey(0)}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, card, _, _ = v.get(cardPath)
	if !strings.Contains(card, `href="/logga-in?niva=eid"`) {
		t.Errorf("no step-up link on the card of a weak login:\n%s", card)
	}
	status, body, _, _ := v.get(cardPath + "/" + ctChild + "/tidstyp")
	if status != http.StatusForbidden || !strings.Contains(body, "/logga-in?niva=eid&amp;till=") || !strings.Contains(body, "Logga in med e-legitimation") {
		t.Errorf("the service needing an e-ID: %d, no step-up link:\n%s", status, body)
	}
	status, body, _ = v.login("/logga-in?niva=eid", smsFrida)
	if status != http.StatusBadRequest || !strings.Contains(body, "kräver att du loggar in med e-legitimation") || !strings.Contains(body, "niva=eid") {
		t.Fatalf("step-up answered with loa2: %d\n%s", status, body)
	}
	if v.sessionCookie() != weak {
		t.Error("a refused step-up changed the session")
	}
	strong := smsFrida
	strong.ACR = eidtest.LoA3
	status, _, at := v.login("/logga-in?niva=eid", strong)
	if status != http.StatusOK || at != cardPath {
		t.Fatalf("step-up: %d at %s", status, at)
	}
	if s := v.sessionCookie(); s == "" || s == weak {
		t.Error("the step-up did not make a new session")
	}
	_, card, _, _ = v.get(cardPath)
	if strings.Contains(card, "niva=eid") {
		t.Errorf("the card still asks for a step-up after it:\n%s", card)
	}
}

// Staff log in with an HSA-id at the real provider; the demo's roles say
// where they go. A staff member without roles gets no session.
func TestRealLoginStaff(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t)
	for _, tt := range []struct {
		hsa, want string
	}{{demoAdmin.String(), "/admin"}, {demoNurse.ID.String(), "/personal"}} {
		v := p.visitor(t)
		status, _, at := v.login("/logga-in", eidtest.User{HSAID: tt.hsa, GivenName: "Test", ACR: eidtest.LoA3})
		if status != http.StatusOK || !strings.HasPrefix(at, tt.want) {
			t.Errorf("%s: %d at %s, want %s", tt.hsa, status, at, tt.want)
		}
	}
	v := p.visitor(t)
	status, body, _ := v.login("/logga-in", eidtest.User{HSAID: "SE2321000016-XXXX", ACR: eidtest.LoA3})
	if status != http.StatusBadRequest || !strings.Contains(body, eid.TextNoRoles) || v.sessionCookie() != "" {
		t.Errorf("staff without roles: %d, session %q\n%s", status, v.sessionCookie(), body)
	}
}

// Refused logins make no session and are audit events; the audit's
// subject and the portal's log never show the number in clear.
func TestRealLoginRefusedMakesNoSession(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t)
	for name, u := range map[string]eidtest.User{
		"malformed number": {PersonalNumber: "191212121213", ACR: eidtest.LoA3},
		"no number":        {GivenName: "Ingen", ACR: eidtest.LoA3},
		"unknown level":    {PersonalNumber: "191212121212", ACR: "urn:example:weak"},
	} {
		v := p.visitor(t)
		status, body, _ := v.login("/logga-in", u)
		if status != http.StatusBadRequest || v.sessionCookie() != "" || strings.Contains(body, "191212121213") {
			t.Errorf("%s: %d, session %q", name, status, v.sessionCookie())
		}
	}
	logged := p.logged()
	if !strings.Contains(logged, "eid: login refused") {
		t.Errorf("the refusals are not logged:\n%s", logged)
	}
	for _, pn := range []string{"191212121212", "191212121213", "19121212-1212", "1212121212"} {
		if strings.Contains(logged, pn) {
			t.Errorf("the log shows a personal number in clear:\n%s", logged)
		}
	}
	// A forged state is refused before the provider is asked anything.
	v := p.visitor(t)
	_, _, _, provider := v.get("/logga-in")
	answer, err := p.op.Authorize(context.Background(), provider, eidTolvan)
	if err != nil {
		t.Fatal(err)
	}
	answer.Set("state", "forged.any.1")
	if status, _, _, _ := v.get("/logga-in/svar?" + answer.Encode()); status != http.StatusBadRequest || v.sessionCookie() != "" {
		t.Errorf("forged state: %d, session %q", status, v.sessionCookie())
	}
	// The level travels in the state, bound by the nonce: an answer
	// whose state claims "any" for an e-ID login is refused.
	v = p.visitor(t)
	_, _, _, provider = v.get("/logga-in?niva=eid")
	weak := smsFrida
	answer, err = p.op.Authorize(context.Background(), provider, weak)
	if err != nil {
		t.Fatal(err)
	}
	answer.Set("state", strings.Replace(answer.Get("state"), ".eid.", ".any.", 1))
	if status, _, _, _ := v.get("/logga-in/svar?" + answer.Encode()); status != http.StatusBadRequest || v.sessionCookie() != "" {
		t.Errorf("a step-up's state turned to any level: %d, session %q", status, v.sessionCookie())
	}
}

// Logging out ends the session and the provider's login
// (RP-initiated logout), and comes back to the front page.
func TestRealLogout(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t)
	v := p.visitor(t)
	_, body, _ := v.login("/logga-in", eidTolvan)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no logout form:\n%s", body)
	}
	resp, err := v.hc.PostForm(p.srv.URL+"/logga-ut", url.Values{"csrf": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil || !strings.HasPrefix(loc.String(), p.op.URL) {
		t.Fatalf("logout went to %v (%v), want the provider's end session", loc, err)
	}
	if v.sessionCookie() != "" {
		t.Error("the session cookie outlived the logout")
	}
	// The provider ends its login and sends the browser back.
	resp, err = v.hc.Get(loc.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.String() != p.srv.URL+"/" || p.op.Logouts() != 1 {
		t.Errorf("after the provider's logout: at %s, %d logouts", resp.Request.URL, p.op.Logouts())
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+p.op.URL) {
		t.Errorf("CSP does not let the logout form end at the provider: %q", csp)
	}
}

// The OpenID Connect flags, or their environment variables, switch the
// login; without them the demo login stays. A flag wins over its
// variable.
func TestOIDCFlags(t *testing.T) {
	t.Setenv("WEBBTIDBOK_OIDC_ISSUER", "")
	t.Setenv("WEBBTIDBOK_OIDC_CLIENT_ID", "")
	t.Setenv("WEBBTIDBOK_OIDC_CLIENT_SECRET", "")
	o, err := parse(nil, io.Discard)
	if err != nil || o.oidc != (oidcConfig{}) {
		t.Errorf("no flags: %+v, %v; want the demo login", o.oidc, err)
	}
	o, err = parse([]string{"-oidc-issuer", "https://idp.example.se", "-oidc-client-id", "portal", "-oidc-client-secret", "s"}, io.Discard)
	if err != nil || o.oidc != (oidcConfig{Issuer: "https://idp.example.se", ClientID: "portal", ClientSecret: "s"}) {
		t.Errorf("flags: %+v, %v", o.oidc, err)
	}
	if _, err := parse([]string{"-oidc-issuer", "https://idp.example.se"}, io.Discard); err == nil {
		t.Error("an issuer without a client ID was accepted")
	}
	t.Setenv("WEBBTIDBOK_OIDC_ISSUER", "https://env.example.se")
	t.Setenv("WEBBTIDBOK_OIDC_CLIENT_ID", "env-portal")
	t.Setenv("WEBBTIDBOK_OIDC_CLIENT_SECRET", "env-secret")
	o, err = parse([]string{"-oidc-client-id", "flag-portal"}, io.Discard)
	if err != nil || o.oidc != (oidcConfig{Issuer: "https://env.example.se", ClientID: "flag-portal", ClientSecret: "env-secret"}) {
		t.Errorf("environment: %+v, %v", o.oidc, err)
	}
}

// run with -oidc-issuer discovers the provider and sends a login there;
// an issuer that does not answer stops it before it serves.
func TestRunWithOIDCIssuer(t *testing.T) {
	t.Parallel()
	op, err := eidtest.New(eidtest.Config{Clients: []eidtest.Client{{ID: "portal", Secret: "s"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	done := make(chan error, 1)
	var log strings.Builder
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-oidc-issuer", op.URL, "-oidc-client-id", "portal"},
			&syncWriter{w: &log}, func(a string) { addr <- a })
	}()
	var a string
	select {
	case a = <-addr:
	case err := <-done:
		t.Fatalf("run ended before serving: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("run did not start serving")
	}
	c := &http.Client{Transport: &http.Transport{}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get("http://" + a + "/logga-in")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil || !strings.HasPrefix(loc.String(), op.URL) || loc.Query().Get("redirect_uri") != "http://"+a+"/logga-in/svar" {
		t.Errorf("login went to %v (%v), want the provider with the portal's redirect URI", loc, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}

	err = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-oidc-issuer", "http://127.0.0.1:1", "-oidc-client-id", "portal"}, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "discovery") {
		t.Errorf("run with an issuer that does not answer: %v", err)
	}
}
