package fhirclient

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
)

// The JSON shapes the client reads: only the fields it uses, so that
// decoding skips the rest.

type identifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type reference struct {
	Reference  string      `json:"reference"`
	Type       string      `json:"type"`
	Display    string      `json:"display"`
	Identifier *identifier `json:"identifier"`
}

type coding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display"`
}

type concept struct {
	Coding []coding `json:"coding"`
	Text   string   `json:"text"`
}

type extension struct {
	URL            string     `json:"url"`
	ValueBoolean   *bool      `json:"valueBoolean"`
	ValueReference *reference `json:"valueReference"`
}

type participant struct {
	Actor  *reference `json:"actor"`
	Status string     `json:"status"`
}

type issue struct {
	Severity    string   `json:"severity"`
	Code        string   `json:"code"`
	Details     *concept `json:"details"`
	Diagnostics string   `json:"diagnostics"`
	Expression  []string `json:"expression"`
}

type operationOutcome struct {
	ResourceType string  `json:"resourceType"`
	Issue        []issue `json:"issue"`
}

type link struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

// resource is an Appointment, a Location a page of them includes or, in
// a write's answer, an OperationOutcome with the citizen's notice: one
// shape for all, so that a Bundle is decoded in one pass.
type resource struct {
	ResourceType    string        `json:"resourceType"`
	ID              string        `json:"id"`
	Name            string        `json:"name"` // a Location's`
	Status          string        `json:"status"`
	Start           string        `json:"start"`
	End             string        `json:"end"`
	Description     string        `json:"description"`
	Comment         string        `json:"comment"`
	ServiceType     []concept     `json:"serviceType"`
	ServiceCategory []concept     `json:"serviceCategory"`
	Participant     []participant `json:"participant"`
	Extension       []extension   `json:"extension"`
	Issue           []issue       `json:"issue"`
}

// entry is a Bundle's entry; its fullUrl is not read: the client names
// resources by their ids.
type entry[R any] struct {
	Resource *R `json:"resource"`
}

type bundle[R any] struct {
	ResourceType string     `json:"resourceType"`
	Type         string     `json:"type"`
	Link         []link     `json:"link"`
	Entry        []entry[R] `json:"entry"`
}

func (b *bundle[R]) check() []string {
	var p []string
	if b.ResourceType != "Bundle" {
		p = append(p, fmt.Sprintf("resourceType: %q, want Bundle", b.ResourceType))
	}
	for i, e := range b.Entry {
		if e.Resource == nil {
			p = append(p, "entry["+strconv.Itoa(i)+"].resource: missing")
		}
	}
	return p
}

// next is the Bundle's next link, "" for none.
func (b *bundle[R]) next() string {
	for _, l := range b.Link {
		if l.Relation == "next" {
			return l.URL
		}
	}
	return ""
}

func (a *resource) check() []string {
	if a.ResourceType != "Appointment" {
		return []string{fmt.Sprintf("resourceType: %q, want Appointment", a.ResourceType)}
	}
	return nil
}

// appointments are the Appointments of a Bundle as timeslots, and the
// text of an OperationOutcome entry (a write's notice). An Appointment
// whose clinic's reference has no display takes the clinic's name from
// the Bundle's Location of that id (a page of $find includes it once).
// Every problem is named by its path.
func appointments(b *bundle[resource]) (out []tidbok.Timeslot, notice string, problems []string) {
	out = make([]tidbok.Timeslot, 0, len(b.Entry))
	var seen parsed
	var locations []*resource
	for i := range b.Entry {
		r := b.Entry[i].Resource
		switch r.ResourceType {
		case "Location":
			locations = append(locations, r)
		case "Appointment":
			// The path is made only for a problem: timeslot's
			// start with ".".
			ts, p := seen.timeslot("", r)
			for _, q := range p {
				problems = append(problems, "entry["+strconv.Itoa(i)+"].resource"+q)
			}
			out = append(out, ts)
		case "OperationOutcome":
			for _, is := range r.Issue {
				if is.Details != nil && is.Details.Text != "" && is.Severity != "error" && is.Severity != "fatal" {
					notice = is.Details.Text
				}
			}
		default:
			problems = append(problems, fmt.Sprintf("entry[%d].resource.resourceType: %q, want Appointment", i, r.ResourceType))
		}
	}
	for _, l := range locations {
		if l.Name == "" {
			continue
		}
		for i := range out {
			if out[i].FacilityName == "" && out[i].Facility.String() == l.ID {
				out[i].FacilityName = l.Name
			}
		}
	}
	return out, notice, problems
}

// parsed remembers the last personal identity number, clinic and
// clinician read, which the entries of a page mostly repeat.
type parsed struct {
	pnRaw, locRaw, drRaw string
	pn                   tidbok.PersonalNumber
	loc, dr              tidbok.HSAID
}

func (c *parsed) person(raw string) (tidbok.PersonalNumber, error) {
	if raw == c.pnRaw && raw != "" {
		return c.pn, nil
	}
	pn, err := tidbok.ParsePersonalNumber(raw)
	if err == nil {
		c.pnRaw, c.pn = raw, pn
	}
	return pn, err
}

func (c *parsed) clinic(raw string) (tidbok.HSAID, error) {
	if raw == c.locRaw && raw != "" {
		return c.loc, nil
	}
	h, err := tidbok.ParseHSAID(raw)
	if err == nil {
		c.locRaw, c.loc = raw, h
	}
	return h, err
}

func (c *parsed) clinician(raw string) (tidbok.HSAID, error) {
	if raw == c.drRaw && raw != "" {
		return c.dr, nil
	}
	h, err := tidbok.ParseHSAID(raw)
	if err == nil {
		c.drRaw, c.dr = raw, h
	}
	return h, err
}

// timeslot reads an Appointment: every field the façade sets for the
// status is required.
func timeslot(path string, a *resource) (tidbok.Timeslot, []string) {
	var c parsed
	return c.timeslot(path, a)
}

func (c *parsed) timeslot(path string, a *resource) (tidbok.Timeslot, []string) {
	var p []string
	bad := func(field, format string, args ...any) {
		p = append(p, path+"."+field+": "+fmt.Sprintf(format, args...))
	}
	ts := tidbok.Timeslot{Purpose: a.Description, Reason: a.Comment}
	if a.ID == "" {
		bad("id", "missing")
	} else if id, ok := fhir.BookID(a.ID); ok {
		ts.ID = id
	} else {
		bad("id", "%q is not the id of a slot or booking of the façade", a.ID)
	}
	switch a.Status {
	case "proposed", "booked", "pending", "cancelled":
	case "":
		bad("status", "missing")
	default:
		bad("status", "%q is not proposed, pending, booked or cancelled", a.Status)
	}
	var flags [3]*bool
	for _, e := range a.Extension {
		switch e.URL {
		case fhir.ExtMayCancel:
			flags[0] = e.ValueBoolean
		case fhir.ExtMayReschedule:
			flags[1] = e.ValueBoolean
		case fhir.ExtMayMessage:
			flags[2] = e.ValueBoolean
		case fhir.ExtInvitation:
			ts.Invitation = e.ValueBoolean != nil && *e.ValueBoolean
		}
	}
	if a.Status == "booked" || ts.Invitation {
		for i, name := range [3]string{fhir.ExtMayCancel, fhir.ExtMayReschedule, fhir.ExtMayMessage} {
			if flags[i] == nil {
				bad("extension", "%s: missing (valueBoolean)", name)
			}
		}
	}
	if flags[0] != nil {
		ts.Flags.MayCancel = *flags[0]
	}
	if flags[1] != nil {
		ts.Flags.MayReschedule = *flags[1]
	}
	if flags[2] != nil {
		ts.Flags.MayMessage = *flags[2]
	}
	open := ts.Invitation && a.Status == "proposed" && a.Start == "" && a.End == ""
	if !open {
		var err error
		if ts.Start, err = parseInstant(a.Start); err != nil {
			bad("start", "%v", err)
		}
		if ts.End, err = parseInstant(a.End); err != nil {
			bad("end", "%v", err)
		}
		if err == nil && !ts.Start.IsZero() && !ts.End.After(ts.Start) {
			bad("end", "%s is not after start %s", a.End, a.Start)
		}
	}
	ts.TimeType = tidbok.TimeType(typeOf(a.ServiceType, fhir.SystemTimeType))
	ts.CareType = tidbok.CareType(typeOf(a.ServiceCategory, fhir.SystemCareType))
	for j, pt := range a.Participant {
		if pt.Actor == nil {
			continue
		}
		ppath := func() string { return "participant[" + strconv.Itoa(j) + "].actor" }
		r := pt.Actor
		switch {
		case r.Identifier != nil && (r.Identifier.System == fhir.SystemPersonnummer || r.Identifier.System == fhir.SystemSamordningsnummer):
			pn, err := c.person(r.Identifier.Value)
			if err != nil {
				bad(ppath()+".identifier.value", "not a personal identity number")
				continue
			}
			ts.Subject = pn
		case strings.HasPrefix(r.Reference, "Location/"):
			h, err := c.clinic(strings.TrimPrefix(r.Reference, "Location/"))
			if err != nil {
				bad(ppath()+".reference", "%q does not name a clinic by HSA-id", r.Reference)
				continue
			}
			ts.Facility, ts.FacilityName = h, r.Display
		case strings.HasPrefix(r.Reference, "Practitioner/"):
			h, err := c.clinician(strings.TrimPrefix(r.Reference, "Practitioner/"))
			if err != nil {
				bad(ppath()+".reference", "%q does not name a clinician by HSA-id", r.Reference)
				continue
			}
			ts.Performer, ts.PerformerName = h, r.Display
		case r.Identifier != nil && r.Identifier.System == fhir.SystemResource:
			ts.Resource = tidbok.Resource{ID: r.Identifier.Value, Name: r.Display}
		}
	}
	if ts.Facility.IsZero() {
		bad("participant", "no Location/{HSA-id}: the clinic is missing")
	}
	return ts, p
}

// typeOf reads a time or care type from concepts: the code of system,
// its display or the concept's text as the name.
func typeOf(cs []concept, system string) struct{ ID, Name string } {
	for _, c := range cs {
		for _, cd := range c.Coding {
			if cd.System == system {
				return struct{ ID, Name string }{cd.Code, cmpOr(cd.Display, c.Text)}
			}
		}
		if len(c.Coding) == 0 && c.Text != "" {
			return struct{ ID, Name string }{"", c.Text}
		}
	}
	return struct{ ID, Name string }{}
}

func parseInstant(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("missing")
	}
	if t, ok := parseSeconds(s); ok {
		return t.In(tidbok.Stockholm()), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an instant with an offset", s)
	}
	return t.In(tidbok.Stockholm()), nil
}

// capabilityStatement is what the client reads of /metadata.
type capabilityStatement struct {
	ResourceType string `json:"resourceType"`
	Rest         []struct {
		Mode     string `json:"mode"`
		Resource []struct {
			Type        string `json:"type"`
			Interaction []struct {
				Code string `json:"code"`
			} `json:"interaction"`
			Operation []struct {
				Name          string `json:"name"`
				Documentation string `json:"documentation"`
			} `json:"operation"`
		} `json:"resource"`
	} `json:"rest"`
}

func (cs *capabilityStatement) check() []string {
	if cs.ResourceType != "CapabilityStatement" {
		return []string{fmt.Sprintf("resourceType: %q, want CapabilityStatement", cs.ResourceType)}
	}
	return nil
}

// capabilities maps the statement to the book's operations, as package
// tidbok/fhir documents under "For a client".
func (cs *capabilityStatement) capabilities() (tidbok.Capabilities, error) {
	var caps tidbok.Capabilities
	found := false
	for _, rest := range cs.Rest {
		if rest.Mode != "server" {
			continue
		}
		found = true
		var performers, roles bool
		for _, r := range rest.Resource {
			has := func(code string) bool {
				for _, ia := range r.Interaction {
					if ia.Code == code {
						return true
					}
				}
				return false
			}
			switch r.Type {
			case "Appointment":
				if has("search-type") {
					caps = caps.With(tidbok.OpSchedule)
				}
				if has("read") {
					caps = caps.With(tidbok.OpBookingDetails)
				}
				for _, op := range r.Operation {
					switch op.Name {
					case "find":
						caps = caps.With(tidbok.OpAvailableTimeslots).With(tidbok.OpAvailableDates)
					case "book":
						caps |= bookForms(op.Documentation)
					}
				}
			case "HealthcareService":
				if has("search-type") {
					caps = caps.With(tidbok.OpTimeTypes)
				}
			case "Practitioner":
				performers = has("search-type")
			case "PractitionerRole":
				roles = has("search-type")
			}
		}
		if performers && roles {
			caps = caps.With(tidbok.OpPerformers)
		}
	}
	if !found {
		return 0, fmt.Errorf("rest: no entry of mode server")
	}
	return caps, nil
}

// bookForms reads which forms of $book the server offers from the
// operation's documentation ("this book can: book, move
// (previousAppointment), cancel (status cancelled)"); without it, all.
func bookForms(doc string) tidbok.Capabilities {
	_, list, ok := strings.Cut(doc, "can:")
	if !ok {
		return tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpReschedule, tidbok.OpCancel)
	}
	var caps tidbok.Capabilities
	for _, part := range strings.Split(list, ",") {
		switch f := strings.Fields(part); {
		case len(f) == 0:
		case f[0] == "book":
			caps = caps.With(tidbok.OpBook)
		case f[0] == "move":
			caps = caps.With(tidbok.OpReschedule)
		case f[0] == "cancel":
			caps = caps.With(tidbok.OpCancel)
		}
	}
	return caps
}

// practitioner and practitionerRole are what Performers reads.
type practitioner struct {
	ResourceType string       `json:"resourceType"`
	ID           string       `json:"id"`
	Identifier   []identifier `json:"identifier"`
	Name         []struct {
		Family string   `json:"family"`
		Given  []string `json:"given"`
		Prefix []string `json:"prefix"`
	} `json:"name"`
}

type practitionerRole struct {
	ResourceType string     `json:"resourceType"`
	Practitioner *reference `json:"practitioner"`
	Location     []reference
}

type healthcareService struct {
	ResourceType string    `json:"resourceType"`
	Type         []concept `json:"type"`
	Name         string    `json:"name"`
}

// parseSeconds reads the instants the façade writes,
// YYYY-MM-DDThh:mm:ss±hh:mm, by arithmetic: the offset is in the text,
// so no zone need be looked up. False for any other form (or a date
// that does not exist), which time.Parse then reads or rejects.
func parseSeconds(s string) (time.Time, bool) {
	if len(s) != len("2006-01-02T15:04:05+01:00") || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
		s[13] != ':' || s[16] != ':' || (s[19] != '+' && s[19] != '-') || s[22] != ':' {
		return time.Time{}, false
	}
	ok := true
	num := func(at, n int) int {
		v := 0
		for _, c := range []byte(s[at : at+n]) {
			if c < '0' || c > '9' {
				ok = false
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d := num(0, 4), num(5, 2), num(8, 2)
	hh, mm, ss := num(11, 2), num(14, 2), num(17, 2)
	oh, om := num(20, 2), num(23, 2)
	if !ok || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || hh > 23 || mm > 59 || ss > 59 || oh > 23 || om > 59 {
		return time.Time{}, false
	}
	off := oh*3600 + om*60
	if s[19] == '-' {
		off = -off
	}
	days := daysFromCivil(y, mo, d)
	return time.Unix(days*86400+int64(hh*3600+mm*60+ss-off), 0), true
}

func daysIn(y, mo int) int {
	switch mo {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to y-mo-d in the
// proleptic Gregorian calendar.
func daysFromCivil(y, mo, d int) int64 {
	if mo <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (mo + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
