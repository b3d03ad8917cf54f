package casetype

import (
	"fmt"
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Limits on a case type's Reminders.
const (
	// MaxReminders is how many reminders a case type may send per
	// booking.
	MaxReminders = 3
	// MaxReminderBefore is the longest a reminder may come before the
	// visit.
	MaxReminderBefore = 14 * 24 * time.Hour
)

// checkReminders checks a case type's reminder offsets.
func checkReminders(p *tidbok.Problems, k Kind, rs []time.Duration) {
	if len(rs) == 0 {
		return
	}
	if k != KindBook {
		p.Add("Reminders", "are set, but only a Boka tid case type sends reminders: remove them")
		return
	}
	if len(rs) > MaxReminders {
		p.Add("Reminders", "has %d reminders; at most %d are allowed", len(rs), MaxReminders)
	}
	for i, d := range rs {
		field := fmt.Sprintf("Reminders[%d]", i)
		switch {
		case d <= 0:
			p.Add(field, "is %v; a reminder comes a positive time before the visit, e.g. 48h", d)
		case d > MaxReminderBefore:
			p.Add(field, "is %v; at most %v before the visit", d, MaxReminderBefore)
		case slices.Index(rs, d) < i:
			p.Add(field, "repeats %v: remove the duplicate", d)
		}
	}
}
