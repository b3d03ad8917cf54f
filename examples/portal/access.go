package main

import (
	"context"
	"net/http"
	"slices"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Access logging (PDL). The booking flow records every read and write of
// a citizen's bookings it makes; the portal records what it does outside
// the flow: logins, and staff reading the clinic's book, one event per
// citizen whose bookings were shown. Every event names the login session
// by sessionRef, and the citizen sees them all on the page "Logg över
// åtkomst".

// sessionRef is what audit events know a session by: a prefix of the
// hash the sessions table keeps, never the ID in the cookie.
func sessionRef(ss *session) string {
	if ss == nil {
		return ""
	}
	return key(ss.id)[:16]
}

// recordLogin records a login of who in the session with ref, or, when
// err is not nil, a login that failed. A failed login's event that could
// not be recorded is logged; a successful login's is returned, so that a
// login that is not logged does not happen.
func (a *app) recordLogin(r *http.Request, who Identity, ref string, err error) error {
	ev := booking.Event{Time: a.now(), Action: booking.ActionLogin, Outcome: booking.OutcomeDone, Session: ref}
	switch {
	case who.IsStaff():
		ev.Caller = booking.Caller{Agent: who.Staff}
		if len(who.StaffAt) > 0 {
			ev.Clinic = who.StaffAt[0]
		}
	case !who.Person.IsZero():
		ev.Caller = booking.Caller{Person: who.Person, Assurance: who.Assurance}
		ev.Subject = who.Person
	}
	if err != nil {
		ev.Outcome, ev.Detail = booking.OutcomeForbidden, loginFailedDetail(err)
	}
	aerr := a.stores.Audit().Record(context.WithoutCancel(r.Context()), ev)
	if aerr != nil && err != nil {
		a.log.Error("a failed login was not recorded in the audit log", "err", aerr)
		return nil
	}
	return aerr
}

// staffRead is a citizen's booking that a staff page shows.
type staffRead struct {
	Subject   tidbok.PersonalNumber
	BookingID string
}

// recordStaffReads records that staff member who read the bookings of
// clinic in the session ss with action act: one event per booking shown, so that
// each citizen's log extract names it. It returns an error if any event
// could not be recorded; the page must then not be shown.
func (a *app) recordStaffReads(r *http.Request, ss *session, who Identity, clinic tidbok.HSAID, act booking.Action, detail string, reads []staffRead) error {
	now := a.now()
	for _, rd := range reads {
		if rd.Subject.IsZero() {
			continue
		}
		err := a.stores.Audit().Record(context.WithoutCancel(r.Context()), booking.Event{
			Time: now, Caller: booking.Caller{Agent: who.Staff}, Subject: rd.Subject, Clinic: clinic,
			Action: act, Outcome: booking.OutcomeDone, BookingID: rd.BookingID, Detail: detail, Session: sessionRef(ss),
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// maxLogRows is how many of the latest events the access log page shows.
const maxLogRows = 500

// accessLogData is what the citizen's access log shows.
type accessLogData struct {
	Rows []accessRow
	// More reports that older events were left out.
	More bool
}

// accessRow is one event, as the citizen reads it.
type accessRow struct {
	booking.Event
	Who, What, Outcome string
}

// accessLog shows the logged-in citizen who read or changed their
// bookings and requests, and who logged in as them: every event of the
// audit log about them, the latest first (loggutdrag).
func (a *app) accessLog(w http.ResponseWriter, r *http.Request) {
	r.SetPathValue("hsa", demoClinic.ID.String())
	c, ok := a.citizenAt(w, r)
	if !ok {
		return
	}
	events, err := a.stores.Audit().Events(r.Context(), sqlstore.AuditQuery{Subject: c.who.Person})
	if err != nil {
		a.unavailable(w, r, err)
		return
	}
	slices.Reverse(events)
	var d accessLogData
	if len(events) > maxLogRows {
		events, d.More = events[:maxLogRows], true
	}
	for _, e := range events {
		d.Rows = append(d.Rows, accessRow{Event: e, Who: whoInLog(e.Caller, c.who), What: actionText(e.Action), Outcome: outcomeText(e.Outcome)})
	}
	a.render(w, r, http.StatusOK, "accesslog", view{Title: "Logg över åtkomst", Data: d,
		Back: "/mina-bokningar", BackText: "Tillbaka till Mina bokningar"})
}

// whoInLog names the caller of an event for the citizen me.
func whoInLog(c booking.Caller, me Identity) string {
	switch {
	case c.IsAgent():
		return "Personal, " + c.Agent.String()
	case c.Person.IsZero():
		return "Okänd"
	case c.Person == me.Person:
		return "Du"
	default:
		// Another person acting for the citizen: a guardian, say. The
		// number is shown masked, as everywhere outside the login.
		return "Annan person, " + c.Person.String()
	}
}

// actionText says in Swedish what an event's action was.
func actionText(act booking.Action) string {
	if t, ok := actionTexts[act]; ok {
		return t
	}
	return string(act)
}

var actionTexts = map[booking.Action]string{
	booking.ActionLogin:         "Inloggning",
	booking.ActionStaffDay:      "Personalen läste dagens tidbok",
	booking.ActionStaffBookings: "Personalen läste bokningar",
	booking.ActionContactCard:   "Mottagningens tjänster visades",
	booking.ActionTerms:         "Villkor",
	booking.ActionSearch:        "Sökte lediga tider",
	booking.ActionHold:          "Reserverade en tid",
	booking.ActionBook:          "Bokade en tid",
	booking.ActionMyBookings:    "Bokningarna visades",
	booking.ActionDetails:       "En bokning visades",
	booking.ActionReschedule:    "Bokade om en tid",
	booking.ActionCancel:        "Avbokade en tid",
	booking.ActionRequest:       "Skickade en förfrågan",
	booking.ActionListRequests:  "Personalen läste förfrågningar",
	booking.ActionCloseRequest:  "Personalen avslutade en förfrågan",
}

// outcomeText says in Swedish how an event ended.
func outcomeText(o booking.Outcome) string {
	switch o {
	case booking.OutcomeDone:
		return "Genomfört"
	case booking.OutcomeForbidden:
		return "Nekat"
	case booking.OutcomeNotFound:
		return "Hittades inte"
	case booking.OutcomeRefused, booking.OutcomeTaken, booking.OutcomeInvalid:
		return "Inte genomfört"
	case booking.OutcomeUnknown:
		return "Oklart utfall"
	default:
		return "Misslyckades"
	}
}
