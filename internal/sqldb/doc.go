// Package sqldb is the SQL plumbing shared by the packages that keep data
// in a database/sql database, on SQLite or PostgreSQL: the standalone book
// (tidbok/sqltidbok) and the stores of the booking flow and the clinic
// configuration (sqlstore). It knows each dialect's placeholders, locks
// and errors, runs statements and transactions again when the database
// rolled them back because of a concurrent one, classifies a write whose
// answer was lost as an unknown outcome, and applies embedded schema
// migrations safely from several processes at once.
//
// It imports no driver. The public packages each take a Dialect of their
// own and convert it.
package sqldb
