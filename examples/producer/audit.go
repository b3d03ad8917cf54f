package main

import (
	"context"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

// accessLog records the producer's audit events in the booking flow's
// access log in the SQL database (sqlstore), the one the portal keeps: a
// citizen's log extract then shows the reads and writes made over the
// wire beside those made in the portal.
type accessLog struct{ audit sqlstore.Audit }

var _ producer.AuditSink = accessLog{}

// Record implements producer.AuditSink.
func (l accessLog) Record(ctx context.Context, e producer.Event) error {
	return l.audit.Record(ctx, flowEvent(e))
}

// flowEvent is the booking flow's reading of a producer event: the
// contract as the flow's action, the actor as the caller, and the
// consumer's HSA-id as the session it came in.
func flowEvent(e producer.Event) booking.Event {
	session := "crm:scheduling"
	if !e.Consumer.IsZero() {
		session += " " + e.Consumer.String()
	}
	detail := e.Operation.Contract()
	if e.Detail != "" {
		detail += ": " + e.Detail
	}
	return booking.Event{
		Time:      e.Time,
		Caller:    booking.Caller{Person: e.Actor.Person, Agent: e.Actor.Agent},
		Subject:   e.Subject,
		Clinic:    e.Facility,
		Action:    flowActions[e.Operation],
		Outcome:   booking.Outcome(e.Outcome),
		BookingID: e.BookingID,
		Detail:    detail,
		Session:   session,
	}
}

// flowActions are the flow's actions for the audited contracts.
var flowActions = map[tidbok.Operation]booking.Action{
	tidbok.OpSchedule:       booking.ActionMyBookings,
	tidbok.OpBookingDetails: booking.ActionDetails,
	tidbok.OpBook:           booking.ActionBook,
	tidbok.OpReschedule:     booking.ActionReschedule,
	tidbok.OpCancel:         booking.ActionCancel,
}
