package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/webbtidbok/webbtidbok/booking/eid"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// oidcConfig is the real login's configuration: an OpenID Provider that
// speaks the Swedish OpenID Connect Profile (an e-ID service: BankID,
// Freja eID, a region's identity provider).
type oidcConfig struct {
	Issuer, ClientID, ClientSecret string
	// RedirectURL is the portal's /logga-in/svar as the provider
	// reaches it; PostLogoutURL its front page.
	RedirectURL, PostLogoutURL string
}

// oidcFromEnv fills empty fields from WEBBTIDBOK_OIDC_ISSUER,
// WEBBTIDBOK_OIDC_CLIENT_ID and WEBBTIDBOK_OIDC_CLIENT_SECRET.
func (c *oidcConfig) fromEnv() {
	for _, v := range []struct {
		field *string
		env   string
	}{{&c.Issuer, "WEBBTIDBOK_OIDC_ISSUER"}, {&c.ClientID, "WEBBTIDBOK_OIDC_CLIENT_ID"}, {&c.ClientSecret, "WEBBTIDBOK_OIDC_CLIENT_SECRET"}} {
		if *v.field == "" {
			*v.field = os.Getenv(v.env)
		}
	}
}

// oidcIdentity is the real login: an [IdentityProvider] over package
// eid. Staff log in at the same provider with a token that carries an
// HSA-id; their roles at the clinic come from the demo's staff table
// here, from the HSA catalogue or the portal's own table in a real
// portal.
//
// It stores nothing for a login in progress: the login's nonce and PKCE
// verifier are derived, with a key of its own, from the state the portal
// binds to the browser's login cookie, and the level asked for travels in
// the state, covered by the nonce, with a random attempt. A step-up login is one started at
// /logga-in?niva=eid.
type oidcIdentity struct {
	login *eid.Login
	key   []byte
	log   *slog.Logger
}

// newOIDCIdentity discovers the provider. The key of the login's secrets
// is random, so logins in progress when the portal restarts fail and are
// begun again.
func newOIDCIdentity(ctx context.Context, c oidcConfig, log *slog.Logger) (*oidcIdentity, error) {
	login, err := eid.New(ctx, eid.Config{
		Issuer: c.Issuer, ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		RedirectURL: c.RedirectURL, PostLogoutRedirectURL: c.PostLogoutURL,
		Roles: demoRoles, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return &oidcIdentity{login: login, key: key, log: log}, nil
}

// demoRoles are the demo clinic's staff roles by HSA-id.
var demoRoles = eid.RolesFunc(func(_ context.Context, staff tidbok.HSAID) (eid.Roles, error) {
	for _, s := range demoStaff {
		if s.Identity.Staff == staff {
			return eid.Roles{StaffAt: s.Identity.StaffAt, AdminOf: s.Identity.AdminOf}, nil
		}
	}
	return eid.Roles{}, nil
})

// levelCodes name the levels a login may ask for in its state.
var levelCodes = map[string]casetype.Assurance{"any": casetype.AssuranceUnknown, "eid": casetype.AssuranceEID}

// pending rebuilds the login in progress of the portal's state, the
// level code and the attempt: every attempt of a login in progress (the
// portal keeps its state across attempts) has a nonce of its own, since
// a nonce is used once.
func (o *oidcIdentity) pending(state, level, attempt string) eid.Pending {
	p := eid.Pending{State: state + "." + level + "." + attempt, Level: levelCodes[level]}
	p.Nonce = o.derive("nonce", p.State)
	p.Verifier = o.derive("pkce", p.State)
	return p
}

// derive returns a secret for purpose and state: 43 base64url characters,
// a valid PKCE verifier too.
func (o *oidcIdentity) derive(purpose, state string) string {
	m := hmac.New(sha256.New, o.key)
	m.Write([]byte(purpose + "\x00" + state))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (o *oidcIdentity) Start(w http.ResponseWriter, r *http.Request, state string) {
	level := "any"
	if r.URL.Query().Get("niva") == "eid" {
		level = "eid"
	}
	attempt := eid.NewPending(0).State[:16]
	http.Redirect(w, r, o.login.AuthURL(o.pending(state, level, attempt)), http.StatusSeeOther)
}

func (o *oidcIdentity) Finish(r *http.Request, state string) (Identity, error) {
	answer := r.URL.Query()
	if r.Method == http.MethodPost {
		answer = r.PostForm
	}
	parts := strings.Split(answer.Get("state"), ".")
	if len(parts) != 3 || state == "" || subtle.ConstantTimeCompare([]byte(parts[0]), []byte(state)) != 1 {
		return Identity{}, &eid.Error{Text: eid.TextFailed, Err: eid.ErrState}
	}
	if _, ok := levelCodes[parts[1]]; !ok {
		return Identity{}, &eid.Error{Text: eid.TextFailed, Err: eid.ErrState}
	}
	who, err := o.login.Finish(r.Context(), o.pending(state, parts[1], parts[2]), answer)
	if err != nil {
		return Identity{}, err
	}
	return Identity{Person: who.Person, Assurance: who.Assurance, Staff: who.Staff,
		StaffAt: who.StaffAt, AdminOf: who.AdminOf, Name: who.Name()}, nil
}

// LogoutURL returns the provider's URL that ends the login there too, if
// it offers one.
func (o *oidcIdentity) LogoutURL() (string, bool) { return o.login.LogoutURL(eid.Identity{}, "") }

// loginFailure returns the text for a failed login and, for a login too
// weak for what was asked, the path of a step-up login.
func loginFailure(err error, next string) (text string, again link) {
	again = link{"/logga-in", "Logga in igen"}
	if next != "" {
		again.Href += "?till=" + url.QueryEscape(next)
	}
	e, ok := errors.AsType[*eid.Error](err)
	if !ok {
		return "Inloggningen misslyckades. Försök igen.", again
	}
	if errors.Is(err, eid.ErrLevel) && e.Text == eid.TextStepUp {
		again = stepUpLink(next)
	}
	return e.Text, again
}

// stepUpLink starts a login that asks for an e-ID.
func stepUpLink(next string) link {
	q := url.Values{"niva": {"eid"}}
	if next != "" {
		q.Set("till", next)
	}
	return link{"/logga-in?" + q.Encode(), "Logga in med e-legitimation"}
}

// loginFailedDetail is the audit detail of a failed login: the real
// login says why (state, nonce, signature, level …), masked.
func loginFailedDetail(err error) string {
	if _, ok := errors.AsType[*eid.Error](err); ok {
		return "login failed: " + tidbok.MaskPersonalNumbers(err.Error())
	}
	return "login failed"
}
