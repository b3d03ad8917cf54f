package main

import (
	"errors"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
)

// The demo clinic's staff and time types.
var (
	demoDoctor = tidbok.Performer{ID: tidbok.MustHSAID("SE2321000016-DR01"), Title: "Dr", FirstName: "Eva", LastName: "Ek"}
	demoNurse  = tidbok.Performer{ID: tidbok.MustHSAID("SE2321000016-SK01"), Title: "Leg. sjuksköterska", FirstName: "Sven", LastName: "Svensson"}
	lakarbesok = tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}
	provtagn   = tidbok.TimeType{ID: "PROV", Name: "Provtagning"}
)

// demoDays is how many days, today included, the demo book has slots.
const demoDays = 14

// seed sets up facility in book the way clinic staff would: the clinic,
// two time types, a doctor and a nurse, and free web-bookable slots on
// the weekdays of the 14 days from now's date (läkarbesök 08–12 with the
// doctor, 20 minutes each; provtagning 13–15 with the nurse, 10 minutes
// each, with the notice "Kom fastande."). It returns how many slots it
// published.
func seed(book *memtidbok.Book, facility tidbok.HSAID, now time.Time) (int, error) {
	err := errors.Join(
		book.AddFacility(tidbok.Facility{ID: facility, Name: "Demomottagningen"}),
		book.AddTimeType(facility, lakarbesok),
		book.AddTimeType(facility, provtagn),
		book.AddPerformer(facility, demoDoctor),
		book.AddPerformer(facility, demoNurse),
	)
	if err != nil {
		return 0, err
	}
	if err := book.SetNotice(facility, provtagn.ID, "Kom fastande."); err != nil {
		return 0, err
	}
	today := tidbok.DateOf(now)
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	total := 0
	for _, t := range []memtidbok.Template{
		{DayStart: 8 * time.Hour, DayEnd: 12 * time.Hour, Length: 20 * time.Minute, TimeTypeID: lakarbesok.ID, Performer: demoDoctor.ID},
		{DayStart: 13 * time.Hour, DayEnd: 15 * time.Hour, Length: 10 * time.Minute, TimeTypeID: provtagn.ID, Performer: demoNurse.ID},
	} {
		t.Facility, t.From, t.To, t.Weekdays = facility, today, today.AddDays(demoDays-1), weekdays
		n, err := book.PublishWeekly(t)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}
