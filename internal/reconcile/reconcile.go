// Package reconcile holds what the module's clients of remote books
// (mvkclient over crm:scheduling, tidbok/fhir/fhirclient over FHIR) share
// when they find out what became of a write whose answer was lost: how
// to wait between reads, and which booking a lost Book made.
package reconcile

import (
	"context"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Sleep waits d or until ctx ends, and reports whether it waited d.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// BookedAs reports whether booking b is what booking slot would have
// made: same facility and time (to the second, as the wires carry), and
// the same subject, time type and clinician where both name them.
func BookedAs(b, slot tidbok.Timeslot) bool {
	if !b.Facility.Equal(slot.Facility) || !SameTime(b, slot) {
		return false
	}
	if !slot.Subject.IsZero() && !b.Subject.IsZero() && !b.Subject.Equal(slot.Subject) {
		return false
	}
	switch tt := slot.TimeType; {
	case tt.ID != "" && b.TimeType.ID != tt.ID:
		return false
	case tt.ID == "" && tt.Name != "" && b.TimeType.Name != tt.Name:
		return false
	}
	if !slot.Performer.IsZero() && !b.Performer.Equal(slot.Performer) {
		return false
	}
	return true
}

// SameTime reports whether a and b start and end at the same second.
func SameTime(a, b tidbok.Timeslot) bool {
	return a.Start.Truncate(time.Second).Equal(b.Start.Truncate(time.Second)) &&
		a.End.Truncate(time.Second).Equal(b.End.Truncate(time.Second))
}
