package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A form sent after the session expired is kept: logging in again brings
// the citizen back to the step with what they typed and the slot held
// again. The page warned when the session would end.
func TestAnExpiredSessionIsTakenUpAfterLoggingInAgain(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.holdFirst()
	// t0 is 07:30: the session ends at 08:00 unless used.
	if !strings.Contains(pg.body, `id="utloggning">Du loggas ut kl. 08:00 om du inte gör något.`) {
		t.Errorf("the confirm page does not say when the session ends:\n%s", pg.body)
	}
	p.clock.Set(t0.Add(sessionIdle + time.Minute))
	got := b.submit(pg, "/bekrafta", 0, url.Values{"meddelande": {"Ont i örat sedan i går"}, "telefon": {"070-123 45 67"}})
	if got.status != http.StatusUnauthorized || !strings.Contains(got.body, "Du har loggats ut") ||
		!strings.Contains(got.body, "Logga in igen och fortsätt") || strings.Contains(got.body, "Sidan har gått ut") {
		t.Fatalf("the form sent after the session expired: %d\n%s", got.status, got.body)
	}
	if strings.Contains(got.path, "Ont") || strings.Contains(got.body, "Ont i örat") {
		t.Errorf("the typed text is in the URL or the page")
	}
	pg = b.login("tolvan", "eid")
	if !strings.HasSuffix(pg.path, "/bekrafta") {
		t.Fatalf("after logging in again at %s:\n%s", pg.path, pg.body)
	}
	for _, want := range []string{">Ont i örat sedan i går</textarea>", `value="070-123 45 67"`, "reserverad åt dig igen till kl. 08:06"} {
		if !strings.Contains(pg.body, want) {
			t.Errorf("back at the confirm page, it lacks %q:\n%s", want, pg.body)
		}
	}
	pg = b.submit(pg, "/bekrafta", 0, url.Values{"meddelande": {"Ont i örat sedan i går"}})
	if !strings.Contains(pg.path, "/bekraftelse/") {
		t.Fatalf("booking after taking up ended at %s:\n%s", pg.path, pg.body)
	}
	// The kept form was given back once: logging in again leads to the
	// start page of the role.
	b.post("/logga-ut", nil)
	if pg = b.login("tolvan", "eid"); strings.HasSuffix(pg.path, "/bekrafta") {
		t.Errorf("the kept form was given back twice")
	}
}

// The slot taken meanwhile is said so; another citizen logging in on the
// same browser gets nothing of the first one's.
func TestAnExpiredSessionsSlotTakenOrAnotherCitizen(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.holdFirst()
	p.clock.Set(t0.Add(sessionIdle + time.Minute))
	b.submit(pg, "/bekrafta", 0, url.Values{"meddelande": {"Hemligt"}})

	other := p.browser(t)
	other.login("siv", "eid")
	other.bookFirst("LAK", thursday, "")

	pg = b.login("tolvan", "eid")
	if !strings.Contains(pg.body, "är inte ledig längre") || !strings.Contains(pg.path, "/tider?") {
		t.Errorf("the slot booked by another meanwhile, at %s:\n%s", pg.path, pg.body)
	}
	// What was typed waits for the next time chosen.
	if pg = b.submit(pg, "/tider", 0, nil); !strings.Contains(pg.body, ">Hemligt</textarea>") {
		t.Errorf("the next confirm page lacks the typed text:\n%s", pg.body)
	}

	// Stina's login on a browser where Tolvan's form was kept.
	c := p.browser(t)
	c.login("tolvan", "eid")
	pg = c.holdFirst()
	p.clock.Set(t0.Add(2*sessionIdle + 3*time.Minute))
	c.submit(pg, "/bekrafta", 0, url.Values{"meddelande": {"Tolvans hemlighet"}})
	pg = c.login("siv", "eid")
	if strings.Contains(pg.body, "Tolvans hemlighet") || strings.HasSuffix(pg.path, "/bekrafta") {
		t.Errorf("another citizen was given the kept form at %s:\n%s", pg.path, pg.body)
	}
}
