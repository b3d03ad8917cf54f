// Package staff is the clinic's side of an appointment book (tidbok): what
// the staff of a clinic, or the clinic's administration tool, does to a
// book in its journal system, as opposed to what citizens do through
// [tidbok.Tidbok].
//
// Staff fill the book's registers (facilities, time types, care types,
// clinicians, resources, notices), publish slots one by one or from a
// weekly [Template], choose which slots citizens may book on the web,
// withdraw free slots, issue invitations (kallelser), set the flags of
// bookings, and see the day's book and the bookings. [Book] is that side
// as an interface; the in-memory book (tidbok/memtidbok) and the SQL book
// (tidbok/sqltidbok) implement it, so helpers, seeders and staff screens
// written against it work with either:
//
//	func openClinic(ctx context.Context, b staff.Book, clinic tidbok.HSAID) error {
//		if err := b.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Ekorren"}); err != nil {
//			return err
//		}
//		…
//		_, err := b.PublishWeekly(ctx, staff.Template{Facility: clinic, TimeTypeID: "LAK", …})
//		return err
//	}
//
// Test authors and vendors get a Seeder for the conformance suite over any
// Book from tidboktest.NewSeeder (tidbok/tidboktest).
//
// # Errors
//
// Every method checks its whole input, reports every problem at once and
// changes nothing when it reports one. Problems match [tidbok.ErrInvalid]
// (malformed input) or [tidbok.ErrNotFound] (naming something the book
// does not have); a change the book's state forbids, such as withdrawing a
// booked slot, matches [tidbok.ErrNotAllowed]. A book that may fail
// (a database) returns its failures wrapped, and context errors as they
// are.
//
// # Facilities
//
// Staff act for one facility at a time: the methods that change a slot or
// a booking take the facility before its ID, and a slot or booking of
// another facility is answered as one the book does not have, so that the
// staff of one clinic learn nothing of another's.
package staff
