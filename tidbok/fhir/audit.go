package fhir

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	m "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

// Event is one audit record: a request to the façade, allowed or
// refused, as IHE's Scheduling profile and PDL ask. Its fields are
// producer.Event's, with the FHIR interaction in place of the contract;
// [Event.AuditEvent] gives it as a FHIR AuditEvent.
type Event struct {
	// Time is when the request was served, by [Config.Clock].
	Time time.Time
	// Consumer is the HSA-id of the consumer's verified client
	// certificate; zero when the connection has none.
	Consumer tidbok.HSAID
	// Actor is who acted per the actor header ([ActorHeader]).
	Actor tidbok.Actor
	// Subject is the citizen whose bookings or search it was, as far as
	// the façade knows it. Its String and LogValue are masked.
	Subject tidbok.PersonalNumber
	// Facility is the clinic, when the request named one.
	Facility tidbok.HSAID
	// Interaction is the FHIR interaction: "search Slot", "read
	// Appointment", "$find", "$hold", "$book" and so on.
	Interaction string
	// Operation is the book's operation the interaction called last, and
	// HasOperation whether it called one.
	Operation    tidbok.Operation
	HasOperation bool
	// BookingID is the book's ID of the booking read or written.
	BookingID string
	// Outcome is how it ended, in the producer's words.
	Outcome producer.Outcome
	// Detail is the reason of a refusal or failure, personal identity
	// numbers masked.
	Detail string
}

// AuditSink receives audit events. Record must be safe for concurrent
// use. A read is answered only when its event was recorded: if Record
// fails, the client gets an OperationOutcome (exception) instead of the
// data. A write stands whatever Record returns; the failure is logged.
type AuditSink interface {
	Record(ctx context.Context, e Event) error
}

// AuditFunc adapts a function to an [AuditSink].
type AuditFunc func(ctx context.Context, e Event) error

// Record calls f.
func (f AuditFunc) Record(ctx context.Context, e Event) error { return f(ctx, e) }

// LogAudit returns an [AuditSink] that writes each event to logger at
// level Info with the message "fhir audit"; personal identity numbers are
// masked. A nil logger discards them. It never fails. It is for
// development: production records the events durably.
func LogAudit(logger *slog.Logger) AuditSink {
	return AuditFunc(func(ctx context.Context, e Event) error {
		if logger == nil {
			return nil
		}
		op := ""
		if e.HasOperation {
			op = e.Operation.Contract()
		}
		logger.LogAttrs(ctx, slog.LevelInfo, "fhir audit",
			slog.Time("at", e.Time),
			slog.String("consumer", e.Consumer.String()),
			slog.String("actor", actorText(e.Actor)),
			slog.Any("subject", e.Subject),
			slog.String("facility", e.Facility.String()),
			slog.String("interaction", e.Interaction),
			slog.String("contract", op),
			slog.String("booking_id", e.BookingID),
			slog.String("outcome", string(e.Outcome)),
			slog.String("detail", tidbok.MaskPersonalNumbers(e.Detail)),
		)
		return nil
	})
}

func actorText(a tidbok.Actor) string {
	switch {
	case a.IsAgent():
		return "agent " + a.Agent.String()
	case !a.Person.IsZero():
		return a.Person.String()
	}
	return ""
}

// AuditEvent returns e as a FHIR R4 AuditEvent (type rest, subtype the
// interaction), with the actor and the consumer as agents, the façade as
// source observer and the subject of care as an entity identified by
// their personal identity number — which makes it personal data, to be
// kept as the journal keeps its access log. observer names the façade's
// system (e.g. its HSA-id); "" leaves the observer a display.
func (e Event) AuditEvent(observer tidbok.HSAID) m.AuditEvent {
	ae := m.AuditEvent{
		Type:     m.Coding{System: ptr("http://terminology.hl7.org/CodeSystem/audit-event-type"), Code: ptr("rest"), Display: ptr("RESTful Operation")},
		Subtype:  []m.Coding{restful(e.Interaction)},
		Recorded: instant(e.Time),
		Source:   m.AuditEventSource{Observer: m.Reference{Display: ptr("webbtidbok FHIR façade")}},
	}
	if !observer.IsZero() {
		ae.Source.Observer.Identifier = hsaIdentifier(observer)
	}
	action := m.AuditEventActionE
	switch {
	case e.Interaction == "$book":
		action = m.AuditEventActionU
	case len(e.Interaction) > 0 && e.Interaction[0] != '$':
		action = m.AuditEventActionR
	}
	ae.Action = &action
	outcome := m.AuditEventOutcome0
	switch e.Outcome {
	case producer.OutcomeDone:
	case producer.OutcomeFailed, producer.OutcomeUnknown:
		outcome = m.AuditEventOutcome8
	default:
		outcome = m.AuditEventOutcome4
	}
	ae.Outcome = &outcome
	if d := string(e.Outcome); e.Detail != "" {
		ae.OutcomeDesc = ptr(d + ": " + tidbok.MaskPersonalNumbers(e.Detail))
	} else if d != "" {
		ae.OutcomeDesc = ptr(d)
	}
	switch {
	case e.Actor.IsAgent():
		ae.Agent = append(ae.Agent, m.AuditEventAgent{Who: &m.Reference{Type: ptr("Practitioner"), Identifier: hsaIdentifier(e.Actor.Agent)}, Requestor: true})
	case !e.Actor.Person.IsZero():
		ae.Agent = append(ae.Agent, m.AuditEventAgent{Who: &m.Reference{Type: ptr("Patient"), Identifier: personIdentifier(e.Actor.Person)}, Requestor: true})
	}
	if !e.Consumer.IsZero() {
		ae.Agent = append(ae.Agent, m.AuditEventAgent{Who: &m.Reference{Type: ptr("Device"), Identifier: hsaIdentifier(e.Consumer)}, Requestor: len(ae.Agent) == 0})
	}
	if len(ae.Agent) == 0 {
		ae.Agent = []m.AuditEventAgent{{Name: ptr("unidentified caller"), Requestor: true}}
	}
	if !e.Subject.IsZero() {
		ae.Entity = append(ae.Entity, m.AuditEventEntity{
			What: &m.Reference{Type: ptr("Patient"), Identifier: personIdentifier(e.Subject)},
			Type: &m.Coding{System: ptr("http://terminology.hl7.org/CodeSystem/audit-entity-type"), Code: ptr("1"), Display: ptr("Person")},
		})
	}
	if e.Interaction != "" {
		// The interaction by name, e.g. "$find" or "search Slot".
		ae.Entity = append(ae.Entity, m.AuditEventEntity{
			Type: &m.Coding{System: ptr("http://terminology.hl7.org/CodeSystem/audit-entity-type"), Code: ptr("2"), Display: ptr("System Object")},
			Role: &m.Coding{System: ptr("http://terminology.hl7.org/CodeSystem/object-role"), Code: ptr("24"), Display: ptr("Query")},
			Name: ptr(e.Interaction),
		})
	}
	if e.BookingID != "" {
		ae.Entity = append(ae.Entity, m.AuditEventEntity{
			What: &m.Reference{Type: ptr("Appointment"), Identifier: &m.Identifier{System: ptr("urn:webbtidbok:booking:" + e.Facility.String()), Value: ptr(e.BookingID)}},
			Type: &m.Coding{System: ptr("http://terminology.hl7.org/CodeSystem/audit-entity-type"), Code: ptr("2"), Display: ptr("System Object")},
		})
	}
	return ae
}

// restful codes an interaction by FHIR's RESTful interactions, as
// AuditEvent.subtype asks.
func restful(interaction string) m.Coding {
	code := "operation"
	switch {
	case strings.HasPrefix(interaction, "read "):
		code = "read"
	case strings.HasPrefix(interaction, "search "):
		code = "search-type"
	case interaction == "capabilities":
		code = "capabilities"
	}
	return m.Coding{System: ptr("http://hl7.org/fhir/restful-interaction"), Code: ptr(code)}
}

// errForbidden marks a refusal by the policy or the agent rules, for the
// audit.
var errForbidden = errors.New("forbidden")

// outcomeOf maps an error to its audit outcome.
func outcomeOf(err error) producer.Outcome {
	k := tidbok.KindOf(err)
	switch {
	case err == nil:
		return producer.OutcomeDone
	case errors.Is(err, errForbidden), errors.Is(err, producer.ErrNoRelation):
		return producer.OutcomeForbidden
	case k == tidbok.KindOutcomeUnknown:
		return producer.OutcomeUnknown
	case k == tidbok.KindSlotTaken, errors.Is(err, ErrHeld):
		return producer.OutcomeTaken
	case k == tidbok.KindNotFound, errors.Is(err, ErrHoldExpired):
		return producer.OutcomeNotFound
	case k == tidbok.KindNotAllowed, k == tidbok.KindNotSupported:
		return producer.OutcomeRefused
	case k == tidbok.KindInvalid:
		return producer.OutcomeInvalid
	}
	return producer.OutcomeFailed
}
