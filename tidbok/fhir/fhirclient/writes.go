package fhirclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/reconcile"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
)

// The shapes of a $book request.
type (
	parameters struct {
		ResourceType string      `json:"resourceType"`
		Parameter    []parameter `json:"parameter"`
	}
	parameter struct {
		Name           string         `json:"name"`
		Resource       *appointmentIn `json:"resource,omitempty"`
		ValueReference *reference     `json:"valueReference,omitempty"`
	}
	appointmentIn struct {
		ResourceType      string          `json:"resourceType"`
		ID                string          `json:"id"`
		Status            string          `json:"status"`
		Contained         []patientIn     `json:"contained,omitempty"`
		CancelationReason *concept        `json:"cancelationReason,omitempty"`
		Comment           string          `json:"comment,omitempty"`
		Extension         []extensionIn   `json:"extension,omitempty"`
		Participant       []participantIn `json:"participant"`
	}
	participantIn struct {
		Actor  referenceIn `json:"actor"`
		Status string      `json:"status"`
	}
	referenceIn struct {
		Reference  string      `json:"reference,omitempty"`
		Type       string      `json:"type,omitempty"`
		Identifier *identifier `json:"identifier,omitempty"`
	}
	patientIn struct {
		ResourceType string         `json:"resourceType"`
		ID           string         `json:"id"`
		Identifier   []identifier   `json:"identifier,omitempty"`
		Name         []humanNameIn  `json:"name,omitempty"`
		Telecom      []contactPoint `json:"telecom,omitempty"`
		Address      []addressIn    `json:"address,omitempty"`
	}
	humanNameIn struct {
		Family string   `json:"family,omitempty"`
		Given  []string `json:"given,omitempty"`
	}
	contactPoint struct {
		System string `json:"system"`
		Value  string `json:"value"`
	}
	addressIn struct {
		Line      []string      `json:"line,omitempty"`
		Extension []extensionIn `json:"extension,omitempty"`
	}
	extensionIn struct {
		URL             string      `json:"url"`
		ValueString     string      `json:"valueString,omitempty"`
		ValueIdentifier *identifier `json:"valueIdentifier,omitempty"`
	}
)

func patientIdentifier(p tidbok.PersonalNumber) *identifier {
	tok := person(p)
	system, value, _ := strings.Cut(tok, "|")
	return &identifier{System: system, Value: value}
}

// appointmentFor is the Appointment a $book sends: id names the slot (or
// the booking to cancel), the patient participates, and a contained
// Patient carries the contact details when given.
func appointmentFor(id, status string, subject tidbok.PersonalNumber, ci tidbok.ContactInfo) *appointmentIn {
	a := &appointmentIn{ResourceType: "Appointment", ID: id, Status: status}
	ref := referenceIn{Type: "Patient", Identifier: patientIdentifier(subject)}
	if !ci.IsZero() {
		p := patientIn{ResourceType: "Patient", ID: "patient", Identifier: []identifier{*ref.Identifier}}
		var given []string
		if ci.FirstName != "" {
			given = append([]string{ci.FirstName}, strings.Fields(ci.MiddleName)...)
		}
		p.Name = []humanNameIn{{Family: ci.LastName, Given: given}}
		if ci.Phone != "" {
			p.Telecom = append(p.Telecom, contactPoint{System: "phone", Value: ci.Phone})
		}
		if ci.Email != "" {
			p.Telecom = append(p.Telecom, contactPoint{System: "email", Value: ci.Email})
		}
		if ci.Address != "" || ci.CoAddress != "" {
			ad := addressIn{}
			if ci.Address != "" {
				ad.Line = []string{ci.Address}
			}
			if ci.CoAddress != "" {
				ad.Extension = []extensionIn{{URL: fhir.ExtCoAddress, ValueString: ci.CoAddress}}
			}
			p.Address = []addressIn{ad}
		}
		a.Contained = []patientIn{p}
		ref.Reference = "#patient"
	}
	a.Participant = []participantIn{{Actor: ref, Status: "accepted"}}
	return a
}

func encodeParameters(ps ...parameter) ([]byte, error) {
	return json.Marshal(parameters{ResourceType: "Parameters", Parameter: ps})
}

// write sends a $book once and sorts out how it failed: a refusal that
// proves nothing was done, or a request that never left, is returned
// as it is; anything else after sending (a lost connection, 504, 500, an
// unreadable answer) is lost, and the caller reconciles.
func (c *Client) write(ctx context.Context, op tidbok.Operation, body []byte, actor string) (b *bundle[resource], lost, err error) {
	ab := new(appointmentBundle)
	sent, err := c.post(ctx, op, "/Appointment/$book", body, actor, ab)
	if err == nil {
		return &ab.bundle, nil, nil
	}
	var oe *OutcomeError
	switch {
	case !sent:
		return nil, nil, err
	case errors.As(err, &oe) && oe.refused():
		return nil, nil, err
	}
	return nil, err, nil
}

// booked reads a $book answer: the Appointment and the notice.
func (c *Client) booked(op tidbok.Operation, b *bundle[resource]) (tidbok.Timeslot, string, error) {
	ts, notice, problems := appointments(b)
	if len(problems) == 0 && len(ts) != 1 {
		problems = append(problems, "entry: want one Appointment")
	}
	if len(problems) > 0 {
		return tidbok.Timeslot{}, "", c.bad(op, "/Appointment/$book", problems)
	}
	return ts[0], notice, nil
}

// Book books the slot (req.Timeslot.ID, from AvailableTimeslots) with
// $book (ITI-117), once. A lost answer is reconciled by searching the
// citizen's appointments for a booking at the slot's start and clinic:
// found, Book returns it (without the notice, which was in the lost
// answer); not found, an [*OutcomeUnknownError].
func (c *Client) Book(ctx context.Context, req tidbok.BookRequest) (_ tidbok.BookResult, err error) {
	ctx, call := c.start(ctx, tidbok.OpBook, req.Timeslot.Facility)
	defer func() { call.End(err) }()
	if !c.caps.Has(tidbok.OpBook) {
		return tidbok.BookResult{}, tidbok.NotSupported(tidbok.OpBook)
	}
	if err := req.Validate(); err != nil {
		return tidbok.BookResult{}, err
	}
	ts := req.Timeslot
	sid, err := slotID(tidbok.OpBook, ts)
	if err != nil {
		return tidbok.BookResult{}, err
	}
	a := appointmentFor(sid, "booked", ts.Subject, req.Contact)
	a.Comment = ts.Reason
	if req.Notification != "" {
		a.Extension = append(a.Extension, extensionIn{URL: fhir.ExtNotification, ValueString: req.Notification})
	}
	if !req.MedicalFacility.IsZero() {
		a.Extension = append(a.Extension, extensionIn{URL: fhir.ExtMedicalFacility, ValueIdentifier: &identifier{System: fhir.SystemHSAID, Value: req.MedicalFacility.String()}})
	}
	body, err := encodeParameters(parameter{Name: "appointment-resource", Resource: a})
	if err != nil {
		return tidbok.BookResult{}, err
	}
	// The bookings the citizen had, to tell a reconciled booking from one
	// made before.
	b, lost, err := c.write(ctx, tidbok.OpBook, body, actorValue(req.Actor, ts.Subject))
	switch {
	case err != nil:
		return tidbok.BookResult{}, err
	case lost != nil:
		var id string
		err := c.reconcile(ctx, tidbok.OpBook, req.Actor, lost, func(ctx context.Context) (bool, error) {
			bs, err := c.schedule(ctx, ts.Facility, ts.Subject, req.Actor)
			if err != nil {
				return false, err
			}
			for _, bk := range bs {
				if reconcile.BookedAs(bk, ts) {
					id = bk.ID
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return tidbok.BookResult{}, err
		}
		call.SetBookingID(id)
		return tidbok.BookResult{BookingID: id}, nil
	}
	got, notice, err := c.booked(tidbok.OpBook, b)
	if err != nil {
		return tidbok.BookResult{}, err
	}
	call.SetBookingID(got.ID)
	return tidbok.BookResult{BookingID: got.ID, Notice: notice}, nil
}

// Reschedule moves the booking to the slot with $book and
// previousAppointment, once; a lost answer is reconciled by reading the
// citizen's appointments for the booking at the new time.
func (c *Client) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (_ tidbok.RescheduleResult, err error) {
	ctx, call := c.start(ctx, tidbok.OpReschedule, req.Timeslot.Facility)
	defer func() { call.End(err) }()
	if !c.caps.Has(tidbok.OpReschedule) {
		return tidbok.RescheduleResult{}, tidbok.NotSupported(tidbok.OpReschedule)
	}
	if err := req.Validate(); err != nil {
		return tidbok.RescheduleResult{}, err
	}
	call.SetBookingID(req.BookingID)
	ts := req.Timeslot
	sid, err := slotID(tidbok.OpReschedule, ts)
	if err != nil {
		return tidbok.RescheduleResult{}, err
	}
	prev, err := appointmentID(tidbok.OpReschedule, ts.Facility, req.BookingID)
	if err != nil {
		return tidbok.RescheduleResult{}, err
	}
	a := appointmentFor(sid, "booked", ts.Subject, req.Contact)
	if req.Notification != "" {
		a.Extension = append(a.Extension, extensionIn{URL: fhir.ExtNotification, ValueString: req.Notification})
	}
	body, err := encodeParameters(
		parameter{Name: "appointment-resource", Resource: a},
		parameter{Name: "previousAppointment", ValueReference: &reference{Reference: "Appointment/" + prev}},
	)
	if err != nil {
		return tidbok.RescheduleResult{}, err
	}
	b, lost, err := c.write(ctx, tidbok.OpReschedule, body, actorValue(req.Actor, ts.Subject))
	switch {
	case err != nil:
		return tidbok.RescheduleResult{}, err
	case lost != nil:
		err := c.reconcile(ctx, tidbok.OpReschedule, req.Actor, lost, func(ctx context.Context) (bool, error) {
			bs, err := c.schedule(ctx, ts.Facility, ts.Subject, req.Actor)
			if err != nil {
				return false, err
			}
			for _, bk := range bs {
				if bk.ID == req.BookingID {
					return reconcile.SameTime(bk, ts), nil
				}
			}
			return false, nil
		})
		return tidbok.RescheduleResult{}, err
	}
	_, notice, err := c.booked(tidbok.OpReschedule, b)
	if err != nil {
		return tidbok.RescheduleResult{}, err
	}
	return tidbok.RescheduleResult{Notice: notice}, nil
}

// Cancel cancels the booking with $book and status cancelled, once; a
// lost answer is reconciled by reading the citizen's appointments: the
// booking gone means cancelled.
func (c *Client) Cancel(ctx context.Context, req tidbok.CancelRequest) (_ tidbok.CancelResult, err error) {
	ctx, call := c.start(ctx, tidbok.OpCancel, req.Facility)
	defer func() { call.End(err) }()
	if !c.caps.Has(tidbok.OpCancel) {
		return tidbok.CancelResult{}, tidbok.NotSupported(tidbok.OpCancel)
	}
	if err := req.Validate(); err != nil {
		return tidbok.CancelResult{}, err
	}
	call.SetBookingID(req.BookingID)
	subject := req.Actor.PersonOr(req.Subject)
	if !req.Subject.IsZero() {
		subject = req.Subject
	}
	aid, err := appointmentID(tidbok.OpCancel, req.Facility, req.BookingID)
	if err != nil {
		return tidbok.CancelResult{}, err
	}
	a := appointmentFor(aid, "cancelled", subject, tidbok.ContactInfo{})
	if subject.IsZero() {
		a.Participant = []participantIn{{Actor: referenceIn{Type: "Patient"}, Status: "declined"}}
	}
	if req.Message != "" {
		a.CancelationReason = &concept{Text: req.Message}
	}
	body, err := encodeParameters(parameter{Name: "appointment-resource", Resource: a})
	if err != nil {
		return tidbok.CancelResult{}, err
	}
	b, lost, err := c.write(ctx, tidbok.OpCancel, body, actorValue(req.Actor, req.Subject))
	switch {
	case err != nil:
		return tidbok.CancelResult{}, err
	case lost != nil:
		if subject.IsZero() {
			return tidbok.CancelResult{}, &OutcomeUnknownError{Op: tidbok.OpCancel, Cause: lost, Reconcile: errors.New("the request names no citizen whose appointments to read")}
		}
		err := c.reconcile(ctx, tidbok.OpCancel, req.Actor, lost, func(ctx context.Context) (bool, error) {
			bs, err := c.schedule(ctx, req.Facility, subject, req.Actor)
			if err != nil {
				return false, err
			}
			for _, bk := range bs {
				if bk.ID == req.BookingID {
					return false, nil
				}
			}
			return true, nil
		})
		return tidbok.CancelResult{}, err
	}
	notice, err := c.cancelled(b)
	if err != nil {
		return tidbok.CancelResult{}, err
	}
	return tidbok.CancelResult{Notice: notice}, nil
}

var errAgentCannotRead = errors.New("staff may not read the citizen's appointments to find the outcome")

// reconcile reads the book until settled says the write took effect, or
// Config.ReconcileTimeout passes; staff cannot read, so their lost write
// is an unknown outcome at once.
func (c *Client) reconcile(ctx context.Context, op tidbok.Operation, actor tidbok.Actor, cause error, settled func(context.Context) (bool, error)) error {
	if actor.IsAgent() {
		return &OutcomeUnknownError{Op: op, Cause: cause, Reconcile: errAgentCannotRead}
	}
	c.s.logger.LogAttrs(ctx, slog.LevelWarn, "fhirclient: answer to a write lost; searching the patient's appointments to find its outcome",
		slog.String("op", op.String()), slog.String("cause", tidbok.MaskPersonalNumbers(cause.Error())))
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.s.reconcileLimit)
	defer cancel()
	deadline, _ := rctx.Deadline()
	var last error
	reads := 0
	for delay := c.s.reconcileDelay; ; delay *= 2 {
		if reads > 0 && time.Now().Add(delay).After(deadline) {
			break
		}
		if !reconcile.Sleep(rctx, delay) {
			break
		}
		reads++
		ok, err := settled(rctx)
		if ok {
			c.s.logger.LogAttrs(ctx, slog.LevelWarn, "fhirclient: write reconciled: the book shows it took effect",
				slog.String("op", op.String()), slog.Int("reads", reads))
			return nil
		}
		last = err
	}
	return &OutcomeUnknownError{Op: op, Cause: cause, Reconcile: last}
}

// cancelled reads a cancellation's answer: one Appointment, cancelled
// (a book without BookingDetails cannot say more of it), and the notice.
func (c *Client) cancelled(b *bundle[resource]) (string, error) {
	var problems []string
	var notice string
	n := 0
	for i, e := range b.Entry {
		switch r := e.Resource; r.ResourceType {
		case "Appointment":
			n++
			if r.Status != "cancelled" {
				problems = append(problems, fmt.Sprintf("entry[%d].resource.status: %q, want cancelled", i, r.Status))
			}
		case "OperationOutcome":
			_, notice, _ = appointments(&bundle[resource]{Entry: []entry[resource]{e}})
		default:
			problems = append(problems, fmt.Sprintf("entry[%d].resource.resourceType: %q, want Appointment", i, r.ResourceType))
		}
	}
	if n != 1 && len(problems) == 0 {
		problems = append(problems, "entry: want one Appointment")
	}
	if len(problems) > 0 {
		return "", c.bad(tidbok.OpCancel, "/Appointment/$book", problems)
	}
	return notice, nil
}
