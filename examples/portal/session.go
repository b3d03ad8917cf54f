package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

// Sessions. A session is a random 32-byte ID in an HttpOnly cookie,
// mapped to state kept in the portal's database (the book's): who logged
// in, whom they act for, the hold on the slot they are confirming, and
// their recent confirmations. Nothing about the citizen is in the cookie
// or in URLs, and the database keeps only a hash of the ID, so that
// reading the table does not let anyone in. A restart logs nobody out, and
// portal processes sharing the database share the sessions: a load
// balancer need not send a citizen back to the same process.
//
// Each request works on its own copy of its session, loaded when the
// request comes in and written back, if it changed, before the first byte
// of the answer goes out. Of two requests of one session at once (a double
// click), the one that answers last decides what the session keeps; the
// writes themselves are guarded by the booking flow's request keys, so at
// most a confirmation page is lost, and the booking's own page stands in
// for it.
//
// The cookie is SameSite=Lax rather than Strict: Strict would drop the
// cookie on every navigation that starts on another site — a link in a
// reminder SMS or e-mail to "Mina bokningar", or the return from a real
// login service — so that the citizen would look logged out on arrival.
// Lax still keeps the cookie off cross-site POSTs, and every POST must
// also carry the session's CSRF token and pass the cross-origin check
// (Sec-Fetch-Site and Origin).
//
// Over TLS, or behind a TLS-terminating proxy (config.BehindTLSProxy),
// the cookie is Secure and named with the __Host- prefix, which browsers
// accept only from a secure origin, with Path=/ and no Domain: no other
// host, not even a subdomain, can plant a session cookie on the portal.
//
// An anonymous visitor has no session, and nothing about them is stored:
// a login in progress keeps its state in a cookie of its own (see
// login.go), and the session is made when the login succeeds.
const (
	sessionCookie = "webbtidbok_session"
	// hostPrefix is the prefix of a secure cookie's name.
	hostPrefix = "__Host-"
	// sessionIdle is how long a session lives without use, as the patient
	// portal logs citizens out; sessionMax is how long it lives at most.
	sessionIdle = 30 * time.Minute
	sessionMax  = 12 * time.Hour
	// seenEvery is how stale a session's last use may be recorded: a
	// request that changes nothing else writes the session back only
	// when its last use was recorded longer ago than this.
	seenEvery = time.Minute
	// sweepEvery is how many sessions a process makes between sweeps of
	// the expired ones.
	sweepEvery = 256
	// maxConfirmations is how many recent confirmations a session keeps
	// for the confirmation page and its calendar file.
	maxConfirmations = 10
	// maxRecent is how many request keys of its latest writes a session
	// keeps: a form is sent again moments after it was first sent, and
	// the booking flow's own request keys guard every write anyway.
	maxRecent = 8
)

// session is one visitor's state, as one request sees it. Its fields are
// guarded by mu.
type session struct {
	id      string
	created time.Time

	mu      sync.Mutex
	seen    time.Time
	csrf    string
	who     *Identity
	subject Person // whom a citizen acts for; zero: themself
	hold    *pendingHold
	// confirms are kept as the session stores them; a confirmation's
	// summary and calendar file are made when it is shown.
	confirms []keptConfirmation
	// recent are the request keys of the latest writes this session
	// made, with the page that shows their outcome, so that a form sent
	// twice (a double click, a reload) shows the first outcome.
	recent []doneWrite
	flash  string
	// back is a refused form, kept for its one view after the redirect
	// (see formback.go).
	back *formBack

	// What the database holds: the state as last read or written, and
	// when its last use was recorded. gone: the session was ended.
	stored     []byte
	storedSeen time.Time
	gone       bool
	// dirty: the state kept as JSON changed since it was read or
	// written. Every method that changes it sets dirty, so that save
	// encodes the state only when there is something to write.
	dirty bool
}

// sessionState is the part of a session kept as JSON. It is kept small,
// since every request reads it and every change writes it: a
// confirmation is kept without its summary and calendar file, which are
// made again from the booking when read (see keptConfirmation).
type sessionState struct {
	CSRF     string             `json:"csrf"`
	Who      *Identity          `json:"who,omitempty"`
	Subject  Person             `json:"subject"`
	Hold     *pendingHold       `json:"hold,omitempty"`
	Confirms []keptConfirmation `json:"confirms,omitempty"`
	// Recent are the latest writes' request keys and pages, oldest
	// first; Done is how sessions kept before held them, read but no
	// longer written.
	Recent []doneWrite       `json:"recent,omitempty"`
	Done   map[string]string `json:"done,omitempty"`
	Flash  string            `json:"flash,omitempty"`
	Back   *formBack         `json:"back,omitempty"`
}

// doneWrite is a write this session made: its request key, and the page
// that shows its outcome.
type doneWrite struct {
	Key  string `json:"k"`
	Path string `json:"p"`
	// Form is the page of the form that made the write, if known: that
	// page, come back to, says the write is done (see backbutton.go).
	Form string `json:"f,omitempty"`
}

// keptConfirmation is a confirmed as a session keeps it: the booking and
// what its calendar file is made from.
type keptConfirmation struct {
	Booking  tidbok.Timeslot
	Previous tidbok.Timeslot `json:",omitzero"`
	Notice   string          `json:",omitempty"`
	CaseType string
	// Phone is the mobile number the citizen gave when booking.
	Phone string `json:",omitempty"`
	// Stamp and Sequence are the calendar file's DTSTAMP and SEQUENCE.
	Stamp    time.Time `json:",omitzero"`
	Sequence int       `json:",omitempty"`
	// ICS is the calendar file of a confirmation kept before calendar
	// files were made again when read; it is never written.
	ICS []byte `json:",omitempty"`
}

// keep returns c as a session keeps it.
func (c confirmed) keep() keptConfirmation {
	k := keptConfirmation{Booking: c.Booking, Previous: c.Previous, Notice: c.Notice, CaseType: c.CaseType, Phone: c.Phone}
	k.Stamp, k.Sequence = icsStampAndSequence(c.ICS)
	return k
}

// confirmed returns the confirmation k keeps, with its summary and
// calendar file made again.
func (k keptConfirmation) confirmed() confirmed {
	c := confirmed{CaseType: k.CaseType, Phone: k.Phone, Confirmation: booking.Confirmation{
		Booking: k.Booking, Previous: k.Previous, Notice: k.Notice,
		Summary: booking.Summarize(k.Booking, k.Notice), ICS: k.ICS,
	}}
	if c.ICS == nil {
		c.ICS = booking.CalendarEvent{Booking: k.Booking, Notice: k.Notice, Stamp: k.Stamp, Sequence: k.Sequence}.ICS()
	}
	return c
}

// icsStampAndSequence reads the DTSTAMP and SEQUENCE of a calendar file
// made by booking.CalendarEvent, so that the same file can be made again.
func icsStampAndSequence(ics []byte) (time.Time, int) {
	var stamp time.Time
	seq := 0
	for line := range strings.SplitSeq(string(ics), "\r\n") {
		if v, ok := strings.CutPrefix(line, "DTSTAMP:"); ok {
			stamp, _ = time.Parse("20060102T150405Z", v)
		} else if v, ok := strings.CutPrefix(line, "SEQUENCE:"); ok {
			seq, _ = strconv.Atoi(v)
		}
	}
	return stamp, seq
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
	// Phone is the mobile number the citizen gave, in E.164.
	Phone string
}

// sessions keeps the sessions of the portal in its database. It is safe
// for concurrent use, and any number of processes may share one database.
type sessions struct {
	now     func() time.Time
	db      *sql.DB
	dialect sqltidbok.Dialect
	log     *slog.Logger
	created atomic.Int64
	// secureAlways: cookies are Secure whether or not the request came
	// over TLS (config.BehindTLSProxy).
	secureAlways bool
	// decoded is the states the process decoded lately (see
	// sessionDecoder).
	decoded sessionDecoder
}

// sessionTables are the portal's own table and its index, beside the
// book's and the stores', in SQL both dialects read. The portal creates
// them when they are missing; a portal with more tables of its own keeps
// them with the migration tool it uses for the rest of its schema.
var sessionTables = []string{
	// id is the SHA-256 of the session ID in the visitor's cookie, in
	// hex; times are unix nanoseconds; data is the session's state as
	// JSON. Expired rows are deleted as they are found and in sweeps.
	`CREATE TABLE IF NOT EXISTS portal_sessions (
    id         TEXT PRIMARY KEY,
    created_ns BIGINT NOT NULL,
    seen_ns    BIGINT NOT NULL,
    data       TEXT NOT NULL
)`,
	`CREATE INDEX IF NOT EXISTS portal_sessions_by_seen ON portal_sessions (seen_ns)`,
	// A form sent after its session expired, kept for a short while
	// under a single-use token (see resume.go): id is the SHA-256 of the
	// token in hex, data the form and the step as JSON.
	`CREATE TABLE IF NOT EXISTS portal_resume (
    id         TEXT PRIMARY KEY,
    expires_ns BIGINT NOT NULL,
    data       TEXT NOT NULL
)`,
}

// openSessions creates the sessions table in db unless it is there.
// Several portal processes may start on one database at once: on
// PostgreSQL they take turns by an advisory lock held for the
// transaction, and on SQLite the transaction holds the write lock from
// its start (sqltidbok.SQLiteDSN asks for that).
func openSessions(ctx context.Context, db *sql.DB, d sqltidbok.Dialect, now func() time.Time, log *slog.Logger, secureAlways bool) (*sessions, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("creating the sessions table: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	stmts := sessionTables
	if d == sqltidbok.Postgres {
		lock := `SELECT pg_advisory_xact_lock(hashtext('webbtidbok/portal:' || current_schema()))`
		stmts = append([]string{lock}, stmts...)
	}
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("creating the sessions table: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("creating the sessions table: %w", err)
	}
	return &sessions{now: now, db: db, dialect: d, log: log, secureAlways: secureAlways}, nil
}

// inDialect returns q, written with ? placeholders, in the database's
// dialect: PostgreSQL numbers its placeholders $1, $2 ….
func (s *sessions) inDialect(q string) string {
	if s.dialect != sqltidbok.Postgres {
		return q
	}
	parts := strings.Split(q, "?")
	var b strings.Builder
	for i, part := range parts {
		if i > 0 {
			fmt.Fprintf(&b, "$%d", i)
		}
		b.WriteString(part)
	}
	return b.String()
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// key is what the database knows a session by: a hash of its ID.
func key(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// expired reports whether a session created and last used at these times
// has ended by now.
func expired(created, seen, now time.Time) bool {
	return now.Sub(seen) > sessionIdle || now.Sub(created) > sessionMax
}

// get returns the live session with id, or nil; and, if the session has
// just expired, the state it had, so that what the citizen was doing can
// be taken up after they log in again (see resume.go).
func (s *sessions) get(ctx context.Context, id string) (*session, *sessionState, error) {
	if id == "" {
		return nil, nil, nil
	}
	var createdNs, seenNs int64
	var data string
	err := s.db.QueryRowContext(ctx, s.inDialect("SELECT created_ns, seen_ns, data FROM portal_sessions WHERE id = ?"), key(id)).
		Scan(&createdNs, &seenNs, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("reading the session: %w", err)
	}
	now := s.now()
	created, seen := time.Unix(0, createdNs), time.Unix(0, seenNs)
	if expired(created, seen, now) {
		s.delete(ctx, id)
		var st sessionState
		if json.Unmarshal([]byte(data), &st) != nil {
			return nil, nil, nil
		}
		return nil, &st, nil
	}
	st, err := s.decoded.decode(key(id), data)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the session: %w", err)
	}
	ss := &session{id: id, created: created, seen: now, stored: []byte(data), storedSeen: seen}
	ss.set(st)
	return ss, nil, nil
}

// create makes a new session of who, and keeps it.
func (s *sessions) create(ctx context.Context, who *Identity) (*session, error) {
	now := s.now()
	if s.created.Add(1)%sweepEvery == 0 {
		s.sweep(ctx, now)
	}
	ss := &session{id: randomToken(32), created: now, seen: now, csrf: randomToken(32), who: who}
	data, err := json.Marshal(ss.snapshot())
	if err != nil {
		return nil, err
	}
	_, err = s.db.ExecContext(ctx, s.inDialect("INSERT INTO portal_sessions (id, created_ns, seen_ns, data) VALUES (?, ?, ?, ?)"),
		key(ss.id), now.UnixNano(), now.UnixNano(), string(data))
	if err != nil {
		return nil, fmt.Errorf("keeping the session: %w", err)
	}
	ss.stored, ss.storedSeen = data, now
	return ss, nil
}

// save writes ss back if it changed, or if its last use was recorded
// long enough ago. It never brings back a session ended meanwhile, here
// or in another request.
func (s *sessions) save(ctx context.Context, ss *session) error {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.gone {
		return nil
	}
	if !ss.dirty && ss.seen.Sub(ss.storedSeen) < seenEvery {
		return nil
	}
	data := ss.stored
	if ss.dirty {
		var err error
		if data, err = json.Marshal(ss.stateLocked()); err != nil {
			return err
		}
	}
	if bytes.Equal(data, ss.stored) && ss.seen.Sub(ss.storedSeen) < seenEvery {
		ss.dirty = false // changed and changed back
		return nil
	}
	_, err := s.db.ExecContext(ctx, s.inDialect("UPDATE portal_sessions SET seen_ns = ?, data = ? WHERE id = ?"),
		ss.seen.UnixNano(), string(data), key(ss.id))
	if err != nil {
		return fmt.Errorf("keeping the session: %w", err)
	}
	ss.stored, ss.storedSeen, ss.dirty = data, ss.seen, false
	return nil
}

// drop ends a session.
func (s *sessions) drop(ctx context.Context, ss *session) {
	ss.mu.Lock()
	ss.gone = true
	ss.mu.Unlock()
	s.delete(ctx, ss.id)
}

// delete removes the session with id from the database; a failure is
// logged, and the session then ends when it expires.
func (s *sessions) delete(ctx context.Context, id string) {
	if _, err := s.db.ExecContext(context.WithoutCancel(ctx), s.inDialect("DELETE FROM portal_sessions WHERE id = ?"), key(id)); err != nil {
		s.log.Warn("ending a session failed; it ends when it expires", "err", err)
	}
}

// sweep deletes the sessions that have expired by now.
func (s *sessions) sweep(ctx context.Context, now time.Time) {
	_, err := s.db.ExecContext(context.WithoutCancel(ctx), s.inDialect("DELETE FROM portal_sessions WHERE seen_ns < ? OR created_ns < ?"),
		now.Add(-sessionIdle).UnixNano(), now.Add(-sessionMax).UnixNano())
	if err != nil {
		s.log.Warn("deleting expired sessions failed", "err", err)
	}
}

// snapshot returns the part of ss kept as JSON.
func (ss *session) snapshot() sessionState {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.stateLocked()
}

func (ss *session) stateLocked() sessionState {
	st := sessionState{CSRF: ss.csrf, Who: ss.who, Subject: ss.subject,
		Hold: ss.hold, Recent: ss.recent, Flash: ss.flash, Back: ss.back}
	st.Confirms = ss.confirms
	return st
}

// set replaces the part of ss kept as JSON.
func (ss *session) set(st sessionState) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.csrf, ss.who, ss.subject = st.CSRF, st.Who, st.Subject
	ss.hold, ss.recent, ss.flash, ss.back = st.Hold, st.Recent, st.Flash, st.Back
	for k, p := range st.Done {
		if len(ss.recent) < maxRecent {
			ss.recent = append(ss.recent, doneWrite{Key: k, Path: p})
		}
	}
	// A state kept in the earlier form is written in the new one.
	ss.dirty = st.Done != nil
	ss.confirms = st.Confirms
}

// secure reports whether r's cookies are Secure: when r came over TLS, or
// always behind a TLS-terminating proxy.
func (s *sessions) secure(r *http.Request) bool { return s.secureAlways || r.TLS != nil }

// cookieName returns the name of the cookie called base for r: with the
// __Host- prefix when the cookie is Secure.
func (s *sessions) cookieName(r *http.Request, base string) string {
	if s.secure(r) {
		return hostPrefix + base
	}
	return base
}

// cookie returns the cookie called base for r, with value and maxAge (0:
// until the browser closes; negative: delete it): HttpOnly,
// SameSite=Lax, Path=/ and no Domain, Secure when s.secure(r).
func (s *sessions) cookie(r *http.Request, base, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: s.cookieName(r, base), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	}
}

// setCookie sends the session's cookie, without an expiry, so that it
// ends with the browser.
func (s *sessions) setCookie(w http.ResponseWriter, r *http.Request, ss *session) {
	http.SetCookie(w, s.cookie(r, sessionCookie, ss.id, 0))
}

// clearCookie deletes the session's cookie.
func (s *sessions) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
}

// requestSession is the session a request works on, the one its cookie
// names; and the login a visitor without a session started, if any, for
// the login form's CSRF token.
type requestSession struct {
	ss    *session
	login *pendingLogin
	// expired is the state of the session the cookie named, if it has
	// just expired.
	expired *sessionState
}

type sessionKey struct{}

// sessionOf returns the request's session, or nil.
func sessionOf(r *http.Request) *session {
	if rs, _ := r.Context().Value(sessionKey{}).(*requestSession); rs != nil {
		return rs.ss
	}
	return nil
}

// setPendingLogin makes l the request's login in progress.
func setPendingLogin(r *http.Request, l pendingLogin) {
	if rs, _ := r.Context().Value(sessionKey{}).(*requestSession); rs != nil {
		rs.login = &l
	}
}

// pendingLoginIn returns the login in progress that a handler started for
// the request (setPendingLogin).
func pendingLoginIn(r *http.Request) (pendingLogin, bool) {
	if rs, _ := r.Context().Value(sessionKey{}).(*requestSession); rs != nil && rs.login != nil {
		return *rs.login, true
	}
	return pendingLogin{}, false
}

// withSession puts the session named by the request's cookie, if live,
// into the request's context, and writes it back, if the request changed
// it, before the answer goes out. The style sheet and icons need no
// session, and are served without reading one.
func (s *sessions) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/favicon.ico" {
			next.ServeHTTP(w, r)
			return
		}
		rs := &requestSession{}
		if c, err := r.Cookie(s.cookieName(r, sessionCookie)); err == nil {
			ss, gone, err := s.get(r.Context(), c.Value)
			if err != nil {
				s.log.Error("reading a session failed", "err", err)
				http.Error(w, "Tjänsten är inte tillgänglig just nu. Försök igen om en stund.", http.StatusServiceUnavailable)
				return
			}
			rs.ss, rs.expired = ss, gone
		}
		save := func() {
			if rs.ss == nil {
				return
			}
			if err := s.save(r.Context(), rs.ss); err != nil {
				s.log.Error("keeping a session failed", "err", err)
			}
		}
		sw := &savingWriter{ResponseWriter: w, save: save}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), sessionKey{}, rs)))
		save() // what changed after the answer began, if anything
	})
}

// savingWriter runs save once, before the answer's header goes out.
type savingWriter struct {
	http.ResponseWriter
	save  func()
	saved bool
}

func (w *savingWriter) before() {
	if !w.saved {
		w.saved = true
		w.save()
	}
}

func (w *savingWriter) WriteHeader(code int) {
	w.before()
	w.ResponseWriter.WriteHeader(code)
}

func (w *savingWriter) Write(b []byte) (int, error) {
	w.before()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (w *savingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

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
	ss.flash, ss.dirty = msg, true
}

// takeFlash returns the message kept for this page and forgets it.
func (ss *session) takeFlash() string {
	if ss == nil {
		return ""
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	f := ss.flash
	if f != "" {
		ss.flash, ss.dirty = "", true
	}
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
	ss.dirty = true
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
	ss.dirty = true
}

// remember keeps a confirmation for the confirmation page.
func (ss *session) remember(c confirmed) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	// A new slice: a snapshot taken before may share the old one.
	n := min(len(ss.confirms), maxConfirmations-1)
	ss.confirms = append(slices.Clone(ss.confirms[len(ss.confirms)-n:]), c.keep())
	ss.dirty = true
}

// confirmation returns the latest confirmation of booking id made in this
// session.
func (ss *session) confirmation(id string) (confirmed, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for i := len(ss.confirms) - 1; i >= 0; i-- {
		if ss.confirms[i].Booking.ID == id {
			return ss.confirms[i].confirmed(), true
		}
	}
	return confirmed{}, false
}

// markDone remembers that the write with request key led to the page at
// path.
func (ss *session) markDone(key, path string) { ss.markDoneFrom(key, "", path) }

// markDoneFrom remembers that the write with request key, sent from the
// form on the page form, led to the page at path.
func (ss *session) markDoneFrom(key, form, path string) {
	if key == "" {
		return
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if n := len(ss.recent); n >= maxRecent {
		ss.recent = slices.Delete(slices.Clone(ss.recent), 0, n-maxRecent+1)
	}
	ss.recent = append(ss.recent, doneWrite{Key: key, Path: path, Form: form})
	ss.dirty = true
}

// doneAt returns the page of the write with request key, if this session
// made it.
func (ss *session) doneAt(key string) (string, bool) {
	if key == "" {
		return "", false
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, d := range ss.recent {
		if d.Key == key {
			return d.Path, true
		}
	}
	return "", false
}

// sessionDecoder keeps the state a session's stored JSON decoded to, by
// the session's key, so that a request that reads back what the
// session's previous request stored does not decode it again: the row is
// still read on every request, and only JSON equal byte for byte to what
// was decoded is answered from it, so a change made by any process is
// decoded afresh. What it answers is a copy that shares no slice or
// pointer of the session with the kept one, whose parts are changed only
// by replacing them. It keeps at most maxDecodedSessions states and
// starts over past that.
type sessionDecoder struct {
	mu   sync.Mutex
	kept map[string]decodedSession
}

// decodedSession is a session's stored JSON and what it decoded to.
type decodedSession struct {
	data string
	st   sessionState
}

const maxDecodedSessions = 4096

// decode returns the state data decodes to, of the session with key k.
func (d *sessionDecoder) decode(k, data string) (sessionState, error) {
	d.mu.Lock()
	got, ok := d.kept[k]
	d.mu.Unlock()
	if ok && got.data == data {
		return got.st.clone(), nil
	}
	var st sessionState
	if err := json.Unmarshal([]byte(data), &st); err != nil {
		return sessionState{}, err
	}
	if st.Done != nil {
		return st, nil // the earlier form; rewritten on the next save
	}
	d.mu.Lock()
	if d.kept == nil || len(d.kept) >= maxDecodedSessions {
		d.kept = map[string]decodedSession{}
	}
	d.kept[k] = decodedSession{data, st.clone()}
	d.mu.Unlock()
	return st, nil
}

// clone returns a copy of st that shares no slice, map or pointer with
// it; the slots, holds and identities in it are values, and their own
// slices are never changed in place.
func (st sessionState) clone() sessionState {
	if st.Who != nil {
		who := *st.Who
		who.StaffAt, who.AdminOf = slices.Clone(who.StaffAt), slices.Clone(who.AdminOf)
		st.Who = &who
	}
	if st.Hold != nil {
		h := *st.Hold
		st.Hold = &h
	}
	st.Confirms = slices.Clone(st.Confirms)
	st.Recent = slices.Clone(st.Recent)
	if st.Done != nil {
		done := make(map[string]string, len(st.Done))
		for k, v := range st.Done {
			done[k] = v
		}
		st.Done = done
	}
	return st
}
