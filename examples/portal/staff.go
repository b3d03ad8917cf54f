package main

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// The clinic's staff: the book for a day, publishing and withdrawing
// slots, and the citizens' requests.

// clinicBook is the book as the staff pages use it: its staff side, and
// its citizen side for the names of time types and clinicians. Any book
// with a staff side serves; the portal opens a sqltidbok.Book.
type clinicBook interface {
	staff.Book
	tidbok.Tidbok
}

// staffAt checks that staff of the clinic the request is about are logged
// in, and returns who they are and the clinic; it answers the request
// itself and returns false otherwise. The clinic is the one the request
// names in "mottagning" (the demo clinic when it names none), and must be
// one the staff member works at: any other, whether or not it exists, is
// refused exactly as a page for staff only (see chosenClinic and
// ownBookClinic). Every book call the staff
// pages make names this clinic, so that a slot or booking of another
// clinic sharing the database is answered as not found.
func (a *app) staffAt(w http.ResponseWriter, r *http.Request) (Identity, tidbok.HSAID, bool) {
	who, ok := sessionOf(r).identity()
	if !ok {
		to := "/logga-in"
		if r.Method == http.MethodGet {
			to += "?till=" + url.QueryEscape(r.URL.RequestURI())
		}
		seeOther(w, r, to)
		return who, tidbok.HSAID{}, false
	}
	clinic, ok := a.chosenClinic(r, who.StaffAt)
	if !ok {
		a.errorPage(w, r, http.StatusForbidden, "Endast för personal",
			"Den här sidan är för mottagningens personal. Logga in som personal för att se tidboken.")
		return who, tidbok.HSAID{}, false
	}
	// A clinic of theirs that this portal does not serve, or whose book
	// is its own system's.
	if _, ok := a.ownBookClinic(w, r, clinic, who.StaffAt, "/personal", "Tidboken för personalen"); !ok {
		return who, tidbok.HSAID{}, false
	}
	return who, clinic, true
}

type dayData struct {
	Clinic           clinicInfo
	Clinics          []clinicChoice
	Date             tidbok.Date
	Prev, Next       string
	Rows             []dayRow
	Booked, Free     int
	TimeTypes        []tidbok.TimeType
	Performers       []tidbok.Performer
	Requests         []booking.Request
	DefaultStartTime string
	// Form is the publish form's values.
	Form publishForm
}

type dayRow struct {
	staff.DaySlot
	Status, Who string
	// Phone is the mobile number the citizen gave, if any.
	Phone string
	// Web reports that citizens may book the slot on the web.
	Web bool
}

// staffDay shows the clinic's book for a day: every slot, booked or free,
// web-bookable or for staff only, with the forms to publish and withdraw.
func (a *app) staffDay(w http.ResponseWriter, r *http.Request) {
	who, clinic, ok := a.staffAt(w, r)
	if !ok {
		return
	}
	day := tidbok.DateOf(a.now())
	if d, ok := parseDate(r.URL.Query().Get("datum")); ok {
		day = d
	}
	a.showDay(w, r, who, clinic, day, http.StatusOK, publishForm{}, view{})
}

// showDay shows the clinic's day, with v's errors and the publish form
// as f has it.
func (a *app) showDay(w http.ResponseWriter, r *http.Request, who Identity, clinic tidbok.HSAID, day tidbok.Date, status int, f publishForm, v view) {
	ctx := r.Context()
	slots, err := a.staffBook.Day(ctx, clinic, day)
	if err != nil {
		a.adminFailed(w, r, err)
		return
	}
	bookings, err := a.staffBook.Bookings(ctx, clinic)
	if err != nil {
		a.adminFailed(w, r, err)
		return
	}
	contacts := map[string]tidbok.ContactInfo{}
	for _, b := range bookings {
		contacts[b.ID] = b.Contact
	}
	q := clinicQuery(clinic) + "&datum="
	d := dayData{Clinic: a.clinics.byID[clinic].info, Date: day, DefaultStartTime: "16:00",
		Clinics: a.clinicChoices(who.StaffAt, clinic, "/personal"),
		Prev:    "/personal" + q + day.AddDays(-1).String(), Next: "/personal" + q + day.AddDays(1).String()}
	for _, s := range slots {
		row := dayRow{DaySlot: s, Web: s.WebBookable}
		switch {
		case s.Booked && s.Invitation:
			row.Status = "Kallelse"
		case s.Booked:
			row.Status = "Bokad"
		case s.WebBookable:
			row.Status = "Ledig – bokningsbar på webben"
		default:
			row.Status = "Ledig – bokas bara av personalen"
		}
		if s.Booked {
			d.Booked++
			c := contacts[s.BookingID]
			// The patient's whole personal identity number is the staff's
			// to see; logs mask it still.
			row.Who = c.FirstName + " " + c.LastName + " (" + fullNumber(s.Subject) + ")"
			row.Phone = showPhone(c.Phone)
		} else {
			d.Free++
		}
		d.Rows = append(d.Rows, row)
	}
	// Reading citizens' bookings is logged, one event per booking shown,
	// before they are shown.
	var reads []staffRead
	for _, row := range d.Rows {
		if row.Booked {
			reads = append(reads, staffRead{Subject: row.Subject, BookingID: row.BookingID})
		}
	}
	if err := a.recordStaffReads(r, sessionOf(r), who, clinic, booking.ActionStaffDay, day.String(), reads); err != nil {
		a.unavailable(w, r, err)
		return
	}
	probe := tidbok.MustPersonalNumber(casetype.ProbeSubject)
	if tts, err := a.staffBook.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: clinic, Subject: probe}); err == nil {
		d.TimeTypes = tts.TimeTypes
	}
	if ps, err := a.staffBook.Performers(ctx, tidbok.PerformersRequest{Facility: clinic, Subject: probe}); err == nil {
		d.Performers = ps.Performers
	}
	reqs, err := a.svc.ListRequests(ctx, booking.ListRequests{
		Staff:    booking.Staff{ID: who.Staff, Clinics: who.StaffAt, Session: sessionRef(sessionOf(r))},
		Clinic:   clinic,
		OpenOnly: true,
	})
	if err != nil {
		a.log.Warn("listing requests", "err", err)
	}
	d.Requests = reqs
	d.Form = f.withDefaults(d.DefaultStartTime)
	v.Title, v.Data = "Tidbok "+longDate(day), d
	a.render(w, r, status, "staff", v)
}

func (a *app) backToDay(w http.ResponseWriter, r *http.Request, msg string) {
	if msg != "" {
		sessionOf(r).setFlash(msg)
	}
	to := "/personal"
	if id, err := tidbok.ParseHSAID(r.PostFormValue("mottagning")); err == nil {
		to += clinicQuery(id)
	}
	if d, ok := parseDate(r.PostFormValue("datum")); ok {
		to += cmpSep(to) + "datum=" + d.String()
	}
	seeOther(w, r, to)
}

// staffWithdraw withdraws a free slot.
func (a *app) staffWithdraw(w http.ResponseWriter, r *http.Request) {
	_, clinic, ok := a.staffAt(w, r)
	if !ok {
		return
	}
	err := a.staffBook.Withdraw(r.Context(), clinic, r.PostFormValue("tid"))
	switch {
	case err == nil:
		a.backToDay(w, r, "Tiden är borttagen ur tidboken.")
	case errors.Is(err, tidbok.ErrNotAllowed):
		a.backToDay(w, r, "Tiden är bokad och kan inte tas bort. Avboka den först.")
	case errors.Is(err, tidbok.ErrNotFound), errors.Is(err, tidbok.ErrInvalid):
		a.backToDay(w, r, "Tiden finns inte längre.")
	default:
		a.adminFailed(w, r, err)
	}
}

// staffWebBookable opens a slot for web booking or keeps it for staff.
func (a *app) staffWebBookable(w http.ResponseWriter, r *http.Request) {
	_, clinic, ok := a.staffAt(w, r)
	if !ok {
		return
	}
	on := r.PostFormValue("webb") == "ja"
	err := a.staffBook.SetWebBookable(r.Context(), clinic, r.PostFormValue("tid"), on)
	switch {
	case err == nil && on:
		a.backToDay(w, r, "Tiden går nu att boka på webben.")
	case err == nil:
		a.backToDay(w, r, "Tiden är borttagen från webbokningen: bara personalen kan boka den.")
	case errors.Is(err, tidbok.ErrNotFound), errors.Is(err, tidbok.ErrInvalid):
		a.backToDay(w, r, "Tiden finns inte längre.")
	default:
		a.adminFailed(w, r, err)
	}
}

// staffCloseRequest marks a citizen's request handled.
func (a *app) staffCloseRequest(w http.ResponseWriter, r *http.Request) {
	who, clinic, ok := a.staffAt(w, r)
	if !ok {
		return
	}
	_, err := a.svc.CloseRequest(r.Context(), booking.CloseRequest{
		Staff:  booking.Staff{ID: who.Staff, Clinics: who.StaffAt, Session: sessionRef(sessionOf(r))},
		Clinic: clinic,
		ID:     r.PathValue("id"),
	})
	switch {
	case err == nil:
		a.backToDay(w, r, "Förfrågan är avslutad.")
	case errors.Is(err, tidbok.ErrNotFound):
		a.backToDay(w, r, "Förfrågan finns inte.")
	default:
		a.adminFailed(w, r, err)
	}
}
