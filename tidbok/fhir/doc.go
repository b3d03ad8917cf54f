// Package fhir serves any [tidbok.Tidbok] as HL7 FHIR R4 JSON, in the
// shape of IHE ITI Scheduling (ITI-115 $find, ITI-116 $hold, ITI-117
// $book, ITI-118 Find Existing Appointments): the same book a vendor
// serves as crm:scheduling with package tidbok/producer, reachable by
// FHIR clients too. [Handler] is an http.Handler; [Config] configures it
// like producer.Config, with the same rules for who may call and whose
// bookings an actor may touch.
//
// # Interactions
//
// Below Config.BasePath:
//
//	GET  /metadata                       CapabilityStatement: what this book supports
//	GET  /Location, /Organization, /Schedule [?identifier=]   the served clinics; read by HSA-id
//	GET  /Slot?schedule=Schedule/{hsa}&start=ge2026-03-10&start=lt2026-03-12&service-type={tt}&_count=20
//	GET  /Slot/{id}                      a free slot
//	GET  /Practitioner, /PractitionerRole[?location=Location/{hsa}]
//	GET  /HealthcareService[?location=]  the time types, one per clinic and type
//	GET  /Appointment?patient:identifier={system}|{number}[&location=][&status=]   ITI-118
//	GET  /Appointment/{id}               one booking
//	GET|POST /Appointment/$find          ITI-115: proposed Appointments
//	POST /Appointment/$hold              ITI-116
//	POST /Appointment/$book              ITI-117: book, move, cancel
//
// Searches answer a Bundle of type searchset whose entries have search
// mode match; a Slot search and $find are paged: _count (default
// Config.PageSize, at most Config.MaxPageSize) and a next link that
// carries _offset. Paging asks the book again for every page, so a page
// reflects the book at the time it is fetched.
//
// $find takes start and end (date or dateTime; a date end includes the
// day), location (Location/{hsa}; optional when one clinic is served),
// patient, service-type, practitioner and previousAppointment (a booked
// Appointment: only the times it may be moved to), as query parameters or
// as a Parameters resource; it answers proposed Appointments (status
// proposed) whose id is also the id of their Slot. $hold and $book take
// a Parameters resource with appointment-reference (valueReference
// Appointment/{id}) or appointment-resource (an Appointment):
//
//   - $hold of a proposed Appointment holds its slot for Config.HoldTTL
//     and answers a Bundle with the Appointment in status pending, whose
//     id ("h…") stands for the hold and whose extension [ExtHoldExpires]
//     says when it ends. Without Config.Holds, $hold is not-supported.
//   - $book of a proposed or held Appointment books it for the patient
//     (status booked). The appointment-resource must contain a Patient
//     with the citizen's name (name.given, name.family), and may carry
//     telecom and address (a c/o address as the extension
//     [ExtCoAddress]); its comment is the citizen's reason, and the
//     extensions [ExtNotification] and [ExtMedicalFacility] carry the
//     book's note and the unit with medical responsibility. A held
//     slot is booked only by the hold's patient, before the hold ends;
//     another patient's hold answers conflict.
//   - $book of a proposed or held Appointment with previousAppointment
//     (a parameter, or the extension [ExtPreviousAppointment]; replaces
//     is accepted too) naming a booked Appointment moves that booking.
//   - $book of a booked Appointment with status cancelled cancels it;
//     cancelationReason's text is the citizen's message.
//
// A write answers a Bundle with the Appointment as the book has it now
// and, when the book has a notice for the citizen, an OperationOutcome
// entry (search mode outcome, severity information) with the text in
// issue.details.text.
//
// # Shapes
//
// Citizens are identified by personnummer ([SystemPersonnummer]) or
// samordningsnummer ([SystemSamordningsnummer]), 12 digits; clinics and
// clinicians by HSA-id ([SystemHSAID]). The façade serves no Patient
// resources: an Appointment's patient is a participant whose actor is a
// reference by identifier (type Patient). Times are instants with the
// offset of Europe/Stockholm. Time types are codes of [SystemTimeType],
// care types of [SystemCareType]. A booking's flags are valueBoolean
// extensions of the Appointment ([ExtMayCancel], [ExtMayReschedule],
// [ExtMayMessage]), and an invitation is marked with [ExtInvitation].
//
// The ids of slots, bookings and services are opaque: they carry a hash
// of the clinic's HSA-id and the book's own ID, encoded in the FHIR id
// alphabet, so the façade keeps no state of its own but its holds, and
// an id stays valid when Config.Facilities is reordered. [SlotID] and
// [AppointmentID] make them from the book's IDs, [BookID] reads the
// book's ID back. A book ID too long for a FHIR id (64 characters with
// the rest) is answered as an exception.
//
// # Errors
//
// Every refusal and failure is an OperationOutcome with one issue: its
// code says what happened (invalid 400, forbidden 403, not-found 404,
// conflict 409 — the slot is taken or held —, expired 409 — the hold
// ended —, business-rule 422 — the book does not allow it —,
// not-supported 501 — the book lacks the operation —, transient 503 —
// nothing was done, try again —, timeout 504 — the outcome of a write is
// unknown: search the patient's appointments before trying again), its
// details.text is the text to show the citizen ([tidbok.CitizenText], or
// Config.Texts, or the catalogue tidbok/texts), and its diagnostics is
// for the client's developer, personal identity numbers masked.
//
// # For a client
//
// A tidbok.Tidbok over this façade maps its operations so: Capabilities
// from /metadata (Slot and $find: AvailableTimeslots; HealthcareService:
// TimeTypes; Practitioner and PractitionerRole: Performers; Appointment
// search: Schedule; Appointment read: BookingDetails; $book's
// documentation names which of book, move and cancel the book offers;
// $hold appears only with Config.Holds). AvailableDates is the dates of
// $find's answer; AvailableTimeslots with a BookingID is $find with
// previousAppointment; Book, Reschedule and Cancel are the three forms of
// $book. Booking an open invitation is $book of the slot id made with
// the invitation's ID at the free slot's time ([SlotID]): the book
// decides, as on the wire. Care types appear only as
// Slot.serviceCategory and Appointment.serviceCategory, and Facilities
// for a booking's other clinics has no interaction. A move or
// cancellation whose Appointment names a patient other than the
// booking's is answered not-found. Reads may be retried; a write whose
// answer is lost (or 504 timeout) is reconciled by searching the
// patient's appointments: a booking shows at the slot's start and
// Location. Package tidbok/fhir/fhirclient is that client.
//
// # Who calls
//
// The consumer is authenticated as by the producer: by the HSA-id of its
// verified client certificate over mutual TLS (Config.Consumers), or not
// at all (Config.AnyConsumer). Who acts is the [ActorHeader] header,
// which the platform in front of the façade sets from the citizen's
// login and vouches for — the consumer allowlist is what makes the
// header trustworthy: "urn:oid:1.2.752.129.2.1.3.1|191212121212" for a
// citizen, "urn:oid:1.2.752.29.4.19|SE…" for a staff member.
//
// Under producer.Strict (the zero Policy) a request names its actor; a
// citizen reads, books, moves and cancels only their own appointments
// (the patient defaults to the actor), and acts for another only when
// Config.Proxies vouches for it. Another citizen's booking is answered
// not-found, exactly as an unknown id. Staff may search and book anew
// for any citizen, and nothing else, whatever the policy. Under
// producer.TrustPlatform the platform decides: the patient a request
// names is served.
//
// One [Event] per request (but /metadata) goes to Config.Audit;
// [Event.AuditEvent] gives it as a FHIR AuditEvent.
package fhir
