package main

import (
	"errors"
	"net/http"
	"strings"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The request form (Beställa tid): when no free time suits, the citizen
// writes to the clinic, and staff answer later.

type requestData struct {
	CaseType casetype.CaseType
	Label    string
	Max      int
	Message  string
	Phone    string
	// PhoneMax is the longest phone number the booking flow takes.
	PhoneMax int
	Clinic   clinicInfo
}

func (a *app) requestPage(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindRequest)
	if !ok {
		return
	}
	a.showRequest(w, r, c, http.StatusOK, "", "", "")
}

func (a *app) showRequest(w http.ResponseWriter, r *http.Request, c citizen, status int, msg, phone, problem string) {
	d := requestData{CaseType: c.ct, Label: c.ct.Message.Label, Max: c.ct.Message.MaxLen, Message: msg, Phone: phone, PhoneMax: booking.MaxPhoneLen, Clinic: c.clinic}
	if d.Label == "" {
		d.Label = "Beskriv vad du behöver hjälp med"
	}
	a.render(w, r, status, "request", view{Title: c.ct.Name, Error: problem, Data: d,
		Back: c.card(), BackText: "Tillbaka till " + c.clinic.Name})
}

func (a *app) submitRequest(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindRequest)
	if !ok {
		return
	}
	msg := strings.TrimSpace(r.PostFormValue("meddelande"))
	phone := strings.TrimSpace(r.PostFormValue("telefon"))
	if msg == "" {
		a.showRequest(w, r, c, http.StatusUnprocessableEntity, msg, phone, "Skriv vad du behöver hjälp med, så att mottagningen kan svara dig.")
		return
	}
	if !a.allowRequest(w, r, c) {
		return
	}
	_, err := c.svc.SubmitRequest(r.Context(), booking.SubmitRequest{
		Scope: c.scope(), Message: msg,
		Contact: tidbok.ContactInfo{FirstName: c.subject.FirstName, LastName: c.subject.LastName, Phone: phone},
	})
	switch {
	case err == nil:
		seeOther(w, r, c.base()+"/forfragan/skickad")
	case errors.Is(err, booking.ErrMessageTooLong), errors.Is(err, booking.ErrMessageNotAllowed), errors.Is(err, booking.ErrContact):
		a.showRequest(w, r, c, http.StatusUnprocessableEntity, msg, phone, citizenText(err))
	default:
		a.fail(w, r, c, err)
	}
}

func (a *app) requestSent(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindRequest)
	if !ok {
		return
	}
	a.render(w, r, http.StatusOK, "error", view{Title: "Din förfrågan är skickad", Page: "request-sent",
		Data: errorData{Text: "Mottagningen har fått din förfrågan och kontaktar dig, oftast inom två arbetsdagar.",
			Links: []link{{c.card(), "Tillbaka till " + c.clinic.Name}}}})
}
