package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
)

// A login in progress. Before anyone has logged in there is nothing to
// keep, so nothing is stored: the login's secret is a random token in a
// short-lived cookie of its own, HttpOnly and SameSite=Lax like the
// session's (and __Host- prefixed when Secure), together with the page to
// go to afterwards. The login's state, handed to the identity provider,
// and the login form's CSRF token are derived from the token, so that the
// login's answer is accepted only from the browser that started it: the
// form must carry the CSRF token of the cookie it comes with (a
// double-submit token that a page of another site can neither read nor
// plant), and the provider's answer the state. The session is made, and
// stored, only when the login succeeds.
const (
	loginCookie = "webbtidbok_login"
	// loginMaxAge is how long a login may take, in seconds.
	loginMaxAge = 30 * 60
	// loginTokenLen is the length of a login token: 32 random bytes,
	// base64url-encoded.
	loginTokenLen = 43
)

// pendingLogin is the login in progress of a browser: its token, and
// where to go after logging in ("" for the page of the role).
type pendingLogin struct {
	token, next string
}

// value is the cookie's value: the token, a dot, and next in base64url.
func (l pendingLogin) value() string {
	return l.token + "." + base64.RawURLEncoding.EncodeToString([]byte(l.next))
}

// state is the login's state, for the identity provider.
func (l pendingLogin) state() string { return derive("login state", l.token)[:32] }

// csrf is the login form's CSRF token.
func (l pendingLogin) csrf() string { return derive("login csrf", l.token) }

// checkToken reports whether t is the login form's CSRF token, in
// constant time.
func (l pendingLogin) checkToken(t string) bool {
	return l.token != "" && t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(l.csrf())) == 1
}

// derive returns a value derived from token for purpose, in hex.
func derive(purpose, token string) string {
	sum := sha256.Sum256([]byte(purpose + "\x00" + token))
	return hex.EncodeToString(sum[:])
}

// pendingLoginOf returns the login in progress that r's cookie names.
func (s *sessions) pendingLoginOf(r *http.Request) (pendingLogin, bool) {
	c, err := r.Cookie(s.cookieName(r, loginCookie))
	if err != nil {
		return pendingLogin{}, false
	}
	token, next, _ := strings.Cut(c.Value, ".")
	if len(token) != loginTokenLen {
		return pendingLogin{}, false
	}
	if _, err := base64.RawURLEncoding.DecodeString(token); err != nil {
		return pendingLogin{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(next)
	if err != nil {
		b = nil
	}
	return pendingLogin{token: token, next: localPath(string(b))}, true
}

// setPendingLogin sends the cookie of the login in progress.
func (s *sessions) setPendingLogin(w http.ResponseWriter, r *http.Request, l pendingLogin) {
	http.SetCookie(w, s.cookie(r, loginCookie, l.value(), loginMaxAge))
}

// clearPendingLogin deletes the cookie of the login in progress.
func (s *sessions) clearPendingLogin(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.cookie(r, loginCookie, "", -1))
}
