// Package eidtest runs a real OpenID Provider on loopback for tests of an
// e-ID login: a provider built on an OpenID-certified provider library,
// whose login page lets the tester choose who logs in and how, and which
// issues the claims of the Swedish OpenID Connect Profile (oidc.se) and
// the Swedish eID Framework's levels of assurance as acr.
//
// Portal teams use it to test their login with package eid end to end,
// in a browser or headlessly ([Provider.Authorize]), without a real
// identity provider. It is test support: nothing it shows is a real
// person's identity, and its login page says so.
package eidtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// The Swedish OpenID Connect Profile's names, and the Swedish eID
// Framework's levels of assurance.
const (
	ClaimPersonalNumber      = "https://id.oidc.se/claim/personalIdentityNumber"
	ClaimCoordinationNumber  = "https://id.oidc.se/claim/coordinationNumber"
	ScopeNaturalPersonNumber = "https://id.oidc.se/scope/naturalPersonNumber"
	LoA2                     = "http://id.elegnamnden.se/loa/1.0/loa2"
	LoA3                     = "http://id.elegnamnden.se/loa/1.0/loa3"
	LoA4                     = "http://id.elegnamnden.se/loa/1.0/loa4"
	// ClaimHSAID is the claim that carries a staff member's HSA-id
	// unless Config.HSAClaim names another.
	ClaimHSAID = "urn:sambi:names:attribute:employeeHsaId"
)

// IDTokenLifetime is how long the provider's ID tokens are valid.
const IDTokenLifetime = 5 * time.Minute

// Client is a relying party registered at the provider.
type Client struct {
	ID, Secret string
	// RedirectURIs are the URLs the provider may send the login's answer
	// to, exactly.
	RedirectURIs []string
	// PostLogoutRedirectURIs are the URLs it may send the browser to
	// after an RP-initiated logout.
	PostLogoutRedirectURIs []string
}

// Config configures a [Provider].
type Config struct {
	// Clients are the relying parties.
	Clients []Client
	// HSAClaim names the claim of a staff member's HSA-id; empty means
	// [ClaimHSAID].
	HSAClaim string
}

// User is who logs in and how, as the login page or
// [Provider.Authorize] chooses. Empty fields leave their claim out.
// Values are issued as given, valid or not, so that tests can see a
// relying party refuse them.
type User struct {
	// PersonalNumber and CoordinationNumber are the claims'
	// values, 12 digits.
	PersonalNumber, CoordinationNumber string
	GivenName, FamilyName              string
	// HSAID is a staff member's HSA-id.
	HSAID string
	// ACR is the level of assurance, e.g. [LoA3].
	ACR string
}

// subject is the user's stable, opaque sub.
func (u User) subject() string {
	sum := sha256.Sum256([]byte(u.PersonalNumber + "|" + u.CoordinationNumber + "|" + u.HSAID + "|" + u.GivenName + "|" + u.FamilyName))
	return hex.EncodeToString(sum[:12])
}

// Tamper makes the provider issue ID tokens it never would: Claims
// changes each token's claims, and the token is signed again, with the
// provider's own key or, when ForeignKey is set, with a key it does not
// publish (under the same key ID).
type Tamper struct {
	Claims     func(claims map[string]any)
	ForeignKey bool
}

// Provider is a running OpenID Provider on loopback. Close it when done.
// Its methods are safe for concurrent use.
type Provider struct {
	// URL is the provider's issuer URL, http on 127.0.0.1.
	URL string

	cfg     Config
	srv     *httptest.Server
	op      *op.Provider
	store   *storage
	key     signingKey
	foreign signingKey

	mu      sync.Mutex
	tamper  *Tamper
	logouts int
}

// signingKey is an ECDSA P-256 key with its ID.
type signingKey struct {
	id  string
	key *ecdsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (k signingKey) Algorithm() jose.SignatureAlgorithm          { return jose.ES256 }
func (k signingKey) Use() string                                 { return "sig" }
func (k signingKey) ID() string                                  { return k.id }
func (k signingKey) Key() any                                    { return &k.key.PublicKey }

// signer is the key as the op package signs with it: the private key.
type signer struct{ signingKey }

func (s signer) Key() any { return s.signingKey.key }

func newKey(id string) (signingKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	return signingKey{id: id, key: k}, err
}

// New starts a provider on a loopback port.
func New(cfg Config) (*Provider, error) {
	if cfg.HSAClaim == "" {
		cfg.HSAClaim = ClaimHSAID
	}
	p := &Provider{cfg: cfg}
	var err error
	if p.key, err = newKey("eidtest-1"); err != nil {
		return nil, err
	}
	if p.foreign, err = newKey("eidtest-1"); err != nil {
		return nil, err
	}
	p.store = &storage{p: p, requests: map[string]*authRequest{}, codes: map[string]string{}, tokens: map[string]*authRequest{}}
	p.srv = httptest.NewUnstartedServer(nil)
	p.URL = "http://" + p.srv.Listener.Addr().String()
	var cryptoKey [32]byte
	_, _ = rand.Read(cryptoKey[:])
	p.op, err = op.NewProvider(&op.Config{
		CryptoKey:                cryptoKey,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		DefaultLogoutRedirectURI: "/logged-out",
		SupportedScopes:          []string{oidc.ScopeOpenID, oidc.ScopeProfile, ScopeNaturalPersonNumber},
		SupportedClaims:          []string{"sub", "acr", "nonce", "given_name", "family_name", "name", ClaimPersonalNumber, ClaimCoordinationNumber, cfg.HSAClaim},
	}, p.store, op.StaticIssuer(p.URL), op.WithAllowInsecure())
	if err != nil {
		p.srv.Listener.Close()
		return nil, fmt.Errorf("eidtest: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", p.loginPage)
	mux.HandleFunc("POST /login", p.login)
	mux.HandleFunc("GET /logged-out", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="sv"><title>Utloggad</title><p>Du är utloggad från testleverantören.</p></html>`)
	})
	mux.Handle("/oauth/token", p.tampering(p.op))
	mux.Handle("/", p.op)
	p.srv.Config.Handler = mux
	p.srv.Start()
	return p, nil
}

// Close stops the provider.
func (p *Provider) Close() { p.srv.Close() }

// Tamper makes the provider alter every ID token it issues from now on;
// nil stops it.
func (p *Provider) Tamper(t *Tamper) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper = t
}

// Logouts returns how many RP-initiated logouts the provider has ended.
func (p *Provider) Logouts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logouts
}

// fill sets the claims of u that scopes ask for.
func (p *Provider) fill(info *oidc.UserInfo, subject string, u User, scopes []string) {
	info.Subject = subject
	for _, s := range scopes {
		switch s {
		case oidc.ScopeProfile:
			info.GivenName, info.FamilyName = u.GivenName, u.FamilyName
			info.Name = strings.TrimSpace(u.GivenName + " " + u.FamilyName)
			if u.HSAID != "" {
				info.AppendClaims(p.cfg.HSAClaim, u.HSAID)
			}
		case ScopeNaturalPersonNumber:
			info.GivenName, info.FamilyName = u.GivenName, u.FamilyName
			info.Name = strings.TrimSpace(u.GivenName + " " + u.FamilyName)
			if u.PersonalNumber != "" {
				info.AppendClaims(ClaimPersonalNumber, u.PersonalNumber)
			}
			if u.CoordinationNumber != "" {
				info.AppendClaims(ClaimCoordinationNumber, u.CoordinationNumber)
			}
		}
	}
}

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Testleverantör av e-legitimation</title></head>
<body><h1>Testleverantör av e-legitimation</h1>
<p><strong>Inte en riktig inloggning.</strong> Välj vem som loggar in och hur.</p>
<form method="post" action="/login">
<input type="hidden" name="id" value="{{.ID}}">
<label>Personnummer <input name="personnummer" id="personnummer"></label>
<label>Samordningsnummer <input name="samordningsnummer" id="samordningsnummer"></label>
<label>Förnamn <input name="fornamn" id="fornamn"></label>
<label>Efternamn <input name="efternamn" id="efternamn"></label>
<label>HSA-id (personal) <input name="hsaid" id="hsaid"></label>
<label>Tillitsnivå <select name="acr" id="acr">
<option value="{{.LoA3}}">e-legitimation (loa3)</option>
<option value="{{.LoA2}}">lösenord och sms-kod (loa2)</option>
<option value="{{.LoA4}}">e-legitimation (loa4)</option>
</select></label>
<button type="submit" id="logga-in">Logga in</button>
</form></body></html>`))

func (p *Provider) loginPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = loginTemplate.Execute(w, map[string]string{"ID": r.URL.Query().Get("id"), "LoA2": LoA2, "LoA3": LoA3, "LoA4": LoA4})
}

func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	f := r.PostForm
	u := User{PersonalNumber: f.Get("personnummer"), CoordinationNumber: f.Get("samordningsnummer"),
		GivenName: f.Get("fornamn"), FamilyName: f.Get("efternamn"), HSAID: f.Get("hsaid"), ACR: f.Get("acr")}
	id := f.Get("id")
	if err := p.store.finish(id, u, time.Now()); err != nil {
		http.Error(w, "unknown login", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, op.AuthCallbackURL(p.op)(r.Context(), id), http.StatusFound)
}

// Authorize logs u in headlessly, as a browser would: it follows authURL
// (a relying party's authorization URL) to the login page, submits u
// and returns the query of the answer the provider sends to the
// relying party's redirect URI (code and state, or error). It does not
// call the relying party.
func (p *Provider) Authorize(ctx context.Context, authURL string, u User) (url.Values, error) {
	// The server's own client has a transport of its own, which other
	// servers closing in the same process leave alone.
	c := *p.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	next := authURL
	for range 5 {
		var req *http.Request
		var err error
		target, err := url.Parse(next)
		if err != nil {
			return nil, err
		}
		if target.Path == "/login" && strings.HasPrefix(next, p.URL) {
			form := url.Values{"id": {target.Query().Get("id")}, "personnummer": {u.PersonalNumber},
				"samordningsnummer": {u.CoordinationNumber}, "fornamn": {u.GivenName}, "efternamn": {u.FamilyName},
				"hsaid": {u.HSAID}, "acr": {u.ACR}}
			req, err = http.NewRequestWithContext(ctx, http.MethodPost, next, strings.NewReader(form.Encode()))
			if err == nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		} else {
			req, err = http.NewRequestWithContext(ctx, http.MethodGet, next, nil)
		}
		if err != nil {
			return nil, err
		}
		resp, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		loc, err := resp.Location()
		if err != nil {
			return nil, fmt.Errorf("eidtest: %s answered %s without a redirect", req.URL.Path, resp.Status)
		}
		if !strings.HasPrefix(loc.String(), p.URL+"/") {
			return loc.Query(), nil
		}
		next = loc.String()
	}
	return nil, errors.New("eidtest: too many redirects")
}

// tampering alters the ID tokens in the token endpoint's answers as
// Tamper asks.
func (p *Provider) tampering(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		t := p.tamper
		p.mu.Unlock()
		if t == nil {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			if b, err := p.retoken(body, t); err == nil {
				body = b
			}
		}
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}
