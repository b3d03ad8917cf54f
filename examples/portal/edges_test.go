package main

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The rough edges a citizen met, over HTTP.

// acceptingTerms opens path and accepts the terms if they are asked for.
func (b *browser) acceptingTerms(path string) page {
	b.t.Helper()
	pg := b.get(path)
	if strings.Contains(pg.path, "/villkor") {
		pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	}
	return pg
}

func TestTheRequestFormIsOfferedWithFreeTimes(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	want := `href="` + cardPath + "/" + ctRequest + `/forfragan"`
	for _, path := range []string{bookPath + "/datum?tidstyp=LAK", bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String()} {
		pg := b.acceptingTerms(path)
		if !strings.Contains(pg.body, `class="slot`) && !strings.Contains(pg.body, "choice-link") {
			t.Fatalf("%s shows no free time:\n%s", path, pg.body)
		}
		if !strings.Contains(pg.body, "Hittar du ingen tid som passar?") || !strings.Contains(pg.body, want) {
			t.Errorf("%s with free times offers no request form:\n%s", path, pg.body)
		}
	}
}

var weekHeading = regexp.MustCompile(`<h2 id="vecka-[0-9]+-[0-9]+">Vecka ([0-9]+)</h2>`)

func TestTheDatesAreGroupedByWeek(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.acceptingTerms(bookPath + "/datum?tidstyp=LAK")
	var weeks []string
	for _, m := range weekHeading.FindAllStringSubmatch(pg.body, -1) {
		weeks = append(weeks, m[1])
	}
	// 21 days from Monday 9 March 2026: ISO weeks 11, 12 and 13.
	if strings.Join(weeks, ",") != "11,12,13" {
		t.Fatalf("week headings %v, want 11,12,13:\n%s", weeks, pg.body)
	}
	// Thursday 12 March is under week 11, Monday 16 March under 12.
	w11 := pg.body[strings.Index(pg.body, ">Vecka 11<"):strings.Index(pg.body, ">Vecka 12<")]
	if !strings.Contains(w11, "torsdag 12 mars 2026") || strings.Contains(w11, "16 mars") {
		t.Errorf("week 11 holds:\n%s", w11)
	}
}

func TestOneTimeTypeSkipsTheChoice(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("frida", "eid")
	b.submit(b.get(cardPath), "/agera-for", 0, url.Values{"vem": {childKey(0)}})
	pg := b.acceptingTerms(cardPath + "/" + ctChild + "/tidstyp")
	if !strings.Contains(pg.path, "/datum?tidstyp=BVC") {
		t.Fatalf("the child's case type, with one time type, ends at %s:\n%s", pg.path, pg.body)
	}
	if !strings.Contains(pg.body, `<p class="back"><a href="`+cardPath+`">`) {
		t.Errorf("the dates page's back link does not lead to the clinic:\n%s", pg.body)
	}
	// Two time types are still a choice.
	b.submit(b.get(cardPath), "/agera-for", 0, url.Values{"vem": {"jag"}})
	pg = b.acceptingTerms(bookPath + "/tidstyp")
	if !strings.HasSuffix(pg.path, "/tidstyp") || !strings.Contains(pg.body, "Provtagning") {
		t.Errorf("the two time types are not offered: %s\n%s", pg.path, pg.body)
	}
}

// holdFirst walks to the confirm page of the first doctor's time on
// Thursday.
func (b *browser) holdFirst() page {
	b.t.Helper()
	pg := b.acceptingTerms(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	pg = b.submit(pg, "/tider", 0, nil)
	if !strings.HasSuffix(pg.path, "/bekrafta") {
		b.t.Fatalf("holding the slot ended at %s:\n%s", pg.path, pg.body)
	}
	return pg
}

func TestTheMobileNumberIsCheckedShownAndSeenByStaff(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logs := &syncWriter{w: &buf}
	p := newPortalIn(t, t.TempDir(), config{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.holdFirst()
	for _, bad := range []string{strings.Repeat("7", 300), "08-123 456 78"} {
		got := b.submit(pg, "/bekrafta", 0, url.Values{"meddelande": {"Ont i örat"}, "telefon": {bad}, "epost": {"tolvan@example.se"}})
		// Refused, the form is shown again by a redirect, with what was typed.
		if got.status != http.StatusOK || !strings.HasSuffix(got.path, "/bekrafta") {
			t.Fatalf("a phone number %q ended at %s (%d)", bad, got.path, got.status)
		}
		for _, want := range []string{"Mobilnumret måste vara ett svenskt mobilnummer", `aria-invalid="true"`, `aria-describedby="telefon-hint telefon-fel"`,
			`id="telefon-fel"`, "Ont i örat", `value="tolvan@example.se"`, "<title>Fel: Bekräfta tiden"} {
			if !strings.Contains(got.body, want) {
				t.Errorf("the refused phone number %q: the page lacks %q:\n%s", bad[:min(len(bad), 20)], want, got.body)
			}
		}
		// The error is shown once: a reload shows the clean form.
		if again := b.get(got.path); strings.Contains(again.body, "Mobilnumret måste") {
			t.Errorf("the error is shown again on reload")
		}
		pg = got
	}
	bookings, err := p.book.Bookings(t.Context(), demoClinic.ID)
	if err != nil || len(bookings) != 0 {
		t.Fatalf("the book has %d bookings (%v) after refused numbers, want none", len(bookings), err)
	}
	pg = b.submit(b.get(pg.path), "/bekrafta", 0, url.Values{"telefon": {"070-123 45 67"}})
	if !strings.Contains(pg.path, "/bekraftelse/") {
		t.Fatalf("a good number ended at %s:\n%s", pg.path, pg.body)
	}
	if !strings.Contains(pg.body, `<dd id="ditt-mobilnummer">070-123 45 67</dd>`) {
		t.Errorf("the confirmation does not show the mobile number:\n%s", pg.body)
	}
	bookings, err = p.book.Bookings(t.Context(), demoClinic.ID)
	if err != nil || len(bookings) != 1 || bookings[0].Contact.Phone != "+46701234567" {
		t.Fatalf("the book has %+v (%v), want one booking with +46701234567", bookings, err)
	}
	staff := p.browser(t)
	spg := staff.loginStaff("personal")
	spg = staff.get("/personal?datum=" + thursday.String() + "&mottagning=" + demoClinic.ID.String())
	if !strings.Contains(spg.body, "Tolvan Tolvansson (19121212-1212), mobil 070-123 45 67") {
		t.Errorf("staff do not see the whole number and the mobile number:\n%s", spg.body)
	}
	for _, leak := range []string{"191212121212", "19121212-1212"} {
		logs.mu.Lock()
		leaked := strings.Contains(buf.String(), leak)
		logs.mu.Unlock()
		if leaked {
			t.Errorf("the log shows the personal identity number %s", leak)
		}
	}
}

func TestTheConfirmationAndCalendarSayWhereWhatToBringAndBy(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.bookFirst("LAK", thursday, "")
	for _, want := range []string{
		`<dd id="adress">` + demoClinic.Address, `<dd id="mottagningens-telefon">` + demoClinic.Phone,
		`<p id="ta-med">Ta med legitimation och eventuellt frikort.`,
		// The first time is Thursday at 08:00; the deadline is a day before.
		"Avboka senast onsdag 11 mars 2026 kl. 08:00",
	} {
		if !strings.Contains(pg.body, want) {
			t.Errorf("the confirmation lacks %q:\n%s", want, pg.body)
		}
	}
	ics := b.get(bookPath + "/bokning/" + url.PathEscape(bookingIDIn(t, pg.path)) + "/kalender.ics").body
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	for _, want := range []string{
		`SUMMARY:Läkarbesök\, Vårdcentralen Solrosen`,
		`LOCATION:Vårdcentralen Solrosen\, Solrosvägen 1\, 123 45 Exempelstad`,
		`Ta med legitimation och eventuellt frikort.`, `Avboka eller omboka senast onsdag 11 mars 2026 kl. 08:00`,
		`Mottagningens telefon: 010-123 45 67`,
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("the calendar file lacks %q:\n%s", want, ics)
		}
	}
}

func TestActingForAChildThePagesNameTheChild(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	pg := b.login("frida", "eid")
	pg = b.get(cardPath)
	// Olle (5) is offered; Stina has turned 13, is not, and the page says why.
	if !strings.Contains(pg.body, "Olle Andersson (5 år)") || strings.Contains(pg.body, `<option value="`+childKey(1)+`"`) {
		t.Errorf("Vem gäller det? offers:\n%s", pg.body)
	}
	if !strings.Contains(pg.body, `id="egen-inloggning">Stina`) || !strings.Contains(pg.body, "har fyllt 13 år") {
		t.Errorf("the card does not say why Stina is not offered:\n%s", pg.body)
	}
	b.submit(pg, "/agera-for", 0, url.Values{"vem": {childKey(0)}})
	pg = b.acceptingTerms(cardPath + "/" + ctManage + "/bokningar")
	if !strings.Contains(pg.body, "Olle har inga kommande bokningar") {
		t.Errorf("Olle's empty list:\n%s", pg.body)
	}
	pg = b.acceptingTerms(cardPath + "/" + ctChild + "/tider?tidstyp=BVC&datum=" + thursday.String())
	pg = b.submit(pg, "/tider", 0, nil)
	pg = b.submit(pg, "/bekrafta", 0, nil)
	if !strings.Contains(pg.body, "<h1>Tiden för Olle är bokad</h1>") {
		t.Errorf("the confirmation for Olle:\n%s", pg.body)
	}
}

func TestBackAfterBookingOrCancellingSaysItIsDone(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.bookFirst("LAK", thursday, "")
	conf := pg.path
	pg = b.get(bookPath + "/bekrafta")
	if !strings.Contains(pg.body, "<h1>Tiden är redan bokad</h1>") || !strings.Contains(pg.body, `href="`+conf+`"`) ||
		strings.Contains(pg.body, "Tiden är reserverad åt dig") {
		t.Fatalf("back to the confirm form after booking:\n%s", pg.body)
	}
	// A new hold shows the form again.
	pg = b.submit(b.get(bookPath+"/tider?tidstyp=LAK&datum="+thursday.AddDays(1).String()), "/tider", 0, nil)
	if !strings.Contains(pg.body, "Tiden är reserverad åt dig") {
		t.Fatalf("a new hold after a booking:\n%s", pg.body)
	}
	b.submit(pg, "/slapp", 0, nil)

	cancel := managePath + "/bokning/" + url.PathEscape(bookingIDIn(t, conf)) + "/avboka"
	pg = b.acceptingTerms(cancel)
	pg = b.submit(pg, "/avboka", 0, nil)
	if !strings.HasSuffix(pg.path, "/bokningar") || !strings.Contains(pg.body, "är avbokad") {
		t.Fatalf("cancelling ended at %s:\n%s", pg.path, pg.body)
	}
	pg = b.get(cancel)
	if !strings.Contains(pg.body, "<h1>Tiden är redan avbokad</h1>") || strings.Contains(pg.body, "Vill du avboka tiden?") ||
		!strings.Contains(pg.body, `href="`+managePath+`/bokningar"`) {
		t.Errorf("back to the cancel form after cancelling:\n%s", pg.body)
	}
}

// A refused form is answered with a redirect to its page (POST-redirect-
// GET), which shows the problem once: Back and reload ask nothing.
func TestARefusedTermsFormRedirectsBack(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.get(bookPath + "/tidstyp")
	if !strings.Contains(pg.path, "/villkor?till=") {
		t.Fatalf("not asked for the terms: %s", pg.path)
	}
	terms := pg.path
	got := b.submit(pg, "", 0, nil) // the box not ticked
	if got.status != http.StatusOK || got.path != terms || !strings.Contains(got.body, "Kryssa i rutan") ||
		!strings.Contains(got.body, "<title>Fel: Villkor:") {
		t.Fatalf("the terms sent without the box: %d at %s\n%s", got.status, got.path, got.body)
	}
	if again := b.get(terms); strings.Contains(again.body, "Kryssa i rutan") {
		t.Errorf("the problem is shown again on reload")
	}
	if pg = b.submit(got, "", 0, url.Values{"godkann": {"ja"}}); !strings.HasSuffix(pg.path, "/tidstyp") {
		t.Errorf("accepting after the problem ended at %s", pg.path)
	}
}
