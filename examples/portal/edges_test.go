package main

import (
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
