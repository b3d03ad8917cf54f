// Package storetest checks implementations of the booking flow's stores
// (package store) against the rules their interfaces state, as
// testing/fstest checks a file system: [Run] runs one subtest per rule,
// each named by a sentence stating it.
//
// An implementer of a store calls Run from a test with a function that
// returns fresh stores; the in-memory stores of package store and the SQL
// stores of package sqlstore (on SQLite and PostgreSQL) run it, so that
// every store behaves alike. [RunSettler] does the same for a
// [store.Settler], which writes a booking flow's call's outcome in one
// transaction.
package storetest
