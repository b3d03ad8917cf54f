// Package fhirclient is a [tidbok.Tidbok] over a FHIR R4 server that
// speaks IHE ITI Scheduling as package tidbok/fhir serves it: the book
// side of the FHIR façade, as mvkclient is of the SOAP producer. A portal
// reaches a FHIR-speaking book exactly as a SOAP one: the booking flow,
// the conformance suite and the decorators see a tidbok.Tidbok.
//
// # Configuration
//
// [New] takes a context and a [Config] whose zero fields mean documented
// defaults, and reads the server's CapabilityStatement (/metadata): the
// client's Capabilities are what it offers (Slot and $find:
// AvailableDates and AvailableTimeslots; HealthcareService: TimeTypes;
// Practitioner and PractitionerRole: Performers; Appointment search:
// Schedule; Appointment read: BookingDetails; the forms of $book its
// documentation names: Book, Reschedule, Cancel). CareTypes and
// Facilities are never offered: the FHIR mapping has no interaction for
// them, and they fail with tidbok.ErrNotSupported without a call.
// Mutual TLS takes the consumer's certificate in Config.TLSConfig, or an
// *http.Client of the caller's in Config.HTTPClient.
//
// Every call names who acts in the [fhir.ActorHeader] header: the staff
// member's HSA-id when the request's Actor is an agent, else the acting
// citizen (the Actor's Person, or the subject of care).
//
// The IDs the client returns are the book's own: a booking's BookingID,
// a slot's ID. The client makes the façade's ids from them with
// fhir.SlotID and fhir.AppointmentID, and reads them back with
// fhir.BookID.
//
// # Retries and writes
//
// The rules are mvkclient's. Reads are retried with exponential backoff
// (Config.MaxRetries) on transport failures, on 429 and on 5xx answers
// but 501 — a 503 transient among them —, and on answers the client
// cannot take ([ErrBadAnswer]); every attempt waits on the rate limiter
// first. Writes — the three forms of $book — are sent once. When a
// write's answer is lost after sending (a dropped connection, 500, 504
// timeout, an unreadable answer), the client searches the patient's
// appointments (ITI-118) until Config.ReconcileTimeout: a booking at the
// slot's start and Location (Book), the booking at its new time
// (Reschedule), the booking gone (Cancel) is the write's effect, and the
// client returns it; not found, an [*OutcomeUnknownError] matching
// tidbok.ErrOutcomeUnknown. A write by staff is not reconciled (staff may
// not read the citizen's appointments): its lost answer is an unknown
// outcome at once. A request that certainly did not reach the server,
// and a 503 transient (the server did nothing), match tidbok.ErrNotSent
// and may be tried again.
//
// # Errors
//
// The server's OperationOutcome is an [*OutcomeError]: its issue code
// maps back to the book's errors (conflict and expired:
// tidbok.ErrSlotTaken; not-found: tidbok.ErrNotFound; business-rule,
// forbidden: tidbok.ErrNotAllowed; invalid: tidbok.ErrInvalid, with a
// *tidbok.FieldError; not-supported: tidbok.ErrNotSupported; transient:
// tidbok.ErrNotSent), and tidbok.CitizenText gives its details.text, the
// text to show the citizen. Answers are strict: a missing or malformed
// field the client needs — an Appointment's start, its clinic, a
// booking's flags — is an [*AnswerError] naming it, never a zero value.
// Personal identity numbers are masked in every error and log record.
package fhirclient
