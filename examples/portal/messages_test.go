package main

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
)

// waitSent waits until the portal's worker has sent n messages; the
// deadline only bounds a hang.
func waitSent(t *testing.T, p *portal, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ms, err := p.stores.Outbox().List(t.Context(), store.MessageFilter{})
		if err != nil {
			t.Fatal(err)
		}
		sent := 0
		for _, m := range ms {
			if m.State == store.MessageSent {
				sent++
			}
		}
		if sent >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages sent after 20 s: %+v", sent, n, ms)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A citizen who gives an e-mail address and agrees to be told gets a
// confirmation, two reminders scheduled (shown with when they go) and,
// when they cancel, a cancellation, which takes the reminders back; the
// demo sends
// them nowhere but keeps them, and shows them under Skickade
// meddelanden: subject, address, state and the text, which names the
// clinic, its address, the time, what to bring and how to cancel, and
// never the personal identity number.
func TestSentMessagesPage(t *testing.T) {
	t.Parallel()
	p := newPortalIn(t, t.TempDir(), config{Mail: mailConfig{Poll: 10 * time.Millisecond}})
	b := p.browser(t)
	b.login("tolvan", "eid")
	pg := b.get(bookPath + "/tidstyp")
	if strings.Contains(pg.path, "/villkor") {
		b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	}
	pg = b.get(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	pg = b.submit(pg, "/tider", 0, nil)
	if !strings.Contains(pg.body, `name="epost"`) || !strings.Contains(pg.body, `name="epost-ok"`) {
		t.Fatalf("the confirm form asks for no e-mail address or consent:\n%s", pg.body)
	}
	pg = b.submit(pg, "/bekrafta", 0, url.Values{"epost": {"tolvan@example.se"}, "epost-ok": {"ja"}})
	id := bookingIDIn(t, pg.path)

	waitSent(t, p, 1)
	msgs := b.get("/mina-bokningar/meddelanden")
	for _, want := range []string{"Bokningsbekräftelse: Läkarbesök torsdag 12 mars 2026", "tolvan@example.se", "Skickat",
		"Solrosvägen 1, 123 45 Exempelstad", "Ta med: legitimation", "Av- eller omboka:", "Vårdcentralen Solrosen"} {
		if !strings.Contains(msgs.body, want) {
			t.Errorf("the messages page does not say %q:\n%s", want, msgs.body)
		}
	}
	if strings.Contains(msgs.body, "19121212") || strings.Contains(msgs.body, "121212-1212") {
		t.Errorf("the messages page shows the personal identity number")
	}
	// The case type reminds 48 h and 2 h before: both reminders are
	// shown with when they go.
	if n := strings.Count(msgs.body, "<h2>Påminnelse: Läkarbesök torsdag 12 mars 2026"); n != 2 {
		t.Errorf("the messages page shows %d reminders; want 2:\n%s", n, msgs.body)
	}
	for _, want := range []string{`<dt>Skickas</dt><dd class="due">tisdag 10 mars 2026 kl. `, `<dt>Skickas</dt><dd class="due">torsdag 12 mars 2026 kl. `} {
		if !strings.Contains(msgs.body, want) {
			t.Errorf("the messages page does not say %q:\n%s", want, msgs.body)
		}
	}

	pg = b.get(managePath + "/bokning/" + id + "/avboka")
	if strings.Contains(pg.path, "/villkor") {
		pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
		pg = b.get(managePath + "/bokning/" + id + "/avboka")
	}
	b.submit(pg, "/avboka", 0, nil)
	waitSent(t, p, 2)
	msgs = b.get("/mina-bokningar/meddelanden")
	// The reminders of the cancelled visit are withdrawn, and no longer
	// shown.
	if !strings.Contains(msgs.body, "Avbokad tid: Läkarbesök torsdag 12 mars 2026") || strings.Count(msgs.body, "<article") != 2 ||
		strings.Contains(msgs.body, "<h2>Påminnelse") {
		t.Errorf("after cancelling, the page shows:\n%s", msgs.body)
	}
	// Another citizen sees none of it.
	other := p.browser(t)
	other.login("siv", "eid")
	if pg := other.get("/mina-bokningar/meddelanden"); !strings.Contains(pg.body, `id="inga-meddelanden"`) {
		t.Errorf("another citizen's messages page:\n%s", pg.body)
	}
}

// The administrator sets a Boka tid case type's reminders in hours
// before the visit; a value that is not a whole number, or a reminder
// twice, is refused with the field named, and nothing is stored.
func TestAdministratorSetsReminders(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	b := p.browser(t)
	b.loginStaff("admin")
	edit := "/admin/arendetyp/" + ctBook
	pg := b.get(edit)
	if !strings.Contains(pg.body, `id="paminnelser" name="paminnelser" inputmode="numeric" value="48, 2"`) {
		t.Fatalf("the edit page does not show the demo's reminders 48, 2:\n%s", pg.body)
	}
	// The form as the page shows it, with the reminders changed.
	form := func(reminders string) url.Values {
		return url.Values{"namn": {"Boka tid hos läkare eller för provtagning"}, "tidstyp": {ttDoctor.ID, ttSample.ID},
			"framforhallning": {"2"}, "horisont": {"28"}, "maxbokningar": {"4"}, "ombud": {"egen"}, "paminnelser": {reminders}}
	}
	pg = b.submit(pg, edit, 0, form("24, 1"))
	if !strings.Contains(pg.body, "Ändringarna är sparade") {
		t.Fatalf("saving 24, 1:\n%s", pg.body)
	}
	ct, err := p.cases.Get(t.Context(), demoClinic.ID, ctBook)
	if err != nil || !slices.Equal(ct.Reminders, []time.Duration{24 * time.Hour, time.Hour}) {
		t.Errorf("stored reminders %v, %v; want 24h and 1h", ct.Reminders, err)
	}
	for _, bad := range []string{"24, en", "2, 2", "0"} {
		pg = b.get(edit)
		pg = b.submit(pg, edit, 0, form(bad))
		if pg.status != http.StatusUnprocessableEntity || !strings.Contains(pg.body, ">Påminnelser: ") {
			t.Errorf("saving %q: %d\n%s", bad, pg.status, pg.body)
		}
	}
	if ct, err := p.cases.Get(t.Context(), demoClinic.ID, ctBook); err != nil || len(ct.Reminders) != 2 || ct.Reminders[0] != 24*time.Hour {
		t.Errorf("after refused saves the reminders are %v, %v", ct.Reminders, err)
	}
}
