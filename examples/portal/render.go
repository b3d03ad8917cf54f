package main

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFS embed.FS

// staticFiles serves the style sheet.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// view is what every page shows: its title, who is logged in, the CSRF
// token for its forms, a message carried over from the previous request,
// and the page's own data.
type view struct {
	// Title is the page's <title> and <h1>.
	Title string
	// Page names the page (body data-page), for tests and styling.
	Page string
	// Who is logged in, if anyone; ActingFor the child a guardian acts
	// for.
	Who       *Identity
	ActingFor string
	CSRF      string
	// Flash is a message carried over a redirect; Error a problem with
	// what was just sent.
	Flash string
	Error string
	// Problems are the problems with each field of a form, shown with
	// Error; ErrorField is the id of the field Error is about, if it is
	// about one (see formerrors.go).
	Problems   []formProblem
	ErrorField string
	// InClinic is the clinic the page is about, if any: the one in the
	// path of the citizen's pages, or named by "mottagning" on staff and
	// administration pages. The menu's links go to it.
	InClinic string
	// Back is a link back, with its text.
	Back, BackText string
	Data           any
	// SessionEnds, on pages with a form of the citizen's, is when the
	// session ends unless it is used before: the page says so.
	SessionEnds time.Time
}

// parsePages parses every page with the layout; now is the portal's
// clock, for the demo login's ages.
func parsePages(now func() time.Time) (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", n)
		if err == nil && base == "login" {
			t, err = withDemoChoices(t, n, now)
		}
		if err != nil {
			return nil, fmt.Errorf("parsing template %s: %w", n, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// withDemoChoices returns the login page n, parsed as t, with the demo's
// people and staff roles rendered by t's own "demo-people" and
// "demo-staff" templates (so escaped as html/template escapes them), and
// shown by demoPeopleChoices and demoStaffChoices. They are the same on
// every login page of a day: the people's notes give the children's ages
// by now's date, so they are rendered again when the date changes.
func withDemoChoices(t *template.Template, n string, now func() time.Time) (*template.Template, error) {
	var staff bytes.Buffer
	if err := t.ExecuteTemplate(&staff, "demo-staff", demoLogin{Staff: demoStaff}); err != nil {
		return nil, err
	}
	people := func(day tidbok.Date) (string, error) {
		var d demoLogin
		for _, p := range demoPeople {
			if p.Listed {
				p.Note = demoNote(p, day)
				d.People = append(d.People, p)
			}
		}
		var b bytes.Buffer
		err := t.ExecuteTemplate(&b, "demo-people", d)
		return b.String(), err
	}
	var mu sync.Mutex
	day := tidbok.DateOf(now())
	html, err := people(day)
	if err != nil {
		return nil, err
	}
	return template.New(t.Name()).Funcs(funcs).Funcs(template.FuncMap{
		"demoPeopleChoices": func() (template.HTML, error) {
			today := tidbok.DateOf(now())
			mu.Lock()
			defer mu.Unlock()
			if today != day {
				h, err := people(today)
				if err != nil {
					return "", err
				}
				day, html = today, h
			}
			return template.HTML(html), nil // escaped by html/template in people
		},
		"demoStaffChoices": func() template.HTML { return template.HTML(staff.String()) },
	}).ParseFS(templateFiles, "templates/layout.html", n)
}

// render writes page with v, filling in what the session knows.
func (a *app) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	t, ok := a.pages[page]
	if !ok {
		a.log.Error("no such page template", "page", page)
		http.Error(w, "Något gick fel.", http.StatusInternalServerError)
		return
	}
	if v.Page == "" {
		v.Page = page
	}
	if v.InClinic == "" {
		v.InClinic = a.clinicInContext(r)
	}
	if ss := sessionOf(r); ss != nil {
		v.CSRF = ss.token()
		if who, ok := ss.identity(); ok {
			v.Who = &who
			if formPage(v.Page) {
				v.SessionEnds = ss.endsAt()
			}
			if p := ss.actingFor(); !p.Number.IsZero() {
				v.ActingFor = p.Name()
			}
		}
		if f := ss.takeFlash(); f != "" && v.Flash == "" {
			v.Flash = f
		}
	} else if l, ok := pendingLoginIn(r); ok {
		v.CSRF = l.csrf()
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		a.log.Error("rendering page", "page", page, "err", err)
		http.Error(w, "Något gick fel.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages show personal data: no cache keeps them.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage shows a plain message with a link onward.
func (a *app) errorPage(w http.ResponseWriter, r *http.Request, status int, title, text string) {
	a.render(w, r, status, "error", view{Title: title, Data: errorData{Text: text}})
}

type errorData struct {
	Text string
	// Links are ways forward.
	Links []link
}

type link struct{ Href, Text string }

// seeOther redirects after a POST (POST-redirect-GET), or to another page.
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

var (
	swedishWeekdays = [7]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"}
	swedishMonths   = [12]string{"januari", "februari", "mars", "april", "maj", "juni", "juli",
		"augusti", "september", "oktober", "november", "december"}
)

// longDate returns d as "måndag 16 mars 2026".
func longDate(d tidbok.Date) string {
	if !d.Valid() {
		return ""
	}
	wd := d.Start().Weekday()
	return fmt.Sprintf("%s %d %s %d", swedishWeekdays[wd], d.Day, swedishMonths[d.Month-1], d.Year)
}

// clock returns t's Swedish wall time as "09:30".
func clock(t time.Time) string { return t.In(tidbok.Stockholm()).Format("15:04") }

var funcs = template.FuncMap{
	"longDate":  longDate,
	"dayOf":     func(t time.Time) string { return longDate(tidbok.DateOf(t)) },
	"clock":     clock,
	"unix":      func(t time.Time) int64 { return t.Unix() },
	"summary":   func(ts tidbok.Timeslot) booking.Summary { return booking.Summarize(ts, "") },
	"iso":       func(d tidbok.Date) string { return d.String() },
	"dayISO":    func(t time.Time) string { return tidbok.DateOf(t).String() },
	"slotForms": slotForms,
	// problemFor is the problem of a form's field (see formerrors.go).
	"problemFor": problemFor,
	"showPhone":  showPhone,
	// demoPeopleChoices and demoStaffChoices are the demo login's
	// choices, rendered once (see withDemoChoices).
	"demoPeopleChoices": func() template.HTML { return "" },
	"demoStaffChoices":  func() template.HTML { return "" },
	// clinicHref is the path of the demo clinic's contact card.
	"clinicHref": func() string { return "/mottagning/" + demoClinic.ID.String() },
	// pnrFull shows a whole personal identity number: on the demo login
	// page (they are test numbers), and to staff, whose patients they are.
	"pnrFull": fullNumber,
}
