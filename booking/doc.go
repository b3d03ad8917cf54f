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
// rescheduled and cancelled bookings are told to the [Notifier], and,
// with Config.Outbox set, queued there as a [Letter] per channel the
// citizen agreed to ([Consent]), keyed by the booking's revision so that a
// repeated or resumed call queues it once and a later change supersedes
// what is not yet sent; package booking/delivery sends them by e-mail
// and SMS.
//
// # Races, holds and retries
//
// Of many citizens booking one slot at once exactly one wins; the others
// get a [*SlotTakenError] with the nearest free alternatives. The book
// guarantees this; the service adds holds ([Config.Holds]): while a citizen
// confirms, nobody else can book the slot through the service, and every
// booking briefly holds its slot while it is made, so that a hold once
// granted is never overtaken. Holds are as strong as the holds store the
// portal processes share: the in-memory store covers one process.
//
// Book, Reschedule and Cancel take a request key: repeating a call with
// the same key returns the first outcome and never books twice, also when
// the first answer was lost. The rule is stated under "Request keys".
//
// # Errors
//
// Callers branch with [errors.Is] on the sentinels of this package (which
// match tidbok's where the meaning is the same: [ErrHeld] is a
// [tidbok.ErrSlotTaken], [ErrDeadlinePassed] a [tidbok.ErrNotAllowed]),
// and read data with [errors.As] from [*SlotTakenError] and
// [*TermsError]. Every error carries a plain Swedish text for the citizen;
// [tidbok.CitizenText] returns it, and the portal shows it verbatim. The
// texts a book or the producer may give too are the catalogue's (package
// tidbok/texts), and [Config.Texts] words them the clinic's way. Error
// messages are for logs: English, and without personal identity numbers.
//
// # Request keys
//
// The caller chooses a key per intended change (e.g. a UUID made when the
// confirmation page is shown) and sends it again when it repeats the call
// — after a timeout, a double click, a reload. Keys are scoped to the
// caller: two callers' equal keys never meet. The rule the service
// implements:
//
//  1. The first call with a key claims it in the keys store
//     ([Config.Keys]), checks everything, records the write it is about
//     to send (its intent), and sends it to the book.
//  2. When the book answers, the outcome — success, or the book's own
//     refusal such as a taken slot — is stored under the key. A repeat
//     with the same key returns that stored outcome and sends nothing.
//     Refusals the service makes before sending (terms, rules, holds) are
//     not stored: fix the cause and repeat with the same key. Nor is a
//     write the book says never reached it ([tidbok.ErrNotSent]: no
//     connection, say): nothing changed, and a repeat sends it again.
//  3. When the answer is lost ([tidbok.ErrOutcomeUnknown], or any error
//     that does not say the book refused), the service reads the book at
//     once: for a booking, the subject's schedule for a booking at the
//     slot's time; for a reschedule, whether the booking is at the new
//     time; for a cancel, whether the booking is gone. If the read shows
//     the write took effect, that is stored as the outcome. Otherwise the
//     key is left "unknown" and the call returns an error matching
//     tidbok.ErrOutcomeUnknown.
//  4. A repeat of an unknown key reads the book again before anything
//     else, and stores success if the write shows. Only if the read shows
//     it has not taken effect does it send the write again: the identical
//     write, to the same slot or booking, which a book admits at most once
//     (a slot is booked once; a booking moves to a slot once; a booking is
//     cancelled once). So a first attempt that lands late and the resend
//     cannot both take effect; if the resend is refused as taken or not
//     found, the book is read once more and the write counts as done if
//     it shows.
//
// While a call holds a key, a concurrent call with the same key waits
// until the first lets it go, and then returns its outcome (or, when the
// first sent nothing, proceeds itself). The wait is bounded by the
// caller's context, as [rate.Limiter.Wait] is: when the context ends
// first, the call returns an error matching [ErrInProgress] and the
// context's error, and changes nothing. A call of the same [Service] is
// woken at once; a call of another process sharing the keys store is
// found by asking the store again, after 20 ms and then twice as long
// each time up to a second. A call that holds a key longer than
// Config.KeyLease (its process died, say) is presumed gone; the next
// repeat, or a waiting one, takes the key over and proceeds as for an
// unknown key.
// A key reused for a different request gets [ErrKeyReused]. Outcomes are
// kept for Config.KeyTTL. Portal processes that share a keys store (e.g.
// sqlstore's) share outcomes; the in-memory store serves one process.
//
// # Invitations
//
// Invitations (kallelser) are made by the clinic, not by the citizen.
// crm:scheduling knows two kinds, and the flow treats them so:
//
//   - A timed invitation has a time already: it is a booking the clinic
//     made. [Service.MyBookings] lists it with the citizen's bookings
//     (Invitation true), and it is moved with [Service.Reschedule] and
//     cancelled with [Service.Cancel] as its flags allow, like any
//     booking; a moved invitation becomes a booking. The contract has no
//     write that confirms it: the citizen keeps the time by doing
//     nothing. [Service.AcceptInvitation] gives the citizen what a
//     booking's confirmation gives (summary and calendar file) and
//     records that they looked.
//   - An open invitation has no time: the citizen chooses one. The book
//     leaves it out of the schedule; the citizen learns its ID from the
//     clinic's message, and [Service.Details] reads it. [Service.Dates]
//     and [Service.Slots] with SearchRequest.Invitation offer the free
//     slots of the invitation's time type only, and [Service.Book] with
//     BookRequest.Invitation books one of them naming the invitation
//     (wire: MakeBooking with the invitation's bookingId). It is booked
//     once: a repeat with the same request key returns the first
//     outcome, and another attempt is refused with an [*Error] matching
//     [tidbok.ErrNotAllowed], as the book itself refuses a second
//     booking of one invitation.
//
// An open invitation is searched and booked under a case type of kind
// Boka tid or Av- och omboka: the invitation's time type governs,
// whatever time types the case type lists (the clinic chose it), while
// the case type's notice, horizon and terms apply, and its limit on
// future bookings does not.
//
// # Reminders
//
// A Boka tid case type's Reminders say how long before the visit the
// citizen is reminded (casetype.CaseType.Reminders, e.g. 48 h and 2 h).
// With a Config.Outbox, [Service.Book] queues, next to the
// confirmation, one [Reminder] letter per offset and channel the
// citizen agreed to, due ([store.Message] NotBefore) at the visit's
// start less the offset ([ReminderDue]: elapsed time, so that across a
// change to or from summer time a 48 h reminder comes 48 real hours
// before, an hour earlier or later by the wall clock). A reminder
// already due when the booking is made is not queued: a visit booked 24
// h ahead gets its 2 h reminder only. [Service.Reschedule] withdraws the
// booking's pending reminders and queues those of the new time, under
// the booking's new revision ([ReminderKey]); [Service.Cancel] withdraws
// them. The delivery worker sends a reminder when it is due, and none
// once the visit has begun. A moved booking, and an invitation booked
// under Av- och omboka, are reminded as the clinic's Boka tid case type
// that shows the booking's time type says.
//
// # Cancellation list
//
// A clinic fills cancelled times from a list of citizens who want an
// earlier one (återbud), where a case type's casetype.Waitlist is on.
// Under a case type of kind Av- och omboka a citizen puts one of their
// bookings on the list ([Service.JoinWaitlist] with BookingID, from Mina
// bokningar), to be told of an earlier time of its kind (and, if they
// ask, with the same clinician); under one of kind Boka tid anyone with
// no booking waits for a time type. When a booking is cancelled or
// moved through the service, its former time is offered at once to the
// first citizens on the list who wait for its kind with a later booking
// or none, as many as the case type says (casetype.Waitlist.Offers);
// [Service.WatchWaitlist] finds the times freed elsewhere by asking the
// book at the clinic's pace. Each offer is a message in Config.Outbox
// (a [Letter] of kind [OfferMade]) with a link made by Config.OfferLink
// from a token signed with Config.OfferKey, which names the offer and
// when it ends and no person. The link opens the portal's confirm step
// after login: [Service.Offer] checks that the offer is the logged-in
// citizen's and still open, and [Service.AcceptOffer] moves their
// booking there (or books it), so that the book's own refusal of a
// double booking decides who was first. The others are told the time is
// gone ([OfferGone]) and their links say so; an offer not taken before
// casetype.Waitlist.OfferTTL ends, and the time goes to the next on the
// list when it is noticed again. A booking that is cancelled or moved
// leaves the list; staff read it with [Service.StaffWaitlist]. The list
// and the offers are kept in Config.Waitlist ([store.Waitlist]; package
// sqlstore keeps them for many processes).
//
// # Stores and defaults
//
// [New] takes a [Config] whose zero fields mean documented defaults. The
// stores for holds, request keys, reschedule counts and requests are small
// interfaces in package [store], for implementers, with in-memory
// implementations there; a portal running several processes supplies
// shared ones (package sqlstore keeps them in SQLite or PostgreSQL).
//
// # Traces and metrics
//
// The service reports to OpenTelemetry through the providers in
// Config.TracerProvider and Config.MeterProvider, or the global ones
// when they are nil; it depends on the OpenTelemetry API only, and
// records nothing until the application installs an SDK. Each call has
// a span named by its action ("booking book", "booking search", …) with
// the clinic's HSA-id, the case type, the booking's ID and the call's
// [Outcome] as attributes ([AttrClinic] and the others), and error status
// with the error's [tidbok.Kind] when it fails; a wait for a request key
// ("booking request key wait") and a reconciliation ("booking reconcile
// book") are its children, and so are the book's own spans. The metrics
// are booking.calls (by action and outcome), booking.errors (by action
// and kind), booking.duration (a histogram in seconds, by action and
// outcome), booking.holds.taken, booking.holds.expired,
// booking.request_keys.replayed, booking.request_keys.waits and
// booking.reconciliations (by action and result: found, resent,
// unknown). No span or metric carries a personal identity number, a name,
// a phone number or free text: errors are recorded by their kind only.
//
// [rate.Limiter.Wait]: https://pkg.go.dev/golang.org/x/time/rate#Limiter.Wait
package booking
