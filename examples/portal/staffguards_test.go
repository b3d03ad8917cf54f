package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

var removeHref = regexp.MustCompile(`href="(/personal/ta-bort[^"]*)"`)

// removeLink returns the i-th "Ta bort tiden" link of a staff day page.
func removeLink(t testing.TB, body string, i int) string {
	t.Helper()
	m := removeHref.FindAllStringSubmatch(body, -1)
	if len(m) <= i {
		t.Fatalf("no remove link %d on the day:\n%s", i, body)
	}
	return html.UnescapeString(m[i][1])
}

var (
	pageTitleTag = regexp.MustCompile(`<title>([^<]*)</title>`)
	summaryLink  = regexp.MustCompile(`(?s)<ul class="problems" id="problem">(.*?)</ul>`)
	hashHref     = regexp.MustCompile(`href="#([^"]+)"`)
	invalidField = regexp.MustCompile(`<(?:input|select|textarea)[^>]*aria-invalid="true"[^>]*>`)
	describedBy  = regexp.MustCompile(`aria-describedby="([^"]*)"`)
	anyIDAttr    = regexp.MustCompile(`\sid="([^"]+)"`)
)

// errorPattern fails t unless pg shows its errors as every form of the
// portal does (formerrors.go): the title starts with "Fel: ", the
// summary's links lead to fields of the page, and every field marked
// invalid is described by its message. It returns the summary's targets.
func errorPattern(t testing.TB, pg page) []string {
	t.Helper()
	title := html.UnescapeString(pageTitleTag.FindStringSubmatch(pg.body)[1])
	if !strings.HasPrefix(title, "Fel: ") {
		t.Errorf("%s: the title of a page with errors is %q, want it to start with Fel: ", pg.path, title)
	}
	ids := map[string]bool{}
	for _, m := range anyIDAttr.FindAllStringSubmatch(pg.body, -1) {
		ids[m[1]] = true
	}
	var targets []string
	if m := summaryLink.FindStringSubmatch(pg.body); m != nil {
		for _, h := range hashHref.FindAllStringSubmatch(m[1], -1) {
			targets = append(targets, h[1])
			if !ids[h[1]] {
				t.Errorf("%s: the error summary links to #%s, which the page lacks", pg.path, h[1])
			}
		}
	}
	for _, f := range invalidField.FindAllString(pg.body, -1) {
		d := describedBy.FindStringSubmatch(f)
		if d == nil {
			t.Errorf("%s: %s is invalid but described by no message", pg.path, f)
			continue
		}
		found := false
		for _, id := range strings.Fields(d[1]) {
			if !ids[id] {
				t.Errorf("%s: %s names %s, which the page lacks", pg.path, f, id)
			}
			found = found || strings.HasSuffix(id, "-fel")
		}
		if !found {
			t.Errorf("%s: %s is invalid but its description has no error message", pg.path, f)
		}
	}
	if strings.Contains(pg.body, "Teknisk beskrivning") {
		t.Errorf("%s: the page shows the library's English description", pg.path)
	}
	return targets
}

// freeOn returns the number of slots of the demo clinic's day.
func slotsOn(t *testing.T, p *portal, day tidbok.Date) int {
	t.Helper()
	got, err := p.book.Day(t.Context(), demoClinic.ID, day)
	if err != nil {
		t.Fatal(err)
	}
	return len(got)
}

// Staff cannot publish a slot in the past, nor a second slot for a
// clinician at a time they have one, nor an exact copy of a slot without
// a clinician; every problem of the form is shown at once, linked to its
// field, and the form keeps what was typed.
func TestStaffPublishRefusesThePastAndDoubles(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	staff := p.browser(t)
	staff.loginStaff("personal")
	day := staff.get("/personal?datum=" + thursday.String())
	n := slotsOn(t, p, thursday)
	doctor := url.Values{"start": {"16:30"}, "langd": {"20"}, "tidstyp": {"LAK"}, "webb": {"ja"}, "utforare": {demoDoctor.ID.String()}}
	if pg := staff.submit(day, "/publicera", 0, doctor); !strings.Contains(pg.body, "16:30–16:50") {
		t.Fatalf("publishing a slot:\n%s", pg.body)
	}
	for _, tc := range []struct {
		name  string
		form  url.Values
		wants []string
	}{
		{"the same slot again", doctor, []string{"Ek har redan en tid kl. 16:30–16:50"}},
		{"an overlapping slot of the same clinician", url.Values{"start": {"16:40"}, "langd": {"30"}, "tidstyp": {"LAK"}, "utforare": {demoDoctor.ID.String()}},
			[]string{"har redan en tid kl. 16:30–16:50"}},
		{"a slot that has started", url.Values{"datum": {t0.Format("2006-01-02")}, "start": {"07:00"}, "langd": {"30"}, "tidstyp": {"LAK"}},
			[]string{"Tiden har redan börjat: nu är det måndag 9 mars 2026 kl. 07:30"}},
		{"a slot of a day gone by", url.Values{"datum": {"2026-03-02"}, "start": {"10:00"}, "langd": {"30"}, "tidstyp": {"LAK"}},
			[]string{"Tiden har redan börjat"}},
		{"every problem at once", url.Values{"start": {"sent"}, "langd": {"999"}, "tidstyp": {""}},
			[]string{"Ange starttiden som tt:mm", "mellan 5 och 240", "Välj en tidstyp"}},
	} {
		pg := staff.submit(day, "/publicera", 0, tc.form)
		if pg.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.name, pg.status)
		}
		for _, want := range tc.wants {
			if !strings.Contains(html.UnescapeString(pg.body), want) {
				t.Errorf("%s: the page does not say %q:\n%s", tc.name, want, pg.body)
			}
		}
		if targets := errorPattern(t, pg); len(targets) != len(tc.wants) {
			t.Errorf("%s: the summary links to %q, want %d problems", tc.name, targets, len(tc.wants))
		}
	}
	if got := slotsOn(t, p, thursday); got != n+1 {
		t.Errorf("the day has %d slots, want %d: a refused slot was published", got, n+1)
	}
	// The form shows what was sent.
	pg := staff.submit(day, "/publicera", 0, url.Values{"start": {"16:45"}, "langd": {"25"}, "tidstyp": {"LAK"}, "utforare": {demoDoctor.ID.String()}})
	if !strings.Contains(pg.body, `value="16:45"`) || !strings.Contains(pg.body, `value="25"`) || strings.Contains(pg.body, `id="webb" name="webb" value="ja" checked`) {
		t.Errorf("the refused form does not keep what was typed:\n%s", pg.body)
	}

	// Without a clinician: an exact copy is refused, another time type
	// at the same time is not.
	nurse := url.Values{"start": {"17:00"}, "langd": {"15"}, "tidstyp": {"SSK"}}
	staff.submit(day, "/publicera", 0, nurse)
	if pg := staff.submit(day, "/publicera", 0, nurse); pg.status != http.StatusUnprocessableEntity || !strings.Contains(pg.body, "Det finns redan en likadan tid kl. 17:00–17:15") {
		t.Errorf("a copy of a slot without a clinician: %d\n%s", pg.status, pg.body)
	}
	nurse.Set("tidstyp", "LAK")
	if pg := staff.submit(day, "/publicera", 0, nurse); pg.status != http.StatusOK {
		t.Errorf("another time type at the same time: %d\n%s", pg.status, pg.body)
	}
	if got := slotsOn(t, p, thursday); got != n+3 {
		t.Errorf("the day has %d slots, want %d", got, n+3)
	}
}

// "Ta bort tiden" asks first, on a page of its own; only its form
// removes the slot. The web-booking button says what it does, and the
// slot's state is shown apart from it.
func TestRemovingASlotAsksFirst(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	staff := p.browser(t)
	staff.loginStaff("personal")
	day := staff.get("/personal?datum=" + thursday.String())
	if strings.Contains(day.body, `action="/personal/dra-tillbaka"`) {
		t.Errorf("the day removes slots without asking:\n%s", day.body)
	}
	for _, want := range []string{"Ta bort tiden från webbokningen", "Ledig – bokningsbar på webben"} {
		if !strings.Contains(day.body, want) {
			t.Errorf("the day does not say %q", want)
		}
	}
	if strings.Contains(day.body, "Endast personal") {
		t.Errorf("the day still offers %q", "Endast personal")
	}
	n := slotsOn(t, p, thursday)
	ask := staff.get(removeLink(t, day.body, 0))
	if ask.status != http.StatusOK || !strings.Contains(ask.body, "Vill du ta bort den här tiden") || !strings.Contains(ask.body, "torsdag 12 mars 2026") {
		t.Fatalf("the question: %d\n%s", ask.status, ask.body)
	}
	if got := slotsOn(t, p, thursday); got != n {
		t.Fatalf("asking removed a slot: %d, want %d", got, n)
	}
	pg := staff.submit(ask, "/dra-tillbaka", 0, nil)
	if !strings.Contains(pg.body, "Tiden är borttagen") || slotsOn(t, p, thursday) != n-1 {
		t.Errorf("confirming did not remove the slot:\n%s", pg.body)
	}
	if !strings.Contains(pg.path, "datum="+thursday.String()) {
		t.Errorf("after removing, the staff are at %s, not the day", pg.path)
	}
	// Closing a slot to the web, then opening it again.
	pg = staff.submit(pg, "/webbokning", 0, nil)
	if !strings.Contains(pg.body, "Gör tiden bokningsbar på webben") || !strings.Contains(pg.body, "Ledig – bokas bara av personalen") {
		t.Errorf("a slot closed to the web:\n%s", pg.body)
	}
	if gone := staff.get("/personal/ta-bort?datum=" + thursday.String() + "&tid=nope"); gone.status != http.StatusNotFound {
		t.Errorf("the question for no slot: %d, want 404", gone.status)
	}
}

// Staff and administrators choose among the clinics of their HSA-id's
// units; the clinic reached over crm:scheduling says its staff side is
// its own system's; the menu goes to the clinic in context.
func TestStaffAndAdministratorsChooseTheClinic(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	staff := p.browser(t)
	staff.loginStaff("personal")
	pg := staff.get("/personal?datum=" + thursday.String())
	if !strings.Contains(pg.body, demoClinic.Name+": ") || !strings.Contains(pg.body, `aria-label="Välj mottagning"`) {
		t.Fatalf("the day of the first clinic:\n%s", pg.body)
	}
	for _, c := range []clinicInfo{demoClinic, demoClinic2, demoRemote} {
		if !strings.Contains(pg.body, c.Name) {
			t.Errorf("the chooser lacks %s", c.Name)
		}
	}
	other := staff.get("/personal?mottagning=" + demoClinic2.ID.String() + "&datum=" + thursday.String())
	if other.status != http.StatusOK || !strings.Contains(other.body, demoClinic2.Name+": ") || !strings.Contains(other.body, `href="/personal?mottagning=`+demoClinic2.ID.String()+`"`) {
		t.Errorf("the second clinic's day: %d\n%s", other.status, other.body)
	}
	got, err := p.book.Day(t.Context(), demoClinic2.ID, thursday)
	if err != nil || len(got) == 0 || !strings.Contains(other.body, got[0].ID) {
		t.Errorf("the second clinic's day does not show its slots (%v)", err)
	}
	// Publishing there publishes at the second clinic.
	n := len(got)
	staff.submit(other, "/publicera", 0, url.Values{"start": {"16:30"}, "langd": {"20"}, "tidstyp": {"LAK"}})
	if got, _ := p.book.Day(t.Context(), demoClinic2.ID, thursday); len(got) != n+1 {
		t.Errorf("publishing at the second clinic: %d slots, want %d", len(got), n+1)
	}
	remote := staff.get("/personal?mottagning=" + demoRemote.ID.String())
	if remote.status != http.StatusOK || !strings.Contains(remote.body, "eget journalsystem") {
		t.Errorf("the remote clinic's staff page: %d\n%s", remote.status, remote.body)
	}

	admin := p.browser(t)
	admin.loginStaff("admin")
	list := admin.get("/admin?mottagning=" + demoClinic2.ID.String())
	if list.status != http.StatusOK || !strings.Contains(list.body, demoClinic2.Name+"s ärendetyper") ||
		!strings.Contains(list.body, "/admin/arendetyp/"+ctBook+"?mottagning="+demoClinic2.ID.String()) {
		t.Fatalf("the second clinic's case types: %d\n%s", list.status, list.body)
	}
	if !strings.Contains(list.body, `<a href="/admin?mottagning=`+demoClinic2.ID.String()+`">Ärendetyper</a>`) {
		t.Errorf("the menu's link does not stay at the clinic:\n%s", list.body)
	}
	if pg := admin.get("/admin?mottagning=" + demoRemote.ID.String()); pg.status != http.StatusForbidden {
		t.Errorf("administering a clinic not of the administrator's units: %d, want 403", pg.status)
	}

	citizen := p.browser(t)
	citizen.login("tolvan", "eid")
	card := citizen.get("/mottagning/" + demoClinic2.ID.String())
	if !strings.Contains(card.body, `<a href="/mottagning/`+demoClinic2.ID.String()+`">Mottagningen</a>`) {
		t.Errorf("the menu on %s's card does not lead to it:\n%s", demoClinic2.Name, card.body)
	}
}

// The administrator's problems are in Swedish, each linked to its field;
// the terms' length limits are stated; a save shows every problem at
// once.
func TestAdministratorsProblemsAreLinkedToTheirFields(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	admin := p.browser(t)
	admin.loginStaff("admin")
	edit := admin.get("/admin/arendetyp/" + ctNurse)
	pg := admin.submit(edit, "/aktivera", 0, nil)
	targets := errorPattern(t, pg)
	if strings.Join(targets, " ") != "tidstyper horisont skriv-villkor" {
		t.Errorf("activating the draft links to %q", targets)
	}

	// An active case type: a value that cannot be read and a setting
	// that does not hold, in one round.
	edit = admin.get("/admin/arendetyp/" + ctBook)
	pg = admin.submit(edit, "/admin/arendetyp/"+ctBook, 0, url.Values{
		"namn": {""}, "maxbokningar": {"många"}, "tidstyp": {"LAK"}, "inloggning": {"eid"}, "ombud": {"egen"},
	})
	targets = errorPattern(t, pg)
	if !strings.Contains(strings.Join(targets, " "), "maxbokningar") || !strings.Contains(strings.Join(targets, " "), "namn") {
		t.Errorf("saving two problems links to %q:\n%s", targets, pg.body)
	}

	terms := admin.get("/admin/arendetyp/" + ctBook + "/villkor")
	if !strings.Contains(terms.body, "Högst 4000 tecken.") || !strings.Contains(terms.body, `aria-describedby="villkor-hint"`) {
		t.Errorf("the terms page does not state the length limit:\n%s", terms.body)
	}
	pg = admin.submit(terms, "", 0, url.Values{"villkor": {strings.Repeat("x", 4001)}, "etikett": {strings.Repeat("y", 101)}, "atgard": {"publicera"}})
	targets = errorPattern(t, pg)
	slices.Sort(targets)
	if strings.Join(targets, " ") != "etikett villkor" || !strings.Contains(pg.body, "Texten har 4001 tecken. Korta den till högst 4000 tecken.") {
		t.Errorf("too long terms link to %q:\n%s", targets, pg.body)
	}
}

// The login page gives the children's ages by the clock, as the cards
// do; "Om demon" says what is kept.
func TestDemoTexts(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	login := b.get("/logga-in")
	for _, want := range []string{"Olle (5 år) och Stina (14 år)", "14 år: loggar in själv"} {
		if !strings.Contains(login.body, want) {
			t.Errorf("on %s the login page lacks %q", t0.Format(time.DateOnly), want)
		}
	}
	p.clock.Set(time.Date(2026, time.December, 7, 9, 0, 0, 0, tidbok.Stockholm()))
	login = b.get("/logga-in")
	for _, want := range []string{"Olle (6 år) och Stina (15 år)", "15 år: loggar in själv"} {
		if !strings.Contains(login.body, want) {
			t.Errorf("on 7 December the login page lacks %q", want)
		}
	}
	start := b.get("/")
	if strings.Contains(start.body, "finns bara i minnet i den här versionen") || !strings.Contains(start.body, "Demon har tre mottagningar") ||
		!strings.Contains(start.body, "finns kvar när portalen startas om") {
		t.Errorf("Om demon:\n%s", start.body)
	}
}

// TestStaffAndErrorPagesInChromium visits, on a phone and a desktop, the
// pages with errors and the staff pages the other browser tests do not:
// a refused slot, the question before removing one, the remote clinic's
// staff page, a page that does not exist, the administrator's refused
// terms. Each is checked as every page is (axe-core included, see
// navigate).
func TestStaffAndErrorPagesInChromium(t *testing.T) {
	needChromium(t)
	t.Parallel()
	for _, vp := range []viewport{phone, desktop} {
		t.Run("on a "+vp.name, func(t *testing.T) {
			t.Parallel()
			p := newPortal(t)
			staff := newTab(t, p, vp, "staff")
			staff.login("staff:personal")
			staff.open("/personal?datum=2026-03-02")
			staff.check()
			if status := staff.click("#publicera"); status != http.StatusUnprocessableEntity {
				t.Errorf("publishing in the past: %d, want 422", status)
			}
			staff.check()
			if title := eval[string](staff, `document.title`); !strings.HasPrefix(title, "Fel: ") {
				t.Errorf("the refused slot's title is %q", title)
			}
			if d := eval[string](staff, `document.getElementById("start").getAttribute("aria-describedby")`); d != "start-fel" {
				t.Errorf("the start field is described by %q, want start-fel", d)
			}
			staff.open("/personal?datum=" + thursday.String())
			staff.click(".day-row a.remove")
			staff.expectPage("staff_withdraw")
			staff.check()
			staff.click("#behall")
			staff.expectPage("staff")
			staff.open("/personal?mottagning=" + demoRemote.ID.String())
			staff.check()
			if status := staff.open("/finns-inte"); status != http.StatusNotFound {
				t.Errorf("a page that does not exist: %d", status)
			}
			staff.check()

			admin := newTab(t, p, vp, "admin")
			admin.login("staff:admin")
			admin.open("/admin/arendetyp/" + ctBook + "/villkor")
			admin.do("writing too long terms", chromedp.SetValue(chromedp.ID("villkor"), strings.Repeat("x", 4001)))
			if status := admin.click("#publicera"); status != http.StatusUnprocessableEntity {
				t.Errorf("publishing too long terms: %d, want 422", status)
			}
			admin.check()
			admin.do("following the summary's link", chromedp.Click(chromedp.CSS(`#problem a[href="#villkor"]`)))
			if h := eval[string](admin, `location.hash`); h != "#villkor" {
				t.Errorf("the summary's link leads to %q", h)
			}
		})
	}
}

// A citizen's form shows its error the same way: the terms sent without
// the box ticked say so in the title, and the message links to the box,
// which it describes.
func TestACitizensFormErrorIsLinkedToItsField(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.get(bookPath + "/villkor")
	pg = b.submit(pg, "", 0, nil)
	// Refused, the form comes back by a redirect (POST-redirect-GET).
	if pg.status != http.StatusOK || !strings.Contains(pg.path, "/villkor") {
		t.Fatalf("terms without the box: %s (%d)\n%s", pg.path, pg.status, pg.body)
	}
	if errorPattern(t, pg); !strings.Contains(pg.body, `<a href="#godkann">Kryssa i rutan`) ||
		!strings.Contains(pg.body, `aria-invalid="true" aria-describedby="godkann-fel"`) {
		t.Errorf("the unticked box:\n%s", pg.body)
	}
}
