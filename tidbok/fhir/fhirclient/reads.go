package fhirclient

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// actorValue is the ActorHeader value for a request by actor about
// subject: the staff member's HSA-id, or the acting citizen (the subject
// when the actor is zero).
func actorValue(a tidbok.Actor, subject tidbok.PersonalNumber) string {
	if a.IsAgent() {
		return fhir.SystemHSAID + "|" + a.Agent.String()
	}
	return person(a.PersonOr(subject))
}

// person is a personal identity number as a token, system|value.
func person(p tidbok.PersonalNumber) string {
	if p.IsZero() {
		return ""
	}
	system := fhir.SystemPersonnummer
	if p.Kind() == tidbok.KindSamordningsnummer {
		system = fhir.SystemSamordningsnummer
	}
	return system + "|" + p.Canonical()
}

func location(h tidbok.HSAID) string { return "Location/" + h.String() }

// bad is an answer that decoded but does not hold what the call needs.
func (c *Client) bad(op tidbok.Operation, path string, problems []string) error {
	for i, p := range problems {
		problems[i] = tidbok.MaskPersonalNumbers(p)
	}
	return &AnswerError{Op: op, URL: c.s.base + path, Problems: problems}
}

// search reads every page of a search of Appointments (or $find).
func (c *Client) searchAppointments(ctx context.Context, op tidbok.Operation, path string, q url.Values, actor string) ([]tidbok.Timeslot, error) {
	var all []tidbok.Timeslot
	u := c.s.base + path + "?" + q.Encode()
	for page := 0; ; page++ {
		var b appointmentBundle
		if err := c.getURL(ctx, op, u, actor, &b); err != nil {
			return nil, err
		}
		ts, _, problems := appointments(&b.bundle)
		if len(problems) > 0 {
			return nil, c.bad(op, path, problems)
		}
		if all == nil {
			all = ts
		} else {
			all = append(all, ts...)
		}
		next := b.next()
		if next == "" {
			return all, nil
		}
		if !strings.HasPrefix(next, c.s.base+"/") || page > 1000 {
			return nil, c.bad(op, path, []string{fmt.Sprintf("link (next): %q is not below the base URL", next)})
		}
		u = next
	}
}

// Schedule searches the citizen's Appointments at the clinic (ITI-118).
func (c *Client) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (_ tidbok.ScheduleResult, err error) {
	ctx, call := c.start(ctx, tidbok.OpSchedule, req.Facility)
	defer func() { call.End(err) }()
	if !c.caps.Has(tidbok.OpSchedule) {
		return tidbok.ScheduleResult{}, tidbok.NotSupported(tidbok.OpSchedule)
	}
	if err := req.Validate(); err != nil {
		return tidbok.ScheduleResult{}, err
	}
	bs, err := c.schedule(ctx, req.Facility, req.Subject, req.Actor)
	if err != nil {
		return tidbok.ScheduleResult{}, err
	}
	return tidbok.ScheduleResult{Bookings: bs}, nil
}

func (c *Client) schedule(ctx context.Context, facility tidbok.HSAID, subject tidbok.PersonalNumber, actor tidbok.Actor) ([]tidbok.Timeslot, error) {
	q := url.Values{"patient:identifier": {person(subject)}, "location": {location(facility)}}
	bs, err := c.searchAppointments(ctx, tidbok.OpSchedule, "/Appointment", q, actorValue(actor, subject))
	if err != nil {
		return nil, err
	}
	out := bs[:0]
	for _, b := range bs {
		if b.Facility.Equal(facility) {
			out = append(out, b)
		}
	}
	return out, nil
}

// BookingDetails reads one Appointment.
func (c *Client) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (_ tidbok.BookingDetailsResult, err error) {
	ctx, call := c.start(ctx, tidbok.OpBookingDetails, req.Facility)
	defer func() { call.End(err) }()
	if !c.caps.Has(tidbok.OpBookingDetails) {
		return tidbok.BookingDetailsResult{}, tidbok.NotSupported(tidbok.OpBookingDetails)
	}
	if err := req.Validate(); err != nil {
		return tidbok.BookingDetailsResult{}, err
	}
	aid, err := appointmentID(tidbok.OpBookingDetails, req.Facility, req.BookingID)
	if err != nil {
		return tidbok.BookingDetailsResult{}, err
	}
	path := "/Appointment/" + aid
	var r resource
	if err := c.get(ctx, tidbok.OpBookingDetails, path, nil, actorValue(req.Actor, req.Subject), &r); err != nil {
		return tidbok.BookingDetailsResult{}, err
	}
	ts, problems := timeslot("Appointment", &r)
	if len(problems) > 0 {
		return tidbok.BookingDetailsResult{}, c.bad(tidbok.OpBookingDetails, path, problems)
	}
	if !req.Subject.IsZero() && !ts.Subject.IsZero() && !ts.Subject.Equal(req.Subject) {
		// Another citizen's booking is answered as an unknown one.
		return tidbok.BookingDetailsResult{}, &tidbok.OpError{Op: tidbok.OpBookingDetails, Text: texts.NoBooking, Err: fmt.Errorf("%w: the booking is not the subject of care's", tidbok.ErrNotFound)}
	}
	if !ts.Facility.Equal(req.Facility) {
		return tidbok.BookingDetailsResult{}, &tidbok.OpError{Op: tidbok.OpBookingDetails, Err: fmt.Errorf("%w: the booking is not at %s", tidbok.ErrNotFound, req.Facility)}
	}
	return tidbok.BookingDetailsResult{Booking: ts}, nil
}

// TimeTypes searches the clinic's HealthcareServices. A filter by care
// type has no FHIR search: it is not supported.
func (c *Client) TimeTypes(ctx context.Context, req tidbok.TimeTypesRequest) (_ tidbok.TimeTypesResult, err error) {
	ctx, call := c.start(ctx, tidbok.OpTimeTypes, req.Facility)
	defer func() { call.End(err) }()
	if !c.caps.Has(tidbok.OpTimeTypes) {
		return tidbok.TimeTypesResult{}, tidbok.NotSupported(tidbok.OpTimeTypes)
	}
	if err := req.Validate(); err != nil {
		return tidbok.TimeTypesResult{}, err
	}
	if len(req.CareTypeIDs) > 0 {
		return tidbok.TimeTypesResult{}, &tidbok.OpError{Op: tidbok.OpTimeTypes, Err: fmt.Errorf("%w: time types by care type (FHIR has no such search)", tidbok.ErrNotSupported)}
	}
	q := url.Values{"location": {location(req.Facility)}, "patient:identifier": {person(req.Subject)}}
	var b bundle[healthcareService]
	if err := c.get(ctx, tidbok.OpTimeTypes, "/HealthcareService", q, actorValue(req.Actor, req.Subject), &b); err != nil {
		return tidbok.TimeTypesResult{}, err
	}
	out := make([]tidbok.TimeType, 0, len(b.Entry))
	var problems []string
	for i, e := range b.Entry {
		tt := tidbok.TimeType(typeOf(e.Resource.Type, fhir.SystemTimeType))
		if tt.ID == "" {
			problems = append(problems, fmt.Sprintf("entry[%d].resource.type: no code of %s", i, fhir.SystemTimeType))
		}
		out = append(out, tt)
	}
	if len(problems) > 0 {
		return tidbok.TimeTypesResult{}, c.bad(tidbok.OpTimeTypes, "/HealthcareService", problems)
	}
	return tidbok.TimeTypesResult{TimeTypes: out}, nil
}

// CareTypes is not supported: FHIR carries care types only as
// serviceCategory, with no search for them.
func (c *Client) CareTypes(ctx context.Context, req tidbok.CareTypesRequest) (tidbok.CareTypesResult, error) {
	return tidbok.CareTypesResult{}, tidbok.NotSupported(tidbok.OpCareTypes)
}

// Facilities is not supported: the FHIR mapping has no interaction for
// the clinics a booking may be moved to.
func (c *Client) Facilities(ctx context.Context, req tidbok.FacilitiesRequest) (tidbok.FacilitiesResult, error) {
	return tidbok.FacilitiesResult{}, tidbok.NotSupported(tidbok.OpFacilities)
}

// Performers searches the clinic's PractitionerRoles, and the
// Practitioners for their names.
func (c *Client) Performers(ctx context.Context, req tidbok.PerformersRequest) (_ tidbok.PerformersResult, err error) {
	ctx, call := c.start(ctx, tidbok.OpPerformers, req.Facility)
	defer func() { call.End(err) }()
	if !c.caps.Has(tidbok.OpPerformers) {
		return tidbok.PerformersResult{}, tidbok.NotSupported(tidbok.OpPerformers)
	}
	if err := req.Validate(); err != nil {
		return tidbok.PerformersResult{}, err
	}
	if len(req.CareTypeIDs) > 0 {
		return tidbok.PerformersResult{}, &tidbok.OpError{Op: tidbok.OpPerformers, Err: fmt.Errorf("%w: clinicians by care type (FHIR has no such search)", tidbok.ErrNotSupported)}
	}
	actor := actorValue(req.Actor, req.Subject)
	q := url.Values{"location": {location(req.Facility)}, "patient:identifier": {person(req.Subject)}}
	for _, tt := range req.TimeTypeIDs {
		q.Add("service-type", fhir.SystemTimeType+"|"+tt)
	}
	var roles bundle[practitionerRole]
	if err := c.get(ctx, tidbok.OpPerformers, "/PractitionerRole", q, actor, &roles); err != nil {
		return tidbok.PerformersResult{}, err
	}
	var pracs bundle[practitioner]
	if len(roles.Entry) > 0 {
		if err := c.get(ctx, tidbok.OpPerformers, "/Practitioner", url.Values{"patient:identifier": {person(req.Subject)}}, actor, &pracs); err != nil {
			return tidbok.PerformersResult{}, err
		}
	}
	byID := make(map[string]*practitioner, len(pracs.Entry))
	for _, e := range pracs.Entry {
		byID[e.Resource.ID] = e.Resource
	}
	var problems []string
	out := make([]tidbok.Performer, 0, len(roles.Entry))
	for i, e := range roles.Entry {
		r := e.Resource
		if r.Practitioner == nil || !strings.HasPrefix(r.Practitioner.Reference, "Practitioner/") {
			problems = append(problems, fmt.Sprintf("entry[%d].resource.practitioner: missing", i))
			continue
		}
		id := strings.TrimPrefix(r.Practitioner.Reference, "Practitioner/")
		h, err := tidbok.ParseHSAID(id)
		if err != nil {
			problems = append(problems, fmt.Sprintf("entry[%d].resource.practitioner.reference: %q is not an HSA-id", i, id))
			continue
		}
		p := tidbok.Performer{ID: h}
		pr, ok := byID[id]
		if !ok {
			problems = append(problems, fmt.Sprintf("Practitioner/%s: missing from the Practitioner search", id))
			continue
		}
		if len(pr.Name) > 0 {
			n := pr.Name[0]
			p.FirstName, p.LastName = strings.Join(n.Given, " "), n.Family
			if len(n.Prefix) > 0 {
				p.Title = n.Prefix[0]
			}
		}
		out = append(out, p)
	}
	if len(problems) > 0 {
		return tidbok.PerformersResult{}, c.bad(tidbok.OpPerformers, "/PractitionerRole", problems)
	}
	return tidbok.PerformersResult{Performers: out}, nil
}

// find runs $find for the request (with previousAppointment for a
// BookingID), care type filtered here: FHIR has no parameter for it.
func (c *Client) find(ctx context.Context, op tidbok.Operation, req tidbok.AvailabilityRequest) ([]tidbok.Timeslot, error) {
	q := url.Values{
		"location":           {location(req.Facility)},
		"patient:identifier": {person(req.Subject)},
		"start":              {req.From.String()},
		"end":                {req.To.String()},
		"_count":             {"500"},
	}
	if req.TimeType.ID != "" {
		q.Set("service-type", fhir.SystemTimeType+"|"+req.TimeType.ID)
	}
	for _, p := range req.Performers {
		q.Add("practitioner", "Practitioner/"+p.String())
	}
	if req.BookingID != "" {
		aid, err := appointmentID(op, req.Facility, req.BookingID)
		if err != nil {
			return nil, err
		}
		q.Set("previousAppointment", "Appointment/"+aid)
	}
	slots, err := c.searchAppointments(ctx, op, "/Appointment/$find", q, actorValue(req.Actor, req.Subject))
	if err != nil {
		return nil, err
	}
	out := slots[:0]
	for _, ts := range slots {
		switch {
		case req.TimeType.ID == "" && req.TimeType.Name != "" && ts.TimeType.Name != req.TimeType.Name:
		case req.CareType.ID != "" && ts.CareType.ID != req.CareType.ID:
		case req.CareType.ID == "" && req.CareType.Name != "" && ts.CareType.Name != req.CareType.Name:
		default:
			ts.Subject = tidbok.PersonalNumber{}
			out = append(out, ts)
		}
	}
	return out, nil
}

// AvailableTimeslots is $find (ITI-115): its proposed Appointments, whose
// IDs name the slots to Book or Reschedule to.
func (c *Client) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (_ tidbok.AvailableTimeslotsResult, err error) {
	ctx, call := c.start(ctx, tidbok.OpAvailableTimeslots, req.Facility)
	defer func() { call.End(err) }()
	if !c.caps.Has(tidbok.OpAvailableTimeslots) {
		return tidbok.AvailableTimeslotsResult{}, tidbok.NotSupported(tidbok.OpAvailableTimeslots)
	}
	if err := req.Validate(); err != nil {
		return tidbok.AvailableTimeslotsResult{}, err
	}
	slots, err := c.find(ctx, tidbok.OpAvailableTimeslots, req)
	if err != nil {
		return tidbok.AvailableTimeslotsResult{}, err
	}
	return tidbok.NewAvailableTimeslots(slots), nil
}

// AvailableDates is the dates of $find's slots: one per date, or per date
// and clinician when the request names clinicians.
func (c *Client) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (_ tidbok.AvailableDatesResult, err error) {
	ctx, call := c.start(ctx, tidbok.OpAvailableDates, req.Facility)
	defer func() { call.End(err) }()
	if !c.caps.Has(tidbok.OpAvailableDates) {
		return tidbok.AvailableDatesResult{}, tidbok.NotSupported(tidbok.OpAvailableDates)
	}
	if err := req.Validate(); err != nil {
		return tidbok.AvailableDatesResult{}, err
	}
	slots, err := c.find(ctx, tidbok.OpAvailableDates, req)
	if err != nil {
		return tidbok.AvailableDatesResult{}, err
	}
	type key struct {
		d tidbok.Date
		p tidbok.HSAID
	}
	seen := map[key]bool{}
	var out []tidbok.DateAvailability
	for _, ts := range slots {
		k := key{d: tidbok.DateOf(ts.Start)}
		if len(req.Performers) > 0 {
			k.p = ts.Performer
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, tidbok.DateAvailability{Facility: req.Facility, Date: k.d, Performer: k.p, TimeType: req.TimeType, CareType: req.CareType})
	}
	return tidbok.AvailableDatesResult{Dates: out}, nil
}

// appointmentID is the façade's id of the booking; a book ID too long
// for a FHIR id cannot be on the server.
func appointmentID(op tidbok.Operation, facility tidbok.HSAID, bookingID string) (string, error) {
	id, err := fhir.AppointmentID(facility, bookingID)
	if err != nil {
		return "", &tidbok.OpError{Op: op, Err: fmt.Errorf("%w: booking %q: %w", tidbok.ErrNotFound, bookingID, err)}
	}
	return id, nil
}

// slotID is the façade's id of the free slot.
func slotID(op tidbok.Operation, ts tidbok.Timeslot) (string, error) {
	id, err := fhir.SlotID(ts)
	if err != nil {
		return "", &tidbok.OpError{Op: op, Err: &tidbok.FieldError{Field: "Timeslot.ID", Problem: err.Error()}}
	}
	return id, nil
}
