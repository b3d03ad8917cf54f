package tidbok

import (
	"fmt"
	"time"
	_ "time/tzdata" // the wire's local times must convert without a system zone database
)

// stockholm is loaded once at package initialisation and never changed;
// *time.Location is safe for concurrent use.
var stockholm = loadStockholm()

func loadStockholm() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		// Unreachable: time/tzdata embeds the zone.
		panic("tidbok: cannot load Europe/Stockholm: " + err.Error())
	}
	return loc
}

// Stockholm returns the Europe/Stockholm location (CET/CEST), in which all
// the wire's zone-less dates and times are read and written. It is loaded
// once from the embedded time zone database; callers must not depend on a
// system zone database.
func Stockholm() *time.Location { return stockholm }

// wireTimeLayout is the wire's TS format, YYYYMMDDhhmmss.
const wireTimeLayout = "20060102150405"

// maxWireInput is how much of a malformed wire value an error repeats.
const maxWireInput = 32

// Date is a civil date without time of day or zone, as the wire's DT
// (YYYYMMDD). The zero value means "none". Date is comparable with ==; use
// [Date.Valid] to check that it names a real calendar date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in Europe/Stockholm, whatever t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.In(stockholm).Date()
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether d is the zero Date ("none").
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d is a real date of the (proleptic Gregorian)
// calendar with a year from 1 to 9999. The zero Date is not valid.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December {
		return false
	}
	return d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// String returns d as "2026-03-29", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Start returns 00:00 of d in Europe/Stockholm. (Swedish clock changes
// happen at night but never at midnight, so that instant always exists.)
// An invalid d is normalised as by [time.Date].
func (d Date) Start() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, stockholm)
}

// AddDays returns the date n days after d (before d if n is negative),
// carrying over month and year ends.
func (d Date) AddDays(n int) Date {
	y, m, day := time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC).Date()
	return Date{Year: y, Month: m, Day: day}
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Compare returns -1 if d is before o, 0 if they are the same date and +1
// if d is after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

// DaysSince returns the number of days from o to d: positive if d is after
// o, negative if before. For example, 2026-03-01 is 1 day since 2026-02-28.
func (d Date) DaysSince(o Date) int {
	return int((d.unixDay() - o.unixDay()))
}

// unixDay counts days since 1970-01-01. UTC has no leap seconds in Go, so
// the division is exact.
func (d Date) unixDay() int64 {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysIn returns the number of days of month m in year y (m must be 1..12).
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// ParseWireDate parses the wire's DT format: exactly 8 ASCII digits
// YYYYMMDD, the first one 1-9, naming a real calendar date. Errors are
// [*IdentityError] with Kind "wire date" and wrap [ErrInvalid].
func ParseWireDate(s string) (Date, error) {
	fail := func(reason string) (Date, error) {
		return Date{}, &IdentityError{Kind: "wire date", Input: truncateInput(s), Reason: reason}
	}
	if len(s) != 8 || !allDigits(s) {
		return fail("want exactly 8 digits YYYYMMDD")
	}
	if s[0] == '0' {
		return fail("year must not start with 0")
	}
	d := Date{Year: atoi(s[0:4]), Month: time.Month(atoi(s[4:6])), Day: atoi(s[6:8])}
	if d.Month < time.January || d.Month > time.December {
		return fail("month out of range")
	}
	if !d.Valid() {
		return fail("day out of range for the month")
	}
	return d, nil
}

// Wire returns d in the wire's DT format YYYYMMDD, or "" for the zero Date.
func (d Date) Wire() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d%02d%02d", d.Year, int(d.Month), d.Day)
}

// ParseWireTime parses the wire's TS format: exactly 14 ASCII digits
// YYYYMMDDhhmmss (first digit 1-9), a wall-clock time in Swedish local time
// without zone. It returns the instant with location [Stockholm].
//
// Clock changes are handled explicitly:
//   - A wall time in the hour skipped when summer time starts (for example
//     20260329020000 to 20260329025959) does not exist and is an error.
//   - A wall time in the hour repeated when summer time ends (for example
//     20261025023000) is ambiguous; ParseWireTime resolves it to the
//     EARLIER of the two instants, the one still in summer time (CEST,
//     +02:00). 20261025023000 is therefore 2026-10-25 00:30 UTC.
//
// Errors are [*IdentityError] with Kind "wire time" and wrap [ErrInvalid].
func ParseWireTime(s string) (time.Time, error) {
	fail := func(reason string) (time.Time, error) {
		return time.Time{}, &IdentityError{Kind: "wire time", Input: truncateInput(s), Reason: reason}
	}
	if len(s) != 14 || !allDigits(s) {
		return fail("want exactly 14 digits YYYYMMDDhhmmss")
	}
	if s[0] == '0' {
		return fail("year must not start with 0")
	}
	d := Date{Year: atoi(s[0:4]), Month: time.Month(atoi(s[4:6])), Day: atoi(s[6:8])}
	hh, mm, ss := atoi(s[8:10]), atoi(s[10:12]), atoi(s[12:14])
	switch {
	case d.Month < time.January || d.Month > time.December:
		return fail("month out of range")
	case !d.Valid():
		return fail("day out of range for the month")
	case hh > 23:
		return fail("hour out of range")
	case mm > 59:
		return fail("minute out of range")
	case ss > 59:
		return fail("second out of range")
	}
	var (
		t  time.Time
		ok bool
	)
	if d.Year >= fastYearMin && d.Year <= fastYearMax {
		t, ok = localInstantFast(d, hh, mm, ss)
	} else {
		t, ok = localInstant(d, hh, mm, ss, stockholm)
	}
	if !ok {
		return fail("time does not exist in Swedish time: the clock jumps forward at the change to summer time")
	}
	return t, nil
}

// localInstant returns the earliest instant whose wall clock in loc reads
// d hh:mm:ss, or false if no instant does (the wall time falls in a gap).
//
// It does not rely on time.Date, whose choice in a repeated hour is
// unspecified. Instead it takes every UTC offset loc uses within a day of
// the wall time, computes the instant each offset implies, and keeps those
// instants at which loc really uses that offset.
func localInstant(d Date, hh, mm, ss int, loc *time.Location) (time.Time, bool) {
	// The wall time read as if it were UTC.
	wall := time.Date(d.Year, d.Month, d.Day, hh, mm, ss, 0, time.UTC)
	var (
		best  time.Time
		found bool
		seen  [3]int
	)
	for i, probe := range [3]time.Duration{-24 * time.Hour, 0, 24 * time.Hour} {
		_, off := wall.Add(probe).In(loc).Zone()
		seen[i] = off
		if (i > 0 && seen[0] == off) || (i > 1 && seen[1] == off) {
			continue
		}
		cand := wall.Add(-time.Duration(off) * time.Second)
		if _, actual := cand.In(loc).Zone(); actual != off {
			continue
		}
		if !found || cand.Before(best) {
			best, found = cand, true
		}
	}
	if !found {
		return time.Time{}, false
	}
	return best.In(loc), true
}

// Between fastYearMin and fastYearMax Swedish time follows the EU rules:
// +01:00 (CET) in winter and +02:00 (CEST) in summer, each lasting months.
// There localInstantFast gives what localInstant does: every offset loc
// uses within a day of the wall time is one of the two, and an offset loc
// uses at a candidate instant, being in force for months, is seen at one
// of localInstant's probes a day apart.
const (
	fastYearMin = 1981
	fastYearMax = 2037
)

// localInstantFast is localInstant in Europe/Stockholm for the years of
// the EU rules: the summer-time reading, the earlier one, if it is
// real, else the winter-time one, else none (a gap).
func localInstantFast(d Date, hh, mm, ss int) (time.Time, bool) {
	wall := time.Date(d.Year, d.Month, d.Day, hh, mm, ss, 0, time.UTC)
	for _, off := range [2]int{2 * 3600, 3600} {
		cand := wall.Add(-time.Duration(off) * time.Second).In(stockholm)
		if _, actual := cand.Zone(); actual == off {
			return cand, true
		}
	}
	return time.Time{}, false
}

// FormatWireTime returns t as the wire's TS, YYYYMMDDhhmmss, of t's wall
// clock in Europe/Stockholm, whatever t's location. Sub-second parts are
// dropped. The result round-trips through [ParseWireTime] for years 1000 to
// 9999, except that an instant in the second run of the repeated autumn
// hour (CET) reads back as the earlier instant an hour before.
func FormatWireTime(t time.Time) string {
	var b [14]byte
	return string(AppendWireTime(b[:0], t))
}

// AppendWireTime appends [FormatWireTime](t) to b and returns the extended
// buffer. For years 0 to 9999 it appends exactly 14 bytes and allocates
// nothing when b has room for them, so that an encoder can format many
// times into one buffer.
func AppendWireTime(b []byte, t time.Time) []byte {
	t = t.In(stockholm)
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, wireTimeLayout)
	}
	h, mi, s := t.Clock()
	for _, f := range [...]struct{ v, n int }{{y, 4}, {int(mo), 2}, {d, 2}, {h, 2}, {mi, 2}, {s, 2}} {
		b = appendDigits(b, f.v, f.n)
	}
	return b
}

// appendDigits appends the n lowest decimal digits of v (v ≥ 0) to b,
// padded with zeros.
func appendDigits(b []byte, v, n int) []byte {
	b = append(b, "0000"[:n]...)
	for j := len(b) - 1; j >= len(b)-n; j-- {
		b[j] = byte('0' + v%10)
		v /= 10
	}
	return b
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi converts a string of ASCII digits (already checked) to an int.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// truncateInput shortens a malformed wire value for an error message,
// cutting at a rune boundary.
func truncateInput(s string) string {
	if len(s) <= maxWireInput {
		return s
	}
	n := 0
	for i := range s {
		if n == maxWireInput {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
