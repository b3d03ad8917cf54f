// Package texts is the one catalogue of the Swedish texts a citizen is
// shown when a call to a book is refused or fails: the books
// (tidbok/memtidbok, tidbok/sqltidbok) put them in
// [tidbok.OpError.Text], the producer (tidbok/producer) answers a
// refused write with them, and the citizen's flow (booking) shows them,
// so that a refusal reads the same wherever it is produced.
//
// A clinic words them its own way with a [Func], given as
// producer.Config.Texts and booking.Config.Texts alike.
//
// The texts are plain Swedish, say what to do next and never name a
// person.
package texts

import "github.com/webbtidbok/webbtidbok/tidbok"

// The texts of the catalogue, one wording per refusal.
const (
	// Generic: a technical failure, or an error of no known kind.
	Generic = "Något gick fel. Försök igen om en stund."

	// SlotTaken: the time was booked by someone else first
	// (tidbok.ErrSlotTaken).
	SlotTaken = "Tiden har just blivit bokad av någon annan. Välj en annan tid."
	// TimeChanged: the time asked for is gone or changed
	// (tidbok.ErrNotFound when booking).
	TimeChanged = "Tiden har ändrats eller finns inte längre. Välj en tid på nytt."
	// NoBooking: no such booking for the citizen (tidbok.ErrNotFound).
	NoBooking = "Bokningen finns inte."
	// NoFacility: the book has no such clinic (tidbok.ErrNotFound).
	NoFacility = "Mottagningen finns inte i tidboken."
	// InvitationTaken: the invitation is booked already.
	InvitationTaken = "Kallelsen är redan bokad."
	// OpenInvitation: an invitation without a time cannot be moved or
	// cancelled; it is booked.
	OpenInvitation = "Kallelsen har ingen tid ännu. Boka en tid i stället."
	// OtherTimeType: the new time is of another kind than the booking.
	OtherTimeType = "Tiden är av ett annat slag än bokningen. Välj en annan tid."

	// Started: the time has started or passed (tidbok.ErrNotAllowed).
	Started = "Tiden har redan börjat eller passerat."
	// BookNotAllowed: the time cannot be booked on the web
	// (tidbok.ErrNotAllowed when booking).
	BookNotAllowed = "Det går inte att boka den här tiden via webben. Kontakta mottagningen."
	// NoCancel: the booking cannot be cancelled on the web
	// (tidbok.ErrNotAllowed when cancelling).
	NoCancel = "Bokningen kan inte avbokas via webben. Kontakta mottagningen."
	// NoReschedule: the booking cannot be moved on the web
	// (tidbok.ErrNotAllowed when rescheduling).
	NoReschedule = "Bokningen kan inte ombokas via webben. Kontakta mottagningen."
	// NoMessage: the clinic takes no message with this booking.
	NoMessage = "Mottagningen tar inte emot meddelanden för den här bokningen."
	// AgentOnlyBook: an agent acting for the citizen may book, nothing
	// else.
	AgentOnlyBook = "Som ombud kan du boka en ny tid, men inte se, av- eller omboka bokningar."

	// Invalid: the request lacks something or is wrong (tidbok.ErrInvalid).
	Invalid = "Uppgifterna räcker inte för att fortsätta. Börja om och försök igen."

	// BookNotSupported, RescheduleNotSupported, CancelNotSupported: the
	// clinic's book does not take the write on the web
	// (tidbok.ErrNotSupported).
	BookNotSupported       = "Mottagningen tar inte emot bokningar via webben. Kontakta mottagningen."
	RescheduleNotSupported = "Mottagningen tar inte emot ombokningar via webben. Kontakta mottagningen."
	CancelNotSupported     = "Mottagningen tar inte emot avbokningar via webben. Kontakta mottagningen."
	// NotOffered: the clinic does not offer this on the web.
	NotOffered = "Mottagningen erbjuder inte den här tjänsten just nu."

	// NotSent: the book could not be reached; nothing changed
	// (tidbok.ErrNotSent).
	NotSent = "Vi kunde inte nå mottagningens tidbok, så ingenting har ändrats. Försök igen om en stund."
	// BookUnknown, RescheduleUnknown, CancelUnknown: the book's answer was
	// lost (tidbok.ErrOutcomeUnknown).
	BookUnknown       = "Vi fick inget svar från mottagningens tidbok och vet inte om tiden blev bokad. Försök igen om en stund – du blir inte dubbelbokad."
	RescheduleUnknown = "Vi fick inget svar från mottagningens tidbok och vet inte om tiden blev ombokad. Försök igen om en stund."
	CancelUnknown     = "Vi fick inget svar från mottagningens tidbok och vet inte om tiden blev avbokad. Försök igen om en stund."
)

// Default returns the catalogue's text for op ended with err, by err's
// kind ([tidbok.KindOf]) and op: for example [SlotTaken] for
// tidbok.ErrSlotTaken, [NoCancel] for tidbok.ErrNotAllowed on
// tidbok.OpCancel, and [Generic] for a nil err or one of no known kind.
// It ignores a text err carries; see [Func.Text].
func Default(op tidbok.Operation, err error) string {
	switch tidbok.KindOf(err) {
	case tidbok.KindSlotTaken:
		return SlotTaken
	case tidbok.KindNotFound:
		if op == tidbok.OpBook {
			return TimeChanged
		}
		return NoBooking
	case tidbok.KindNotAllowed:
		return pick(op, BookNotAllowed, NoReschedule, NoCancel, NotOffered)
	case tidbok.KindInvalid:
		return Invalid
	case tidbok.KindNotSupported:
		return pick(op, BookNotSupported, RescheduleNotSupported, CancelNotSupported, NotOffered)
	case tidbok.KindNotSent:
		return NotSent
	case tidbok.KindOutcomeUnknown:
		return pick(op, BookUnknown, RescheduleUnknown, CancelUnknown, Generic)
	}
	return Generic
}

// pick returns the text of the write op, or other.
func pick(op tidbok.Operation, book, reschedule, cancel, other string) string {
	switch op {
	case tidbok.OpBook:
		return book
	case tidbok.OpReschedule:
		return reschedule
	case tidbok.OpCancel:
		return cancel
	}
	return other
}

// Func is a clinic's own wording: it returns the text for op ended with
// err, or "" to keep the text the caller would show otherwise (the
// catalogue's, or a more particular one of its own). err carries no text
// of the book's own: a book's text ([tidbok.CitizenText]) always wins.
// A Func is called concurrently. The nil Func words nothing.
type Func func(op tidbok.Operation, err error) string

// Text returns the text for op ended with err: err's own text
// ([tidbok.CitizenText]) when it carries one, else f's, else the
// catalogue's ([Default]).
func (f Func) Text(op tidbok.Operation, err error) string {
	if t, ok := tidbok.CitizenText(err); ok {
		return t
	}
	if t := f.Own(op, err); t != "" {
		return t
	}
	return Default(op, err)
}

// Own returns f's text for op ended with err, or "" when f is nil or
// words nothing for it.
func (f Func) Own(op tidbok.Operation, err error) string {
	if f == nil {
		return ""
	}
	return f(op, err)
}
