// Package tidboktest checks that an appointment book obeys the rules of
// the [tidbok.Tidbok] contract, and helps test code that uses a book.
//
// Journal-system vendors run [Run] from a test of their own book, as
// testing/fstest.TestFS checks a file system and testing/slogtest checks a
// log handler. To make a book's operations fail, stall or lose their
// answers, test authors wrap it with tidbok/faulty.
//
// # Running the suite
//
// A vendor writes one test that hands Run a [Harness]. Its New function
// returns a fresh, empty book for each rule, and a [Seeder] that stages
// data in that book through the vendor's staff side. A book whose staff
// side implements staff.Book (tidbok/staff) gets one from [NewSeeder];
// any other book's vendor writes a Seeder of four methods:
//
//	func TestConformance(t *testing.T) {
//		tidboktest.Run(t, tidboktest.Harness{
//			New: func(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
//				book := mybook.NewTestBook(t) // fresh and empty, with the clinic; closed by t.Cleanup
//				return book, tidboktest.NewSeeder(book, clinic)
//			},
//		})
//	}
//
// Run runs one subtest per rule, named by a sentence that states the rule,
// such as "booking a taken slot fails with ErrSlotTaken and changes
// nothing". A book that breaks a rule fails that subtest with a message
// saying what it answered and what the rule wants, and the other rules are
// still checked. The rules about concurrent use are meant for go test
// -race. The example of Run shows a complete harness, Seeder included,
// over the in-memory book.
//
// # The Seeder
//
// The suite stages data the way a clinic does in its journal system, and
// then checks the book through the citizen-side [tidbok.Tidbok] only. A
// Seeder must:
//
//   - serve one clinic, [Seeder.Facility], which every request names;
//   - report the book's time, [Seeder.Now]. The suite places slots from
//     yesterday to a week ahead of it, at whole hours between 08:00 and
//     17:00 Swedish time, plus slots and invitations that are under way
//     or ended within the last hours;
//   - publish slots ([Seeder.AddSlot]), creating their time types and
//     performers as needed, including slots for staff only and slots whose
//     bookings get given flags. Publishing a slot that has started may be
//     refused with an error matching [tidbok.ErrInvalid] or
//     [tidbok.ErrNotAllowed]; the rule that needs one is then skipped;
//   - issue invitations, timed and open ([Seeder.AddInvitation]). A Seeder
//     that cannot returns an error matching [tidbok.ErrNotSupported], and
//     the rules that need invitations are skipped. A book without Book
//     gets its bookings from timed invitations, so that its Schedule,
//     Cancel and Reschedule are still checked.
//
// Any other Seeder error fails the subtest as a failed precondition. The
// suite's citizens have personal identity numbers generated for it (born
// 1 January 1990, serial numbers 001 to 040, valid check digits); messages
// name them "citizen 1", "citizen 2" … and never print a number.
//
// # Rules and capabilities
//
// Every rule needs some operations. When the book's
// [tidbok.Tidbok.Capabilities] leave one out, the subtest is skipped with a
// message naming it, and one rule checks instead that each operation left
// out answers an error matching [tidbok.ErrNotSupported] (and
// errors.ErrUnsupported) and changes nothing, and that each operation
// declared never does. A book is thus checked in whatever configuration it
// ships: a read-only book passes with most rules skipped. A rule may use
// further operations when the book has them: the rule that cancelling frees
// the slot also reads AvailableDates if the book supports it.
package tidboktest
