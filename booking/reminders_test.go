package booking_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// ctRemind is a Boka tid case type of Läkarbesök that reminds 48 h and
// 2 h before the visit.
const ctRemind = "boka-paminn"

var remindBefore = []time.Duration{48 * time.Hour, 2 * time.Hour}

// withReminders activates ctRemind at the fixture's clinic, and anna
// accepts its terms and those of ctManage.
func (f *fixture) withReminders() {
	f.t.Helper()
	f.activate(casetype.CaseType{ID: ctRemind, Kind: casetype.KindBook, Assurance: casetype.AssuranceEID,
		Name: "Boka läkarbesök med påminnelse", TimeTypeIDs: []string{"LAK"},
		Message: casetype.MessageSettings{Allowed: true, MaxLen: 50},
		Rules:   casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 30 * 24 * time.Hour}, Reminders: remindBefore})
	f.accept(anna, ctRemind, ctManage)
}

// reminder returns the outbox's reminder of the booking, failing t if
// it is not there or its letter does not decode.
func reminder(t *testing.T, o store.Outbox, id string, seq int, before time.Duration, channel string) (store.Message, booking.Letter) {
	t.Helper()
	m, err := o.Get(t.Context(), booking.ReminderKey(clinic, id, seq, before, channel))
	if err != nil {
		t.Fatalf("the reminder %v before, revision %d, %s: %v", before, seq, channel, err)
	}
	l, err := booking.DecodeLetter(m.Body)
	must(t, err)
	return m, l
}

// pendingReminders counts the booking's reminders still to be sent.
func pendingReminders(t *testing.T, o store.Outbox, id string) int {
	t.Helper()
	ms, ls := letters(t, o, id)
	n := 0
	for i, m := range ms {
		if ls[i].Kind == booking.Reminder && m.State == store.MessagePending {
			n++
		}
	}
	return n
}

// A booking queues a reminder per offset and channel, due the offset
// before the visit; a move withdraws them and queues those of the new
// time; a cancellation withdraws those.
func TestRemindersFollowTheBooking(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f0 *fixture) {
		out := store.NewMemOutbox()
		f := newFixture(t, f0.wrap, withOutbox(out))
		f.withReminders()
		ctx := t.Context()
		sc := scope(anna, ctRemind)
		// Wednesday 10:00 is 49 hours after t0: both reminders are ahead.
		c, err := f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "b", Slot: f.slotAt(sc, wed10), Reason: "Ont i örat",
			Contact: mailContact, Consent: booking.Consent{Email: true, SMS: true}})
		must(t, err)
		id := c.Booking.ID
		for _, before := range remindBefore {
			for _, ch := range []string{booking.ChannelEmail, booking.ChannelSMS} {
				m, l := reminder(t, out, id, 0, before, ch)
				if !m.NotBefore.Equal(wed10.Add(-before)) || m.State != store.MessagePending || m.Sequence != 0 {
					t.Errorf("the reminder %v before on %s: due %v, %v, revision %d; want due %v, pending, revision 0",
						before, ch, m.NotBefore, m.State, m.Sequence, wed10.Add(-before))
				}
				if l.Kind != booking.Reminder || l.Before != before || l.Channel != ch || !l.Booking.Start.Equal(wed10) || l.Booking.ID != id {
					t.Errorf("the reminder's letter is %+v", l)
				}
				if s := string(m.Body); strings.Contains(s, anna.String()) || strings.Contains(s, "Ont i örat") {
					t.Errorf("reminder %s carries the personal number or the reason: %s", m.Key, s)
				}
			}
		}
		if n := pendingReminders(t, out, id); n != 4 {
			t.Errorf("after Book %d reminders are pending; want 4", n)
		}

		// Moved to Thursday 10:00, under Av- och omboka: the old reminders
		// go, the new time's come, as the Boka tid case type says.
		thu10 := wed10.Add(24 * time.Hour)
		_, err = f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: scope(anna, ctManage), Key: "r", BookingID: id, Slot: f.bookSlot("LAK", thu10)})
		must(t, err)
		for _, before := range remindBefore {
			if m, _ := reminder(t, out, id, 0, before, booking.ChannelEmail); m.State == store.MessagePending {
				t.Errorf("the old time's reminder %v before is still pending after the move", before)
			}
			m, l := reminder(t, out, id, 1, before, booking.ChannelSMS)
			if !m.NotBefore.Equal(thu10.Add(-before)) || m.State != store.MessagePending || !l.Booking.Start.Equal(thu10) || l.Sequence != 1 {
				t.Errorf("the new time's reminder %v before: due %v, %v, visit %v, sequence %d", before, m.NotBefore, m.State, l.Booking.Start, l.Sequence)
			}
		}
		if n := pendingReminders(t, out, id); n != 4 {
			t.Errorf("after the move %d reminders are pending; want the new time's 4", n)
		}

		_, err = f.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(anna, ctManage), Key: "c", BookingID: id})
		must(t, err)
		if n := pendingReminders(t, out, id); n != 0 {
			t.Errorf("after the cancellation %d reminders are pending; want none", n)
		}
	})
}

// A reminder whose time has passed when the booking is made is not
// queued: a visit 25 hours ahead gets its 2 h reminder, not its 48 h one.
func TestReminderAlreadyDueIsLeftOut(t *testing.T) {
	t.Parallel()
	out := store.NewMemOutbox()
	f := newFixture(t, books[0].wrap, withOutbox(out))
	f.withReminders()
	sc := scope(anna, ctRemind)
	tue10 := at(time.January, 13, 10, 0)
	c, err := f.svc.Book(t.Context(), booking.BookRequest{Scope: sc, Key: "b", Slot: f.slotAt(sc, tue10),
		Contact: mailContact, Consent: booking.Consent{Email: true}})
	must(t, err)
	if _, err := out.Get(t.Context(), booking.ReminderKey(clinic, c.Booking.ID, 0, 48*time.Hour, booking.ChannelEmail)); !errors.Is(err, store.ErrNoMessage) {
		t.Errorf("the 48 h reminder of a visit 25 h ahead: %v; want none queued", err)
	}
	if m, _ := reminder(t, out, c.Booking.ID, 0, 2*time.Hour, booking.ChannelEmail); !m.NotBefore.Equal(tue10.Add(-2 * time.Hour)) {
		t.Errorf("the 2 h reminder is due %v", m.NotBefore)
	}
	if n := pendingReminders(t, out, c.Booking.ID); n != 1 {
		t.Errorf("%d reminders pending; want 1", n)
	}
}

// A move whose messages go nowhere (new contact data, nothing agreed to)
// still withdraws the reminders of the old time, and queues none.
func TestMoveToldToNobodyWithdrawsReminders(t *testing.T) {
	t.Parallel()
	out := store.NewMemOutbox()
	f := newFixture(t, books[0].wrap, withOutbox(out))
	f.withReminders()
	ctx := t.Context()
	sc := scope(anna, ctRemind)
	c, err := f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "b", Slot: f.slotAt(sc, wed10),
		Contact: mailContact, Consent: booking.Consent{Email: true}})
	must(t, err)
	_, err = f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: scope(anna, ctManage), Key: "r", BookingID: c.Booking.ID,
		Slot: f.bookSlot("LAK", wed10.Add(24*time.Hour)), Contact: contact})
	must(t, err)
	for _, before := range remindBefore {
		if m, _ := reminder(t, out, c.Booking.ID, 0, before, booking.ChannelEmail); m.State != store.MessageWithdrawn {
			t.Errorf("the old time's reminder %v before is %v; want withdrawn", before, m.State)
		}
	}
	if n := pendingReminders(t, out, c.Booking.ID); n != 0 {
		t.Errorf("%d reminders pending after a move told to nobody", n)
	}
}

// "48 h before" is 48 hours of elapsed time, across the changes to and
// from summer time too: a visit at 09:00 on the Monday after the last
// Sunday of March is reminded at 08:00 on the Saturday, one on the Monday
// after the last Sunday of October at 10:00.
func TestRemindersAcrossDaylightSaving(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                   string
		visit                  time.Time
		wall48, wall2, offsets string
	}{
		{"to summer time", time.Date(2026, time.March, 30, 9, 0, 0, 0, tidbok.Stockholm()),
			"2026-03-28 08:00 CET", "2026-03-30 07:00 CEST", "+0100 → +0200"},
		{"from summer time", time.Date(2026, time.October, 26, 9, 0, 0, 0, tidbok.Stockholm()),
			"2026-10-24 10:00 CEST", "2026-10-26 07:00 CET", "+0200 → +0100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := store.NewMemOutbox()
			f := newFixture(t, books[0].wrap, withOutbox(out))
			f.withReminders()
			d := tidbok.DateOf(tc.visit)
			if _, err := f.mem.PublishWeekly(t.Context(), staff.Template{Facility: clinic, From: d, To: d, Weekdays: []time.Weekday{time.Monday},
				DayStart: 8 * time.Hour, DayEnd: 12 * time.Hour, Length: 30 * time.Minute, TimeTypeID: "LAK", Performer: doctor}); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(tc.visit.Sub(f.clock.Now()) - 7*24*time.Hour) // a week before
			sc := scope(anna, ctRemind)
			c, err := f.svc.Book(t.Context(), booking.BookRequest{Scope: sc, Key: "b", Slot: f.slotAt(sc, tc.visit),
				Contact: mailContact, Consent: booking.Consent{SMS: true}})
			must(t, err)
			const layout = "2006-01-02 15:04 MST"
			for _, r := range []struct {
				before time.Duration
				wall   string
			}{{48 * time.Hour, tc.wall48}, {2 * time.Hour, tc.wall2}} {
				m, _ := reminder(t, out, c.Booking.ID, 0, r.before, booking.ChannelSMS)
				if got := tc.visit.Sub(m.NotBefore); got != r.before {
					t.Errorf("the %v reminder is due %v before the visit (%s)", r.before, got, tc.offsets)
				}
				if got := m.NotBefore.In(tidbok.Stockholm()).Format(layout); got != r.wall {
					t.Errorf("the %v reminder is due at %s Swedish time; want %s", r.before, got, r.wall)
				}
			}
		})
	}
}
