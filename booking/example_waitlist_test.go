package booking_test

import (
	"context"
	"fmt"
	"log"
	"net/url"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// A citizen puts her Friday booking on the clinic's cancellation list;
// when another citizen cancels Wednesday, she is sent an offer whose
// link books it, and her booking moves there.
func ExampleService_JoinWaitlist() {
	ctx := context.Background()
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm())
	clock := func() time.Time { return now }
	clinic := tidbok.MustHSAID("SE2321000016-VC01")
	book := exampleBook(clinic, clock)
	cases := casetype.New(casetype.NewMemStore(), casetype.WithClock(clock),
		casetype.WithAudit(casetype.AuditFunc(func(context.Context, casetype.Event) error { return nil })))
	reg := terms.New(terms.NewMemStore(), terms.WithClock(clock))
	exampleCaseTypes(ctx, clinic, book, cases, reg)
	// "aterbud": Av- och omboka with a list; offers to the first three,
	// for two hours.
	admin := casetype.Admin{ID: tidbok.MustHSAID("SE2321000016-ADM1"), Clinics: []tidbok.HSAID{clinic}}
	list := casetype.CaseType{ID: "aterbud", Clinic: clinic, Kind: casetype.KindManage, Assurance: casetype.AssuranceEID,
		Name: "Mina tider, med återbud", Waitlist: casetype.Waitlist{Enabled: true},
		Rules: casetype.Rules{MinNotice: 2 * time.Hour, AllowCancel: true, AllowReschedule: true, ChangeDeadline: 24 * time.Hour}}
	if _, err := reg.Publish(ctx, terms.Admin(admin), clinic, list.ID, terms.Terms{Conditions: "- Först att boka får tiden."}); err != nil {
		log.Fatal(err)
	}
	if _, err := cases.Create(ctx, admin, list); err != nil {
		log.Fatal(err)
	}
	if _, err := cases.Activate(ctx, admin, clinic, list.ID, casetype.ActivationDeps{Book: book, Terms: reg}); err != nil {
		log.Fatal(err)
	}

	outbox := store.NewMemOutbox()
	svc, err := booking.New(booking.Config{Book: book, CaseTypes: cases, Terms: reg, Now: clock,
		Audit:  booking.AuditFunc(func(context.Context, booking.Event) error { return nil }),
		Outbox: outbox, Waitlist: store.NewMemWaitlist(),
		OfferKey:  []byte("an example key of 32 bytes or more"),
		OfferLink: func(token string) string { return "https://portal.example/aterbud?t=" + url.QueryEscape(token) },
	})
	if err != nil {
		log.Fatal(err)
	}
	citizen := func(pn string, caseTypes ...string) booking.Scope {
		p := tidbok.MustPersonalNumber(pn)
		sc := booking.Scope{Caller: booking.Caller{Person: p, Assurance: casetype.AssuranceEID}, Subject: p, Clinic: clinic}
		for _, ct := range caseTypes {
			sc.CaseType = ct
			v, err := reg.Current(ctx, clinic, ct)
			if err == nil {
				_, err = svc.AcceptTerms(ctx, booking.AcceptTermsRequest{Scope: sc, Version: v.Number})
			}
			if err != nil {
				log.Fatal(err)
			}
		}
		return sc
	}
	bookFirst := func(sc booking.Scope, day int, key string) booking.Confirmation {
		sc.CaseType = "boka"
		d := tidbok.Date{Year: 2026, Month: time.March, Day: day}
		slots, err := svc.Slots(ctx, booking.SearchRequest{Scope: sc, From: d, To: d})
		if err != nil {
			log.Fatal(err)
		}
		c, err := svc.Book(ctx, booking.BookRequest{Scope: sc, Key: key, Slot: slots.Slots[0],
			Contact: tidbok.ContactInfo{FirstName: "Test", LastName: "Testsson", Email: "test@example.se"}, Consent: booking.Consent{Email: true}})
		if err != nil {
			log.Fatal(err)
		}
		return c
	}
	anna, bo := citizen("191212121212", "boka", "aterbud"), citizen("198504122386", "boka", "mina")
	annas := bookFirst(anna, 6, "anna-fri")
	bos := bookFirst(bo, 4, "bo-wed")

	anna.CaseType = "aterbud"
	if _, err := svc.JoinWaitlist(ctx, booking.JoinWaitlistRequest{Scope: anna, BookingID: annas.Booking.ID, Name: "Tolvan Tolvansson"}); err != nil {
		log.Fatal(err)
	}
	bo.CaseType = "mina"
	if _, err := svc.Cancel(ctx, booking.CancelRequest{Scope: bo, Key: "bo-cancel", BookingID: bos.Booking.ID}); err != nil {
		log.Fatal(err)
	}

	// The delivery worker sends the offer; its link carries the token.
	msgs, _ := outbox.List(ctx, store.MessageFilter{})
	var link string
	for _, m := range msgs {
		if l, err := booking.DecodeLetter(m.Body); err == nil && l.Kind == booking.OfferMade {
			link = l.Link
		}
	}
	fmt.Println(strings.HasPrefix(link, "https://portal.example/aterbud?t="))
	u, _ := url.Parse(link)
	conf, err := svc.AcceptOffer(ctx, booking.AcceptOfferRequest{Scope: booking.Scope{Caller: anna.Caller, Subject: anna.Subject},
		Key: "anna-offer", Token: u.Query().Get("t")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("flyttad från", annas.Summary.Date, "till", conf.Summary.Date, conf.Summary.Time)
	// Output:
	// true
	// flyttad från fredag 6 mars 2026 till onsdag 4 mars 2026 08:00–08:20
}
