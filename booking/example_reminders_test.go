package booking_test

import (
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// A reminder "48 h before" comes 48 hours of elapsed time before the
// visit: across the change to summer time (29 March 2026) it is due an
// hour earlier by the wall clock, across the change back (25 October
// 2026) an hour later.
func ExampleReminderDue() {
	sthlm := tidbok.Stockholm()
	for _, visit := range []time.Time{
		time.Date(2026, time.March, 30, 9, 0, 0, 0, sthlm),
		time.Date(2026, time.October, 26, 9, 0, 0, 0, sthlm),
	} {
		due := booking.ReminderDue(visit, 48*time.Hour)
		fmt.Println(visit.Format("Mon 2 Jan 15:04 MST"), "→", due.In(sthlm).Format("Mon 2 Jan 15:04 MST"))
	}
	// Output:
	// Mon 30 Mar 09:00 CEST → Sat 28 Mar 08:00 CET
	// Mon 26 Oct 09:00 CET → Sat 24 Oct 10:00 CEST
}
