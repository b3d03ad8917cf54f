package eid

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The Swedish OpenID Connect Profile's claims and scope, and the Swedish
// eID Framework's levels of assurance (acr values).
const (
	ClaimPersonalNumber      = "https://id.oidc.se/claim/personalIdentityNumber"
	ClaimCoordinationNumber  = "https://id.oidc.se/claim/coordinationNumber"
	ScopeNaturalPersonNumber = "https://id.oidc.se/scope/naturalPersonNumber"
	LoA2                     = "http://id.elegnamnden.se/loa/1.0/loa2"
	LoA3                     = "http://id.elegnamnden.se/loa/1.0/loa3"
	LoA4                     = "http://id.elegnamnden.se/loa/1.0/loa4"
	// ClaimHSAID is the default claim of a staff member's HSA-id.
	ClaimHSAID = "urn:sambi:names:attribute:employeeHsaId"
)

// DefaultLevels maps the Swedish eID Framework's acr values to the case
// types' levels: loa2 (e.g. password and SMS code) is
// [casetype.AssurancePasswordSMS]; loa3 and loa4 (BankID, Freja+) are
// [casetype.AssuranceEID]. It returns a new map each time.
func DefaultLevels() map[string]casetype.Assurance {
	return map[string]casetype.Assurance{
		LoA2: casetype.AssurancePasswordSMS,
		LoA3: casetype.AssuranceEID,
		LoA4: casetype.AssuranceEID,
	}
}

// Config configures a [Login]. Issuer, ClientID and RedirectURL are
// required; zero values of the other fields mean the defaults given.
type Config struct {
	// Issuer is the provider's issuer URL; its discovery document is at
	// Issuer + "/.well-known/openid-configuration" and must name the
	// same issuer.
	Issuer string
	// ClientID and ClientSecret are the portal's registration at the
	// provider.
	ClientID, ClientSecret string
	// RedirectURL is where the provider sends the login's answer: the
	// portal's handler that calls [Login.Finish].
	RedirectURL string
	// PostLogoutRedirectURL is where the provider sends the browser
	// after an RP-initiated logout; empty leaves it to the provider.
	PostLogoutRedirectURL string
	// Scopes are asked for besides openid, profile and
	// [ScopeNaturalPersonNumber].
	Scopes []string
	// Levels maps acr values to levels, on top of [DefaultLevels]; a
	// value mapped to [casetype.AssuranceUnknown] is refused.
	Levels map[string]casetype.Assurance
	// HSAClaim names the claim of a staff member's HSA-id; empty means
	// [ClaimHSAID].
	HSAClaim string
	// Roles says which clinics a staff member works at or administers.
	// Nil refuses every staff login ([ErrNoRoles]).
	Roles RoleResolver
	// Nonces remembers the nonces of finished logins, so that none is
	// used twice. Nil means an in-memory store, enough for one portal
	// process; portals with several processes share one.
	Nonces NonceStore
	// HTTPClient talks to the provider; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock tokens' expiry is checked against; nil means
	// time.Now.
	Now func() time.Time
	// Logger receives diagnostics, never a personal identity number
	// unmasked; nil discards them.
	Logger *slog.Logger
}

// Login is a relying party of one OpenID Provider. It is safe for
// concurrent use; a portal makes one at start-up and uses it for every
// login.
type Login struct {
	cfg      Config
	provider *oidc.Provider
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	levels   map[string]casetype.Assurance
	endSess  string
	now      func() time.Time
	log      *slog.Logger
}

// New discovers the provider at cfg.Issuer and returns its Login. ctx
// bounds discovery only.
func New(ctx context.Context, cfg Config) (*Login, error) {
	var missing []string
	if cfg.Issuer == "" {
		missing = append(missing, "Issuer")
	}
	if cfg.ClientID == "" {
		missing = append(missing, "ClientID")
	}
	if cfg.RedirectURL == "" {
		missing = append(missing, "RedirectURL")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("eid: config: %s required", strings.Join(missing, ", "))
	}
	l := &Login{cfg: cfg, levels: DefaultLevels(), now: cfg.Now, log: cfg.Logger}
	maps.Copy(l.levels, cfg.Levels)
	if l.now == nil {
		l.now = time.Now
	}
	if l.log == nil {
		l.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if l.cfg.HSAClaim == "" {
		l.cfg.HSAClaim = ClaimHSAID
	}
	if l.cfg.Nonces == nil {
		l.cfg.Nonces = newMemoryNonces()
	}
	if cfg.HTTPClient != nil {
		ctx = oidc.ClientContext(ctx, cfg.HTTPClient)
	}
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("eid: discovery at %s: %w", cfg.Issuer, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&extra); err == nil {
		l.endSess = extra.EndSession
	}
	l.provider = p
	// The verifier checks the signature against the provider's keys
	// (fetched from its jwks_uri, then cached) and the expiry; issuer and
	// audience are checked in Finish, so that each has its own error.
	keyCtx := context.WithoutCancel(ctx)
	l.verifier = p.VerifierContext(keyCtx, &oidc.Config{
		SkipIssuerCheck: true, SkipClientIDCheck: true, Now: l.now,
	})
	l.oauth = oauth2.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		Endpoint: p.Endpoint(), RedirectURL: cfg.RedirectURL,
		Scopes: append([]string{oidc.ScopeOpenID, "profile", ScopeNaturalPersonNumber}, cfg.Scopes...),
	}
	return l, nil
}

// Pending is a login in progress: its secrets and the level it asks
// for. The portal keeps it bound to the browser that started the login
// (never in a URL) until [Login.Finish].
type Pending struct {
	// State binds the provider's answer to the login.
	State string
	// Nonce binds the ID token to the login.
	Nonce string
	// Verifier is the PKCE code verifier.
	Verifier string
	// Level is the lowest level the login accepts; AssuranceUnknown
	// accepts any known level.
	Level casetype.Assurance
}

// NewPending returns a login in progress with fresh random secrets,
// asking for level.
func NewPending(level casetype.Assurance) Pending {
	return Pending{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), Level: level}
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// AuthURL returns the provider's authorization URL for p: the code flow
// with p's state, nonce and PKCE challenge (S256), and, when p asks for
// a level, acr_values listing the values of that level or above.
func (l *Login) AuthURL(p Pending) string {
	opts := []oauth2.AuthCodeOption{oidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier)}
	if acr := l.acrValues(p.Level); acr != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", acr))
	}
	return l.oauth.AuthCodeURL(p.State, opts...)
}

// acrValues lists the acr values that satisfy level, highest level first
// and then by name; "" for no level.
func (l *Login) acrValues(level casetype.Assurance) string {
	if !level.Valid() {
		return ""
	}
	var vals []string
	for v, a := range l.levels {
		if a.Satisfies(level) {
			vals = append(vals, v)
		}
	}
	slices.SortFunc(vals, func(a, b string) int {
		if l.levels[a] != l.levels[b] {
			return int(l.levels[b]) - int(l.levels[a])
		}
		return strings.Compare(a, b)
	})
	return strings.Join(vals, " ")
}

// Finish completes the login p with the provider's answer (the query or
// form of the request to RedirectURL): it checks the state, exchanges
// the code with p's verifier, verifies the ID token (signature, expiry,
// issuer, audience, nonce, used once), and reads who logged in and at
// which level. Every refusal is an [*Error]; the identity is then zero.
func (l *Login) Finish(ctx context.Context, p Pending, answer url.Values) (Identity, error) {
	id, err := l.finish(ctx, p, answer)
	if err != nil {
		l.log.LogAttrs(ctx, slog.LevelWarn, "eid: login refused", slog.String("err", tidbok.MaskPersonalNumbers(err.Error())))
		return Identity{}, err
	}
	return id, nil
}

func (l *Login) finish(ctx context.Context, p Pending, answer url.Values) (Identity, error) {
	if p.State == "" || subtle.ConstantTimeCompare([]byte(answer.Get("state")), []byte(p.State)) != 1 {
		return Identity{}, refuse(TextFailed, ErrState)
	}
	if e := answer.Get("error"); e != "" {
		return Identity{}, refuse(TextFailed, fmt.Errorf("%w: %s", ErrDenied, safeCode(e)))
	}
	code := answer.Get("code")
	if code == "" {
		return Identity{}, refuse(TextFailed, fmt.Errorf("%w: no code", ErrDenied))
	}
	if l.cfg.HTTPClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, l.cfg.HTTPClient)
	}
	tok, err := l.oauth.Exchange(ctx, code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return Identity{}, refuse(TextFailed, fmt.Errorf("%w: the provider answered %d %s", ErrExchange, re.Response.StatusCode, safeCode(re.ErrorCode)))
		}
		return Identity{}, refuse(TextFailed, fmt.Errorf("%w: %w", ErrExchange, err))
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Identity{}, refuse(TextFailed, fmt.Errorf("%w: the token answer has no id_token", ErrExchange))
	}
	idt, err := l.verifier.Verify(ctx, raw)
	if err != nil {
		if _, ok := errors.AsType[*oidc.TokenExpiredError](err); ok {
			return Identity{}, refuse(TextFailed, fmt.Errorf("%w: %w", ErrExpired, err))
		}
		return Identity{}, refuse(TextFailed, fmt.Errorf("%w: %w", ErrSignature, err))
	}
	if idt.Issuer != l.cfg.Issuer {
		return Identity{}, refuse(TextFailed, fmt.Errorf("%w: issued by %q, expected %q", ErrIssuer, safeText(idt.Issuer), l.cfg.Issuer))
	}
	if err := l.checkAudience(idt); err != nil {
		return Identity{}, refuse(TextFailed, err)
	}
	switch {
	case idt.Nonce == "":
		return Identity{}, refuse(TextFailed, fmt.Errorf("%w: the ID token has no nonce", ErrNonce))
	case subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(p.Nonce)) != 1:
		return Identity{}, refuse(TextFailed, fmt.Errorf("%w: the ID token's nonce is not the login's", ErrNonce))
	}
	fresh, err := l.cfg.Nonces.Use(ctx, idt.Nonce, idt.Expiry)
	switch {
	case err != nil:
		return Identity{}, refuse(TextFailed, fmt.Errorf("eid: recording the nonce: %w", err))
	case !fresh:
		return Identity{}, refuse(TextFailed, fmt.Errorf("%w: the ID token's nonce was used before", ErrNonceReplayed))
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, refuse(TextFailed, fmt.Errorf("%w: claims: %w", ErrSignature, err))
	}
	id, err := l.identity(ctx, claims, p)
	if err != nil {
		return Identity{}, err
	}
	id.Subject, id.Expiry, id.IDToken = idt.Subject, idt.Expiry, raw
	return id, nil
}

// checkAudience requires the client among the audience and, when there
// are others, as the authorized party.
func (l *Login) checkAudience(idt *oidc.IDToken) error {
	if !slices.Contains(idt.Audience, l.cfg.ClientID) {
		return fmt.Errorf("%w: issued to %q, not %q", ErrAudience, safeList(idt.Audience), l.cfg.ClientID)
	}
	if len(idt.Audience) > 1 {
		var c struct {
			AZP string `json:"azp"`
		}
		if err := idt.Claims(&c); err != nil || c.AZP != l.cfg.ClientID {
			return fmt.Errorf("%w: several audiences and the authorized party is not %q", ErrAudience, l.cfg.ClientID)
		}
	}
	return nil
}

// LogoutURL returns the provider's URL that ends the person's login
// there (RP-initiated logout, with the ID token as id_token_hint and
// state), and false when the provider offers none. The portal ends its
// own session first, whatever this returns.
func (l *Login) LogoutURL(id Identity, state string) (string, bool) {
	if l.endSess == "" {
		return "", false
	}
	u, err := url.Parse(l.endSess)
	if err != nil {
		return "", false
	}
	q := u.Query()
	q.Set("client_id", l.cfg.ClientID)
	if id.IDToken != "" {
		q.Set("id_token_hint", id.IDToken)
	}
	if l.cfg.PostLogoutRedirectURL != "" {
		q.Set("post_logout_redirect_uri", l.cfg.PostLogoutRedirectURL)
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	return u.String(), true
}

// safeCode keeps an error code from the provider to a short token of
// safe characters for messages.
func safeCode(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '.' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return -1
	}, s)
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}

// safeText shortens and masks a value from a token for messages.
func safeText(s string) string {
	if len(s) > 80 {
		s = s[:80]
	}
	return tidbok.MaskPersonalNumbers(s)
}

func safeList(ss []string) string { return safeText(strings.Join(ss, " ")) }
