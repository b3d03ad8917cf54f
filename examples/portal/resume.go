package main

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Taking up again after the session expired. A citizen who sends a form
// after their session expired (they were away longer than sessionIdle)
// is asked to log in again, and then comes back to the same step with
// what they typed, and with the slot they had chosen held again if it is
// still free. What they typed is kept in the portal's database for
// resumeFor, under a random single-use token in a cookie of its own —
// never in a URL — and is given back only to the same citizen.
const (
	resumeCookie = "webbtidbok_resume"
	// resumeFor is how long an expired session's form is kept.
	resumeFor = 15 * time.Minute
)

// resumeState is what an expired session's citizen was doing: who they
// were, whom they acted for, the page of the step, what they had typed
// there and the slot they held.
type resumeState struct {
	Person  tidbok.PersonalNumber `json:"person"`
	Subject Person                `json:"subject"`
	Path    string                `json:"path"`
	Values  map[string]string     `json:"values,omitempty"`
	Hold    *pendingHold          `json:"hold,omitempty"`
}

// resumeFields are the fields of the citizen's forms whose text is kept,
// each with the longest value kept.
func resumeFields() []struct {
	name string
	max  int
} {
	return []struct {
		name string
		max  int
	}{
		{"meddelande", 2000}, {"telefon", 2 * booking.MaxPhoneLen}, {"epost", booking.MaxEmailLen},
		{"epost-ok", 3}, {"sms-ok", 3}, {"godkann", 3},
	}
}

// keepResume stores st and returns its token.
func (s *sessions) keepResume(ctx context.Context, st resumeState) (string, error) {
	data, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	now := s.now()
	_, _ = s.db.ExecContext(ctx, s.inDialect("DELETE FROM portal_resume WHERE expires_ns < ?"), now.UnixNano())
	token := randomToken(32)
	_, err = s.db.ExecContext(ctx, s.inDialect("INSERT INTO portal_resume (id, expires_ns, data) VALUES (?, ?, ?)"),
		key(token), now.Add(resumeFor).UnixNano(), string(data))
	if err != nil {
		return "", fmt.Errorf("keeping the form: %w", err)
	}
	return token, nil
}

// takeResume returns the state kept under token and deletes it: it is
// given back once. ok is false when there is none, or it has expired.
func (s *sessions) takeResume(ctx context.Context, token string) (st resumeState, ok bool, err error) {
	var expiresNs int64
	var data string
	err = s.db.QueryRowContext(ctx, s.inDialect("SELECT expires_ns, data FROM portal_resume WHERE id = ?"), key(token)).Scan(&expiresNs, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return st, false, nil
	case err != nil:
		return st, false, fmt.Errorf("reading the kept form: %w", err)
	}
	res, err := s.db.ExecContext(ctx, s.inDialect("DELETE FROM portal_resume WHERE id = ?"), key(token))
	if err != nil {
		return st, false, fmt.Errorf("reading the kept form: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return st, false, err // another request took it first
	}
	if !time.Unix(0, expiresNs).After(s.now()) || json.Unmarshal([]byte(data), &st) != nil {
		return st, false, nil
	}
	return st, true, nil
}

// expiredOf returns the state of the request's session if it has just
// expired, a citizen's.
func expiredOf(r *http.Request) (*sessionState, bool) {
	rs, _ := r.Context().Value(sessionKey{}).(*requestSession)
	if rs == nil || rs.ss != nil || rs.expired == nil || rs.expired.Who == nil || rs.expired.Who.IsStaff() {
		return nil, false
	}
	return rs.expired, true
}

// stepOf returns the page of the step that r, sent in the citizen's flow,
// belongs to: the page of the form it posts, or the page it gets.
func stepOf(r *http.Request) (string, bool) {
	p := r.URL.Path
	if !strings.HasPrefix(p, "/mottagning/") || localPath(p) == "" {
		return "", false
	}
	if r.Method == http.MethodGet {
		return r.URL.RequestURI(), true
	}
	switch {
	case strings.HasSuffix(p, "/villkor"):
		if till := localPath(r.PostFormValue("till")); till != "" {
			return p + "?till=" + url.QueryEscape(till), true
		}
		return p, true
	case strings.HasSuffix(p, "/tider"):
		// The slot chosen: back to that day's free times.
		if start, ok := slotFromForm(r); ok {
			return p + "?tidstyp=" + url.QueryEscape(r.PostFormValue("tidstyp")) + "&datum=" + tidbok.DateOf(start.Start).String(), true
		}
		return strings.TrimSuffix(p, "/tider") + "/tidstyp", true
	case strings.HasSuffix(p, "/bekrafta"), strings.HasSuffix(p, "/forfragan"), strings.HasSuffix(p, "/avboka"):
		return p, true
	}
	// Any other step: its case type's start, or the clinic.
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) >= 3 {
		return "/" + strings.Join(parts[:3], "/"), true
	}
	return "/" + strings.Join(parts, "/"), true
}

// offerResume answers a request of a citizen whose session has just
// expired: it keeps what they were doing and asks them to log in again.
// It reports whether it answered.
func (a *app) offerResume(w http.ResponseWriter, r *http.Request) bool {
	st, ok := expiredOf(r)
	if !ok {
		return false
	}
	step, ok := stepOf(r)
	if !ok {
		return false
	}
	if r.Method == http.MethodPost && subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(st.CSRF)) != 1 {
		return false // not a form of the expired session
	}
	rs := resumeState{Person: st.Who.Person, Subject: st.Subject, Path: step, Hold: st.Hold}
	if r.Method == http.MethodPost {
		for _, f := range resumeFields() {
			if v := r.PostFormValue(f.name); v != "" {
				if rs.Values == nil {
					rs.Values = map[string]string{}
				}
				rs.Values[f.name] = clip(v, f.max)
			}
		}
	}
	token, err := a.sessions.keepResume(r.Context(), rs)
	if err != nil {
		a.log.Warn("keeping the form of an expired session", "err", err)
		return false
	}
	http.SetCookie(w, a.sessions.cookie(r, resumeCookie, token, int(resumeFor/time.Second)))
	if r.Method == http.MethodGet {
		seeOther(w, r, "/logga-in?till="+url.QueryEscape(step))
		return true
	}
	text := "Du loggades ut eftersom du inte hade gjort något på " + fmt.Sprint(int(sessionIdle/time.Minute)) +
		" minuter. Logga in igen inom " + fmt.Sprint(int(resumeFor/time.Minute)) +
		" minuter, så kommer du tillbaka till samma steg"
	if len(rs.Values) > 0 {
		text += " med det du hade skrivit"
	}
	text += "."
	if rs.Hold != nil {
		text += " Tiden du hade valt reserveras åt dig igen om den fortfarande är ledig."
	}
	a.render(w, r, http.StatusUnauthorized, "error", view{Title: "Du har loggats ut", Page: "resume",
		Data: errorData{Text: text, Links: []link{{"/logga-in?till=" + url.QueryEscape(step), "Logga in igen och fortsätt"}}}})
	return true
}

// resumeAfterLogin takes up what the citizen who just logged in to fresh
// was doing when their earlier session expired, if the browser kept it
// and it is theirs: whom they acted for, what they typed (shown on the
// step's page) and the slot they held, held again if it is still free.
// It returns the step's page, or "".
func (a *app) resumeAfterLogin(w http.ResponseWriter, r *http.Request, fresh *session, who Identity) string {
	c, err := r.Cookie(a.sessions.cookieName(r, resumeCookie))
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, a.sessions.cookie(r, resumeCookie, "", -1))
	st, ok, err := a.sessions.takeResume(r.Context(), c.Value)
	if err != nil {
		a.log.Warn("reading the form of an expired session", "err", err)
		return ""
	}
	if !ok || who.IsStaff() || st.Person != who.Person || localPath(st.Path) == "" {
		return "" // another citizen's, or gone
	}
	if !st.Subject.Number.IsZero() {
		fresh.setActingFor(st.Subject)
	}
	path, _, _ := strings.Cut(st.Path, "?")
	back := &formBack{Path: path, Values: st.Values}
	flash := "Välkommen tillbaka. Du är tillbaka där du var"
	if len(st.Values) > 0 {
		flash += ", med det du hade skrivit"
	}
	flash += "."
	if h := st.Hold; h != nil {
		sc := booking.Scope{
			Caller:  booking.Caller{Person: who.Person, Assurance: who.Assurance},
			Subject: h.Subject, Clinic: h.Clinic, CaseType: h.CaseType, Session: sessionRef(fresh),
		}
		held, err := a.serviceAt(h.Clinic).Hold(r.Context(), booking.HoldRequest{Scope: sc, Slot: h.Slot, BookingID: h.BookingID})
		if err == nil {
			fresh.setPending(&pendingHold{Hold: held, Message: st.Values["meddelande"]})
			flash += " Tiden du hade valt är reserverad åt dig igen till kl. " + clock(held.Expires) + "."
		} else {
			s := booking.Summarize(h.Slot, "")
			flash += " Tiden du hade valt, " + s.Date + " kl. " + s.Time + ", är inte ledig längre. Välj en annan tid."
			// Back to that day's free times; what was typed waits at
			// the confirm page for the next hold.
			c := citizen{clinic: clinicInfo{ID: h.Clinic}, ct: casetype.CaseType{ID: h.CaseType}}
			st.Path = a.chooseAgain(c, h.BookingID, h.Slot)
		}
	}
	if st.Path == path && (strings.HasSuffix(path, "/bekrafta") || strings.HasSuffix(path, "/forfragan") || strings.HasSuffix(path, "/avboka")) {
		// The form's page shows the message beside what was typed.
		back.Notice = flash
	} else {
		fresh.setFlash(flash)
	}
	if len(back.Values) > 0 || back.Notice != "" {
		fresh.setBack(back)
	}
	// fresh is not the request's session, which the request writes
	// back: it is written here.
	if err := a.sessions.save(r.Context(), fresh); err != nil {
		a.log.Warn("keeping the taken up session", "err", err)
	}
	return st.Path
}

// endsAt is when the session ends unless it is used before.
func (ss *session) endsAt() time.Time {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	end := ss.seen.Add(sessionIdle)
	if m := ss.created.Add(sessionMax); m.Before(end) {
		end = m
	}
	return end
}

// formPage reports whether page is one where a citizen types or chooses
// and may be away long: such a page says when the session ends.
func formPage(page string) bool {
	switch page {
	case "confirm", "request", "cancel", "terms", "slots":
		return true
	}
	return false
}
