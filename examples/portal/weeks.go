package main

import "github.com/webbtidbok/webbtidbok/tidbok"

// weekOfDates is the dates with free times in one ISO week, for the list
// of dates: "Vecka 51".
type weekOfDates struct {
	Year, Week int
	Dates      []link
}

// byWeek groups links, one for each of dates in order, by the ISO week of
// their date.
func byWeek(dates []tidbok.Date, links []link) []weekOfDates {
	var out []weekOfDates
	for i, d := range dates {
		y, w := d.Start().ISOWeek()
		if n := len(out); n == 0 || out[n-1].Year != y || out[n-1].Week != w {
			out = append(out, weekOfDates{Year: y, Week: w})
		}
		out[len(out)-1].Dates = append(out[len(out)-1].Dates, links[i])
	}
	return out
}
