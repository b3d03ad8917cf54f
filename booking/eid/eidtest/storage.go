package eidtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// storage is the provider's state: its clients, the logins in progress
// and the tokens it issued, all in memory. It implements [op.Storage].
type storage struct {
	p *Provider

	mu       sync.Mutex
	requests map[string]*authRequest // by ID
	codes    map[string]string       // code → request ID
	tokens   map[string]*authRequest // access token ID → its login
}

var errNotFound = errors.New("eidtest: not found")

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// authRequest is one login in progress, and once done, who logged in.
type authRequest struct {
	id        string
	req       oidc.AuthRequest
	user      User
	subject   string
	done      bool
	authTime  time.Time
	challenge *oidc.CodeChallenge
}

var _ op.AuthRequest = (*authRequest)(nil)

func (a *authRequest) GetID() string                         { return a.id }
func (a *authRequest) GetACR() string                        { return a.user.ACR }
func (a *authRequest) GetAMR() []string                      { return nil }
func (a *authRequest) GetAudience() []string                 { return []string{a.req.ClientID} }
func (a *authRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *authRequest) GetClientID() string                   { return a.req.ClientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *authRequest) GetNonce() string                      { return a.req.Nonce }
func (a *authRequest) GetRedirectURI() string                { return a.req.RedirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType    { return a.req.ResponseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode    { return a.req.ResponseMode }
func (a *authRequest) GetScopes() []string                   { return a.req.Scopes }
func (a *authRequest) GetState() string                      { return a.req.State }
func (a *authRequest) GetSubject() string                    { return a.subject }
func (a *authRequest) Done() bool                            { return a.done }

func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	a := &authRequest{id: randomID(), req: *req}
	if req.CodeChallenge != "" {
		a.challenge = &oidc.CodeChallenge{Challenge: req.CodeChallenge, Method: req.CodeChallengeMethod}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[a.id] = a
	return a, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[id]
	if !ok {
		return nil, errNotFound
	}
	return a, nil
}

func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[s.codes[code]]
	if !ok {
		return nil, errNotFound
	}
	return a, nil
}

// finish records who logged in for the request id.
func (s *storage) finish(id string, u User, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[id]
	if !ok || a.done {
		return errNotFound
	}
	a.user, a.done, a.authTime = u, true, now
	a.subject = u.subject()
	return nil
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest is called once a code is exchanged: the code is
// then spent.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	for c, r := range s.codes {
		if r == id {
			delete(s.codes, c)
		}
	}
	return nil
}

func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	id := randomID()
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := req.(*authRequest); ok {
		s.tokens[id] = a
	}
	return id, time.Now().Add(5 * time.Minute), nil
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("eidtest: no refresh tokens")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s *storage) TerminateSession(context.Context, string, string) error {
	s.p.mu.Lock()
	s.p.logouts++
	s.p.mu.Unlock()
	return nil
}

func (s *storage) RevokeToken(context.Context, string, string, string) *oidc.Error { return nil }

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return signer{s.p.key}, nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.ES256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) { return []op.Key{s.p.key}, nil }

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	i := slices.IndexFunc(s.p.cfg.Clients, func(c Client) bool { return c.ID == id })
	if i < 0 {
		return nil, errNotFound
	}
	return client{c: s.p.cfg.Clients[i]}, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	i := slices.IndexFunc(s.p.cfg.Clients, func(c Client) bool { return c.ID == id })
	if i < 0 || s.p.cfg.Clients[i].Secret != secret {
		return errors.New("eidtest: wrong client secret")
	}
	return nil
}

// SetUserinfoFromScopes does nothing: SetUserinfoFromRequest fills the
// claims of the login at hand.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the claims the scopes ask for, the Swedish
// profile's among them, from the login the ID token is issued for.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if a, ok := req.(*authRequest); ok {
		s.p.fill(info, a.subject, a.user, scopes)
	}
	return nil
}

func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	a, ok := s.tokens[tokenID]
	s.mu.Unlock()
	if !ok {
		return errNotFound
	}
	s.p.fill(info, subject, a.user, a.req.Scopes)
	return nil
}

func (s *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errors.New("eidtest: no introspection")
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotFound
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("eidtest: no JWT profile grant")
}

func (s *storage) Health(context.Context) error { return nil }

// client is a registered relying party.
type client struct{ c Client }

var _ op.Client = client{}

func (c client) GetID() string                       { return c.c.ID }
func (c client) RedirectURIs() []string              { return c.c.RedirectURIs }
func (c client) PostLogoutRedirectURIs() []string    { return c.c.PostLogoutRedirectURIs }
func (c client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c client) GrantTypes() []oidc.GrantType        { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c client) LoginURL(id string) string           { return "/login?id=" + id }
func (c client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }
func (c client) IDTokenLifetime() time.Duration      { return IDTokenLifetime }
func (c client) DevMode() bool                       { return true }
func (c client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) IsScopeAllowed(string) bool           { return true }
func (c client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c client) ClockSkew() time.Duration             { return 0 }
