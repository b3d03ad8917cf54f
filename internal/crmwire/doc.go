// Package crmwire is the wire codec of crm:scheduling (Tidbokning): the
// eleven service contracts of version 1.1 as XML messages inside SOAP
// envelopes, and their conversion to and from the request and result types
// of package tidbok.
//
// mvkclient (the consumer side) calls [EncodeRequest] and
// [DecodeResponse]; tidbok/producer (the producer side) calls
// [DecodeRequest], [EncodeResponse], [EncodeWriteError] and [EncodeFault].
// [Contracts] and [ContractFor] give each operation's contract name,
// namespaces, SOAPAction and service path; [OperationForPayload] and
// [OperationForAction] dispatch an incoming message.
//
// # Wire rules
//
// The message structs (one file per contract) carry the exact namespace of
// every element (crm-scheduling.md §1.6) and list elements in XSD order.
// Optional elements are omitted when empty, never written as <x/>. The
// clinician element of PerformerInfoType is spelled perfomer, as on the
// wire. Booleans are written true or false and read in every xs:boolean
// form. isInvitation is written in urn:riv:crm:scheduling:1.1 and read from
// that namespace or urn:riv:crm:scheduling:1. Unknown elements, such as
// another party's extensions, are ignored when reading; but an element
// the schema declares at that place, found in another crm:scheduling
// namespace or in none (as stacks generated from the WSDLs without the
// core schema write the core elements), is a problem naming the
// namespace it was found in, never an empty field. Times and dates
// are Swedish local time converted with tidbok.ParseWireTime,
// tidbok.FormatWireTime, tidbok.ParseWireDate and tidbok.Date.Wire.
//
// Requests and answers alike are checked for what the schema requires,
// and answers also for what the TKB makes mandatory: time types, care
// types, performers, facilities and dates with their identifying
// elements; free slots and scheduled bookings with their times (and a
// booking with its ID and subject of care); booking details with the
// subject of care, the three permission flags and, unless it is an open
// invitation, both times. A missing element is a problem naming it; all
// problems of a message are reported at once, and the error matches
// [ErrMalformed] ([Problems] lists them).
//
// Where the contract description (TKB) is stricter than the XSD, the
// encoder follows it: MakeBooking's requestedTimeslot carries neither the
// permission flags nor isInvitation; MakeBookingResponse has a bookingId
// exactly when resultCode is OK or INFO; bookings (GetSubjectOfCareSchedule,
// GetBookingDetails) always carry the three permission flags and
// isInvitation, other timeslots only those that are true.
//
// # Results of writes
//
// MakeBooking, UpdateBooking and CancelBooking answer with resultCode and
// resultText. OK becomes the tidbok result; INFO becomes the result with
// Notice set to the text; ERROR becomes a [*tidbok.OpError] whose Text is
// the resultText. The wire has no error codes, so our producer adds an
// extension element in the response's trailing xs:any slot,
//
//	<errorKind xmlns="urn:webbtidbok:crm:scheduling:ext:1">slot-taken</errorKind>
//
// (slot-taken, not-found, not-allowed, invalid or not-supported), and our
// reader maps it back to the sentinel. An ERROR without it (any other
// producer) maps to [tidbok.ErrNotAllowed]: the booking layer re-reads
// availability to tell a taken slot from a refusal.
//
// The read contracts have no resultCode, so a logical error of a read
// (or a write the producer refuses before calling its book) travels as a
// SOAP fault. Our producer then puts the same element in the fault's
// detail ([WithErrorKind]), beside the detail text, and our consumer reads
// it back with [FaultKind]; a fault without it is just a fault. One more
// kind, not-sent, travels only in a Server fault: the producer's book
// certainly did nothing, so the consumer may send the call again.
//
// Likewise UpdateBooking carries the existing booking's ID in
// requestedTimeslot/bookingId, so the free slot's ID, when known, travels
// in a trailing <timeslotId> extension element of the same namespace.
// Producers that do not know these elements ignore them, as the contract
// requires; both validate against the official schemas (lax wildcard).
//
// # Actor
//
// The Actor header is filled from the request's tidbok.Actor: the zero
// Actor becomes actorType subject_of_care with the request's subject of
// care as actorId; Actor.Person becomes subject_of_care with that person;
// Actor.Agent becomes subject_of_care_agent with the HSA-id. Reading maps
// back: an agent becomes Actor.Agent, subject_of_care naming the subject
// becomes the zero Actor, anyone else Actor.Person.
//
// GetBookingDetails and CancelBooking have no subject of care on the wire.
// Their requests' Subject (tidbok.BookingDetailsRequest.Subject,
// CancelRequest.Subject) is not sent; it only stands in for the actor when
// Actor is zero, and one of Subject, Actor.Person or Actor.Agent must be
// set. The producer side reads such an actor as Actor.Person and leaves
// Subject zero: the consumer checks the answer itself.
//
// # Version 1.0
//
// Requests of the nine 1.0 contracts that 1.1 kept (RIV-TA BP 2.0,
// logical address in wsa:To, no Actor) are read too: what 1.0 lacks
// (subject_of_care in the search contracts, the citizen's names) is left
// zero and the Actor is zero. [EncodeRequest] with [V10] writes a 1.0
// request for a 1.0 producer: the 1.1 body (whose additions sit in
// namespaces 1.0's wildcards accept) under a wsa:To header.
package crmwire
