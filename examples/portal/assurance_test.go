package main

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The demo login gives every citizen the level they chose, never an
// unknown one, refuses a login that names no level, and gives staff no
// citizen's level.
func TestTheDemoLoginSetsEachCitizensLevel(t *testing.T) {
	t.Parallel()
	const state = "state-1"
	finish := func(form url.Values) (Identity, error) {
		form.Set("state", state)
		r := httptest.NewRequest(http.MethodPost, "/logga-in/svar", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return demoIdentity{}.Finish(r, state)
	}
	for _, p := range demoPeople {
		if !p.Listed {
			continue
		}
		for niva, want := range map[string]casetype.Assurance{"eid": casetype.AssuranceEID, "sms": casetype.AssurancePasswordSMS} {
			id, err := finish(url.Values{"person": {p.Key}, "niva": {niva}})
			if err != nil || id.Person != p.Number || id.Assurance != want {
				t.Errorf("%s logging in with %s: %v at %v, %v; want %v", p.Key, niva, id.Person, id.Assurance, err, want)
			}
		}
		for _, niva := range []string{"", "bankid", "0"} {
			if id, err := finish(url.Values{"person": {p.Key}, "niva": {niva}}); !errors.Is(err, errLoginFailed) {
				t.Errorf("%s logging in with level %q = %v, %v; want the login refused", p.Key, niva, id.Assurance, err)
			}
		}
	}
	for _, s := range demoStaff {
		id, err := finish(url.Values{"personal": {s.Key}})
		if err != nil || !id.IsStaff() || !id.Person.IsZero() || id.Assurance != casetype.AssuranceUnknown {
			t.Errorf("staff login %s = %+v, %v; want staff with no citizen's level", s.Key, id, err)
		}
	}
}

// Only the clinic's local administrator publishes terms: a citizen's or a
// staff member's attempt is refused and the current version stays.
func TestOnlyTheAdministratorPublishesTerms(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	ctx := context.Background()
	before, err := p.terms.Current(ctx, demoClinic.ID, ctBook)
	if err != nil {
		t.Fatal(err)
	}
	path := "/admin/arendetyp/" + ctBook + "/villkor"
	form := url.Values{"villkor": {"- Inga avbokningar."}, "atgard": {"publicera"}}
	citizen := p.browser(t)
	citizen.login("tolvan", "eid")
	staff := p.browser(t)
	staff.loginStaff("personal")
	for name, b := range map[string]*browser{"a citizen": citizen, "staff": staff} {
		if pg := b.post(path, maps.Clone(form)); pg.status != http.StatusForbidden || !strings.Contains(pg.body, "Endast för lokal administratör") {
			t.Errorf("%s publishing terms: %d, want 403 for not being the administrator:\n%s", name, pg.status, pg.body)
		}
	}
	if cur, err := p.terms.Current(ctx, demoClinic.ID, ctBook); err != nil || cur.Number != before.Number {
		t.Errorf("the terms after the refused attempts are version %d, %v; want %d", cur.Number, err, before.Number)
	}
	// The library refuses too, whatever the page checks.
	nurse := terms.Admin{ID: demoNurse.ID}
	if _, err := p.terms.Publish(ctx, nurse, demoClinic.ID, ctBook, terms.Terms{Conditions: "- Inga avbokningar."}); !errors.Is(err, terms.ErrForbidden) {
		t.Errorf("Publish by the nurse = %v, want terms.ErrForbidden", err)
	}
}

// A case type whose login level nobody chose shows no level as chosen,
// cannot be activated until one is, and saving the form without a
// choice leaves it unset.
func TestAnUnsetLoginLevelMustBeChosenBeforeActivating(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	admin := casetype.Admin{ID: demoAdmin, Clinics: []tidbok.HSAID{demoClinic.ID}}
	if _, err := p.cases.Create(context.Background(), admin, casetype.CaseType{
		ID: "fraga", Clinic: demoClinic.ID, Kind: casetype.KindRequest, Name: "Ställ en fråga",
	}); err != nil {
		t.Fatal(err)
	}
	b := p.browser(t)
	b.loginStaff("admin")
	edit := "/admin/arendetyp/fraga"
	pg := b.get(edit)
	if strings.Contains(pg.body, `value="eid" checked`) || strings.Contains(pg.body, `value="sms" checked`) {
		t.Errorf("the edit page shows a login level as chosen for a case type without one:\n%s", pg.body)
	}
	pg = b.submit(pg, edit, 0, url.Values{"namn": {"Ställ en fråga"}, "ombud": {"egen"}})
	if !strings.Contains(pg.body, "Ändringarna är sparade") {
		t.Fatalf("saving:\n%s", pg.body)
	}
	if ct, err := p.cases.Get(context.Background(), demoClinic.ID, "fraga"); err != nil || ct.Assurance != casetype.AssuranceUnknown {
		t.Errorf("after saving without a choice the level is %v, %v; want it still unset", ct.Assurance, err)
	}
	pg = b.submit(pg, "/aktivera", 0, nil)
	if pg.status != http.StatusUnprocessableEntity || !strings.Contains(pg.body, ">Inloggning: ") {
		t.Fatalf("activating without a login level: %d\n%s", pg.status, pg.body)
	}
	pg = b.submit(pg, edit, 0, url.Values{"namn": {"Ställ en fråga"}, "ombud": {"egen"}, "inloggning": {"eid"}})
	pg = b.submit(pg, "/aktivera", 0, nil)
	if !strings.Contains(pg.body, "Ärendetypen är aktiv") {
		t.Fatalf("activating with e-ID chosen:\n%s", pg.body)
	}
}
