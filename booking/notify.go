package booking

import (
	"context"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// NotificationKind says what happened to a booking.
type NotificationKind uint8

// The kinds of notification.
const (
	// Confirmed: a new booking was made.
	Confirmed NotificationKind = iota + 1
	// Rescheduled: a booking was moved to a new time.
	Rescheduled
	// Cancelled: a booking was cancelled.
	Cancelled
	// Reminder: a booking's visit is near, as the case type's Reminders
	// say. Only a [Letter] has this kind (see "Reminders" in the
	// package doc); a [Notifier] is never told of it.
	Reminder
)

// String returns "confirmed", "rescheduled", "cancelled" or "reminder".
func (k NotificationKind) String() string {
	switch k {
	case Confirmed:
		return "confirmed"
	case Rescheduled:
		return "rescheduled"
	case Cancelled:
		return "cancelled"
	case Reminder:
		return "reminder"
	case OfferMade:
		return "offer"
	case OfferGone:
		return "offer gone"
	}
	return "unknown"
}

// Notification tells the portal that a booking changed, so that it can
// send the citizen an SMS or e-mail.
type Notification struct {
	Kind NotificationKind
	// Time is when it happened, by the service's clock.
	Time time.Time
	// Caller is who did it; Subject is whose booking it is.
	Caller  Caller
	Subject tidbok.PersonalNumber
	Clinic  tidbok.HSAID
	// Booking is the booking as it is now (for Cancelled: as it was).
	Booking tidbok.Timeslot
	// Previous is the booking before it was moved (Rescheduled only).
	Previous tidbok.Timeslot
	// Notice is the book's message for the citizen, if any.
	Notice string
	// Summary is the booking fit for display.
	Summary Summary
	// ICS is the booking as an iCalendar object, for an attachment.
	ICS []byte
}

// Notifier is told of confirmed, rescheduled and cancelled bookings. The
// service calls Notify once per change, after the book has made it and
// before the call returns; a call answered from a stored outcome (a
// repeated request key) does not notify again. Notify should be quick
// (queue the message, do not send it inline). Its error is logged and
// never undoes the change. Implementations must be safe for concurrent
// use.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// NotifyFunc adapts a function to a [Notifier].
type NotifyFunc func(ctx context.Context, n Notification) error

// Notify calls f.
func (f NotifyFunc) Notify(ctx context.Context, n Notification) error { return f(ctx, n) }

// notify sends n to the notifier, if any, logging a failure.
func (s *Service) notify(ctx context.Context, n Notification) {
	if s.notifier == nil {
		return
	}
	if err := s.notifier.Notify(context.WithoutCancel(ctx), n); err != nil {
		s.log.Error("booking: notifier failed; the change stands", "kind", n.Kind.String(),
			"clinic", n.Clinic, "booking_id", n.Booking.ID, "err", err)
	}
}
