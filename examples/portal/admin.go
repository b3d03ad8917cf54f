package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The clinic's local administrator: case types and their terms.

// adminAt checks that a local administrator of the clinic the request
// names in "mottagning" (see chosenClinic) is logged in, and returns the
// administrator, the clinic and the clinics to choose from; it answers
// the request itself and returns false otherwise.
func (a *app) adminAt(w http.ResponseWriter, r *http.Request) (casetype.Admin, adminClinic, bool) {
	who, ok := sessionOf(r).identity()
	if !ok {
		to := "/logga-in"
		if r.Method == http.MethodGet {
			to += "?till=" + url.QueryEscape(r.URL.RequestURI())
		}
		seeOther(w, r, to)
		return casetype.Admin{}, adminClinic{}, false
	}
	id, ok := a.chosenClinic(r, who.AdminOf)
	if !ok {
		a.adminForbidden(w, r)
		return casetype.Admin{}, adminClinic{}, false
	}
	info, ok := a.ownBookClinic(w, r, id, who.AdminOf, "/admin", "Ärendetyperna och villkoren")
	if !ok {
		return casetype.Admin{}, adminClinic{}, false
	}
	return casetype.Admin{ID: who.Staff, Clinics: who.AdminOf}, adminClinic{info, a.clinicChoices(who.AdminOf, id, "/admin")}, true
}

// adminClinic is the clinic an administration page is about, and the
// clinics the administrator may choose.
type adminClinic struct {
	clinicInfo
	Choices []clinicChoice
}

// q is the query naming the clinic.
func (c adminClinic) Q() string { return clinicQuery(c.ID) }

// adminForbidden answers someone who is not the clinic's local
// administrator: the page says so, and so does the library when it
// refuses a change (casetype.ErrForbidden, terms.ErrForbidden).
func (a *app) adminForbidden(w http.ResponseWriter, r *http.Request) {
	a.errorPage(w, r, http.StatusForbidden, "Endast för lokal administratör",
		"Den här sidan är för mottagningens lokala administratör. Logga in som lokal administratör för att ändra ärendetyper och villkor.")
}

type adminListData struct {
	Clinic    adminClinic
	CaseTypes []adminEntry
}

type adminEntry struct {
	casetype.CaseType
	Status, Edit, Terms string
	TermsVersion        int
}

func statusText(s casetype.Status) string {
	switch s {
	case casetype.StatusActive:
		return "Aktiv"
	case casetype.StatusInactive:
		return "Inaktiv"
	default:
		return "Utkast"
	}
}

// adminList lists the clinic's case types.
func (a *app) adminList(w http.ResponseWriter, r *http.Request) {
	_, clinic, ok := a.adminAt(w, r)
	if !ok {
		return
	}
	all, err := a.cases.List(r.Context(), clinic.ID)
	if err != nil {
		a.adminFailed(w, r, err)
		return
	}
	d := adminListData{Clinic: clinic}
	for _, ct := range all {
		e := adminEntry{CaseType: ct, Status: statusText(ct.Status), Edit: "/admin/arendetyp/" + url.PathEscape(ct.ID) + clinic.Q()}
		if ct.Kind.Books() {
			e.Terms = "/admin/arendetyp/" + url.PathEscape(ct.ID) + "/villkor" + clinic.Q()
			if v, err := a.terms.Current(r.Context(), clinic.ID, ct.ID); err == nil {
				e.TermsVersion = v.Number
			}
		}
		d.CaseTypes = append(d.CaseTypes, e)
	}
	a.render(w, r, http.StatusOK, "admin", view{Title: "Ärendetyper – " + clinic.Name, Data: d})
}

func (a *app) adminFailed(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("administration failed", "path", r.URL.Path, "err", err)
	a.errorPage(w, r, http.StatusInternalServerError, "Något gick fel", "Något gick fel. Försök igen om en stund.")
}

type editData struct {
	Clinic       adminClinic
	CaseType     casetype.CaseType
	Status       string
	TimeTypes    []timeTypeChoice
	TermsVersion int
	Terms        string
	// Form values of the durations, in the units the form uses.
	MinNoticeHours, HorizonDays, DeadlineHours int
	// ReminderHours are the reminders' hours before the visit, "48, 2".
	ReminderHours string
}

type timeTypeChoice struct {
	ID, Name string
	Checked  bool
}

// adminEdit shows a case type's settings for editing, and its status.
func (a *app) adminEdit(w http.ResponseWriter, r *http.Request) {
	_, clinic, ok := a.adminAt(w, r)
	if !ok {
		return
	}
	ct, err := a.cases.Get(r.Context(), clinic.ID, r.PathValue("id"))
	if errors.Is(err, casetype.ErrNotFound) {
		a.notFound(w, r)
		return
	} else if err != nil {
		a.adminFailed(w, r, err)
		return
	}
	a.showEdit(w, r, clinic, http.StatusOK, ct, nil, "")
}

func (a *app) showEdit(w http.ResponseWriter, r *http.Request, clinic adminClinic, status int, ct casetype.CaseType, problems []formProblem, errText string) {
	d := editData{Clinic: clinic, CaseType: ct, Status: statusText(ct.Status),
		MinNoticeHours: int(ct.Rules.MinNotice / time.Hour), HorizonDays: int(ct.Rules.Horizon / (24 * time.Hour)),
		DeadlineHours: int(ct.Rules.ChangeDeadline / time.Hour), ReminderHours: reminderHours(ct.Reminders)}
	if ct.Kind.Books() {
		d.Terms = "/admin/arendetyp/" + url.PathEscape(ct.ID) + "/villkor" + clinic.Q()
		if v, err := a.terms.Current(r.Context(), clinic.ID, ct.ID); err == nil {
			d.TermsVersion = v.Number
		}
	}
	offered, err := a.book.TimeTypes(r.Context(), tidbok.TimeTypesRequest{Facility: clinic.ID, Subject: tidbok.MustPersonalNumber(casetype.ProbeSubject)})
	if err != nil {
		a.log.Warn("reading the book's time types", "err", err)
	}
	for _, tt := range offered.TimeTypes {
		d.TimeTypes = append(d.TimeTypes, timeTypeChoice{ID: tt.ID, Name: tt.Name, Checked: slices.Contains(ct.TimeTypeIDs, tt.ID)})
	}
	for _, id := range ct.TimeTypeIDs {
		if !slices.ContainsFunc(d.TimeTypes, func(c timeTypeChoice) bool { return c.ID == id }) {
			d.TimeTypes = append(d.TimeTypes, timeTypeChoice{ID: id, Name: id + " (finns inte i tidboken)", Checked: true})
		}
	}
	a.render(w, r, status, "admin_edit", view{Title: "Ärendetyp: " + ct.Name, Error: errText, Problems: problems, Data: d,
		Back: "/admin" + clinic.Q(), BackText: "Alla ärendetyper"})
}

// adminSave stores the edited settings.
func (a *app) adminSave(w http.ResponseWriter, r *http.Request) {
	admin, clinic, ok := a.adminAt(w, r)
	if !ok {
		return
	}
	old, err := a.cases.Get(r.Context(), clinic.ID, r.PathValue("id"))
	if errors.Is(err, casetype.ErrNotFound) {
		a.notFound(w, r)
		return
	} else if err != nil {
		a.adminFailed(w, r, err)
		return
	}
	ct, formProblems := caseTypeFromForm(r, old)
	if len(formProblems) > 0 {
		// Every problem at once: those of the values that could not be
		// read, and those an active case type's settings would have.
		if old.Status == casetype.StatusActive {
			formProblems = append(formProblems, settingProblems(r, ct, formProblems)...)
		}
		a.showEdit(w, r, clinic, http.StatusUnprocessableEntity, ct, formProblems, "Ändringarna är inte sparade. Rätta det här och spara igen:")
		return
	}
	saved, err := a.cases.Update(r.Context(), admin, ct)
	switch {
	case err == nil:
		sessionOf(r).setFlash("Ändringarna är sparade.")
		seeOther(w, r, "/admin/arendetyp/"+url.PathEscape(saved.ID)+clinic.Q())
	case errors.Is(err, casetype.ErrForbidden):
		a.adminForbidden(w, r)
	case errors.Is(err, casetype.ErrConflict):
		cur, gerr := a.cases.Get(r.Context(), clinic.ID, old.ID)
		if gerr != nil {
			a.adminFailed(w, r, gerr)
			return
		}
		a.showEdit(w, r, clinic, http.StatusConflict, cur, nil,
			"Någon annan har ändrat ärendetypen sedan du öppnade den. Här är den senaste versionen: gör om dina ändringar och spara igen.")
	case errors.Is(err, tidbok.ErrInvalid):
		a.showEdit(w, r, clinic, http.StatusUnprocessableEntity, ct, swedishProblems(ct, err, editFieldIDs),
			"Ändringarna är inte sparade. Rätta det här och spara igen:")
	default:
		a.adminFailed(w, r, err)
	}
}

// caseTypeFromForm reads the edit form into a copy of old, and lists the
// values it could not read.
func caseTypeFromForm(r *http.Request, old casetype.CaseType) (casetype.CaseType, []formProblem) {
	ct := old
	var ps []formProblem
	num := func(field, label string) int {
		s := strings.TrimSpace(r.PostFormValue(field))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			ps = append(ps, formProblem{Field: field, Label: label, Text: "Ange ett heltal, noll eller större."})
			return 0
		}
		return n
	}
	ct.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	ct.Name = strings.TrimSpace(r.PostFormValue("namn"))
	ct.Concerns = strings.TrimSpace(r.PostFormValue("avser"))
	ct.TimeTypeIDs = r.PostForm["tidstyp"]
	ct.Message.Allowed = r.PostFormValue("meddelande") == "ja"
	ct.Message.Label = strings.TrimSpace(r.PostFormValue("etikett"))
	ct.Message.MaxLen = num("maxlangd", "Meddelandets längd")
	ct.Rules.MinNotice = time.Duration(num("framforhallning", "Framförhållning")) * time.Hour
	ct.Rules.Horizon = time.Duration(num("horisont", "Hur långt fram")) * 24 * time.Hour
	ct.Rules.MaxFutureBookings = num("maxbokningar", "Antal bokade tider")
	if ct.Kind == casetype.KindManage {
		ct.Rules.AllowCancel = r.PostFormValue("avboka") == "ja"
		ct.Rules.AllowReschedule = r.PostFormValue("omboka") == "ja"
		ct.Rules.ChangeDeadline = time.Duration(num("sista", "Sista tid för ändring")) * time.Hour
		ct.Rules.MaxReschedules = num("maxombokningar", "Antal ombokningar")
	}
	if ct.Kind == casetype.KindBook {
		if rs, ok := remindersFromForm(r.PostFormValue("paminnelser")); ok {
			ct.Reminders = rs
		} else {
			ps = append(ps, formProblem{Field: "paminnelser", Label: "Påminnelser", Text: "Ange hela timmar före besöket, åtskilda med kommatecken, t.ex. 48, 2."})
		}
	}
	// A level not chosen stays as it was; unset, activation asks for it.
	switch r.PostFormValue("inloggning") {
	case "sms":
		ct.Assurance = casetype.AssurancePasswordSMS
	case "eid":
		ct.Assurance = casetype.AssuranceEID
	}
	switch r.PostFormValue("ombud") {
	case "vardnadshavare":
		ct.Proxy = casetype.ProxyGuardianUnder13
	default:
		ct.Proxy = casetype.ProxyOwnLogin
	}
	ct.Eligibility.MinAge = num("minalder", "Lägsta ålder")
	ct.Eligibility.UnderAge = num("underalder", "Åldersgräns")
	return ct, ps
}

// adminActivate activates the case type, or shows every problem that
// stands in the way at once.
func (a *app) adminActivate(w http.ResponseWriter, r *http.Request) {
	admin, clinic, ok := a.adminAt(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	ct, err := a.cases.Activate(r.Context(), admin, clinic.ID, id, casetype.ActivationDeps{Book: a.book, Terms: a.terms})
	switch {
	case err == nil:
		sessionOf(r).setFlash("Ärendetypen är aktiv och visas nu på mottagningens kontaktkort.")
		seeOther(w, r, "/admin/arendetyp/"+url.PathEscape(ct.ID)+clinic.Q())
	case errors.Is(err, casetype.ErrNotFound):
		a.notFound(w, r)
	case errors.Is(err, casetype.ErrForbidden):
		a.adminForbidden(w, r)
	case errors.Is(err, casetype.ErrIncomplete):
		cur, gerr := a.cases.Get(r.Context(), clinic.ID, id)
		if gerr != nil {
			a.adminFailed(w, r, gerr)
			return
		}
		ps := swedishProblems(cur, err, editFieldIDs)
		a.showEdit(w, r, clinic, http.StatusUnprocessableEntity, cur, ps,
			fmt.Sprintf("Ärendetypen kan inte aktiveras ännu. Rätta %s och försök igen:", countText(len(ps))))
	case errors.Is(err, casetype.ErrConflict):
		sessionOf(r).setFlash("Någon annan ändrade ärendetypen samtidigt. Försök igen.")
		seeOther(w, r, "/admin/arendetyp/"+url.PathEscape(id)+clinic.Q())
	default:
		a.adminFailed(w, r, err)
	}
}

func countText(n int) string {
	if n == 1 {
		return "det här"
	}
	return "de här " + strconv.Itoa(n) + " sakerna"
}

// adminDeactivate withdraws the case type from the contact card.
func (a *app) adminDeactivate(w http.ResponseWriter, r *http.Request) {
	admin, clinic, ok := a.adminAt(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	_, err := a.cases.Deactivate(r.Context(), admin, clinic.ID, id)
	switch {
	case err == nil:
		sessionOf(r).setFlash("Ärendetypen är inaktiv och visas inte längre för invånarna.")
		seeOther(w, r, "/admin/arendetyp/"+url.PathEscape(id)+clinic.Q())
	case errors.Is(err, casetype.ErrNotFound):
		a.notFound(w, r)
	case errors.Is(err, casetype.ErrForbidden):
		a.adminForbidden(w, r)
	default:
		a.adminFailed(w, r, err)
	}
}

// fieldNames are the case type's and the terms' settings as the
// administration pages name them.
var fieldNames = map[string]string{
	"ID": "Id", "Clinic": "Mottagning", "Kind": "Typ", "Name": "Namn", "Concerns": "Bokningen avser",
	"TimeTypeIDs": "Tidstyper", "Message.Label": "Etikett för meddelande", "Message.MaxLen": "Meddelandets längd",
	"Rules.MinNotice": "Framförhållning", "Rules.Horizon": "Hur långt fram", "Rules.AllowCancel": "Avbokning",
	"Rules.AllowReschedule": "Ombokning", "Rules.ChangeDeadline": "Sista tid för ändring",
	"Rules.MaxReschedules": "Antal ombokningar", "Rules.MaxFutureBookings": "Antal bokade tider",
	"Eligibility.MinAge": "Lägsta ålder", "Eligibility.UnderAge": "Åldersgräns", "Eligibility.Citizens": "Invånare",
	"Assurance": "Inloggning", "Proxy": "Ombud", "Terms": "Villkor", "Book": "Tidbok",
	"Reminders":  "Påminnelser",
	"ClinicText": "Mottagningens text", "MessageLabel": "Etikett för meddelande", "Conditions": "Villkor",
}

// fieldName returns the Swedish name of a field such as "TimeTypeIDs[1]"
// or "Terms.Conditions".
func fieldName(f string) string {
	f = strings.TrimPrefix(f, "Terms.")
	if i := strings.IndexByte(f, '['); i >= 0 {
		f = f[:i]
	}
	if n, ok := fieldNames[f]; ok {
		return n
	}
	return f
}

// swedishProblems lists the problems of err, each with the setting's
// Swedish name, what to do, and the id of its field on the page, from
// ids (editFieldIDs or termsFieldIDs).
func swedishProblems(ct casetype.CaseType, err error, ids func(string) string) []formProblem {
	var out []formProblem
	for _, fe := range tidbok.FieldErrors(err) {
		out = append(out, formProblem{Field: ids(fe.Field), Label: fieldName(fe.Field), Text: problemText(ct, fe)})
	}
	return out
}

// editFieldIDs returns the id of the case type page's field for a field
// of casetype.CaseType ("Rules.Horizon", "TimeTypeIDs[1]"), or of what
// stands for it: the link to the terms for "Terms", the status for the
// book and the clinic.
func editFieldIDs(f string) string {
	if f == "Terms" || strings.HasPrefix(f, "Terms.") {
		return "skriv-villkor"
	}
	if i := strings.IndexByte(f, '['); i >= 0 {
		f = f[:i]
	}
	if id, ok := editFields[f]; ok {
		return id
	}
	return "status"
}

var editFields = map[string]string{
	"Name": "namn", "Concerns": "avser", "TimeTypeIDs": "tidstyper", "Message.Allowed": "meddelande",
	"Message.Label": "etikett", "Message.MaxLen": "maxlangd", "Rules.MinNotice": "framforhallning",
	"Rules.Horizon": "horisont", "Rules.AllowCancel": "avboka", "Rules.AllowReschedule": "omboka",
	"Rules.ChangeDeadline": "sista", "Rules.MaxReschedules": "maxombokningar", "Rules.MaxFutureBookings": "maxbokningar",
	"Eligibility.MinAge": "minalder", "Eligibility.UnderAge": "underalder", "Assurance": "inloggning", "Proxy": "ombud",
	"Reminders": "paminnelser",
}

// termsFieldIDs returns the id of the terms page's field for a field of
// terms.Terms.
func termsFieldIDs(f string) string {
	switch strings.TrimPrefix(f, "Terms.") {
	case "ClinicText":
		return "mottagningstext"
	case "Concerns":
		return "avser"
	case "MessageLabel":
		return "etikett"
	default:
		return "villkor"
	}
}

// settingProblems are the problems casetype.Check finds in the settings
// of ct, less those of fields already in known: those a save of an
// active case type would report, shown with the values that could not
// be read.
func settingProblems(r *http.Request, ct casetype.CaseType, known []formProblem) []formProblem {
	err := casetype.Check(r.Context(), ct, casetype.ActivationDeps{})
	var out []formProblem
	for _, p := range swedishProblems(ct, err, editFieldIDs) {
		if p.Field == "skriv-villkor" || p.Field == "status" || slices.ContainsFunc(known, func(k formProblem) bool { return k.Field == p.Field }) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// problemText says in Swedish what to do about one problem.
func problemText(ct casetype.CaseType, fe *tidbok.FieldError) string {
	f := fe.Field
	switch {
	case f == "Terms":
		return "Villkorstexten är inte skriven. Skriv villkoren som invånaren ska godkänna innan bokning."
	case f == "TimeTypeIDs":
		return "Ingen tidstyp är vald. Välj de tidstyper som invånarna får boka."
	case strings.HasPrefix(f, "TimeTypeIDs["):
		var i int
		if _, err := fmt.Sscanf(f, "TimeTypeIDs[%d]", &i); err == nil && i >= 0 && i < len(ct.TimeTypeIDs) {
			return "Tidstypen ”" + ct.TimeTypeIDs[i] + "” erbjuds inte för webbokning i mottagningens tidbok. Välj en tidstyp som tidboken har."
		}
		return "En vald tidstyp går inte att använda. Välj tidstyperna igen."
	case f == "Rules.Horizon":
		return fmt.Sprintf("Hur långt fram man kan boka (%s) måste vara längre än framförhållningen (%s), annars går ingen tid att boka.",
			days(ct.Rules.Horizon), hours(ct.Rules.MinNotice))
	case f == "Name":
		return "Skriv ett namn som invånarna ser på kontaktkortet (högst 100 tecken)."
	case f == "Concerns":
		return "Texten om vad bokningen avser är för lång (högst 1000 tecken)."
	case f == "Message.MaxLen":
		return "Ange hur många tecken invånaren får skriva (1–4000), eller tillåt inte meddelanden."
	case f == "Rules.AllowCancel":
		return "Tillåt avbokning, ombokning eller båda."
	case f == "Rules.MaxReschedules":
		return "Ett högsta antal ombokningar är angivet, men ombokning är inte tillåten."
	case f == "Eligibility.UnderAge":
		return "Åldersgränsen måste vara högre än lägsta ålder."
	case f == "Reminders" || strings.HasPrefix(f, "Reminders["):
		return "Ange högst tre olika påminnelser, var och en mellan 1 timme och 14 dygn (336 timmar) före besöket."
	case f == "Book":
		return "Mottagningens tidbok stöder inte allt som ärendetypen behöver. Koppla en tidbok som gör det, eller erbjud ett formulär i stället."
	case f == "Clinic":
		return "Mottagningen finns inte i tidboken."
	case f == "Assurance":
		return "Välj vilken inloggning invånaren behöver: e-legitimation, eller även lösenord och sms-kod."
	case f == "Kind" || strings.HasPrefix(f, "Rules.") && strings.Contains(fe.Problem, "while the case type is active"):
		return "Den här ändringen kan inte göras medan ärendetypen är aktiv. Inaktivera den, ändra och aktivera igen."
	case strings.HasPrefix(f, "Terms."), f == "ClinicText", f == "Concerns", f == "Conditions", f == "MessageLabel":
		return termsProblemText(fe.Problem)
	}
	return "Inställningen behöver rättas."
}

func days(d time.Duration) string {
	n := int(d / (24 * time.Hour))
	if n == 1 {
		return "1 dag"
	}
	return strconv.Itoa(n) + " dagar"
}

func hours(d time.Duration) string {
	n := int(d / time.Hour)
	if n == 1 {
		return "1 timme"
	}
	return strconv.Itoa(n) + " timmar"
}

type termsEditData struct {
	Clinic   adminClinic
	CaseType casetype.CaseType
	Current  *terms.Version
	Form     terms.Terms
	Preview  *terms.Documents
	// MaxTextLen and MaxLabelLen are the longest texts and heading the
	// terms take, in characters.
	MaxTextLen, MaxLabelLen int
}

// adminTerms shows the terms editor with the current version.
func (a *app) adminTerms(w http.ResponseWriter, r *http.Request) {
	_, clinic, ok := a.adminAt(w, r)
	if !ok {
		return
	}
	ct, err := a.cases.Get(r.Context(), clinic.ID, r.PathValue("id"))
	if errors.Is(err, casetype.ErrNotFound) || err == nil && !ct.Kind.Books() {
		a.notFound(w, r)
		return
	} else if err != nil {
		a.adminFailed(w, r, err)
		return
	}
	d := termsEditData{Clinic: clinic, CaseType: ct, MaxTextLen: terms.MaxTextLen, MaxLabelLen: terms.MaxLabelLen}
	if v, err := a.terms.Current(r.Context(), clinic.ID, ct.ID); err == nil {
		d.Current, d.Form = &v, v.Terms
	}
	a.render(w, r, http.StatusOK, "admin_terms", view{Title: "Villkor: " + ct.Name, Data: d,
		Back: "/admin/arendetyp/" + url.PathEscape(ct.ID) + clinic.Q(), BackText: "Tillbaka till ärendetypen"})
}

// adminTermsPost previews the terms as citizens will see them, or
// publishes them as a new version.
func (a *app) adminTermsPost(w http.ResponseWriter, r *http.Request) {
	admin, clinic, ok := a.adminAt(w, r)
	if !ok {
		return
	}
	ct, err := a.cases.Get(r.Context(), clinic.ID, r.PathValue("id"))
	if errors.Is(err, casetype.ErrNotFound) || err == nil && !ct.Kind.Books() {
		a.notFound(w, r)
		return
	} else if err != nil {
		a.adminFailed(w, r, err)
		return
	}
	t := terms.Terms{
		ClinicText:   r.PostFormValue("mottagningstext"),
		Concerns:     r.PostFormValue("avser"),
		MessageLabel: strings.TrimSpace(r.PostFormValue("etikett")),
		Conditions:   r.PostFormValue("villkor"),
	}
	d := termsEditData{Clinic: clinic, CaseType: ct, Form: t, MaxTextLen: terms.MaxTextLen, MaxLabelLen: terms.MaxLabelLen}
	if v, err := a.terms.Current(r.Context(), clinic.ID, ct.ID); err == nil {
		d.Current = &v
	}
	v := view{Title: "Villkor: " + ct.Name, Back: "/admin/arendetyp/" + url.PathEscape(ct.ID) + clinic.Q(), BackText: "Tillbaka till ärendetypen"}
	docs, err := t.Documents()
	if err != nil {
		v.Problems = swedishProblems(ct, err, termsFieldIDs)
		v.Error, v.Data = "Villkoren är inte publicerade. Rätta det här:", d
		a.render(w, r, http.StatusUnprocessableEntity, "admin_terms", v)
		return
	}
	if r.PostFormValue("atgard") != "publicera" {
		d.Preview = &docs
		v.Data = d
		a.render(w, r, http.StatusOK, "admin_terms", v)
		return
	}
	pub, err := a.terms.Publish(r.Context(), terms.Admin(admin), clinic.ID, ct.ID, t)
	if err != nil {
		if errors.Is(err, terms.ErrForbidden) {
			a.adminForbidden(w, r)
			return
		}
		if errors.Is(err, tidbok.ErrInvalid) {
			v.Problems = swedishProblems(ct, err, termsFieldIDs)
			v.Error, v.Data = "Villkoren är inte publicerade. Rätta det här:", d
			a.render(w, r, http.StatusUnprocessableEntity, "admin_terms", v)
			return
		}
		a.adminFailed(w, r, err)
		return
	}
	msg := fmt.Sprintf("Version %d av villkoren är publicerad. Invånarna godkänner den nya versionen nästa gång de bokar.", pub.Number)
	if d.Current != nil && d.Current.Number == pub.Number {
		msg = fmt.Sprintf("Villkoren är oförändrade: version %d gäller fortfarande.", pub.Number)
	}
	sessionOf(r).setFlash(msg)
	seeOther(w, r, "/admin/arendetyp/"+url.PathEscape(ct.ID)+"/villkor"+clinic.Q())
}

// termsProblemText says in Swedish what to do about a problem of a text
// of the terms, from the terms package's description of it.
func termsProblemText(problem string) string {
	var n, most, line int
	switch {
	case strings.Contains(problem, "characters long"):
		if _, err := fmt.Sscanf(problem, "is %d characters long; shorten it to at most %d", &n, &most); err == nil {
			return fmt.Sprintf("Texten har %d tecken. Korta den till högst %d tecken.", n, most)
		}
		return "Texten är för lång. Korta den."
	case strings.HasPrefix(problem, "is empty"):
		return "Skriv villkoren som invånaren ska godkänna innan bokning."
	case problem == "must be one line":
		return "Skriv rubriken på en rad."
	case strings.HasPrefix(problem, "line "):
		if _, err := fmt.Sscanf(problem, "line %d", &line); err == nil {
			return fmt.Sprintf("Rad %d går inte att visa som den är skriven. Skriv vanlig text utan formatering och länkar; börja en punkt i en lista med - eller *.", line)
		}
	}
	return "Texten går inte att visa som den är skriven. Skriv vanlig text utan formatering och länkar."
}

// reminderHours writes a case type's reminders as the form shows them,
// in hours before the visit: "48, 2".
func reminderHours(rs []time.Duration) string {
	parts := make([]string, len(rs))
	for i, d := range rs {
		parts[i] = strconv.FormatFloat(d.Hours(), 'f', -1, 64)
	}
	return strings.Join(parts, ", ")
}

// remindersFromForm reads the reminders' whole hours, separated by
// commas or spaces; the case type's checks judge the values. ok is false
// when a part is not a whole number.
func remindersFromForm(s string) (rs []time.Duration, ok bool) {
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil, false
		}
		rs = append(rs, time.Duration(n)*time.Hour)
	}
	return rs, true
}
