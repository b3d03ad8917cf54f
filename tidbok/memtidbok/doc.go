// Package memtidbok is an appointment book (tidbok) in memory: a complete,
// concurrency-safe implementation of [tidbok.Tidbok] with a staff side, as
// net/http/httptest is a real server on loopback.
//
// Test authors use it wherever code needs a clinic's book: seed it the way
// a clinic does in its journal system (add a facility, time types and
// clinicians, publish slots one by one or with a weekly template, issue
// invitations), hand it to the code under test as a tidbok.Tidbok, and
// inspect what citizens did with [Book.Bookings] and [Book.Day]. The staff
// side is [staff.Book], which the SQL book implements too, so a helper
// that seeds a book works with either. It passes the conformance suite
// tidboktest in every capability configuration; tidboktest.NewSeeder
// stages the suite's data through the staff side.
//
//	b := memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))
//	b.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Ekorren"})
//	b.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"})
//	b.PublishWeekly(ctx, staff.Template{Facility: clinic, TimeTypeID: "LAK", …})
//
// Options set the clock ([WithClock]), the operations the book supports
// ([WithCapabilities]) and the clinic's rules for flags
// ([WithFlagPolicy]). To make operations fail, wait, or commit and then
// lose their answer, wrap the book with tidbok/faulty:
//
//	book := faulty.Wrap(b)
//	book.Set(tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1})
//
// # How it differs from a real book
//
//   - Everything lives in memory and is lost with the Book.
//   - Only what the staff side set up exists: no HSA catalogue, no
//     population register (Contact is stored as given), no journal.
//   - The clinic's rules are one FlagPolicy plus the flags staff set; there
//     is no minimum notice, horizon or limit on reschedules unless the
//     policy computes it. A booking that has started can be neither
//     cancelled nor moved.
//   - Every facility of the book vouches for every other: Facilities
//     lists them all, and a booking may be moved to, or an invitation
//     booked at, a slot of the same time type (by ID) at any of them.
//   - TimeTypes, CareTypes and Performers list everything staff added,
//     narrowed by the request's filters to combinations the book has
//     published slots of; nothing is tailored to the citizen, so agents and
//     citizens get the same answers.
//   - AvailableDates answers one entry per date, or per date and performer
//     when the request names performers.
//   - A cancelled timed invitation is simply gone; no new invitation is
//     issued. Its staff-only slot stays, free.
//   - Publish does not check that slots overlap, and times are kept to the
//     nanosecond, where the wire carries whole seconds.
//   - IDs are short and predictable ("s0000a1" for slots, "b0000a1" for
//     bookings); a real book's may not be.
//
// # Concurrency and zero values
//
// A Book is safe for concurrent use: one read-write lock guards it, so of
// many concurrent Book calls for one slot exactly one wins. Answers are
// fresh copies that callers may modify. The zero Book is an empty book
// with the default options; the zero values of staff.SlotSpec,
// staff.Template and staff.InvitationSpec fields mean "none" where a field
// is optional. The staff methods take a context, as [staff.Book] asks, but
// do not watch it: the book is in memory and its calls are short.
//
// # Cost
//
// The book keeps slots compactly (about 70 bytes each) and indexes them
// per facility and date with per-date counts of free slots, so that
// AvailableDates reads counters and AvailableTimeslots scans only the
// dates asked for: neither grows with the size of the book. Answers give
// times in Europe/Stockholm.
package memtidbok
