package main

import "net/http"

// Back after a booking or a cancellation brings the citizen to the page
// of the form they sent. That page then says the write is done, with the
// way onward, rather than offering the form again.

// doneFrom returns the outcome page of this session's latest write sent
// from the form on the page form, if it made one.
func (ss *session) doneFrom(form string) (string, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for i := len(ss.recent) - 1; i >= 0; i-- {
		if d := ss.recent[i]; d.Form != "" && d.Form == form {
			return d.Path, true
		}
	}
	return "", false
}

// alreadyDone shows that the form on this page was sent and done: title
// says what ("Tiden är redan bokad"), text more, and links lead on.
func (a *app) alreadyDone(w http.ResponseWriter, r *http.Request, title, text string, links ...link) {
	a.render(w, r, http.StatusOK, "error", view{Title: title, Page: "already-done",
		Data: errorData{Text: text, Links: links}})
}

// doneCookie is set anew, with a random value, by every write a citizen
// makes. A browser may keep a page in its back-forward cache and show it
// again on Back without asking the portal, even a page sent with
// Cache-Control: no-store; Chromium does not when a cookie changed since
// the page was shown. So Back after a booking or cancellation asks the
// portal, which then says the write is done.
const doneCookie = "webbtidbok_skrivet"

// markWritten sets doneCookie anew.
func (a *app) markWritten(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, a.sessions.cookie(r, doneCookie, randomToken(8), 0))
}
