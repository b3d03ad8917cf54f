package main

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The citizen's booking flow (Boka tid): contact card → case type →
// terms → time type → dates → slots → hold and confirm → confirmation.

type cardData struct {
	Clinic    clinicInfo
	CaseTypes []cardEntry
	// Self is the citizen logged in; Children those they may choose to
	// act for; Subject whom they act for now.
	Self     Person
	Children []choice
	Subject  Person
	ForChild bool
	// MoreWithEID reports that an e-ID login would show more services.
	MoreWithEID bool
	// TooOld reports that the child chosen has turned 13 and must log in
	// personally.
	TooOld bool
	// OwnLogin are the citizen's children who have turned 13: the
	// citizen may not act for them, and they log in themselves.
	OwnLogin []string
}

type cardEntry struct {
	Href, Name, Kind, Concerns string
}

type choice struct {
	Value, Label string
	Selected     bool
}

// contactCard shows the clinic's contact card: its details and the case
// types this citizen may use for the person they act for.
func (a *app) contactCard(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenAt(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	req := booking.ContactCardRequest{Caller: c.scope().Caller, Subject: c.subject.Number, Clinic: c.clinic.ID}
	card, err := c.svc.ContactCard(ctx, req)
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	d := cardData{Clinic: c.clinic, Subject: c.subject, ForChild: c.subject.Number != c.who.Person}
	// Booking first, then the citizen's bookings, then the forms.
	slices.SortStableFunc(card.CaseTypes, func(x, y casetype.CaseType) int { return cmp.Compare(x.Kind, y.Kind) })
	for _, ct := range card.CaseTypes {
		d.CaseTypes = append(d.CaseTypes, cardEntry{
			Href: c.card() + "/" + url.PathEscape(ct.ID), Name: ct.Name, Kind: ct.Kind.String(), Concerns: ct.Concerns,
		})
	}
	if c.who.Assurance != casetype.AssuranceEID {
		req.Caller.Assurance = casetype.AssuranceEID
		if more, err := c.svc.ContactCard(ctx, req); err == nil && len(more.CaseTypes) > len(card.CaseTypes) {
			d.MoreWithEID = true
		}
	}
	d.Self = a.self(r, c.who)
	kids, err := a.people.Children(ctx, c.who.Person)
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	if len(kids) > 0 {
		d.Children = append(d.Children, choice{Value: "jag", Label: d.Self.Name() + " (jag själv)", Selected: !d.ForChild})
		today := tidbok.DateOf(a.now())
		for i, k := range kids {
			sel := k.Number == c.subject.Number
			age := k.Number.AgeOn(today)
			if age >= casetype.GuardianAgeLimit {
				// A guardian acts for a child under 13 only: an older
				// child is not offered, and the page says why.
				d.OwnLogin = append(d.OwnLogin, k.Name()+" ("+strconv.Itoa(age)+" år)")
				d.TooOld = d.TooOld || sel
				continue
			}
			d.Children = append(d.Children, choice{Value: childKey(i),
				Label: k.Name() + " (" + strconv.Itoa(age) + " år)", Selected: sel})
		}
		if len(d.Children) == 1 && !d.ForChild {
			d.Children = nil // only themself to choose
		}
	}
	a.render(w, r, http.StatusOK, "card", view{Title: c.clinic.Name, Data: d})
}

// caseType leads on from the contact card, by the case type's kind.
func (a *app) caseType(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r)
	if !ok {
		return
	}
	switch c.ct.Kind {
	case casetype.KindBook:
		seeOther(w, r, c.base()+"/tidstyp")
	case casetype.KindManage:
		seeOther(w, r, c.base()+"/bokningar")
	case casetype.KindRequest:
		seeOther(w, r, c.base()+"/forfragan")
	default:
		seeOther(w, r, "/mina-bokningar")
	}
}

// needTerms sends the citizen to the terms when they have not accepted
// the current version, and reports whether it did. After accepting they
// come back to the page they asked for.
func (a *app) needTerms(w http.ResponseWriter, r *http.Request, c citizen, back string) bool {
	st, err := c.svc.Terms(r.Context(), c.scope())
	if err != nil {
		a.fail(w, r, c, err)
		return true
	}
	if st.Required && !st.Accepted {
		seeOther(w, r, c.base()+"/villkor?till="+url.QueryEscape(back))
		return true
	}
	return false
}

type termsData struct {
	CaseType casetype.CaseType
	Version  terms.Version
	Docs     terms.Documents
	Accepted bool
	Next     string
}

// termsPage shows the case type's current terms with the checkbox.
func (a *app) termsPage(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindBook, casetype.KindManage)
	if !ok {
		return
	}
	st, err := c.svc.Terms(r.Context(), c.scope())
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	problem, field := "", ""
	if back := c.ss.takeBack(r.URL.Path); back != nil {
		problem = back.Error
		if back.Fields["godkann"] != "" {
			field = "godkann" // the box was not ticked
		}
	}
	a.showTerms(w, r, c, http.StatusOK, st.Version, st.Accepted, localPath(r.URL.Query().Get("till")), problem, field)
}

// showTerms shows the terms v; problem, if any, is about the field with
// the id errField, or the whole form when errField is empty.
func (a *app) showTerms(w http.ResponseWriter, r *http.Request, c citizen, status int, v terms.Version, accepted bool, next, problem, errField string) {
	docs, err := v.Terms.Documents()
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	a.render(w, r, status, "terms", view{Title: "Villkor: " + c.ct.Name, Error: problem, ErrorField: errField,
		Back: c.card(), BackText: "Tillbaka till " + c.clinic.Name,
		Data: termsData{CaseType: c.ct, Version: v, Docs: docs, Accepted: accepted, Next: next}})
}

// acceptTerms records that the citizen ticked the box for the version
// they were shown. If the clinic published a new version meanwhile, the
// new one is shown to accept instead.
func (a *app) acceptTerms(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindBook, casetype.KindManage)
	if !ok {
		return
	}
	next := localPath(r.PostFormValue("till"))
	n, _ := strconv.Atoi(r.PostFormValue("version"))
	if r.PostFormValue("godkann") != "ja" {
		// Back to the terms (POST-redirect-GET), with the problem.
		to := c.base() + "/villkor"
		if next != "" {
			to += "?till=" + url.QueryEscape(next)
		}
		const unticked = "Kryssa i rutan för att godkänna villkoren. Du behöver godkänna dem för att fortsätta."
		refusedTo(w, r, c.ss, &formBack{Path: c.base() + "/villkor", Error: unticked,
			Fields: map[string]string{"godkann": unticked}}, to)
		return
	}
	_, err := c.svc.AcceptTerms(r.Context(), booking.AcceptTermsRequest{Scope: c.scope(), Version: n})
	var te *booking.TermsError
	switch {
	case errors.As(err, &te):
		a.showTerms(w, r, c, http.StatusConflict, te.Show, false, next, te.Text, "")
		return
	case err != nil:
		a.fail(w, r, c, err)
		return
	}
	if next == "" {
		next = c.base()
		if c.ct.Kind == casetype.KindBook {
			next += "/tidstyp"
		} else {
			next += "/bokningar"
		}
	}
	seeOther(w, r, next)
}

type timeTypesData struct {
	CaseType  casetype.CaseType
	TimeTypes []link
}

// timeTypes lets the citizen choose what kind of time to book.
func (a *app) timeTypes(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindBook)
	if !ok || a.needTerms(w, r, c, r.URL.RequestURI()) {
		return
	}
	tts, err := c.svc.TimeTypes(r.Context(), c.scope())
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	if len(tts) == 1 {
		// One choice is no choice: go straight to its dates.
		seeOther(w, r, c.base()+"/datum?tidstyp="+url.QueryEscape(tts[0].ID))
		return
	}
	d := timeTypesData{CaseType: c.ct}
	for _, tt := range tts {
		d.TimeTypes = append(d.TimeTypes, link{c.base() + "/datum?tidstyp=" + url.QueryEscape(tt.ID), tt.Name})
	}
	a.render(w, r, http.StatusOK, "timetypes", view{Title: "Välj typ av tid", Back: c.card(), BackText: "Tillbaka till " + c.clinic.Name, Data: d})
}

// timeTypeName returns the name of the time type the case type shows with
// id, and whether there is one.
func (a *app) timeTypeName(r *http.Request, c citizen, id string) (string, bool) {
	tts, err := c.svc.TimeTypes(r.Context(), c.scope())
	if err != nil {
		return "", false
	}
	for _, tt := range tts {
		if tt.ID == id {
			return tt.Name, true
		}
	}
	return "", false
}

type datesData struct {
	Heading string
	Dates   []link
	// Weeks are Dates grouped by ISO week.
	Weeks    []weekOfDates
	Fallback string // the request form's path, if the clinic has one
	Clinic   clinicInfo
}

// dates shows the dates with free slots of a time type.
func (a *app) dates(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindBook)
	if !ok || a.needTerms(w, r, c, r.URL.RequestURI()) {
		return
	}
	tt := r.URL.Query().Get("tidstyp")
	name, ok := a.timeTypeName(r, c, tt)
	if !ok {
		seeOther(w, r, c.base()+"/tidstyp")
		return
	}
	res, err := c.svc.Dates(r.Context(), booking.SearchRequest{Scope: c.scope(), TimeType: tt})
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	d := datesData{Heading: name, Clinic: c.clinic}
	for _, day := range res.Dates {
		d.Dates = append(d.Dates, link{c.base() + "/tider?tidstyp=" + url.QueryEscape(tt) + "&datum=" + day.String(), longDate(day)})
	}
	d.Weeks = byWeek(res.Dates, d.Dates)
	if res.Fallback != "" {
		d.Fallback = c.card() + "/" + url.PathEscape(res.Fallback) + "/forfragan"
	} else {
		// The request form is there for a citizen whom no free time suits.
		d.Fallback = a.fallbackRequest(r, c, false)
	}
	back, backText := c.base()+"/tidstyp", "Välj en annan typ av tid"
	if tts, err := c.svc.TimeTypes(r.Context(), c.scope()); err == nil && len(tts) == 1 {
		back, backText = c.card(), "Tillbaka till "+c.clinic.Name
	}
	a.render(w, r, http.StatusOK, "dates", view{Title: "Välj dag", Back: back, BackText: backText, Data: d})
}

// slotsData is the list of free slots to choose from, on one date or,
// after a slot was taken, the nearest alternatives.
type slotsData struct {
	Heading string
	Date    tidbok.Date
	Slots   []tidbok.Timeslot
	// Alternatives reports that Slots are alternatives to a taken slot.
	Alternatives bool
	// Action is where the choice is posted.
	Action   string
	Fallback string
	Clinic   clinicInfo
}

// slots shows the free slots of a time type on a date.
func (a *app) slots(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindBook)
	if !ok || a.needTerms(w, r, c, r.URL.RequestURI()) {
		return
	}
	q := r.URL.Query()
	tt := q.Get("tidstyp")
	day, dok := parseDate(q.Get("datum"))
	if tt == "" || !dok {
		seeOther(w, r, c.base()+"/tidstyp")
		return
	}
	res, err := c.svc.Slots(r.Context(), booking.SearchRequest{Scope: c.scope(), TimeType: tt, From: day, To: day})
	// The slots found name their time type, one the case type shows:
	// the book's list of time types is read only for a day without
	// slots, or when the search failed, to tell a time type the case
	// type does not show (back to the list) from a failed search.
	name, ok := "", false
	if err == nil && len(res.Slots) > 0 && res.Slots[0].TimeType.ID == tt && res.Slots[0].TimeType.Name != "" {
		name, ok = res.Slots[0].TimeType.Name, true
	} else {
		name, ok = a.timeTypeName(r, c, tt)
	}
	if !ok {
		seeOther(w, r, c.base()+"/tidstyp")
		return
	}
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	d := slotsData{Heading: name, Date: day, Slots: res.Slots, Action: c.base() + "/tider", Clinic: c.clinic}
	if res.Fallback != "" {
		d.Fallback = c.card() + "/" + url.PathEscape(res.Fallback) + "/forfragan"
	} else {
		d.Fallback = a.fallbackRequest(r, c, false)
	}
	a.render(w, r, http.StatusOK, "slots", view{Title: "Välj tid", Data: d,
		Back: c.base() + "/datum?tidstyp=" + url.QueryEscape(tt), BackText: "Välj en annan dag"})
}

// slotFromForm reads the slot a citizen chose, as the slots page posts
// it. The booking flow looks it up in the book again: nothing posted is
// trusted.
func slotFromForm(r *http.Request) (tidbok.Timeslot, bool) {
	start, err1 := strconv.ParseInt(r.PostFormValue("start"), 10, 64)
	end, err2 := strconv.ParseInt(r.PostFormValue("slut"), 10, 64)
	if err1 != nil || err2 != nil || end <= start {
		return tidbok.Timeslot{}, false
	}
	ts := tidbok.Timeslot{
		ID:       r.PostFormValue("tid"),
		Start:    time.Unix(start, 0).In(tidbok.Stockholm()),
		End:      time.Unix(end, 0).In(tidbok.Stockholm()),
		TimeType: tidbok.TimeType{ID: r.PostFormValue("tidstyp")},
	}
	if p := r.PostFormValue("utforare"); p != "" {
		id, err := tidbok.ParseHSAID(p)
		if err != nil {
			return tidbok.Timeslot{}, false
		}
		ts.Performer = id
	}
	return ts, true
}

// hold reserves the chosen slot while the citizen confirms. If another
// citizen booked or holds it, the citizen sees why, and the nearest free
// times to choose instead.
func (a *app) hold(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindBook)
	if !ok {
		return
	}
	slot, ok := slotFromForm(r)
	if !ok {
		a.errorPage(w, r, http.StatusBadRequest, "Felaktig begäran", "Tiden kunde inte läsas. Gå tillbaka och välj en tid.")
		return
	}
	h, err := c.svc.Hold(r.Context(), booking.HoldRequest{Scope: c.scope(), Slot: slot})
	if err != nil {
		a.slotProblem(w, r, c, err, c.base()+"/tider", "")
		return
	}
	c.ss.setPending(&pendingHold{Hold: h})
	seeOther(w, r, c.base()+"/bekrafta")
}

// slotProblem shows why a chosen slot cannot be had. A taken or held
// slot comes with the nearest free times as buttons that post to action.
func (a *app) slotProblem(w http.ResponseWriter, r *http.Request, c citizen, err error, action, bookingID string) {
	var taken *booking.SlotTakenError
	if !errors.As(err, &taken) {
		a.fail(w, r, c, err)
		return
	}
	d := slotsData{Heading: "Välj en annan tid", Slots: taken.Alternatives, Alternatives: true, Action: action, Clinic: c.clinic}
	d.Fallback = a.fallbackRequest(r, c, bookingID != "")
	back, backText := c.base()+"/tidstyp", "Välj en annan tid"
	if bookingID != "" {
		back = c.base() + "/bokning/" + url.PathEscape(bookingID) + "/omboka"
	}
	a.render(w, r, http.StatusConflict, "slots", view{Title: "Tiden är inte ledig längre", Error: taken.Text,
		Back: back, BackText: backText, Data: d})
}

// fallbackRequest returns the path of a request form the citizen may use
// when no time suits, or "".
func (a *app) fallbackRequest(r *http.Request, c citizen, moving bool) string {
	want := casetype.KindRequest
	if moving {
		want = casetype.KindManageRequest
	}
	card, err := c.svc.ContactCard(r.Context(), booking.ContactCardRequest{Caller: c.scope().Caller, Subject: c.subject.Number, Clinic: c.clinic.ID})
	if err != nil {
		return ""
	}
	for _, ct := range card.CaseTypes {
		if ct.Kind == want {
			return c.card() + "/" + url.PathEscape(ct.ID) + "/forfragan"
		}
	}
	return ""
}

type confirmData struct {
	Slot     tidbok.Timeslot
	Previous tidbok.Timeslot // when moving a booking
	Expires  time.Time
	// Message settings of the case type; Label is the field's label.
	MessageAllowed bool
	MessageLabel   string
	MessageMax     int
	Message        string
	Phone          string
	PhoneMax       int
	// PhoneError is what to correct in the mobile number.
	PhoneError   string
	MessageError string
	Email        string
	EmailOK      bool
	SMSOK        bool
	Key          string
	Action       string
	Release      string
	Subject      Person
	// Notice is a message about the form, e.g. that it is back after
	// a login.
	Notice string
}

// confirmPage shows the held slot, how long it is held, and the form to
// book it with an optional message.
func (a *app) confirmPage(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindBook)
	if !ok {
		return
	}
	if h := c.ss.pending(); h == nil || h.CaseType != c.ct.ID || h.BookingID != "" {
		if to, done := c.ss.doneFrom(r.URL.Path); done {
			links := []link{{to, "Visa bekräftelsen"}}
			if m := a.manageCaseType(r, c); m != "" {
				links = append(links, link{c.card() + "/" + m + "/bokningar", "Till bokningarna"})
			}
			a.alreadyDone(w, r, "Tiden är redan bokad", "Du har redan bokat tiden. Vill du boka en tid till, välj en ny tid.",
				append(links, link{c.base() + "/tidstyp", "Boka en ny tid"})...)
			return
		}
	}
	h, ok := a.livePending(w, r, c, "")
	if !ok {
		return
	}
	back := c.ss.takeBack(r.URL.Path)
	a.showConfirm(w, r, c, http.StatusOK, h, tidbok.Timeslot{}, back)
}

// livePending returns the session's live hold for this case type (and
// booking, when moving one), or sends the citizen back to choose a time.
func (a *app) livePending(w http.ResponseWriter, r *http.Request, c citizen, bookingID string) (*pendingHold, bool) {
	h := c.ss.pending()
	if h == nil || h.CaseType != c.ct.ID || h.BookingID != bookingID || h.Subject != c.subject.Number {
		c.ss.setFlash("Välj en tid först.")
		seeOther(w, r, a.chooseAgain(c, bookingID, tidbok.Timeslot{}))
		return nil, false
	}
	if !h.Expires.After(a.now()) {
		c.ss.setPending(nil)
		c.ss.setFlash("Tiden var reserverad åt dig en kort stund, men reservationen har gått ut. Välj tiden igen.")
		seeOther(w, r, a.chooseAgain(c, bookingID, h.Slot))
		return nil, false
	}
	return h, true
}

// chooseAgain is where to choose a time again: the slots of the held
// slot's date, or the start of the search.
func (a *app) chooseAgain(c citizen, bookingID string, slot tidbok.Timeslot) string {
	if bookingID != "" {
		p := c.base() + "/bokning/" + url.PathEscape(bookingID) + "/omboka"
		if !slot.Start.IsZero() {
			p += "?datum=" + tidbok.DateOf(slot.Start).String()
		}
		return p
	}
	if slot.Start.IsZero() {
		return c.base() + "/tidstyp"
	}
	return c.base() + "/tider?tidstyp=" + url.QueryEscape(slot.TimeType.ID) + "&datum=" + tidbok.DateOf(slot.Start).String()
}

// showConfirm shows the confirm page; back, if not nil, is the form the
// citizen sent and had refused, with what they typed and what to correct.
func (a *app) showConfirm(w http.ResponseWriter, r *http.Request, c citizen, status int, h *pendingHold, previous tidbok.Timeslot, back *formBack) {
	d := confirmData{
		Slot: h.Slot, Previous: previous, Expires: h.Expires, Message: h.Message,
		Key: randomToken(16), Subject: c.subject, PhoneMax: booking.MaxPhoneLen,
		Action: c.base() + "/bekrafta", Release: c.base() + "/slapp",
	}
	problem := ""
	if back != nil {
		d.Message, d.Phone, d.Email = back.value("meddelande"), back.value("telefon"), back.value("epost")
		d.EmailOK, d.SMSOK = back.value("epost-ok") == "ja", back.value("sms-ok") == "ja"
		d.PhoneError, d.MessageError = back.Fields["telefon"], back.Fields["meddelande"]
		problem, d.Notice = back.Error, back.Notice
	}
	if previous.ID != "" {
		d.Action = c.base() + "/bokning/" + url.PathEscape(previous.ID) + "/omboka/bekrafta"
	} else if c.ct.Message.Allowed {
		d.MessageAllowed, d.MessageMax = true, c.ct.Message.MaxLen
		d.MessageLabel = c.ct.Message.Label
		if v, err := a.terms.Current(r.Context(), c.clinic.ID, c.ct.ID); err == nil && v.Terms.MessageLabel != "" {
			d.MessageLabel = v.Terms.MessageLabel
		}
		if d.MessageLabel == "" {
			d.MessageLabel = "Information till vården"
		}
	}
	title := "Bekräfta tiden"
	if previous.ID != "" {
		title = "Bekräfta ombokningen"
	}
	a.render(w, r, status, "confirm", view{Title: title, Error: problem, Data: d})
}

// bookSlot books the held slot. Repeating the same form (a double click, a
// reload) sends the same request key and books once; a repeat while the
// first is still on its way waits for its outcome, for as long as the
// browser waits.
func (a *app) bookSlot(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindBook)
	if !ok {
		return
	}
	key := r.PostFormValue("nyckel")
	if to, ok := c.ss.doneAt(key); ok {
		seeOther(w, r, to)
		return
	}
	h, ok := a.livePending(w, r, c, "")
	if !ok {
		return
	}
	h.Message = strings.TrimSpace(r.PostFormValue("meddelande"))
	if !utf8.ValidString(h.Message) {
		h.Message = ""
	}
	// What the citizen typed comes back with every problem at once if
	// the form is refused.
	back := &formBack{Path: c.base() + "/bekrafta", Fields: map[string]string{}, Values: map[string]string{
		"meddelande": h.Message, "telefon": r.PostFormValue("telefon"), "epost": r.PostFormValue("epost"),
		"epost-ok": r.PostFormValue("epost-ok"), "sms-ok": r.PostFormValue("sms-ok"),
	}}
	phone := strings.TrimSpace(r.PostFormValue("telefon"))
	if phone != "" {
		var ok bool
		if phone, ok = mobileE164(phone); !ok {
			back.Fields["telefon"] = phoneProblem
		}
	}
	if max := c.ct.Message.MaxLen; max > 0 && utf8.RuneCountInString(h.Message) > max {
		back.Fields["meddelande"] = "Meddelandet får vara högst " + strconv.Itoa(max) + " tecken långt. Korta texten och försök igen."
	}
	if len(back.Fields) > 0 {
		var texts []string
		for _, f := range []string{"meddelande", "telefon"} {
			if t := back.Fields[f]; t != "" {
				texts = append(texts, t)
			}
		}
		back.Error = strings.Join(texts, " ")
		c.ss.setPending(h)
		refused(w, r, c.ss, back)
		return
	}
	conf, err := c.svc.Book(r.Context(), booking.BookRequest{
		Scope: c.scope(), Key: key, Hold: h.Token, Reason: h.Message,
		Contact: tidbok.ContactInfo{FirstName: c.subject.FirstName, LastName: c.subject.LastName,
			Phone: phone, Email: strings.TrimSpace(r.PostFormValue("epost"))},
		Consent: consentFrom(r),
	})
	var te *booking.TermsError
	switch {
	case err == nil:
		to := c.base() + "/bekraftelse/" + url.PathEscape(conf.Booking.ID)
		c.ss.setPending(nil)
		c.ss.remember(confirmed{Confirmation: conf, CaseType: c.ct.ID, Phone: phone})
		c.ss.markDoneFrom(key, c.base()+"/bekrafta", to)
		a.markWritten(w, r)
		seeOther(w, r, to)
	case errors.As(err, &te):
		// The clinic changed its terms while the citizen confirmed: show
		// the new ones, and come back here with the hold and message.
		c.ss.setPending(h)
		c.ss.setFlash(termsChanged + " Tiden är fortfarande reserverad åt dig till kl. " + clock(h.Expires) + ".")
		seeOther(w, r, c.base()+"/villkor?till="+url.QueryEscape(c.base()+"/bekrafta"))
	case errors.Is(err, tidbok.ErrSlotTaken):
		c.ss.setPending(nil)
		a.slotProblem(w, r, c, err, c.base()+"/tider", "")
	case errors.Is(err, booking.ErrHoldExpired):
		c.ss.setPending(nil)
		c.ss.setFlash(citizenText(err))
		seeOther(w, r, a.chooseAgain(c, "", h.Slot))
	case errors.Is(err, booking.ErrMessageTooLong), errors.Is(err, booking.ErrMessageNotAllowed), errors.Is(err, booking.ErrContact):
		c.ss.setPending(h)
		back.Error = citizenText(err)
		refused(w, r, c.ss, back)
	default:
		a.fail(w, r, c, err)
	}
}

// release gives up the hold and goes back to the slots of its date.
func (a *app) release(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r, casetype.KindBook, casetype.KindManage)
	if !ok {
		return
	}
	h := c.ss.pending()
	if h == nil {
		seeOther(w, r, c.base())
		return
	}
	c.ss.setPending(nil)
	if err := c.svc.Release(r.Context(), booking.ReleaseRequest{Scope: c.scope(), Token: h.Token}); err != nil {
		a.log.Warn("releasing a hold", "err", err)
	}
	seeOther(w, r, a.chooseAgain(c, h.BookingID, h.Slot))
}

type confirmationData struct {
	confirmed
	Calendar   string
	MyBookings string
	Card       string
	Moved      bool
	Facts      visitFacts
	Phone      string // the mobile number the citizen gave, if any
}

// confirmation shows a booking just made or moved, from the session: the
// book's notice is only in the answer to the booking.
func (a *app) confirmation(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	conf, ok := c.ss.confirmation(id)
	if !ok {
		if m := a.manageCaseType(r, c); m != "" {
			seeOther(w, r, c.card()+"/"+url.PathEscape(m)+"/bokning/"+url.PathEscape(id))
			return
		}
		a.notFound(w, r)
		return
	}
	d := confirmationData{confirmed: conf, Card: c.card(), Moved: conf.Previous.ID != "",
		Calendar: c.base() + "/bokning/" + url.PathEscape(id) + "/kalender.ics",
		Facts:    a.visitFacts(r.Context(), c, conf.Booking), Phone: conf.Phone}
	if m := a.manageCaseType(r, c); m != "" {
		d.MyBookings = c.card() + "/" + url.PathEscape(m) + "/bokningar"
	}
	title := "Din tid är bokad"
	switch {
	case d.Moved && c.forChild():
		title = "Tiden för " + c.subject.FirstName + " är ombokad"
	case d.Moved:
		title = "Din tid är ombokad"
	case c.forChild():
		title = "Tiden för " + c.subject.FirstName + " är bokad"
	}
	a.render(w, r, http.StatusOK, "confirmation", view{Title: title, Data: d})
}

// calendar serves a booking as an iCalendar file: the confirmation's, or
// one made from the booking's details.
func (a *app) calendar(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenUnder(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var ics []byte
	if conf, ok := c.ss.confirmation(id); ok {
		stamp, seq := icsStampAndSequence(conf.ICS)
		ics = a.visitFacts(r.Context(), c, conf.Booking).event(conf.Booking, conf.Notice, stamp, seq).ICS()
	} else {
		m := c.ct.ID
		if c.ct.Kind != casetype.KindManage {
			m = a.manageCaseType(r, c)
		}
		sc := c.scope()
		sc.CaseType = m
		b, err := c.svc.Details(r.Context(), booking.DetailsRequest{Scope: sc, BookingID: id})
		if err != nil {
			a.fail(w, r, c, err)
			return
		}
		ics = a.visitFacts(r.Context(), c, b.Timeslot).event(b.Timeslot, "", a.now(), 0).ICS()
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="bokning.ics"`)
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(ics)
}

// termsChanged is what a citizen who accepted the terms earlier in the
// flow reads when a write is refused for terms not accepted: the clinic
// published a new version meanwhile.
const termsChanged = "Villkoren har ändrats sedan du godkände dem. Läs och godkänn de nya villkoren för att fortsätta."

// parseDate reads a date as "2026-03-10".
func parseDate(s string) (tidbok.Date, bool) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return tidbok.Date{}, false
	}
	return tidbok.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, true
}
