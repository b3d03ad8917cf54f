package eid_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/eid"
	"github.com/webbtidbok/webbtidbok/booking/eid/eidtest"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

const (
	redirect = "http://127.0.0.1:1/logga-in/svar"
	tolvan   = "191212121212"
	// coordination is a co-ordination number (day + 60) with a valid
	// check digit.
	coordination = "191212722399"
)

var clinic = tidbok.MustHSAID("SE2321000016-0001")

// fixture is a real provider on loopback and a Login of it.
type fixture struct {
	op    *eidtest.Provider
	login *eid.Login
	logs  *bytes.Buffer
	mu    *sync.Mutex
}

// setup starts a provider and makes a Login whose clock is now, or the
// real time when now is zero (the provider signs with the real time).
func setup(t *testing.T, mod func(*eid.Config)) *fixture {
	t.Helper()
	op, err := eidtest.New(eidtest.Config{Clients: []eidtest.Client{{
		ID: "portal", Secret: "hemligt", RedirectURIs: []string{redirect},
		PostLogoutRedirectURIs: []string{"http://127.0.0.1:1/"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(op.Close)
	f := &fixture{op: op, logs: &bytes.Buffer{}, mu: &sync.Mutex{}}
	cfg := eid.Config{
		Issuer: op.URL, ClientID: "portal", ClientSecret: "hemligt", RedirectURL: redirect,
		PostLogoutRedirectURL: "http://127.0.0.1:1/",
		Roles: eid.RolesFunc(func(_ context.Context, staff tidbok.HSAID) (eid.Roles, error) {
			if staff.String() == "SE2321000016-ADM1" {
				return eid.Roles{StaffAt: []tidbok.HSAID{clinic}, AdminOf: []tidbok.HSAID{clinic}}, nil
			}
			if staff.String() == "SE2321000016-SK01" {
				return eid.Roles{StaffAt: []tidbok.HSAID{clinic}}, nil
			}
			return eid.Roles{}, nil
		}),
		Logger: slog.New(slog.NewTextHandler(lockedWriter{f.mu, f.logs}, nil)),
	}
	if mod != nil {
		mod(&cfg)
	}
	f.login, err = eid.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// run logs u in through the provider for p and finishes the login.
func (f *fixture) run(t *testing.T, p eid.Pending, u eidtest.User) (eid.Identity, error) {
	t.Helper()
	answer, err := f.op.Authorize(context.Background(), f.login.AuthURL(p), u)
	if err != nil {
		t.Fatalf("authorizing at the provider: %v", err)
	}
	return f.login.Finish(context.Background(), p, answer)
}

func citizen(acr string) eidtest.User {
	return eidtest.User{PersonalNumber: tolvan, GivenName: "Tolvan", FamilyName: "Tolvansson", ACR: acr}
}

func TestLoginCitizenLevels(t *testing.T) {
	f := setup(t, nil)
	tests := []struct {
		name string
		acr  string
		want casetype.Assurance
	}{
		{"loa3 is an e-ID", eidtest.LoA3, casetype.AssuranceEID},
		{"loa4 is an e-ID", eidtest.LoA4, casetype.AssuranceEID},
		{"loa2 is password and SMS", eidtest.LoA2, casetype.AssurancePasswordSMS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := f.run(t, eid.NewPending(casetype.AssuranceUnknown), citizen(tt.acr))
			if err != nil {
				t.Fatal(err)
			}
			want := booking.Caller{Person: tidbok.MustPersonalNumber(tolvan), Assurance: tt.want}
			if got := id.Caller(); got != want {
				t.Errorf("Caller() = %+v, want %+v", got, want)
			}
			if id.Name() != "Tolvan Tolvansson" || id.ACR != tt.acr || id.IDToken == "" || id.Subject == "" {
				t.Errorf("identity = %+v", id)
			}
		})
	}
}

func TestLoginCoordinationNumber(t *testing.T) {
	f := setup(t, nil)
	id, err := f.run(t, eid.NewPending(casetype.AssuranceEID), eidtest.User{CoordinationNumber: coordination, ACR: eidtest.LoA3})
	if err != nil {
		t.Fatal(err)
	}
	if id.Person.Kind() != tidbok.KindSamordningsnummer {
		t.Errorf("Person kind = %v, want a co-ordination number", id.Person.Kind())
	}
}

func TestLoginProviderOwnLevels(t *testing.T) {
	f := setup(t, func(c *eid.Config) {
		c.Levels = map[string]casetype.Assurance{"urn:example:bankid": casetype.AssuranceEID, eidtest.LoA4: casetype.AssuranceUnknown}
	})
	id, err := f.run(t, eid.NewPending(casetype.AssuranceEID), citizen("urn:example:bankid"))
	if err != nil || id.Assurance != casetype.AssuranceEID {
		t.Fatalf("own value: %+v, %v", id.Assurance, err)
	}
	_, err = f.run(t, eid.NewPending(casetype.AssuranceUnknown), citizen(eidtest.LoA4))
	if !errors.Is(err, eid.ErrLevel) {
		t.Errorf("a value mapped to unknown: err = %v, want ErrLevel", err)
	}
	u, _ := url.Parse(f.login.AuthURL(eid.NewPending(casetype.AssuranceEID)))
	if got, want := u.Query().Get("acr_values"), eidtest.LoA3+" urn:example:bankid"; got != want {
		t.Errorf("acr_values = %q, want %q", got, want)
	}
}

func TestLoginStaff(t *testing.T) {
	f := setup(t, nil)
	id, err := f.run(t, eid.NewPending(casetype.AssuranceUnknown), eidtest.User{HSAID: "SE2321000016-ADM1", GivenName: "Alva", FamilyName: "Admin", ACR: eidtest.LoA3})
	if err != nil {
		t.Fatal(err)
	}
	if !id.IsStaff() || len(id.AdminOf) != 1 || id.AdminOf[0] != clinic || !id.Person.IsZero() {
		t.Errorf("identity = %+v", id)
	}
	if got := id.Caller(); got != (booking.Caller{Agent: id.Staff}) {
		t.Errorf("Caller() = %+v, want an agent", got)
	}
	_, err = f.run(t, eid.NewPending(casetype.AssuranceUnknown), eidtest.User{HSAID: "SE2321000016-NONE", ACR: eidtest.LoA3})
	if !errors.Is(err, eid.ErrNoRoles) {
		t.Errorf("staff without roles: err = %v, want ErrNoRoles", err)
	}
}

// TestLoginRefusals runs every refusal against the real provider: each
// must fail with its sentinel, an *eid.Error with a Swedish text, and no
// identity.
func TestLoginRefusals(t *testing.T) {
	tests := []struct {
		name string
		// now, when set, is the Login's clock relative to the real time.
		later  time.Duration
		tamper *eidtest.Tamper
		user   eidtest.User
		level  casetype.Assurance
		// answer alters the provider's answer before Finish.
		answer func(url.Values)
		// authURL alters the authorization URL before the provider sees it.
		authURL func(string) string
		want    error
	}{
		{name: "wrong issuer", tamper: &eidtest.Tamper{Claims: func(c map[string]any) { c["iss"] = "https://idp.example.se" }},
			user: citizen(eidtest.LoA3), want: eid.ErrIssuer},
		{name: "wrong audience", tamper: &eidtest.Tamper{Claims: func(c map[string]any) { c["aud"] = []string{"another-portal"} }},
			user: citizen(eidtest.LoA3), want: eid.ErrAudience},
		{name: "several audiences, another authorized party", tamper: &eidtest.Tamper{Claims: func(c map[string]any) {
			c["aud"] = []string{"portal", "another-portal"}
			c["azp"] = "another-portal"
		}}, user: citizen(eidtest.LoA3), want: eid.ErrAudience},
		{name: "bad signature", tamper: &eidtest.Tamper{ForeignKey: true}, user: citizen(eidtest.LoA3), want: eid.ErrSignature},
		{name: "expired token", later: eidtest.IDTokenLifetime + time.Hour, user: citizen(eidtest.LoA3), want: eid.ErrExpired},
		{name: "missing nonce", authURL: func(s string) string {
			u, _ := url.Parse(s)
			q := u.Query()
			q.Del("nonce")
			u.RawQuery = q.Encode()
			return u.String()
		}, user: citizen(eidtest.LoA3), want: eid.ErrNonce},
		{name: "nonce of another login", tamper: &eidtest.Tamper{Claims: func(c map[string]any) { c["nonce"] = "another" }},
			user: citizen(eidtest.LoA3), want: eid.ErrNonce},
		{name: "state mismatch", answer: func(q url.Values) { q.Set("state", "forged") }, user: citizen(eidtest.LoA3), want: eid.ErrState},
		{name: "missing state", answer: func(q url.Values) { q.Del("state") }, user: citizen(eidtest.LoA3), want: eid.ErrState},
		{name: "missing personal identity number", user: eidtest.User{GivenName: "Ingen", ACR: eidtest.LoA3}, want: eid.ErrPersonalNumber},
		{name: "malformed personal identity number", user: eidtest.User{PersonalNumber: "191212121213", ACR: eidtest.LoA3}, want: eid.ErrPersonalNumber},
		{name: "personal identity number with a hyphen", user: eidtest.User{PersonalNumber: "19121212-1212", ACR: eidtest.LoA3}, want: eid.ErrPersonalNumber},
		{name: "co-ordination number in the personal number claim", user: eidtest.User{PersonalNumber: coordination, ACR: eidtest.LoA3}, want: eid.ErrPersonalNumber},
		{name: "level below what was asked", level: casetype.AssuranceEID, user: citizen(eidtest.LoA2), want: eid.ErrLevel},
		{name: "unknown level", user: citizen("http://id.elegnamnden.se/loa/1.0/loa1"), want: eid.ErrLevel},
		{name: "no level", user: citizen(""), want: eid.ErrLevel},
		{name: "the person cancelled", answer: func(q url.Values) {
			q.Del("code")
			q.Set("error", "access_denied")
		}, user: citizen(eidtest.LoA3), want: eid.ErrDenied},
		{name: "forged code", answer: func(q url.Values) { q.Set("code", "forged") }, user: citizen(eidtest.LoA3), want: eid.ErrExchange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := time.Now()
			f := setup(t, func(c *eid.Config) {
				c.Now = func() time.Time { return base.Add(tt.later) }
			})
			f.op.Tamper(tt.tamper)
			p := eid.NewPending(tt.level)
			authURL := f.login.AuthURL(p)
			if tt.authURL != nil {
				authURL = tt.authURL(authURL)
			}
			answer, err := f.op.Authorize(context.Background(), authURL, tt.user)
			if err != nil {
				t.Fatal(err)
			}
			if tt.answer != nil {
				tt.answer(answer)
			}
			id, err := f.login.Finish(context.Background(), p, answer)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Finish: err = %v, want %v", err, tt.want)
			}
			e, ok := errors.AsType[*eid.Error](err)
			if !ok || e.Text == "" {
				t.Errorf("Finish: err = %#v, want an *eid.Error with a text", err)
			}
			if !id.Person.IsZero() || id.IsStaff() || id.IDToken != "" {
				t.Errorf("Finish refused but returned %+v", id)
			}
			for _, s := range []string{tolvan, "121212-1212", "12121212", "191212121213", coordination} {
				if strings.Contains(err.Error(), s) || strings.Contains(f.logs.String(), s) {
					t.Errorf("the error or the log shows a personal number in clear: %v\n%s", err, f.logs)
				}
			}
		})
	}
}

// TestLoginStepUpText: a login below the level asked for tells the
// citizen to log in again with an e-ID.
func TestLoginStepUpText(t *testing.T) {
	f := setup(t, nil)
	_, err := f.run(t, eid.NewPending(casetype.AssuranceEID), citizen(eidtest.LoA2))
	e, ok := errors.AsType[*eid.Error](err)
	if !ok || e.Text != eid.TextStepUp {
		t.Fatalf("err = %v, want the step-up text", err)
	}
	if !strings.Contains(f.login.AuthURL(eid.NewPending(casetype.AssuranceEID)), "acr_values=") {
		t.Error("an e-ID login does not send acr_values")
	}
}

// TestLoginNonceReplayed: a second login that carries a nonce already
// used is refused, even with a fresh code.
func TestLoginNonceReplayed(t *testing.T) {
	f := setup(t, nil)
	p := eid.NewPending(casetype.AssuranceEID)
	if _, err := f.run(t, p, citizen(eidtest.LoA3)); err != nil {
		t.Fatal(err)
	}
	_, err := f.run(t, p, citizen(eidtest.LoA3))
	if !errors.Is(err, eid.ErrNonceReplayed) {
		t.Fatalf("replayed nonce: err = %v, want ErrNonceReplayed", err)
	}
}

// TestLoginCodeSpent: the provider's answer, replayed, is refused: the
// code was spent.
func TestLoginCodeSpent(t *testing.T) {
	f := setup(t, nil)
	p := eid.NewPending(casetype.AssuranceEID)
	answer, err := f.op.Authorize(context.Background(), f.login.AuthURL(p), citizen(eidtest.LoA3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.login.Finish(context.Background(), p, answer); err != nil {
		t.Fatal(err)
	}
	if _, err := f.login.Finish(context.Background(), p, answer); !errors.Is(err, eid.ErrExchange) {
		t.Fatalf("replayed answer: err = %v, want ErrExchange", err)
	}
}

// TestLoginPKCE: the code is exchanged only with the login's verifier.
func TestLoginPKCE(t *testing.T) {
	f := setup(t, nil)
	p := eid.NewPending(casetype.AssuranceEID)
	answer, err := f.op.Authorize(context.Background(), f.login.AuthURL(p), citizen(eidtest.LoA3))
	if err != nil {
		t.Fatal(err)
	}
	other := p
	other.Verifier = eid.NewPending(0).Verifier
	if _, err := f.login.Finish(context.Background(), other, answer); !errors.Is(err, eid.ErrExchange) {
		t.Fatalf("another verifier: err = %v, want ErrExchange", err)
	}
}

func TestLogoutURL(t *testing.T) {
	f := setup(t, nil)
	id, err := f.run(t, eid.NewPending(casetype.AssuranceEID), citizen(eidtest.LoA3))
	if err != nil {
		t.Fatal(err)
	}
	u, ok := f.login.LogoutURL(id, "s1")
	if !ok || !strings.HasPrefix(u, f.op.URL) || !strings.Contains(u, "id_token_hint=") || !strings.Contains(u, "post_logout_redirect_uri=") {
		t.Fatalf("LogoutURL = %q, %v", u, ok)
	}
}

func TestNewRequiresConfig(t *testing.T) {
	_, err := eid.New(context.Background(), eid.Config{})
	if err == nil || !strings.Contains(err.Error(), "Issuer, ClientID, RedirectURL required") {
		t.Fatalf("err = %v", err)
	}
}

func TestIdentityLogValueMasks(t *testing.T) {
	var buf bytes.Buffer
	id := eid.Identity{Person: tidbok.MustPersonalNumber(tolvan), Assurance: casetype.AssuranceEID, IDToken: "secret.token.value"}
	slog.New(slog.NewTextHandler(&buf, nil)).Info("login", "who", id)
	if strings.Contains(buf.String(), tolvan) || strings.Contains(buf.String(), "secret.token") || strings.Contains(id.String(), "1212-1212") {
		t.Errorf("log shows the number or the token: %s", buf.String())
	}
}

// TestLoginNonceUsedOnceConcurrently: two answers carrying the same
// nonce, finished at once, make exactly one login.
func TestLoginNonceUsedOnceConcurrently(t *testing.T) {
	f := setup(t, nil)
	p := eid.NewPending(casetype.AssuranceEID)
	var answers []url.Values
	for range 2 {
		a, err := f.op.Authorize(context.Background(), f.login.AuthURL(p), citizen(eidtest.LoA3))
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, a)
	}
	errs := make(chan error, len(answers))
	for _, a := range answers {
		go func() {
			_, err := f.login.Finish(context.Background(), p, a)
			errs <- err
		}()
	}
	var ok, replayed int
	for range answers {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, eid.ErrNonceReplayed):
			replayed++
		default:
			t.Errorf("Finish: %v", err)
		}
	}
	if ok != 1 || replayed != 1 {
		t.Errorf("%d logins and %d replays, want one of each", ok, replayed)
	}
}
