// Package terms keeps the texts a clinic writes for a case type — its own
// text, what the booking concerns, the label of the citizen's message and
// the conditions the citizen must accept before booking, cancelling or
// rescheduling — as immutable versions, and records which citizen accepted
// which version, and when.
//
// Portal developers use it on two sides. A clinic's administration screen
// publishes [Terms] with [Registry.Publish], as one of the clinic's local
// administrators ([Admin]; anybody else is refused with [ErrForbidden]);
// every change makes a new [Version]. The booking flow asks [Registry.Check] before a citizen books:
// if the citizen has not accepted the current version, it shows that
// version (rendered with [Document.HTML] or [Document.Text]) with a
// checkbox and records the citizen's consent with [Registry.Accept]. A new
// version must be accepted again.
//
// # Authoring and rendering
//
// Clinics write short paragraphs and bullet points: a line beginning with
// '-', '*' or '•' is a bullet. [Parse] turns such text into a [Document];
// its HTML escapes everything the author wrote, so no markup, script or
// link the author types reaches the citizen's browser as markup.
//
// # Case types
//
// Terms are keyed by the clinic's HSA-id and the case type's ID, as in the
// casetype package, which this package does not import: [Registry.HasTerms]
// satisfies casetype.TermsChecker, so a Registry can be passed to case type
// activation as it is, and [Admin] has the fields of casetype.Admin, so
// the administrator logged in converts from one to the other.
//
// # Storage
//
// A Registry keeps versions and acceptances in a [Store]; [NewMemStore] is
// the in-memory one, and the interface is small enough for a SQL store.
package terms
