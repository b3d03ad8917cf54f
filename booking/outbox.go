package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The channels the service queues messages for, by name
// ([store.Recipient.Channel], [store.Message.Channel]).
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// Consent is how the citizen agreed to be told about the booking: by
// e-mail to Contact.Email, by SMS to Contact.Phone. The zero value
// agrees to nothing, and nothing is sent.
type Consent struct {
	Email bool
	SMS   bool
}

// recipients returns where the messages of a booking made with contact
// c and consent go. A channel agreed to without an address is kept, with
// an empty address, so that its message is stored as failed ("no
// address") rather than silently left out.
func (cs Consent) recipients(c tidbok.ContactInfo) []store.Recipient {
	var out []store.Recipient
	if cs.Email {
		out = append(out, store.Recipient{Channel: ChannelEmail, To: c.Email})
	}
	if cs.SMS {
		out = append(out, store.Recipient{Channel: ChannelSMS, To: c.Phone})
	}
	return out
}

// Letter is the content of one message the service queues in its
// [store.Outbox] (the message's Body, as JSON): what happened to which
// booking, for a delivery worker to write an e-mail or SMS from. It
// carries no personal identity number and not the citizen's reason for
// the visit.
type Letter struct {
	Kind NotificationKind
	// Channel is the message's channel, e.g. [ChannelEmail].
	Channel string
	// Booking is the booking as booked or moved to (for Cancelled: as it
	// was), without its Subject and Reason.
	Booking tidbok.Timeslot
	// Previous is the booking before a move (Rescheduled only).
	Previous tidbok.Timeslot `json:",omitzero"`
	// Notice is the book's message for the citizen, e.g. "Kom fastande".
	Notice string `json:",omitempty"`
	// Sequence is the booking's calendar revision (SEQUENCE).
	Sequence int
	// Before is how long before the visit a Reminder is due.
	Before time.Duration `json:",omitzero"`
	// Time is when the change was made (the calendar's DTSTAMP).
	Time time.Time
	// Link is the link that books the offered time, and Expires when the
	// offer ends (OfferMade only); Booking is then the offered time and
	// Previous the citizen's booking, if any.
	Link    string    `json:",omitempty"`
	Expires time.Time `json:",omitzero"`
}

// DecodeLetter reads a Letter from a message's Body.
func DecodeLetter(body []byte) (Letter, error) {
	var l Letter
	if err := json.Unmarshal(body, &l); err != nil {
		return Letter{}, fmt.Errorf("booking: decoding an outbox message: %w", err)
	}
	return l, nil
}

// Calendar returns the booking as the calendar object to attach: METHOD
// REQUEST for a booking or a move, CANCEL for a cancellation, with the
// booking's UID and the letter's sequence.
func (l Letter) Calendar() CalendarEvent {
	e := CalendarEvent{Booking: l.Booking, Notice: l.Notice, Stamp: l.Time, Sequence: l.Sequence, Method: MethodRequest}
	if l.Kind == Cancelled {
		e.Cancelled, e.Method = true, MethodCancel
	}
	return e
}

// MessageGroup is the [store.Message] Group of a booking's messages:
// every message about one booking shares it, and the highest Sequence
// supersedes the rest.
func MessageGroup(clinic tidbok.HSAID, bookingID string) string {
	return clinic.String() + "/" + bookingID
}

// MessageKey is the key of the message about a booking's change kind at
// revision seq on channel: the same change queued twice (a resumed or
// reconciled call) has the same key, and is stored once.
func MessageKey(clinic tidbok.HSAID, bookingID string, seq int, kind NotificationKind, channel string) string {
	return MessageGroup(clinic, bookingID) + "/" + strconv.Itoa(seq) + "/" + kind.String() + "/" + channel
}

// lastRecipients returns where the booking's latest queued messages
// went, per channel: those of a move or cancel that names no new contact
// data.
func (s *Service) lastRecipients(ctx context.Context, clinic tidbok.HSAID, bookingID string) []store.Recipient {
	if s.outbox == nil {
		return nil
	}
	ms, err := s.outbox.List(ctx, store.MessageFilter{Group: MessageGroup(clinic, bookingID)})
	if err != nil {
		s.log.Warn("booking: reading the booking's earlier messages failed; the citizen is not told of this change", "clinic", clinic, "err", err)
		return nil
	}
	var out []store.Recipient
	seen := map[string]int{}
	for _, m := range ms {
		if i, ok := seen[m.Channel]; ok {
			out[i].To = m.To
			continue
		}
		seen[m.Channel] = len(out)
		out = append(out, store.Recipient{Channel: m.Channel, To: m.To})
	}
	return out
}

// enqueue queues the messages of a change to the recipients. It runs
// before the request key's outcome is stored, so that a crash in between
// leaves a key whose repeat queues the same messages again (a no-op by
// their keys) rather than none. A failure is logged: the change stands.
func (s *Service) enqueue(ctx context.Context, kind NotificationKind, clinic tidbok.HSAID, to []store.Recipient, l Letter) {
	msgs, err := s.letters(kind, clinic, to, l)
	if err != nil {
		s.log.Error("booking: encoding a message failed", "err", err)
		return
	}
	s.writeMessages(ctx, msgs)
}

// letters returns the messages of a change to the recipients, one per
// recipient; none without an outbox.
func (s *Service) letters(kind NotificationKind, clinic tidbok.HSAID, to []store.Recipient, l Letter) ([]store.Message, error) {
	if s.outbox == nil || len(to) == 0 {
		return nil, nil
	}
	l.Kind = kind
	l.Booking.Subject, l.Booking.Reason = tidbok.PersonalNumber{}, ""
	l.Previous.Subject, l.Previous.Reason = tidbok.PersonalNumber{}, ""
	msgs := make([]store.Message, 0, len(to))
	for _, r := range to {
		l.Channel = r.Channel
		body, err := json.Marshal(l)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, store.Message{
			Key:      MessageKey(clinic, l.Booking.ID, l.Sequence, kind, r.Channel),
			Group:    MessageGroup(clinic, l.Booking.ID),
			Sequence: l.Sequence, Channel: r.Channel, To: r.To,
			Created: l.Time, Body: body,
		})
	}
	return msgs, nil
}

// writeMessages queues msgs in the outbox. A failure is logged: the
// change stands.
func (s *Service) writeMessages(ctx context.Context, msgs []store.Message) {
	if s.outbox == nil || len(msgs) == 0 {
		return
	}
	if err := s.outbox.Enqueue(context.WithoutCancel(ctx), msgs...); err != nil {
		s.log.Error("booking: queueing the citizen's messages failed; the change stands",
			"group", msgs[0].Group, "err", err)
	}
}
