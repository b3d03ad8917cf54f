package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// The booking flow end to end on the SQL stores and the SQL book, as
// portal processes use them: the state survives a restart and is shared
// between processes.

// flowForEachBackend runs test on a fresh database of each backend, in
// parallel subtests.
func flowForEachBackend(t *testing.T, test func(t *testing.T, be dbtest.Backend, dsn string)) {
	t.Helper()
	for _, be := range dbtest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			test(t, be, be.DSN(t))
		})
	}
}

// The clinic, its people and the clock every flow test uses.
var (
	flowNow    = time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm()) // a Monday
	flowClock  = func() time.Time { return flowNow }
	flowWed    = tidbok.Date{Year: 2026, Month: time.March, Day: 4}
	flowClinic = tidbok.MustHSAID("SE2321000016-VC01")
	flowAdmin  = casetype.Admin{ID: tidbok.MustHSAID("SE2321000016-ADM1"), Clinics: []tidbok.HSAID{flowClinic}}
	flowStaff  = booking.Staff{ID: tidbok.MustHSAID("SE2321000016-SSK1"), Clinics: []tidbok.HSAID{flowClinic}}

	flowAnna  = tidbok.MustPersonalNumber("191212121212")
	flowBo    = tidbok.MustPersonalNumber("197501019801")
	flowCilla = tidbok.MustPersonalNumber("198112189876")
	flowDag   = tidbok.MustPersonalNumber("200001012384")

	flowContact = tidbok.ContactInfo{FirstName: "Test", LastName: "Testsson", Phone: "0701234567"}
)

// flowScope is the citizen's own scope under the case type.
func flowScope(citizen tidbok.PersonalNumber, caseType string) booking.Scope {
	return booking.Scope{Caller: booking.Caller{Person: citizen, Assurance: casetype.AssuranceEID}, Subject: citizen, Clinic: flowClinic, CaseType: caseType}
}

// flowPortal is one portal process: its own *sql.DB on the shared
// database, the book and the stores on it, the registries and the
// service.
type flowPortal struct {
	db     *sql.DB
	book   *sqltidbok.Book
	stores *sqlstore.Stores
	cases  *casetype.Registry
	terms  *terms.Registry
	svc    *booking.Service
	once   sync.Once
}

// flowStart starts a portal process on the database dsn names; it is
// stopped when t ends unless stopped before.
func flowStart(t *testing.T, be dbtest.Backend, dsn string) *flowPortal {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open(be.Driver, dsn)
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	db.SetMaxIdleConns(8)
	db.SetMaxOpenConns(8)
	p := &flowPortal{db: db}
	t.Cleanup(func() { p.stop(t) })
	if p.book, err = sqltidbok.Open(ctx, db, be.Dialect, sqltidbok.WithClock(flowClock)); err != nil {
		t.Fatalf("sqltidbok.Open: %v", err)
	}
	if p.stores, err = sqlstore.Open(ctx, db, be.Dialect); err != nil {
		t.Fatalf("sqlstore.Open: %v", err)
	}
	p.cases = casetype.New(p.stores.CaseTypes(), casetype.WithClock(flowClock), casetype.WithAudit(p.stores.CaseTypeAudit()))
	p.terms = terms.New(p.stores.Terms(), terms.WithClock(flowClock))
	p.svc, err = booking.New(booking.Config{
		Book: p.book, CaseTypes: p.cases, Terms: p.terms, Now: flowClock,
		Holds: p.stores.Holds(), Keys: p.stores.Keys(), Moves: p.stores.Moves(),
		Requests: p.stores.Requests(), Audit: p.stores.Audit(),
	})
	if err != nil {
		t.Fatalf("booking.New: %v", err)
	}
	return p
}

// stop closes the book and the process's database handle.
func (p *flowPortal) stop(t testing.TB) {
	p.once.Do(func() {
		if p.book != nil {
			if err := p.book.Close(); err != nil {
				t.Errorf("closing the book: %v", err)
			}
		}
		if err := p.db.Close(); err != nil {
			t.Errorf("closing the database: %v", err)
		}
	})
}

// flowSetupClinic sets the clinic up through p: the staff publish two
// weeks of weekday mornings (20-minute slots from 8 to 12), and the
// administrator publishes terms for and activates "boka" (Boka tid) and
// activates "bestall" (Beställa tid).
func flowSetupClinic(t *testing.T, p *flowPortal) {
	t.Helper()
	ctx := context.Background()
	today := tidbok.DateOf(flowNow)
	err := errors.Join(
		p.book.AddFacility(ctx, tidbok.Facility{ID: flowClinic, Name: "Vårdcentralen Flödet"}),
		p.book.AddTimeType(ctx, flowClinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}),
	)
	if err == nil {
		_, err = p.book.PublishWeekly(ctx, staff.Template{
			Facility: flowClinic, From: today, To: today.AddDays(13),
			Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
			DayStart: 8 * time.Hour, DayEnd: 12 * time.Hour, Length: 20 * time.Minute, TimeTypeID: "LAK",
		})
	}
	if err != nil {
		t.Fatalf("setting up the book: %v", err)
	}
	if _, err := p.terms.Publish(ctx, terms.Admin(flowAdmin), flowClinic, "boka", terms.Terms{Conditions: "- Avboka senast ett dygn före besöket."}); err != nil {
		t.Fatalf("publishing terms: %v", err)
	}
	for _, ct := range []casetype.CaseType{
		{ID: "boka", Kind: casetype.KindBook, Assurance: casetype.AssuranceEID, Name: "Boka tid hos läkare", TimeTypeIDs: []string{"LAK"},
			Rules: casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 14 * 24 * time.Hour, MaxFutureBookings: 2}},
		{ID: "bestall", Kind: casetype.KindRequest, Assurance: casetype.AssuranceEID, Name: "Beställa tid",
			Message: casetype.MessageSettings{Allowed: true, MaxLen: 500}},
	} {
		ct.Clinic = flowClinic
		if _, err := p.cases.Create(ctx, flowAdmin, ct); err != nil {
			t.Fatalf("creating %q: %v", ct.ID, err)
		}
		if _, err := p.cases.Activate(ctx, flowAdmin, flowClinic, ct.ID, casetype.ActivationDeps{Book: p.book, Terms: p.terms}); err != nil {
			t.Fatalf("activating %q: %v", ct.ID, err)
		}
	}
}

// flowAccept has the citizen accept the current terms of sc's case type
// through p.
func flowAccept(t *testing.T, p *flowPortal, sc booking.Scope) {
	t.Helper()
	ctx := context.Background()
	st, err := p.svc.Terms(ctx, sc)
	if err != nil {
		t.Fatalf("Terms: %v", err)
	}
	if _, err := p.svc.AcceptTerms(ctx, booking.AcceptTermsRequest{Scope: sc, Version: st.Version.Number}); err != nil {
		t.Fatalf("AcceptTerms: %v", err)
	}
}

// flowSlots returns the free slots on day that p offers in sc.
func flowSlots(t *testing.T, p *flowPortal, sc booking.Scope, day tidbok.Date) []tidbok.Timeslot {
	t.Helper()
	res, err := p.svc.Slots(context.Background(), booking.SearchRequest{Scope: sc, From: day, To: day})
	if err != nil {
		t.Fatalf("Slots: %v", err)
	}
	return res.Slots
}

// flowOffers reports whether slots has one starting when ts does.
func flowOffers(slots []tidbok.Timeslot, ts tidbok.Timeslot) bool {
	return slices.ContainsFunc(slots, func(s tidbok.Timeslot) bool { return s.Start.Equal(ts.Start) })
}

// flowBookings returns the clinic's bookings as the book (any process's)
// shows them.
func flowBookings(t *testing.T, p *flowPortal) []staff.Booking {
	t.Helper()
	got, err := p.book.Bookings(context.Background(), flowClinic)
	if err != nil {
		t.Fatalf("Bookings: %v", err)
	}
	return got
}

// flowWantHeld fails t unless err is the refusal of a slot another
// citizen holds.
func flowWantHeld(t *testing.T, what string, err error) {
	t.Helper()
	var taken *booking.SlotTakenError
	if !errors.Is(err, booking.ErrHeld) || !errors.Is(err, tidbok.ErrSlotTaken) || !errors.As(err, &taken) {
		t.Errorf("%s: err = %v, want a *SlotTakenError matching ErrHeld", what, err)
	}
}

// flowActions returns "action outcome detail" for each event.
func flowActions(events []booking.Event) []string {
	var out []string
	for _, e := range events {
		s := string(e.Action) + " " + string(e.Outcome)
		if e.Detail != "" {
			s += " " + e.Detail
		}
		out = append(out, s)
	}
	return out
}

// A portal restarts: a new process with a new database handle, book,
// stores, registries and service finds what the old one decided.
func TestFlowSurvivesRestart(t *testing.T) {
	t.Parallel()
	flowForEachBackend(t, func(t *testing.T, be dbtest.Backend, dsn string) {
		ctx := context.Background()
		p := flowStart(t, be, dsn)
		flowSetupClinic(t, p)
		anna, bo, cilla := flowScope(flowAnna, "boka"), flowScope(flowBo, "boka"), flowScope(flowCilla, "boka")
		flowAccept(t, p, anna)
		flowAccept(t, p, bo)

		// Anna holds Wednesday's first slot and books it.
		slots := flowSlots(t, p, anna, flowWed)
		if len(slots) != 12 {
			t.Fatalf("free slots on %v = %d, want 12", flowWed, len(slots))
		}
		h, err := p.svc.Hold(ctx, booking.HoldRequest{Scope: anna, Slot: slots[0]})
		if err != nil {
			t.Fatalf("Hold: %v", err)
		}
		req := booking.BookRequest{Scope: anna, Key: "anna-confirm-1", Hold: h.Token, Contact: flowContact}
		conf, err := p.svc.Book(ctx, req)
		if err != nil {
			t.Fatalf("Book: %v", err)
		}
		if conf.Replayed || conf.Booking.ID == "" || !conf.Booking.Start.Equal(slots[0].Start) {
			t.Fatalf("confirmation = %+v, want a new booking at %v", conf.Booking, slots[0].Start)
		}
		// Cilla holds the second slot and has not confirmed yet.
		cillaHold, err := p.svc.Hold(ctx, booking.HoldRequest{Scope: cilla, Slot: slots[1]})
		if err != nil {
			t.Fatalf("Hold (Cilla): %v", err)
		}
		// Bo asks the staff to call him.
		msg := "Ring mig om provsvaren, tack."
		r, err := p.svc.SubmitRequest(ctx, booking.SubmitRequest{Scope: flowScope(flowBo, "bestall"), Message: msg, Contact: flowContact})
		if err != nil {
			t.Fatalf("SubmitRequest: %v", err)
		}
		before, err := p.stores.Audit().Events(ctx, sqlstore.AuditQuery{})
		if err != nil {
			t.Fatalf("Audit().Events: %v", err)
		}
		want := []string{"hold done", "book done", "hold done", "request done"}
		if diff := cmp.Diff(want, flowActions(before)); diff != "" {
			t.Fatalf("audit events before the restart (-want +got):\n%s", diff)
		}
		ctBefore, err := p.stores.CaseTypeAudit().Events(ctx, flowClinic, time.Time{}, time.Time{})
		if err != nil {
			t.Fatalf("CaseTypeAudit().Events: %v", err)
		}
		if len(ctBefore) != 4 { // create and activate, twice
			t.Fatalf("case type audit events before the restart = %d, want 4", len(ctBefore))
		}

		// The restart.
		p.stop(t)
		p = flowStart(t, be, dsn)

		// The case types are still active.
		for _, id := range []string{"boka", "bestall"} {
			ct, err := p.cases.Get(ctx, flowClinic, id)
			if err != nil {
				t.Fatalf("Get %q: %v", id, err)
			}
			if ct.Status != casetype.StatusActive || ct.Version != 2 || ct.Activated.By != flowAdmin.ID {
				t.Errorf("%q after the restart: status %v, version %d, activated by %v; want active at version 2 by the admin",
					id, ct.Status, ct.Version, ct.Activated.By)
			}
		}
		card, err := p.svc.ContactCard(ctx, booking.ContactCardRequest{Caller: anna.Caller, Subject: flowAnna, Clinic: flowClinic})
		if err != nil {
			t.Fatalf("ContactCard: %v", err)
		}
		var ids []string
		for _, ct := range card.CaseTypes {
			ids = append(ids, ct.ID)
		}
		slices.Sort(ids)
		if diff := cmp.Diff([]string{"bestall", "boka"}, ids); diff != "" {
			t.Errorf("contact card after the restart (-want +got):\n%s", diff)
		}

		// Anna's acceptance is still there; Cilla never accepted.
		st, err := p.svc.Terms(ctx, anna)
		if err != nil {
			t.Fatalf("Terms: %v", err)
		}
		if !st.Required || !st.Accepted || st.Version.Number != 1 {
			t.Errorf("Anna's terms after the restart = required %v, accepted %v, version %d; want version 1 accepted",
				st.Required, st.Accepted, st.Version.Number)
		}
		if st, err := p.svc.Terms(ctx, cilla); err != nil || st.Accepted {
			t.Errorf("Cilla's terms after the restart = accepted %v, %v; want not accepted", st.Accepted, err)
		}

		// The repeat of Anna's Book returns the stored outcome.
		again, err := p.svc.Book(ctx, req)
		if err != nil {
			t.Fatalf("repeated Book: %v", err)
		}
		if !again.Replayed || again.Booking.ID != conf.Booking.ID || !again.Booking.Start.Equal(conf.Booking.Start) ||
			again.Summary != conf.Summary {
			t.Errorf("repeated Book = %+v (replayed %v), want the stored outcome %+v", again.Booking, again.Replayed, conf.Booking)
		}
		if got := flowBookings(t, p); len(got) != 1 || got[0].ID != conf.Booking.ID || !got[0].Subject.Equal(flowAnna) {
			t.Fatalf("the book holds %+v, want Anna's one booking", got)
		}

		// Cilla's hold still keeps the slot from Bo.
		_, err = p.svc.Book(ctx, booking.BookRequest{Scope: bo, Key: "bo-confirm-1", Slot: slots[1], Contact: flowContact})
		flowWantHeld(t, "Bo booking Cilla's held slot after the restart", err)
		_, err = p.svc.Hold(ctx, booking.HoldRequest{Scope: bo, Slot: slots[1]})
		flowWantHeld(t, "Bo holding Cilla's held slot after the restart", err)
		if free := flowSlots(t, p, bo, flowWed); flowOffers(free, slots[0]) || flowOffers(free, slots[1]) || !flowOffers(free, slots[2]) {
			t.Errorf("Bo is offered %d slots; want neither the booked nor the held slot, but the third", len(free))
		}
		// Cilla accepts the terms and books with her hold.
		flowAccept(t, p, cilla)
		cconf, err := p.svc.Book(ctx, booking.BookRequest{Scope: cilla, Key: "cilla-confirm-1", Hold: cillaHold.Token, Contact: flowContact})
		if err != nil {
			t.Fatalf("Cilla booking with her hold from before the restart: %v", err)
		}
		if cconf.Replayed || !cconf.Booking.Start.Equal(slots[1].Start) {
			t.Errorf("Cilla's booking = %+v, want a new booking at %v", cconf.Booking, slots[1].Start)
		}
		if got := flowBookings(t, p); len(got) != 2 {
			t.Errorf("the book holds %d bookings, want 2", len(got))
		}

		// Bo's request is there for the staff.
		open, err := p.svc.ListRequests(ctx, booking.ListRequests{Staff: flowStaff, Clinic: flowClinic, OpenOnly: true})
		if err != nil {
			t.Fatalf("ListRequests: %v", err)
		}
		if len(open) != 1 || open[0].ID != r.ID || open[0].Message != msg || !open[0].Subject.Equal(flowBo) ||
			open[0].Kind != casetype.KindRequest || !open[0].Created.Equal(flowNow) || !open[0].IsOpen() {
			t.Errorf("open requests after the restart = %+v, want Bo's %q", open, r.ID)
		}

		// The audit events from before come first, unchanged.
		after, err := p.stores.Audit().Events(ctx, sqlstore.AuditQuery{})
		if err != nil {
			t.Fatalf("Audit().Events: %v", err)
		}
		if len(after) <= len(before) {
			t.Fatalf("audit events: %d before the restart, %d after; want more after", len(before), len(after))
		}
		if diff := cmp.Diff(before, after[:len(before)]); diff != "" {
			t.Errorf("audit events from before the restart (-before +after):\n%s", diff)
		}
		mine, err := p.stores.Audit().Events(ctx, sqlstore.AuditQuery{Subject: flowAnna, Clinic: flowClinic})
		if err != nil {
			t.Fatalf("Audit().Events (Anna): %v", err)
		}
		want = []string{"hold done", "book done", "book done replayed: stored outcome of the request key"}
		if diff := cmp.Diff(want, flowActions(mine)); diff != "" {
			t.Errorf("Anna's audit events (-want +got):\n%s", diff)
		} else if mine[1].BookingID != conf.Booking.ID || mine[2].BookingID != conf.Booking.ID || !mine[1].Time.Equal(flowNow) {
			t.Errorf("Anna's book events = %+v, %+v; want booking %q at %v", mine[1], mine[2], conf.Booking.ID, flowNow)
		}
		ctAfter, err := p.stores.CaseTypeAudit().Events(ctx, flowClinic, time.Time{}, time.Time{})
		if err != nil {
			t.Fatalf("CaseTypeAudit().Events: %v", err)
		}
		if diff := cmp.Diff(ctBefore, ctAfter); diff != "" {
			t.Errorf("case type audit events after the restart (-before +after):\n%s", diff)
		}
	})
}

// Two portal processes, each with its own database handle, share one
// database: what one decides, the other honours.
func TestFlowSharedBetweenProcesses(t *testing.T) {
	t.Parallel()
	flowForEachBackend(t, func(t *testing.T, be dbtest.Backend, dsn string) {
		ctx := context.Background()
		a, b := flowStart(t, be, dsn), flowStart(t, be, dsn)
		flowSetupClinic(t, a)
		anna, bo, cilla, dag := flowScope(flowAnna, "boka"), flowScope(flowBo, "boka"), flowScope(flowCilla, "boka"), flowScope(flowDag, "boka")
		for _, sc := range []booking.Scope{anna, bo, dag} {
			flowAccept(t, a, sc)
		}
		// B offers what the clinic set up through A, and knows whom A
		// recorded as having accepted the terms.
		slots := flowSlots(t, b, bo, flowWed)
		if len(slots) != 12 {
			t.Fatalf("free slots through B = %d, want 12", len(slots))
		}
		if st, err := b.svc.Terms(ctx, bo); err != nil || !st.Accepted {
			t.Errorf("Bo's terms through B = accepted %v, %v; want accepted through A", st.Accepted, err)
		}

		t.Run("hold", func(t *testing.T) {
			// Cilla holds the first slot through A: Bo cannot have it
			// through B, nor see it.
			ch, err := a.svc.Hold(ctx, booking.HoldRequest{Scope: cilla, Slot: slots[0]})
			if err != nil {
				t.Fatalf("Hold through A: %v", err)
			}
			_, err = b.svc.Hold(ctx, booking.HoldRequest{Scope: bo, Slot: slots[0]})
			flowWantHeld(t, "Bo holding through B", err)
			_, err = b.svc.Book(ctx, booking.BookRequest{Scope: bo, Key: "bo-held", Slot: slots[0], Contact: flowContact})
			flowWantHeld(t, "Bo booking through B", err)
			if free := flowSlots(t, b, bo, flowWed); flowOffers(free, slots[0]) || !flowOffers(free, slots[1]) {
				t.Errorf("B offers Bo %d slots, with the held one %v; want all but the held one", len(free), flowOffers(free, slots[0]))
			}
			// Released through B, the slot is Bo's to hold, and then
			// Cilla's hold through A is refused.
			if err := b.svc.Release(ctx, booking.ReleaseRequest{Scope: cilla, Token: ch.Token}); err != nil {
				t.Fatalf("Release through B: %v", err)
			}
			if _, err := b.svc.Hold(ctx, booking.HoldRequest{Scope: bo, Slot: slots[0]}); err != nil {
				t.Fatalf("Bo holding the released slot through B: %v", err)
			}
			_, err = a.svc.Hold(ctx, booking.HoldRequest{Scope: cilla, Slot: slots[0]})
			flowWantHeld(t, "Cilla holding Bo's slot through A", err)
			if got := flowBookings(t, a); len(got) != 0 {
				t.Errorf("the book holds %d bookings, want none", len(got))
			}
		})

		t.Run("request key", func(t *testing.T) {
			// Anna's portal sends her confirmation to A, then, after a
			// timeout, to B.
			req := booking.BookRequest{Scope: anna, Key: "anna-confirm-1", Slot: slots[1], Contact: flowContact}
			first, err := a.svc.Book(ctx, req)
			if err != nil {
				t.Fatalf("Book through A: %v", err)
			}
			second, err := b.svc.Book(ctx, req)
			if err != nil {
				t.Fatalf("Book through B: %v", err)
			}
			if first.Replayed || !second.Replayed || second.Booking.ID != first.Booking.ID {
				t.Errorf("Book through A = %q (replayed %v), through B = %q (replayed %v); want one booking, replayed by B",
					first.Booking.ID, first.Replayed, second.Booking.ID, second.Replayed)
			}
			// The key names that booking in both: not another slot.
			other := req
			other.Slot = slots[2]
			_, err = b.svc.Book(ctx, other)
			if !errors.Is(err, booking.ErrKeyReused) || !errors.Is(err, tidbok.ErrInvalid) {
				t.Errorf("the key for another slot through B: err = %v, want ErrKeyReused", err)
			}

			// Dag's confirmation reaches both at once.
			req = booking.BookRequest{Scope: dag, Key: "dag-confirm-1", Slot: slots[3], Contact: flowContact}
			confs := make([]booking.Confirmation, 2)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, p := range []*flowPortal{a, b} {
				wg.Go(func() {
					// A repeat while the other call runs waits for
					// its outcome.
					confs[i], errs[i] = p.svc.Book(ctx, req)
				})
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("Dag's Book through process %d: %v", i, err)
				}
			}
			if confs[0].Booking.ID != confs[1].Booking.ID || confs[0].Replayed == confs[1].Replayed {
				t.Errorf("Dag's Book through A = %q (replayed %v), through B = %q (replayed %v); want one booking, one replayed",
					confs[0].Booking.ID, confs[0].Replayed, confs[1].Booking.ID, confs[1].Replayed)
			}

			got := flowBookings(t, b)
			var ids []string
			for _, bk := range got {
				ids = append(ids, bk.ID)
			}
			if diff := cmp.Diff([]string{first.Booking.ID, confs[0].Booking.ID}, ids); diff != "" {
				t.Errorf("bookings in the book (-want +got):\n%s", diff)
			}
			// Both processes' events are in one log.
			events, err := a.stores.Audit().Events(ctx, sqlstore.AuditQuery{Subject: flowAnna})
			if err != nil {
				t.Fatalf("Audit().Events: %v", err)
			}
			want := []string{"book done", "book done replayed: stored outcome of the request key"}
			if got := flowActions(events); len(events) != 3 || !slices.Equal(want, got[:2]) ||
				events[2].Action != booking.ActionBook || events[2].Outcome != booking.OutcomeInvalid {
				t.Errorf("Anna's audit events = %q, want %q and the reused key refused", got, want)
			}
		})

		t.Run("case types", func(t *testing.T) {
			// Deactivated through A, "bestall" is not offered through
			// B; activated through B, it is offered through A.
			if _, err := a.cases.Deactivate(ctx, flowAdmin, flowClinic, "bestall"); err != nil {
				t.Fatalf("Deactivate through A: %v", err)
			}
			nr := booking.SubmitRequest{Scope: flowScope(flowBo, "bestall"), Message: "Ring mig."}
			if _, err := b.svc.SubmitRequest(ctx, nr); !errors.Is(err, booking.ErrNotOffered) {
				t.Errorf("SubmitRequest through B after deactivating through A: err = %v, want ErrNotOffered", err)
			}
			if _, err := b.cases.Activate(ctx, flowAdmin, flowClinic, "bestall", casetype.ActivationDeps{Book: b.book, Terms: b.terms}); err != nil {
				t.Fatalf("Activate through B: %v", err)
			}
			ct, err := a.cases.Get(ctx, flowClinic, "bestall")
			if err != nil || ct.Status != casetype.StatusActive || ct.Version != 4 {
				t.Errorf("Get through A = status %v, version %d, %v; want active at version 4", ct.Status, ct.Version, err)
			}
			if _, err := a.svc.SubmitRequest(ctx, nr); err != nil {
				t.Errorf("SubmitRequest through A after activating through B: %v", err)
			}

			// Both read version 4; A's change is stored, B's refused.
			ctA, errA := a.cases.Get(ctx, flowClinic, "bestall")
			ctB, errB := b.cases.Get(ctx, flowClinic, "bestall")
			if err := errors.Join(errA, errB); err != nil {
				t.Fatalf("Get: %v", err)
			}
			ctA.Name, ctB.Name = "Beställ tid", "Be om en tid"
			if _, err := a.cases.Update(ctx, flowAdmin, ctA); err != nil {
				t.Fatalf("Update through A: %v", err)
			}
			if _, err := b.cases.Update(ctx, flowAdmin, ctB); !errors.Is(err, casetype.ErrConflict) {
				t.Errorf("stale Update through B: err = %v, want casetype.ErrConflict", err)
			}
			if ct, err := b.cases.Get(ctx, flowClinic, "bestall"); err != nil || ct.Name != "Beställ tid" || ct.Version != 5 {
				t.Errorf("Get through B = %q at version %d, %v; want A's change at version 5", ct.Name, ct.Version, err)
			}
			// Writing the store directly, an insert of an existing case
			// type conflicts too.
			if err := b.stores.CaseTypes().Put(ctx, ctB, 0); !errors.Is(err, casetype.ErrConflict) {
				t.Errorf("Put of an existing case type through B: err = %v, want casetype.ErrConflict", err)
			}
		})

		t.Run("requests", func(t *testing.T) {
			r, err := a.svc.SubmitRequest(ctx, booking.SubmitRequest{Scope: flowScope(flowCilla, "bestall"), Message: "Ring mig på eftermiddagen.", Contact: flowContact})
			if err != nil {
				t.Fatalf("SubmitRequest through A: %v", err)
			}
			open, err := b.svc.ListRequests(ctx, booking.ListRequests{Staff: flowStaff, Clinic: flowClinic, OpenOnly: true})
			if err != nil {
				t.Fatalf("ListRequests through B: %v", err)
			}
			if !slices.ContainsFunc(open, func(x booking.Request) bool { return x.ID == r.ID && x.Subject.Equal(flowCilla) }) {
				t.Fatalf("open requests through B = %+v, want Cilla's %q", open, r.ID)
			}
			closed, err := b.svc.CloseRequest(ctx, booking.CloseRequest{Staff: flowStaff, Clinic: flowClinic, ID: r.ID})
			if err != nil {
				t.Fatalf("CloseRequest through B: %v", err)
			}
			if closed.IsOpen() || closed.ClosedBy != flowStaff.ID || !closed.ClosedAt.Equal(flowNow) {
				t.Errorf("closed request = closed by %v at %v, want by the staff member at %v", closed.ClosedBy, closed.ClosedAt, flowNow)
			}
			open, err = a.svc.ListRequests(ctx, booking.ListRequests{Staff: flowStaff, Clinic: flowClinic, OpenOnly: true})
			if err != nil {
				t.Fatalf("ListRequests through A: %v", err)
			}
			if slices.ContainsFunc(open, func(x booking.Request) bool { return x.ID == r.ID }) {
				t.Errorf("A lists the request closed through B as open")
			}
			all, err := a.svc.ListRequests(ctx, booking.ListRequests{Staff: flowStaff, Clinic: flowClinic})
			if err != nil {
				t.Fatalf("ListRequests through A: %v", err)
			}
			i := slices.IndexFunc(all, func(x booking.Request) bool { return x.ID == r.ID })
			if i < 0 || all[i].ClosedBy != flowStaff.ID || all[i].IsOpen() {
				t.Errorf("A lists %+v, want Cilla's request closed by the staff member", all)
			}
			if _, err := a.svc.CloseRequest(ctx, booking.CloseRequest{Staff: flowStaff, Clinic: flowClinic, ID: "no-such-request"}); !errors.Is(err, tidbok.ErrNotFound) {
				t.Errorf("closing an unknown request through A: err = %v, want tidbok.ErrNotFound", err)
			}
		})

		t.Run("terms", func(t *testing.T) {
			// New terms published through B ask Anna again through A.
			v, err := b.terms.Publish(ctx, terms.Admin(flowAdmin), flowClinic, "boka", terms.Terms{Conditions: "- Avboka senast två dygn före besöket."})
			if err != nil {
				t.Fatalf("Publish through B: %v", err)
			}
			st, err := a.svc.Terms(ctx, anna)
			if err != nil || st.Accepted || st.Version.Number != 2 || st.Version.Hash != v.Hash {
				t.Errorf("Anna's terms through A = accepted %v, version %d, %v; want version 2 not accepted", st.Accepted, st.Version.Number, err)
			}
			_, err = a.svc.Book(ctx, booking.BookRequest{Scope: anna, Key: "anna-confirm-2", Slot: slots[4], Contact: flowContact})
			var te *booking.TermsError
			if !errors.Is(err, booking.ErrTermsNotAccepted) || !errors.As(err, &te) || te.Show.Number != 2 {
				t.Errorf("Book through A under new terms: err = %v, want a *TermsError showing version 2", err)
			}
			// A version numbered 2 again, through A's store, conflicts.
			dup := v
			dup.Terms.Conditions = "- Något annat."
			if err := a.stores.Terms().AddVersion(ctx, dup); !errors.Is(err, terms.ErrConflict) {
				t.Errorf("AddVersion of an existing number through A: err = %v, want terms.ErrConflict", err)
			}
			// Accepted through B, the new version is accepted through A.
			flowAccept(t, b, anna)
			if st, err := a.svc.Terms(ctx, anna); err != nil || !st.Accepted || st.Version.Number != 2 {
				t.Errorf("Anna's terms through A after accepting through B = accepted %v, version %d, %v", st.Accepted, st.Version.Number, err)
			}
		})
	})
}
