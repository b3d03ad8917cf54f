package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"strings"
	texttemplate "text/template"

	"github.com/webbtidbok/webbtidbok/booking"
)

// Sender sends written messages on one channel. Send returns the
// channel's receipt (the server's answer, the gateway's message ID) for
// the record. An error wrapped with backoff.Permanent (as [ErrNoAddress]
// and [ErrBadAddress] are) is recorded as failed at once; any other is
// tried again with backoff. Implementations must be safe for concurrent
// use.
type Sender interface {
	Send(ctx context.Context, m Outgoing) (receipt string, err error)
}

// SenderFunc adapts a function to a [Sender].
type SenderFunc func(ctx context.Context, m Outgoing) (string, error)

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, m Outgoing) (string, error) { return f(ctx, m) }

// Errors of an address, recorded as the message's outcome, never tried
// again.
var (
	// ErrNoAddress: the citizen agreed to the channel but left no
	// address.
	ErrNoAddress = errors.New("delivery: no address")
	// ErrBadAddress: the address is not one the channel can send to.
	ErrBadAddress = errors.New("delivery: address not valid")
)

// Outgoing is one message written for its channel.
type Outgoing struct {
	// Key is the outbox message's key; the e-mail's Message-ID is made
	// from it, so that a resent copy has the same.
	Key string
	// To is the address on the channel.
	To string
	// Subject is the e-mail's subject.
	Subject string
	// Text is the plain text: the e-mail's text part, or the whole SMS.
	Text string
	// HTML is the e-mail's HTML part (empty for SMS).
	HTML string
	// Calendar is the booking as an iCalendar object to attach, and
	// CalendarMethod its METHOD (REQUEST or CANCEL); empty for SMS.
	Calendar       []byte
	CalendarMethod string
}

// Clinic is what the messages say about a clinic.
type Clinic struct {
	// Name is the clinic's name. Default: the booking's clinic name.
	Name string
	// Address is where to go, e.g. "Storgatan 1, 111 22 Stockholm".
	Address string
	// Phone is the clinic's phone number.
	Phone string
	// Bring is what to bring to the visit, e.g. "legitimation".
	Bring string
	// Cancel says how to cancel or move the booking. Default: a text
	// that points to 1177.se.
	Cancel string
}

// defaultCancel is how to cancel when the clinic says nothing.
const defaultCancel = "Logga in på 1177.se för att av- eller omboka tiden. Avboka senast dagen före om du inte kan komma."

// letterView is what the texts are written from.
type letterView struct {
	Heading, Lead string
	Summary       booking.Summary
	Previous      string
	Clinic        Clinic
	Cancelled     bool
	// Attached says the calendar file is attached (not to a reminder).
	Attached bool
}

// Write writes letter l for its channel (l.Channel), in Swedish: what
// happened, when, where, with whom, what to bring and how to cancel. It
// names no personal identity number and not the citizen's reason.
//
// A reminder ([booking.Reminder]) is headed "Påminnelse" and says the
// same of the visit, with no calendar file attached: it changes nothing
// in the citizen's calendar, which the booking's confirmation (or its
// latest move) updated with the revision it names, and a second METHOD
// REQUEST would have mail clients ask the citizen to accept the visit
// again.
func Write(l booking.Letter, c Clinic) (Outgoing, error) {
	v := letterView{Summary: booking.Summarize(l.Booking, l.Notice), Clinic: c, Attached: l.Kind != booking.Reminder}
	v.Summary.Reason = ""
	if c.Cancel == "" {
		v.Clinic.Cancel = defaultCancel
	}
	if v.Clinic.Name == "" {
		v.Clinic.Name = v.Summary.Clinic
	}
	switch l.Kind {
	case booking.OfferMade, booking.OfferGone:
		return writeOffer(l, v)
	case booking.Confirmed:
		v.Heading, v.Lead = "Bokningsbekräftelse", "Din tid är bokad."
	case booking.Rescheduled:
		v.Heading, v.Lead = "Ändrad tid", "Din tid är flyttad till en ny tid."
		p := booking.Summarize(l.Previous, "")
		v.Previous = p.Date + " kl. " + p.Time
	case booking.Cancelled:
		v.Heading, v.Lead, v.Cancelled = "Avbokad tid", "Din tid är avbokad.", true
	case booking.Reminder:
		v.Heading, v.Lead = "Påminnelse", "Du har en bokad tid. Välkommen!"
	default:
		return Outgoing{}, fmt.Errorf("delivery: a letter of unknown kind %d", l.Kind)
	}
	what := v.Summary.What
	if what == "" {
		what = "Besök"
	}
	when := v.Summary.Date + " kl. " + v.Summary.Time
	switch l.Channel {
	case booking.ChannelSMS:
		return Outgoing{Text: smsText(v, what)}, nil
	case booking.ChannelEmail:
		var text, html bytes.Buffer
		if err := textTmpl.Execute(&text, v); err != nil {
			return Outgoing{}, fmt.Errorf("delivery: writing the text: %w", err)
		}
		if err := htmlTmpl.Execute(&html, v); err != nil {
			return Outgoing{}, fmt.Errorf("delivery: writing the HTML: %w", err)
		}
		out := Outgoing{
			Subject: v.Heading + ": " + what + " " + when + ", " + v.Clinic.Name,
			Text:    text.String(),
			HTML:    html.String(),
		}
		if v.Attached {
			cal := l.Calendar()
			// The event says where the clinic is, how to reach it and what
			// to bring, as the letter does.
			cal.Clinic = booking.ClinicContact{Address: c.Address, Phone: c.Phone}
			if c.Bring != "" {
				cal.Bring = "Ta med " + c.Bring + "."
			}
			out.Calendar, out.CalendarMethod = cal.ICS(), cal.Method
		}
		return out, nil
	}
	return Outgoing{}, fmt.Errorf("delivery: a letter for unknown channel %q", l.Channel)
}

// smsText is the SMS: short, one line per fact.
func smsText(v letterView, what string) string {
	var b strings.Builder
	b.WriteString(v.Heading + ": " + what)
	if v.Summary.With != "" {
		b.WriteString(" hos " + v.Summary.With)
	}
	b.WriteString("\n" + v.Summary.Date + " kl. " + v.Summary.Time + "\n" + v.Clinic.Name)
	if v.Clinic.Address != "" {
		b.WriteString(", " + v.Clinic.Address)
	}
	if v.Previous != "" {
		b.WriteString("\n(Tidigare tid: " + v.Previous + ")")
	}
	if !v.Cancelled {
		if v.Summary.Notice != "" {
			b.WriteString("\n" + v.Summary.Notice)
		}
		if v.Clinic.Bring != "" {
			b.WriteString("\nTa med: " + v.Clinic.Bring)
		}
		b.WriteString("\n" + v.Clinic.Cancel)
	}
	b.WriteString("\nDet här sms:et går inte att svara på.")
	return b.String()
}

var textTmpl = texttemplate.Must(texttemplate.New("text").Parse(`Hej!

{{.Lead}}

Tid: {{.Summary.Date}} kl. {{.Summary.Time}}
{{- if .Previous}}
Tidigare tid: {{.Previous}}{{end}}
{{- if .Summary.What}}
Besök: {{.Summary.What}}{{if .Summary.With}} hos {{.Summary.With}}{{end}}{{end}}
Mottagning: {{.Clinic.Name}}
{{- if .Clinic.Address}}
Adress: {{.Clinic.Address}}{{end}}
{{- if and .Summary.Notice (not .Cancelled)}}
Information från mottagningen: {{.Summary.Notice}}{{end}}
{{if not .Cancelled}}
{{- if .Clinic.Bring}}
Ta med: {{.Clinic.Bring}}
{{end}}
Av- eller omboka: {{.Clinic.Cancel}}
{{else}}
Vill du boka en ny tid? Logga in på 1177.se eller kontakta mottagningen.
{{end}}
{{- if .Clinic.Phone}}
Telefon till mottagningen: {{.Clinic.Phone}}
{{end}}
Det här meddelandet går inte att svara på.{{if .Attached}} Tiden finns i den bifogade kalenderfilen.{{end}}
`))

var htmlTmpl = template.Must(template.New("html").Parse(`<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>{{.Heading}}</title></head>
<body>
<h1>{{.Heading}}</h1>
<p>{{.Lead}}</p>
<dl>
<dt>Tid</dt><dd>{{.Summary.Date}} kl. {{.Summary.Time}}</dd>
{{- if .Previous}}
<dt>Tidigare tid</dt><dd>{{.Previous}}</dd>{{end}}
{{- if .Summary.What}}
<dt>Besök</dt><dd>{{.Summary.What}}{{if .Summary.With}} hos {{.Summary.With}}{{end}}</dd>{{end}}
<dt>Mottagning</dt><dd>{{.Clinic.Name}}</dd>
{{- if .Clinic.Address}}
<dt>Adress</dt><dd>{{.Clinic.Address}}</dd>{{end}}
{{- if and .Summary.Notice (not .Cancelled)}}
<dt>Information från mottagningen</dt><dd>{{.Summary.Notice}}</dd>{{end}}
{{- if and .Clinic.Bring (not .Cancelled)}}
<dt>Ta med</dt><dd>{{.Clinic.Bring}}</dd>{{end}}
</dl>
{{if not .Cancelled}}<p>Av- eller omboka: {{.Clinic.Cancel}}</p>
{{else}}<p>Vill du boka en ny tid? Logga in på 1177.se eller kontakta mottagningen.</p>
{{end}}
{{- if .Clinic.Phone}}<p>Telefon till mottagningen: {{.Clinic.Phone}}</p>
{{end}}<p>Det här meddelandet går inte att svara på.{{if .Attached}} Tiden finns i den bifogade kalenderfilen.{{end}}</p>
</body></html>
`))
