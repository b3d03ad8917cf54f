// Package booking is the citizen's web booking flow (webbtidbokning) over
// any appointment book: portal teams embed it to let citizens book,
// see, move and cancel their appointments at a clinic, and to send
// requests to its staff. It works the same over the in-memory book
// (memtidbok), over a remote book through the wire client (mvkclient),
// and over a vendor's or a standalone book: all it needs is a
// [tidbok.Tidbok], the clinics' case types ([casetype.Registry]) and their
// terms ([terms.Registry]).
//
// # The flow
//
// A [Service] answers, for a [Scope] — who is logged in ([Caller]), the
// subject of care, the clinic and the case type the citizen chose:
//
//   - [Service.ContactCard]: the case types the clinic offers this citizen.
//   - [Service.Terms] and [Service.AcceptTerms]: the terms to show, and the
//     citizen's consent. Book, Reschedule and Cancel refuse with a
//     [*TermsError] carrying the version to show until the current version
//     is accepted.
//   - [Service.TimeTypes], [Service.Dates], [Service.Slots]: what may be
//     booked, narrowed by the case type's time types and the clinic's
//     minimum notice and horizon; never a slot that has started.
//   - [Service.Hold]: a short hold on a slot while the citizen confirms.
//   - [Service.Book]: the booking, with a [Confirmation] — the book's
//     notice, a [Summary] for display and an iCalendar event
//     ([CalendarEvent]).
//   - [Service.MyBookings] and [Service.Details]: the citizen's future
//     bookings, each with what it [Allows].
//   - [Service.Reschedule] and [Service.Cancel].
//   - [Service.SubmitRequest], and for staff [Service.ListRequests] and
//     [Service.CloseRequest]: the request (Beställa tid) when no slot
//     suits.
//
// The case type's rules only ever forbid more than the book: what the
// book's per-booking flags forbid is never allowed.
//
// # Who may do what
//
// Every call names the caller and the subject of care. A citizen caller
// carries the assurance level of their login ([Caller.Assurance]), which
// the portal must set: a citizen whose level is unknown (the zero value)
// is refused with [ErrAssuranceUnknown] before anything is read. By
// default the caller and the subject must be the same person. Under a case type with
// [casetype.ProxyGuardianUnder13], a guardian — as the portal's
// [GuardianResolver] says — may act for a child under 13. A staff member
// may act as an agent ([Caller.Agent]) for new bookings only. A booking
// can only be seen or changed on behalf of its own subject: another
// citizen's booking ID reads as not found.
//
// Every read and write of a citizen's bookings is an audit [Event] for
// the [AuditSink] (log/slog by default), refusals included. Confirmed,
// rescheduled and cancelled bookings are told to the [Notifier], for the
// portal's SMS and e-mail.
//
// # Races, holds and retries
//
// Of many citizens booking one slot at once exactly one wins; the others
// get a [*SlotTakenError] with the nearest free alternatives. The book
// guarantees this; the service adds holds ([HoldStore]): while a citizen
// confirms, nobody else can book the slot through the service, and every
// booking briefly holds its slot while it is made, so that a hold once
// granted is never overtaken. Holds are as strong as the HoldStore the
// portal processes share: the in-memory store covers one process.
//
// Book, Reschedule and Cancel take a request key: repeating a call with
// the same key returns the first outcome and never books twice, also when
// the first answer was lost. The rule is stated at [KeyStore].
//
// # Errors
//
// Callers branch with [errors.Is] on the sentinels of this package (which
// match tidbok's where the meaning is the same: [ErrHeld] is a
// [tidbok.ErrSlotTaken], [ErrDeadlinePassed] a [tidbok.ErrNotAllowed]),
// and read data with [errors.As] from [*SlotTakenError] and
// [*TermsError]. Every error carries a plain Swedish text for the citizen;
// [CitizenText] returns it, and the portal shows it verbatim. Error
// messages are for logs: English, and without personal identity numbers.
//
// # Stores and defaults
//
// [New] takes a [Config] whose zero fields mean documented defaults. The
// stores for holds, request keys, reschedule counts and requests are small
// interfaces with in-memory implementations; a portal running several
// processes supplies shared (SQL) ones.
package booking
