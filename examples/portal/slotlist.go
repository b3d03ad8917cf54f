package main

import (
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The list of free slots is the longest part of the pages a citizen
// books on: a form of five or six hidden fields for every slot of the
// day. html/template escapes every value of it through a chain of
// escapers it calls by reflection, which made most of the slot page's
// cost. slotForms writes the list directly instead, every value escaped
// once with html.EscapeString, which escapes the five characters that
// can end a quoted attribute or start markup (& < > " '): so a value
// can neither leave its attribute nor its element. The page around the
// list is still an html/template.

// slotForms returns the slots of d as a list of forms that post the
// chosen slot to d.Action with the CSRF token csrf, as HTML.
func slotForms(d slotsData, csrf string) template.HTML {
	if len(d.Slots) == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(d.Slots) * 520)
	action := html.EscapeString(normalURL(safePath(d.Action)))
	csrf = html.EscapeString(csrf)
	b.WriteString(`<ul class="slots">`)
	for _, s := range d.Slots {
		b.WriteString("\n<li>\n<form method=\"post\" action=\"")
		b.WriteString(action)
		b.WriteString("\">\n<input type=\"hidden\" name=\"csrf\" value=\"")
		b.WriteString(csrf)
		hidden(&b, "tid", s.ID)
		hidden(&b, "start", strconv.FormatInt(s.Start.Unix(), 10))
		hidden(&b, "slut", strconv.FormatInt(s.End.Unix(), 10))
		hidden(&b, "tidstyp", s.TimeType.ID)
		b.WriteString("\">")
		if !s.Performer.IsZero() {
			b.WriteString("<input type=\"hidden\" name=\"utforare\" value=\"")
			b.WriteString(html.EscapeString(s.Performer.String()))
			b.WriteString("\">")
		}
		b.WriteString("\n<button type=\"submit\" class=\"slot\">")
		if d.Alternatives {
			b.WriteString(`<span class="slot-day">`)
			b.WriteString(html.EscapeString(longDate(tidbok.DateOf(s.Start))))
			b.WriteString("</span> ")
		}
		b.WriteString(`<span class="slot-time">`)
		b.WriteString(html.EscapeString(clock(s.Start)))
		b.WriteString("</span>")
		if s.PerformerName != "" {
			b.WriteString(` <span class="slot-who">`)
			b.WriteString(html.EscapeString(s.PerformerName))
			b.WriteString("</span>")
		}
		b.WriteString("</button>\n</form>\n</li>")
	}
	b.WriteString("\n</ul>")
	return template.HTML(b.String()) // every value above is escaped
}

// hidden ends the previous hidden field's value and writes the start of
// field name's, with value, leaving its closing quote to the next.
func hidden(b *strings.Builder, name, value string) {
	b.WriteString("\">\n<input type=\"hidden\" name=\"")
	b.WriteString(name)
	b.WriteString("\" value=\"")
	b.WriteString(html.EscapeString(value))
}

// normalURL percent-encodes the bytes of u that may not stand in a URL,
// as html/template does with a URL in an attribute: the characters a URL
// reserves, the unreserved ones and '%' stay as they are.
func normalURL(u string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~%!#$&*+,/:;=?@[]", c) >= 0:
			if b.Len() > 0 {
				b.WriteByte(c)
			}
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(u) + 8)
			b.WriteString(u[:i])
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	if b.Len() == 0 {
		return u
	}
	return b.String()
}

// safePath returns p if it is a path on the portal itself ("/…", not
// "//host…"), and otherwise a harmless stand-in, as html/template does
// with a URL it does not trust: a form never posts elsewhere.
func safePath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`) {
		return "#ZgotmplZ"
	}
	return p
}
