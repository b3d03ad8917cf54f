// Package producer serves any [tidbok.Tidbok] on the wire as a
// crm:scheduling 1.1 service producer: an [http.Handler] answering the
// eleven service contracts (Tidbokning) the way 1177 e-tjänster and other
// consumers call them through the national service platform.
//
// Journal-system vendors use it to put their book on the wire without
// writing any XML; test authors use it with memtidbok and httptest to
// give a consumer (such as mvkclient) a real producer on loopback.
//
//	h, err := producer.New(book, producer.Config{
//		Facilities: []tidbok.HSAID{clinic},
//		Consumers:  []tidbok.HSAID{platform}, // the HSA-ids in the callers' client certificates
//		Audit:      journalAccessLog,         // PDL: every read and write of a citizen's bookings
//	})
//	…
//	srv := &http.Server{Handler: h, TLSConfig: producer.RequireClientCert(pool)}
//
// # Dispatch
//
// The handler accepts POST only. It finds the contract from the
// SOAPAction header and from the path, which ends in
// /<Contract>/1/rivtabp21 (RIV-TA 2.1, crm:scheduling 1.1) or
// /<Contract>/1/rivtabp20 (RIV-TA 2.0, the 1.0 contracts); the handler
// may be mounted under any prefix. SOAPAction, path and the Body's
// element must name the same contract, and the path's profile must match
// the request's headers; when neither SOAPAction nor a contract path is
// given, the Body's element decides. The body is read under
// [Config.MaxBodyBytes] and [Config.MaxDepth], and DOCTYPEs are refused.
//
// The request's Content-Type must be SOAP 1.1's, text/xml (parameters
// such as charset allowed); any other, or none, is answered 415
// Unsupported Media Type with "Accept: text/xml". An element may carry at
// most 32 attributes, and a message's attributes other than namespace
// declarations at most 64 KiB, an attribute written twice is refused:
// each a Client fault, found before the attributes are kept in memory.
// At most [Config.MaxInFlight] requests (default 16) are served at once;
// the others wait for their turn before their body is read, and one
// whose context ends while it waits gets 503 with Retry-After. So the
// memory a burst of large requests takes is bounded by MaxInFlight times
// a small multiple of MaxBodyBytes.
//
// # Addressing and actors
//
// The handler answers only for the facilities it serves
// ([Config.Facilities]): the logical address (itr:LogicalAddress, or
// wsa:To in 1.0) and the facility in the body (for MakeBooking and
// UpdateBooking, the requested timeslot's) must each be one of them,
// compared case-insensitively as HSA-ids. MakeBooking's
// healthcare_facility_med may name any unit.
//
// A 1.1 request must carry the ih:Actor header. Following crm:scheduling
// §2.4, an agent (subject_of_care_agent: a staff member acting for the
// citizen) may only use the search contracts (GetAllTimeTypes,
// GetAllCareTypes, GetAllPerformers, GetAllHealthcareFacilities,
// GetAvailableDates, GetAvailableTimeslots) and MakeBooking; the handler
// refuses GetSubjectOfCareSchedule, GetBookingDetails, UpdateBooking and
// CancelBooking by an agent without calling the book. For the search
// contracts it passes the Actor on in the request, and the book must
// honour it: for an agent, the answer must not be selected on the
// patient (the request's Subject), so that the consumer stays outside the
// cohesive-record regime (sammanhållen journalföring).
//
// # Who may call, and for whom
//
// Two checks stand before the book. First the consumer: only those whose
// verified client certificate names an HSA-id in [Config.Consumers] may
// call at all; any other request is answered with a Client fault (kind
// not-allowed) before its body is read. [Config.AnyConsumer] lifts the
// check for a trusted network or a test; [New] refuses a Config that
// names neither, so a forgotten allowlist never opens the producer.
//
// Then the actor, per [Config.Policy]. The zero policy, [Strict], lets a
// citizen read, move and cancel only their own bookings, and act for
// another citizen only when [Config.Proxies] vouches for the relation
// ([GuardianUnder13] gives booking's rule: a guardian of a child under
// 13). GetBookingDetails and CancelBooking name no subject of care on the
// wire, so the handler asks the book on the actor's behalf, and another
// citizen's booking is answered exactly as an unknown booking ID: the
// book's own not-found, byte for byte, and nothing changes. A vendor
// whose national platform already authorizes every request may choose
// [TrustPlatform] instead, by name.
//
// # Audit
//
// Every GetSubjectOfCareSchedule, GetBookingDetails, MakeBooking,
// UpdateBooking and CancelBooking request that decodes, allowed or
// refused, is an [Event] for [Config.Audit]: when (by [Config.Clock]),
// the consumer's certificate HSA-id, the actor, the subject of care, the
// facility, the contract, the booking ID and the [Outcome] with a
// detail. A read whose event cannot be recorded is answered with a Server
// fault instead of its data; a write the book carried out stands, and
// the failure is logged. Without a sink the events go to [Config.Logger]
// ([LogAudit]), which is for development: the patient-data law wants them
// kept durably.
//
// # Errors
//
// The wire has two error channels (crm:scheduling §2.2), and the handler
// keeps them apart:
//
//   - A write (MakeBooking, UpdateBooking, CancelBooking) the book refuses
//     with one of the sentinels [tidbok.ErrSlotTaken], [tidbok.ErrNotFound],
//     [tidbok.ErrNotAllowed], [tidbok.ErrInvalid] or [tidbok.ErrNotSupported]
//     is answered normally (HTTP 200) with resultCode ERROR and a text for
//     the citizen: the book's own [tidbok.OpError] Text when it gave one,
//     else [Config.Texts], else the catalogue's ([texts.Default]). The
//     answer also carries an errorKind extension element naming the
//     sentinel, which other consumers ignore. A write that succeeded with a Notice is answered
//     with resultCode INFO.
//   - Everything else is a SOAP fault with HTTP status 500. A Client
//     fault means the request was refused before the book was called, or
//     that the book refused a read for a logical reason. Where a sentinel
//     fits, the fault's detail carries the same errorKind element (see
//     crmwire's package doc), so that our consumer recovers it:
//     not-found for a logical address or facility this producer does not
//     serve and for a read of something that does not exist, invalid for
//     a request that parses but breaks the contract (a missing Actor
//     header, a missing required element) or that the book finds invalid,
//     not-allowed for an agent's forbidden call and a read the book does
//     not allow, not-supported for a contract the book does not offer.
//     Malformed XML, exceeded limits and SOAPAction, path and Body that
//     disagree carry no kind. A read's fault also carries the book's
//     citizen text, if any, as its detail text.
//   - A Server fault is a technical failure: any other error of the book,
//     including [tidbok.ErrOutcomeUnknown] and an ended context. Its
//     faultstring is generic with a reference that is also logged with
//     the details; nothing the book said reaches the consumer. When the
//     book's error matches [tidbok.ErrNotSent] (it certainly did nothing:
//     its database could not be reached, say), the faultstring says that
//     nothing was done and the detail carries errorKind not-sent.
//
// So a Client fault on a write always means the book was not called; a
// Server fault on a write leaves the outcome unknown to the consumer,
// which must read the citizen's schedule before trying again, unless it
// carries not-sent: then nothing happened, and the write may simply be
// sent again.
//
// A contract the book's [tidbok.Capabilities] leave out is answered with
// a Client fault ("contract X is not supported by this producer", kind
// not-supported), and the book is not called.
//
// # Logging
//
// Each request is logged with [Config.Logger] (nil discards): the
// contract, the served facility, the actor type and the actor (a
// citizen's personal identity number masked as 19121212-****, a staff
// member's HSA-id), the booking ID, the consumer's certificate HSA-id
// when the connection has one, the outcome and the duration. Error texts
// are logged with every personal identity number in them masked by
// [tidbok.MaskPersonalNumbers]; no personal identity number is ever
// logged in full.
//
// # Transport security
//
// RIV-TA requires mutual TLS. [RequireClientCert] returns a [tls.Config]
// that demands a client certificate issued from a given CA pool, and
// [ClientHSAID] reads the consumer's HSA-id from it.
//
// A Handler is safe for concurrent use; so must the book be.
package producer
