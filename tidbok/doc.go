// Package tidbok is the contract between a web booking flow and a clinic's
// appointment book (tidbok): the domain types, the [Tidbok] interface with
// one method per service contract of crm:scheduling 1.1, the capabilities a
// book declares, and the errors it returns.
//
// Journal-system vendors implement [Tidbok] over their own book; portal
// developers use it through the booking package and reach remote books
// with mvkclient; test authors use the in-memory book in memtidbok.
//
// # Identities and time
//
// [PersonalNumber] holds a personnummer, samordningsnummer or reserve
// number in canonical 12-character form; it masks itself in String and in
// logs. [HSAID] holds an HSA-id and compares case-insensitively, also as a
// map key. Times are instants; the wire's zone-less Swedish local times are
// converted with [ParseWireTime] and [FormatWireTime] in Europe/Stockholm
// ([Stockholm]), with the time zone database embedded.
//
// # Errors
//
// Callers branch with [errors.Is] on [ErrSlotTaken], [ErrNotFound],
// [ErrNotAllowed], [ErrNotSupported], [ErrInvalid] and [ErrOutcomeUnknown],
// and read details with [errors.As] from [*OpError] (the citizen-facing
// text) and [*FieldError] (one problem of an invalid request; see
// [FieldErrors]). A write that succeeded with a message the citizen must
// read returns it in the result's Notice field.
//
// # Testing
//
// The package memtidbok is a complete, concurrency-safe book in memory
// with a staff side to publish slots and see bookings; the staff side of
// every book in this module is the interface in tidbok/staff. The package
// tidboktest is a conformance suite: a vendor runs tidboktest.Run against
// its own book to check every rule of this contract. The package faulty
// wraps any book to make its operations fail, wait, or commit and then
// lose their answer.
package tidbok
