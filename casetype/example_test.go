package casetype_test

import (
	"context"
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
)

// publishedTerms stands in for terms.Registry, which satisfies
// casetype.TermsChecker the same way.
type publishedTerms map[string]bool

func (p publishedTerms) HasTerms(_ context.Context, _ tidbok.HSAID, caseTypeID string) (bool, error) {
	return p[caseTypeID], nil
}

// A clinic's local administrator configures "Boka tid" against the
// clinic's appointment book, fails to activate it, fixes every problem
// reported and activates it.
func Example() {
	ctx := context.Background()
	clinic := tidbok.MustHSAID("SE2321000016-VC01")
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm())

	// The clinic's book, as its journal system has it: so far it can show
	// bookings but not make them.
	readOnly := memtidbok.New(memtidbok.WithCapabilities(tidbok.FlowMyBookings.With(tidbok.OpTimeTypes)))
	full := memtidbok.New()
	for _, book := range []*memtidbok.Book{readOnly, full} {
		_ = book.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Exempel"})
		_ = book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"})
		_ = book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "PROV", Name: "Provtagning"})
	}
	terms := publishedTerms{}

	reg := casetype.New(casetype.NewMemStore(),
		casetype.WithClock(func() time.Time { return now }),
		casetype.WithAudit(casetype.AuditFunc(func(_ context.Context, e casetype.Event) error {
			fmt.Printf("audit: %s %s by %v: %s\n", e.Action, e.CaseTypeID, e.Actor, e.Outcome)
			return nil
		})),
	)
	admin := casetype.Admin{ID: tidbok.MustHSAID("SE2321000016-ADM1"), Clinics: []tidbok.HSAID{clinic}}

	ct, err := reg.Create(ctx, admin, casetype.CaseType{
		ID:          "boka-lakare",
		Clinic:      clinic,
		Kind:        casetype.KindBook,
		Name:        "Boka tid hos läkare",
		TimeTypeIDs: []string{"LAK", "BVC"},
		Message:     casetype.MessageSettings{Allowed: true, Label: "Information till vården", MaxLen: 150},
		Rules:       casetype.Rules{MinNotice: 48 * time.Hour, Horizon: 24 * time.Hour},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	_, err = reg.Activate(ctx, admin, clinic, ct.ID, casetype.ActivationDeps{Book: readOnly, Terms: terms})
	fmt.Println("cannot activate yet:")
	for _, p := range tidbok.FieldErrors(err) {
		fmt.Printf("- %s %s\n", p.Field, p.Problem)
	}

	// Fix everything in one pass: publish the terms, choose time types the
	// book offers, lengthen the horizon, choose the login citizens need and
	// connect the book that can book.
	terms[ct.ID] = true
	ct.Assurance = casetype.AssurancePasswordSMS
	ct.TimeTypeIDs = []string{"LAK", "PROV"}
	ct.Rules.Horizon = 60 * 24 * time.Hour
	if ct, err = reg.Update(ctx, admin, ct); err != nil {
		fmt.Println(err)
		return
	}
	ct, err = reg.Activate(ctx, admin, clinic, ct.ID, casetype.ActivationDeps{Book: full, Terms: terms})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q (%s) is %s at version %d\n", ct.Name, ct.Kind, ct.Status, ct.Version)

	// Output:
	// audit: create boka-lakare by SE2321000016-ADM1: done
	// audit: activate boka-lakare by SE2321000016-ADM1: incomplete
	// cannot activate yet:
	// - Rules.Horizon is 24h0m0s, not longer than Rules.MinNotice 48h0m0s, so no slot could ever be booked: lengthen the horizon or shorten the notice
	// - Assurance is not set: choose the login citizens need, AssuranceEID or AssurancePasswordSMS
	// - Terms are not written: publish the terms (villkor) the citizen must accept for Boka tid
	// - Book lacks GetAvailableDates, GetAvailableTimeslots, MakeBooking, which Boka tid needs: connect a book that supports them, or offer a request form (Beställa tid, Av-/omboka förfrågan) instead
	// - TimeTypeIDs[1] is "BVC", which the book does not offer for web booking at the clinic: choose one it offers: "LAK" (Läkarbesök), "PROV" (Provtagning)
	// audit: update boka-lakare by SE2321000016-ADM1: done
	// audit: activate boka-lakare by SE2321000016-ADM1: done
	// "Boka tid hos läkare" (Boka tid) is active at version 3
}
