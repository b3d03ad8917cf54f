package main

import (
	"context"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// visitFacts are what a citizen needs to know about a booked visit
// besides its time: where the clinic is, how to reach it, what to bring,
// and until when they may cancel or move it on the web.
type visitFacts struct {
	Address, Phone string
	Bring          string
	// CancelBy is the last moment to cancel or move the booking on the
	// web; zero when the clinic lets no one do that.
	CancelBy time.Time
}

// visitFacts returns the facts of booking b at the citizen's clinic. The
// cancel-by time follows the rules of the clinic's Mina
// tidsbokningar case type the citizen may use.
func (a *app) visitFacts(ctx context.Context, c citizen, b tidbok.Timeslot) visitFacts {
	f := visitFacts{Address: c.clinic.Address, Phone: c.clinic.Phone}
	// What to bring, as the clinic's messages say it.
	if bring := deliveryClinic(c.clinic).Bring; bring != "" {
		f.Bring = "Ta med " + bring + "."
	}
	card, err := c.svc.ContactCard(ctx, booking.ContactCardRequest{
		Caller: c.scope().Caller, Subject: c.subject.Number, Clinic: c.clinic.ID,
	})
	if err != nil {
		return f
	}
	for _, ct := range card.CaseTypes {
		if ct.Kind == casetype.KindManage && ct.Rules.AllowCancel && !b.Start.IsZero() {
			f.CancelBy = b.Start.Add(-ct.Rules.ChangeDeadline)
			break
		}
	}
	return f
}

// event returns booking b as a calendar event with the facts.
func (f visitFacts) event(b tidbok.Timeslot, notice string, stamp time.Time, seq int) booking.CalendarEvent {
	return booking.CalendarEvent{
		Booking: b, Notice: notice, Stamp: stamp, Sequence: seq,
		Clinic: booking.ClinicContact{Address: f.Address, Phone: f.Phone},
		Bring:  f.Bring, CancelBy: f.CancelBy,
	}
}
