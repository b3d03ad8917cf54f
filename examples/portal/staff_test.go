package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Staff of the demo clinic, in a book another clinic shares, cannot
// touch that clinic's slots: a slot ID of the other clinic is answered as
// gone and the slot stays as it was, and a page or form that names the
// other clinic is refused as one for staff only, without saying whether
// the clinic exists.
func TestStaffCannotChangeAnotherClinicsSlots(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	ctx := context.Background()
	other := tidbok.MustHSAID("SE2321000016-A65H")
	if err := p.book.AddFacility(ctx, tidbok.Facility{ID: other, Name: "Annan vårdcentral"}); err != nil {
		t.Fatal(err)
	}
	if err := p.book.AddTimeType(ctx, other, ttDoctor); err != nil {
		t.Fatal(err)
	}
	start := time.Date(thursday.Year, thursday.Month, thursday.Day, 9, 0, 0, 0, tidbok.Stockholm())
	slot, err := p.book.Publish(ctx, staff.SlotSpec{Facility: other, Start: start, End: start.Add(30 * time.Minute), TimeTypeID: ttDoctor.ID})
	if err != nil {
		t.Fatal(err)
	}

	staff := p.browser(t)
	staff.loginStaff("personal")
	day := staff.get("/personal?datum=" + thursday.String())
	if strings.Contains(day.body, slot) {
		t.Fatalf("the demo clinic's day shows the other clinic's slot %s", slot)
	}
	ask := staff.get(removeLink(t, day.body, 0))
	if pg := staff.submit(ask, "/dra-tillbaka", 0, url.Values{"tid": {slot}}); !strings.Contains(pg.body, "Tiden finns inte längre") {
		t.Errorf("withdrawing the other clinic's slot:\n%s", pg.body)
	}
	if pg := staff.submit(day, "/webbokning", 0, url.Values{"tid": {slot}, "webb": {"nej"}}); !strings.Contains(pg.body, "Tiden finns inte längre") {
		t.Errorf("closing the other clinic's slot to the web:\n%s", pg.body)
	}

	for _, clinic := range []string{other.String(), "SE2321000016-NONE", "inte-ett-hsa-id"} {
		if pg := staff.get("/personal?mottagning=" + url.QueryEscape(clinic)); pg.status != http.StatusForbidden || strings.Contains(pg.body, "Annan vårdcentral") {
			t.Errorf("the day of clinic %q: %d, want 403 and nothing of it", clinic, pg.status)
		}
		for _, action := range []string{"/dra-tillbaka", "/webbokning"} {
			form := day
			if action == "/dra-tillbaka" {
				form = ask
			}
			if pg := staff.submit(form, action, 0, url.Values{"tid": {slot}, "webb": {"nej"}, "mottagning": {clinic}}); pg.status != http.StatusForbidden {
				t.Errorf("%s naming clinic %q: %d, want 403", action, clinic, pg.status)
			}
		}
	}

	got, err := p.book.Day(ctx, other, thursday)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != slot || !got[0].WebBookable {
		t.Errorf("the other clinic's day = %+v, want its slot %s, still web-bookable", got, slot)
	}
}
