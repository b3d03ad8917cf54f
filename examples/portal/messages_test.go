package main

import (
	"net/url"
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
// confirmation and, when they cancel, a cancellation; the demo sends
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

	pg = b.get(managePath + "/bokning/" + id + "/avboka")
	if strings.Contains(pg.path, "/villkor") {
		pg = b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
		pg = b.get(managePath + "/bokning/" + id + "/avboka")
	}
	b.submit(pg, "/avboka", 0, nil)
	waitSent(t, p, 2)
	msgs = b.get("/mina-bokningar/meddelanden")
	if !strings.Contains(msgs.body, "Avbokad tid: Läkarbesök torsdag 12 mars 2026") || strings.Count(msgs.body, "<article") != 2 {
		t.Errorf("after cancelling, the page shows:\n%s", msgs.body)
	}
	// Another citizen sees none of it.
	other := p.browser(t)
	other.login("siv", "eid")
	if pg := other.get("/mina-bokningar/meddelanden"); !strings.Contains(pg.body, `id="inga-meddelanden"`) {
		t.Errorf("another citizen's messages page:\n%s", pg.body)
	}
}
