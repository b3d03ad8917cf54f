package main

import (
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Swedish public holidays (allmänna helgdagar, lagen 1989:253) and the
// eves a clinic keeps closed as if they were (julafton, nyårsafton,
// midsommarafton, påskafton): the demo book publishes no slot on them.

// easterSunday returns the date of Easter Sunday in year y, by the
// anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func easterSunday(y int) tidbok.Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return tidbok.Date{Year: y, Month: time.Month(month), Day: day}
}

// firstWeekdayFrom returns the first date from d on (d included) that
// falls on wd.
func firstWeekdayFrom(d tidbok.Date, wd time.Weekday) tidbok.Date {
	for d.Start().Weekday() != wd {
		d = d.AddDays(1)
	}
	return d
}

// swedishHoliday returns the name of the public holiday or closed eve on
// d, and whether there is one.
func swedishHoliday(d tidbok.Date) (string, bool) {
	y := d.Year
	easter := easterSunday(y)
	midsummer := firstWeekdayFrom(tidbok.Date{Year: y, Month: time.June, Day: 20}, time.Saturday)
	allSaints := firstWeekdayFrom(tidbok.Date{Year: y, Month: time.October, Day: 31}, time.Saturday)
	days := []struct {
		date tidbok.Date
		name string
	}{
		{tidbok.Date{Year: y, Month: time.January, Day: 1}, "nyårsdagen"},
		{tidbok.Date{Year: y, Month: time.January, Day: 6}, "trettondedag jul"},
		{easter.AddDays(-2), "långfredagen"},
		{easter.AddDays(-1), "påskafton"},
		{easter, "påskdagen"},
		{easter.AddDays(1), "annandag påsk"},
		{tidbok.Date{Year: y, Month: time.May, Day: 1}, "första maj"},
		{easter.AddDays(39), "Kristi himmelsfärds dag"},
		{easter.AddDays(49), "pingstdagen"},
		{tidbok.Date{Year: y, Month: time.June, Day: 6}, "Sveriges nationaldag"},
		{midsummer.AddDays(-1), "midsommarafton"},
		{midsummer, "midsommardagen"},
		{allSaints, "alla helgons dag"},
		{tidbok.Date{Year: y, Month: time.December, Day: 24}, "julafton"},
		{tidbok.Date{Year: y, Month: time.December, Day: 25}, "juldagen"},
		{tidbok.Date{Year: y, Month: time.December, Day: 26}, "annandag jul"},
		{tidbok.Date{Year: y, Month: time.December, Day: 31}, "nyårsafton"},
	}
	for _, h := range days {
		if h.date == d {
			return h.name, true
		}
	}
	return "", false
}
