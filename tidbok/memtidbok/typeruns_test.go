package memtidbok_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// TestOneTimeTypeAgreesWithWholeDay checks the per time type runs against
// the whole day's scan: after every change (slots of two time types
// published out of order and in weekly batches, withdrawn, booked,
// cancelled, made staff-only and web-bookable again, some of today's
// already started) the answer for one time type, with and without a care
// type, equals the unfiltered answer (which scans the whole day) filtered
// by hand.
func TestOneTimeTypeAgreesWithWholeDay(t *testing.T) {
	b := newClinic(t)
	r := rand.New(rand.NewPCG(13, 4))
	var ids []string
	booked := map[string]string{} // slot ID → booking ID
	nbooked, ncancelled := 0, 0
	check := func(step int) {
		t.Helper()
		all, err := b.AvailableTimeslots(noContext, tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: testToday, To: testToday.AddDays(6)})
		if err != nil {
			t.Fatalf("step %d: AvailableTimeslots: %v", step, err)
		}
		for _, tt := range []tidbok.TimeType{doctor, sample} {
			for _, ct := range []tidbok.CareType{{}, {ID: checkup.ID}} {
				var want []string
				for ts := range all.All() {
					if ts.TimeType.ID == tt.ID && (ct.ID == "" || ts.CareType.ID == ct.ID) {
						want = append(want, ts.ID)
					}
				}
				res, err := b.AvailableTimeslots(noContext, tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: testToday, To: testToday.AddDays(6), TimeType: tidbok.TimeType{ID: tt.ID}, CareType: ct})
				if err != nil {
					t.Fatalf("step %d: AvailableTimeslots(%s, %q): %v", step, tt.ID, ct.ID, err)
				}
				var got []string
				for ts := range res.All() {
					got = append(got, ts.ID)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("step %d: time type %s, care type %q:\n got %v\nwant %v", step, tt.ID, ct.ID, got, want)
				}
			}
		}
	}
	for step := range 400 {
		switch k := r.IntN(10); {
		case k < 4 || len(ids) == 0:
			tt := []string{doctor.ID, sample.ID}[r.IntN(2)]
			start := at(r.IntN(5), 7+r.IntN(8), 10*r.IntN(6))
			id := publish(t, b, start, func(s *staff.SlotSpec) {
				s.TimeTypeID = tt
				if r.IntN(2) == 0 {
					s.CareTypeID = checkup.ID
				}
				if r.IntN(2) == 0 {
					s.Performer = drAnna
				}
			})
			ids = append(ids, id)
		case k == 4:
			d := testToday.AddDays(r.IntN(5))
			tt := []string{doctor.ID, sample.ID}[r.IntN(2)]
			if _, err := b.PublishWeekly(noContext, staff.Template{Facility: clinic, From: d, To: d, Weekdays: allWeek,
				DayStart: time.Duration(7+r.IntN(4)) * time.Hour, DayEnd: 12 * time.Hour, Length: 20 * time.Minute, Interval: time.Duration(20+10*r.IntN(3)) * time.Minute,
				TimeTypeID: tt}); err != nil {
				t.Fatalf("step %d: PublishWeekly: %v", step, err)
			}
		case k == 5:
			id := ids[r.IntN(len(ids))]
			if _, ok := booked[id]; !ok {
				_ = b.Withdraw(noContext, clinic, id) // refused or gone: both fine
			}
		case k == 6:
			id := ids[r.IntN(len(ids))]
			_ = b.SetWebBookable(noContext, clinic, id, r.IntN(2) == 0)
		case k == 7:
			id := ids[r.IntN(len(ids))]
			if _, ok := booked[id]; ok {
				break
			}
			res, err := b.AvailableTimeslots(noContext, tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: testToday, To: testToday.AddDays(6)})
			if err != nil {
				t.Fatal(err)
			}
			for ts := range res.All() {
				if ts.ID == id {
					bk, err := b.Book(noContext, bookRequest(bertil, ts))
					if err != nil {
						t.Fatalf("step %d: Book %s: %v", step, id, err)
					}
					booked[id] = bk.BookingID
					nbooked++
				}
			}
		default:
			for id, bk := range booked {
				if _, err := b.Cancel(noContext, tidbok.CancelRequest{Facility: clinic, Subject: bertil, BookingID: bk}); err != nil {
					t.Fatalf("step %d: Cancel %s: %v", step, bk, err)
				}
				delete(booked, id)
				ncancelled++
				break
			}
		}
		check(step)
	}
	if nbooked < 10 || ncancelled < 10 || len(ids) < 100 {
		t.Fatalf("the walk published %d slots, booked %d and cancelled %d: too few to test much", len(ids), nbooked, ncancelled)
	}
}
