package memtidbok_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// TestAnswerOutlivesLaterChanges takes an answer, whose slots share the
// book's fields of each clinician, then changes the book in every way
// that adds to those fields or the slots (new clinicians, time types,
// resources, bookings, withdrawals), while it is read: the answer reads
// as it did.
func TestAnswerOutlivesLaterChanges(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	for h := range 4 {
		publish(t, b, at(2, 8+h, 0), func(s *staff.SlotSpec) { s.Performer = annaPerf.ID })
		publish(t, b, at(2, 8+h, 0), func(s *staff.SlotSpec) { s.Performer = boPerf.ID; s.ResourceID = room.ID })
	}
	req := tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: testToday, To: testToday.AddDays(5)}
	res, err := b.AvailableTimeslots(t.Context(), req)
	if err != nil || res.Len() != 8 {
		t.Fatalf("AvailableTimeslots = %d slots, %v; want 8", res.Len(), err)
	}
	want := res.Slice()
	// A reader goes on reading the answer while the book changes, for
	// the race detector.
	done, read := make(chan struct{}), make(chan int)
	go func() {
		n := 0
		for {
			for range res.All() {
				n++
			}
			select {
			case <-done:
				read <- n
				return
			default:
			}
		}
	}()

	// Many new groups, so that the book's tables of them grow.
	for h := range 40 {
		publish(t, b, at(3, 8, h), func(s *staff.SlotSpec) {
			s.TimeTypeID = []string{doctor.ID, sample.ID}[h%2]
			s.Performer = []tidbok.HSAID{annaPerf.ID, boPerf.ID, {}}[h%3]
			s.CareTypeID = []string{"", checkup.ID}[h/20]
		})
	}
	book(t, b, tolvan, want[0].ID)
	if err := b.Withdraw(t.Context(), clinic, want[1].ID); err != nil {
		t.Fatal(err)
	}
	close(done)
	if n := <-read; n == 0 {
		t.Error("the reader read nothing")
	}
	if diff := cmp.Diff(want, res.Slice()); diff != "" {
		t.Errorf("answer after the book changed (-before +after):\n%s", diff)
	}
}
