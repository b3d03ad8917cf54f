package main

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Publishing and withdrawing slots, with the checks a clinic's staff
// need: no slot in the past, no second slot for a clinician at a time
// they already have one, and a question before a slot is removed.
//
// The checks are the staff screen's, not the book's: staff.Book lets a
// clinic publish overlapping slots (two rooms, a group visit) and slots
// that have started (a journal system recording the day as it went), and
// the conformance suite relies on the latter. A screen for publishing
// one slot at a time refuses both, as a clinic's staff expect.

// publishForm is the publish form as sent, shown again with its
// problems.
type publishForm struct {
	Start, Length, TimeType, Performer string
	Web                                bool
	// sent is set for a form that was sent.
	sent bool
}

// withDefaults returns f, or the form's defaults when f was not sent.
func (f publishForm) withDefaults(start string) publishForm {
	if f.sent {
		return f
	}
	return publishForm{Start: start, Length: "30", Web: true}
}

// staffPublish publishes one slot. Every problem with the form is shown
// at once, with the form as it was sent; a slot that starts before now,
// or that overlaps a slot of the same clinician (or, without one, repeats
// a slot of the same time type exactly), is refused.
func (a *app) staffPublish(w http.ResponseWriter, r *http.Request) {
	who, clinic, ok := a.staffAt(w, r)
	if !ok {
		return
	}
	f := publishForm{sent: true, Start: strings.TrimSpace(r.PostFormValue("start")), Length: strings.TrimSpace(r.PostFormValue("langd")),
		TimeType: r.PostFormValue("tidstyp"), Performer: r.PostFormValue("utforare"), Web: r.PostFormValue("webb") == "ja"}
	var ps []formProblem
	day, dayOK := parseDate(r.PostFormValue("datum"))
	if !dayOK {
		day = tidbok.DateOf(a.now())
		ps = append(ps, formProblem{Field: "datum", Label: "Datum", Text: "Välj dagen för tiden."})
	}
	start, startErr := time.Parse("15:04", f.Start)
	if startErr != nil {
		ps = append(ps, formProblem{Field: "start", Label: "Starttid", Text: "Ange starttiden som tt:mm, till exempel 08:30."})
	}
	minutes, err := strconv.Atoi(f.Length)
	if err != nil || minutes < 5 || minutes > 240 {
		ps = append(ps, formProblem{Field: "langd", Label: "Längd", Text: "Ange längden i minuter, mellan 5 och 240."})
	}
	if f.TimeType == "" {
		ps = append(ps, formProblem{Field: "tidstyp", Label: "Tidstyp", Text: "Välj en tidstyp."})
	}
	spec := staff.SlotSpec{Facility: clinic, TimeTypeID: f.TimeType, StaffOnly: !f.Web}
	if f.Performer != "" {
		id, err := tidbok.ParseHSAID(f.Performer)
		if err != nil {
			ps = append(ps, formProblem{Field: "utforare", Label: "Utförare", Text: "Välj en utförare i listan."})
		}
		spec.Performer = id
	}
	if dayOK && startErr == nil {
		at := time.Date(day.Year, day.Month, day.Day, start.Hour(), start.Minute(), 0, 0, tidbok.Stockholm())
		spec.Start = at
		spec.End = at.Add(time.Duration(max(minutes, 0)) * time.Minute)
		now := a.now()
		switch {
		case at.Hour() != start.Hour() || at.Minute() != start.Minute():
			ps = append(ps, formProblem{Field: "start", Label: "Starttid",
				Text: "Klockslaget finns inte den dagen: klockan ställs fram en timme till sommartid. Välj en annan starttid."})
		case at.Before(now):
			ps = append(ps, formProblem{Field: "start", Label: "Starttid",
				Text: fmt.Sprintf("Tiden har redan börjat: nu är det %s kl. %s. Välj en starttid senare än nu.", longDate(tidbok.DateOf(now)), clock(now))})
		}
	}
	if len(ps) == 0 {
		p, err := a.overlapping(r, spec)
		if err != nil {
			a.adminFailed(w, r, err)
			return
		}
		ps = append(ps, p...)
	}
	if len(ps) == 0 {
		_, err := a.staffBook.Publish(r.Context(), spec)
		switch {
		case errors.Is(err, tidbok.ErrInvalid), errors.Is(err, tidbok.ErrNotFound):
			ps = append(ps, formProblem{Field: "tidstyp", Label: "Tidstyp",
				Text: "Tidstypen eller utföraren finns inte i tidboken. Välj dem i listorna igen."})
		case err != nil:
			a.adminFailed(w, r, err)
			return
		}
	}
	if len(ps) > 0 {
		a.showDay(w, r, who, clinic, day, http.StatusUnprocessableEntity, f,
			view{Error: "Tiden publicerades inte. Rätta det här och publicera igen:", Problems: ps})
		return
	}
	a.backToDay(w, r, fmt.Sprintf("Tiden kl. %s är publicerad.", clock(spec.Start)))
}

// overlapping returns a problem for each slot of the day that spec
// would double: one of the same clinician that overlaps it, or, for a
// slot without a clinician, one without a clinician of the same time
// type at the very same time.
func (a *app) overlapping(r *http.Request, spec staff.SlotSpec) ([]formProblem, error) {
	slots, err := a.staffBook.Day(r.Context(), spec.Facility, tidbok.DateOf(spec.Start))
	if err != nil {
		return nil, err
	}
	var ps []formProblem
	for _, s := range slots {
		var text string
		switch {
		case !spec.Performer.IsZero() && s.Performer == spec.Performer && s.Start.Before(spec.End) && spec.Start.Before(s.End):
			text = fmt.Sprintf("%s har redan en tid kl. %s–%s. Samma utförare kan inte ha två tider samtidigt: välj en annan starttid eller utförare.",
				s.PerformerName, clock(s.Start), clock(s.End))
		case spec.Performer.IsZero() && s.Performer.IsZero() && s.TimeType.ID == spec.TimeTypeID && s.Start.Equal(spec.Start) && s.End.Equal(spec.End):
			text = fmt.Sprintf("Det finns redan en likadan tid kl. %s–%s (%s). Välj en annan starttid.", clock(s.Start), clock(s.End), s.TimeType.Name)
		default:
			continue
		}
		ps = append(ps, formProblem{Field: "start", Label: "Starttid", Text: text})
		break
	}
	return ps, nil
}

// withdrawData is the question before a slot is removed.
type withdrawData struct {
	Slot   staff.DaySlot
	Clinic clinicInfo
	Back   string
}

// staffWithdrawPage asks whether to remove the slot "tid" of the day
// "datum": removing is not undone.
func (a *app) staffWithdrawPage(w http.ResponseWriter, r *http.Request) {
	_, clinic, ok := a.staffAt(w, r)
	if !ok {
		return
	}
	day, dayOK := parseDate(r.URL.Query().Get("datum"))
	back := "/personal" + clinicQuery(clinic)
	if dayOK {
		back += "&datum=" + day.String()
	}
	var slot *staff.DaySlot
	if dayOK {
		slots, err := a.staffBook.Day(r.Context(), clinic, day)
		if err != nil {
			a.adminFailed(w, r, err)
			return
		}
		for i := range slots {
			if slots[i].ID == r.URL.Query().Get("tid") && !slots[i].Booked {
				slot = &slots[i]
			}
		}
	}
	if slot == nil {
		a.render(w, r, http.StatusNotFound, "error", view{Title: "Tiden finns inte",
			Data: errorData{Text: "Tiden finns inte längre, eller är bokad.", Links: []link{{back, "Tillbaka till tidboken"}}}})
		return
	}
	a.render(w, r, http.StatusOK, "staff_withdraw", view{Title: "Ta bort tiden?",
		Data: withdrawData{Slot: *slot, Clinic: a.clinics.byID[clinic].info, Back: back},
		Back: back, BackText: "Tillbaka till tidboken"})
}

// cmpSep is the separator before the next query parameter of to.
func cmpSep(to string) string {
	if strings.Contains(to, "?") {
		return "&"
	}
	return "?"
}
