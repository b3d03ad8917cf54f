package memtidbok_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// TestAnswerOfManyClinicians asks for a day on which 150 clinicians each
// have a slot: more groups than the answer's builder keeps on the stack.
// Every slot comes back whole, with its clinician, in order.
func TestAnswerOfManyClinicians(t *testing.T) {
	b := newClinic(t)
	const n = 150
	ids := make([]string, n)
	for i := range n {
		id, err := tidbok.ParseHSAID(fmt.Sprintf("SE2321000016-P%03d", i))
		if err != nil {
			t.Fatal(err)
		}
		p := tidbok.Performer{ID: id, Title: "Dr", FirstName: "Doktor", LastName: fmt.Sprint(i)}
		if err := b.AddPerformer(t.Context(), clinic, p); err != nil {
			t.Fatal(err)
		}
		ids[i] = publish(t, b, at(1, 8, 0).Add(time.Duration(i)*time.Minute), func(s *staff.SlotSpec) {
			s.Performer = id
			s.End = s.Start.Add(time.Minute)
		})
	}
	day := tidbok.DateOf(at(1, 8, 0))
	res, err := b.AvailableTimeslots(t.Context(), tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: day, To: day})
	if err != nil || res.Len() != n {
		t.Fatalf("AvailableTimeslots = %d slots, %v; want %d", res.Len(), err, n)
	}
	i := 0
	for ts := range res.All() {
		want := at(1, 8, 0).Add(time.Duration(i) * time.Minute)
		if ts.ID != ids[i] || !ts.Start.Equal(want) || !ts.End.Equal(want.Add(time.Minute)) ||
			ts.PerformerName != fmt.Sprintf("Dr Doktor %d", i) || ts.TimeType != doctor || ts.Facility != clinic {
			t.Errorf("slot %d = %+v; want %s at %s with Dr Doktor %d", i, ts, ids[i], want, i)
		}
		if ts != res.At(i) {
			t.Errorf("All's slot %d differs from At(%d)", i, i)
		}
		i++
	}
}
