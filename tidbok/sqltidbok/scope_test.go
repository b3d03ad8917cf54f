package sqltidbok_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Staff name the facility they work for in every change they make. In a
// database two clinics share, a slot or booking of the other clinic is
// answered as one the book does not have (never as booked, which would
// tell that it exists) and left as it is.
func TestStaffOfOneFacilityCannotChangeAnothersSlots(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		other := tidbok.MustHSAID("SE2321000016-A65H")
		must(t, b.AddFacility(ctx, tidbok.Facility{ID: other, Name: "Annan vårdcentral"}))
		free := publishDays(t, b, 1, time.Hour)
		res, err := b.Book(ctx, bookRequest(free[1], citizen(1)))
		must(t, err)
		day := tidbok.DateOf(free[0].Start)
		before := staffView(t, b, clinic, day)
		for name, err := range map[string]error{
			"withdrawing a free slot":        b.Withdraw(ctx, other, free[0].ID),
			"withdrawing a booked slot":      b.Withdraw(ctx, other, free[1].ID),
			"closing a slot to the web":      b.SetWebBookable(ctx, other, free[0].ID, false),
			"setting the flags of a booking": b.SetFlags(ctx, other, res.BookingID, tidbok.Flags{}),
		} {
			if !errors.Is(err, tidbok.ErrNotFound) || errors.Is(err, tidbok.ErrNotAllowed) {
				t.Errorf("%s of %s as %s: %v, want ErrNotFound only", name, clinic, other, err)
			}
			if err != nil && (strings.Contains(err.Error(), "booked") || strings.Contains(err.Error(), clinic.String())) {
				t.Errorf("%s: %q tells of the other facility's slot", name, err)
			}
		}
		if diff := cmp.Diff(before, staffView(t, b, clinic, day)); diff != "" {
			t.Errorf("the other facility's book changed (-before +after):\n%s", diff)
		}
		must(t, b.Withdraw(ctx, clinic, free[0].ID))
	})
}

// staffViewOf is what staff of a facility see of a day and its bookings.
type staffViewOf struct {
	Day      []staff.DaySlot
	Bookings []staff.Booking
}

// staffView returns what staff of facility see of date d.
func staffView(t *testing.T, b *sqltidbok.Book, facility tidbok.HSAID, d tidbok.Date) staffViewOf {
	t.Helper()
	ctx := context.Background()
	day, err := b.Day(ctx, facility, d)
	must(t, err)
	bookings, err := b.Bookings(ctx, facility)
	must(t, err)
	return staffViewOf{Day: day, Bookings: bookings}
}
