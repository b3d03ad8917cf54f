package sqltidbok_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// TestFreeDaysStayExact publishes, withdraws, hides and shows slots, books,
// cancels and reschedules them and invites to them, in a random order of
// 300 steps over a week that starts today, and after every step checks
// that AvailableDates of the whole clinic (which SQLite answers from its
// counts of free slots a day) names exactly the days that
// AvailableTimeslots finds free slots on; on SQLite also that the counts
// equal a recount of the slots.
func TestFreeDaysStayExact(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := be.DSN(t)
			book, _ := openBook(t, be, dsn)
			db := be.Open(t, dsn)
			fac := testbook.Facility()
			if err := book.AddTimeType(ctx, fac, doctorsVisit); err != nil {
				t.Fatal(err)
			}
			now := book.Now()
			first := tidbok.DateOf(now)
			last := first.AddDays(6)
			req := tidbok.AvailabilityRequest{Facility: fac, Subject: citizen(1), From: first, To: last}
			rng := rand.New(rand.NewPCG(13, uint64(len(be.Name))))

			type booking struct {
				id      string
				subject tidbok.PersonalNumber
			}
			var slots []string
			var bookings, open []booking
			done := map[string]int{}
			free := func() []tidbok.Timeslot {
				t.Helper()
				res, err := book.AvailableTimeslots(ctx, req)
				if err != nil {
					t.Fatalf("AvailableTimeslots: %v", err)
				}
				return res.Slice()
			}
			when := func() (time.Time, time.Time) {
				d := first.AddDays(rng.IntN(7))
				start := d.Start().Add(time.Duration(6*60+rng.IntN(12*60)) * time.Minute)
				return start, start.Add(20 * time.Minute)
			}
			for step := range 300 {
				var what string
				var err error
				switch k := rng.IntN(10); {
				case k < 3:
					what = "publish"
					start, end := when()
					var id string
					id, err = book.Publish(ctx, staff.SlotSpec{Facility: fac, Start: start, End: end, TimeTypeID: doctorsVisit.ID, StaffOnly: rng.IntN(5) == 0})
					if err == nil {
						slots = append(slots, id)
					}
				case k == 3 && len(slots) > 0:
					what = "web-bookable"
					err = book.SetWebBookable(ctx, fac, slots[rng.IntN(len(slots))], rng.IntN(2) == 0)
				case k == 4 && len(slots) > 0:
					what = "withdraw"
					err = book.Withdraw(ctx, fac, slots[rng.IntN(len(slots))])
				case k == 5 || k == 6:
					what = "book"
					if fs := free(); len(fs) > 0 {
						subject := citizen(100 + step)
						var res tidbok.BookResult
						res, err = book.Book(ctx, bookRequest(fs[rng.IntN(len(fs))], subject))
						if err == nil {
							bookings = append(bookings, booking{res.BookingID, subject})
						}
					}
				case k == 7 && len(bookings) > 0:
					what = "cancel"
					i := rng.IntN(len(bookings))
					_, err = book.Cancel(ctx, tidbok.CancelRequest{Facility: fac, BookingID: bookings[i].id, Subject: bookings[i].subject})
					if err == nil {
						bookings = slices.Delete(bookings, i, i+1)
					}
				case k == 8 && len(bookings) > 0:
					what = "reschedule"
					if fs := free(); len(fs) > 0 {
						bk := bookings[rng.IntN(len(bookings))]
						ts := fs[rng.IntN(len(fs))]
						ts.Subject = bk.subject
						_, err = book.Reschedule(ctx, tidbok.RescheduleRequest{BookingID: bk.id, Timeslot: ts, Contact: contact})
					}
				default:
					subject := citizen(10_000 + step)
					spec := staff.InvitationSpec{Facility: fac, Subject: subject, TimeTypeID: doctorsVisit.ID, Purpose: "Återbesök"}
					switch {
					case len(open) > 0 && rng.IntN(2) == 0:
						what = "book an invitation"
						if fs := free(); len(fs) > 0 {
							inv := open[0]
							ts := fs[rng.IntN(len(fs))]
							ts.ID, ts.Subject = inv.id, inv.subject
							_, err = book.Book(ctx, tidbok.BookRequest{Timeslot: ts, Contact: contact})
							if err == nil {
								open = open[1:]
								bookings = append(bookings, inv)
							}
						}
					case rng.IntN(2) == 0:
						what = "invite, open"
						var id string
						if id, err = book.Invite(ctx, spec); err == nil {
							open = append(open, booking{id, subject})
						}
					default:
						what = "invite at a time"
						spec.Start, spec.End = when()
						var id string
						if id, err = book.Invite(ctx, spec); err == nil {
							bookings = append(bookings, booking{id, subject})
						}
					}
				}
				if what == "" {
					continue
				}
				if err == nil {
					done[what]++
				}

				dates, err := book.AvailableDates(ctx, req)
				if err != nil {
					t.Fatalf("step %d (%s): AvailableDates: %v", step, what, err)
				}
				var got, want []tidbok.Date
				for _, d := range dates.Dates {
					got = append(got, d.Date)
				}
				for _, ts := range free() {
					if d := tidbok.DateOf(ts.Start); !slices.Contains(want, d) {
						want = append(want, d)
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("step %d (%s): AvailableDates = %v, want the days with free slots %v", step, what, got, want)
				}
				if be.Dialect == sqltidbok.SQLite {
					counted := freeDayCounts(t, db, `SELECT facility_id, day, n FROM free_days WHERE n <> 0 ORDER BY facility_id, day`)
					recounted := freeDayCounts(t, db, `SELECT s.facility_id, s.day, COUNT(*) FROM slots s
						WHERE s.web_bookable AND NOT s.withdrawn AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = s.id)
						GROUP BY s.facility_id, s.day ORDER BY s.facility_id, s.day`)
					if !slices.Equal(counted, recounted) {
						t.Fatalf("step %d (%s): free_days = %v, want the recount %v", step, what, counted, recounted)
					}
				}
			}
			for _, what := range []string{"publish", "web-bookable", "withdraw", "book", "cancel", "reschedule", "book an invitation", "invite, open", "invite at a time"} {
				if done[what] == 0 {
					t.Errorf("no %s succeeded in 300 steps: the test checked less than it claims", what)
				}
			}
		})
	}
}

// freeDayCounts runs query, which answers (facility, day, count) rows, and
// returns them as text.
func freeDayCounts(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var fac string
		var day, n int64
		if err := rows.Scan(&fac, &day, &n); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %d: %d", fac, day, n))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
