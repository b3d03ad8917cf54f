package booking

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// CalendarEvent is a booking as an iCalendar event, for the citizen to add
// to their calendar. The portal gets one in every [Confirmation] and
// [Cancellation]; it may also build one for any [Booking].
type CalendarEvent struct {
	// Booking is the booked time: its ID and Facility make the event's
	// UID, Start and End its time, TimeType and FacilityName its title
	// ("Läkarbesök, Vårdcentralen Solrosen"), FacilityName its location
	// and PerformerName its description.
	Booking tidbok.Timeslot
	// Clinic is how to find and reach the clinic: its address follows the
	// clinic's name in the location, its phone goes into the
	// description. The zero value leaves them out.
	Clinic ClinicContact
	// Bring is what the citizen should bring to the visit, as a sentence
	// ("Ta med giltig legitimation."); it goes into the description.
	Bring string
	// CancelBy is the last moment the citizen may cancel or move the
	// booking themself; it goes into the description. Zero leaves it out.
	CancelBy time.Time
	// Notice is the book's message for the citizen; it goes into the
	// description.
	Notice string
	// Stamp is when the object was made (DTSTAMP).
	Stamp time.Time
	// Sequence counts revisions of the event (SEQUENCE): 0 when booked,
	// one more for every move, so that calendars replace the old time.
	Sequence int
	// Cancelled marks the event cancelled (STATUS:CANCELLED), so that a
	// calendar that has it removes it.
	Cancelled bool
	// Method is the calendar's METHOD (RFC 5546), for an object sent by
	// e-mail: [MethodRequest] for a booking or a move, [MethodCancel] for
	// a cancellation. Empty leaves METHOD out, as for a download.
	Method string
}

// ClinicContact is how a citizen finds and reaches a clinic, for the
// calendar event: the visiting address and the phone number, as the
// clinic's contact card shows them.
type ClinicContact struct {
	Address string
	Phone   string
}

// The iTIP methods of a calendar object sent by e-mail.
const (
	MethodRequest = "REQUEST"
	MethodCancel  = "CANCEL"
)

// ICS returns the event as an iCalendar object (RFC 5545): a VCALENDAR
// with the Europe/Stockholm VTIMEZONE and one VEVENT whose DTSTART and
// DTEND are Swedish local times (TZID=Europe/Stockholm), with CRLF line
// endings and lines folded at 75 octets without splitting a character.
//
// The citizen's reason for the visit is deliberately left out: calendars
// are often synchronised to services outside the care provider's control.
// A time in the second run of the hour repeated when summer time ends
// (CET, late October) is written in UTC instead, since RFC 5545 reads an
// ambiguous local time as its first occurrence.
func (e CalendarEvent) ICS() []byte {
	b := e.Booking
	var w icsWriter
	w.buf.Grow(1024)
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:-//webbtidbok//booking//SV")
	w.line("CALSCALE:GREGORIAN")
	if e.Method != "" {
		w.line("METHOD:" + escapeText(e.Method))
	}
	w.raw(stockholmVTimezone)
	w.line("BEGIN:VEVENT")
	w.line("UID:" + escapeText(b.ID+"@"+strings.ToLower(b.Facility.String())))
	w.line("DTSTAMP:" + e.Stamp.UTC().Format(icsUTC))
	w.line("DTSTART" + icsLocal(b.Start))
	w.line("DTEND" + icsLocal(b.End))
	w.line("SEQUENCE:" + strconv.Itoa(e.Sequence))
	if e.Cancelled {
		w.line("STATUS:CANCELLED")
	} else {
		w.line("STATUS:CONFIRMED")
	}
	summary := b.TimeType.Name
	if summary == "" {
		summary = "Bokad tid"
	}
	if b.FacilityName != "" {
		summary += ", " + b.FacilityName
	}
	w.line("SUMMARY:" + escapeText(summary))
	location := b.FacilityName
	if location == "" {
		location = b.Facility.String()
	}
	if e.Clinic.Address != "" {
		location += ", " + e.Clinic.Address
	}
	w.line("LOCATION:" + escapeText(location))
	var desc []string
	if b.PerformerName != "" {
		desc = append(desc, "Hos "+b.PerformerName)
	}
	if e.Notice != "" {
		desc = append(desc, "Information från mottagningen: "+e.Notice)
	}
	if e.Bring != "" {
		desc = append(desc, e.Bring)
	}
	if !e.CancelBy.IsZero() && !e.Cancelled {
		by := e.CancelBy.In(tidbok.Stockholm())
		desc = append(desc, "Avboka eller omboka senast "+swedishDate(by)+" kl. "+by.Format("15:04")+" om du inte kan komma.")
	}
	if e.Clinic.Phone != "" {
		desc = append(desc, "Mottagningens telefon: "+e.Clinic.Phone)
	}
	if len(desc) > 0 {
		w.line("DESCRIPTION:" + escapeText(strings.Join(desc, "\n")))
	}
	w.line("TRANSP:OPAQUE")
	w.line("END:VEVENT")
	w.line("END:VCALENDAR")
	return w.buf.Bytes()
}

const (
	icsUTC         = "20060102T150405Z"
	icsLocalLayout = "20060102T150405"
	// icsMaxLine is the longest line RFC 5545 allows, in octets, without
	// the CRLF.
	icsMaxLine = 75
)

// stockholmVTimezone describes Europe/Stockholm by the EU rules in force
// since 1996: summer time from the last Sunday of March at 02:00 to the
// last Sunday of October at 03:00 local time.
var stockholmVTimezone = strings.Join([]string{
	"BEGIN:VTIMEZONE",
	"TZID:Europe/Stockholm",
	"BEGIN:DAYLIGHT",
	"TZOFFSETFROM:+0100",
	"TZOFFSETTO:+0200",
	"TZNAME:CEST",
	"DTSTART:19700329T020000",
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
	"END:DAYLIGHT",
	"BEGIN:STANDARD",
	"TZOFFSETFROM:+0200",
	"TZOFFSETTO:+0100",
	"TZNAME:CET",
	"DTSTART:19701025T030000",
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
	"END:STANDARD",
	"END:VTIMEZONE",
}, "\r\n") + "\r\n"

// icsLocal returns the parameters and value of a DTSTART or DTEND for t:
// ";TZID=Europe/Stockholm:YYYYMMDDThhmmss" with Swedish wall time, or
// ":YYYYMMDDThhmmssZ" in UTC when that wall time would be read as another
// instant (the second run of the repeated autumn hour).
func icsLocal(t time.Time) string {
	local := t.In(tidbok.Stockholm())
	if back, err := tidbok.ParseWireTime(tidbok.FormatWireTime(local)); err != nil || !back.Equal(local.Truncate(time.Second)) {
		return ":" + t.UTC().Format(icsUTC)
	}
	return ";TZID=Europe/Stockholm:" + local.Format(icsLocalLayout)
}

// escapeText escapes an iCalendar TEXT value: backslash, semicolon and
// comma are escaped, line breaks become \n, other control characters are
// dropped.
func escapeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == ';' || c == ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			b.WriteString(`\n`)
		case c == '\n':
			b.WriteString(`\n`)
		case c < 0x20 || c == 0x7f:
			// Control characters have no place in TEXT.
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

type icsWriter struct{ buf bytes.Buffer }

// raw writes already folded, CRLF-terminated lines.
func (w *icsWriter) raw(s string) { w.buf.WriteString(s) }

// line writes one content line, folded at 75 octets on character
// boundaries: continuation lines start with a space, which counts toward
// their 75 octets.
func (w *icsWriter) line(s string) {
	limit := icsMaxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.buf.WriteString(s[:cut])
		w.buf.WriteString("\r\n ")
		s = s[cut:]
		limit = icsMaxLine - 1
	}
	w.buf.WriteString(s)
	w.buf.WriteString("\r\n")
}
