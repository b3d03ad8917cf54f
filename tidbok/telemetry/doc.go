// Package telemetry traces and measures a book's operations with
// OpenTelemetry, in one vocabulary for every book: memtidbok, sqltidbok,
// mvkclient on the consumer's side and the producer's handler on the
// vendor's. Vendors and portals turn it on by installing an OpenTelemetry
// SDK (or by passing providers in [Config]); until then the global
// providers do nothing, at the cost of a few nanoseconds per call.
//
// It depends on the OpenTelemetry API only. Spans and metrics carry the
// operation, the book's name, the facility's HSA-id, a booking's ID and
// the kind of an error ([tidbok.Kind]), never a personal identity number,
// a name, a phone number or any free text, error messages included.
//
// Each call is one span named "tidbok.<Operation>" (e.g. "tidbok.Book")
// with the attributes
//
//	tidbok.operation  the operation, e.g. "Book"
//	tidbok.contract   the crm:scheduling contract, e.g. "MakeBooking"
//	tidbok.book       the book, e.g. "sqltidbok"
//	tidbok.facility   the facility's HSA-id
//	tidbok.booking_id the booking's ID, when the request names one
//	error.type        the error's kind, e.g. "slot-taken", on failure
//
// and a failed call's span has status Error with the kind as description.
// The metrics are
//
//	tidbok.operation.calls     counter, {call}: tidbok.operation, tidbok.book
//	tidbok.operation.errors    counter, {error}: the same and error.type
//	tidbok.operation.duration  histogram, s: tidbok.operation, tidbok.book
package telemetry
