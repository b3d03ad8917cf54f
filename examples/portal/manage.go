package main

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The citizen's bookings (Av- och omboka): the list, one booking, and
// rescheduling and cancelling it.

type bookingsData struct {
	Bookings []bookingEntry
	Subject  Person
	ForChild bool
	BookNew  string
	Clinic   clinicInfo
}

type bookingEntry struct {
	booking.Booking
	Href string
}

// myBookings lists the subject's coming bookings at the clinic.
func (a *app) myBookings(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage)
	if !ok {
		return
	}
	list, err := c.svc.MyBookings(r.Context(), c.scope())
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	d := bookingsData{Subject: c.subject, ForChild: c.forChild(), Clinic: c.clinic, BookNew: c.card()}
	for _, b := range list {
		d.Bookings = append(d.Bookings, bookingEntry{Booking: b, Href: c.base() + "/bokning/" + url.PathEscape(b.ID)})
	}
	title := "Mina bokningar"
	if c.subject.Number != c.who.Person {
		title = c.subject.FirstName + "s bokningar"
	}
	a.render(w, r, http.StatusOK, "bookings", view{Title: title, Data: d})
}

type detailsData struct {
	booking.Booking
	Reschedule, Cancel, Calendar string
	// Accept confirms a timed invitation; InvitationState says that it
	// was confirmed or booked (see invitationState), when it was.
	Accept, InvitationState string
	// Why says why the booking cannot be changed on the web, if it
	// cannot.
	Why    string
	Clinic clinicInfo
	Now    time.Time
	// WaitlistJoin and WaitlistLeave are the forms that put the booking
	// on the cancellation list and take it off.
	WaitlistJoin, WaitlistLeave string
}

// details shows one of the subject's bookings and what may be done with
// it. Another citizen's booking reads as one that does not exist.
func (a *app) details(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage)
	if !ok {
		return
	}
	id := r.PathValue("id")
	b, err := c.svc.Details(r.Context(), booking.DetailsRequest{Scope: c.scope(), BookingID: id})
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	p := c.base() + "/bokning/" + url.PathEscape(id)
	d := detailsData{Booking: b, Calendar: p + "/kalender.ics", Clinic: c.clinic, Now: a.now()}
	if b.Allows.Reschedule {
		d.Reschedule = p + "/omboka"
	}
	if b.Allows.Cancel {
		d.Cancel = p + "/avboka"
	}
	if b.Invitation && !b.IsOpenInvitation() {
		d.Accept = p + "/bekrafta-kallelse"
		if d.InvitationState = a.invitationState(r.Context(), c.clinic.ID, c.subject.Number, id); d.InvitationState != "" {
			d.Accept = ""
		}
	}
	d.WaitlistJoin, d.WaitlistLeave = a.waitlistLinks(r, c, b)
	if !b.Allows.Cancel && !b.Allows.Reschedule {
		d.Why = "Den här tiden kan inte av- eller ombokas via webben."
		if !b.Allows.ChangeBy.IsZero() && a.now().After(b.Allows.ChangeBy) {
			d.Why = "Det är för sent att av- eller omboka den här tiden via webben."
		}
		d.Why += " Kontakta mottagningen på telefon " + c.clinic.Phone + " om du behöver ändra den."
	}
	title := "Din bokning"
	if c.forChild() {
		title = "Bokningen för " + c.subject.FirstName
	}
	a.render(w, r, http.StatusOK, "booking", view{Title: title, Data: d,
		Back: c.base() + "/bokningar", BackText: "Tillbaka till bokningarna"})
}

// changeable reads the booking and checks that the citizen may change it
// as act says; otherwise it shows why, with the way forward.
func (a *app) changeable(w http.ResponseWriter, r *http.Request, c citizen, id string, act booking.Action) (booking.Booking, bool) {
	b, err := c.svc.Details(r.Context(), booking.DetailsRequest{Scope: c.scope(), BookingID: id})
	if err != nil {
		a.fail(w, r, c, err)
		return b, false
	}
	allowed := b.Allows.Cancel
	if act == booking.ActionReschedule {
		allowed = b.Allows.Reschedule
	}
	if allowed {
		return b, true
	}
	text := "Bokningen kan inte avbokas via webben."
	if act == booking.ActionReschedule {
		text = "Bokningen kan inte ombokas via webben."
		if b.Allows.ReschedulesLeft == 0 {
			text = "Bokningen har redan ombokats så många gånger som går via webben."
		}
	}
	if !b.Allows.ChangeBy.IsZero() && a.now().After(b.Allows.ChangeBy) {
		text = "Det är för sent att ändra bokningen via webben: sista tiden var " +
			longDate(tidbok.DateOf(b.Allows.ChangeBy)) + " kl. " + clock(b.Allows.ChangeBy) + "."
	}
	text += " Kontakta mottagningen på telefon " + c.clinic.Phone + " (" + c.clinic.Hours + ")."
	a.render(w, r, http.StatusConflict, "error", view{Title: "Det går inte att ändra bokningen",
		Data: errorData{Text: text, Links: []link{{c.base() + "/bokning/" + url.PathEscape(id), "Tillbaka till bokningen"}}}})
	return b, false
}

// rescheduleSearch shows the dates, or with ?datum= the slots, that a
// booking may be moved to.
func (a *app) rescheduleSearch(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage)
	if !ok || a.needTerms(w, r, c, r.URL.RequestURI()) {
		return
	}
	id := r.PathValue("id")
	b, ok := a.changeable(w, r, c, id, booking.ActionReschedule)
	if !ok {
		return
	}
	p := c.base() + "/bokning/" + url.PathEscape(id) + "/omboka"
	fallback := func(ct string) string {
		if ct == "" {
			return ""
		}
		return c.card() + "/" + url.PathEscape(ct) + "/forfragan"
	}
	day, hasDay := parseDate(r.URL.Query().Get("datum"))
	if !hasDay {
		res, err := c.svc.Dates(r.Context(), booking.SearchRequest{Scope: c.scope(), BookingID: id})
		if err != nil {
			a.fail(w, r, c, err)
			return
		}
		d := datesData{Heading: "Omboka: " + b.Summary.What, Clinic: c.clinic, Fallback: fallback(res.Fallback)}
		for _, day := range res.Dates {
			d.Dates = append(d.Dates, link{p + "?datum=" + day.String(), longDate(day)})
		}
		d.Weeks = byWeek(res.Dates, d.Dates)
		a.render(w, r, http.StatusOK, "dates", view{Title: "Välj ny dag", Data: d,
			Flash: "Din nuvarande tid: " + b.Summary.Date + " kl. " + b.Summary.Time + ". Du har kvar den tills den nya tiden är bokad.",
			Back:  c.base() + "/bokning/" + url.PathEscape(id), BackText: "Tillbaka till bokningen"})
		return
	}
	res, err := c.svc.Slots(r.Context(), booking.SearchRequest{Scope: c.scope(), BookingID: id, From: day, To: day})
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	d := slotsData{Heading: "Omboka: " + b.Summary.What, Date: day, Slots: res.Slots, Action: p, Clinic: c.clinic,
		Fallback: fallback(res.Fallback)}
	a.render(w, r, http.StatusOK, "slots", view{Title: "Välj ny tid", Data: d, Back: p, BackText: "Välj en annan dag"})
}

// rescheduleHold holds the new slot while the citizen confirms the move.
func (a *app) rescheduleHold(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage)
	if !ok {
		return
	}
	id := r.PathValue("id")
	slot, ok := slotFromForm(r)
	if !ok {
		a.errorPage(w, r, http.StatusBadRequest, "Felaktig begäran", "Tiden kunde inte läsas. Gå tillbaka och välj en tid.")
		return
	}
	h, err := c.svc.Hold(r.Context(), booking.HoldRequest{Scope: c.scope(), Slot: slot, BookingID: id})
	if err != nil {
		a.slotProblem(w, r, c, err, c.base()+"/bokning/"+url.PathEscape(id)+"/omboka", id)
		return
	}
	c.ss.setPending(&pendingHold{Hold: h})
	seeOther(w, r, c.base()+"/bokning/"+url.PathEscape(id)+"/omboka/bekrafta")
}

// rescheduleConfirmPage shows the old and the new time.
func (a *app) rescheduleConfirmPage(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if h := c.ss.pending(); h == nil || h.BookingID != id {
		if to, done := c.ss.doneFrom(r.URL.Path); done {
			a.alreadyDone(w, r, "Tiden är redan ombokad", "Du har redan bokat om tiden.",
				link{to, "Visa bekräftelsen"}, link{c.base() + "/bokningar", "Till bokningarna"})
			return
		}
	}
	h, ok := a.livePending(w, r, c, id)
	if !ok {
		return
	}
	b, err := c.svc.Details(r.Context(), booking.DetailsRequest{Scope: c.scope(), BookingID: id})
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	a.showConfirm(w, r, c, http.StatusOK, h, b.Timeslot, nil)
}

// reschedule moves the booking to the held slot: either it moves, or the
// citizen keeps the old time and learns why.
func (a *app) reschedule(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage)
	if !ok {
		return
	}
	id := r.PathValue("id")
	key := r.PostFormValue("nyckel")
	if to, ok := c.ss.doneAt(key); ok {
		seeOther(w, r, to)
		return
	}
	h, ok := a.livePending(w, r, c, id)
	if !ok {
		return
	}
	conf, err := c.svc.Reschedule(r.Context(), booking.RescheduleRequest{
		Scope: c.scope(), Key: key, BookingID: id, Hold: h.Token,
	})
	var te *booking.TermsError
	switch {
	case err == nil:
		to := c.base() + "/bekraftelse/" + url.PathEscape(conf.Booking.ID)
		c.ss.setPending(nil)
		c.ss.remember(confirmed{Confirmation: conf, CaseType: c.ct.ID})
		c.ss.markDoneFrom(key, c.base()+"/bokning/"+url.PathEscape(id)+"/omboka/bekrafta", to)
		a.markWritten(w, r)
		seeOther(w, r, to)
	case errors.As(err, &te):
		c.ss.setFlash(termsChanged + " Den nya tiden är fortfarande reserverad åt dig till kl. " + clock(h.Expires) + ".")
		seeOther(w, r, c.base()+"/villkor?till="+url.QueryEscape(c.base()+"/bokning/"+url.PathEscape(id)+"/omboka/bekrafta"))
	case errors.Is(err, tidbok.ErrSlotTaken):
		c.ss.setPending(nil)
		a.slotProblem(w, r, c, err, c.base()+"/bokning/"+url.PathEscape(id)+"/omboka", id)
	case errors.Is(err, booking.ErrHoldExpired):
		c.ss.setPending(nil)
		c.ss.setFlash(citizenText(err))
		seeOther(w, r, a.chooseAgain(c, id, h.Slot))
	default:
		a.fail(w, r, c, err)
	}
}

type cancelData struct {
	booking.Booking
	Key        string
	Action     string
	Message    string
	MessageMax int
	MessageLbl string
	Notice     string
}

// cancelPage asks the citizen to confirm the cancellation, with a
// message where the clinic and the book take one.
func (a *app) cancelPage(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage)
	if !ok || a.needTerms(w, r, c, r.URL.RequestURI()) {
		return
	}
	if to, done := c.ss.doneFrom(r.URL.Path); done {
		a.alreadyDone(w, r, "Tiden är redan avbokad", "Du har redan avbokat tiden.",
			link{to, "Till bokningarna"}, link{c.card(), "Boka en ny tid"})
		return
	}
	b, ok := a.changeable(w, r, c, r.PathValue("id"), booking.ActionCancel)
	if !ok {
		return
	}
	back := c.ss.takeBack(r.URL.Path)
	problem := ""
	if back != nil {
		problem = back.Error
	}
	a.showCancel(w, r, c, http.StatusOK, b, back.value("meddelande"), problem, back.notice())
}

func (a *app) showCancel(w http.ResponseWriter, r *http.Request, c citizen, status int, b booking.Booking, msg, problem string, notice ...string) {
	d := cancelData{Booking: b, Key: randomToken(16), Message: msg, Notice: strings.Join(notice, " "),
		Action: c.base() + "/bokning/" + url.PathEscape(b.ID) + "/avboka"}
	if b.Allows.Message {
		d.MessageMax, d.MessageLbl = b.Allows.MessageMaxLen, c.ct.Message.Label
		if d.MessageLbl == "" {
			d.MessageLbl = "Meddelande till mottagningen"
		}
	}
	title := "Avboka tiden"
	a.render(w, r, status, "cancel", view{Title: title, Error: problem, Data: d,
		Back: c.base() + "/bokning/" + url.PathEscape(b.ID), BackText: "Nej, behåll tiden"})
}

// cancel cancels the booking and goes back to the list.
func (a *app) cancel(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindManage)
	if !ok {
		return
	}
	id := r.PathValue("id")
	key := r.PostFormValue("nyckel")
	if to, ok := c.ss.doneAt(key); ok {
		seeOther(w, r, to)
		return
	}
	msg := strings.TrimSpace(r.PostFormValue("meddelande"))
	res, err := c.svc.Cancel(r.Context(), booking.CancelRequest{
		Scope: c.scope(), Key: key, BookingID: id, Message: msg,
	})
	var te *booking.TermsError
	switch {
	case err == nil:
		whose := "Din tid "
		if c.forChild() {
			whose = "Tiden för " + c.subject.FirstName + " "
		}
		c.ss.setFlash(whose + res.Summary.Date + " kl. " + res.Summary.Time + " är avbokad.")
		c.ss.markDoneFrom(key, c.base()+"/bokning/"+url.PathEscape(id)+"/avboka", c.base()+"/bokningar")
		a.markWritten(w, r)
		seeOther(w, r, c.base()+"/bokningar")
	case errors.As(err, &te):
		c.ss.setFlash(termsChanged)
		seeOther(w, r, c.base()+"/villkor?till="+url.QueryEscape(c.base()+"/bokning/"+url.PathEscape(id)+"/avboka"))
	case errors.Is(err, booking.ErrMessageTooLong), errors.Is(err, booking.ErrMessageNotAllowed):
		// Back to the form (POST-redirect-GET), with the message typed.
		refused(w, r, c.ss, &formBack{Path: c.base() + "/bokning/" + url.PathEscape(id) + "/avboka",
			Values: map[string]string{"meddelande": msg}, Error: citizenText(err),
			Fields: map[string]string{"meddelande": citizenText(err)}})
	default:
		a.fail(w, r, c, err)
	}
}
