package booking_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// The clinic has invited the citizen to a visit without a time (an open
// invitation): she searches the free times of its time type and books
// one, naming the invitation. It is booked once.
func ExampleService_Book_openInvitation() {
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
	sc := booking.Scope{Caller: booking.Caller{Person: anna, Assurance: casetype.AssuranceEID}, Subject: anna, Clinic: clinic, CaseType: "mina"}
	if v, err := reg.Current(ctx, clinic, "mina"); err != nil {
		log.Fatal(err)
	} else if _, err := svc.AcceptTerms(ctx, booking.AcceptTermsRequest{Scope: sc, Version: v.Number}); err != nil {
		log.Fatal(err)
	}
	// Staff invite her; she learns the ID from the clinic's message.
	invitation, err := book.Invite(ctx, staff.InvitationSpec{Facility: clinic, Subject: anna, TimeTypeID: "LAK",
		Purpose: "Välkommen på hälsokontroll."})
	if err != nil {
		log.Fatal(err)
	}

	inv, _ := svc.Details(ctx, booking.DetailsRequest{Scope: sc, BookingID: invitation})
	fmt.Println(inv.IsOpenInvitation(), inv.Purpose)
	wed := tidbok.Date{Year: 2026, Month: time.March, Day: 4}
	slots, err := svc.Slots(ctx, booking.SearchRequest{Scope: sc, Invitation: invitation, From: wed, To: wed})
	if err != nil {
		log.Fatal(err)
	}
	req := booking.BookRequest{Scope: sc, Key: "c41f-invitation", Invitation: invitation, Slot: slots.Slots[0],
		Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"}}
	conf, err := svc.Book(ctx, req)
	if err != nil {
		text, _ := tidbok.CitizenText(err)
		fmt.Println(text)
		return
	}
	fmt.Println("bokad:", conf.Summary.Date, conf.Summary.Time)

	// Another time for the same invitation is refused.
	req.Key, req.Slot = "c41f-invitation-2", slots.Slots[1]
	_, err = svc.Book(ctx, req)
	text, _ := tidbok.CitizenText(err)
	fmt.Println(text)
	// Output:
	// true Välkommen på hälsokontroll.
	// bokad: onsdag 4 mars 2026 08:00–08:20
	// Kallelsen är redan bokad. Du hittar tiden under Mina bokningar.
}
