package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// clinicInfo is what the contact card says about a clinic besides its case
// types; a real portal reads it from the HSA catalogue.
type clinicInfo struct {
	ID      tidbok.HSAID
	Name    string
	Phone   string
	Address string
	Hours   string
}

// demoClinic is the demo's only clinic.
var demoClinic = clinicInfo{
	ID:      tidbok.MustHSAID("SE2321000016-VC01"),
	Name:    "Vårdcentralen Solrosen",
	Phone:   "010-123 45 67",
	Address: "Solrosvägen 1, 123 45 Exempelstad",
	Hours:   "Vardagar 08.00–17.00",
}

// The demo clinic's time types.
var (
	ttDoctor  = tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}
	ttSample  = tidbok.TimeType{ID: "PROV", Name: "Provtagning"}
	ttVaccine = tidbok.TimeType{ID: "BVC", Name: "Barnvaccination"}
	ttNurse   = tidbok.TimeType{ID: "SSK", Name: "Sjuksköterskebesök"}
)

// The demo clinic's case types.
const (
	ctBook    = "boka"
	ctChild   = "boka-barn"
	ctManage  = "mina"
	ctRequest = "bestall"
	ctNurse   = "boka-ssk" // a draft the local administrator completes
)

// defaultSeedDays is how many days, today included, the demo book has
// slots.
const defaultSeedDays = 28

// demoWeek is the demo clinic's weekly pattern of web-bookable slots.
var demoWeek = []staff.Template{
	{Weekdays: weekdays, DayStart: 8 * time.Hour, DayEnd: 12 * time.Hour, Length: 30 * time.Minute,
		TimeTypeID: ttDoctor.ID, Performer: demoDoctor.ID},
	{Weekdays: weekdays, DayStart: 13 * time.Hour, DayEnd: 15 * time.Hour, Length: 15 * time.Minute,
		TimeTypeID: ttSample.ID, Performer: demoNurse.ID},
	{Weekdays: []time.Weekday{time.Tuesday, time.Thursday}, DayStart: 15 * time.Hour, DayEnd: 16 * time.Hour,
		Length: 20 * time.Minute, TimeTypeID: ttVaccine.ID, Performer: demoNurse.ID},
	{Weekdays: []time.Weekday{time.Monday, time.Wednesday}, DayStart: 10 * time.Hour, DayEnd: 12 * time.Hour,
		Length: 20 * time.Minute, TimeTypeID: ttNurse.ID, Performer: demoNurse.ID},
}

var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

// seedBook sets up the demo clinic in the book as its staff would, and
// publishes the weekly pattern for the days from today's date through
// days-1 days later. It is idempotent: the registers only gain what is
// missing, and slots are published only for the days after the last day
// that already has slots, so a restart publishes nothing twice, and a
// restart weeks later tops the book up. It returns how many slots it
// published.
func seedBook(ctx context.Context, book staff.Book, now time.Time, days int) (int, error) {
	return seedClinicBook(ctx, book, demoClinic, now, days)
}

// seedClinicBook is seedBook for clinic cl.
func seedClinicBook(ctx context.Context, book staff.Book, cl clinicInfo, now time.Time, days int) (int, error) {
	c := cl.ID
	if err := book.AddFacility(ctx, tidbok.Facility{ID: c, Name: cl.Name}); err != nil {
		return 0, fmt.Errorf("seeding the book: %w", err)
	}
	var err error
	for _, tt := range []tidbok.TimeType{ttDoctor, ttSample, ttVaccine, ttNurse} {
		err = errors.Join(err, book.AddTimeType(ctx, c, tt))
	}
	for _, p := range []tidbok.Performer{demoDoctor, demoNurse} {
		err = errors.Join(err, book.AddPerformer(ctx, c, p))
	}
	err = errors.Join(err, book.SetNotice(ctx, c, ttSample.ID, "Kom fastande: ät och drick inget efter kl. 22 kvällen före."))
	if err != nil {
		return 0, fmt.Errorf("seeding the book: %w", err)
	}

	today := tidbok.DateOf(now)
	last := today.AddDays(days - 1)
	from := today
	for d := last; !d.Before(today); d = d.AddDays(-1) {
		slots, err := book.Day(ctx, c, d)
		if err != nil {
			return 0, fmt.Errorf("seeding the book: reading %s: %w", d, err)
		}
		if len(slots) > 0 {
			from = d.AddDays(1)
			break
		}
	}
	if from.After(last) {
		return 0, nil
	}
	// The clinic is closed on public holidays and their eves: the
	// pattern is published for each run of days between them.
	total := 0
	for _, run := range workingRuns(from, last) {
		for _, t := range demoWeek {
			t.Facility, t.From, t.To = c, run[0], run[1]
			n, err := book.PublishWeekly(ctx, t)
			if err != nil {
				return total, fmt.Errorf("seeding the book: publishing %s slots: %w", t.TimeTypeID, err)
			}
			total += n
		}
	}
	return total, nil
}

// workingRuns returns the runs of days from from through last that hold
// no Swedish public holiday or closed eve, each as its first and last
// date.
func workingRuns(from, last tidbok.Date) [][2]tidbok.Date {
	var runs [][2]tidbok.Date
	open := false
	for d := from; !d.After(last); d = d.AddDays(1) {
		if _, closed := swedishHoliday(d); closed {
			open = false
			continue
		}
		if !open {
			runs = append(runs, [2]tidbok.Date{d, d})
			open = true
		}
		runs[len(runs)-1][1] = d
	}
	return runs
}

// demoCaseTypes are the demo clinic's case types; all but the last are
// activated at start.
func demoCaseTypes() []casetype.CaseType {
	const day = 24 * time.Hour
	// The Boka tid case types remind the citizen two days and two hours
	// before the visit.
	remind := func() []time.Duration { return []time.Duration{2 * day, 2 * time.Hour} }
	return []casetype.CaseType{
		{ID: ctBook, Kind: casetype.KindBook, Name: "Boka tid hos läkare eller för provtagning",
			Concerns:    "Läkarbesök för nya besvär, och provtagning som din läkare har ordinerat.",
			TimeTypeIDs: []string{ttDoctor.ID, ttSample.ID},
			Message:     casetype.MessageSettings{Allowed: true, Label: "Information till vården", MaxLen: 200},
			Rules:       casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 28 * day, MaxFutureBookings: 4},
			Assurance:   casetype.AssurancePasswordSMS, Reminders: remind()},
		{ID: ctChild, Kind: casetype.KindBook, Name: "Boka tid för barnvaccination",
			Concerns:    "Vaccinationer enligt barnvaccinationsprogrammet, för barn under 13 år.",
			TimeTypeIDs: []string{ttVaccine.ID},
			Rules:       casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 28 * day},
			Eligibility: casetype.Eligibility{UnderAge: 13},
			Assurance:   casetype.AssuranceEID, Proxy: casetype.ProxyGuardianUnder13, Reminders: remind()},
		{ID: ctManage, Kind: casetype.KindManage, Name: "Mina tidsbokningar – av- och omboka",
			Message: casetype.MessageSettings{Allowed: true, Label: "Meddelande till mottagningen", MaxLen: 200},
			Rules: casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 28 * day, AllowCancel: true, AllowReschedule: true,
				ChangeDeadline: day, MaxReschedules: 2},
			Waitlist:  casetype.Waitlist{Enabled: true, Offers: 3, OfferTTL: 2 * time.Hour, WatchEvery: 30 * time.Second},
			Assurance: casetype.AssurancePasswordSMS, Proxy: casetype.ProxyGuardianUnder13},
		{ID: ctRequest, Kind: casetype.KindRequest, Name: "Beställa tid – skicka en förfrågan",
			Message:   casetype.MessageSettings{Allowed: true, Label: "Beskriv vad du behöver hjälp med", MaxLen: 1000},
			Assurance: casetype.AssurancePasswordSMS},
		// A draft with three problems: no time type, a horizon shorter
		// than the notice, and no terms.
		{ID: ctNurse, Kind: casetype.KindBook, Name: "Boka tid hos sjuksköterska",
			Rules:     casetype.Rules{MinNotice: 2 * day, Horizon: day},
			Assurance: casetype.AssurancePasswordSMS},
	}
}

// demoTerms are the terms of the booking case types.
var demoTerms = map[string]terms.Terms{
	ctBook: {
		ClinicText:   "Välkommen till Vårdcentralen Solrosen. Här bokar du läkarbesök och provtagning.",
		Concerns:     "Läkarbesök för nya besvär, och provtagning som din läkare har ordinerat.",
		MessageLabel: "Information till vården",
		Conditions: "Genom att boka godkänner du att:\n" +
			"- du avbokar senast 24 timmar före besöket om du inte kan komma,\n" +
			"- ett besök som inte avbokas i tid debiteras 200 kr,\n" +
			"- du tar med giltig legitimation till besöket.",
	},
	ctChild: {
		ClinicText: "Barnavårdscentralen vaccinerar enligt det nationella programmet.",
		Conditions: "Genom att boka godkänner du att:\n" +
			"- du som vårdnadshavare följer med barnet till besöket,\n" +
			"- du avbokar senast 24 timmar före besöket om ni inte kan komma.",
	},
	ctManage: {
		ClinicText: "Här ser du dina bokade tider och kan av- eller omboka dem.",
		Conditions: "När du av- eller ombokar godkänner du att:\n" +
			"- ändringar görs senast 24 timmar före besöket,\n" +
			"- en tid kan ombokas högst två gånger via webben.",
	},
}

// seedClinic creates those of the demo clinic's case types that do not
// exist yet, publishes their terms and activates all but the draft. It
// runs at every start and leaves the case types that exist as the
// administrator left them.
func seedClinic(ctx context.Context, cases *casetype.Registry, reg *terms.Registry, book tidbok.Tidbok) error {
	return seedCaseTypes(ctx, cases, reg, book, demoClinic)
}

// seedCaseTypes is seedClinic for clinic cl: its terms greet by its name.
func seedCaseTypes(ctx context.Context, cases *casetype.Registry, reg *terms.Registry, book tidbok.Tidbok, cl clinicInfo) error {
	admin := casetype.Admin{ID: demoAdmin, Clinics: []tidbok.HSAID{cl.ID}}
	var inactive []error
	for _, ct := range demoCaseTypes() {
		ct.Clinic = cl.ID
		switch _, err := cases.Get(ctx, cl.ID, ct.ID); {
		case err == nil:
			continue
		case !errors.Is(err, casetype.ErrNotFound):
			return fmt.Errorf("reading case type %s: %w", ct.ID, err)
		}
		if t, ok := demoTerms[ct.ID]; ok {
			t.ClinicText = strings.ReplaceAll(t.ClinicText, demoClinic.Name, cl.Name)
			if _, err := reg.Publish(ctx, terms.Admin(admin), cl.ID, ct.ID, t); err != nil {
				return fmt.Errorf("seeding the terms of %s: %w", ct.ID, err)
			}
		}
		switch _, err := cases.Create(ctx, admin, ct); {
		case errors.Is(err, casetype.ErrConflict):
			continue // another portal process sharing the database seeded it
		case err != nil:
			return fmt.Errorf("seeding case type %s: %w", ct.ID, err)
		}
		if ct.ID == ctNurse {
			continue
		}
		// One that cannot be activated (a remote book without its time
		// types) stays a draft; the others are still seeded.
		if _, err := cases.Activate(ctx, admin, cl.ID, ct.ID, casetype.ActivationDeps{Book: book, Terms: reg}); err != nil {
			inactive = append(inactive, fmt.Errorf("activating case type %s: %w", ct.ID, err))
		}
	}
	return errors.Join(inactive...)
}
