package main

import (
	"context"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// acceptedDetail is the audit note booking.Service.AcceptInvitation
// records for a confirmed timed invitation.
const acceptedDetail = "timed invitation accepted as it is"

// invitationState says what the subject has done with the invitation id
// at the clinic: "Bekräftad" when they confirmed the timed invitation,
// "Bokad" when they booked its time themselves (an open invitation, once
// booked), "" when neither. crm:scheduling keeps no such state: the
// portal reads it from its audit log, which records both.
func (a *app) invitationState(ctx context.Context, clinic tidbok.HSAID, subject tidbok.PersonalNumber, id string) string {
	evs, err := a.stores.Audit().Events(ctx, sqlstore.AuditQuery{Clinic: clinic, Subject: subject})
	if err != nil {
		a.log.Warn("reading whether an invitation was confirmed", "err", err)
		return ""
	}
	state := ""
	for _, ev := range evs {
		if ev.BookingID != id || ev.Outcome != booking.OutcomeDone {
			continue
		}
		switch {
		case ev.Action == booking.ActionBook:
			return "Bokad"
		case ev.Action == booking.ActionDetails && ev.Detail == acceptedDetail:
			state = "Bekräftad"
		}
	}
	return state
}
