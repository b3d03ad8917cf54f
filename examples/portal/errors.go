package main

import (
	"errors"
	"net/http"
	"strings"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// fail shows a citizen what went wrong in the booking flow: the flow's own
// Swedish text, and the way forward — the clinic's phone number where
// only the clinic can help, and links back into the flow. Errors with a
// way forward of their own (a taken slot's alternatives, changed terms,
// an expired hold) are handled where they occur.
func (a *app) fail(w http.ResponseWriter, r *http.Request, c citizen, err error) {
	status, text := http.StatusInternalServerError, citizenText(err)
	title := "Det gick inte"
	var call bool
	switch {
	case errors.Is(err, tidbok.ErrNotFound):
		status, title = http.StatusNotFound, "Finns inte"
	case errors.Is(err, booking.ErrNotOffered):
		status, title = http.StatusNotFound, "Tjänsten finns inte"
	case errors.Is(err, booking.ErrForbidden), errors.Is(err, booking.ErrAssuranceTooLow), errors.Is(err, booking.ErrNotEligible):
		status = http.StatusForbidden
	case errors.Is(err, booking.ErrInProgress):
		status = http.StatusConflict
	case errors.Is(err, tidbok.ErrNotAllowed):
		// Deadlines passed, too many bookings or moves, a flag of the
		// book: only the clinic can help now.
		status, call = http.StatusConflict, true
	case errors.Is(err, tidbok.ErrOutcomeUnknown), errors.Is(err, tidbok.ErrNotSent):
		// The clinic's book did not answer: try again in a while.
		status = http.StatusServiceUnavailable
	case errors.Is(err, tidbok.ErrInvalid):
		status = http.StatusBadRequest
	}
	if status >= 500 {
		a.log.Error("booking flow failed", "path", r.URL.Path, "err", err)
	} else {
		a.log.Info("booking flow refused", "path", r.URL.Path, "err", err)
	}
	if call && !strings.Contains(text, c.clinic.Phone) {
		text += " Du når mottagningen på telefon " + c.clinic.Phone + " (" + c.clinic.Hours + ")."
	}
	links := []link{{c.card(), "Till " + c.clinic.Name}}
	if errors.Is(err, booking.ErrAssuranceTooLow) {
		// A step-up: the same citizen logs in again with an e-ID.
		next := c.card()
		if r.Method == http.MethodGet {
			next = r.URL.RequestURI()
		}
		links = append([]link{stepUpLink(next)}, links...)
	}
	if c.ct.ID != "" {
		if id := a.manageCaseType(r, c); id != "" {
			links = append(links, link{c.card() + "/" + id + "/bokningar", "Mina bokningar"})
		}
	}
	a.render(w, r, status, "error", view{Title: title, Data: errorData{Text: text, Links: links}})
}

// citizenText is the text to show the citizen for err: the one it
// carries (every error of the booking flow carries one), or the
// catalogue's general one.
func citizenText(err error) string {
	if t, ok := tidbok.CitizenText(err); ok {
		return t
	}
	return texts.Generic
}
