package delivery_test

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// clock is a clock the tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var (
	t0     = time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm())
	clinic = tidbok.MustHSAID("SE2321000016-VC01")
	doctor = tidbok.MustHSAID("SE2321000016-DR01")
	// visit is the booked time: Monday 16 March 2026, 09:00–09:20.
	visit = time.Date(2026, time.March, 16, 9, 0, 0, 0, tidbok.Stockholm())
)

// slot is the booking with ID id at start.
func slot(id string, start time.Time) tidbok.Timeslot {
	return tidbok.Timeslot{ID: id, Start: start, End: start.Add(20 * time.Minute), Facility: clinic,
		FacilityName: "Vårdcentralen Exempel", Performer: doctor, PerformerName: "Dr Eva Ek",
		TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}}
}

// letter returns the message of a booking's change as booking.Service
// queues it.
func letter(t testing.TB, kind booking.NotificationKind, channel, to string, b, prev tidbok.Timeslot, seq int, at time.Time) store.Message {
	t.Helper()
	l := booking.Letter{Kind: kind, Channel: channel, Booking: b, Previous: prev, Notice: "Kom fastande", Sequence: seq, Time: at}
	body, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	return store.Message{
		Key:   booking.MessageKey(clinic, b.ID, seq, kind, channel),
		Group: booking.MessageGroup(clinic, b.ID), Sequence: seq,
		Channel: channel, To: to, Created: at, Body: body,
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
