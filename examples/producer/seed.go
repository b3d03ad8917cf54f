package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// demoName is the demo clinic's name.
const demoName = "Demomottagningen"

// The demo clinic's staff and time types.
var (
	demoDoctor = tidbok.Performer{ID: tidbok.MustHSAID("SE2321000016-DR01"), Title: "Dr", FirstName: "Eva", LastName: "Ek"}
	demoNurse  = tidbok.Performer{ID: tidbok.MustHSAID("SE2321000016-SK01"), Title: "Leg. sjuksköterska", FirstName: "Sven", LastName: "Svensson"}
	lakarbesok = tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}
	provtagn   = tidbok.TimeType{ID: "PROV", Name: "Provtagning"}
)

// demoDays is how many days, today included, the demo book has slots.
const demoDays = 14

// demoWeek is the demo clinic's weekly pattern of web-bookable slots
// (Facility, From and To are set when publishing): läkarbesök 08–12 with
// the doctor, 20 minutes each; provtagning 13–15 with the nurse, 10
// minutes each.
var demoWeek = []staff.Template{
	{Weekdays: weekdays, DayStart: 8 * time.Hour, DayEnd: 12 * time.Hour, Length: 20 * time.Minute,
		TimeTypeID: lakarbesok.ID, Performer: demoDoctor.ID},
	{Weekdays: weekdays, DayStart: 13 * time.Hour, DayEnd: 15 * time.Hour, Length: 10 * time.Minute,
		TimeTypeID: provtagn.ID, Performer: demoNurse.ID},
}

var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

// seedDemo sets up facility in book the way clinic staff would: the
// clinic, two time types, a doctor and a nurse, the notice "Kom fastande."
// for provtagning, and the slots of demoWeek on the dates from through to.
// The registers only gain what is missing. It returns how many slots it
// published.
func seedDemo(ctx context.Context, book staff.Book, facility tidbok.HSAID, from, to tidbok.Date) (int, error) {
	err := book.AddFacility(ctx, tidbok.Facility{ID: facility, Name: demoName})
	if err != nil {
		return 0, err
	}
	for _, tt := range []tidbok.TimeType{lakarbesok, provtagn} {
		err = errors.Join(err, book.AddTimeType(ctx, facility, tt))
	}
	for _, p := range []tidbok.Performer{demoDoctor, demoNurse} {
		err = errors.Join(err, book.AddPerformer(ctx, facility, p))
	}
	if err = errors.Join(err, book.SetNotice(ctx, facility, provtagn.ID, "Kom fastande.")); err != nil {
		return 0, err
	}
	total := 0
	for _, t := range demoWeek {
		if from.After(to) {
			break // nothing to publish
		}
		t.Facility, t.From, t.To = facility, from, to
		n, err := book.PublishWeekly(ctx, t)
		if err != nil {
			return total, fmt.Errorf("publishing %s slots: %w", t.TimeTypeID, err)
		}
		total += n
	}
	return total, nil
}

// seed sets up facility in the in-memory book with slots on the weekdays
// of the 14 days from now's date (see seedDemo). It returns how many
// slots it published.
func seed(book *memtidbok.Book, facility tidbok.HSAID, now time.Time) (int, error) {
	today := tidbok.DateOf(now)
	return seedDemo(context.Background(), book, facility, today, today.AddDays(demoDays-1))
}

// seedSQL sets up facility in the SQL book as seed does in the in-memory
// one, the first time; later it only tops the book up with the days after
// the last one that already has slots, so a restart publishes nothing
// twice, and a restart days later adds the new days. A facility that is
// in the book under another name, such as the portal's clinic, is someone
// else's: it is served as it is. seedSQL returns how many slots it
// published.
func seedSQL(ctx context.Context, book *sqltidbok.Book, facility tidbok.HSAID, now time.Time) (int, error) {
	name, found, err := facilityName(ctx, book, facility)
	if err != nil {
		return 0, err
	}
	if found && name != demoName {
		return 0, nil
	}
	today := tidbok.DateOf(now)
	last := today.AddDays(demoDays - 1)
	from := today
	if found {
		for d := last; !d.Before(today); d = d.AddDays(-1) {
			slots, err := book.Day(ctx, facility, d)
			if err != nil {
				return 0, fmt.Errorf("reading %s: %w", d, err)
			}
			if len(slots) > 0 {
				from = d.AddDays(1)
				break
			}
		}
	}
	return seedDemo(ctx, book, facility, from, last)
}

// facilityName returns the name facility has in book, and whether the
// book has it.
func facilityName(ctx context.Context, book *sqltidbok.Book, facility tidbok.HSAID) (string, bool, error) {
	// Facilities answers a citizen at a facility; any citizen will do.
	res, err := book.Facilities(ctx, tidbok.FacilitiesRequest{Facility: facility, Subject: tidbok.MustPersonalNumber("191212121212")})
	if errors.Is(err, tidbok.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("looking up %s: %w", facility, err)
	}
	for _, f := range res.Facilities {
		if f.ID == facility {
			return f.Name, true, nil
		}
	}
	return "", false, fmt.Errorf("looking up %s: not among the facilities of the book", facility)
}
