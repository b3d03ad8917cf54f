package sqltidbok_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// clock is a book's clock that a test moves on.
type clock struct{ now atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.now.Store(t.UnixNano())
	return c
}

func (c *clock) Now() time.Time          { return time.Unix(0, c.now.Load()).In(tidbok.Stockholm()) }
func (c *clock) Advance(d time.Duration) { c.now.Add(int64(d)) }

// A cancel, by the citizen or by someone acting for them, leaves a
// tombstone with what was booked, for whom, and when and by whom it was
// cancelled; the slot is free and books again, and the booking itself is
// gone for the citizen.
func TestACancelLeavesATombstone(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := newClock(testbook.DefaultNow())
			b, _ := newBook(t, be, sqltidbok.WithClock(clk.Now))
			free := publishDays(t, b, 1, time.Hour)
			booked := clk.Now()
			mine, err := b.Book(ctx, bookRequest(free[0], citizen(1)))
			must(t, err)
			child, err := b.Book(ctx, bookRequest(free[1], citizen(2)))
			must(t, err)
			inv, err := b.Invite(ctx, staff.InvitationSpec{Facility: clinic, Subject: citizen(3), TimeTypeID: doctorsVisit.ID, Purpose: "Dags för kontroll."})
			must(t, err)

			clk.Advance(time.Hour)
			first := clk.Now()
			_, err = b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: mine.BookingID, Subject: citizen(1)})
			must(t, err)
			clk.Advance(time.Minute)
			second := clk.Now()
			guardian := tidbok.Actor{Person: citizen(9)}
			_, err = b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: child.BookingID, Subject: citizen(2), Actor: guardian})
			must(t, err)
			clk.Advance(time.Minute)
			third := clk.Now()
			_, err = b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: inv, Subject: citizen(3)})
			must(t, err)

			tt := doctorsVisit
			want := []sqltidbok.CancelledBooking{
				{ID: mine.BookingID, Facility: clinic, SlotID: free[0].ID, Start: free[0].Start, End: free[0].End,
					Subject: citizen(1), TimeType: tt, BookedAt: booked, CancelledAt: first},
				{ID: child.BookingID, Facility: clinic, SlotID: free[1].ID, Start: free[1].Start, End: free[1].End,
					Subject: citizen(2), TimeType: tt, BookedAt: booked, CancelledAt: second, By: guardian},
				{ID: inv, Facility: clinic, Subject: citizen(3), Invitation: true, TimeType: tt, BookedAt: booked, CancelledAt: third},
			}
			got, err := b.Cancelled(ctx, clinic, first, third.Add(time.Nanosecond))
			must(t, err)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Cancelled (-want +got):\n%s", diff)
			}
			for _, tt := range []struct {
				name     string
				facility tidbok.HSAID
				from, to time.Time
				want     int
			}{
				{"from the beginning of time", clinic, time.Time{}, third.Add(time.Nanosecond), 3},
				{"after the first", clinic, first.Add(time.Nanosecond), third.Add(time.Hour), 2},
				{"up to the last", clinic, first, third, 2},
				{"before the first", clinic, booked, first, 0},
				{"an empty period", clinic, second, second, 0},
				{"another facility", tidbok.MustHSAID("SE2321000016-A65H"), time.Time{}, third.Add(time.Hour), 0},
			} {
				got, err := b.Cancelled(ctx, tt.facility, tt.from, tt.to)
				if err != nil || len(got) != tt.want {
					t.Errorf("Cancelled %s = %d tombstones, %v; want %d", tt.name, len(got), err, tt.want)
				}
			}

			if _, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: clinic, BookingID: mine.BookingID, Subject: citizen(1)}); !errors.Is(err, tidbok.ErrNotFound) {
				t.Errorf("BookingDetails of a cancelled booking: %v, want ErrNotFound", err)
			}
			clk.Advance(time.Minute)
			again, err := b.Book(ctx, bookRequest(free[0], citizen(4)))
			if err != nil {
				t.Fatalf("booking the freed slot again: %v", err)
			}
			if _, err := b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: again.BookingID, Subject: citizen(4)}); err != nil {
				t.Fatalf("cancelling the slot's second booking: %v", err)
			}
			if got, err := b.Cancelled(ctx, clinic, time.Time{}, third.Add(time.Hour)); err != nil || len(got) != 4 || got[3].ID != again.BookingID || got[3].SlotID != free[0].ID {
				t.Errorf("after the slot's second booking was cancelled: %+v, %v; want a fourth tombstone for it", got, err)
			}
		})
	}
}

// A cancel that fails (refused, not sent, or failing in the database
// after the tombstone was written) leaves the booking and no tombstone.
func TestACancelThatFailsLeavesNoTombstone(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := be.DSN(t)
			b, _ := openBook(t, be, dsn)
			free := publishDays(t, b, 1, time.Hour)
			res, err := b.Book(ctx, bookRequest(free[0], citizen(1)))
			must(t, err)
			cancel := tidbok.CancelRequest{Facility: clinic, BookingID: res.BookingID, Subject: citizen(1)}

			other := cancel
			other.Subject = citizen(2)
			_, notTheirs := b.Cancel(ctx, other)
			ended, stop := context.WithCancel(ctx)
			stop()
			_, notSent := b.Cancel(ended, cancel)
			must(t, b.SetFlags(ctx, clinic, res.BookingID, tidbok.Flags{}))
			_, notAllowed := b.Cancel(ctx, cancel)
			must(t, b.SetFlags(ctx, clinic, res.BookingID, tidbok.Flags{MayCancel: true}))

			// The database refuses to delete the booking, after the
			// tombstone is written in the same transaction.
			db := be.Open(t, dsn)
			refuse := []string{"CREATE TRIGGER refuse_delete BEFORE DELETE ON bookings BEGIN SELECT RAISE(ABORT, 'refused'); END"}
			if be.Dialect == sqltidbok.Postgres {
				refuse = []string{
					"CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$",
					"CREATE TRIGGER refuse_delete BEFORE DELETE ON bookings FOR EACH ROW EXECUTE FUNCTION refuse()",
				}
			}
			for _, q := range refuse {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			_, failed := b.Cancel(ctx, cancel)

			for name, tt := range map[string]struct {
				err, want error
			}{
				"another citizen's cancel":      {notTheirs, tidbok.ErrNotFound},
				"a cancel never sent":           {notSent, tidbok.ErrNotSent},
				"a cancel not allowed":          {notAllowed, tidbok.ErrNotAllowed},
				"a cancel the database refused": {failed, nil},
			} {
				if tt.err == nil || tt.want != nil && !errors.Is(tt.err, tt.want) {
					t.Errorf("%s: %v, want an error matching %v", name, tt.err, tt.want)
				}
			}
			if got, err := b.Cancelled(ctx, clinic, time.Time{}, b.Now().Add(time.Hour)); err != nil || len(got) != 0 {
				t.Errorf("Cancelled = %+v, %v; want no tombstone", got, err)
			}
			if _, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: clinic, BookingID: res.BookingID, Subject: citizen(1)}); err != nil {
				t.Errorf("BookingDetails after the failed cancels: %v, want the booking kept", err)
			}
		})
	}
}
