package main

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// clinic is one clinic the portal serves: its contact card, and the
// booking flow over its book — the standalone book the portal keeps, or
// the clinic's own system over crm:scheduling.
type clinic struct {
	info clinicInfo
	svc  *booking.Service
	// remote is the address of the clinic's book when it is reached over
	// crm:scheduling; empty for the standalone book.
	remote string
	// invitations are the open invitations the clinic sent, by citizen.
	// The book does not list an open invitation (crm:scheduling leaves it
	// out of the schedule): the citizen learns of it from the clinic's
	// message, in 1177 the inbox, which this stands in for. Set at start,
	// read only after.
	invitations map[tidbok.PersonalNumber][]string
	// epoch tells one life of a book that starts afresh at every start
	// from the next, whose IDs it may reuse: it goes into request keys,
	// so that a stored outcome of an earlier life is not replayed.
	epoch string
}

// clinics are the clinics the portal serves, in the order the start page
// lists them. Made at start, read only after.
type clinics struct {
	list []*clinic
	byID map[tidbok.HSAID]*clinic
}

func (cs *clinics) add(c *clinic) {
	if cs.byID == nil {
		cs.byID = map[tidbok.HSAID]*clinic{}
	}
	cs.list = append(cs.list, c)
	cs.byID[c.info.ID] = c
}

// clinicByID returns the clinic the portal knows by the HSA-id in the
// path.
func (a *app) clinicByID(s string) (*clinic, bool) {
	id, err := tidbok.ParseHSAID(s)
	if err != nil {
		return nil, false
	}
	c, ok := a.clinics.byID[id]
	return c, ok
}

// serviceAt returns the booking flow of the clinic id: the standalone
// book's for a clinic the portal does not know.
func (a *app) serviceAt(id tidbok.HSAID) *booking.Service {
	if c, ok := a.clinics.byID[id]; ok {
		return c.svc
	}
	return a.svc
}

// findClinics returns the clinics whose name contains every word of q,
// ignoring case; all of them for an empty q.
func (a *app) findClinics(q string) []clinicInfo {
	words := strings.Fields(strings.ToLower(q))
	var out []clinicInfo
	for _, c := range a.clinics.list {
		name := strings.ToLower(c.info.Name + " " + c.info.Address)
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(name, w) }) {
			out = append(out, c.info)
		}
	}
	return out
}

// startData is the start page's: the clinic search and its answer.
type startData struct {
	// Name is the demo's first clinic, for the text about the demo.
	Name string
	// Query is what the citizen searched for; Found the clinics whose
	// name matches it, all of them before a search.
	Query    string
	Searched bool
	Found    []clinicInfo
}

// allBookingsData is "Mina bokningar": the subject's bookings and
// invitations at every clinic, each clinic's own list or its silence.
type allBookingsData struct {
	Subject Person
	Clinics []clinicBookings
}

type clinicBookings struct {
	Clinic clinicInfo
	Card   string
	// Down reports that the clinic's book did not answer; NotShown that
	// the clinic shows no bookings on the web.
	Down, NotShown bool
	Bookings       []bookingEntry
	// Invitations are the open invitations still to book.
	Invitations []bookingEntry
}

// askTimeout bounds how long "Mina bokningar" waits for each clinic's
// book: a clinic that does not answer in time is shown as such.
const askTimeout = 4 * time.Second

// allBookings lists the subject's coming bookings and invitations at
// every clinic the subject has used, asking each clinic's book at once,
// each within askTimeout.
func (a *app) allBookings(w http.ResponseWriter, r *http.Request) {
	r.SetPathValue("hsa", demoClinic.ID.String())
	c, ok := a.citizenAt(w, r)
	if !ok {
		return
	}
	used := a.usedClinics(r.Context(), c.subject.Number)
	d := allBookingsData{Subject: c.subject, Clinics: make([]clinicBookings, len(used))}
	ctx, cancel := context.WithTimeout(r.Context(), askTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for i, cl := range used {
		at := c
		at.clinic, at.svc = cl.info, cl.svc
		wg.Go(func() { d.Clinics[i] = a.bookingsAt(ctx, r, at, cl) })
	}
	wg.Wait()
	title := "Mina bokningar"
	if c.subject.Number != c.who.Person {
		title = c.subject.FirstName + "s bokningar"
	}
	a.render(w, r, http.StatusOK, "allbookings", view{Title: title, Data: d})
}

// usedClinics returns the clinics the subject has used: those the audit
// log has an event of the subject at (a booking, a look at the
// bookings, a request), and those that sent the subject an invitation. 1177
// asks the engagement index instead, which every clinic's system tells
// of its bookings and invitations. A clinic whose use cannot be read is
// asked anyway.
func (a *app) usedClinics(ctx context.Context, subject tidbok.PersonalNumber) []*clinic {
	var out []*clinic
	for _, cl := range a.clinics.list {
		if len(cl.invitations[subject]) > 0 {
			out = append(out, cl)
			continue
		}
		ev, err := a.stores.Audit().Events(ctx, sqlstore.AuditQuery{Clinic: cl.info.ID, Subject: subject, Limit: 1})
		if err != nil || len(ev) > 0 {
			out = append(out, cl)
		}
	}
	return out
}

// bookingsAt asks one clinic's book for the subject's bookings and open
// invitations.
func (a *app) bookingsAt(ctx context.Context, r *http.Request, c citizen, cl *clinic) clinicBookings {
	out := clinicBookings{Clinic: cl.info, Card: c.card()}
	manage := a.manageCaseTypeCtx(ctx, c)
	if manage == "" {
		out.NotShown = true
		return out
	}
	c.ct = casetype.CaseType{ID: manage, Kind: casetype.KindManage}
	list, err := c.svc.MyBookings(ctx, c.scope())
	if err != nil {
		a.log.Warn("a clinic's book did not list the citizen's bookings", "clinic", cl.info.ID.String(), "err", err)
		out.Down = true
		return out
	}
	for _, b := range list {
		out.Bookings = append(out.Bookings, bookingEntry{Booking: b, Href: c.base() + "/bokning/" + url.PathEscape(b.ID)})
	}
	for _, id := range cl.invitations[c.subject.Number] {
		b, err := c.svc.Details(ctx, booking.DetailsRequest{Scope: c.scope(), BookingID: id})
		switch {
		case err == nil && b.IsOpenInvitation():
			out.Invitations = append(out.Invitations, bookingEntry{Booking: b, Href: c.base() + "/kallelse/" + url.PathEscape(id)})
		case err != nil && !errors.Is(err, tidbok.ErrNotFound):
			out.Down = true
		}
	}
	return out
}

// manageCaseTypeCtx is manageCaseType with a context of its own.
func (a *app) manageCaseTypeCtx(ctx context.Context, c citizen) string {
	card, err := c.svc.ContactCard(ctx, booking.ContactCardRequest{
		Caller: c.scope().Caller, Subject: c.subject.Number, Clinic: c.clinic.ID,
	})
	if err != nil {
		return ""
	}
	for _, ct := range card.CaseTypes {
		if ct.Kind == casetype.KindManage {
			return ct.ID
		}
	}
	return ""
}

// invitationData is an open invitation's page: its text, and the dates
// or the free times of its time type.
type invitationData struct {
	booking.Booking
	Clinic clinicInfo
	Dates  []link
	Base   string
}

// invitation shows an open invitation (a kallelse without a time) with
// the dates that have free times of its time type.
func (a *app) invitation(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage, casetype.KindBook)
	if !ok || a.needTerms(w, r, c, r.URL.RequestURI()) {
		return
	}
	id := r.PathValue("id")
	b, err := c.svc.Details(r.Context(), booking.DetailsRequest{Scope: c.scope(), BookingID: id})
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	if !b.IsOpenInvitation() {
		// Booked already, or timed: it is one of the bookings.
		seeOther(w, r, c.base()+"/bokning/"+url.PathEscape(id))
		return
	}
	base := c.base() + "/kallelse/" + url.PathEscape(id)
	d := invitationData{Booking: b, Clinic: c.clinic, Base: base}
	res, err := c.svc.Dates(r.Context(), booking.SearchRequest{Scope: c.scope(), Invitation: id})
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	for _, day := range res.Dates {
		d.Dates = append(d.Dates, link{base + "/tider?datum=" + day.String(), longDate(day)})
	}
	a.render(w, r, http.StatusOK, "invitation", view{Title: "Kallelse: " + cmp.Or(b.TimeType.Name, "boka en tid"), Data: d,
		Back: "/mina-bokningar", BackText: "Tillbaka till Mina bokningar"})
}

// invitationSlots shows the free times of the invitation's time type on
// one day; choosing one books it.
func (a *app) invitationSlots(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage, casetype.KindBook)
	if !ok || a.needTerms(w, r, c, r.URL.RequestURI()) {
		return
	}
	id := r.PathValue("id")
	base := c.base() + "/kallelse/" + url.PathEscape(id)
	day, ok := parseDate(r.URL.Query().Get("datum"))
	if !ok {
		seeOther(w, r, base)
		return
	}
	res, err := c.svc.Slots(r.Context(), booking.SearchRequest{Scope: c.scope(), Invitation: id, From: day, To: day})
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	d := slotsData{Heading: "Välj en tid för din kallelse", Date: day, Slots: res.Slots, Action: base, Clinic: c.clinic}
	a.render(w, r, http.StatusOK, "slots", view{Title: "Välj tid", Data: d, Back: base, BackText: "Välj en annan dag"})
}

// bookInvitation books the open invitation at the chosen time. The
// request key is the invitation's and the time's, so that sending the
// form twice books once; another time for a booked invitation is refused.
func (a *app) bookInvitation(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage, casetype.KindBook)
	if !ok {
		return
	}
	id := r.PathValue("id")
	slot, ok := slotFromForm(r)
	if !ok {
		a.errorPage(w, r, http.StatusBadRequest, "Felaktig begäran", "Tiden kunde inte läsas. Gå tillbaka och välj en tid.")
		return
	}
	var epoch string
	if cl, ok := a.clinics.byID[c.clinic.ID]; ok {
		epoch = cl.epoch
	}
	conf, err := c.svc.Book(r.Context(), booking.BookRequest{
		Scope: c.scope(), Key: "kallelse:" + epoch + id + ":" + strconv.FormatInt(slot.Start.Unix(), 10),
		Invitation: id, Slot: slot,
		Contact: tidbok.ContactInfo{FirstName: c.subject.FirstName, LastName: c.subject.LastName},
	})
	if err != nil {
		a.slotProblem(w, r, c, err, c.base()+"/kallelse/"+url.PathEscape(id), "")
		return
	}
	c.ss.setFlash("Tiden är bokad. Välkommen " + longDate(tidbok.DateOf(conf.Booking.Start)) + " kl. " + clock(conf.Booking.Start) + ".")
	seeOther(w, r, c.base()+"/bokning/"+url.PathEscape(conf.Booking.ID))
}

// acceptInvitation confirms a timed invitation: the time stands, and the
// citizen gets it for the calendar. crm:scheduling has no write for it.
func (a *app) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if _, err := c.svc.AcceptInvitation(r.Context(), booking.DetailsRequest{Scope: c.scope(), BookingID: id}); err != nil {
		a.fail(w, r, c, err)
		return
	}
	c.ss.setFlash("Tack! Tiden är bekräftad. Lägg gärna till den i din kalender.")
	seeOther(w, r, c.base()+"/bokning/"+url.PathEscape(id))
}
