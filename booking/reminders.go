package booking

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// ReminderKey is the key of the reminder due before ahead of the visit of
// a booking at revision seq on channel: the same booking's reminders
// queued twice (a resumed or reconciled call) are stored once, and a
// moved booking's reminders, of a later revision, have keys of their
// own.
func ReminderKey(clinic tidbok.HSAID, bookingID string, seq int, before time.Duration, channel string) string {
	return MessageGroup(clinic, bookingID) + "/" + strconv.Itoa(seq) + "/" + Reminder.String() + "-" + before.String() + "/" + channel
}

// ReminderDue is when the reminder before ahead of a visit starting at
// start is due: before of elapsed time earlier, whatever the wall clock
// does in between (see casetype.CaseType.Reminders).
func ReminderDue(start time.Time, before time.Duration) time.Time { return start.Add(-before) }

// reminderOffsets returns how long before the visit of booking b the
// citizen is reminded: the Reminders of the call's case type when it is
// a Boka tid case type showing b's time type, and otherwise (a move or
// an invitation booked under Av- och omboka) those of the clinic's first
// active Boka tid case type, by ID, that shows it and sets reminders. A
// clinic that shows one time type under several Boka tid case types with
// different reminders should know that a moved booking takes the first
// one's. None found, none sent.
func (s *Service) reminderOffsets(ctx context.Context, a access, clinic tidbok.HSAID, b tidbok.Timeslot) []time.Duration {
	shows := func(ct casetype.CaseType) bool {
		return ct.Kind == casetype.KindBook && slices.Contains(ct.TimeTypeIDs, b.TimeType.ID)
	}
	if shows(a.ct) {
		return a.ct.Reminders
	}
	cts, err := s.caseTypes.Active(ctx, clinic)
	if err != nil {
		s.log.Warn("booking: reading the case types failed; the booking's reminders are not queued", "clinic", clinic, "err", err)
		return nil
	}
	for _, ct := range cts {
		if shows(ct) && len(ct.Reminders) > 0 {
			return ct.Reminders
		}
	}
	return nil
}

// remind queues the reminders of booking l.Booking at revision
// l.Sequence, one per offset and recipient, each due at [ReminderDue];
// a reminder already due at the time of the change (l.Time) is left out,
// as the booking's confirmation tells the same. It first withdraws the
// booking's pending reminders of earlier revisions, also when to is
// empty, so that a moved booking is never reminded of at its old time.
// Like enqueue, it logs a failure: the change stands.
func (s *Service) remind(ctx context.Context, c *claim, a access, clinic tidbok.HSAID, to []store.Recipient, l Letter) {
	if s.outbox == nil {
		return
	}
	s.withdrawReminders(ctx, clinic, l.Booking.ID, l.Sequence)
	if len(to) == 0 {
		return
	}
	offsets := s.reminderOffsets(ctx, a, clinic, l.Booking)
	l.Kind = Reminder
	l.Previous = tidbok.Timeslot{}
	l.Booking.Subject, l.Booking.Reason = tidbok.PersonalNumber{}, ""
	var msgs []store.Message
	for _, before := range offsets {
		due := ReminderDue(l.Booking.Start, before)
		if !due.After(l.Time) {
			continue
		}
		l.Before = before
		for _, r := range to {
			l.Channel = r.Channel
			body, err := json.Marshal(l)
			if err != nil {
				s.log.Error("booking: encoding a reminder failed", "err", err)
				return
			}
			msgs = append(msgs, store.Message{
				Key:      ReminderKey(clinic, l.Booking.ID, l.Sequence, before, r.Channel),
				Group:    MessageGroup(clinic, l.Booking.ID),
				Sequence: l.Sequence, Channel: r.Channel, To: r.To,
				NotBefore: due, Created: l.Time, Body: body,
			})
		}
	}
	if len(msgs) == 0 {
		return
	}
	if c != nil && c.fin != nil {
		// They go with the call's closing write (see settle.go).
		c.fin.msgs = append(c.fin.msgs, msgs...)
		return
	}
	if err := s.outbox.Enqueue(context.WithoutCancel(ctx), msgs...); err != nil {
		s.log.Error("booking: queueing the booking's reminders failed; the change stands",
			"clinic", clinic, "booking_id", l.Booking.ID, "err", err)
	}
}

// withdrawReminders withdraws the booking's pending reminders of
// revisions before seq: those of its time before a move, or of a
// cancelled booking. (A change queued with recipients supersedes them
// as well; a change told to nobody does not, so they are withdrawn
// here.) A failure is logged: the reminder, if sent, names the old
// time, which the citizen's later message corrects.
func (s *Service) withdrawReminders(ctx context.Context, clinic tidbok.HSAID, bookingID string, seq int) {
	if s.outbox == nil || seq == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	ms, err := s.outbox.List(ctx, store.MessageFilter{Group: MessageGroup(clinic, bookingID)})
	if err == nil {
		for _, m := range ms {
			if m.State != store.MessagePending || m.Sequence >= seq {
				continue
			}
			if l, derr := DecodeLetter(m.Body); derr != nil || l.Kind != Reminder {
				continue
			}
			if err = s.outbox.Withdraw(ctx, m.Key); err != nil {
				break
			}
		}
	}
	if err != nil {
		s.log.Error("booking: withdrawing the booking's earlier reminders failed", "clinic", clinic, "booking_id", bookingID, "err", err)
	}
}
