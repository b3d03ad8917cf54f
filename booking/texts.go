package booking

import "github.com/webbtidbok/webbtidbok/tidbok/texts"

// Texts for the citizen, in plain Swedish, carried in the errors' Text
// fields. The portal shows them verbatim. They never name a person. A
// refusal that a book or the producer may make too reads as the
// catalogue's text (package tidbok/texts); the rest are the flow's own
// refusals, beside it. A clinic words either kind its own way with
// Config.Texts.
const (
	textGeneric          = texts.Generic
	textInvalid          = texts.Invalid
	textForbidden        = "Du kan inte göra det här för den personen."
	textAgentOnlyBook    = texts.AgentOnlyBook
	textNotOffered       = texts.NotOffered
	textNotEligible      = "Den här tjänsten är inte tillgänglig för dig. Kontakta mottagningen."
	textAssurance        = "Du behöver logga in med e-legitimation för att använda den här tjänsten."
	textAssuranceUnknown = "Vi kan inte se hur du har loggat in. Logga ut och logga in igen."
	textTerms            = "Du behöver läsa och godkänna villkoren innan du fortsätter."
	textTermsChanged     = "Villkoren har ändrats. Läs och godkänn de nya villkoren innan du fortsätter."
	textTermsByCitizen   = "Villkoren godkänns av invånaren själv."
	textTooSoon          = "Tiden ligger för nära i tid för att bokas via webben. Välj en senare tid eller kontakta mottagningen."
	textTooFar           = "Tiden ligger för långt fram för att bokas via webben. Välj en tidigare tid."
	textPast             = texts.Started
	textTimeType         = "Tiden kan inte bokas här. Välj en annan tid."
	textSlotTaken        = texts.SlotTaken
	textSlotTakenKeepOld = "Tiden har just blivit bokad av någon annan. Du har kvar din tidigare tid. Välj en annan tid."
	textHeld             = "Någon annan håller just på att boka tiden. Välj en annan tid eller försök igen om några minuter."
	textHeldKeepOld      = "Någon annan håller just på att boka tiden. Du har kvar din tidigare tid. Välj en annan tid eller försök igen om några minuter."
	textHoldExpired      = "Tiden var reserverad åt dig en kort stund, men reservationen har gått ut. Välj tiden igen."
	textTooManyBookings  = "Du har redan så många bokade tider hos mottagningen som går att boka via webben."
	textNoBooking        = texts.NoBooking
	textNoCancel         = texts.NoCancel
	textNoReschedule     = texts.NoReschedule
	textOpenInvitation   = texts.OpenInvitation
	textInvitationBooked = "Kallelsen är redan bokad. Du hittar tiden under Mina bokningar."
	textInvitationNoType = "Kallelsen kan inte bokas via webben. Kontakta mottagningen."
	textNotInvitation    = "Det här är ingen kallelse utan en bokad tid."
	textCancelDeadline   = "Det är för sent att avboka via webben. Kontakta mottagningen."
	textMoveDeadline     = "Det är för sent att omboka via webben. Kontakta mottagningen."
	textTooManyMoves     = "Bokningen har redan ombokats så många gånger som går via webben. Kontakta mottagningen."
	textNoMessage        = texts.NoMessage
	textNotSent          = texts.NotSent
	textBookUnknown      = texts.BookUnknown
	textMoveUnknown      = texts.RescheduleUnknown
	textCancelUnknown    = texts.CancelUnknown
	textInProgress       = "Din begäran behandlas redan. Vänta en stund och försök igen."
	textNoRequest        = "Förfrågan finns inte."
	textStaffOnly        = "Endast personal på mottagningen kan se och avsluta förfrågningar."
)
