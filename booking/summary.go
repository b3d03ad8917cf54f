package booking

import (
	"fmt"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Summary is a booking described for display, in Swedish, as 1177 shows
// it: the date and time in Swedish local time, the kind of visit, with
// whom, where, the citizen's reason and the clinic's notice. Empty fields
// are for the portal to leave out.
type Summary struct {
	// Date is e.g. "måndag 16 mars 2026".
	Date string
	// Time is e.g. "09:00–09:20" (the end time included; 1177 shows it
	// only where the clinic asks for it).
	Time string
	// What is the time type, e.g. "Läkarbesök".
	What string
	// With is the performer's name, else the resource's, else the care
	// type's.
	With string
	// Clinic is the clinic's name as the book gives it, else its HSA-id.
	Clinic string
	// Reason is the citizen's reason for the visit.
	Reason string
	// Purpose is the clinic's text about the visit (for invitations).
	Purpose string
	// Notice is the book's message the citizen must read, e.g. "Kom
	// fastande".
	Notice string
}

// Summarize describes booking b, with the book's notice, for display.
func Summarize(b tidbok.Timeslot, notice string) Summary {
	s := Summary{
		What:    b.TimeType.Name,
		Clinic:  b.FacilityName,
		Reason:  b.Reason,
		Purpose: b.Purpose,
		Notice:  notice,
	}
	if s.Clinic == "" {
		s.Clinic = b.Facility.String()
	}
	switch {
	case b.PerformerName != "":
		s.With = b.PerformerName
	case b.Resource.Name != "":
		s.With = b.Resource.Name
	case b.CareType.Name != "":
		s.With = b.CareType.Name
	}
	if !b.Start.IsZero() {
		start := b.Start.In(tidbok.Stockholm())
		s.Date = swedishDate(start)
		s.Time = start.Format("15:04")
		if !b.End.IsZero() {
			s.Time += "–" + b.End.In(tidbok.Stockholm()).Format("15:04")
		}
	}
	return s
}

// String returns the summary as lines of text, e.g.
//
//	måndag 16 mars 2026 kl. 09:00–09:20
//	Läkarbesök hos Dr Eva Ek
//	Vårdcentralen Exempel
//	Information från mottagningen: Kom fastande
func (s Summary) String() string {
	var lines []string
	if s.Date != "" {
		lines = append(lines, s.Date+" kl. "+s.Time)
	}
	switch {
	case s.What != "" && s.With != "":
		lines = append(lines, s.What+" hos "+s.With)
	case s.What != "":
		lines = append(lines, s.What)
	case s.With != "":
		lines = append(lines, s.With)
	}
	if s.Clinic != "" {
		lines = append(lines, s.Clinic)
	}
	if s.Reason != "" {
		lines = append(lines, "Anledning: "+s.Reason)
	}
	if s.Notice != "" {
		lines = append(lines, "Information från mottagningen: "+s.Notice)
	}
	return strings.Join(lines, "\n")
}

var (
	swedishWeekdays = [7]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"}
	swedishMonths   = [12]string{"januari", "februari", "mars", "april", "maj", "juni", "juli",
		"augusti", "september", "oktober", "november", "december"}
)

// swedishDate returns t's date as "måndag 16 mars 2026".
func swedishDate(t time.Time) string {
	return fmt.Sprintf("%s %d %s %d", swedishWeekdays[t.Weekday()], t.Day(), swedishMonths[t.Month()-1], t.Year())
}
