package sqltidbok_test

import (
	"context"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// TestSlotsNameWhatAnotherBookAddedAfterASearch searches one book, then
// has a second book on the same database (another process) add a
// clinician and a time type and publish a slot of them: the first book
// lists the slot with their names.
func TestSlotsNameWhatAnotherBookAddedAfterASearch(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := be.DSN(t)
			first, _ := openBook(t, be, dsn)
			free := publishDays(t, first, 1, time.Hour)
			day := tidbok.DateOf(free[0].Start)
			req := tidbok.AvailabilityRequest{Facility: testbook.Facility(), Subject: citizen(1), From: day, To: day}
			if res, err := first.AvailableTimeslots(ctx, req); err != nil || res.Len() != 8 {
				t.Fatalf("AvailableTimeslots = %d slots, %v; want 8", res.Len(), err)
			}

			second, _ := openBook(t, be, dsn)
			perf := tidbok.Performer{ID: tidbok.MustHSAID("SE2321000016-NEW1"), FirstName: "Ny", LastName: "Doktor", Title: "Leg. läkare"}
			tt := tidbok.TimeType{ID: "NY", Name: "Nybesök"}
			if err := second.AddPerformer(ctx, testbook.Facility(), perf); err != nil {
				t.Fatal(err)
			}
			if err := second.AddTimeType(ctx, testbook.Facility(), tt); err != nil {
				t.Fatal(err)
			}
			start := time.Date(day.Year, day.Month, day.Day, 17, 0, 0, 0, tidbok.Stockholm())
			id, err := second.Publish(ctx, staff.SlotSpec{Facility: testbook.Facility(), Start: start, End: start.Add(time.Hour), TimeTypeID: tt.ID, Performer: perf.ID})
			if err != nil {
				t.Fatal(err)
			}

			req.Performers = []tidbok.HSAID{perf.ID}
			res, err := first.AvailableTimeslots(ctx, req)
			if err != nil || res.Len() != 1 {
				t.Fatalf("AvailableTimeslots of the new clinician = %v, %v; want the new slot", res.Slice(), err)
			}
			got := res.At(0)
			if got.ID != id || got.PerformerName != "Leg. läkare Ny Doktor" || got.TimeType != tt || got.FacilityName != testbook.FacilityName {
				t.Errorf("the new slot = %+v; want ID %s, performer name %q, time type %v", got, id, "Leg. läkare Ny Doktor", tt)
			}
		})
	}
}
