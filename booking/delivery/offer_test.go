package delivery_test

import (
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/delivery"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// An offer says what time is free, where, how long the offer holds and
// the link that books it, with no calendar file; the news that it is
// gone says so, without a link.
func TestWriteOffer(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, time.March, 10, 8, 0, 0, 0, tidbok.Stockholm())
	slot := tidbok.Timeslot{Start: start, End: start.Add(30 * time.Minute), Facility: tidbok.MustHSAID("SE2321000016-VC01"),
		FacilityName: "Vårdcentralen Solrosen", TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}}
	prev := tidbok.Timeslot{ID: "b1", Start: start.Add(48 * time.Hour)}
	link := "https://portal.example/aterbud?t=abc.123.sig"
	clinic := delivery.Clinic{Address: "Solrosvägen 1, 123 45 Exempelstad"}
	for _, ch := range []string{booking.ChannelEmail, booking.ChannelSMS} {
		o, err := delivery.Write(booking.Letter{Kind: booking.OfferMade, Channel: ch, Booking: slot, Previous: prev,
			Link: link, Expires: start.Add(-20 * time.Hour), Time: start.Add(-22 * time.Hour)}, clinic)
		if err != nil {
			t.Fatalf("%s: %v", ch, err)
		}
		for _, want := range []string{link, "tisdag 10 mars 2026", "08:00", "Vårdcentralen Solrosen", "torsdag 12 mars 2026", "12.00"} {
			if !strings.Contains(o.Text, want) {
				t.Errorf("the %s offer does not say %q:\n%s", ch, want, o.Text)
			}
		}
		if ch == booking.ChannelEmail && (!strings.Contains(o.HTML, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) || o.Calendar != nil ||
			!strings.HasPrefix(o.Subject, "En tidigare tid är ledig")) {
			t.Errorf("the e-mail offer: subject %q, calendar %d bytes, HTML:\n%s", o.Subject, len(o.Calendar), o.HTML)
		}
		g, err := delivery.Write(booking.Letter{Kind: booking.OfferGone, Channel: ch, Booking: slot, Time: start}, clinic)
		if err != nil {
			t.Fatalf("%s gone: %v", ch, err)
		}
		if !strings.Contains(g.Text, "redan bokad") || strings.Contains(g.Text, "http") {
			t.Errorf("the %s message that the time is gone:\n%s", ch, g.Text)
		}
	}
}
