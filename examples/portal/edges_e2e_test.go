package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestRoughEdgesInChromium walks, in the browser, the edges a newcomer
// met: the request form offered beside free times, dates by week, a
// refused phone number redirected back to (reload asks nothing), Back
// after booking and after cancelling, and a session that expires while
// confirming, taken up after logging in again.
func TestRoughEdgesInChromium(t *testing.T) {
	needChromium(t)
	t.Parallel()
	p := newPortal(t)
	tb := newTab(t, p, desktop, "desktop")
	tb.login("tolvan")
	tb.expectPage("card")

	tb.open(bookPath + "/datum?tidstyp=LAK")
	if tb.page() == "terms" {
		tb.do("ticking the box", chromedp.Click(chromedp.ID("godkann")))
		tb.click("#fortsatt")
	}
	tb.expectPage("dates")
	tb.check()
	if s := tb.text("#ingen-tid"); s != "Hittar du ingen tid som passar?" {
		t.Errorf("no request offered beside the free dates: %q", s)
	}
	if n := eval[int](tb, `document.querySelectorAll("section.week h2").length`); n != 3 {
		t.Errorf("%d weeks, want 3", n)
	}
	tb.click(`a.choice-link[href$="datum=` + thursday.String() + `"]`)
	tb.expectPage("slots")
	if href := eval[string](tb, `document.getElementById("skicka-forfragan").getAttribute("href")`); !strings.HasSuffix(href, "/"+ctRequest+"/forfragan") {
		t.Errorf("the slots page offers the request form at %q", href)
	}
	tb.click(`ul.slots button`)
	tb.expectPage("confirm")
	tb.do("typing", chromedp.SendKeys(chromedp.ID("meddelande"), "Ont i örat"), chromedp.SendKeys(chromedp.ID("telefon"), "12345"))
	tb.click("#boka")
	tb.expectPage("confirm")
	tb.check()
	if inv := eval[string](tb, `document.getElementById("telefon").getAttribute("aria-invalid")`); inv != "true" {
		t.Errorf("the phone field is not marked invalid: %q", inv)
	}
	if loc := eval[string](tb, `location.pathname`); !strings.HasSuffix(loc, "/bekrafta") {
		t.Errorf("after the refused form at %s", loc)
	}
	// The refused form was redirected to: reloading gets the page again
	// (no resubmission), with the typed text gone only from the error.
	if status := tb.navigate("reloading", chromedp.Reload()); status != 200 {
		t.Errorf("reloading after a refused form: %d", status)
	}
	tb.expectPage("confirm")

	// The session expires while the citizen types.
	p.clock.Set(t0.Add(sessionIdle + time.Minute))
	tb.do("typing", chromedp.SetValue(chromedp.ID("meddelande"), "Ont i örat sedan i går"), chromedp.SetValue(chromedp.ID("telefon"), "070-123 45 67"))
	if status := tb.click("#boka"); status != 401 {
		t.Errorf("sending after the session expired: %d, want 401", status)
	}
	tb.expectPage("resume")
	tb.check()
	tb.click(`#text ~ ul a[href^="/logga-in"]`)
	tb.do("choosing tolvan", chromedp.Click(chromedp.ID("person-tolvan")), chromedp.Click(chromedp.ID("niva-eid")))
	tb.click("#logga-in")
	tb.expectPage("confirm")
	if v := eval[string](tb, `document.getElementById("meddelande").value`); v != "Ont i örat sedan i går" {
		t.Errorf("the message after logging in again: %q", v)
	}
	if s := tb.text("#tillbaka"); !strings.Contains(s, "reserverad åt dig igen") {
		t.Errorf("the flash after logging in again: %q", s)
	}
	tb.click("#boka")
	tb.expectPage("confirmation")
	if s := tb.text("#ditt-mobilnummer"); s != "070-123 45 67" {
		t.Errorf("the confirmation shows the mobile number %q", s)
	}

	// Back after booking.
	tb.do("going back", chromedp.NavigateBack())
	if h1 := tb.text("h1"); h1 != "Tiden är redan bokad" {
		t.Errorf("back after booking: h1 %q", h1)
	}
	tb.expectPage("already-done")
	tb.check()
	tb.click(`#text ~ ul li:first-child a`)
	tb.expectPage("confirmation")
	tb.click("#mina-bokningar")
	tb.click(`.booking-item a`)
	tb.click("#avboka")
	if tb.page() == "terms" {
		tb.do("ticking the box", chromedp.Click(chromedp.ID("godkann")))
		tb.click("#fortsatt")
	}
	tb.expectPage("cancel")
	tb.click("#avboka-ja")
	tb.expectPage("bookings")
	tb.do("going back", chromedp.NavigateBack())
	if h1 := tb.text("h1"); h1 != "Tiden är redan avbokad" {
		t.Errorf("back after cancelling: h1 %q", h1)
	}
	tb.check()
}
