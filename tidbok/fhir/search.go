package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	m "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// defaultWindow is how far a search for free slots without an upper bound
// looks ahead.
const defaultWindow = 14

// uses notes that the call calls op of the book at facility.
func (c *call) uses(op tidbok.Operation, facility tidbok.HSAID) {
	c.ev.Operation, c.ev.HasOperation = op, true
	if !facility.IsZero() {
		c.ev.Facility = facility
	}
}

// patientParam returns the patient a search names, as a token.
func patientParam(q url.Values) string {
	for _, k := range []string{"patient:identifier", "patient.identifier", "patient"} {
		if v := q.Get(k); v != "" {
			return v
		}
	}
	return ""
}

func notFound(what string) *failure {
	return &failure{status: http.StatusNotFound, code: m.IssueTypeNotFound, text: texts.NoBooking, diag: what + " is not known",
		err: fmt.Errorf("%w: %s", tidbok.ErrNotFound, what)}
}

// search answers a search of a resource type.
func (h *Handler) search(c *call, typ string, q url.Values) (answer, error) {
	switch typ {
	case "Slot":
		return h.searchSlots(c, q)
	case "Appointment":
		return h.searchAppointments(c, q)
	case "Schedule", "Location", "Organization":
		return h.searchFacilities(c, typ, q)
	case "PractitionerRole", "Practitioner":
		return h.searchPerformers(c, typ, q, "")
	case "HealthcareService":
		return h.searchServices(c, q, "")
	}
	return answer{}, &failure{status: http.StatusNotFound, code: m.IssueTypeNotSupported, diag: "this server has no resource type " + typ}
}

// read answers a read of one resource.
func (h *Handler) read(c *call, typ, id string) (answer, error) {
	switch typ {
	case "Appointment":
		return h.readAppointment(c, id)
	case "Slot":
		return h.readSlot(c, id)
	case "Schedule", "Location", "Organization":
		return h.readFacility(c, typ, id)
	case "Practitioner", "PractitionerRole":
		return h.searchPerformers(c, typ, url.Values{}, id)
	case "HealthcareService":
		return h.searchServices(c, url.Values{}, id)
	}
	return answer{}, &failure{status: http.StatusNotFound, code: m.IssueTypeNotSupported, diag: "this server has no resource type " + typ}
}

// window is a search's time range: free slots starting in [lo, hi).
type window struct{ lo, hi time.Time }

// parseInstant parses a FHIR date or dateTime; a dateTime without an
// offset, and a date, are Swedish time. day reports that it was a date
// (or a dateTime of less precision), whose range is a whole day.
func parseInstant(s string) (t time.Time, day bool, err error) {
	if len(s) == 10 {
		if t, err := time.ParseInLocation("2006-01-02", s, tidbok.Stockholm()); err == nil {
			return t, true, nil
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		loc := tidbok.Stockholm()
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, false, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("%q is not a FHIR date or dateTime (2026-03-10, 2026-03-10T09:00:00+01:00)", s)
}

// slotWindow reads the start parameters of a Slot search: ge, gt, lt, le
// and eq prefixes (none means eq). The default is from now for
// [defaultWindow] days.
func (h *Handler) slotWindow(vals []string) (window, error) {
	var w window
	for _, v := range vals {
		prefix := "eq"
		if len(v) > 2 && v[0] >= 'a' && v[0] <= 'z' && v[1] >= 'a' && v[1] <= 'z' {
			prefix, v = v[:2], v[2:]
		}
		t, day, err := parseInstant(v)
		if err != nil {
			return w, invalid("start: %v", err)
		}
		end := t.Add(time.Nanosecond)
		if day {
			end = tidbok.DateOf(t).AddDays(1).Start()
		}
		switch prefix {
		case "ge":
			w.lo = later(w.lo, t)
		case "gt":
			w.lo = later(w.lo, end)
		case "lt":
			w.hi = earlier(w.hi, t)
		case "le":
			w.hi = earlier(w.hi, end)
		case "eq":
			w.lo, w.hi = later(w.lo, t), earlier(w.hi, end)
		default:
			return w, invalid("start: the prefix %q is not supported: use ge, gt, lt, le or eq", prefix)
		}
	}
	return h.defaults(w)
}

func (h *Handler) defaults(w window) (window, error) {
	if w.lo.IsZero() {
		w.lo = h.now()
	}
	if w.hi.IsZero() {
		w.hi = tidbok.DateOf(w.lo).AddDays(defaultWindow).Start()
	}
	if !w.hi.After(w.lo) {
		return w, invalid("the time range is empty: its end %s is not after its start %s", instant(w.hi), instant(w.lo))
	}
	return w, nil
}

func later(a, b time.Time) time.Time {
	if a.IsZero() || b.After(a) {
		return b
	}
	return a
}

func earlier(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// slotQuery is what a search for free slots asks.
type slotQuery struct {
	facility   tidbok.HSAID
	fac        int
	subject    tidbok.PersonalNumber
	w          window
	timeType   tidbok.TimeType
	performers []tidbok.HSAID
	bookingID  string
}

// freeSlots asks the book for the free slots of q, in q's window.
func (h *Handler) freeSlots(c *call, q slotQuery) ([]tidbok.Timeslot, error) {
	if c.ev.HasOperation && c.ev.Operation.IsWrite() {
		// A write looks its slot up: the call stays the write's, for
		// the audit and the citizen's text.
		c.ev.Facility = q.facility
	} else {
		c.uses(tidbok.OpAvailableTimeslots, q.facility)
	}
	res, err := h.book.AvailableTimeslots(c.ctx, tidbok.AvailabilityRequest{
		Facility: q.facility, Subject: q.subject, BookingID: q.bookingID,
		From: tidbok.DateOf(q.w.lo), To: tidbok.DateOf(q.w.hi.Add(-time.Nanosecond)),
		Performers: q.performers, TimeType: q.timeType, Actor: c.actor,
	})
	if err != nil {
		return nil, err
	}
	out := make([]tidbok.Timeslot, 0, res.Len())
	for ts := range res.All() {
		if !ts.Start.Before(q.w.lo) && ts.Start.Before(q.w.hi) {
			out = append(out, ts)
		}
	}
	return out, nil
}

// timeTypeParam reads a service-type token: the time type's ID, with or
// without the system.
func timeTypeParam(v string) (tidbok.TimeType, error) {
	if v == "" {
		return tidbok.TimeType{}, nil
	}
	system, code, has := parseToken(v)
	if has && system != "" && system != SystemTimeType {
		return tidbok.TimeType{}, invalid("service-type names the system %s: use %s", system, SystemTimeType)
	}
	return tidbok.TimeType{ID: code}, nil
}

// page is the paging of a search: _count and _offset.
func (h *Handler) page(q url.Values) (count, offset int, err error) {
	count = h.pageSize
	if v := q.Get("_count"); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 0 {
			return 0, 0, invalid("_count %q is not a count", v)
		}
		count = min(n, h.maxPage)
	}
	if v := q.Get("_offset"); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 0 {
			return 0, 0, invalid("_offset %q is not an offset", v)
		}
		offset = n
	}
	return count, offset, nil
}

// entry is one resource of a searchset.
type entry struct {
	fullURL  string
	resource any
	mode     m.SearchEntryMode
}

// searchset is a Bundle of type searchset of the entries, a page of a
// search of total matches, with a self link and, when more follow, a next
// link.
func searchset(entries []entry, total int, self, next string) (m.Bundle, error) {
	b := m.Bundle{Type: m.BundleTypeSearchset, Total: ptr(total)}
	if self != "" {
		b.Link = append(b.Link, m.BundleLink{Relation: "self", Url: self})
	}
	if next != "" {
		b.Link = append(b.Link, m.BundleLink{Relation: "next", Url: next})
	}
	for _, e := range entries {
		raw, err := json.Marshal(e.resource)
		if err != nil {
			return b, err
		}
		be := m.BundleEntry{Resource: raw, Search: &m.BundleEntrySearch{Mode: ptr(e.mode)}}
		if e.fullURL != "" {
			be.FullUrl = ptr(e.fullURL)
		}
		b.Entry = append(b.Entry, be)
	}
	return b, nil
}

// paged answers a page of matches: count of them from offset, with a next
// link carrying the query q and the next offset, and after a page of any
// the entries include (search mode include) that its matches refer to.
func (h *Handler) paged(c *call, path string, q url.Values, all []entry, count, offset int, include ...entry) (answer, error) {
	total := len(all)
	lo := min(offset, total)
	hi := min(lo+count, total)
	self := h.pageURL(c.r, path, q)
	next := ""
	if hi < total {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("_offset", strconv.Itoa(hi))
		nq.Set("_count", strconv.Itoa(count))
		next = h.pageURL(c.r, path, nq)
	}
	page := all[lo:hi]
	if len(page) > 0 && len(include) > 0 {
		page = append(page[:len(page):len(page)], include...)
	}
	b, err := appendSearchset(make([]byte, 0, 512+800*len(page)), page, total, self, next)
	return answer{body: rawJSON(b)}, err
}

func (h *Handler) searchSlots(c *call, q url.Values) (answer, error) {
	if !h.caps.Has(tidbok.OpAvailableTimeslots) {
		return answer{}, notSupported(tidbok.OpAvailableTimeslots, "searching slots")
	}
	facility, fac, err := h.facility(q.Get("schedule"), "schedule")
	if err != nil {
		return answer{}, err
	}
	c.ev.Facility = facility
	subject, err := h.subject(c, patientParam(q))
	if err != nil {
		return answer{}, err
	}
	w, err := h.slotWindow(q["start"])
	if err != nil {
		return answer{}, err
	}
	tt, err := timeTypeParam(q.Get("service-type"))
	if err != nil {
		return answer{}, err
	}
	count, offset, err := h.page(q)
	if err != nil {
		return answer{}, err
	}
	slots, err := h.freeSlots(c, slotQuery{facility: facility, fac: fac, subject: subject, w: w, timeType: tt})
	if err != nil {
		return answer{}, err
	}
	base := h.baseURL(c.r)
	entries := make([]entry, 0, len(slots))
	for _, ts := range slots {
		id, err := slotID(facility, ts)
		if err != nil {
			return answer{}, fmt.Errorf("slot at %s: %w", instant(ts.Start), err)
		}
		entries = append(entries, entry{fullURL: base + "/Slot/" + id, resource: slotResource(id, ts), mode: m.SearchEntryModeMatch})
	}
	return h.paged(c, "/Slot", q, entries, count, offset)
}

// resolveSlot finds the free slot ref stands for in the book, for the
// subject (and, when moving, the booking), so that a booking carries
// every field the book gave. A slot the book no longer offers is taken.
func (h *Handler) resolveSlot(c *call, ref slotRef, subject tidbok.PersonalNumber, bookingID string, exact bool) (tidbok.Timeslot, error) {
	if ref.fac >= len(h.facilities) {
		return tidbok.Timeslot{}, notFound("the slot")
	}
	facility := h.facilities[ref.fac]
	c.ev.Facility = facility
	if !h.caps.Has(tidbok.OpAvailableTimeslots) {
		return tidbok.Timeslot{ID: ref.id, Facility: facility, Start: ref.start, End: ref.end}, nil
	}
	day := tidbok.DateOf(ref.start)
	slots, err := h.freeSlots(c, slotQuery{facility: facility, subject: subject, bookingID: bookingID,
		w: window{lo: day.Start(), hi: day.AddDays(1).Start()}})
	if err != nil {
		return tidbok.Timeslot{}, err
	}
	for _, ts := range slots {
		if ts.ID == ref.id && ts.Start.Equal(ref.start) && ts.End.Equal(ref.end) {
			return ts, nil
		}
	}
	if !exact {
		// The id names no free slot, but a slot is free at its time: the
		// book decides, as on the wire, whether the ID is an open
		// invitation's to book at that time (or nothing, to be found by
		// time), or a slot's that is taken.
		for _, ts := range slots {
			if ts.Start.Equal(ref.start) && ts.End.Equal(ref.end) {
				if ref.id != "" {
					ts.ID = ref.id
				}
				return ts, nil
			}
		}
	}
	return tidbok.Timeslot{}, &failure{status: http.StatusConflict, code: m.IssueTypeConflict, text: texts.TimeChanged,
		diag: "the slot is no longer free", err: fmt.Errorf("%w: the slot is no longer offered", tidbok.ErrSlotTaken)}
}

func (h *Handler) readSlot(c *call, id string) (answer, error) {
	ref, ok := parseSlotID(id)
	ref.fac = h.at(ref.tag)
	if !ok {
		return answer{}, notFound("Slot/" + id)
	}
	subject, err := h.subject(c, "")
	if err != nil {
		return answer{}, err
	}
	ts, err := h.resolveSlot(c, ref, subject, "", true)
	if err != nil {
		if tidbok.KindOf(err) == tidbok.KindSlotTaken {
			return answer{}, notFound("Slot/" + id)
		}
		return answer{}, err
	}
	return answer{body: slotResource(id, ts)}, nil
}

// owned returns the booking at the facility with index fac, when the
// actor may see it: their own, or one the resolver vouches for (Strict),
// or any (TrustPlatform). Another citizen's booking is answered as an
// unknown one.
func (h *Handler) owned(c *call, fac int, id string) (tidbok.Timeslot, error) {
	c.uses(tidbok.OpBookingDetails, tidbok.HSAID{})
	if fac >= len(h.facilities) {
		return tidbok.Timeslot{}, notFound("the appointment")
	}
	facility := h.facilities[fac]
	c.uses(tidbok.OpBookingDetails, facility)
	c.ev.BookingID = id
	d, err := h.book.BookingDetails(c.ctx, tidbok.BookingDetailsRequest{Facility: facility, BookingID: id})
	if err != nil {
		return tidbok.Timeslot{}, err
	}
	owner := d.Booking.Subject
	c.ev.Subject = owner
	if h.policy != producer.Strict || owner == c.actor.Person {
		return d.Booking, nil
	}
	if owner.IsZero() || c.actor.Person.IsZero() {
		return tidbok.Timeslot{}, hidden(errors.New("the booking names no subject of care"))
	}
	if verr := h.vouch(c.ctx, c.actor.Person, owner); verr != nil {
		return tidbok.Timeslot{}, hidden(verr)
	}
	return d.Booking, nil
}

// hidden answers a booking the actor may not see as not found, with the
// reason in the audit.
func hidden(why error) *failure {
	return &failure{status: http.StatusNotFound, code: m.IssueTypeNotFound, text: texts.NoBooking,
		diag: "the appointment is not known", err: fmt.Errorf("%w: %w", errForbidden, why)}
}

func (h *Handler) readAppointment(c *call, id string) (answer, error) {
	c.read = true
	if err := c.agentMay("reading an appointment", false); err != nil {
		return answer{}, err
	}
	tag, bid, ok := parseIndexed('b', id)
	fac := h.at(tag)
	if !ok {
		return answer{}, notFound("Appointment/" + id)
	}
	if !h.caps.Has(tidbok.OpBookingDetails) {
		return answer{}, notSupported(tidbok.OpBookingDetails, "reading an appointment")
	}
	ts, err := h.owned(c, fac, bid)
	if err != nil {
		return answer{}, err
	}
	return answer{body: bookedAppointment(id, ts)}, nil
}

// bookedAppointment is a booking or invitation as an Appointment.
func bookedAppointment(id string, ts tidbok.Timeslot) m.Appointment {
	status := m.AppointmentStatusBooked
	if ts.IsOpenInvitation() {
		status = m.AppointmentStatusProposed
	}
	return appointment(id, status, ts, "")
}

// searchAppointments answers ITI-118: the patient's appointments at one
// clinic (location, or actor, naming it) or at all the served clinics.
func (h *Handler) searchAppointments(c *call, q url.Values) (answer, error) {
	c.read = true
	if err := c.agentMay("the list of appointments", false); err != nil {
		return answer{}, err
	}
	if !h.caps.Has(tidbok.OpSchedule) {
		return answer{}, notSupported(tidbok.OpSchedule, "searching appointments")
	}
	subject, err := h.subject(c, patientParam(q))
	if err != nil {
		return answer{}, err
	}
	facs := h.facilities
	if v := cmpOr(q.Get("location"), q.Get("actor")); v != "" {
		f, _, err := h.facility(v, "location")
		if err != nil {
			return answer{}, err
		}
		facs = []tidbok.HSAID{f}
	}
	var status string
	if v := q.Get("status"); v != "" {
		status = v
	}
	base := h.baseURL(c.r)
	var entries []entry
	type dated struct {
		start time.Time
		e     entry
	}
	var all []dated
	for _, f := range facs {
		c.uses(tidbok.OpSchedule, f)
		res, err := h.book.Schedule(c.ctx, tidbok.ScheduleRequest{Facility: f, Subject: subject, Actor: c.actor})
		if err != nil {
			return answer{}, err
		}
		for _, ts := range res.Bookings {
			id, err := bookingID(f, ts.ID)
			if err != nil {
				return answer{}, fmt.Errorf("booking: %w", err)
			}
			a := bookedAppointment(id, ts)
			if status != "" && !slices.Contains(strings.Split(status, ","), a.Status.Code()) {
				continue
			}
			all = append(all, dated{ts.Start, entry{fullURL: base + "/Appointment/" + id, resource: a, mode: m.SearchEntryModeMatch}})
		}
	}
	if len(facs) > 1 {
		c.ev.Facility = tidbok.HSAID{}
	}
	slices.SortStableFunc(all, func(a, b dated) int { return a.start.Compare(b.start) })
	for _, d := range all {
		entries = append(entries, d.e)
	}
	b, err := searchset(entries, len(entries), h.pageURL(c.r, "/Appointment", q), "")
	return answer{body: b}, err
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// facilityNames asks the book for the names of the served clinics, as
// far as it tells them to the subject; a book that cannot gives none.
func (h *Handler) facilityNames(c *call, subject tidbok.PersonalNumber) map[tidbok.HSAID]string {
	names := map[tidbok.HSAID]string{}
	if !h.caps.Has(tidbok.OpFacilities) || subject.IsZero() {
		return names
	}
	for _, f := range h.facilities {
		c.uses(tidbok.OpFacilities, f)
		res, err := h.book.Facilities(c.ctx, tidbok.FacilitiesRequest{Facility: f, Subject: subject, Actor: c.actor})
		if err != nil {
			continue
		}
		for _, x := range res.Facilities {
			if _, ok := h.index[x.ID]; ok && x.Name != "" {
				names[x.ID] = x.Name
			}
		}
	}
	c.ev.Facility = tidbok.HSAID{}
	return names
}

func facilityResource(typ string, id tidbok.HSAID, name string) any {
	switch typ {
	case "Schedule":
		return scheduleResource(id, name, nil)
	case "Location":
		return locationResource(id, name)
	}
	return organizationResource(id, name)
}

// searchFacilities answers a search of the served clinics as Schedules,
// Locations or Organizations, optionally by identifier (or, for
// Schedule, actor).
func (h *Handler) searchFacilities(c *call, typ string, q url.Values) (answer, error) {
	facs := h.facilities
	if v := cmpOr(q.Get("identifier"), cmpOr(q.Get("actor"), q.Get("_id"))); v != "" {
		f, _, err := h.facility(v, "identifier")
		if err != nil {
			if tidbok.KindOf(err) == tidbok.KindNotFound {
				facs = nil
			} else {
				return answer{}, err
			}
		} else {
			facs = []tidbok.HSAID{f}
		}
	}
	subject, _ := h.subjectQuiet(c, q)
	names := h.facilityNames(c, subject)
	base := h.baseURL(c.r)
	var entries []entry
	for _, f := range facs {
		entries = append(entries, entry{fullURL: base + "/" + typ + "/" + f.String(), resource: facilityResource(typ, f, names[f]), mode: m.SearchEntryModeMatch})
	}
	b, err := searchset(entries, len(entries), h.pageURL(c.r, "/"+typ, q), "")
	return answer{body: b}, err
}

// subjectQuiet is the subject of a directory search, when it names one
// the actor may ask for; the search is answered without one otherwise.
func (h *Handler) subjectQuiet(c *call, q url.Values) (tidbok.PersonalNumber, error) {
	if patientParam(q) == "" && c.actor.Person.IsZero() {
		return tidbok.PersonalNumber{}, nil
	}
	return h.subject(c, patientParam(q))
}

func (h *Handler) readFacility(c *call, typ, id string) (answer, error) {
	f, _, err := h.facility(id, typ)
	if err != nil {
		if tidbok.KindOf(err) == tidbok.KindNotFound {
			return answer{}, notFound(typ + "/" + id)
		}
		return answer{}, notFound(typ + "/" + id)
	}
	subject, _ := h.subjectQuiet(c, url.Values{})
	names := h.facilityNames(c, subject)
	c.ev.Facility = f
	return answer{body: facilityResource(typ, f, names[f])}, nil
}

// searchPerformers answers a search (or, with id, a read) of the
// clinicians bookable on the web: PractitionerRole per clinic and
// clinician, Practitioner per clinician.
func (h *Handler) searchPerformers(c *call, typ string, q url.Values, id string) (answer, error) {
	if !h.caps.Has(tidbok.OpPerformers) {
		return answer{}, notSupported(tidbok.OpPerformers, "searching clinicians")
	}
	subject, err := h.subject(c, patientParam(q))
	if err != nil {
		return answer{}, err
	}
	facs := h.facilities
	if v := cmpOr(q.Get("location"), q.Get("organization")); v != "" {
		f, _, err := h.facility(v, "location")
		if err != nil {
			return answer{}, err
		}
		facs = []tidbok.HSAID{f}
	}
	var tts []string
	for _, v := range q["service-type"] {
		for _, one := range strings.Split(v, ",") {
			tt, err := timeTypeParam(one)
			if err != nil {
				return answer{}, err
			}
			tts = append(tts, tt.ID)
		}
	}
	want := cmpOr(q.Get("identifier"), cmpOr(q.Get("practitioner"), q.Get("_id")))
	if i := strings.LastIndexByte(want, '/'); i >= 0 {
		want = want[i+1:]
	}
	if _, v, has := parseToken(want); has {
		want = v
	}
	base := h.baseURL(c.r)
	seen := map[tidbok.HSAID]bool{}
	var entries []entry
	for _, f := range facs {
		c.uses(tidbok.OpPerformers, f)
		res, err := h.book.Performers(c.ctx, tidbok.PerformersRequest{Facility: f, Subject: subject, TimeTypeIDs: tts, Actor: c.actor})
		if err != nil {
			return answer{}, err
		}
		for _, p := range res.Performers {
			if want != "" && !strings.EqualFold(p.ID.String(), want) {
				continue
			}
			var res any
			var rid string
			if typ == "Practitioner" {
				if seen[p.ID] {
					continue
				}
				seen[p.ID] = true
				rid, res = p.ID.String(), practitionerResource(p)
			} else {
				r := practitionerRoleResource(f, p, nil)
				rid, res = *r.Id, r
			}
			if id != "" {
				if rid == id {
					return answer{body: res}, nil
				}
				continue
			}
			entries = append(entries, entry{fullURL: base + "/" + typ + "/" + rid, resource: res, mode: m.SearchEntryModeMatch})
		}
	}
	if id != "" {
		return answer{}, notFound(typ + "/" + id)
	}
	if len(facs) > 1 {
		c.ev.Facility = tidbok.HSAID{}
	}
	b, err := searchset(entries, len(entries), h.pageURL(c.r, "/"+typ, q), "")
	return answer{body: b}, err
}

// searchServices answers a search (or, with id, a read) of the time
// types bookable on the web, one HealthcareService each.
func (h *Handler) searchServices(c *call, q url.Values, id string) (answer, error) {
	if !h.caps.Has(tidbok.OpTimeTypes) {
		return answer{}, notSupported(tidbok.OpTimeTypes, "searching services")
	}
	subject, err := h.subject(c, patientParam(q))
	if err != nil {
		return answer{}, err
	}
	facs := h.facilities
	if id != "" {
		tag, _, ok := parseIndexed('t', id)
		fac := h.at(tag)
		if !ok || fac >= len(h.facilities) {
			return answer{}, notFound("HealthcareService/" + id)
		}
		facs = []tidbok.HSAID{h.facilities[fac]}
	} else if v := cmpOr(q.Get("location"), q.Get("organization")); v != "" {
		f, _, err := h.facility(v, "location")
		if err != nil {
			return answer{}, err
		}
		facs = []tidbok.HSAID{f}
	}
	tt, err := timeTypeParam(q.Get("service-type"))
	if err != nil {
		return answer{}, err
	}
	base := h.baseURL(c.r)
	var entries []entry
	for _, f := range facs {
		c.uses(tidbok.OpTimeTypes, f)
		res, err := h.book.TimeTypes(c.ctx, tidbok.TimeTypesRequest{Facility: f, Subject: subject, Actor: c.actor})
		if err != nil {
			return answer{}, err
		}
		for _, t := range res.TimeTypes {
			if tt.ID != "" && t.ID != tt.ID {
				continue
			}
			sid, err := serviceID(f, t.ID)
			if err != nil {
				return answer{}, fmt.Errorf("time type: %w", err)
			}
			if id != "" {
				if sid == id {
					return answer{body: healthcareServiceResource(sid, f, t)}, nil
				}
				continue
			}
			entries = append(entries, entry{fullURL: base + "/HealthcareService/" + sid, resource: healthcareServiceResource(sid, f, t), mode: m.SearchEntryModeMatch})
		}
	}
	if id != "" {
		return answer{}, notFound("HealthcareService/" + id)
	}
	b, err := searchset(entries, len(entries), h.pageURL(c.r, "/HealthcareService", q), "")
	return answer{body: b}, err
}
