package main

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
)

// start is the front page: what the demo is, and where to begin.
func (a *app) start(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("sok"))
	d := startData{Name: demoClinic.Name, Query: q, Searched: r.URL.Query().Has("sok"), Found: a.findClinics(q)}
	a.render(w, r, http.StatusOK, "start", view{Title: "Välkommen till demoportalen", Data: d})
}

// login starts a login: it keeps the login's secret and where to go
// afterwards in a cookie (see login.go), stores nothing, and lets the
// identity provider take over.
func (a *app) login(w http.ResponseWriter, r *http.Request) {
	// A citizen logged in with a weaker login may log in again with an
	// e-ID (a step-up, /logga-in?niva=eid); anyone else logged in is done.
	if who, ok := sessionOf(r).identity(); ok && (who.IsStaff() || r.URL.Query().Get("niva") != "eid" || who.Assurance.Satisfies(casetype.AssuranceEID)) {
		seeOther(w, r, "/")
		return
	}
	// A login already in progress keeps its token, so that a second tab
	// does not spoil the first one's form.
	l, ok := a.sessions.pendingLoginOf(r)
	if !ok {
		l = pendingLogin{token: randomToken(32)}
	}
	if q := r.URL.Query(); q.Has("till") || !ok {
		l.next = localPath(q.Get("till"))
	}
	a.sessions.setPendingLogin(w, r, l)
	setPendingLogin(r, l)
	a.ids.Start(w, r, l.state())
}

// loginDone finishes a login. The session is new, so that an ID known
// before the login is worthless after it. Every login, and every login
// that fails, is an audit event.
func (a *app) loginDone(w http.ResponseWriter, r *http.Request) {
	l, ok := a.sessions.pendingLoginOf(r)
	if !ok {
		seeOther(w, r, "/logga-in")
		return
	}
	who, err := a.ids.Finish(r, l.state())
	if err != nil {
		a.recordLogin(r, Identity{}, "", err)
		text, again := loginFailure(err, l.next)
		a.render(w, r, http.StatusBadRequest, "error", view{Title: "Inloggningen misslyckades",
			Data: errorData{Text: text, Links: []link{again}}})
		return
	}
	if ss := sessionOf(r); ss != nil {
		a.sessions.drop(r.Context(), ss)
	}
	fresh, err := a.sessions.create(r.Context(), &who)
	if err != nil {
		a.unavailable(w, r, err)
		return
	}
	if err := a.recordLogin(r, who, sessionRef(fresh), nil); err != nil {
		// A login that is not logged does not happen.
		a.sessions.drop(r.Context(), fresh)
		a.unavailable(w, r, err)
		return
	}
	a.sessions.clearPendingLogin(w, r)
	a.sessions.setCookie(w, r, fresh)
	next := l.next
	if to := a.resumeAfterLogin(w, r, fresh, who); to != "" {
		next = to
	}
	if next == "" {
		switch {
		case len(who.AdminOf) > 0:
			next = "/admin"
		case who.IsStaff():
			next = "/personal"
		default:
			next = "/mottagning/" + demoClinic.ID.String()
		}
	}
	seeOther(w, r, next)
}

// logout ends the session.
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	if ss := sessionOf(r); ss != nil {
		// A slot held while confirming is free for others at once.
		if h := ss.pending(); h != nil {
			if err := a.serviceAt(h.Clinic).Release(r.Context(), booking.ReleaseRequest{Scope: booking.Scope{Clinic: h.Clinic, Subject: h.Subject}, Token: h.Token}); err != nil {
				a.log.Warn("releasing a hold at logout", "err", err)
			}
		}
		a.sessions.drop(r.Context(), ss)
	}
	a.sessions.clearCookie(w, r)
	// Where the login service offers it, the login there ends too
	// (RP-initiated logout); it sends the browser back to the front page.
	if lo, ok := a.ids.(interface{ LogoutURL() (string, bool) }); ok {
		if to, ok := lo.LogoutURL(); ok {
			seeOther(w, r, to)
			return
		}
	}
	seeOther(w, r, "/")
}

// citizen is a logged-in citizen's request at a clinic: who, for whom,
// where, and under which case type when the path names one.
type citizen struct {
	ss      *session
	who     Identity
	subject Person
	clinic  clinicInfo
	ct      casetype.CaseType
	// svc is the booking flow over the clinic's book.
	svc *booking.Service
}

// scope is the booking flow's scope of the request.
func (c citizen) scope() booking.Scope {
	return booking.Scope{
		Caller:   booking.Caller{Person: c.who.Person, Assurance: c.who.Assurance},
		Subject:  c.subject.Number,
		Clinic:   c.clinic.ID,
		CaseType: c.ct.ID,
		Session:  sessionRef(c.ss),
	}
}

// forChild reports whether the citizen acts for someone else, a child.
func (c citizen) forChild() bool {
	return !c.subject.Number.IsZero() && c.subject.Number != c.who.Person
}

// base is the path of the case type's pages.
func (c citizen) base() string {
	return "/mottagning/" + c.clinic.ID.String() + "/" + url.PathEscape(c.ct.ID)
}

// card is the path of the clinic's contact card.
func (c citizen) card() string { return "/mottagning/" + c.clinic.ID.String() }

// citizenAt checks that a citizen is logged in and that the path names a
// clinic the portal knows; it answers the request itself and returns
// false otherwise.
func (a *app) citizenAt(w http.ResponseWriter, r *http.Request) (citizen, bool) {
	ss := sessionOf(r)
	who, ok := ss.identity()
	if !ok {
		if a.offerResume(w, r) {
			return citizen{}, false
		}
		if r.Method == http.MethodGet {
			seeOther(w, r, "/logga-in?till="+url.QueryEscape(r.URL.RequestURI()))
		} else {
			seeOther(w, r, "/logga-in")
		}
		return citizen{}, false
	}
	if who.IsStaff() {
		a.errorPage(w, r, http.StatusForbidden, "Sidan är för invånare",
			"Du är inloggad som personal. Logga ut och logga in som invånare för att boka tid.")
		return citizen{}, false
	}
	cl, ok := a.clinicByID(r.PathValue("hsa"))
	if !ok {
		a.notFound(w, r)
		return citizen{}, false
	}
	c := citizen{ss: ss, who: who, clinic: cl.info, svc: cl.svc, subject: ss.actingFor()}
	if c.subject.Number.IsZero() {
		c.subject = a.self(r, who)
	}
	return c, true
}

// self returns the citizen logged in as the population register knows
// them, or, if it does not, by the name the login gave.
func (a *app) self(r *http.Request, who Identity) Person {
	if p, err := a.people.Person(r.Context(), who.Person); err == nil {
		return p
	}
	p := Person{Number: who.Person, FirstName: who.Name}
	if i := strings.LastIndexByte(who.Name, ' '); i > 0 {
		p.FirstName, p.LastName = who.Name[:i], who.Name[i+1:]
	}
	return p
}

// citizenUnder is citizenAt for a path that names a case type: the case
// type must be active at the clinic and, when kinds are given, of one of
// them.
func (a *app) citizenUnder(w http.ResponseWriter, r *http.Request, kinds ...casetype.Kind) (citizen, bool) {
	c, ok := a.citizenAt(w, r)
	if !ok {
		return c, false
	}
	ct, err := a.cases.Get(r.Context(), c.clinic.ID, r.PathValue("arende"))
	if err != nil || ct.Status != casetype.StatusActive || (len(kinds) > 0 && !slices.Contains(kinds, ct.Kind)) {
		a.render(w, r, http.StatusNotFound, "error", view{Title: "Tjänsten finns inte",
			Data: errorData{Text: "Mottagningen erbjuder inte den här tjänsten just nu.",
				Links: []link{{c.card(), "Till mottagningens kontaktkort"}}}})
		return c, false
	}
	c.ct = ct
	return c, true
}

// manageCaseType returns the ID of the clinic's Av- och omboka case type
// the citizen may use for the subject, or "".
func (a *app) manageCaseType(r *http.Request, c citizen) string {
	return a.manageCaseTypeCtx(r.Context(), c)
}

// actFor chooses whom a citizen acts for: themself, or a child of theirs
// per the population register. Whether they may act for the child under a
// case type is for the booking flow to decide.
func (a *app) actFor(w http.ResponseWriter, r *http.Request) {
	r.SetPathValue("hsa", demoClinic.ID.String())
	c, ok := a.citizenAt(w, r)
	if !ok {
		return
	}
	choice := r.PostFormValue("vem")
	if choice == "" || choice == "jag" {
		c.ss.setActingFor(Person{})
		seeOther(w, r, c.card())
		return
	}
	kids, err := a.people.Children(r.Context(), c.who.Person)
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	for i, k := range kids {
		if choice == childKey(i) {
			c.ss.setActingFor(k)
			seeOther(w, r, c.card())
			return
		}
	}
	a.errorPage(w, r, http.StatusBadRequest, "Okänd person", "Du kan bara välja dig själv eller dina barn.")
}

// childKey names the i-th child of the register's answer in forms,
// instead of its personal identity number.
func childKey(i int) string { return "barn-" + strconv.Itoa(i+1) }
