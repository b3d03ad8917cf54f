package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/delivery"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// bookWithMail books the first LAK slot on day for the browser's
// citizen, with e-mail consent, and returns the booking's ID.
func (b *browser) bookWithMail(day tidbok.Date, mail string) string {
	b.t.Helper()
	pg := b.get(bookPath + "/tidstyp")
	if strings.Contains(pg.path, "/villkor") {
		b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
	}
	pg = b.get(bookPath + "/tider?tidstyp=LAK&datum=" + day.String())
	pg = b.submit(pg, "/tider", 0, nil)
	pg = b.submit(pg, "/bekrafta", 0, url.Values{"epost": {mail}, "epost-ok": {"ja"}})
	return bookingIDIn(b.t, pg.path)
}

// manageBooking opens the booking's page under Mina bokningar, accepting
// the terms first if asked.
func (b *browser) manageBooking(id string) page {
	b.t.Helper()
	pg := b.get(managePath + "/bokning/" + id)
	if strings.Contains(pg.path, "/villkor") {
		b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
		pg = b.get(managePath + "/bokning/" + id)
	}
	return pg
}

// offerLinks returns the links of the offers queued, by recipient.
func offerLinks(t *testing.T, p *portal) map[string]string {
	t.Helper()
	ms, err := p.stores.Outbox().List(t.Context(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range ms {
		l, err := booking.DecodeLetter(m.Body)
		if err != nil || l.Kind != booking.OfferMade {
			continue
		}
		o, err := delivery.Write(l, deliveryClinic(demoClinic))
		if err != nil {
			t.Fatalf("writing the offer: %v", err)
		}
		for _, pn := range []string{"19121212", "121212-1212", "198504122386", "850412-2386"} {
			if strings.Contains(o.Text+o.HTML+o.Subject, pn) {
				t.Errorf("the offer to %s names a personal identity number:\n%s", m.To, o.Text)
			}
		}
		if !strings.Contains(o.Text, l.Link) || !strings.Contains(o.Text, "Vårdcentralen Solrosen") {
			t.Errorf("the offer's text lacks its link or the clinic:\n%s", o.Text)
		}
		u, err := url.Parse(l.Link)
		if err != nil {
			t.Fatalf("the offer's link %q: %v", l.Link, err)
		}
		out[m.To] = u.RequestURI()
	}
	return out
}

// Tolvan and Frida ask, on their bookings, to be told of an earlier time;
// Siv cancels hers. Both get an offer whose link opens the confirm step
// after login; Tolvan books first and her booking moves; Frida's link
// then says the time is taken, and Siv cannot use Tolvan's. Staff see
// who waits.
func TestWaitlistOfferLink(t *testing.T) {
	t.Parallel()
	p := newPortalIn(t, t.TempDir(), config{Mail: mailConfig{Poll: 10 * time.Millisecond}})
	tuesday := tidbok.Date{Year: 2026, Month: time.March, Day: 10}
	siv, tolvan, frida := p.browser(t), p.browser(t), p.browser(t)
	siv.login("siv", "eid")
	tolvan.login("tolvan", "eid")
	frida.login("frida", "eid")
	sivs := siv.bookWithMail(tuesday, "siv@example.se")
	tolvans := tolvan.bookWithMail(thursday, "tolvan@example.se")
	fridas := frida.bookWithMail(thursday, "frida@example.se")

	for _, x := range []struct {
		b  *browser
		id string
	}{{tolvan, tolvans}, {frida, fridas}} {
		pg := x.b.manageBooking(x.id)
		if !strings.Contains(pg.body, "Meddela mig om en tidigare tid blir ledig") {
			t.Fatalf("the booking's page has no button for the list:\n%s", pg.body)
		}
		pg = x.b.submit(pg, "/aterbud", 0, nil)
		if strings.Contains(pg.path, "/villkor") {
			x.b.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
			pg = x.b.submit(x.b.manageBooking(x.id), "/aterbud", 0, nil)
		}
		if !strings.Contains(pg.body, "Du står på listan för återbud") || !strings.Contains(pg.body, "Lämna listan för återbud") {
			t.Fatalf("after joining, the booking's page:\n%s", pg.body)
		}
	}
	staffB := p.browser(t)
	staffB.loginStaff("personal")
	if pg := staffB.get("/personal/aterbud"); !strings.Contains(pg.body, "Tolvan Tolvansson") || !strings.Contains(pg.body, "Frida Andersson") ||
		strings.Index(pg.body, "Tolvan") > strings.Index(pg.body, "Frida") {
		t.Errorf("the staff's list does not show Tolvan, then Frida:\n%s", pg.body)
	}

	pg := siv.get(managePath + "/bokning/" + sivs + "/avboka")
	if strings.Contains(pg.path, "/villkor") {
		siv.submit(pg, "", 0, url.Values{"godkann": {"ja"}})
		pg = siv.get(managePath + "/bokning/" + sivs + "/avboka")
	}
	siv.submit(pg, "/avboka", 0, nil)
	links := offerLinks(t, p)
	if len(links) != 2 || links["tolvan@example.se"] == "" || links["frida@example.se"] == "" {
		t.Fatalf("offers after Siv cancelled: %v; want one to Tolvan and one to Frida", links)
	}

	// The link needs a login, and then opens the confirm step.
	anon := p.browser(t)
	if pg := anon.get(links["tolvan@example.se"]); !strings.HasPrefix(pg.path, "/logga-in") {
		t.Errorf("the link without a login ended at %s", pg.path)
	}
	if pg := siv.get(links["tolvan@example.se"]); pg.status != 403 || strings.Contains(pg.body, "Boka tiden") {
		t.Errorf("Siv following Tolvan's link: %d\n%s", pg.status, pg.body)
	}
	pg = tolvan.get(links["tolvan@example.se"])
	if !strings.Contains(pg.body, "Boka tiden") || !strings.Contains(pg.body, "tisdag 10 mars 2026") {
		t.Fatalf("Tolvan's offer page:\n%s", pg.body)
	}
	pg = tolvan.submit(pg, "/aterbud", 0, nil)
	if !strings.Contains(pg.path, "/bokning/"+tolvans) || !strings.Contains(pg.body, "tisdag 10 mars 2026") {
		t.Errorf("after booking the offer Tolvan is at %s:\n%s", pg.path, pg.body)
	}

	pg = frida.get(links["frida@example.se"])
	if pg.status != 409 || !strings.Contains(pg.body, "Tiden är tyvärr redan bokad") || strings.Contains(pg.body, `id="boka-erbjudandet"`) {
		t.Errorf("Frida's link after Tolvan booked: %d\n%s", pg.status, pg.body)
	}
	if pg := staffB.get("/personal/aterbud"); strings.Contains(pg.body, "Tolvan Tolvansson") || !strings.Contains(pg.body, "Frida Andersson") {
		t.Errorf("the staff's list after Tolvan's move:\n%s", pg.body)
	}
}
