package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/webbtidbok/webbtidbok/booking/eid/eidtest"
)

// providerLogin fills in the test provider's login page the tab shows
// and submits it; it returns the status of the page the portal ends at.
func (tb *tab) providerLogin(u eidtest.User) int64 {
	tb.t.Helper()
	if title := eval[string](tb, `document.title`); !strings.Contains(title, "Testleverantör") {
		tb.t.Fatalf("%s: not at the provider's login page but at %q: %s", tb.name, title, tb.text("body"))
	}
	var fill []chromedp.Action[chromedp.Void]
	for id, v := range map[string]string{"personnummer": u.PersonalNumber, "fornamn": u.GivenName,
		"efternamn": u.FamilyName, "hsaid": u.HSAID} {
		if v != "" {
			fill = append(fill, chromedp.SendKeys(chromedp.ID(id), v))
		}
	}
	fill = append(fill, chromedp.SetValue(chromedp.ID("acr"), u.ACR))
	tb.do("filling in the provider's login", fill...)
	return tb.click("#logga-in")
}

// TestRealLoginInChromium logs in through a real OpenID Provider's pages:
// a citizen with an e-ID, a citizen with a password and SMS code who
// steps up to an e-ID from the clinic's card, and staff.
func TestRealLoginInChromium(t *testing.T) {
	needChromium(t)
	t.Parallel()
	p := newOIDCPortal(t)

	t.Run("citizen with an e-ID", func(t *testing.T) {
		tb := newTab(t, p.portal, desktop, "citizen-eid")
		tb.open("/logga-in")
		tb.providerLogin(eidTolvan)
		tb.expectPage("card")
		if s := tb.text("main"); !strings.Contains(s, "Tolvan") {
			t.Errorf("the card does not greet Tolvan: %q", s)
		}
		tb.check()
	})

	t.Run("citizen asked to step up", func(t *testing.T) {
		tb := newTab(t, p.portal, phone, "citizen-stepup")
		tb.open("/logga-in")
		tb.providerLogin(smsFrida)
		tb.expectPage("card")
		tb.do("acting for Olle", chromedp.SetValue(chromedp.ID("vem"), childKey(0)))
		tb.click("#byt-person")
		tb.expectPage("card")
		if s := tb.text(".hint"); !strings.Contains(s, "Logga in med e-legitimation") {
			t.Fatalf("no step-up offered: %q", s)
		}
		tb.click("#logga-in-eid")
		strong := smsFrida
		strong.ACR = eidtest.LoA3
		tb.providerLogin(strong)
		tb.expectPage("card")
		if n := eval[int](tb, `document.querySelectorAll("#logga-in-eid").length`); n != 0 {
			t.Errorf("the card still asks for a step-up after it")
		}
		tb.check()
	})

	t.Run("staff", func(t *testing.T) {
		tb := newTab(t, p.portal, desktop, "staff")
		tb.open("/logga-in")
		tb.providerLogin(eidtest.User{HSAID: demoNurse.ID.String(), GivenName: "Sven", FamilyName: "Svensson", ACR: eidtest.LoA3})
		tb.expectPage("staff")
		tb.check()
	})
}
