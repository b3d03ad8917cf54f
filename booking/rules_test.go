package booking_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// bookSlot returns the book's own free slot at start (of time type tt),
// bypassing the service's rules, as a forged or stale client might send.
func (f *fixture) bookSlot(tt string, start time.Time) tidbok.Timeslot {
	f.t.Helper()
	d := tidbok.DateOf(start)
	res, err := f.mem.AvailableTimeslots(context.Background(), tidbok.AvailabilityRequest{
		Facility: clinic, Subject: anna, From: d, To: d, TimeType: tidbok.TimeType{ID: tt},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	for s := range res.All() {
		if s.Start.Equal(start) {
			return s
		}
	}
	// A slot the book no longer offers (started): make it from the day
	// view.
	day, err := f.mem.Day(context.Background(), clinic, d)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, s := range day {
		if s.Start.Equal(start) && s.TimeType.ID == tt {
			return s.Timeslot
		}
	}
	f.t.Fatalf("no %s slot at %v", tt, start)
	return tidbok.Timeslot{}
}

func (f *fixture) bookFor(sc booking.Scope, key string, slot tidbok.Timeslot, reason string) (booking.Confirmation, error) {
	return f.svc.Book(context.Background(), booking.BookRequest{Scope: sc, Key: key, Slot: slot, Reason: reason, Contact: contact})
}

// Every rule refusal: the error matches its sentinel (and tidbok's where
// the meaning is the same), carries a citizen text, and nothing changes
// in the book.
func TestRuleRefusals(t *testing.T) {
	t.Parallel()
	tomorrow8 := at(time.January, 13, 8, 0)
	wed10 := at(time.January, 14, 10, 0)
	tests := []struct {
		name string
		// do prepares the case and returns the call that must be refused.
		do func(t *testing.T, f *fixture) func() error
		// after, if set, checks more once the call was refused.
		after func(t *testing.T, f *fixture)
		want  []error
	}{
		{
			name: "booking without accepting the terms is refused with the version to show",
			do: func(t *testing.T, f *fixture) func() error {
				return func() error {
					_, err := f.bookFor(scope(anna, ctBook), "k", f.bookSlot("LAK", wed10), "")
					if te, ok := errors.AsType[*booking.TermsError](err); !ok || te.Show.Number != 1 {
						t.Errorf("error %v is not a TermsError showing version 1", err)
					}
					return err
				}
			},
			want: []error{booking.ErrTermsNotAccepted},
		},
		{
			name: "booking after the terms changed is refused with the new version",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBook)
				f.publishTerms(ctBook, "- Nya villkor.")
				return func() error {
					_, err := f.bookFor(scope(anna, ctBook), "k", f.bookSlot("LAK", wed10), "")
					if te, ok := errors.AsType[*booking.TermsError](err); !ok || te.Show.Number != 2 {
						t.Errorf("error %v is not a TermsError showing version 2", err)
					}
					return err
				}
			},
			want: []error{booking.ErrTermsNotAccepted},
		},
		{
			name: "accepting a version that is no longer current is refused with the current one",
			do: func(t *testing.T, f *fixture) func() error {
				f.publishTerms(ctBook, "- Nya villkor.")
				return func() error {
					_, err := f.svc.AcceptTerms(context.Background(), booking.AcceptTermsRequest{Scope: scope(anna, ctBook), Version: 1})
					if te, ok := errors.AsType[*booking.TermsError](err); !ok || te.Show.Number != 2 {
						t.Errorf("error %v is not a TermsError showing version 2", err)
					}
					return err
				}
			},
			want: []error{booking.ErrTermsNotAccepted, terms.ErrStale},
		},
		{
			name: "cancelling without accepting the terms of Av- och omboka is refused",
			do: func(t *testing.T, f *fixture) func() error {
				c := f.bookAt(anna, wed10)
				f.publishTerms(ctManage, "- Ändrade villkor.")
				return func() error {
					_, err := f.svc.Cancel(context.Background(), booking.CancelRequest{Scope: scope(anna, ctManage), Key: "c", BookingID: c.Booking.ID})
					return err
				}
			},
			want: []error{booking.ErrTermsNotAccepted},
		},
		{
			name: "rescheduling without accepting the terms of Av- och omboka is refused",
			do: func(t *testing.T, f *fixture) func() error {
				c := f.bookAt(anna, wed10)
				f.publishTerms(ctManage, "- Ändrade villkor.")
				to := f.bookSlot("LAK", wed10.Add(30*time.Minute))
				return func() error {
					_, err := f.svc.Reschedule(context.Background(), booking.RescheduleRequest{Scope: scope(anna, ctManage), Key: "r", BookingID: c.Booking.ID, Slot: to})
					return err
				}
			},
			want: []error{booking.ErrTermsNotAccepted},
		},
		{
			name: "a slot within the minimum notice is refused",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBook)
				s := f.bookSlot("LAK", at(time.January, 12, 10, 30))
				return func() error { _, err := f.bookFor(scope(anna, ctBook), "k", s, ""); return err }
			},
			want: []error{booking.ErrTooSoon, tidbok.ErrNotAllowed},
		},
		{
			name: "a slot beyond the horizon is refused",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBook)
				s := f.bookSlot("LAK", at(time.February, 20, 8, 0))
				return func() error { _, err := f.bookFor(scope(anna, ctBook), "k", s, ""); return err }
			},
			want: []error{booking.ErrTooFarAhead, tidbok.ErrNotAllowed},
		},
		{
			name: "a slot that has started is refused",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBook)
				s := f.bookSlot("LAK", at(time.January, 12, 8, 30))
				return func() error { _, err := f.bookFor(scope(anna, ctBook), "k", s, ""); return err }
			},
			want: []error{booking.ErrPast, tidbok.ErrNotAllowed},
		},
		{
			name: "a time type the case type does not show is refused",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBook)
				s := f.bookSlot("BVC", at(time.January, 14, 15, 0))
				return func() error { _, err := f.bookFor(scope(anna, ctBook), "k", s, ""); return err }
			},
			want: []error{booking.ErrTimeTypeNotOffered, tidbok.ErrNotAllowed},
		},
		{
			name: "a slot whose time type the caller forged is not booked",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBook)
				s := f.bookSlot("BVC", at(time.January, 14, 15, 0))
				s.TimeType = tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}
				return func() error { _, err := f.bookFor(scope(anna, ctBook), "k", s, ""); return err }
			},
			want: []error{tidbok.ErrSlotTaken},
		},
		{
			name: "a reason where the case type takes no message is refused",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBookAdult)
				s := f.bookSlot("LAK", wed10)
				return func() error { _, err := f.bookFor(scope(anna, ctBookAdult), "k", s, "Ont i halsen"); return err }
			},
			want: []error{booking.ErrMessageNotAllowed, tidbok.ErrNotAllowed},
		},
		{
			name: "a reason longer than the case type allows is refused",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBook)
				s := f.bookSlot("LAK", wed10)
				return func() error { _, err := f.bookFor(scope(anna, ctBook), "k", s, strings.Repeat("å", 51)); return err }
			},
			want: []error{booking.ErrMessageTooLong, tidbok.ErrInvalid},
		},
		{
			name: "a fourth future booking is refused",
			do: func(t *testing.T, f *fixture) func() error {
				for i := range 3 {
					f.bookAt(anna, wed10.Add(time.Duration(i)*30*time.Minute))
				}
				s := f.bookSlot("LAK", wed10.Add(24*time.Hour))
				return func() error { _, err := f.bookFor(scope(anna, ctBook), "k4", s, ""); return err }
			},
			want: []error{booking.ErrTooManyBookings, tidbok.ErrNotAllowed},
		},
		{
			name: "a citizen too young for the case type is refused",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(teen, ctBookAdult)
				s := f.bookSlot("LAK", wed10)
				return func() error { _, err := f.bookFor(scope(teen, ctBookAdult), "k", s, ""); return err }
			},
			want: []error{booking.ErrNotEligible, casetype.ErrNotEligible},
		},
		{
			name: "a password-and-SMS login where the case type needs e-ID is refused",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBook)
				sc := scope(anna, ctBook)
				sc.Caller.Assurance = casetype.AssurancePasswordSMS
				s := f.bookSlot("LAK", wed10)
				return func() error { _, err := f.bookFor(sc, "k", s, ""); return err }
			},
			want: []error{booking.ErrAssuranceTooLow},
		},
		{
			name: "a case type the clinic does not offer is refused",
			do: func(t *testing.T, f *fixture) func() error {
				s := f.bookSlot("LAK", wed10)
				return func() error { _, err := f.bookFor(scope(anna, "finns-inte"), "k", s, ""); return err }
			},
			want: []error{booking.ErrNotOffered},
		},
		{
			name: "booking under Av- och omboka is refused",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctManage)
				s := f.bookSlot("LAK", wed10)
				return func() error { _, err := f.bookFor(scope(anna, ctManage), "k", s, ""); return err }
			},
			want: []error{booking.ErrNotOffered},
		},
		{
			name: "a slot another citizen holds is refused with alternatives",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBook)
				s := f.slotAt(scope(bo, ctBook), wed10)
				if _, err := f.svc.Hold(context.Background(), booking.HoldRequest{Scope: scope(bo, ctBook), Slot: s}); err != nil {
					t.Fatal(err)
				}
				return func() error {
					_, err := f.bookFor(scope(anna, ctBook), "k", s, "")
					if st, ok := errors.AsType[*booking.SlotTakenError](err); !ok || len(st.Alternatives) != 3 {
						t.Errorf("error %v is not a SlotTakenError with 3 alternatives", err)
					}
					return err
				}
			},
			want: []error{booking.ErrHeld, tidbok.ErrSlotTaken},
		},
		{
			name: "an expired hold is refused, and the slot is free for others",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBook)
				s := f.slotAt(scope(anna, ctBook), wed10)
				h, err := f.svc.Hold(context.Background(), booking.HoldRequest{Scope: scope(anna, ctBook), Slot: s})
				if err != nil {
					t.Fatal(err)
				}
				f.clock.Advance(booking.DefaultHoldTTL)
				return func() error {
					_, err := f.svc.Book(context.Background(), booking.BookRequest{Scope: scope(anna, ctBook), Key: "k", Hold: h.Token, Contact: contact})
					return err
				}
			},
			after: func(t *testing.T, f *fixture) {
				f.accept(bo, ctBook)
				if _, err := f.bookFor(scope(bo, ctBook), "kb", f.bookSlot("LAK", wed10), ""); err != nil {
					t.Errorf("another citizen booking the slot after the hold expired: %v", err)
				}
			},
			want: []error{booking.ErrHoldExpired},
		},
		{
			name: "another citizen's hold token is refused",
			do: func(t *testing.T, f *fixture) func() error {
				f.accept(anna, ctBook)
				s := f.slotAt(scope(bo, ctBook), wed10)
				h, err := f.svc.Hold(context.Background(), booking.HoldRequest{Scope: scope(bo, ctBook), Slot: s})
				if err != nil {
					t.Fatal(err)
				}
				return func() error {
					_, err := f.svc.Book(context.Background(), booking.BookRequest{Scope: scope(anna, ctBook), Key: "k", Hold: h.Token, Contact: contact})
					return err
				}
			},
			want: []error{booking.ErrHoldExpired},
		},
		{
			name: "cancelling after the deadline is refused",
			do: func(t *testing.T, f *fixture) func() error {
				c := f.bookAt(anna, tomorrow8)
				return func() error {
					_, err := f.svc.Cancel(context.Background(), booking.CancelRequest{Scope: scope(anna, ctManage), Key: "c", BookingID: c.Booking.ID})
					return err
				}
			},
			want: []error{booking.ErrDeadlinePassed, tidbok.ErrNotAllowed},
		},
		{
			name: "rescheduling after the deadline is refused",
			do: func(t *testing.T, f *fixture) func() error {
				c := f.bookAt(anna, tomorrow8)
				to := f.bookSlot("LAK", wed10)
				return func() error {
					_, err := f.svc.Reschedule(context.Background(), booking.RescheduleRequest{Scope: scope(anna, ctManage), Key: "r", BookingID: c.Booking.ID, Slot: to})
					return err
				}
			},
			want: []error{booking.ErrDeadlinePassed, tidbok.ErrNotAllowed},
		},
		{
			name: "a third reschedule is refused",
			do: func(t *testing.T, f *fixture) func() error {
				c := f.bookAt(anna, wed10)
				sc := scope(anna, ctManage)
				for i := 1; i <= 2; i++ {
					to := f.bookSlot("LAK", wed10.Add(time.Duration(i)*30*time.Minute))
					if _, err := f.svc.Reschedule(context.Background(), booking.RescheduleRequest{Scope: sc, Key: "r" + strconv.Itoa(i), BookingID: c.Booking.ID, Slot: to}); err != nil {
						t.Fatalf("reschedule %d: %v", i, err)
					}
				}
				if mine, _ := f.svc.MyBookings(context.Background(), sc); len(mine) != 1 || mine[0].Allows.Reschedule || mine[0].Allows.ReschedulesLeft != 0 {
					t.Errorf("after two moves MyBookings says %+v", mine)
				}
				to := f.bookSlot("LAK", wed10.Add(24*time.Hour))
				return func() error {
					_, err := f.svc.Reschedule(context.Background(), booking.RescheduleRequest{Scope: sc, Key: "r3", BookingID: c.Booking.ID, Slot: to})
					return err
				}
			},
			want: []error{booking.ErrTooManyReschedules, tidbok.ErrNotAllowed},
		},
		{
			name: "cancelling where the book's flag forbids it is refused, whatever the rules",
			do: func(t *testing.T, f *fixture) func() error {
				c := f.bookAt(anna, wed10)
				must(t, f.mem.SetFlags(t.Context(), clinic, c.Booking.ID, tidbok.Flags{MayReschedule: true, MayMessage: true}))
				if mine, _ := f.svc.MyBookings(context.Background(), scope(anna, ctManage)); len(mine) != 1 || mine[0].Allows.Cancel || mine[0].Allows.Message {
					t.Errorf("MyBookings allows what the flag forbids: %+v", mine)
				}
				return func() error {
					_, err := f.svc.Cancel(context.Background(), booking.CancelRequest{Scope: scope(anna, ctManage), Key: "c", BookingID: c.Booking.ID})
					return err
				}
			},
			want: []error{tidbok.ErrNotAllowed},
		},
		{
			name: "rescheduling where the book's flag forbids it is refused, whatever the rules",
			do: func(t *testing.T, f *fixture) func() error {
				c := f.bookAt(anna, wed10)
				must(t, f.mem.SetFlags(t.Context(), clinic, c.Booking.ID, tidbok.Flags{MayCancel: true}))
				to := f.bookSlot("LAK", wed10.Add(time.Hour))
				return func() error {
					_, err := f.svc.Reschedule(context.Background(), booking.RescheduleRequest{Scope: scope(anna, ctManage), Key: "r", BookingID: c.Booking.ID, Slot: to})
					return err
				}
			},
			want: []error{tidbok.ErrNotAllowed},
		},
		{
			name: "a cancel message where the book's flag forbids one is refused",
			do: func(t *testing.T, f *fixture) func() error {
				c := f.bookAt(anna, wed10)
				must(t, f.mem.SetFlags(t.Context(), clinic, c.Booking.ID, tidbok.Flags{MayCancel: true, MayReschedule: true}))
				return func() error {
					_, err := f.svc.Cancel(context.Background(), booking.CancelRequest{Scope: scope(anna, ctManage), Key: "c", BookingID: c.Booking.ID, Message: "Förhinder"})
					return err
				}
			},
			want: []error{booking.ErrMessageNotAllowed, tidbok.ErrNotAllowed},
		},
		{
			name: "a cancel message longer than the case type allows is refused",
			do: func(t *testing.T, f *fixture) func() error {
				c := f.bookAt(anna, wed10)
				return func() error {
					_, err := f.svc.Cancel(context.Background(), booking.CancelRequest{Scope: scope(anna, ctManage), Key: "c", BookingID: c.Booking.ID, Message: strings.Repeat("x", 51)})
					return err
				}
			},
			want: []error{booking.ErrMessageTooLong},
		},
	}
	for _, b := range books {
		for _, tt := range tests {
			t.Run(tt.name+" over "+b.name, func(t *testing.T) {
				t.Parallel()
				f := newFixture(t, b.wrap)
				call := tt.do(t, f)
				before := f.staffBookings()
				err := call()
				if err == nil {
					t.Fatal("no error")
				}
				for _, w := range tt.want {
					if !errors.Is(err, w) {
						t.Errorf("error %v does not match %v", err, w)
					}
				}
				citizenText(t, err)
				for _, p := range []tidbok.PersonalNumber{anna, bo, teen} {
					if strings.Contains(err.Error(), p.Canonical()) || strings.Contains(err.Error(), p.String()) {
						t.Errorf("error message %q names a citizen", err)
					}
				}
				if diff := cmp.Diff(before, f.staffBookings(), equateIDs); diff != "" {
					t.Errorf("the refused call changed the book (-before +after):\n%s", diff)
				}
				if tt.after != nil {
					tt.after(t, f)
				}
			})
		}
	}
}
