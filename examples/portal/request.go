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
	// MessageError and PhoneError are what to correct in the fields.
	MessageError, PhoneError string
	// PhoneMax is the longest phone number the booking flow takes.
	PhoneMax int
	Clinic   clinicInfo
	Notice   string
}

func (a *app) requestPage(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindRequest)
	if !ok {
		return
	}
	a.showRequest(w, r, c, http.StatusOK, c.ss.takeBack(r.URL.Path))
}

// showRequest shows the request form; back, if not nil, is the form the
// citizen sent and had refused.
func (a *app) showRequest(w http.ResponseWriter, r *http.Request, c citizen, status int, back *formBack) {
	d := requestData{CaseType: c.ct, Label: c.ct.Message.Label, Max: c.ct.Message.MaxLen, PhoneMax: booking.MaxPhoneLen, Clinic: c.clinic}
	title, problem := c.ct.Name, ""
	if back != nil {
		d.Message, d.Phone, problem = back.value("meddelande"), back.value("telefon"), back.Error
		d.MessageError, d.PhoneError, d.Notice = back.Fields["meddelande"], back.Fields["telefon"], back.Notice
	}
	if d.Label == "" {
		d.Label = "Beskriv vad du behöver hjälp med"
	}
	a.render(w, r, status, "request", view{Title: title, Error: problem, Data: d,
		Back: c.card(), BackText: "Tillbaka till " + c.clinic.Name})
}

func (a *app) submitRequest(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindRequest)
	if !ok {
		return
	}
	msg := strings.TrimSpace(r.PostFormValue("meddelande"))
	phone := strings.TrimSpace(r.PostFormValue("telefon"))
	back := &formBack{Path: r.URL.Path, Fields: map[string]string{},
		Values: map[string]string{"meddelande": msg, "telefon": clip(phone, 2*booking.MaxPhoneLen)}}
	if msg == "" {
		back.Fields["meddelande"] = "Skriv vad du behöver hjälp med, så att mottagningen kan svara dig."
	}
	if phone != "" {
		var ok bool
		if phone, ok = mobileE164(phone); !ok {
			back.Fields["telefon"] = phoneProblem
		}
	}
	if len(back.Fields) > 0 {
		back.Error = strings.TrimSpace(back.Fields["meddelande"] + " " + back.Fields["telefon"])
		refused(w, r, c.ss, back)
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
		back.Error = citizenText(err)
		refused(w, r, c.ss, back)
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

// clip returns s cut to at most n runes: what a refused form keeps of a
// field typed far past its limit.
func clip(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
