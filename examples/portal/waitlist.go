package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The cancellation list (återbud): a citizen asks, on a booking, to be
// told when an earlier time frees up; the offer's link opens the page
// that books it; staff see who waits.

// offerKeyEnv names the environment variable with the key that signs
// the offers' links, 64 hex digits (32 bytes), the same in every portal
// process. Without it each process makes its own, and the links it sent
// end with it.
const offerKeyEnv = "WEBBTIDBOK_OFFER_KEY"

// offerKey returns the key that signs the offers' links.
func offerKey(log interface{ Warn(string, ...any) }) []byte {
	if k, err := hex.DecodeString(os.Getenv(offerKeyEnv)); err == nil && len(k) >= 32 {
		return k
	}
	log.Warn("no key for the links of offers in $" + offerKeyEnv + " (64 hex digits); the links sent end with this process")
	k := make([]byte, 32)
	_, _ = rand.Read(k) // crypto/rand.Read never fails
	return k
}

// offerLink returns the link of an offer with token: the portal's
// address and the offer page.
func (a *app) offerLink(token string) string {
	return a.publicURL + "/aterbud?t=" + url.QueryEscape(token)
}

// watchers are the goroutines that watch the clinics' books for freed
// times.
type watchers struct {
	stop func()
	done sync.WaitGroup
}

// startWatchers watches every clinic's book for times freed outside the
// portal, at the pace its case types set (casetype.Waitlist.WatchEvery).
func (a *app) startWatchers() {
	ctx, cancel := context.WithCancel(context.Background())
	a.watch = &watchers{stop: cancel}
	for _, c := range a.clinics.list {
		a.watch.done.Go(func() { _ = c.svc.WatchWaitlist(ctx, c.info.ID) })
	}
}

func (a *app) stopWatchers() {
	if a.watch != nil {
		a.watch.stop()
		a.watch.done.Wait()
	}
}

// waitlistLinks returns the form actions that put booking b on the list
// (join) or take it off (leave, with the entry joined), when the case
// type has a list and the booking may be moved.
func (a *app) waitlistLinks(r *http.Request, c citizen, b booking.Booking) (join, leave string) {
	if !c.ct.Waitlist.Enabled || !b.Allows.Reschedule || b.Invitation {
		return "", ""
	}
	p := c.base() + "/bokning/" + url.PathEscape(b.ID) + "/aterbud"
	mine, err := c.svc.MyWaitlist(r.Context(), c.scope())
	if err != nil {
		a.log.Warn("reading the citizen's list entries", "err", err)
		return "", ""
	}
	if slices.ContainsFunc(mine, func(e store.WaitEntry) bool { return e.BookingID == b.ID }) {
		return "", p + "/lamna"
	}
	return p, ""
}

// joinWaitlist puts one of the subject's bookings on the list.
func (a *app) joinWaitlist(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	_, err := c.svc.JoinWaitlist(r.Context(), booking.JoinWaitlistRequest{Scope: c.scope(), BookingID: id,
		SamePerformer: r.PostFormValue("samma") == "ja", Name: c.subject.FirstName + " " + c.subject.LastName})
	var te *booking.TermsError
	if errors.As(err, &te) {
		c.ss.setFlash(termsChanged)
		seeOther(w, r, c.base()+"/villkor?till="+url.QueryEscape(c.base()+"/bokning/"+url.PathEscape(id)))
		return
	}
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	sessionOf(r).setFlash("Du står på listan för återbud. Blir en tidigare tid ledig får du ett meddelande med en länk för att boka den.")
	seeOther(w, r, c.base()+"/bokning/"+url.PathEscape(id))
}

// leaveWaitlist takes one of the subject's bookings off the list.
func (a *app) leaveWaitlist(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	mine, err := c.svc.MyWaitlist(r.Context(), c.scope())
	for _, e := range mine {
		if err == nil && e.BookingID == id {
			err = c.svc.LeaveWaitlist(r.Context(), c.scope(), e.ID)
		}
	}
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	sessionOf(r).setFlash("Du står inte längre på listan för återbud.")
	seeOther(w, r, c.base()+"/bokning/"+url.PathEscape(id))
}

type offerData struct {
	Summary booking.Summary
	// Previous is the citizen's booking that moves, if any.
	Previous string
	Token    string
	Expires  string
	// Gone says that the time was booked by somebody else, or the
	// offer cannot be used; Text says why.
	Gone bool
	Text string
}

// offerCitizen returns the citizen logged in, acting for the subject the
// session names, for the offer pages, which name no clinic.
func (a *app) offerCitizen(w http.ResponseWriter, r *http.Request) (citizen, bool) {
	r.SetPathValue("hsa", demoClinic.ID.String())
	return a.citizenAt(w, r)
}

// offerScope is the scope to read and accept an offer in: the offer
// names the clinic and case type.
func offerScope(c citizen) booking.Scope {
	sc := c.scope()
	sc.Clinic, sc.CaseType = tidbok.HSAID{}, ""
	return sc
}

// offerPage is where an offer's link leads, after login: the time
// offered, and the button that books it.
func (a *app) offerPage(w http.ResponseWriter, r *http.Request) {
	c, ok := a.offerCitizen(w, r)
	if !ok {
		return
	}
	tok := r.URL.Query().Get("t")
	v, err := a.svc.Offer(r.Context(), offerScope(c), tok)
	if err != nil {
		a.offerRefused(w, r, c, err)
		return
	}
	d := offerData{Summary: v.Summary, Token: tok, Expires: longDate(tidbok.DateOf(v.Offer.Expires)) + " kl. " + clock(v.Offer.Expires)}
	if e := v.Offer.Entry; e.BookingID != "" {
		d.Previous = longDate(tidbok.DateOf(e.Before)) + " kl. " + clock(e.Before)
	}
	a.render(w, r, http.StatusOK, "offer", view{Title: "En tidigare tid är ledig", Data: d,
		Back: "/mina-bokningar", BackText: "Till Mina bokningar"})
}

// offerRefused shows why an offer cannot be used: "Tiden är tyvärr redan
// bokad." for one booked by somebody else.
func (a *app) offerRefused(w http.ResponseWriter, r *http.Request, c citizen, err error) {
	switch {
	case errors.Is(err, booking.ErrOfferGone), errors.Is(err, booking.ErrOfferExpired), errors.Is(err, booking.ErrOfferInvalid):
		text, _ := tidbok.CitizenText(err)
		status := http.StatusConflict
		if errors.Is(err, booking.ErrOfferInvalid) {
			status = http.StatusNotFound
		}
		a.render(w, r, status, "offer", view{Title: "Erbjudandet kan inte användas", Data: offerData{Gone: true, Text: text},
			Back: "/mina-bokningar", BackText: "Till Mina bokningar"})
	default:
		a.fail(w, r, c, err)
	}
}

// acceptOffer books the time offered: it moves the citizen's booking
// there, or books it. The request key is the offer's, so that a second
// click answers as the first.
func (a *app) acceptOffer(w http.ResponseWriter, r *http.Request) {
	c, ok := a.offerCitizen(w, r)
	if !ok {
		return
	}
	tok := r.PostFormValue("t")
	v, err := a.svc.Offer(r.Context(), offerScope(c), tok)
	if err != nil {
		a.offerRefused(w, r, c, err)
		return
	}
	cl, ok := a.clinics.byID[v.Offer.Clinic]
	if !ok {
		a.notFound(w, r)
		return
	}
	sum := sha256.Sum256([]byte(tok))
	conf, err := cl.svc.AcceptOffer(r.Context(), booking.AcceptOfferRequest{Scope: offerScope(c),
		Key: "offer-" + hex.EncodeToString(sum[:12]), Token: tok,
		Contact: tidbok.ContactInfo{FirstName: c.subject.FirstName, LastName: c.subject.LastName}})
	var te *booking.TermsError
	if errors.As(err, &te) {
		c.ss.setFlash(termsChanged)
		seeOther(w, r, "/mottagning/"+cl.info.ID.String()+"/"+url.PathEscape(v.Scope.CaseType)+"/villkor?till="+url.QueryEscape("/aterbud?t="+url.QueryEscape(tok)))
		return
	}
	if err != nil {
		a.offerRefused(w, r, c, err)
		return
	}
	sessionOf(r).setFlash("Klart! Du har fått den tidigare tiden.")
	seeOther(w, r, "/mottagning/"+cl.info.ID.String()+"/"+url.PathEscape(v.Scope.CaseType)+"/bokning/"+url.PathEscape(conf.Booking.ID))
}

type staffWaitlistData struct {
	Clinic  clinicInfo
	Entries []staffWaitRow
}

type staffWaitRow struct {
	store.WaitEntry
	Place                         int
	Subject, Kind, Before, Joined string
}

// staffWaitlist shows the clinic's cancellation list to its staff, in
// the order the citizens joined. Reading it is logged, one event per
// citizen shown.
func (a *app) staffWaitlist(w http.ResponseWriter, r *http.Request) {
	who, clinic, ok := a.staffAt(w, r)
	if !ok {
		return
	}
	es, err := a.svc.StaffWaitlist(r.Context(), booking.Staff{ID: who.Staff, Clinics: who.StaffAt, Session: sessionRef(sessionOf(r))}, clinic)
	if err != nil {
		a.unavailable(w, r, err)
		return
	}
	d := staffWaitlistData{Clinic: demoClinic}
	for _, e := range es {
		row := staffWaitRow{WaitEntry: e, Place: len(d.Entries) + 1, Subject: e.Subject.String(), Kind: e.TimeType.Name, Joined: longDate(tidbok.DateOf(e.Joined)) + " kl. " + clock(e.Joined)}
		if row.Kind == "" {
			row.Kind = e.TimeType.ID
		}
		if !e.Before.IsZero() {
			row.Before = longDate(tidbok.DateOf(e.Before)) + " kl. " + clock(e.Before)
		}
		d.Entries = append(d.Entries, row)
	}
	a.render(w, r, http.StatusOK, "staffwaitlist", view{Title: "Återbudslista", Data: d, Back: "/personal", BackText: "Till tidboken"})
}
