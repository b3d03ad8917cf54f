package reconcile

import (
	"context"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestBookedAs(t *testing.T) {
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	slot := tidbok.Timeslot{Facility: tidbok.MustHSAID("SE2321000016-VC01"), Start: at, End: at.Add(15 * time.Minute),
		TimeType: tidbok.TimeType{ID: "LAK"}, Performer: tidbok.MustHSAID("SE2321000016-P001")}
	for name, tc := range map[string]struct {
		change func(*tidbok.Timeslot)
		want   bool
	}{
		"the same":                     {func(*tidbok.Timeslot) {}, true},
		"a fraction of a second later": {func(b *tidbok.Timeslot) { b.Start = b.Start.Add(time.Millisecond) }, true},
		"another clinic":               {func(b *tidbok.Timeslot) { b.Facility = tidbok.MustHSAID("SE2321000016-VC02") }, false},
		"another start":                {func(b *tidbok.Timeslot) { b.Start = b.Start.Add(time.Minute) }, false},
		"another end":                  {func(b *tidbok.Timeslot) { b.End = b.End.Add(time.Minute) }, false},
		"another time type":            {func(b *tidbok.Timeslot) { b.TimeType.ID = "PROV" }, false},
		"another clinician":            {func(b *tidbok.Timeslot) { b.Performer = tidbok.MustHSAID("SE2321000016-P002") }, false},
	} {
		b := slot
		tc.change(&b)
		if got := BookedAs(b, slot); got != tc.want {
			t.Errorf("%s: BookedAs = %v, want %v", name, got, tc.want)
		}
	}
	byName := slot
	byName.TimeType = tidbok.TimeType{Name: "Läkarbesök"}
	if b := byName; !BookedAs(b, byName) {
		t.Error("a time type named alike: not booked as")
	}
	if b := byName; func() bool { b.TimeType.Name = "Provtagning"; return BookedAs(b, byName) }() {
		t.Error("a time type named otherwise: booked as")
	}
}

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Error("Sleep waited an hour on an ended context")
	}
	if !Sleep(t.Context(), 0) {
		t.Error("Sleep of nothing did not report waiting it")
	}
}
