package booking_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// books are the ways the flow reaches the clinic's book. Every flow test
// runs over each. The staff side (seeding, inspecting bookings) is always
// the memtidbok.Book behind it, and the faults are those of its faulty
// wrapper, which the producer serves, so a fault is felt through the wire
// too.
var books = []struct {
	name string
	wrap func(t testing.TB, f *fixture) tidbok.Tidbok
}{
	{"memtidbok", func(_ testing.TB, f *fixture) tidbok.Tidbok { return f.faults }},
	{"mvkclient→producer→memtidbok", overTheWire},
}

// overTheWire serves the fixture's book as a crm:scheduling producer on
// loopback and returns a client of it. The producer checks guardians in
// the fixture's register, as the portal does. Calls are not rate limited,
// and a lost write is reconciled within 100 ms, so that tests stay quick.
func overTheWire(t testing.TB, f *fixture) tidbok.Tidbok {
	t.Helper()
	return overTheWireWith(nil)(t, f)
}

// overTheWireWith is overTheWire with the clinic's wording in the
// producer's Config.Texts.
func overTheWireWith(wording texts.Func) func(testing.TB, *fixture) tidbok.Tidbok {
	return func(t testing.TB, f *fixture) tidbok.Tidbok {
		t.Helper()
		return serve(t, f, wording)
	}
}

func serve(t testing.TB, f *fixture, wording texts.Func) tidbok.Tidbok {
	t.Helper()
	h, err := producer.New(f.faults, producer.Config{
		Facilities:  []tidbok.HSAID{clinic},
		AnyConsumer: true,
		Proxies:     producer.GuardianUnder13(f.guardians, f.clock.Now),
		Texts:       wording,
	})
	if err != nil {
		t.Fatalf("producer.New: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := mvkclient.New(mvkclient.Config{
		BaseURL:          srv.URL + "/vp/crm/scheduling",
		RateLimit:        rate.Inf,
		ReconcileDelay:   time.Millisecond,
		ReconcileTimeout: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("mvkclient.New: %v", err)
	}
	return c
}

// forEachBook runs test once per entry of books, in parallel subtests.
func forEachBook(t *testing.T, test func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, b := range books {
		t.Run("over "+b.name, func(t *testing.T) {
			t.Parallel()
			test(t, newFixture(t, b.wrap))
		})
	}
}

// The clinic, its clinician and time types.
var (
	clinic      = testbook.Facility()
	doctor      = tidbok.MustHSAID("SE2321000016-DR01")
	nurse       = tidbok.MustHSAID("SE2321000016-SSK1")
	admin       = casetype.Admin{ID: tidbok.MustHSAID("SE2321000016-ADM1"), Clinics: []tidbok.HSAID{clinic}}
	clinicStaff = booking.Staff{ID: nurse, Clinics: []tidbok.HSAID{clinic}}
)

// The case types of the clinic.
const (
	ctBook       = "boka"       // Boka tid: LAK and PROV, own login, e-ID
	ctBookChild  = "boka-barn"  // Boka tid: LAK, guardians of children under 13
	ctBookAdult  = "boka-vuxen" // Boka tid: LAK, 18 or older, password+SMS
	ctManage     = "mina"       // Av- och omboka: own login
	ctManageKids = "mina-barn"  // Av- och omboka: guardians of children under 13
	ctRequest    = "bestall"    // Beställa tid
)

// t0 is the start of every test: Monday 12 January 2026, 09:00.
var t0 = testbook.DefaultNow()

// clock is a clock tests move by hand; the book and the service share it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is a clinic with a seeded book, active case types, published
// terms and a Service over it.
type fixture struct {
	t         testing.TB
	clock     *clock
	mem       *memtidbok.Book
	faults    *faulty.Book // wraps mem
	book      tidbok.Tidbok
	cases     *casetype.Registry
	terms     *terms.Registry
	audit     *auditLog
	notes     *notifyLog
	guardians *guardianRegister
	svc       *booking.Service
	wrap      func(testing.TB, *fixture) tidbok.Tidbok
}

// newFixture seeds a clinic: weekdays from 13 January to 27 February 2026,
// Läkarbesök (LAK) with Dr Eva Ek 08:00–12:00 in 30-minute slots, and
// Provtagning (PROV) 13:00–15:00 in 15-minute slots; Barnvaccination (BVC)
// exists but no case type shows it.
func newFixture(t testing.TB, wrap func(testing.TB, *fixture) tidbok.Tidbok, opts ...func(*booking.Config)) *fixture {
	t.Helper()
	clk := &clock{now: t0}
	mem, _ := testbook.New(t, memtidbok.WithClock(clk.Now))
	must(t, mem.AddTimeType(t.Context(), clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}))
	must(t, mem.AddTimeType(t.Context(), clinic, tidbok.TimeType{ID: "PROV", Name: "Provtagning"}))
	must(t, mem.AddTimeType(t.Context(), clinic, tidbok.TimeType{ID: "BVC", Name: "Barnvaccination"}))
	must(t, mem.AddPerformer(t.Context(), clinic, tidbok.Performer{ID: doctor, Title: "Dr", FirstName: "Eva", LastName: "Ek"}))
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	from, to := tidbok.Date{Year: 2026, Month: time.January, Day: 12}, tidbok.Date{Year: 2026, Month: time.February, Day: 27}
	for _, tmpl := range []staff.Template{
		{Facility: clinic, From: from, To: to, Weekdays: weekdays, DayStart: 8 * time.Hour, DayEnd: 12 * time.Hour,
			Length: 30 * time.Minute, TimeTypeID: "LAK", Performer: doctor},
		{Facility: clinic, From: from, To: to, Weekdays: weekdays, DayStart: 13 * time.Hour, DayEnd: 15 * time.Hour,
			Length: 15 * time.Minute, TimeTypeID: "PROV"},
		{Facility: clinic, From: from, To: to, Weekdays: weekdays, DayStart: 15 * time.Hour, DayEnd: 16 * time.Hour,
			Length: 15 * time.Minute, TimeTypeID: "BVC"},
	} {
		if _, err := mem.PublishWeekly(t.Context(), tmpl); err != nil {
			t.Fatalf("publishing slots: %v", err)
		}
	}
	f := &fixture{
		t: t, clock: clk, mem: mem, faults: faulty.Wrap(mem), wrap: wrap,
		audit: &auditLog{}, notes: &notifyLog{}, guardians: &guardianRegister{},
	}
	f.book = wrap(t, f)
	f.terms = terms.New(terms.NewMemStore(), terms.WithClock(clk.Now))
	f.cases = casetype.New(casetype.NewMemStore(), casetype.WithClock(clk.Now),
		casetype.WithAudit(casetype.AuditFunc(func(context.Context, casetype.Event) error { return nil })))
	rules := casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 30 * 24 * time.Hour}
	manage := casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 30 * 24 * time.Hour,
		AllowCancel: true, AllowReschedule: true, ChangeDeadline: 24 * time.Hour, MaxReschedules: 2}
	msg := casetype.MessageSettings{Allowed: true, Label: "Information till vården", MaxLen: 50}
	withRules := func(r casetype.Rules, mod func(*casetype.Rules)) casetype.Rules { mod(&r); return r }
	for _, ct := range []casetype.CaseType{
		{ID: ctBook, Kind: casetype.KindBook, Assurance: casetype.AssuranceEID, Name: "Boka tid hos läkare eller provtagning", TimeTypeIDs: []string{"LAK", "PROV"},
			Message: msg, Rules: withRules(rules, func(r *casetype.Rules) { r.MaxFutureBookings = 3 })},
		{ID: ctBookChild, Kind: casetype.KindBook, Assurance: casetype.AssuranceEID, Name: "Boka tid för barn", TimeTypeIDs: []string{"LAK"},
			Rules: rules, Proxy: casetype.ProxyGuardianUnder13},
		{ID: ctBookAdult, Kind: casetype.KindBook, Name: "Boka tid för vuxna", TimeTypeIDs: []string{"LAK"},
			Rules: rules, Eligibility: casetype.Eligibility{MinAge: 18}, Assurance: casetype.AssurancePasswordSMS},
		{ID: ctManage, Kind: casetype.KindManage, Assurance: casetype.AssuranceEID, Name: "Mina tidsbokningar", Message: msg, Rules: manage},
		{ID: ctManageKids, Kind: casetype.KindManage, Assurance: casetype.AssuranceEID, Name: "Barnets tidsbokningar", Rules: manage, Proxy: casetype.ProxyGuardianUnder13},
		{ID: ctRequest, Kind: casetype.KindRequest, Assurance: casetype.AssuranceEID, Name: "Beställa tid",
			Message: casetype.MessageSettings{Allowed: true, MaxLen: 200}},
	} {
		f.activate(ct)
	}
	cfg := booking.Config{
		Book: f.book, CaseTypes: f.cases, Terms: f.terms,
		Audit: f.audit, Notifier: f.notes, Guardians: f.guardians, Now: clk.Now,
	}
	for _, o := range opts {
		o(&cfg)
	}
	svc, err := booking.New(cfg)
	if err != nil {
		t.Fatalf("booking.New: %v", err)
	}
	f.svc = svc
	return f
}

// activate creates the case type at the clinic, publishes its terms and
// activates it.
func (f *fixture) activate(ct casetype.CaseType) {
	f.t.Helper()
	ctx := context.Background()
	ct.Clinic = clinic
	if ct.Kind.Books() {
		f.publishTerms(ct.ID, "- Avboka senast ett dygn före besöket.\n- Kom i god tid.")
	}
	if _, err := f.cases.Create(ctx, admin, ct); err != nil {
		f.t.Fatalf("creating case type %s: %v", ct.ID, err)
	}
	if _, err := f.cases.Activate(ctx, admin, clinic, ct.ID, casetype.ActivationDeps{Book: f.book, Terms: f.terms}); err != nil {
		f.t.Fatalf("activating case type %s: %v", ct.ID, err)
	}
}

func (f *fixture) publishTerms(caseType, conditions string) terms.Version {
	f.t.Helper()
	v, err := f.terms.Publish(context.Background(), terms.Admin(admin), clinic, caseType, terms.Terms{Conditions: conditions})
	if err != nil {
		f.t.Fatalf("publishing terms of %s: %v", caseType, err)
	}
	return v
}

// accept records that person accepted the current terms of the case
// types.
func (f *fixture) accept(person tidbok.PersonalNumber, caseTypes ...string) {
	f.t.Helper()
	for _, ct := range caseTypes {
		v, err := f.terms.Current(context.Background(), clinic, ct)
		if err != nil {
			f.t.Fatalf("terms of %s: %v", ct, err)
		}
		if _, err := f.terms.Accept(context.Background(), person, v); err != nil {
			f.t.Fatalf("accepting terms of %s: %v", ct, err)
		}
	}
}

// scope is a citizen acting for themself under a case type.
func scope(p tidbok.PersonalNumber, caseType string) booking.Scope {
	return booking.Scope{Caller: booking.Caller{Person: p, Assurance: casetype.AssuranceEID}, Subject: p, Clinic: clinic, CaseType: caseType}
}

// citizen returns a citizen born on birth ("yyyymmdd") with a valid
// personnummer; serial tells citizens born the same day apart.
func citizen(birth string, serial int) tidbok.PersonalNumber {
	digits := birth[2:] + fmt.Sprintf("%03d", serial%1000)
	sum := 0
	for i, c := range digits {
		d := int(c-'0') * (2 - i%2)
		sum += d/10 + d%10
	}
	return tidbok.MustPersonalNumber(birth + digits[6:] + strconv.Itoa((10-sum%10)%10))
}

// Citizens of the tests, as of 12 January 2026.
var (
	anna  = citizen("19800101", 1) // adult
	bo    = citizen("19750505", 2) // adult, another citizen
	child = citizen("20160501", 3) // 9 years old
	teen  = citizen("20121001", 4) // 13 years old
)

var contact = tidbok.ContactInfo{FirstName: "Test", LastName: "Testsson", Phone: "0701234567"}

// at returns the instant of a Swedish wall time in January–February 2026.
func at(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, tidbok.Stockholm())
}

// slotAt returns the free slot starting at start, as Slots returns it.
func (f *fixture) slotAt(sc booking.Scope, start time.Time) tidbok.Timeslot {
	f.t.Helper()
	res, err := f.svc.Slots(context.Background(), booking.SearchRequest{Scope: sc, From: tidbok.DateOf(start), To: tidbok.DateOf(start)})
	if err != nil {
		f.t.Fatalf("slots on %s: %v", tidbok.DateOf(start), err)
	}
	for _, s := range res.Slots {
		if s.Start.Equal(start) {
			return s
		}
	}
	f.t.Fatalf("no free slot at %s", start)
	return tidbok.Timeslot{}
}

// bookAt books the slot at start for p, who accepts the terms first.
func (f *fixture) bookAt(p tidbok.PersonalNumber, start time.Time) booking.Confirmation {
	f.t.Helper()
	f.accept(p, ctBook, ctManage)
	sc := scope(p, ctBook)
	c, err := f.svc.Book(context.Background(), booking.BookRequest{
		Scope: sc, Key: "book-" + start.Format(time.RFC3339), Slot: f.slotAt(sc, start), Contact: contact,
	})
	if err != nil {
		f.t.Fatalf("booking %s: %v", start, err)
	}
	return c
}

// bookingsOf returns the book's bookings of p at the clinic, as staff see
// them.
func (f *fixture) bookingsOf(p tidbok.PersonalNumber) []staff.Booking {
	var out []staff.Booking
	for _, b := range f.staffBookings() {
		if b.Subject == p {
			out = append(out, b)
		}
	}
	return out
}

// staffBookings returns every booking at the clinic, as staff see them.
func (f *fixture) staffBookings() []staff.Booking {
	f.t.Helper()
	bs, err := f.mem.Bookings(context.Background(), clinic)
	if err != nil {
		f.t.Fatalf("Bookings: %v", err)
	}
	return bs
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// auditLog keeps audit events.
type auditLog struct {
	mu     sync.Mutex
	events []booking.Event
	fail   error
}

func (l *auditLog) Record(_ context.Context, e booking.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return l.fail
	}
	l.events = append(l.events, e)
	return nil
}

func (l *auditLog) Events() []booking.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// last returns the last event of act.
func (l *auditLog) last(act booking.Action) (booking.Event, bool) {
	evs := l.Events()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == act {
			return evs[i], true
		}
	}
	return booking.Event{}, false
}

// notifyLog keeps notifications.
type notifyLog struct {
	mu    sync.Mutex
	notes []booking.Notification
}

func (l *notifyLog) Notify(_ context.Context, n booking.Notification) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.notes = append(l.notes, n)
	return nil
}

func (l *notifyLog) kinds() []booking.NotificationKind {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []booking.NotificationKind
	for _, n := range l.notes {
		out = append(out, n.Kind)
	}
	return out
}

// guardianRegister is the population register's guardianships.
type guardianRegister struct {
	mu sync.Mutex
	m  map[[2]tidbok.PersonalNumber]bool
}

func (g *guardianRegister) set(guardian, child tidbok.PersonalNumber) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[[2]tidbok.PersonalNumber]bool{}
	}
	g.m[[2]tidbok.PersonalNumber{guardian, child}] = true
}

func (g *guardianRegister) IsGuardian(_ context.Context, guardian, child tidbok.PersonalNumber) (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.m[[2]tidbok.PersonalNumber{guardian, child}], nil
}

// shown is the text a portal shows the citizen for err.
func shown(err error) string {
	t, _ := tidbok.CitizenText(err)
	return t
}

// citizenText fails unless err carries a non-empty citizen text.
func citizenText(t testing.TB, err error) {
	t.Helper()
	var ct interface{ CitizenText() string }
	if !errors.As(err, &ct) || ct.CitizenText() == "" {
		t.Errorf("error %v carries no citizen text", err)
	}
}

// equateIDs lets cmp compare the identity types, whose fields are
// unexported.
var equateIDs = cmpopts.EquateComparable(tidbok.PersonalNumber{}, tidbok.HSAID{})

// faultTaken makes the book refuse the next call of op as taken, as if
// another citizen had just booked the slot.
func faultTaken(op tidbok.Operation) faulty.Fault {
	return faulty.Fault{Times: 1, Err: &tidbok.OpError{Op: op, Err: tidbok.ErrSlotTaken, Text: "Tiden är upptagen."}}
}

// memInvitation is an invitation (kallelse) of p to Läkarbesök at start,
// or an open one for a zero start.
func memInvitation(p tidbok.PersonalNumber, start time.Time) staff.InvitationSpec {
	spec := staff.InvitationSpec{Facility: clinic, Subject: p, TimeTypeID: "LAK", Performer: doctor, Purpose: "Kallelse till hälsokontroll"}
	if !start.IsZero() {
		spec.Start, spec.End = start, start.Add(30*time.Minute)
	}
	return spec
}
