package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	m "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// operation answers Appointment/$find, $hold and $book.
func (h *Handler) operation(c *call, name string) (answer, error) {
	switch name {
	case "$find":
		if c.r.Method != http.MethodGet && c.r.Method != http.MethodPost {
			return answer{}, methodNotAllowed(c.r.Method, "GET or POST")
		}
		q := c.r.URL.Query()
		if c.r.Method == http.MethodPost {
			p, err := h.parameters(c)
			if err != nil {
				return answer{}, err
			}
			if q, err = p.query(); err != nil {
				return answer{}, err
			}
		}
		return h.find(c, q)
	case "$hold", "$book":
		if c.r.Method != http.MethodPost {
			return answer{}, methodNotAllowed(c.r.Method, "POST")
		}
		p, err := h.parameters(c)
		if err != nil {
			return answer{}, err
		}
		if name == "$hold" {
			return h.hold(c, p)
		}
		return h.bookOp(c, p)
	}
	return answer{}, &failure{status: http.StatusNotFound, code: m.IssueTypeNotSupported, diag: "this server has no operation Appointment/" + name}
}

// params are the parameters of an operation, by name.
type params map[string][]m.ParametersParameter

// parameters reads a Parameters resource from the request's body.
func (h *Handler) parameters(c *call) (params, error) {
	if ct := c.r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "application/fhir+json" && mt != "application/json" {
			return nil, &failure{status: http.StatusUnsupportedMediaType, code: m.IssueTypeNotSupported,
				diag: "send a Parameters resource as application/fhir+json, not " + mt, err: fmt.Errorf("%w: media type %s", tidbok.ErrInvalid, mt)}
		}
	}
	body, err := io.ReadAll(io.LimitReader(c.r.Body, h.maxBody+1))
	if err != nil {
		return nil, invalid("reading the request's body: %v", err)
	}
	if int64(len(body)) > h.maxBody {
		return nil, &failure{status: http.StatusRequestEntityTooLarge, code: m.IssueTypeTooLong, diag: "the request's body is larger than " + strconv.FormatInt(h.maxBody, 10) + " bytes",
			err: fmt.Errorf("%w: body too large", tidbok.ErrInvalid)}
	}
	var probe struct {
		ResourceType string `json:"resourceType"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, invalid("the body is not JSON: %v", err)
	}
	if probe.ResourceType != "Parameters" {
		return nil, invalid("the body is a %q: send a Parameters resource", probe.ResourceType)
	}
	var ps m.Parameters
	if err := json.Unmarshal(body, &ps); err != nil {
		return nil, invalid("the Parameters resource is not valid: %v", err)
	}
	out := params{}
	for _, p := range ps.Parameter {
		out[p.Name] = append(out[p.Name], p)
	}
	return out, nil
}

// value returns a parameter's primitive value as a search would give it:
// a reference's literal reference or identifier token, an identifier or
// coding as a token, a number or string as written.
func value(p m.ParametersParameter) (string, bool) {
	ident := func(id *m.Identifier) string {
		if id == nil || id.Value == nil {
			return ""
		}
		if id.System != nil {
			return *id.System + "|" + *id.Value
		}
		return *id.Value
	}
	switch {
	case p.ValueString != nil:
		return *p.ValueString, true
	case p.ValueDate != nil:
		return *p.ValueDate, true
	case p.ValueDateTime != nil:
		return *p.ValueDateTime, true
	case p.ValueInstant != nil:
		return *p.ValueInstant, true
	case p.ValueCode != nil:
		return *p.ValueCode, true
	case p.ValueInteger != nil:
		return strconv.Itoa(*p.ValueInteger), true
	case p.ValueIdentifier != nil:
		return ident(p.ValueIdentifier), true
	case p.ValueCoding != nil && p.ValueCoding.Code != nil:
		if p.ValueCoding.System != nil {
			return *p.ValueCoding.System + "|" + *p.ValueCoding.Code, true
		}
		return *p.ValueCoding.Code, true
	case p.ValueReference != nil:
		if p.ValueReference.Reference != nil {
			return *p.ValueReference.Reference, true
		}
		return ident(p.ValueReference.Identifier), true
	}
	return "", false
}

// query turns $find's parameters into the query of a GET.
func (ps params) query() (url.Values, error) {
	q := url.Values{}
	for name, list := range ps {
		for _, p := range list {
			v, ok := value(p)
			if !ok {
				return nil, invalid("the parameter %s has no value of a type this server reads", name)
			}
			q.Add(name, v)
		}
	}
	return q, nil
}

// references returns the last path segment of Practitioner references.
func performersParam(vals []string) ([]tidbok.HSAID, error) {
	var out []tidbok.HSAID
	for _, v := range vals {
		for _, one := range strings.Split(v, ",") {
			if i := strings.LastIndexByte(one, '/'); i >= 0 && !strings.Contains(one, "|") {
				one = one[i+1:]
			}
			id, err := parseHSA(one)
			if err != nil {
				return nil, invalid("practitioner %q does not name a clinician by HSA-id", one)
			}
			out = append(out, id)
		}
	}
	return out, nil
}

// find answers ITI-115: free slots as proposed Appointments, paged.
func (h *Handler) find(c *call, q url.Values) (answer, error) {
	if !h.caps.Has(tidbok.OpAvailableTimeslots) {
		return answer{}, notSupported(tidbok.OpAvailableTimeslots, "$find")
	}
	facility, fac, err := h.facility(cmpOr(q.Get("location"), q.Get("schedule")), "location")
	if err != nil {
		return answer{}, err
	}
	c.ev.Facility = facility
	subject, err := h.subject(c, patientParam(q))
	if err != nil {
		return answer{}, err
	}
	var w window
	if v := q.Get("start"); v != "" {
		t, _, err := parseInstant(v)
		if err != nil {
			return answer{}, invalid("start: %v", err)
		}
		w.lo = t
	}
	if v := q.Get("end"); v != "" {
		t, day, err := parseInstant(v)
		if err != nil {
			return answer{}, invalid("end: %v", err)
		}
		if day {
			t = tidbok.DateOf(t).AddDays(1).Start()
		}
		w.hi = t
	}
	if w, err = h.defaults(w); err != nil {
		return answer{}, err
	}
	tt, err := timeTypeParam(q.Get("service-type"))
	if err != nil {
		return answer{}, err
	}
	performers, err := performersParam(q["practitioner"])
	if err != nil {
		return answer{}, err
	}
	count, offset, err := h.page(q)
	if err != nil {
		return answer{}, err
	}
	var moving string
	if v := q.Get("previousAppointment"); v != "" {
		t, ok := parseTarget(v)
		t = h.resolve(t)
		if !ok || t.booking == "" || t.fac != fac {
			return answer{}, invalid("previousAppointment %q does not name a booked Appointment of this server at %s", v, facility)
		}
		if err := c.agentMay("finding times to move an appointment to", false); err != nil {
			return answer{}, err
		}
		old, err := h.ownedForWrite(c, t, subject)
		if err != nil {
			return answer{}, err
		}
		if !old.Subject.IsZero() {
			subject = old.Subject
		}
		moving = t.booking
	}
	slots, err := h.freeSlots(c, slotQuery{facility: facility, fac: fac, subject: subject, w: w, timeType: tt, performers: performers, bookingID: moving})
	if err != nil {
		return answer{}, err
	}
	base := h.baseURL(c.r)
	entries := make([]entry, 0, len(slots))
	// One allocation for the page's proposed Appointments, not one
	// each as an interface value.
	props := make([]proposed, len(slots))
	for i, ts := range slots {
		id, err := slotID(facility, ts)
		if err != nil {
			return answer{}, fmt.Errorf("slot at %s: %w", instant(ts.Start), err)
		}
		ts.Subject = subject
		props[i] = proposed{id: id, ts: ts}
		entries = append(entries, entry{fullURL: base + "/Appointment/" + id, resource: &props[i], mode: m.SearchEntryModeMatch})
	}
	// The proposed Appointments refer to their clinic by reference
	// alone; the page gives its name once, as _include would.
	var include []entry
	if len(slots) > 0 {
		include = append(include, entry{fullURL: base + "/Location/" + facility.String(), resource: locationResource(facility, slots[0].FacilityName), mode: m.SearchEntryModeInclude})
	}
	return h.paged(c, "/Appointment/$find", q, entries, count, offset, include...)
}

// target is what a $hold or $book names: a free slot (proposed
// Appointment or Slot), a hold, or a booking.
type target struct {
	slot    slotRef
	isSlot  bool
	hold    string
	booking string
	fac     int
	tag     uint32
}

// parseTarget reads an Appointment or Slot reference or id.
func parseTarget(ref string) (target, bool) {
	typ, id, ok := strings.Cut(ref, "/")
	if !ok {
		typ, id = "", ref
	} else if i := strings.LastIndexByte(id, '/'); i >= 0 {
		// An absolute URL: [base]/Appointment/id.
		parts := strings.Split(ref, "/")
		typ, id = parts[len(parts)-2], parts[len(parts)-1]
	}
	if typ != "" && typ != "Appointment" && typ != "Slot" {
		return target{}, false
	}
	if s, ok := parseSlotID(id); ok {
		return target{slot: s, isSlot: true, fac: -1}, true
	}
	if typ != "Slot" {
		if t, ok := parseHoldID(id); ok {
			return target{hold: t}, true
		}
		if tag, b, ok := parseIndexed('b', id); ok {
			return target{booking: b, tag: tag, fac: -1}, true
		}
	}
	return target{}, false
}

// request is what $hold and $book were given.
type request struct {
	appt     *m.Appointment
	target   target
	has      bool
	previous target
	patient  string
	contact  tidbok.ContactInfo
	// notification and medical are the book's note and the unit with
	// medical responsibility, from the Appointment's extensions.
	notification string
	medical      tidbok.HSAID
}

// readRequest reads appointment-reference or appointment-resource, the
// patient, and the booking replaced.
func readRequest(ps params) (request, error) {
	var rq request
	if list := ps["appointment-resource"]; len(list) > 0 {
		if len(list[0].Resource) == 0 {
			return rq, invalid("appointment-resource carries no resource")
		}
		var a m.Appointment
		if err := json.Unmarshal(list[0].Resource, &a); err != nil {
			return rq, invalid("appointment-resource is not an Appointment: %v", err)
		}
		rq.appt = &a
		switch {
		case a.Id != nil && *a.Id != "":
			rq.target, rq.has = parseTarget(*a.Id)
		}
		for _, s := range a.Slot {
			if s.Reference != nil {
				if t, ok := parseTarget(*s.Reference); ok && t.isSlot && (!rq.has || rq.target.booking != "") {
					if rq.has && rq.target.booking != "" {
						rq.previous = rq.target
					}
					rq.target, rq.has = t, true
				}
			}
		}
		for _, p := range a.Participant {
			if p.Actor != nil && p.Actor.Identifier != nil && p.Actor.Identifier.System != nil && p.Actor.Identifier.Value != nil &&
				(*p.Actor.Identifier.System == SystemPersonnummer || *p.Actor.Identifier.System == SystemSamordningsnummer) {
				rq.patient = *p.Actor.Identifier.System + "|" + *p.Actor.Identifier.Value
			}
		}
		for _, e := range a.Extension {
			switch {
			case e.Url == ExtNotification && e.ValueString != nil:
				rq.notification = *e.ValueString
			case e.Url == ExtMedicalFacility:
				if e.ValueIdentifier == nil || e.ValueIdentifier.Value == nil {
					return rq, invalid("the extension %s carries no valueIdentifier", ExtMedicalFacility)
				}
				tok := *e.ValueIdentifier.Value
				if e.ValueIdentifier.System != nil {
					tok = *e.ValueIdentifier.System + "|" + tok
				}
				h, err := parseHSA(tok)
				if err != nil {
					return rq, invalid("the extension %s does not name a unit by HSA-id: %v", ExtMedicalFacility, err)
				}
				rq.medical = h
			}
			if e.Url == ExtPreviousAppointment && e.ValueReference != nil && e.ValueReference.Reference != nil {
				t, ok := parseTarget(*e.ValueReference.Reference)
				if !ok || t.booking == "" {
					return rq, invalid("the previousAppointment %q does not name a booked Appointment of this server", *e.ValueReference.Reference)
				}
				rq.previous = t
			}
		}
		rq.contact = contactOf(list[0].Resource)
	}
	if list := ps["appointment-reference"]; len(list) > 0 {
		v, _ := value(list[0])
		t, ok := parseTarget(v)
		if !ok {
			return rq, invalid("appointment-reference %q does not name an Appointment or Slot of this server", v)
		}
		rq.target, rq.has = t, true
	}
	for _, name := range []string{"previousAppointment", "replaces"} {
		if list := ps[name]; len(list) > 0 {
			v, _ := value(list[0])
			t, ok := parseTarget(v)
			if !ok || t.booking == "" {
				return rq, invalid("%s %q does not name a booked Appointment of this server", name, v)
			}
			rq.previous = t
		}
	}
	if list := ps["patient"]; len(list) > 0 {
		v, _ := value(list[0])
		rq.patient = v
	}
	if !rq.has {
		return rq, invalid("name the appointment: appointment-reference (Appointment/{id} from $find or $hold) or appointment-resource")
	}
	return rq, nil
}

// contactOf reads the citizen's contact details from the Appointment's
// contained Patient, the only place an Appointment carries them. (The
// model package leaves contained out of its resources, so it is read from
// the raw resource.)
func contactOf(appt json.RawMessage) tidbok.ContactInfo {
	var ci tidbok.ContactInfo
	var a struct {
		Contained []json.RawMessage `json:"contained"`
	}
	_ = json.Unmarshal(appt, &a) // it was read as an Appointment already
	for _, raw := range a.Contained {
		var p m.Patient
		var probe struct {
			ResourceType string `json:"resourceType"`
		}
		if json.Unmarshal(raw, &probe) != nil || probe.ResourceType != "Patient" || json.Unmarshal(raw, &p) != nil {
			continue
		}
		if len(p.Name) > 0 {
			n := p.Name[0]
			if len(n.Given) > 0 {
				ci.FirstName = n.Given[0]
				ci.MiddleName = strings.Join(n.Given[1:], " ")
			}
			if n.Family != nil {
				ci.LastName = *n.Family
			}
		}
		for _, t := range p.Telecom {
			if t.Value == nil || t.System == nil {
				continue
			}
			switch *t.System {
			case m.ContactPointSystemPhone, m.ContactPointSystemSms:
				ci.Phone = *t.Value
			case m.ContactPointSystemEmail:
				ci.Email = *t.Value
			}
		}
		if len(p.Address) > 0 {
			ad := p.Address[0]
			parts := append([]string{}, ad.Line...)
			if ad.PostalCode != nil {
				parts = append(parts, *ad.PostalCode)
			}
			if ad.City != nil {
				parts = append(parts, *ad.City)
			}
			if len(parts) == 0 && ad.Text != nil {
				parts = []string{*ad.Text}
			}
			ci.Address = strings.Join(parts, ", ")
			for _, e := range ad.Extension {
				if e.Url == ExtCoAddress && e.ValueString != nil {
					ci.CoAddress = *e.ValueString
				}
			}
		}
		break
	}
	return ci
}

// hold answers ITI-116: the slot is held for the patient until the hold
// expires, and answered as a pending Appointment whose id is the hold's.
func (h *Handler) hold(c *call, ps params) (answer, error) {
	if h.holds == nil {
		return answer{}, &failure{status: http.StatusNotImplemented, code: m.IssueTypeNotSupported, text: texts.NotOffered,
			diag: "$hold is not supported: this server keeps no holds; book with $book", err: fmt.Errorf("%w: no holds", tidbok.ErrNotSupported)}
	}
	rq, err := readRequest(ps)
	if err != nil {
		return answer{}, err
	}
	rq.target, rq.previous = h.resolve(rq.target), h.resolve(rq.previous)
	if !rq.target.isSlot {
		return answer{}, invalid("$hold takes a proposed Appointment of $find (or a Slot), not a booked or held one")
	}
	if err := c.agentMay("holding a slot", rq.previous.booking == ""); err != nil {
		return answer{}, err
	}
	subject, err := h.subject(c, rq.patient)
	if err != nil {
		return answer{}, err
	}
	var old tidbok.Timeslot
	if rq.previous.booking != "" {
		if old, err = h.ownedForWrite(c, rq.previous, subject); err != nil {
			return answer{}, err
		}
		subject = old.Subject
	}
	ts, err := h.resolveSlot(c, rq.target.slot, subject, rq.previous.booking, true)
	if err != nil {
		return answer{}, err
	}
	now := h.now()
	hd := Hold{Token: newToken(), Facility: ts.Facility, Subject: subject, BookingID: rq.previous.booking, Slot: ts, Key: HoldKey(ts), Expires: now.Add(h.holdTTL)}
	if _, err := h.holds.Acquire(c.ctx, hd, now); err != nil {
		if errors.Is(err, ErrHeld) {
			return answer{}, &failure{status: http.StatusConflict, code: m.IssueTypeConflict, text: texts.SlotTaken, diag: "another patient holds the slot", err: err}
		}
		return answer{}, fmt.Errorf("acquiring the hold: %w", err)
	}
	ts.Subject = subject
	slot, _ := slotID(ts.Facility, ts)
	a := appointment(holdID(hd.Token), m.AppointmentStatusPending, ts, slot)
	a.Extension = append(a.Extension, m.Extension{Url: ExtHoldExpires, ValueInstant: ptr(instant(hd.Expires))})
	b, err := searchset([]entry{{fullURL: h.baseURL(c.r) + "/Appointment/" + *a.Id, resource: a, mode: m.SearchEntryModeMatch}}, 1, "", "")
	return answer{body: b}, err
}

// ownedForWrite returns the booking t names when the actor may change it
// (see owned); a book without BookingDetails is asked as the subject.
func (h *Handler) ownedForWrite(c *call, t target, subject tidbok.PersonalNumber) (tidbok.Timeslot, error) {
	if t.fac >= len(h.facilities) {
		return tidbok.Timeslot{}, notFound("the appointment")
	}
	if h.caps.Has(tidbok.OpBookingDetails) {
		return h.owned(c, t.fac, t.booking)
	}
	c.ev.Facility, c.ev.BookingID = h.facilities[t.fac], t.booking
	return tidbok.Timeslot{ID: t.booking, Facility: h.facilities[t.fac], Subject: subject}, nil
}

// bookOp answers ITI-117: a new booking, a move (previousAppointment or
// replaces) or a cancellation (status cancelled).
func (h *Handler) bookOp(c *call, ps params) (answer, error) {
	if !h.caps.Has(tidbok.OpBook) && !h.caps.Has(tidbok.OpReschedule) && !h.caps.Has(tidbok.OpCancel) {
		return answer{}, notSupported(tidbok.OpBook, "$book")
	}
	rq, err := readRequest(ps)
	if err != nil {
		return answer{}, err
	}
	rq.target, rq.previous = h.resolve(rq.target), h.resolve(rq.previous)
	switch {
	case rq.appt != nil && rq.appt.Status == m.AppointmentStatusCancelled:
		return h.cancel(c, rq)
	case rq.previous.booking != "" || rq.target.booking != "" && rq.target.isSlot:
		return h.move(c, rq)
	case rq.target.booking != "":
		return answer{}, invalid("the appointment is booked already: to move it, give the new slot with previousAppointment naming it; to cancel it, give it with status cancelled")
	}
	return h.create(c, rq)
}

func (h *Handler) create(c *call, rq request) (answer, error) {
	c.uses(tidbok.OpBook, tidbok.HSAID{})
	if !h.caps.Has(tidbok.OpBook) {
		return answer{}, notSupported(tidbok.OpBook, "booking")
	}
	subject, err := h.subject(c, rq.patient)
	if err != nil {
		return answer{}, err
	}
	ts, token, err := h.heldOrFree(c, rq.target, subject, "")
	if err != nil {
		return answer{}, err
	}
	if rq.contact.FirstName == "" || rq.contact.LastName == "" {
		return answer{}, invalid("name the patient: the appointment-resource contains a Patient with name.given and name.family (as in the population register), referenced by the patient participant")
	}
	ts.Subject = subject
	if rq.appt != nil && rq.appt.Comment != nil {
		ts.Reason = *rq.appt.Comment
	}
	c.uses(tidbok.OpBook, ts.Facility)
	res, err := h.book.Book(c.ctx, tidbok.BookRequest{Timeslot: ts, Contact: rq.contact, MedicalFacility: rq.medical, Notification: rq.notification, Actor: c.actor})
	if err != nil {
		return answer{}, err
	}
	c.ev.BookingID = res.BookingID
	h.release(c, token)
	return h.booked(c, ts, res.BookingID, res.Notice, m.AppointmentStatusBooked)
}

// heldOrFree returns the slot t names for subject: a hold's (which must
// be the subject's and live), or a free slot nobody else holds.
func (h *Handler) heldOrFree(c *call, t target, subject tidbok.PersonalNumber, bookingID string) (tidbok.Timeslot, string, error) {
	now := h.now()
	if t.hold != "" {
		if h.holds == nil {
			return tidbok.Timeslot{}, "", notFound("the held appointment")
		}
		hd, err := h.holds.Get(c.ctx, t.hold)
		switch {
		case errors.Is(err, ErrHoldExpired):
			return tidbok.Timeslot{}, "", expired("the hold is not known")
		case err != nil:
			return tidbok.Timeslot{}, "", fmt.Errorf("reading the hold: %w", err)
		case hd.Subject != subject || hd.BookingID != bookingID:
			return tidbok.Timeslot{}, "", expired("the hold is for another request")
		case !hd.Expires.After(now):
			return tidbok.Timeslot{}, "", expired("the hold ended " + instant(hd.Expires))
		}
		c.ev.Facility = hd.Facility
		return hd.Slot, hd.Token, nil
	}
	if !t.isSlot {
		return tidbok.Timeslot{}, "", invalid("name a proposed Appointment of $find, a Slot, or a held Appointment of $hold")
	}
	ts, err := h.resolveSlot(c, t.slot, subject, bookingID, false)
	if err != nil {
		return tidbok.Timeslot{}, "", err
	}
	other, err := h.heldByOther(c.ctx, ts.Facility, ts, subject, "", now)
	switch {
	case err != nil:
		return tidbok.Timeslot{}, "", fmt.Errorf("reading the holds: %w", err)
	case other:
		return tidbok.Timeslot{}, "", &failure{status: http.StatusConflict, code: m.IssueTypeConflict, text: texts.SlotTaken,
			diag: "another patient holds the slot", err: ErrHeld}
	}
	return ts, "", nil
}

func expired(why string) *failure {
	return &failure{status: http.StatusConflict, code: m.IssueTypeExpired, text: texts.TimeChanged,
		diag: "the hold has expired (" + why + "): find and hold a slot again", err: fmt.Errorf("%w: %s", ErrHoldExpired, why)}
}

func (h *Handler) release(c *call, token string) {
	if token == "" || h.holds == nil {
		return
	}
	_ = h.holds.Release(c.ctx, token) // it expires anyway
}

// booked answers a successful write: a searchset of the Appointment as
// the book has it now (when it can tell), and the notice for the citizen
// as an OperationOutcome of severity information.
func (h *Handler) booked(c *call, ts tidbok.Timeslot, id, notice string, status m.AppointmentStatus) (answer, error) {
	if status == m.AppointmentStatusBooked && h.caps.Has(tidbok.OpBookingDetails) {
		d, err := h.book.BookingDetails(c.ctx, tidbok.BookingDetailsRequest{Facility: ts.Facility, BookingID: id, Subject: ts.Subject})
		if err == nil {
			ts = d.Booking
		}
	}
	ts.ID = id
	aid, err := bookingID(ts.Facility, id)
	if err != nil {
		return answer{}, fmt.Errorf("booking: %w", err)
	}
	a := appointment(aid, status, ts, "")
	entries := []entry{{fullURL: h.baseURL(c.r) + "/Appointment/" + aid, resource: a, mode: m.SearchEntryModeMatch}}
	if notice != "" {
		entries = append(entries, entry{resource: outcome(m.IssueSeverityInformation, m.IssueTypeInformational, notice, ""), mode: m.SearchEntryModeOutcome})
	}
	b, err := searchset(entries, 1, "", "")
	return answer{body: b}, err
}

func (h *Handler) move(c *call, rq request) (answer, error) {
	c.uses(tidbok.OpReschedule, tidbok.HSAID{})
	if err := c.agentMay("moving an appointment", false); err != nil {
		return answer{}, err
	}
	if !h.caps.Has(tidbok.OpReschedule) {
		return answer{}, notSupported(tidbok.OpReschedule, "moving an appointment")
	}
	prev := rq.previous
	if prev.booking == "" {
		prev = target{booking: rq.target.booking, fac: rq.target.fac}
	}
	subject, _, err := h.existing(c, rq, prev)
	if err != nil {
		return answer{}, err
	}
	ts, token, err := h.heldOrFree(c, rq.target, subject, prev.booking)
	if err != nil {
		return answer{}, err
	}
	ts.Subject = subject
	c.uses(tidbok.OpReschedule, ts.Facility)
	c.ev.BookingID = prev.booking
	res, err := h.book.Reschedule(c.ctx, tidbok.RescheduleRequest{BookingID: prev.booking, Timeslot: ts, Contact: rq.contact, Notification: rq.notification, Actor: c.actorFor(subject)})
	if err != nil {
		return answer{}, err
	}
	h.release(c, token)
	return h.booked(c, ts, prev.booking, res.Notice, m.AppointmentStatusBooked)
}

// existing finds the booking t that a move or cancellation changes, as
// the subject of care may write it: the actor in person or, under
// producer.TrustPlatform, the patient the request names. It returns the
// booking's subject (the audit event's too) and the booking.
func (h *Handler) existing(c *call, rq request, t target) (tidbok.PersonalNumber, tidbok.Timeslot, error) {
	subject := c.actor.Person
	if h.policy == producer.TrustPlatform && rq.patient != "" {
		p, err := parsePerson(rq.patient)
		if err != nil {
			return tidbok.PersonalNumber{}, tidbok.Timeslot{}, invalid("the patient %s", err.Error())
		}
		subject = p
	}
	old, err := h.ownedForWrite(c, t, subject)
	if err != nil {
		return tidbok.PersonalNumber{}, tidbok.Timeslot{}, err
	}
	if err := h.namedOwner(rq, old); err != nil {
		return tidbok.PersonalNumber{}, tidbok.Timeslot{}, err
	}
	if !old.Subject.IsZero() {
		subject = old.Subject
	}
	c.ev.Subject = subject
	return subject, old, nil
}

// actorFor is the actor sent to the book for subject: none when the
// citizen acts in person.
func (c *call) actorFor(subject tidbok.PersonalNumber) tidbok.Actor {
	if c.actor.Person == subject {
		return tidbok.Actor{}
	}
	return c.actor
}

func (h *Handler) cancel(c *call, rq request) (answer, error) {
	c.uses(tidbok.OpCancel, tidbok.HSAID{})
	if err := c.agentMay("cancelling an appointment", false); err != nil {
		return answer{}, err
	}
	if !h.caps.Has(tidbok.OpCancel) {
		return answer{}, notSupported(tidbok.OpCancel, "cancelling an appointment")
	}
	t := rq.target
	if t.booking == "" {
		return answer{}, invalid("to cancel, give the booked Appointment (its id, from $book or a search) with status cancelled")
	}
	subject, old, err := h.existing(c, rq, t)
	if err != nil {
		return answer{}, err
	}
	var msg string
	if rq.appt.CancelationReason != nil {
		if rq.appt.CancelationReason.Text != nil {
			msg = *rq.appt.CancelationReason.Text
		} else if len(rq.appt.CancelationReason.Coding) > 0 && rq.appt.CancelationReason.Coding[0].Display != nil {
			msg = *rq.appt.CancelationReason.Coding[0].Display
		}
	}
	c.uses(tidbok.OpCancel, old.Facility)
	res, err := h.book.Cancel(c.ctx, tidbok.CancelRequest{Facility: old.Facility, BookingID: t.booking, Subject: subject, Message: msg, Actor: c.actorFor(subject)})
	if err != nil {
		return answer{}, err
	}
	old.Subject = subject
	ans, err := h.booked(c, old, t.booking, res.Notice, m.AppointmentStatusCancelled)
	if err == nil {
		b := ans.body.(m.Bundle)
		var a m.Appointment
		if json.Unmarshal(b.Entry[0].Resource, &a) == nil {
			a.CancelationReason = rq.appt.CancelationReason
			a.Extension = nil
			b.Entry[0].Resource, err = json.Marshal(a)
			ans.body = b
		}
	}
	return ans, err
}

// namedOwner refuses, as an unknown appointment, a move or cancellation
// whose request names a patient other than the booking's: a request
// about one citizen never touches another's booking, whoever acts.
func (h *Handler) namedOwner(rq request, old tidbok.Timeslot) error {
	if rq.patient == "" || old.Subject.IsZero() {
		return nil
	}
	p, err := parsePerson(rq.patient)
	if err != nil {
		return invalid("the patient %s", err.Error())
	}
	if p != old.Subject {
		return hidden(errors.New("the request names another patient than the booking's"))
	}
	return nil
}
