package delivery

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	texttemplate "text/template"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// offerView is what the cancellation list's texts are written from.
type offerView struct {
	letterView
	What, Link, Expires string
	Gone                bool
}

// writeOffer writes an offer of an earlier time (OfferMade), with its
// link, or the news that the time was booked by somebody else
// (OfferGone). No calendar file goes with either: nothing is booked yet.
func writeOffer(l booking.Letter, v letterView) (Outgoing, error) {
	ov := offerView{letterView: v, Link: l.Link, Gone: l.Kind == booking.OfferGone}
	ov.What = v.Summary.What
	if ov.What == "" {
		ov.What = "besök"
	}
	if !l.Expires.IsZero() {
		e := l.Expires.In(tidbok.Stockholm())
		ov.Expires = booking.Summarize(tidbok.Timeslot{Start: e, End: e}, "").Date + " kl. " + e.Format("15.04")
	}
	if !l.Previous.Start.IsZero() {
		p := booking.Summarize(l.Previous, "")
		ov.Previous = p.Date + " kl. " + p.Time
	}
	ov.Heading = "En tidigare tid är ledig"
	if ov.Gone {
		ov.Heading = "Tiden är redan bokad"
	}
	when := v.Summary.Date + " kl. " + v.Summary.Time
	switch l.Channel {
	case booking.ChannelSMS:
		var b strings.Builder
		if ov.Gone {
			b.WriteString("Tiden " + when + " hos " + ov.Clinic.Name + " som vi erbjöd dig är tyvärr redan bokad av någon annan. Du står kvar på listan för återbud.")
		} else {
			b.WriteString("En tidigare tid är ledig hos " + ov.Clinic.Name + ": " + ov.What + " " + when + ".")
			if ov.Previous != "" {
				b.WriteString(" (Din tid nu: " + ov.Previous + ".)")
			}
			b.WriteString(" Först att boka får tiden. Boka: " + ov.Link)
			if ov.Expires != "" {
				b.WriteString(" (gäller till " + ov.Expires + ")")
			}
		}
		b.WriteString("\nDet här sms:et går inte att svara på.")
		return Outgoing{Text: b.String()}, nil
	case booking.ChannelEmail:
		var text, html bytes.Buffer
		if err := offerText.Execute(&text, ov); err != nil {
			return Outgoing{}, fmt.Errorf("delivery: writing the text: %w", err)
		}
		if err := offerHTML.Execute(&html, ov); err != nil {
			return Outgoing{}, fmt.Errorf("delivery: writing the HTML: %w", err)
		}
		return Outgoing{Subject: ov.Heading + ": " + ov.What + " " + when + ", " + ov.Clinic.Name, Text: text.String(), HTML: html.String()}, nil
	}
	return Outgoing{}, fmt.Errorf("delivery: a letter for unknown channel %q", l.Channel)
}

var offerText = texttemplate.Must(texttemplate.New("offer").Parse(`Hej!
{{if .Gone}}
Tiden som vi erbjöd dig är tyvärr redan bokad av någon annan. Du står kvar på listan för återbud och får ett nytt meddelande om en annan tid blir ledig.

Tid: {{.Summary.Date}} kl. {{.Summary.Time}}
Mottagning: {{.Clinic.Name}}
{{else}}
Du står på listan för återbud. En tidigare tid har blivit ledig, och den som bokar först får tiden.

Tid: {{.Summary.Date}} kl. {{.Summary.Time}}
{{- if .Previous}}
Din tid nu: {{.Previous}}{{end}}
Besök: {{.What}}{{if .Summary.With}} hos {{.Summary.With}}{{end}}
Mottagning: {{.Clinic.Name}}
{{- if .Clinic.Address}}
Adress: {{.Clinic.Address}}{{end}}

Boka tiden: {{.Link}}
{{- if .Expires}}
Erbjudandet gäller till {{.Expires}}.{{end}}
{{- if .Previous}}
Bokar du den nya tiden flyttas din bokning dit.{{end}}
{{end}}
{{- if .Clinic.Phone}}
Telefon till mottagningen: {{.Clinic.Phone}}
{{end}}
Det här meddelandet går inte att svara på.
`))

var offerHTML = template.Must(template.New("offer").Parse(`<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>{{.Heading}}</title></head>
<body>
<h1>{{.Heading}}</h1>
{{if .Gone}}<p>Tiden som vi erbjöd dig är tyvärr redan bokad av någon annan. Du står kvar på listan för återbud.</p>
<dl><dt>Tid</dt><dd>{{.Summary.Date}} kl. {{.Summary.Time}}</dd><dt>Mottagning</dt><dd>{{.Clinic.Name}}</dd></dl>
{{else}}<p>Du står på listan för återbud. En tidigare tid har blivit ledig, och den som bokar först får tiden.</p>
<dl>
<dt>Tid</dt><dd>{{.Summary.Date}} kl. {{.Summary.Time}}</dd>
{{- if .Previous}}
<dt>Din tid nu</dt><dd>{{.Previous}}</dd>{{end}}
<dt>Besök</dt><dd>{{.What}}{{if .Summary.With}} hos {{.Summary.With}}{{end}}</dd>
<dt>Mottagning</dt><dd>{{.Clinic.Name}}</dd>
{{- if .Clinic.Address}}
<dt>Adress</dt><dd>{{.Clinic.Address}}</dd>{{end}}
</dl>
<p><a href="{{.Link}}">Boka tiden</a>{{if .Expires}} (erbjudandet gäller till {{.Expires}}){{end}}</p>
{{- if .Previous}}
<p>Bokar du den nya tiden flyttas din bokning dit.</p>{{end}}
{{end}}
{{- if .Clinic.Phone}}<p>Telefon till mottagningen: {{.Clinic.Phone}}</p>
{{end}}<p>Det här meddelandet går inte att svara på.</p>
</body></html>
`))
