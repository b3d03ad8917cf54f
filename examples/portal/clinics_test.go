package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The demo's clinics' paths.
var (
	remoteCard = "/mottagning/" + demoRemote.ID.String()
)

// TestManyClinicsInChromium finds a clinic by name, books at the clinic
// whose book is reached over crm:scheduling (the booking crosses the
// wire: the producer serves the MakeBooking), confirms Tolvan's timed
// invitation there and books the open one, and sees all of it under
// Mina bokningar beside the bookings at the standalone book.
func TestManyClinicsInChromium(t *testing.T) {
	needChromium(t)
	t.Parallel()
	p := newPortal(t)
	tb := newTab(t, p, desktop, "desktop")

	// Find a clinic by name, before logging in.
	tb.open("/")
	tb.expectPage("start")
	if got := tb.text("#mottagningar"); !strings.Contains(got, demoClinic.Name) || !strings.Contains(got, demoClinic2.Name) || !strings.Contains(got, demoRemote.Name) {
		t.Errorf("the start page lists %q, want all three demo clinics", got)
	}
	tb.do("typing a name", chromedp.SendKeys(chromedp.ID("sok"), "linn"))
	tb.click("#sok-knapp")
	tb.check()
	if got := tb.text("#mottagningar"); !strings.Contains(got, demoRemote.Name) || strings.Contains(got, demoClinic.Name) {
		t.Errorf("searching for %q lists %q, want only %s", "linn", got, demoRemote.Name)
	}
	tb.open("/?sok=ingen+s%C3%A5dan")
	if got := tb.text("#inga-mottagningar"); !strings.Contains(got, "Ingen mottagning") {
		t.Errorf("a search without a match says %q", got)
	}
	tb.open("/?sok=linn")

	// Book at the remote clinic, from its card.
	tb.login("tolvan")
	tb.open("/?sok=linn")
	tb.click(`#mottagningar a[href="` + remoteCard + `"]`)
	tb.expectPage("card")
	if h1 := tb.text("h1"); h1 != demoRemote.Name {
		t.Errorf("the remote clinic's card is headed %q", h1)
	}
	before := p.wire.calls(tidbok.OpBook)
	tb.click(`.service a[href$="/` + ctBook + `"]`)
	tb.expectPage("terms")
	tb.do("ticking the box", chromedp.Click(chromedp.ID("godkann")))
	tb.click("#fortsatt")
	tb.expectPage("timetypes")
	tb.click(`a.choice-link[href*="tidstyp=LAK"]`)
	tb.expectPage("dates")
	tb.click(`a.choice-link[href$="datum=` + thursday.String() + `"]`)
	tb.expectPage("slots")
	tb.click(`ul.slots button`)
	tb.expectPage("confirm")
	tb.click("#boka")
	tb.expectPage("confirmation")
	tb.check()
	if s := tb.text("#bekraftelse"); !strings.Contains(s, "torsdag 12 mars 2026 kl. 08:00") || !strings.Contains(s, demoRemote.Name) {
		t.Errorf("the remote clinic's confirmation says %q", s)
	}
	if n := p.wire.calls(tidbok.OpBook) - before; n != 1 {
		t.Errorf("the remote clinic's producer served %d MakeBooking, want 1: the booking did not cross the wire", n)
	}

	// Mina bokningar: the remote booking, and Tolvan's two invitations.
	tb.open("/mina-bokningar")
	tb.expectPage("allbookings")
	tb.check()
	remote := tb.text(`section[aria-labelledby="mottagning-` + demoRemote.ID.String() + `"]`)
	for _, want := range []string{"torsdag 12 mars 2026 kl. 08:00", "Kallelse: Sjuksköterskebesök", "Kallelse: Provtagning", "inför din årliga kontroll"} {
		if !strings.Contains(remote, want) {
			t.Errorf("Mina bokningar at %s lacks %q:\n%s", demoRemote.Name, want, remote)
		}
	}

	// The timed invitation: confirmed as it is.
	tb.click(`a.timed-invitation`)
	tb.expectPage("booking")
	if s := tb.text("#kallelse"); !strings.Contains(s, "hälsosamtal") {
		t.Fatalf("the timed invitation's page says %q", s)
	}
	writes := p.wire.calls(tidbok.OpBook) + p.wire.calls(tidbok.OpReschedule) + p.wire.calls(tidbok.OpCancel)
	tb.click("#bekrafta-kallelse")
	tb.expectPage("booking")
	tb.check()
	if s := tb.text("main"); !strings.Contains(s, "Tiden är bekräftad") {
		t.Errorf("after confirming the invitation the page says %q", s)
	}
	if tb.text("#omboka") == "" || tb.text("#avboka") == "" {
		t.Errorf("the timed invitation offers no reschedule or cancel, though its flags allow them")
	}
	if s := tb.text("#kallelse-status"); s != "Bekräftad" {
		t.Errorf("the confirmed invitation's status reads %q, want Bekräftad", s)
	}
	if n := eval[int](tb, `document.querySelectorAll("#bekrafta-kallelse").length`); n != 0 {
		t.Errorf("the confirmed invitation still offers to confirm it")
	}
	if n := p.wire.calls(tidbok.OpBook) + p.wire.calls(tidbok.OpReschedule) + p.wire.calls(tidbok.OpCancel); n != writes {
		t.Errorf("confirming a timed invitation wrote to the book (%d writes, want %d): the contract has no such write", n, writes)
	}

	// The open invitation: a time of its time type, booked once.
	tb.open("/mina-bokningar")
	invPath := eval[string](tb, `document.querySelector(".invitation-item a").getAttribute("href")`)
	tb.click(`.invitation-item a`)
	if tb.page() == "terms" {
		tb.do("ticking the box", chromedp.Click(chromedp.ID("godkann")))
		tb.click("#fortsatt")
	}
	tb.expectPage("invitation")
	tb.check()
	tb.click(`ul.dates a[href$="datum=` + thursday.String() + `"]`)
	tb.expectPage("slots")
	if s := tb.text("ul.slots"); !strings.Contains(s, "13:00") || strings.Contains(s, "08:00") {
		t.Errorf("the open invitation (Provtagning) offers %q, want the afternoon's sample times only", s)
	}
	before = p.wire.calls(tidbok.OpBook)
	tb.click(`ul.slots button`)
	tb.expectPage("booking")
	tb.check()
	if s := tb.text("main"); !strings.Contains(s, "Tiden är bokad") || !strings.Contains(s, "13:00") {
		t.Errorf("after booking the open invitation the page says %q", s)
	}
	if n := p.wire.calls(tidbok.OpBook) - before; n != 1 {
		t.Errorf("booking the open invitation sent %d MakeBooking, want 1", n)
	}
	if s := tb.text("#kallelse-status"); s != "Bokad" {
		t.Errorf("the booked open invitation's status reads %q, want Bokad", s)
	}
	if n := eval[int](tb, `document.querySelectorAll("#bekrafta-kallelse").length`); n != 0 {
		t.Errorf("the booked open invitation offers to confirm it")
	}
	// Once booked, it offers no more times.
	tb.open(invPath + "/tider?datum=" + thursday.String())
	if tb.page() == "slots" {
		t.Errorf("a booked open invitation still offers times: %q", tb.text("main"))
	}
	if n := p.wire.calls(tidbok.OpBook) - before; n != 1 {
		t.Errorf("%d MakeBooking in all, want 1", n)
	}
	tb.open("/mina-bokningar")
	remote = tb.text(`section[aria-labelledby="mottagning-` + demoRemote.ID.String() + `"]`)
	if strings.Contains(remote, "Välj tid för kallelsen") || !strings.Contains(remote, "kl. 13:00") {
		t.Errorf("after booking the open invitation Mina bokningar says:\n%s", remote)
	}
}

// TestMyBookingsWithAClinicDownInChromium stops the remote clinic's
// producer: Mina bokningar says that clinic does not answer, and still
// lists the bookings at the others.
func TestMyBookingsWithAClinicDownInChromium(t *testing.T) {
	needChromium(t)
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	b.bookFirst("LAK", thursday, "Ryggont")
	p.wire.stop()

	tb := newTab(t, p, phone, "phone")
	tb.login("tolvan")
	tb.open("/mina-bokningar")
	tb.expectPage("allbookings")
	tb.check()
	down := tb.text(`section[aria-labelledby="mottagning-` + demoRemote.ID.String() + `"]`)
	if !strings.Contains(down, demoRemote.Name+" svarar inte just nu") {
		t.Errorf("the stopped clinic's section says %q", down)
	}
	up := tb.text(`section[aria-labelledby="mottagning-` + demoClinic.ID.String() + `"]`)
	if !strings.Contains(up, "torsdag 12 mars 2026 kl. 08:00") {
		t.Errorf("%s's bookings are not listed while another clinic is down: %q", demoClinic.Name, up)
	}
	// Blåklockan, which Tolvan never used, is not asked.
	if n := eval[int](tb, `document.querySelectorAll("section.clinic-bookings").length`); n != 2 {
		t.Errorf("Mina bokningar shows %d clinics, want the two Tolvan used", n)
	}
}

// TestMyBookingsAsksTheClinicsUsed: a citizen who has used no clinic is
// led to find one; once she has looked at her bookings at a clinic, Mina
// bokningar asks that clinic, and only that one.
func TestMyBookingsAsksTheClinicsUsed(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("siv", "eid")
	pg := b.get("/mina-bokningar")
	if pg.status != 200 || !strings.Contains(pg.body, `id="inga-mottagningar"`) || strings.Contains(pg.body, "clinic-bookings") {
		t.Fatalf("Mina bokningar of a citizen who used no clinic (%d):\n%s", pg.status, pg.body)
	}
	b.get("/mottagning/" + demoClinic2.ID.String() + "/" + ctManage + "/bokningar")
	pg = b.get("/mina-bokningar")
	if n := strings.Count(pg.body, `<section class="clinic-bookings"`); n != 1 || !strings.Contains(pg.body, demoClinic2.Name) || !strings.Contains(pg.body, "Inga kommande bokningar") {
		t.Errorf("after a look at %s, Mina bokningar lists %d clinics:\n%s", demoClinic2.Name, n, pg.body)
	}
}
