package booking_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// A portal books an appointment for a citizen: the contact card, the
// terms, the free slots, a hold while the citizen confirms, and the
// booking with its confirmation. The clinic's book here is memtidbok; a
// portal passes a client over the wire (mvkclient) instead.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm())
	clock := func() time.Time { return now }
	clinic := tidbok.MustHSAID("SE2321000016-VC01")

	// The clinic's book, its case types and terms, as its staff and local
	// administrator set them up.
	book := exampleBook(clinic, clock)
	cases := casetype.New(casetype.NewMemStore(), casetype.WithClock(clock),
		casetype.WithAudit(casetype.AuditFunc(func(context.Context, casetype.Event) error { return nil })))
	reg := terms.New(terms.NewMemStore(), terms.WithClock(clock))
	exampleCaseTypes(ctx, clinic, book, cases, reg)

	svc, err := booking.New(booking.Config{
		Book: book, CaseTypes: cases, Terms: reg, Now: clock,
		Audit: booking.AuditFunc(func(_ context.Context, e booking.Event) error {
			fmt.Printf("(audit: %s %s)\n", e.Action, e.Outcome)
			return nil
		}),
	})
	if err != nil {
		log.Fatal(err)
	}

	// The citizen logged in with BankID and chose the clinic.
	anna := tidbok.MustPersonalNumber("191212121212")
	me := booking.Caller{Person: anna, Assurance: casetype.AssuranceEID}
	card, err := svc.ContactCard(ctx, booking.ContactCardRequest{Caller: me, Subject: anna, Clinic: clinic})
	if err != nil {
		log.Fatal(err)
	}
	for _, ct := range card.CaseTypes {
		fmt.Printf("%s: %s\n", ct.Kind, ct.Name)
	}

	// She chose "Boka tid", read the terms and ticked the box.
	sc := booking.Scope{Caller: me, Subject: anna, Clinic: clinic, CaseType: "boka"}
	st, err := svc.Terms(ctx, sc)
	if err != nil {
		log.Fatal(err)
	}
	if st.Required && !st.Accepted {
		if _, err := svc.AcceptTerms(ctx, booking.AcceptTermsRequest{Scope: sc, Version: st.Version.Number}); err != nil {
			log.Fatal(err)
		}
	}

	// The first date with free slots, and its slots.
	dates, err := svc.Dates(ctx, booking.SearchRequest{Scope: sc})
	if err != nil {
		log.Fatal(err)
	}
	day := dates.Dates[0]
	slots, err := svc.Slots(ctx, booking.SearchRequest{Scope: sc, From: day, To: day})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d free slots on %s, the first at %s\n", len(slots.Slots), day, slots.Slots[0].Start.Format("15:04"))

	// She picks the first; the portal holds it while she confirms, then
	// books it with a request key it keeps for repeats.
	hold, err := svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: slots.Slots[0]})
	if err != nil {
		log.Fatal(err)
	}
	conf, err := svc.Book(ctx, booking.BookRequest{
		Scope: sc, Key: "3f0c2a9e-confirm-1", Hold: hold.Token, Reason: "Ont i halsen",
		Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson", Phone: "0701234567"},
	})
	var taken *booking.SlotTakenError
	switch {
	case errors.As(err, &taken):
		text, _ := tidbok.CitizenText(err)
		fmt.Println(text, "Lediga tider i närheten:", len(taken.Alternatives))
		return
	case err != nil:
		text, _ := tidbok.CitizenText(err)
		fmt.Println(text)
		return
	}
	fmt.Println(conf.Summary)
	fmt.Println("calendar file:", len(conf.ICS) > 0)

	// Output:
	// Beställa tid: Beställa tid
	// Boka tid: Boka tid hos läkare
	// Av- och omboka: Mina tidsbokningar
	// 3 free slots on 2026-03-02, the first at 11:00
	// (audit: hold done)
	// (audit: book done)
	// måndag 2 mars 2026 kl. 11:00–11:20
	// Läkarbesök hos Dr Eva Ek
	// Vårdcentralen Exempel
	// Anledning: Ont i halsen
	// Information från mottagningen: Ta med legitimation.
	// calendar file: true
}

// The citizen's bookings at the clinic, the view most citizens look at
// most, with what each booking allows.
func ExampleService_MyBookings() {
	ctx := context.Background()
	svc, sc := examplePortal()

	mine, err := svc.MyBookings(ctx, sc)
	if err != nil {
		text, _ := tidbok.CitizenText(err)
		fmt.Println(text)
		return
	}
	for _, b := range mine {
		fmt.Printf("%s kl. %s, %s\n", b.Summary.Date, b.Summary.Time, b.Summary.What)
		fmt.Printf("  avboka: %v, omboka: %v (%d gånger till), ändra senast %s\n",
			b.Allows.Cancel, b.Allows.Reschedule, b.Allows.ReschedulesLeft, b.Allows.ChangeBy.Format("2006-01-02 15:04"))
	}
	// Output:
	// onsdag 4 mars 2026 kl. 08:00–08:20, Läkarbesök
	//   avboka: true, omboka: true (2 gånger till), ändra senast 2026-03-03 08:00
}

// Moving a booking: the slots it may move to, and the move itself. If
// the new slot is taken meanwhile, the citizen keeps the old time.
func ExampleService_Reschedule() {
	ctx := context.Background()
	svc, sc := examplePortal()
	mine, _ := svc.MyBookings(ctx, sc)
	b := mine[0]

	day := tidbok.DateOf(b.Start).AddDays(1)
	slots, err := svc.Slots(ctx, booking.SearchRequest{Scope: sc, BookingID: b.ID, From: day, To: day})
	if err != nil {
		text, _ := tidbok.CitizenText(err)
		fmt.Println(text)
		return
	}
	moved, err := svc.Reschedule(ctx, booking.RescheduleRequest{
		Scope: sc, Key: "9b1d-move-1", BookingID: b.ID, Slot: slots.Slots[1],
	})
	if err != nil {
		text, _ := tidbok.CitizenText(err)
		fmt.Println(text)
		return
	}
	fmt.Println("från:", booking.Summarize(moved.Previous, "").Date, booking.Summarize(moved.Previous, "").Time)
	fmt.Println("till:", moved.Summary.Date, moved.Summary.Time)

	// The same key again answers the same, and moves nothing.
	again, _ := svc.Reschedule(ctx, booking.RescheduleRequest{Scope: sc, Key: "9b1d-move-1", BookingID: b.ID, Slot: slots.Slots[1]})
	fmt.Println("upprepad:", again.Replayed, again.Summary.Time)
	// Output:
	// från: onsdag 4 mars 2026 08:00–08:20
	// till: torsdag 5 mars 2026 08:20–08:40
	// upprepad: true 08:20–08:40
}

// Cancelling a booking, with a message where the booking allows one.
func ExampleService_Cancel() {
	ctx := context.Background()
	svc, sc := examplePortal()
	mine, _ := svc.MyBookings(ctx, sc)
	b := mine[0]

	req := booking.CancelRequest{Scope: sc, Key: "77aa-cancel-1", BookingID: b.ID}
	if b.Allows.Message {
		req.Message = "Jag är frisk igen."
	}
	c, err := svc.Cancel(ctx, req)
	if err != nil {
		text, _ := tidbok.CitizenText(err)
		fmt.Println(text)
		return
	}
	fmt.Println("avbokad:", c.Summary.Date, c.Summary.Time)
	mine, _ = svc.MyBookings(ctx, sc)
	fmt.Println("kvar:", len(mine))

	// Another citizen with the same ID gets what an unknown ID gives.
	bo := tidbok.MustPersonalNumber("197501019801")
	other := booking.Scope{Caller: booking.Caller{Person: bo, Assurance: casetype.AssuranceEID}, Subject: bo, Clinic: sc.Clinic, CaseType: sc.CaseType}
	_, err = svc.Details(ctx, booking.DetailsRequest{Scope: other, BookingID: b.ID})
	text, _ := tidbok.CitizenText(err)
	fmt.Println(errors.Is(err, tidbok.ErrNotFound), text)
	// Output:
	// avbokad: onsdag 4 mars 2026 08:00–08:20
	// kvar: 0
	// true Bokningen finns inte.
}

// exampleBook is the clinic's book: weekday mornings with Dr Eva Ek,
// 20-minute slots from 8 to 12, for four weeks.
func exampleBook(clinic tidbok.HSAID, clock func() time.Time) *memtidbok.Book {
	book := memtidbok.New(memtidbok.WithClock(clock))
	ctx := context.Background()
	doctor := tidbok.MustHSAID("SE2321000016-DR01")
	today := tidbok.DateOf(clock())
	err := errors.Join(
		book.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Exempel"}),
		book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}),
		book.AddPerformer(ctx, clinic, tidbok.Performer{ID: doctor, Title: "Dr", FirstName: "Eva", LastName: "Ek"}),
		book.SetNotice(ctx, clinic, "LAK", "Ta med legitimation."),
	)
	if err == nil {
		_, err = book.PublishWeekly(ctx, staff.Template{
			Facility: clinic, From: today, To: today.AddDays(28),
			Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
			DayStart: 8 * time.Hour, DayEnd: 12 * time.Hour, Length: 20 * time.Minute,
			TimeTypeID: "LAK", Performer: doctor,
		})
	}
	if err != nil {
		log.Fatal(err)
	}
	return book
}

// exampleCaseTypes activates the clinic's case types with their terms:
// "boka" (Boka tid), "mina" (Av- och omboka) and "bestall" (Beställa tid).
func exampleCaseTypes(ctx context.Context, clinic tidbok.HSAID, book tidbok.Tidbok, cases *casetype.Registry, reg *terms.Registry) {
	admin := casetype.Admin{ID: tidbok.MustHSAID("SE2321000016-ADM1"), Clinics: []tidbok.HSAID{clinic}}
	for _, ct := range []casetype.CaseType{
		{ID: "boka", Kind: casetype.KindBook, Assurance: casetype.AssuranceEID, Name: "Boka tid hos läkare", TimeTypeIDs: []string{"LAK"},
			Message: casetype.MessageSettings{Allowed: true, Label: "Information till vården", MaxLen: 150},
			Rules:   casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 21 * 24 * time.Hour, MaxFutureBookings: 2}},
		{ID: "mina", Kind: casetype.KindManage, Assurance: casetype.AssuranceEID, Name: "Mina tidsbokningar",
			Message: casetype.MessageSettings{Allowed: true, MaxLen: 150},
			Rules: casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 21 * 24 * time.Hour,
				AllowCancel: true, AllowReschedule: true, ChangeDeadline: 24 * time.Hour, MaxReschedules: 2}},
		{ID: "bestall", Kind: casetype.KindRequest, Assurance: casetype.AssuranceEID, Name: "Beställa tid",
			Message: casetype.MessageSettings{Allowed: true, MaxLen: 500}},
	} {
		ct.Clinic = clinic
		if ct.Kind.Books() {
			if _, err := reg.Publish(ctx, terms.Admin(admin), clinic, ct.ID, terms.Terms{Conditions: "- Avboka senast ett dygn före besöket."}); err != nil {
				log.Fatal(err)
			}
		}
		if _, err := cases.Create(ctx, admin, ct); err != nil {
			log.Fatal(err)
		}
		if _, err := cases.Activate(ctx, admin, clinic, ct.ID, casetype.ActivationDeps{Book: book, Terms: reg}); err != nil {
			log.Fatal(err)
		}
	}
}

// examplePortal is a portal whose citizen has accepted the terms and
// booked Wednesday 4 March at 08:00; it returns the service and her scope
// under "mina" (Av- och omboka).
func examplePortal() (*booking.Service, booking.Scope) {
	ctx := context.Background()
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm())
	clock := func() time.Time { return now }
	clinic := tidbok.MustHSAID("SE2321000016-VC01")
	book := exampleBook(clinic, clock)
	cases := casetype.New(casetype.NewMemStore(), casetype.WithClock(clock),
		casetype.WithAudit(casetype.AuditFunc(func(context.Context, casetype.Event) error { return nil })))
	reg := terms.New(terms.NewMemStore(), terms.WithClock(clock))
	exampleCaseTypes(ctx, clinic, book, cases, reg)
	svc, err := booking.New(booking.Config{Book: book, CaseTypes: cases, Terms: reg, Now: clock,
		Audit: booking.AuditFunc(func(context.Context, booking.Event) error { return nil })})
	if err != nil {
		log.Fatal(err)
	}
	anna := tidbok.MustPersonalNumber("191212121212")
	me := booking.Caller{Person: anna, Assurance: casetype.AssuranceEID}
	for _, id := range []string{"boka", "mina"} {
		v, err := reg.Current(ctx, clinic, id)
		if err == nil {
			_, err = svc.AcceptTerms(ctx, booking.AcceptTermsRequest{Scope: booking.Scope{Caller: me, Subject: anna, Clinic: clinic, CaseType: id}, Version: v.Number})
		}
		if err != nil {
			log.Fatal(err)
		}
	}
	sc := booking.Scope{Caller: me, Subject: anna, Clinic: clinic, CaseType: "boka"}
	wed := tidbok.Date{Year: 2026, Month: time.March, Day: 4}
	slots, err := svc.Slots(ctx, booking.SearchRequest{Scope: sc, From: wed, To: wed})
	if err == nil {
		_, err = svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "setup", Slot: slots.Slots[0],
			Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"}})
	}
	if err != nil {
		log.Fatal(err)
	}
	sc.CaseType = "mina"
	return svc, sc
}

// A citizen who found no suitable time asks the clinic for one (Beställa
// tid); a nurse who handles the clinic's requests lists the open ones and
// closes the request once she has called back.
func ExampleService_SubmitRequest() {
	ctx := context.Background()
	svc, sc := examplePortal()
	sc.CaseType = "bestall"
	r, err := svc.SubmitRequest(ctx, booking.SubmitRequest{
		Scope: sc, Message: "Jag behöver en tid nästa vecka, helst på eftermiddagen.",
		Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson", Phone: "0701234567"},
	})
	if err != nil {
		text, _ := tidbok.CitizenText(err)
		fmt.Println(text)
		return
	}

	nurse := booking.Staff{ID: tidbok.MustHSAID("SE2321000016-SSK1"), Clinics: []tidbok.HSAID{sc.Clinic}}
	open, err := svc.ListRequests(ctx, booking.ListRequests{Staff: nurse, Clinic: sc.Clinic, OpenOnly: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range open {
		fmt.Printf("%s: %q, ring %s\n", o.Kind, o.Message, o.Contact.Phone)
	}
	closed, err := svc.CloseRequest(ctx, booking.CloseRequest{Staff: nurse, Clinic: sc.Clinic, ID: r.ID})
	if err != nil {
		log.Fatal(err)
	}
	open, _ = svc.ListRequests(ctx, booking.ListRequests{Staff: nurse, Clinic: sc.Clinic, OpenOnly: true})
	fmt.Println("closed by", closed.ClosedBy, "- open now:", len(open))
	// Output:
	// Beställa tid: "Jag behöver en tid nästa vecka, helst på eftermiddagen.", ring 0701234567
	// closed by SE2321000016-SSK1 - open now: 0
}
