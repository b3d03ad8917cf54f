package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/pgtest"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Handler tests: the portal over plain HTTP, fast and always run. The
// browser tests (e2e_test.go) drive the same flows in Chromium.

// thursday is a day of the demo book with slots of every kind, more than
// a day ahead of t0.
var thursday = tidbok.Date{Year: 2026, Month: time.March, Day: 12}

var (
	titleTag   = regexp.MustCompile(`<title>([^<]+)</title>`)
	h1Tag      = regexp.MustCompile(`<h1>[^<]+</h1>`)
	controlTag = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	idAttr     = regexp.MustCompile(`\bid="([^"]+)"`)
)

// checkAccessible fails unless the page has a title, one h1, the skip
// link, Swedish as its language, and a label for every control.
func checkAccessible(t *testing.T, pg page) {
	t.Helper()
	if m := titleTag.FindStringSubmatch(pg.body); m == nil || strings.TrimSpace(m[1]) == "" {
		t.Errorf("%s: no <title>", pg.path)
	}
	if n := len(h1Tag.FindAllString(pg.body, -1)); n != 1 {
		t.Errorf("%s: %d <h1>, want 1", pg.path, n)
	}
	if !strings.Contains(pg.body, `<html lang="sv">`) || !strings.Contains(pg.body, `href="#innehall"`) {
		t.Errorf("%s: no lang=sv or skip link", pg.path)
	}
	for _, c := range controlTag.FindAllString(pg.body, -1) {
		if strings.Contains(c, `type="hidden"`) {
			continue
		}
		m := idAttr.FindStringSubmatch(c)
		if m == nil || !strings.Contains(pg.body, `for="`+m[1]+`"`) {
			t.Errorf("%s: control without a label: %s", pg.path, c)
		}
	}
}

func TestEveryPageHasATitleAndLabels(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	anon := p.browser(t)
	for _, path := range []string{"/", "/logga-in"} {
		pg := anon.get(path)
		if pg.status != http.StatusOK {
			t.Errorf("GET %s: %d", path, pg.status)
		}
		checkAccessible(t, pg)
	}

	b := p.browser(t)
	b.login("tolvan", "eid")
	pages := []string{cardPath, bookPath + "/villkor", bookPath + "/tidstyp",
		bookPath + "/datum?tidstyp=LAK", bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String(),
		cardPath + "/" + ctRequest + "/forfragan"}
	for _, path := range pages {
		pg := b.get(path)
		if strings.Contains(pg.path, "/villkor") && !strings.HasSuffix(path, "/villkor") {
			pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
		}
		if pg.status != http.StatusOK {
			t.Errorf("GET %s: %d", path, pg.status)
		}
		checkAccessible(t, pg)
	}
	conf := b.bookFirst("LAK", thursday, "Ont i halsen")
	checkAccessible(t, conf)
	id := bookingIDIn(t, conf.path)
	for _, path := range []string{managePath + "/bokningar", managePath + "/bokning/" + id,
		managePath + "/bokning/" + id + "/omboka", managePath + "/bokning/" + id + "/omboka?datum=" + thursday.AddDays(1).String(),
		managePath + "/bokning/" + id + "/avboka", "/mina-bokningar/logg", "/mina-bokningar/meddelanden"} {
		pg := b.get(path)
		if strings.Contains(pg.path, "/villkor") {
			pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
		}
		if pg.status != http.StatusOK {
			t.Errorf("GET %s: %d\n%s", path, pg.status, pg.body)
		}
		checkAccessible(t, pg)
	}
	pg := b.get(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	pg = b.submit(pg, "/tider", 0, nil)
	checkAccessible(t, pg)

	admin := p.browser(t)
	admin.loginStaff("admin")
	for _, path := range []string{"/admin", "/admin/arendetyp/" + ctNurse, "/admin/arendetyp/" + ctManage, "/admin/arendetyp/" + ctBook + "/villkor"} {
		pg := admin.get(path)
		if pg.status != http.StatusOK {
			t.Errorf("GET %s: %d", path, pg.status)
		}
		checkAccessible(t, pg)
	}
	staff := p.browser(t)
	staff.loginStaff("personal")
	pg = staff.get("/personal?datum=" + thursday.String())
	if pg.status != http.StatusOK {
		t.Errorf("GET /personal: %d", pg.status)
	}
	checkAccessible(t, pg)
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	pg := b.get("/logga-in")
	for k, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Cache-Control":           "no-store",
	} {
		if got := pg.header.Get(k); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", k, got, want)
		}
	}
	if !strings.Contains(pg.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP does not forbid framing: %q", pg.header.Get("Content-Security-Policy"))
	}

	// Asking to log in stores nothing: no session cookie, only the
	// login's own. The login's answer sets the session cookie: HttpOnly,
	// SameSite=Lax, not Secure over plain HTTP.
	u, _ := url.Parse(p.srv.URL)
	var login string
	for _, c := range b.hc.Jar.Cookies(u) {
		switch c.Name {
		case sessionCookie:
			t.Errorf("asking to log in set a session cookie")
		case loginCookie:
			login = c.Value
		}
	}
	if login == "" {
		t.Fatal("asking to log in set no login cookie")
	}
	f := formsOf(pg.body)
	req, _ := http.NewRequest(http.MethodPost, p.srv.URL+"/logga-in/svar", strings.NewReader(url.Values{
		"csrf": {b.token()}, "state": f[0].values["state"], "person": {"tolvan"}, "niva": {"eid"},
	}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: loginCookie, Value: login})
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var set string
	for _, c := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, sessionCookie+"=") {
			set = c
		}
	}
	for _, want := range []string{sessionCookie + "=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie %q lacks %q", set, want)
		}
	}
	if strings.Contains(set, "Secure") || strings.Contains(set, "Expires") || strings.Contains(set, "Max-Age") {
		t.Errorf("Set-Cookie %q: want a session cookie, not Secure over plain HTTP", set)
	}
	if strings.Contains(set, login) {
		t.Errorf("the session ID is the login's token")
	}
	if id := strings.TrimPrefix(strings.SplitN(set, ";", 2)[0], sessionCookie+"="); len(id) < 43 {
		t.Errorf("session ID %q is shorter than 32 random bytes", id)
	}
}

func cookieOf(t *testing.T, b *browser) string {
	t.Helper()
	u, _ := url.Parse(b.p.srv.URL)
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func TestFormsWithoutTheSessionsTokenAreRefused(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.get(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}}) // the terms, first
	f := formsOf(pg.body)
	var slot url.Values
	for _, x := range f {
		if strings.HasSuffix(x.action, "/tider") {
			slot = x.values
			break
		}
	}
	if slot == nil {
		t.Fatalf("no slot to choose on %s:\n%s", pg.path, pg.body)
	}
	tests := []struct {
		name   string
		csrf   string
		header map[string]string
	}{
		{"without a token", "", nil},
		{"with another token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", nil},
		{"from another site, with the token", b.token(), map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"with another origin, with the token", b.token(), map[string]string{"Origin": "https://evil.example"}},
	}
	for _, tt := range tests {
		v := url.Values{}
		for k, vs := range slot {
			v[k] = vs
		}
		v.Set("csrf", tt.csrf)
		req, _ := http.NewRequest(http.MethodPost, p.srv.URL+bookPath+"/tider", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, val := range tt.header {
			req.Header.Set(k, val)
		}
		got := b.do(req)
		if got.status != http.StatusForbidden {
			t.Errorf("a form %s: status %d, want 403", tt.name, got.status)
		}
	}
	if p.svc == nil || len(mustDay(t, p, thursday, "booked")) != 0 {
		t.Errorf("a refused form booked something")
	}
	// The same form with the token holds the slot.
	v := url.Values{}
	for k, vs := range slot {
		v[k] = vs
	}
	if got := b.post(bookPath+"/tider", v); !strings.HasSuffix(got.path, "/bekrafta") {
		t.Errorf("the form with the token ended at %s (%d)", got.path, got.status)
	}
}

// mustDay returns the slots of day at the demo clinic, all of them or
// only the "booked" or "free" ones.
func mustDay(t testing.TB, p *portal, day tidbok.Date, which string) []string {
	t.Helper()
	slots, err := p.book.Day(context.Background(), demoClinic.ID, day)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range slots {
		if which == "booked" && !s.Booked || which == "free" && s.Booked {
			continue
		}
		out = append(out, s.ID)
	}
	return out
}

func TestNothingOfOneCitizenIsVisibleToAnother(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	tolvan := p.browser(t)
	tolvan.login("tolvan", "eid")
	conf := tolvan.bookFirst("LAK", thursday, "Hemligt meddelande")
	id := bookingIDIn(t, conf.path)
	if !strings.Contains(conf.body, "Hemligt meddelande") {
		t.Fatalf("the confirmation does not show the message:\n%s", conf.body)
	}

	siv := p.browser(t)
	siv.login("siv", "eid")
	for _, path := range []string{
		managePath + "/bokning/" + id,
		managePath + "/bokning/" + id + "/kalender.ics",
		bookPath + "/bokning/" + id + "/kalender.ics",
		managePath + "/bokning/" + id + "/avboka",
		bookPath + "/bekraftelse/" + id,
	} {
		pg := siv.get(path)
		if strings.Contains(pg.path, "/villkor") {
			pg = siv.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
		}
		if pg.status != http.StatusNotFound {
			t.Errorf("Siv GET %s: %d, want 404", path, pg.status)
		}
		if strings.Contains(pg.body, "Hemligt") || strings.Contains(pg.body, "Tolvan") {
			t.Errorf("Siv GET %s shows Tolvan's booking", path)
		}
	}
	pg := siv.get(managePath + "/bokningar")
	if strings.Contains(pg.body, id) || !strings.Contains(pg.body, `id="inga-bokningar"`) {
		t.Errorf("Siv's bookings list shows a booking:\n%s", pg.body)
	}
	// Nor can Siv cancel it.
	siv.get(managePath + "/bokningar")
	pg = siv.post(managePath+"/bokning/"+id+"/avboka", url.Values{"nyckel": {"k1"}})
	if pg.status != http.StatusNotFound {
		t.Errorf("Siv cancelling Tolvan's booking: %d, want 404", pg.status)
	}
	if len(mustDay(t, p, thursday, "booked")) != 1 {
		t.Errorf("Tolvan's booking is gone")
	}
}

func TestTheFullFlowOverHTTP(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	pg := b.login("tolvan", "eid")
	if pg.path != cardPath || !strings.Contains(pg.body, "Boka tid hos läkare") {
		t.Fatalf("after login at %s, want the contact card:\n%s", pg.path, pg.body)
	}
	conf := b.bookFirst("PROV", thursday, "")
	if !strings.Contains(conf.body, "Kom fastande") || !strings.Contains(conf.body, "Din tid är bokad") {
		t.Errorf("the confirmation lacks the book's notice:\n%s", conf.body)
	}
	id := bookingIDIn(t, conf.path)

	ics := b.get(bookPath + "/bokning/" + id + "/kalender.ics")
	if ics.status != http.StatusOK || !strings.HasPrefix(ics.body, "BEGIN:VCALENDAR") ||
		!strings.Contains(ics.header.Get("Content-Type"), "text/calendar") {
		t.Errorf("calendar file: %d %q\n%s", ics.status, ics.header.Get("Content-Type"), ics.body)
	}

	pg = b.get("/mina-bokningar")
	if pg.status != http.StatusOK || !strings.Contains(pg.body, "torsdag 12 mars 2026 kl. 13:00") {
		t.Fatalf("my bookings at %s:\n%s", pg.path, pg.body)
	}

	// Reschedule to the first free slot a day later.
	pg = b.get(managePath + "/bokning/" + id + "/omboka?datum=" + thursday.AddDays(1).String())
	if strings.Contains(pg.path, "/villkor") {
		pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	}
	pg = b.submit(pg, "/omboka", 0, nil)
	if !strings.HasSuffix(pg.path, "/omboka/bekrafta") || !strings.Contains(pg.body, "Nuvarande tid") {
		t.Fatalf("choosing the new time ended at %s:\n%s", pg.path, pg.body)
	}
	pg = b.submit(pg, "/omboka/bekrafta", 0, nil)
	if !strings.Contains(pg.body, "Din tid är ombokad") || !strings.Contains(pg.body, "fredag 13 mars 2026 kl. 13:00") {
		t.Fatalf("the reschedule's confirmation at %s:\n%s", pg.path, pg.body)
	}

	// Cancel it.
	pg = b.get(managePath + "/bokning/" + id + "/avboka")
	pg = b.submit(pg, "/avboka", 0, url.Values{"meddelande": {"Jag är frisk igen"}})
	if !strings.HasSuffix(pg.path, "/bokningar") || !strings.Contains(pg.body, "är avbokad") || !strings.Contains(pg.body, `id="inga-bokningar"`) {
		t.Fatalf("after cancelling at %s:\n%s", pg.path, pg.body)
	}
}

func TestATakenSlotShowsTheNearestFreeTimes(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	slots := "/tider?tidstyp=LAK&datum=" + thursday.String()
	first, second := p.browser(t), p.browser(t)
	first.login("tolvan", "eid")
	second.login("siv", "eid")
	for _, b := range []*browser{first, second} {
		pg := b.get(bookPath + slots)
		b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	}
	stale := second.get(bookPath + slots) // Siv looks at the slots…
	first.bookFirst("LAK", thursday, "")  // …while Tolvan books the first

	pg := second.submit(stale, "/tider", 0, nil)
	if pg.status != http.StatusConflict || !strings.Contains(pg.body, "Tiden har just blivit bokad av någon annan") {
		t.Fatalf("choosing the taken slot: %d\n%s", pg.status, pg.body)
	}
	alts := 0
	for _, f := range formsOf(pg.body) {
		if strings.HasSuffix(f.action, "/tider") {
			alts++
		}
	}
	if alts == 0 {
		t.Fatalf("no alternatives offered:\n%s", pg.body)
	}
	// An alternative can be booked.
	pg = second.submit(pg, "/tider", 0, nil)
	pg = second.submit(pg, "/bekrafta", 0, nil)
	if !strings.Contains(pg.path, "/bekraftelse/") {
		t.Fatalf("booking the alternative ended at %s:\n%s", pg.path, pg.body)
	}

	// A slot someone holds reads as being booked by another.
	third := p.browser(t)
	third.login("stina", "eid")
	pg = third.get(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.AddDays(1).String())
	pg = third.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	first.get(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.AddDays(1).String())
	held := first.submit(first.get(bookPath+"/tider?tidstyp=LAK&datum="+thursday.AddDays(1).String()), "/tider", 0, nil)
	if !strings.HasSuffix(held.path, "/bekrafta") {
		t.Fatalf("holding: %s", held.path)
	}
	pg = third.submit(pg, "/tider", 0, nil)
	if pg.status != http.StatusConflict || !strings.Contains(pg.body, "håller just på att boka") {
		t.Errorf("choosing a held slot: %d\n%s", pg.status, pg.body)
	}
}

func TestChangedTermsAreShownBeforeBooking(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.get(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	pg = b.submit(pg, "/tider", 0, nil)
	if !strings.HasSuffix(pg.path, "/bekrafta") {
		t.Fatalf("at %s", pg.path)
	}
	// The clinic changes its terms while Tolvan confirms.
	if _, err := p.terms.Publish(context.Background(), terms.Admin{ID: demoAdmin, Clinics: []tidbok.HSAID{demoClinic.ID}}, demoClinic.ID, ctBook, terms.Terms{
		Conditions: "- Nytt villkor: kom tio minuter före besöket.",
	}); err != nil {
		t.Fatal(err)
	}
	pg = b.submit(pg, "/bekrafta", 0, url.Values{"meddelande": {"Feber"}})
	if !strings.Contains(pg.path, "/villkor") || !strings.Contains(pg.body, "Villkoren har ändrats") ||
		!strings.Contains(pg.body, "Nytt villkor") {
		t.Fatalf("after the terms changed, at %s:\n%s", pg.path, pg.body)
	}
	// Accepting them leads back to the held slot, message kept.
	pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	if !strings.HasSuffix(pg.path, "/bekrafta") || !strings.Contains(pg.body, "Feber") {
		t.Fatalf("after accepting, at %s:\n%s", pg.path, pg.body)
	}
	pg = b.submit(pg, "/bekrafta", 0, nil)
	if !strings.Contains(pg.path, "/bekraftelse/") {
		t.Fatalf("booking after accepting ended at %s:\n%s", pg.path, pg.body)
	}
}

func TestTooLateToChangeSaysWhatToDo(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	// Wednesday 07:50: Thursday's 08:00 slot may be booked, and changed
	// until Wednesday 08:00.
	p.clock.Set(time.Date(2026, time.March, 11, 7, 50, 0, 0, tidbok.Stockholm()))
	b := p.browser(t)
	b.login("tolvan", "eid")
	id := bookingIDIn(t, b.bookFirst("LAK", thursday, "").path)
	pg := b.get(managePath + "/bokning/" + id + "/avboka")
	pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	if !strings.HasSuffix(pg.path, "/avboka") {
		t.Fatalf("at %s", pg.path)
	}
	// The form is sent after the deadline.
	p.clock.Set(time.Date(2026, time.March, 11, 8, 5, 0, 0, tidbok.Stockholm()))
	got := b.submit(pg, "/avboka", 0, nil)
	if got.status != http.StatusConflict || !strings.Contains(got.body, "för sent att avboka") || !strings.Contains(got.body, demoClinic.Phone) {
		t.Errorf("cancelling after the deadline: %d\n%s", got.status, got.body)
	}
	pg = b.get(managePath + "/bokning/" + id)
	if strings.Contains(pg.body, `id="avboka"`) || !strings.Contains(pg.body, "för sent") || !strings.Contains(pg.body, demoClinic.Phone) {
		t.Errorf("the booking still offers cancelling after the deadline:\n%s", pg.body)
	}
	if n := len(mustDay(t, p, thursday, "booked")); n != 1 {
		t.Errorf("%d bookings, want the one still there", n)
	}
}

func TestAGuardianBooksForAChildUnder13(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	pg := b.login("frida", "eid")
	if strings.Contains(pg.body, "barnvaccination") {
		t.Errorf("Frida herself is offered the children's vaccination")
	}
	pg = b.submit(pg, "/agera-for", 0, url.Values{"vem": {childKey(0)}})
	if !strings.Contains(pg.body, "Du agerar för <strong>Olle Andersson</strong>") || !strings.Contains(pg.body, "Boka tid för barnvaccination") {
		t.Fatalf("acting for Olle:\n%s", pg.body)
	}
	child := cardPath + "/" + ctChild
	pg = b.get(child + "/tidstyp")
	pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	pg = b.get(child + "/tider?tidstyp=BVC&datum=" + thursday.String())
	pg = b.submit(pg, "/tider", 0, nil)
	if !strings.Contains(pg.body, "Olle Andersson") {
		t.Errorf("the confirmation page does not say whom it is for:\n%s", pg.body)
	}
	pg = b.submit(pg, "/bekrafta", 0, nil)
	if !strings.Contains(pg.path, "/bekraftelse/") {
		t.Fatalf("booking for Olle ended at %s:\n%s", pg.path, pg.body)
	}
	bookings, err := p.book.Bookings(context.Background(), demoClinic.ID)
	if err != nil || len(bookings) != 1 || bookings[0].Subject.Canonical() != "202003152432" || bookings[0].Contact.FirstName != "Olle" {
		t.Errorf("the book has %+v (%v), want one booking for Olle", bookings, err)
	}
	// Stina is 14: her guardian cannot act for her.
	pg = b.submit(b.get(cardPath), "/agera-for", 0, url.Values{"vem": {childKey(1)}})
	if strings.Contains(pg.body, "Boka tid") || !strings.Contains(pg.body, "fyllt 13 år") {
		t.Errorf("acting for Stina (14):\n%s", pg.body)
	}
}

func TestAPasswordLoginSeesFewerServices(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	pg := b.login("frida", "sms")
	pg = b.submit(pg, "/agera-for", 0, url.Values{"vem": {childKey(0)}})
	if strings.Contains(pg.body, "Boka tid för barnvaccination") || !strings.Contains(pg.body, "Logga in med e-legitimation för att se fler tjänster") {
		t.Errorf("password login for a child's vaccination:\n%s", pg.body)
	}
}

func TestTheRequestFormReachesStaff(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "sms")
	pg := b.get(cardPath + "/" + ctRequest)
	pg = b.submit(pg, "", 0, url.Values{"meddelande": {"Jag behöver förnya mitt recept."}, "telefon": {"070-1234567"}})
	if !strings.Contains(pg.body, "Din förfrågan är skickad") {
		t.Fatalf("after sending at %s:\n%s", pg.path, pg.body)
	}
	staff := p.browser(t)
	pg = staff.loginStaff("personal")
	if !strings.Contains(pg.body, "förnya mitt recept") || !strings.Contains(pg.body, "070-123 45 67") {
		t.Fatalf("the staff page does not show the request:\n%s", pg.body)
	}
	pg = staff.submit(pg, "/avsluta", 0, nil)
	if strings.Contains(pg.body, "förnya mitt recept") {
		t.Errorf("the closed request is still listed")
	}
}

func TestStaffSeeAWebBookingAndPublishAndWithdraw(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	citizen := p.browser(t)
	citizen.login("tolvan", "eid")
	citizen.bookFirst("LAK", thursday, "Ryggont")

	staff := p.browser(t)
	staff.loginStaff("personal")
	pg := staff.get("/personal?datum=" + thursday.String())
	if !strings.Contains(pg.body, "Tolvan Tolvansson (19121212-1212)") || !strings.Contains(pg.body, "Ryggont") {
		t.Fatalf("the day view does not show the web booking:\n%s", pg.body)
	}
	free := len(mustDay(t, p, thursday, "free"))
	pg = staff.submit(pg, "/publicera", 0, url.Values{"start": {"16:30"}, "langd": {"20"}, "tidstyp": {"LAK"}, "webb": {"ja"},
		"utforare": {demoDoctor.ID.String()}})
	if !strings.Contains(pg.body, "16:30–16:50") || len(mustDay(t, p, thursday, "free")) != free+1 {
		t.Fatalf("publishing a slot:\n%s", pg.body)
	}
	pg = staff.submit(staff.get(removeLink(t, pg.body, 0)), "/dra-tillbaka", 0, nil)
	if len(mustDay(t, p, thursday, "free")) != free {
		t.Errorf("withdrawing did not remove a slot:\n%s", pg.body)
	}
}

func TestRolesAreChecked(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	anon := p.browser(t)
	for _, path := range []string{"/admin", "/personal", cardPath, "/mina-bokningar"} {
		if pg := anon.get(path); !strings.HasPrefix(pg.path, "/logga-in") {
			t.Errorf("anonymous GET %s ended at %s, want the login", path, pg.path)
		}
	}
	citizen := p.browser(t)
	citizen.login("tolvan", "eid")
	for _, path := range []string{"/admin", "/personal", "/admin/arendetyp/" + ctBook} {
		if pg := citizen.get(path); pg.status != http.StatusForbidden {
			t.Errorf("citizen GET %s: %d, want 403", path, pg.status)
		}
	}
	staff := p.browser(t)
	staff.loginStaff("personal")
	if pg := staff.get("/admin"); pg.status != http.StatusForbidden {
		t.Errorf("staff GET /admin: %d, want 403", pg.status)
	}
	if pg := staff.get(cardPath); pg.status != http.StatusForbidden {
		t.Errorf("staff GET the contact card: %d, want 403", pg.status)
	}
}

func TestActivationReportsEveryProblemThenSucceeds(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	admin := p.browser(t)
	admin.loginStaff("admin")
	edit := "/admin/arendetyp/" + ctNurse
	pg := admin.get(edit)
	pg = admin.submit(pg, "/aktivera", 0, nil)
	if pg.status != http.StatusUnprocessableEntity {
		t.Fatalf("activating the draft: %d\n%s", pg.status, pg.body)
	}
	for _, want := range []string{"Tidstyper:", "Hur långt fram:", "Villkor:"} {
		if !strings.Contains(pg.body, ">"+want+" ") {
			t.Errorf("the problems do not name %q:\n%s", want, pg.body)
		}
	}
	// Fix everything: a time type, a horizon, the terms.
	pg = admin.submit(pg, edit, 0, url.Values{"namn": {"Boka tid hos sjuksköterska"}, "tidstyp": {"SSK"},
		"framforhallning": {"2"}, "horisont": {"21"}, "inloggning": {"sms"}, "ombud": {"egen"}})
	if !strings.Contains(pg.body, "Ändringarna är sparade") {
		t.Fatalf("saving:\n%s", pg.body)
	}
	pg = admin.get(edit + "/villkor")
	pg = admin.submit(pg, "", 0, url.Values{"villkor": {"- Avboka senast dagen före.\n- <script>alert(1)</script>"}, "atgard": {"forhandsgranska"}})
	if !strings.Contains(pg.body, "&lt;script&gt;") || strings.Contains(pg.body, "<script>alert") {
		t.Fatalf("the preview does not escape markup:\n%s", pg.body)
	}
	pg = admin.submit(pg, "", 0, url.Values{"villkor": {"- Avboka senast dagen före."}, "atgard": {"publicera"}})
	if !strings.Contains(pg.body, "Version 1 av villkoren är publicerad") {
		t.Fatalf("publishing:\n%s", pg.body)
	}
	pg = admin.get(edit)
	pg = admin.submit(pg, "/aktivera", 0, nil)
	if !strings.Contains(pg.body, "Ärendetypen är aktiv") || !strings.Contains(pg.body, `id="status">Aktiv<`) {
		t.Fatalf("activating after the fixes:\n%s", pg.body)
	}
	citizen := p.browser(t)
	if pg := citizen.login("tolvan", "sms"); !strings.Contains(pg.body, "Boka tid hos sjuksköterska") {
		t.Errorf("the contact card does not offer the new case type:\n%s", pg.body)
	}
}

func TestRestartingSeedsNothingTwice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := newPortalIn(t, dir, config{})
	before := mustDay(t, p, thursday, "")
	b := p.browser(t)
	b.login("tolvan", "eid")
	b.bookFirst("LAK", thursday, "")
	p.stop()

	again := newPortalIn(t, dir, config{})
	after := mustDay(t, again, thursday, "")
	if len(after) != len(before) || len(before) == 0 {
		t.Errorf("%d slots on %s after a restart, %d before", len(after), thursday, len(before))
	}
	if n := len(mustDay(t, again, thursday, "booked")); n != 1 {
		t.Errorf("%d bookings after a restart, want the one made before", n)
	}
	// Weeks later, a restart tops the book up.
	later := newPortalIn(t, dir, config{SeedDays: 35})
	if n := len(mustDay(t, later, t0Date().AddDays(30), "")); n == 0 {
		t.Errorf("no slots published 30 days ahead when the window grew")
	}
}

func t0Date() tidbok.Date { return tidbok.DateOf(t0) }

func TestThePortalRunsOnPostgreSQL(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	p := newPortalIn(t, t.TempDir(), config{DSN: dsn})
	b := p.browser(t)
	b.login("tolvan", "eid")
	conf := b.bookFirst("LAK", thursday, "")
	if !strings.Contains(conf.body, "Din tid är bokad") {
		t.Fatalf("booking on PostgreSQL:\n%s", conf.body)
	}
	again := newPortalIn(t, t.TempDir(), config{DSN: dsn})
	if n := len(mustDay(t, again, thursday, "booked")); n != 1 {
		t.Errorf("%d bookings after a restart on PostgreSQL, want 1", n)
	}
	b.p = again
	if pg := b.get(conf.path); !strings.Contains(pg.body, "Din tid är bokad") {
		t.Errorf("after a restart on PostgreSQL the confirmation ended at %s:\n%s", pg.path, pg.body)
	}
}

func TestAFormSentTwiceBooksOnce(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.get(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	pg = b.submit(pg, "/tider", 0, nil)
	if !strings.HasSuffix(pg.path, "/bekrafta") {
		t.Fatalf("at %s", pg.path)
	}
	// A double click: the same form twice at once, then a reload of it.
	results := make(chan page, 3)
	for range 2 {
		go func() { results <- b.submit(pg, "/bekrafta", 0, nil) }()
	}
	first, second := <-results, <-results
	third := b.submit(pg, "/bekrafta", 0, nil)
	for _, got := range []page{first, second, third} {
		if !strings.Contains(got.path, "/bekraftelse/") {
			t.Errorf("a repeat of the form ended at %s (%d):\n%s", got.path, got.status, got.body)
		}
	}
	if n := len(mustDay(t, p, thursday, "booked")); n != 1 {
		t.Errorf("%d bookings, want 1", n)
	}
}

func TestAnExpiredHoldAsksToChooseAgain(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.get(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	pg = b.submit(pg, "/tider", 0, nil)
	p.clock.Set(t0.Add(6 * time.Minute))
	got := b.submit(pg, "/bekrafta", 0, nil)
	if !strings.Contains(got.path, "/tider?") || !strings.Contains(got.body, "reservationen har gått ut") {
		t.Errorf("confirming after the hold expired ended at %s:\n%s", got.path, got.body)
	}
	if n := len(mustDay(t, p, thursday, "booked")); n != 0 {
		t.Errorf("%d bookings, want none", n)
	}
}

func TestATooLongMessageIsShownWithTheLimit(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.get(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	pg = b.submit(pg, "/tider", 0, nil)
	long := strings.Repeat("å", 201)
	got := b.submit(pg, "/bekrafta", 0, url.Values{"meddelande": {long}})
	// The form is redirected back to (POST-redirect-GET), with the text.
	if got.status != http.StatusOK || !strings.HasSuffix(got.path, "/bekrafta") || !strings.Contains(got.body, "högst 200 tecken") || !strings.Contains(got.body, long) {
		t.Errorf("a message of 201 characters: %d\n%s", got.status, got.body)
	}
	// Shortened, it books.
	got = b.submit(got, "/bekrafta", 0, url.Values{"meddelande": {long[:200]}})
	if !strings.Contains(got.path, "/bekraftelse/") {
		t.Errorf("the shortened message ended at %s:\n%s", got.path, got.body)
	}
}

func TestLoggingOutEndsTheSessionAndFreesTheHold(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.get(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	start := firstSlotStart(t, pg)
	held := b.submit(pg, "/tider", 0, nil)
	if !strings.HasSuffix(held.path, "/bekrafta") {
		t.Fatalf("at %s", held.path)
	}
	b.submit(held, "/logga-ut", 0, nil)
	if pg := b.get(cardPath); !strings.HasPrefix(pg.path, "/logga-in") {
		t.Errorf("after logging out, the contact card ended at %s", pg.path)
	}
	other := p.browser(t)
	other.login("siv", "eid")
	pg = other.get(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	pg = other.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	if got := firstSlotStart(t, pg); got != start {
		t.Errorf("the slot Tolvan held is not offered after the logout: the first slot starts at %s, want %s", got, start)
	}
}

// firstSlotStart returns the start of the first slot a slots page offers.
func firstSlotStart(t *testing.T, pg page) string {
	t.Helper()
	for _, f := range formsOf(pg.body) {
		if strings.HasSuffix(f.action, "/tider") {
			return f.values.Get("start")
		}
	}
	t.Fatalf("no slots on %s:\n%s", pg.path, pg.body)
	return ""
}

func TestRunServesUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	done := make(chan error, 1)
	var log strings.Builder
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, &syncWriter{w: &log}, func(a string) { addr <- a })
	}()
	var a string
	select {
	case a = <-addr:
	case err := <-done:
		t.Fatalf("run ended before serving: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("run did not start serving")
	}
	resp, err := http.Get("http://" + a + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestRunRefusesExtraArguments(t *testing.T) {
	t.Parallel()
	var log strings.Builder
	if err := run(context.Background(), []string{"extra"}, &log, nil); err == nil {
		t.Error("run accepted an unexpected argument")
	}
}

// syncWriter serialises writes from the server's goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestNoFreeTimesLeadToTheRequestForm(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	// Beyond the last seeded day, the book has nothing to offer.
	p.clock.Set(t0.Add(40 * 24 * time.Hour))
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.get(bookPath + "/datum?tidstyp=LAK")
	pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	want := `href="` + cardPath + "/" + ctRequest + `/forfragan"`
	if !strings.Contains(pg.body, "inga lediga tider") || !strings.Contains(pg.body, want) {
		t.Fatalf("no free times at %s:\n%s", pg.path, pg.body)
	}
}

func TestTwoPortalsShareOneDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := newPortalIn(t, dir, config{}), newPortalIn(t, dir, config{})
	slots := bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String()

	// Siv looks at the slots through one process while Tolvan holds the
	// first through the other…
	siv := b.browser(t)
	siv.login("siv", "eid")
	stale := siv.submit(siv.get(slots), "", 0, url.Values{"godkann": {"ja"}})
	tolvan := a.browser(t)
	tolvan.login("tolvan", "eid")
	pg := tolvan.submit(tolvan.get(slots), "", 0, url.Values{"godkann": {"ja"}})
	if held := tolvan.submit(pg, "/tider", 0, nil); !strings.HasSuffix(held.path, "/bekrafta") {
		t.Fatalf("holding through the first portal ended at %s", held.path)
	}
	// …so choosing it tells her it is being booked.
	if pg := siv.submit(stale, "/tider", 0, nil); pg.status != http.StatusConflict || !strings.Contains(pg.body, "håller just på att boka") {
		t.Errorf("choosing through the second portal the slot held through the first: %d\n%s", pg.status, pg.body)
	}

	// A request sent through one reaches staff logged in to the other.
	pg = tolvan.get(cardPath + "/" + ctRequest)
	tolvan.submit(pg, "", 0, url.Values{"meddelande": {"Förnya receptet, tack."}, "telefon": {"070-7654321"}})
	staff := b.browser(t)
	if pg := staff.loginStaff("personal"); !strings.Contains(pg.body, "Förnya receptet, tack.") {
		t.Errorf("staff of the second portal do not see the request sent through the first:\n%s", pg.body)
	}
}

func TestRestartingKeepsTermsAcceptedRequestsAndAdministratorsChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := newPortalIn(t, dir, config{})
	slots := bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String()
	b := p.browser(t)
	b.login("tolvan", "eid")
	b.submit(b.get(slots), "", 0, url.Values{"godkann": {"ja"}})
	pg := b.get(cardPath + "/" + ctRequest)
	b.submit(pg, "", 0, url.Values{"meddelande": {"Ring mig efter lunch."}, "telefon": {"070-1112223"}})
	// The administrator publishes terms for the draft case type.
	admin := p.browser(t)
	admin.loginStaff("admin")
	pg = admin.get("/admin/arendetyp/" + ctNurse + "/villkor")
	pg = admin.submit(pg, "", 0, url.Values{"villkor": {"- Kom i tid."}, "atgard": {"publicera"}})
	if !strings.Contains(pg.body, "Version 1 av villkoren är publicerad") {
		t.Fatalf("publishing:\n%s", pg.body)
	}
	p.stop()

	again := newPortalIn(t, dir, config{})
	b = again.browser(t)
	b.login("tolvan", "eid")
	if pg := b.get(slots); strings.Contains(pg.body, `name="godkann"`) || len(formsOf(pg.body)) == 0 {
		t.Errorf("after a restart the citizen is asked to accept the terms again, or sees no slots:\n%s", pg.body)
	}
	staff := again.browser(t)
	if pg := staff.loginStaff("personal"); !strings.Contains(pg.body, "Ring mig efter lunch.") {
		t.Errorf("the request sent before the restart is not listed after it:\n%s", pg.body)
	}
	admin = again.browser(t)
	admin.loginStaff("admin")
	if pg := admin.get("/admin/arendetyp/" + ctNurse + "/villkor"); !strings.Contains(pg.body, "Kom i tid.") {
		t.Errorf("the terms published before the restart are gone:\n%s", pg.body)
	}
}

// Sessions are kept in the database: a restart logs nobody out, and a
// citizen may hold a slot through one portal process and book it through
// another.
func TestSessionsOutliveARestartAndMoveBetweenPortals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := newPortalIn(t, dir, config{})
	b := first.browser(t)
	b.login("tolvan", "eid")
	pg := b.submit(b.get(bookPath+"/tider?tidstyp=LAK&datum="+thursday.String()), "", 0, url.Values{"godkann": {"ja"}})
	held := b.submit(pg, "/tider", 0, nil)
	if !strings.HasSuffix(held.path, "/bekrafta") {
		t.Fatalf("holding ended at %s", held.path)
	}
	first.stop()

	// After the restart the citizen confirms the slot held before it,
	// with the form (and its CSRF token) she had on screen.
	again := newPortalIn(t, dir, config{})
	b.p = again // the cookie jar keeps the cookie: cookies are not per port
	conf := b.submit(held, "/bekrafta", 0, nil)
	if !strings.Contains(conf.body, "Din tid är bokad") {
		t.Fatalf("confirming after a restart ended at %s (%d):\n%s", conf.path, conf.status, conf.body)
	}
	if n := len(mustDay(t, again, thursday, "booked")); n != 1 {
		t.Errorf("%d bookings, want 1", n)
	}

	// A second process on the database knows her too, and her
	// confirmation; logging out through it logs her out of both.
	other := newPortalIn(t, dir, config{})
	b.p = other
	if pg := b.get(conf.path); pg.status != http.StatusOK || !strings.Contains(pg.body, "Din tid är bokad") {
		t.Errorf("the confirmation through another process: %d at %s:\n%s", pg.status, pg.path, pg.body)
	}
	b.submit(b.get(bookPath+"/bokningar"), "/logga-ut", 0, nil)
	b.p = again
	if pg := b.get(bookPath + "/bokningar"); !strings.HasPrefix(pg.path, "/logga-in") {
		t.Errorf("after logging out through another process, her bookings page ended at %s", pg.path)
	}
}

// The database knows a session only by a hash of its ID, and a session
// ends after half an hour without use.
func TestSessionsAreKeptHashedAndExpire(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	id := cookieOf(t, b)
	var keys []string
	rows, err := p.db.Query("SELECT id FROM portal_sessions")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(id))
	if !slices.Contains(keys, hex.EncodeToString(sum[:])) || slices.Contains(keys, id) {
		t.Errorf("the sessions table holds %q; want the hash of the cookie's ID, not the ID", keys)
	}

	if pg := b.get(bookPath + "/bokningar"); strings.HasPrefix(pg.path, "/logga-in") {
		t.Fatalf("logged out at once: %s", pg.path)
	}
	// Each use starts the half hour again.
	for _, at := range []time.Duration{29 * time.Minute, 58 * time.Minute} {
		p.clock.Set(t0.Add(at))
		if pg := b.get(bookPath + "/bokningar"); strings.HasPrefix(pg.path, "/logga-in") {
			t.Fatalf("logged out after %v, used 29 minutes before: %s", at, pg.path)
		}
	}
	p.clock.Set(t0.Add(58*time.Minute + sessionIdle + time.Second))
	if pg := b.get(bookPath + "/bokningar"); !strings.HasPrefix(pg.path, "/logga-in") {
		t.Errorf("still logged in after more than %v without use: %s", sessionIdle, pg.path)
	}
}

// When the clinic's book does not answer, the citizen gets 503 and the
// flow's text; a book that certainly got nothing lets her know that
// nothing changed.
func TestABookThatDoesNotAnswerGives503(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	c := citizen{clinic: demoClinic}
	for _, err := range []error{
		tidbok.NotSent(errors.New("dial tcp: connection refused")),
		&tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrOutcomeUnknown},
	} {
		w := httptest.NewRecorder()
		p.fail(w, httptest.NewRequest(http.MethodPost, bookPath+"/bekrafta", nil), c, err)
		if w.Code != http.StatusServiceUnavailable {
			t.Errorf("fail(%v) answered %d, want 503", err, w.Code)
		}
	}
}

// The style sheet is served without reading the session, so it loads even
// when the database does not answer; a page then says the service is
// unavailable, not that the visitor is logged out.
func TestStaticFilesNeedNoSession(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	if err := p.db.Close(); err != nil {
		t.Fatal(err)
	}
	if pg := b.get("/static/style.css"); pg.status != http.StatusOK {
		t.Errorf("the style sheet with the database closed: %d", pg.status)
	}
	if pg := b.get(bookPath + "/bokningar"); pg.status != http.StatusServiceUnavailable {
		t.Errorf("a page with the database closed: %d at %s, want 503", pg.status, pg.path)
	}
}
