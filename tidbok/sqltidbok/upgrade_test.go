package sqltidbok_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
)

// TestUpgradeToTheSearchIndexesKeepsTheBook opens, with this release, a
// book that an earlier release (schema version 2) filled: slots of two
// clinicians on three days, one of them booked. The search indexes (and,
// on SQLite, the covering indexes of the free slots) are added and every search answers as before.
func TestUpgradeToTheSearchIndexesKeepsTheBook(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := be.DSN(t)
			db := be.Open(t, dsn)
			if err := sqltidbok.MigrateTo(ctx, db, be.Dialect, 2); err != nil {
				t.Fatal(err)
			}
			fac := testbook.Facility().String()
			perfs := []string{"SE2321000016-P001", "SE2321000016-P002"}
			stmts := []string{
				fmt.Sprintf("INSERT INTO facilities (id, name, pos) VALUES ('%s', '%s', 1)", fac, testbook.FacilityName),
				fmt.Sprintf("INSERT INTO time_types (facility_id, id, name, pos) VALUES ('%s', 'LAK', 'Läkarbesök', 1)", fac),
			}
			for i, p := range perfs {
				stmts = append(stmts, fmt.Sprintf("INSERT INTO performers (facility_id, id, first_name, last_name, title, pos) VALUES ('%s', '%s', 'Doktor', '%d', 'Dr', %d)", fac, p, i, i+1))
			}
			first := tidbok.DateOf(testbook.DefaultNow()).AddDays(1)
			var booked string
			for d := range 3 {
				date := first.AddDays(d)
				for i, p := range perfs {
					start := time.Date(date.Year, date.Month, date.Day, 9+i, 0, 0, 0, tidbok.Stockholm())
					id := fmt.Sprintf("s%016d", d*10+i)
					stmts = append(stmts, fmt.Sprintf(`INSERT INTO slots (id, facility_id, start_ns, end_ns, day, time_type_id, performer_id, web_bookable)
						VALUES ('%s', '%s', %d, %d, %d, 'LAK', '%s', TRUE)`, id, fac, start.UnixNano(), start.Add(time.Hour).UnixNano(),
						date.Year*10000+int(date.Month)*100+date.Day, p))
					if d == 1 && i == 0 {
						booked = id
					}
				}
			}
			stmts = append(stmts, fmt.Sprintf(`INSERT INTO bookings (id, slot_id, facility_id, subject, invitation, booked_at_ns)
				VALUES ('b0000000000000001', '%s', '%s', '%s', FALSE, 1)`, booked, fac, citizen(1).Canonical()))
			for _, s := range stmts {
				if _, err := db.ExecContext(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}

			book, _ := openBook(t, be, dsn)
			if v, err := book.SchemaVersion(ctx); err != nil || v != schemaVersion {
				t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, schemaVersion)
			}
			req := tidbok.AvailabilityRequest{Facility: testbook.Facility(), Subject: citizen(2), From: first, To: first.AddDays(2)}
			dates, err := book.AvailableDates(ctx, req)
			if err != nil || len(dates.Dates) != 3 {
				t.Errorf("AvailableDates = %v, %v; want the three days", dates.Dates, err)
			}
			req.Performers = []tidbok.HSAID{tidbok.MustHSAID(perfs[0])}
			dates, err = book.AvailableDates(ctx, req)
			var got []tidbok.Date
			for _, d := range dates.Dates {
				got = append(got, d.Date)
			}
			if want := []tidbok.Date{first, first.AddDays(2)}; err != nil || !slices.Equal(got, want) {
				t.Errorf("AvailableDates of %s = %v, %v; want %v (the middle day is booked)", perfs[0], got, err, want)
			}
			slots, err := book.AvailableTimeslots(ctx, req)
			if err != nil || slots.Len() != 2 || slots.At(0).PerformerName != "Dr Doktor 0" {
				t.Errorf("AvailableTimeslots of %s = %v, %v; want its two free slots", perfs[0], slots.Slice(), err)
			}
			if got, err := book.Bookings(ctx, testbook.Facility()); err != nil || len(got) != 1 || got[0].Timeslot.ID != "b0000000000000001" {
				t.Errorf("Bookings = %v, %v; want the booking made before the upgrade", got, err)
			}
		})
	}
}
