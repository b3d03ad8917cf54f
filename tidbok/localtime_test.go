package tidbok_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func utc(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
}

func TestStockholmIsTheSwedishZone(t *testing.T) {
	if got := tidbok.Stockholm().String(); got != "Europe/Stockholm" {
		t.Errorf("Stockholm() = %q, want Europe/Stockholm", got)
	}
	if first, second := tidbok.Stockholm(), tidbok.Stockholm(); first != second {
		t.Error("Stockholm() returns a new location on each call, want the one loaded once")
	}
}

func TestParseWireTimeReadsSwedishLocalTime(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		want       time.Time
		wantOffset int // seconds east of UTC
	}{
		{"a winter time is CET, one hour ahead of UTC", "20260115093000", utc(2026, 1, 15, 8, 30, 0), 3600},
		{"a summer time is CEST, two hours ahead of UTC", "20260704120000", utc(2026, 7, 4, 10, 0, 0), 7200},
		{"the last second before the spring gap is CET", "20260329015959", utc(2026, 3, 29, 0, 59, 59), 3600},
		{"03:00 on the spring change day is CEST", "20260329030000", utc(2026, 3, 29, 1, 0, 0), 7200},
		{"02:30 in the repeated autumn hour is the earlier, CEST instant", "20261025023000", utc(2026, 10, 25, 0, 30, 0), 7200},
		{"02:00 in the repeated autumn hour is the earlier instant", "20261025020000", utc(2026, 10, 25, 0, 0, 0), 7200},
		{"02:59:59 in the repeated autumn hour is the earlier instant", "20261025025959", utc(2026, 10, 25, 0, 59, 59), 7200},
		{"03:00 after the autumn change is CET", "20261025030000", utc(2026, 10, 25, 2, 0, 0), 3600},
		{"01:59:59 before the autumn change is CEST", "20261025015959", utc(2026, 10, 24, 23, 59, 59), 7200},
		{"midnight at new year is CET", "20270101000000", utc(2026, 12, 31, 23, 0, 0), 3600},
		{"29 February of a leap year exists", "20280229120000", utc(2028, 2, 29, 11, 0, 0), 3600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tidbok.ParseWireTime(tt.in)
			if err != nil {
				t.Fatalf("ParseWireTime: %v", err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("ParseWireTime(%q) = %v, want %v", tt.in, got.UTC(), tt.want)
			}
			if got.Location() != tidbok.Stockholm() {
				t.Errorf("location = %v, want Stockholm()", got.Location())
			}
			if _, off := got.Zone(); off != tt.wantOffset {
				t.Errorf("offset = %ds, want %ds", off, tt.wantOffset)
			}
			if back := tidbok.FormatWireTime(got); back != tt.in {
				t.Errorf("FormatWireTime gave %q, want the input %q back", back, tt.in)
			}
		})
	}
}

func TestParseWireTimeRejectsInvalidInput(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"02:30 on the spring change day does not exist", "20260329023000"},
		{"02:00 on the spring change day does not exist", "20260329020000"},
		{"02:59:59 on the spring change day does not exist", "20260329025959"},
		{"an empty string is refused", ""},
		{"13 digits are too few", "2026011509300"},
		{"15 digits are too many", "202601150930000"},
		{"the ISO form with separators is refused", "2026-01-15T09:30"},
		{"a zone suffix is refused", "20260115093000Z"},
		{"a year starting with 0 is refused", "09990115093000"},
		{"month 00 is refused", "20260015093000"},
		{"month 13 is refused", "20261315093000"},
		{"day 00 is refused", "20260100093000"},
		{"day 32 is refused", "20260132093000"},
		{"29 February of a common year is refused", "20260229120000"},
		{"hour 24 is refused", "20260115240000"},
		{"minute 60 is refused", "20260115096000"},
		{"second 60 is refused", "20260115093060"},
		{"a sign is refused", "+2026011509300"},
		{"full-width digits are refused", "２０２６０１１５０９３０００"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tidbok.ParseWireTime(tt.in)
			ie := requireIdentityError(t, err, "wire time")
			if !got.IsZero() {
				t.Errorf("got %v with the error, want the zero time", got)
			}
			if ie.Input != tt.in {
				t.Errorf("Input = %q, want the input %q", ie.Input, tt.in)
			}
		})
	}

	t.Run("a long input is shortened in the error", func(t *testing.T) {
		in := strings.Repeat("2026", 100)
		_, err := tidbok.ParseWireTime(in)
		ie := requireIdentityError(t, err, "wire time")
		if n := utf8.RuneCountInString(ie.Input); n > 33 || !strings.HasPrefix(in, strings.TrimSuffix(ie.Input, "…")) {
			t.Errorf("Input = %q (%d runes), want a prefix of at most 32 runes plus an ellipsis", ie.Input, n)
		}
	})
}

func TestFormatWireTimeWritesStockholmWallClock(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"a UTC instant in winter is shown one hour later", utc(2026, 1, 15, 8, 30, 0), "20260115093000"},
		{"a UTC instant in summer is shown two hours later", utc(2026, 7, 4, 10, 0, 0), "20260704120000"},
		{"a UTC instant late in the evening moves to the next day", utc(2026, 12, 31, 23, 30, 0), "20270101003000"},
		{"an instant in another zone is converted", time.Date(2026, 5, 4, 3, 0, 0, 0, newYork), "20260504090000"},
		{"sub-second parts are dropped", time.Date(2026, 5, 4, 9, 0, 0, 999_999_999, tidbok.Stockholm()), "20260504090000"},
		{"the second run of the autumn hour reads as 02:30 too", utc(2026, 10, 25, 1, 30, 0), "20261025023000"},
		{"a year before 1000 is padded with zeros", time.Date(812, 3, 4, 5, 6, 7, 0, tidbok.Stockholm()), "08120304050607"},
		{"a year past 9999 takes five digits", time.Date(10000, 1, 2, 3, 4, 5, 0, tidbok.Stockholm()), "100000102030405"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tidbok.FormatWireTime(tt.in)); diff != "" {
				t.Errorf("FormatWireTime mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff("<"+tt.want, string(tidbok.AppendWireTime([]byte("<"), tt.in))); diff != "" {
				t.Errorf("AppendWireTime mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAppendWireTimeAllocatesNothingWithRoom(t *testing.T) {
	at := time.Date(2026, 5, 4, 9, 0, 0, 0, tidbok.Stockholm())
	buf := make([]byte, 0, 14)
	if n := testing.AllocsPerRun(100, func() { buf = tidbok.AppendWireTime(buf[:0], at) }); n != 0 {
		t.Errorf("AppendWireTime into a buffer with room: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = tidbok.FormatWireTime(at) }); n > 1 {
		t.Errorf("FormatWireTime: %v allocations, want at most the string's", n)
	}
}

func TestParseWireDate(t *testing.T) {
	valid := []struct {
		name string
		in   string
		want tidbok.Date
	}{
		{"an ordinary date is read", "20260329", tidbok.Date{Year: 2026, Month: time.March, Day: 29}},
		{"29 February of a leap year is read", "20000229", tidbok.Date{Year: 2000, Month: time.February, Day: 29}},
		{"the last day of the year is read", "19991231", tidbok.Date{Year: 1999, Month: time.December, Day: 31}},
	}
	for _, tt := range valid {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tidbok.ParseWireDate(tt.in)
			if err != nil {
				t.Fatalf("ParseWireDate: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseWireDate mismatch (-want +got):\n%s", diff)
			}
			if got.Wire() != tt.in {
				t.Errorf("Wire() = %q, want %q", got.Wire(), tt.in)
			}
		})
	}

	invalid := []struct {
		name string
		in   string
	}{
		{"an empty string is refused", ""},
		{"seven digits are too few", "2026032"},
		{"nine digits are too many", "202603290"},
		{"the ISO form is refused", "2026-03-29"},
		{"a year starting with 0 is refused", "09990101"},
		{"29 February 1900 is refused", "19000229"},
		{"29 February of a common year is refused", "20260229"},
		{"month 00 is refused", "20260029"},
		{"month 13 is refused", "20261329"},
		{"day 00 is refused", "20260300"},
		{"31 April is refused", "20260431"},
		{"letters are refused", "2026O329"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tidbok.ParseWireDate(tt.in)
			requireIdentityError(t, err, "wire date")
			if !got.IsZero() {
				t.Errorf("got %v with the error, want the zero Date", got)
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	d := func(y int, m time.Month, day int) tidbok.Date { return tidbok.Date{Year: y, Month: m, Day: day} }
	addTests := []struct {
		name string
		from tidbok.Date
		n    int
		want tidbok.Date
	}{
		{"adding a day at the end of January reaches February", d(2026, 1, 31), 1, d(2026, 2, 1)},
		{"adding a day on new year's eve reaches the next year", d(2025, 12, 31), 1, d(2026, 1, 1)},
		{"adding a day on 28 February of a leap year reaches the 29th", d(2024, 2, 28), 1, d(2024, 2, 29)},
		{"adding a day on 28 February of a common year reaches March", d(2026, 2, 28), 1, d(2026, 3, 1)},
		{"subtracting a day on 1 March of a common year reaches 28 February", d(2026, 3, 1), -1, d(2026, 2, 28)},
		{"subtracting a day on new year's day reaches the previous year", d(2026, 1, 1), -1, d(2025, 12, 31)},
		{"adding 365 days in a leap year stops a day short", d(2024, 1, 1), 365, d(2024, 12, 31)},
		{"adding zero days keeps the date", d(2026, 3, 29), 0, d(2026, 3, 29)},
		{"adding days across the spring clock change counts calendar days", d(2026, 3, 28), 2, d(2026, 3, 30)},
	}
	for _, tt := range addTests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.from.AddDays(tt.n)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("AddDays mismatch (-want +got):\n%s", diff)
			}
			if back := got.DaysSince(tt.from); back != tt.n {
				t.Errorf("DaysSince = %d, want %d", back, tt.n)
			}
		})
	}

	sinceTests := []struct {
		name string
		d, o tidbok.Date
		want int
	}{
		{"new year's day is one day since new year's eve", d(2026, 1, 1), d(2025, 12, 31), 1},
		{"new year's eve is minus one day since new year's day", d(2025, 12, 31), d(2026, 1, 1), -1},
		{"a common year has 365 days", d(2026, 1, 1), d(2025, 1, 1), 365},
		{"a leap year has 366 days", d(2025, 1, 1), d(2024, 1, 1), 366},
		{"four centuries have 146097 days", d(2400, 1, 1), d(2000, 1, 1), 146097},
	}
	for _, tt := range sinceTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.DaysSince(tt.o); got != tt.want {
				t.Errorf("%v.DaysSince(%v) = %d, want %d", tt.d, tt.o, got, tt.want)
			}
		})
	}

	t.Run("Compare, Before and After order dates by year, month and day", func(t *testing.T) {
		ordered := []tidbok.Date{d(2025, 12, 31), d(2026, 1, 1), d(2026, 1, 2), d(2026, 2, 1)}
		for i, a := range ordered {
			for j, b := range ordered {
				want := 0
				if i < j {
					want = -1
				} else if i > j {
					want = 1
				}
				if got := a.Compare(b); got != want {
					t.Errorf("%v.Compare(%v) = %d, want %d", a, b, got, want)
				}
				if a.Before(b) != (want < 0) || a.After(b) != (want > 0) {
					t.Errorf("%v.Before/After(%v) disagree with Compare = %d", a, b, want)
				}
			}
		}
	})
}

func TestDateValidityAndFormats(t *testing.T) {
	tests := []struct {
		name      string
		d         tidbok.Date
		wantValid bool
		wantStr   string
		wantWire  string
	}{
		{"an ordinary date is valid", tidbok.Date{Year: 2026, Month: 3, Day: 29}, true, "2026-03-29", "20260329"},
		{"29 February of a leap year is valid", tidbok.Date{Year: 2024, Month: 2, Day: 29}, true, "2024-02-29", "20240229"},
		{"29 February of a common year is invalid", tidbok.Date{Year: 2026, Month: 2, Day: 29}, false, "2026-02-29", "20260229"},
		{"month 13 is invalid", tidbok.Date{Year: 2026, Month: 13, Day: 1}, false, "2026-13-01", "20261301"},
		{"year 0 is invalid", tidbok.Date{Year: 0, Month: 1, Day: 1}, false, "0000-01-01", "00000101"},
		{"the zero date is invalid and prints empty", tidbok.Date{}, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := struct {
				Valid     bool
				Str, Wire string
			}{tt.d.Valid(), tt.d.String(), tt.d.Wire()}
			want := struct {
				Valid     bool
				Str, Wire string
			}{tt.wantValid, tt.wantStr, tt.wantWire}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDateMeetsTheClockInStockholm(t *testing.T) {
	startTests := []struct {
		name string
		d    tidbok.Date
		want time.Time
	}{
		{"a winter day starts at 23:00 UTC the day before", tidbok.Date{Year: 2026, Month: 1, Day: 15}, utc(2026, 1, 14, 23, 0, 0)},
		{"the spring change day starts in CET", tidbok.Date{Year: 2026, Month: 3, Day: 29}, utc(2026, 3, 28, 23, 0, 0)},
		{"the autumn change day starts in CEST", tidbok.Date{Year: 2026, Month: 10, Day: 25}, utc(2026, 10, 24, 22, 0, 0)},
	}
	for _, tt := range startTests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.d.Start()
			if !got.Equal(tt.want) || got.Location() != tidbok.Stockholm() {
				t.Errorf("Start() = %v, want %v in Stockholm", got, tt.want)
			}
			if tidbok.DateOf(got) != tt.d {
				t.Errorf("DateOf(Start()) = %v, want %v", tidbok.DateOf(got), tt.d)
			}
		})
	}

	dateOfTests := []struct {
		name string
		t    time.Time
		want tidbok.Date
	}{
		{"23:30 UTC in winter is already the next day in Stockholm", utc(2026, 3, 28, 23, 30, 0), tidbok.Date{Year: 2026, Month: 3, Day: 29}},
		{"21:59 UTC in summer is still the same day", utc(2026, 7, 1, 21, 59, 0), tidbok.Date{Year: 2026, Month: 7, Day: 1}},
		{"22:00 UTC in summer is the next day", utc(2026, 7, 1, 22, 0, 0), tidbok.Date{Year: 2026, Month: 7, Day: 2}},
	}
	for _, tt := range dateOfTests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tidbok.DateOf(tt.t)); diff != "" {
				t.Errorf("DateOf mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
