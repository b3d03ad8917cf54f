// Package mvkclient is the consumer side of crm:scheduling (Tidbokning):
// a [tidbok.Tidbok] whose every call is a SOAP request to a clinic's
// appointment book, through the national service platform (NTjP) or
// straight to the producer. Portal developers use it wherever the booking
// flow needs a real clinic's book; it reads like any other book.
//
// # Configuration
//
// [New] takes a [Config] whose zero fields mean documented defaults. Each
// contract is sent to <BaseURL>/<Contract>/1/rivtabp21 unless
// Config.Endpoints overrides it; the TLS configuration carries the
// consumer's client certificate (mutual TLS); the logical address is the
// request's facility unless Config.LogicalAddress fixes one; the Actor
// header names the request's subject of care, or the guardian or staff
// member the request's Actor names. Operations the clinic does not offer
// (Config.Capabilities) fail with tidbok.ErrNotSupported without a call.
//
// # Retries and writes
//
// The retry policy is a table per contract. The eight reads are retried
// with exponential backoff on transport failures, on Server faults and
// 5xx answers that may pass, and on answers that do not follow the
// contract ([ErrBadAnswer]), within the caller's context deadline; every
// attempt waits on the per-producer rate limiter first. The three writes
// (Book, Reschedule, Cancel) are sent once: crm:scheduling has no
// idempotency key, and a second MakeBooking may book a second slot. When a
// write's answer is lost after sending — a timeout, a reset, a Server
// fault, an unreadable answer — the client reads the book to find out
// what happened, and returns either the outcome it found or an error
// matching tidbok.ErrOutcomeUnknown ([*OutcomeUnknownError]); never a
// second booking and never a silent failure. A write that certainly did
// not reach the producer fails with an error matching [tidbok.ErrNotSent]
// (a [*NotSentError]), and may be tried again.
//
// How a failed write is classified:
//
//   - not sent (tidbok.ErrNotSent): no connection was made (dial or TLS
//     handshake failed, the server's TLS alert refused our certificate),
//     the request could not be written in full, the context ended before sending, or
//     the rate limiter's wait could not finish in time. The client learns
//     this from net/http's client trace hooks (GetConn, GotConn,
//     WroteRequest).
//   - refused: a Client fault (the producer or platform rejected the
//     message as it stands and did not process it; our producer never
//     calls its book before answering one), a fault naming a definite
//     condition, a platform code raised before forwarding (VP001–VP008,
//     VP010, VP011, VP013–VP015) or an HTTP 4xx. Returned as the typed
//     error: nothing happened, and the caller must not read it as unknown.
//   - lost: anything else after sending — a timeout or reset while
//     waiting, a Server fault (a producer's crash, or the TakeCare
//     adapter's habit of raising logical errors as faults), VP009 or
//     VP012, a 5xx that is not SOAP, an unreadable answer. Reconciled.
//
// Reconciliation reads with a context of its own (Config.ReconcileTimeout),
// since the caller's has often just expired: Book looks in the citizen's
// schedule for a booking at the same time; Reschedule reads the booking
// and checks its time; Cancel reads the booking and takes its absence as
// cancelled. An agent may not read the citizen's bookings, so an agent's
// lost write is unknown at once.
//
// # Errors
//
// A write the producer refused (resultCode ERROR) fails with the
// [*tidbok.OpError] carrying the producer's text for the citizen and the
// sentinel (ErrSlotTaken, ErrNotFound, ErrNotAllowed …); a write that
// succeeded with a text for the citizen (INFO) returns it in the result's
// Notice. SOAP faults become [*FaultError], whose fields and methods
// (VPCode, ServerSide, Retryable) tell what happened without matching
// text, and which matches the sentinel the fault stands for. HTTP answers
// that are not SOAP become [*StatusError]. An answer the client cannot
// read as the contract's — an element the schema requires missing, or an
// element in another namespace than the schema's, as a stack generated
// from the WSDLs without the core schema writes them — becomes an
// [*AnswerError] matching [ErrBadAnswer] that names each such element and
// the namespace it came in: never a result of empty names, zero times or
// a "not found".
//
// # Logging
//
// Config.Logger gets one debug record per attempt (operation, endpoint,
// attempt, duration, outcome) and a warning for each write whose answer
// was lost. Records never hold a personal identity number; fault texts in
// them are masked.
package mvkclient
