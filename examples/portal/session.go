package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
)

// Sessions. A session is a random 32-byte ID in an HttpOnly cookie,
// mapped to state kept in memory: who logged in, whom they act for, the
// hold on the slot they are confirming, and their recent confirmations.
// Nothing about the citizen is in the cookie or in URLs.
//
// The cookie is SameSite=Lax rather than Strict: Strict would drop the
// cookie on every navigation that starts on another site — a link in a
// reminder SMS or e-mail to "Mina bokningar", or the return from a real
// login service — so that the citizen would look logged out on arrival.
// Lax still keeps the cookie off cross-site POSTs, and every POST must
// also carry the session's CSRF token and pass the cross-origin check
// (Sec-Fetch-Site and Origin).
const (
	sessionCookie = "webbtidbok_session"
	// sessionIdle is how long a session lives without use, as the patient
	// portal logs citizens out; sessionMax is how long it lives at most.
	sessionIdle = 30 * time.Minute
	sessionMax  = 12 * time.Hour
	// maxSessions bounds the sessions kept, so that anonymous visitors
	// cannot fill memory.
	maxSessions = 100_000
	// maxConfirmations is how many recent confirmations a session keeps
	// for the confirmation page and its calendar file.
	maxConfirmations = 10
)

// session is one visitor's state. Its fields are guarded by mu.
type session struct {
	id      string
	created time.Time

	mu       sync.Mutex
	seen     time.Time
	csrf     string
	state    string // the pending login's state
	next     string // where to go after logging in
	who      *Identity
	subject  Person // whom a citizen acts for; zero: themself
	hold     *pendingHold
	confirms []confirmed
	// done maps the request keys of the writes this session made to the
	// page that shows their outcome, so that a form sent twice (a double
	// click, a reload) shows the first outcome.
	done  map[string]string
	flash string
}

// pendingHold is the slot a citizen is confirming.
type pendingHold struct {
	booking.Hold
	// Message is what the citizen wrote so far, kept across a detour to
	// accept changed terms.
	Message string
}

// confirmed is a booking or reschedule made in this session, for the
// confirmation page.
type confirmed struct {
	booking.Confirmation
	CaseType string
}

// sessions keeps the sessions of one portal process. It is safe for
// concurrent use.
type sessions struct {
	now func() time.Time

	mu      sync.Mutex
	byID    map[string]*session
	created int
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{now: now, byID: map[string]*session{}}
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// get returns the live session with id, or nil.
func (s *sessions) get(id string) *session {
	if id == "" {
		return nil
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.byID[id]
	if ss == nil {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if now.Sub(ss.seen) > sessionIdle || now.Sub(ss.created) > sessionMax {
		delete(s.byID, id)
		return nil
	}
	ss.seen = now
	return ss
}

// create makes a new session, anonymous unless who is set.
func (s *sessions) create(who *Identity) *session {
	now := s.now()
	ss := &session{id: randomToken(32), created: now, seen: now, csrf: randomToken(32), who: who}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.created++; len(s.byID) >= maxSessions || s.created%1024 == 0 {
		s.sweep(now)
	}
	s.byID[ss.id] = ss
	return ss
}

// drop ends a session.
func (s *sessions) drop(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
}

// sweep forgets expired sessions and, if still full, the oldest
// anonymous ones. The caller holds s.mu.
func (s *sessions) sweep(now time.Time) {
	for id, ss := range s.byID {
		ss.mu.Lock()
		dead := now.Sub(ss.seen) > sessionIdle || now.Sub(ss.created) > sessionMax
		anon := ss.who == nil
		ss.mu.Unlock()
		if dead || (anon && len(s.byID) >= maxSessions) {
			delete(s.byID, id)
		}
	}
}

// setCookie sends the session's cookie: HttpOnly, SameSite=Lax, Secure
// over TLS, and without an expiry, so that it ends with the browser.
func setCookie(w http.ResponseWriter, r *http.Request, ss *session) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: ss.id, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

func clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

type sessionKey struct{}

// sessionOf returns the request's session, or nil.
func sessionOf(r *http.Request) *session {
	ss, _ := r.Context().Value(sessionKey{}).(*session)
	return ss
}

// withSession puts the session named by the request's cookie, if live,
// into the request's context.
func (s *sessions) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ss *session
		if c, err := r.Cookie(sessionCookie); err == nil {
			ss = s.get(c.Value)
		}
		if ss != nil {
			r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, ss))
		}
		next.ServeHTTP(w, r)
	})
}

// identity returns who is logged in, if anyone.
func (ss *session) identity() (Identity, bool) {
	if ss == nil {
		return Identity{}, false
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.who == nil {
		return Identity{}, false
	}
	return *ss.who, true
}

// token returns the session's CSRF token.
func (ss *session) token() string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.csrf
}

// checkToken reports whether t is the session's CSRF token, in constant
// time.
func (ss *session) checkToken(t string) bool {
	if ss == nil || t == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(t), []byte(ss.token())) == 1
}

// setFlash keeps a message for the next page shown.
func (ss *session) setFlash(msg string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.flash = msg
}

// takeFlash returns the message kept for this page and forgets it.
func (ss *session) takeFlash() string {
	if ss == nil {
		return ""
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	f := ss.flash
	ss.flash = ""
	return f
}

// actingFor returns whom the citizen acts for: themself (the zero Person)
// or a child.
func (ss *session) actingFor() Person {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.subject
}

func (ss *session) setActingFor(p Person) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.subject = p
	ss.hold = nil
}

func (ss *session) pending() *pendingHold {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.hold == nil {
		return nil
	}
	h := *ss.hold
	return &h
}

func (ss *session) setPending(h *pendingHold) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.hold = h
}

// remember keeps a confirmation for the confirmation page.
func (ss *session) remember(c confirmed) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.confirms = append(ss.confirms, c)
	if n := len(ss.confirms); n > maxConfirmations {
		ss.confirms = ss.confirms[n-maxConfirmations:]
	}
}

// confirmation returns the latest confirmation of booking id made in this
// session.
func (ss *session) confirmation(id string) (confirmed, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for i := len(ss.confirms) - 1; i >= 0; i-- {
		if ss.confirms[i].Booking.ID == id {
			return ss.confirms[i], true
		}
	}
	return confirmed{}, false
}

// markDone remembers that the write with request key led to the page at
// path.
func (ss *session) markDone(key, path string) {
	if key == "" {
		return
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.done == nil || len(ss.done) >= 64 {
		ss.done = map[string]string{}
	}
	ss.done[key] = path
}

// doneAt returns the page of the write with request key, if this session
// made it.
func (ss *session) doneAt(key string) (string, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	p, ok := ss.done[key]
	return p, ok && key != ""
}
