package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Identity is who logged in, as the login service vouches for them: a
// citizen (Person, with the assurance level of the login) or a staff
// member (Staff, with the clinics where they work or administer).
type Identity struct {
	// Person is the citizen's personal identity number; zero for staff.
	Person tidbok.PersonalNumber
	// Assurance is how the citizen logged in.
	Assurance casetype.Assurance
	// Staff is the staff member's HSA-id (SITHS); zero for citizens.
	Staff tidbok.HSAID
	// StaffAt are the clinics whose book the staff member works with;
	// AdminOf those where they are local administrator.
	StaffAt, AdminOf []tidbok.HSAID
	// Name is the name to greet them with.
	Name string
}

// IsStaff reports whether the identity is a staff member's.
func (id Identity) IsStaff() bool { return !id.Staff.IsZero() }

// IdentityProvider logs people in, standing in for the national login
// service (e-ID or password and SMS for citizens, SITHS for staff). The
// portal calls Start when someone asks to log in, with a random state
// bound to their browser by a cookie of the login in progress (nothing is
// stored until the login succeeds), and Finish when the login service answers
// at /logga-in/svar (GET or POST); Finish returns who logged in.
//
// The demo shows a page of test identities to pick from, and is the
// default. The real login (oidc.go, switched on by -oidc-issuer) is an
// OpenID Connect relying party over package booking/eid: its Start
// redirects to the e-ID service and its Finish verifies the answer.
type IdentityProvider interface {
	Start(w http.ResponseWriter, r *http.Request, state string)
	Finish(r *http.Request, state string) (Identity, error)
}

// errLoginFailed is the error of a login that did not establish anyone.
var errLoginFailed = errors.New("portal: login failed")

// Person is someone in the population register (folkbokföringen).
type Person struct {
	Number              tidbok.PersonalNumber
	FirstName, LastName string
}

// Name returns the person's first and last name.
func (p Person) Name() string { return p.FirstName + " " + p.LastName }

// Register is the population register as the portal asks it: people's
// names and who is the guardian (vårdnadshavare) of which child. It
// answers the booking service's guardian question too. A real portal asks
// the national register (Navet) instead of the demo.
type Register interface {
	booking.GuardianResolver
	// Person returns the person with the number, or an error.
	Person(ctx context.Context, pn tidbok.PersonalNumber) (Person, error)
	// Children returns the children the guardian has, of any age.
	Children(ctx context.Context, guardian tidbok.PersonalNumber) ([]Person, error)
}

// The demo clinic's staff.
var (
	demoDoctor = tidbok.Performer{ID: tidbok.MustHSAID("SE2321000016-DR01"), Title: "Dr", FirstName: "Eva", LastName: "Ek"}
	demoNurse  = tidbok.Performer{ID: tidbok.MustHSAID("SE2321000016-SK01"), Title: "Leg. sjuksköterska", FirstName: "Sven", LastName: "Svensson"}
	demoAdmin  = tidbok.MustHSAID("SE2321000016-ADM1")
)

// demoPerson is a test identity of the demo login.
type demoPerson struct {
	Key string // the form value that picks it
	Person
	// Note says what the identity shows.
	Note     string
	Children []string // keys of the children
	Listed   bool     // shown on the login page
}

// The demo's test identities: valid personal identity numbers (Luhn),
// none of them a real person's. 19121212-1212 is the Swedish Tax
// Agency's well-known test number.
var demoPeople = []demoPerson{
	{Key: "tolvan", Person: Person{tidbok.MustPersonalNumber("191212121212"), "Tolvan", "Tolvansson"},
		Note: "vuxen", Listed: true},
	{Key: "frida", Person: Person{tidbok.MustPersonalNumber("198504122386"), "Frida", "Andersson"},
		Note: "vårdnadshavare", Children: []string{"olle", "stina"}, Listed: true},
	{Key: "siv", Person: Person{tidbok.MustPersonalNumber("197809232627"), "Siv", "Svensson"},
		Note: "vuxen", Listed: true},
	{Key: "olle", Person: Person{tidbok.MustPersonalNumber("202003152432"), "Olle", "Andersson"}},
	{Key: "stina", Person: Person{tidbok.MustPersonalNumber("201106070822"), "Stina", "Andersson"},
		Note: "loggar in själv", Listed: true},
}

// demoNote is what the login page says of p on day: the note, with the
// ages, counted from the birth dates in the personal identity numbers,
// of p if a child and of p's children.
func demoNote(p demoPerson, day tidbok.Date) string {
	note := p.Note
	if age := p.Number.AgeOn(day); age < 18 {
		note = fmt.Sprintf("%d år: %s", age, note)
	}
	var kids []string
	for _, k := range p.Children {
		if c, ok := demoByKey(k); ok {
			kids = append(kids, fmt.Sprintf("%s (%d år)", c.FirstName, c.Number.AgeOn(day)))
		}
	}
	switch len(kids) {
	case 0:
		return note
	case 1:
		return note + " för " + kids[0]
	}
	return note + " för " + strings.Join(kids[:len(kids)-1], ", ") + " och " + kids[len(kids)-1]
}

func demoByKey(key string) (demoPerson, bool) {
	i := slices.IndexFunc(demoPeople, func(p demoPerson) bool { return p.Key == key })
	if i < 0 {
		return demoPerson{}, false
	}
	return demoPeople[i], true
}

func demoByNumber(pn tidbok.PersonalNumber) (demoPerson, bool) {
	i := slices.IndexFunc(demoPeople, func(p demoPerson) bool { return p.Number == pn })
	if i < 0 {
		return demoPerson{}, false
	}
	return demoPeople[i], true
}

// demoRegister is the population register of the demo people.
type demoRegister struct{}

var _ Register = demoRegister{}

func (demoRegister) Person(_ context.Context, pn tidbok.PersonalNumber) (Person, error) {
	p, ok := demoByNumber(pn)
	if !ok {
		return Person{}, tidbok.ErrNotFound
	}
	return p.Person, nil
}

func (demoRegister) Children(_ context.Context, guardian tidbok.PersonalNumber) ([]Person, error) {
	g, ok := demoByNumber(guardian)
	if !ok {
		return nil, nil
	}
	var out []Person
	for _, k := range g.Children {
		if c, ok := demoByKey(k); ok {
			out = append(out, c.Person)
		}
	}
	return out, nil
}

func (r demoRegister) IsGuardian(ctx context.Context, guardian, child tidbok.PersonalNumber) (bool, error) {
	kids, err := r.Children(ctx, guardian)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(kids, func(p Person) bool { return p.Number == child }), nil
}

// demoStaff are the demo login's staff roles. Their HSA-ids' units are
// the demo's clinics: the staff side of the two in the portal's own book
// is here; the clinic reached over crm:scheduling has its own.
var demoStaff = []struct {
	Key, Label string
	Identity   Identity
}{
	{"personal", "Personal på mottagningen (dagvy i tidboken)", Identity{
		Staff: demoNurse.ID, StaffAt: []tidbok.HSAID{demoClinic.ID, demoClinic2.ID, demoRemote.ID}, Name: "Sven Svensson, personal"}},
	{"admin", "Lokal administratör (ärendetyper och villkor)", Identity{
		Staff: demoAdmin, AdminOf: []tidbok.HSAID{demoClinic.ID, demoClinic2.ID}, StaffAt: []tidbok.HSAID{demoClinic.ID, demoClinic2.ID, demoRemote.ID},
		Name: "Alva Admin, lokal administratör"}},
}

// demoIdentity is the demo login: a page that lets anyone pick a test
// identity. It is marked on every page as not a real login.
type demoIdentity struct {
	render func(w http.ResponseWriter, r *http.Request, status int, page string, v view)
}

// demoLogin is what the demo login page shows.
type demoLogin struct {
	State  string
	People []demoPerson
	Staff  []struct {
		Key, Label string
		Identity   Identity
	}
}

func (d demoIdentity) Start(w http.ResponseWriter, r *http.Request, state string) {
	// The people and staff roles to choose from are rendered once, from
	// demoPeople and demoStaff (see withDemoChoices).
	d.render(w, r, http.StatusOK, "login", view{Title: "Logga in (demo)", Data: demoLogin{State: state}})
}

func (d demoIdentity) Finish(r *http.Request, state string) (Identity, error) {
	if state == "" || subtle.ConstantTimeCompare([]byte(r.PostFormValue("state")), []byte(state)) != 1 {
		return Identity{}, errLoginFailed
	}
	if key := r.PostFormValue("personal"); key != "" {
		for _, s := range demoStaff {
			if s.Key == key {
				return s.Identity, nil
			}
		}
		return Identity{}, errLoginFailed
	}
	p, ok := demoByKey(r.PostFormValue("person"))
	if !ok || !p.Listed {
		return Identity{}, errLoginFailed
	}
	id := Identity{Person: p.Number, Name: p.Name(), Assurance: casetype.AssuranceEID}
	switch r.PostFormValue("niva") {
	case "eid":
	case "sms":
		id.Assurance = casetype.AssurancePasswordSMS
	default:
		return Identity{}, errLoginFailed
	}
	return id, nil
}
