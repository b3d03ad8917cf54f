package main

import (
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
)

func TestEasterSunday(t *testing.T) {
	t.Parallel()
	for y, want := range map[int]string{
		1818: "1818-03-22", 1943: "1943-04-25", 2024: "2024-03-31", 2025: "2025-04-20",
		2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25", 2285: "2285-03-22",
	} {
		if got := easterSunday(y).String(); got != want {
			t.Errorf("easterSunday(%d) = %s, want %s", y, got, want)
		}
	}
}

func TestSwedishHolidays(t *testing.T) {
	t.Parallel()
	closed := map[string]string{
		"2026-01-01": "nyårsdagen", "2026-01-06": "trettondedag jul", "2026-04-03": "långfredagen",
		"2026-04-04": "påskafton", "2026-04-05": "påskdagen", "2026-04-06": "annandag påsk",
		"2026-05-01": "första maj", "2026-05-14": "Kristi himmelsfärds dag", "2026-05-24": "pingstdagen",
		"2026-06-06": "Sveriges nationaldag", "2026-06-19": "midsommarafton", "2026-06-20": "midsommardagen",
		"2026-10-31": "alla helgons dag", "2026-12-24": "julafton", "2026-12-25": "juldagen",
		"2026-12-26": "annandag jul", "2026-12-31": "nyårsafton",
		"2027-06-25": "midsommarafton", "2027-11-06": "alla helgons dag", "2027-03-26": "långfredagen",
	}
	for s, want := range closed {
		d, _ := parseDate(s)
		if got, ok := swedishHoliday(d); !ok || got != want {
			t.Errorf("swedishHoliday(%s) = %q, %v; want %q", s, got, ok, want)
		}
	}
	for _, s := range []string{"2026-04-02", "2026-04-07", "2026-06-18", "2026-06-21", "2026-12-23", "2026-12-28", "2027-01-07", "2026-11-01", "2026-05-25"} {
		d, _ := parseDate(s)
		if got, ok := swedishHoliday(d); ok {
			t.Errorf("swedishHoliday(%s) = %q, want a working day", s, got)
		}
	}
}

// TestTheDemoBookIsClosedOnHolidays seeds the book over Christmas and New
// Year: the weekdays that are holidays or eves have no slot, the others
// have.
func TestTheDemoBookIsClosedOnHolidays(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	now := time.Date(2026, time.December, 21, 7, 0, 0, 0, tidbok.Stockholm())
	mem := memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))
	if _, err := seedClinicBook(ctx, mem, demoClinic, now, 20); err != nil {
		t.Fatal(err)
	}
	for d := tidbok.DateOf(now); !d.After(tidbok.DateOf(now).AddDays(19)); d = d.AddDays(1) {
		slots, err := mem.Day(ctx, demoClinic.ID, d)
		if err != nil {
			t.Fatal(err)
		}
		name, holiday := swedishHoliday(d)
		weekday := d.Start().Weekday() != time.Saturday && d.Start().Weekday() != time.Sunday
		switch {
		case holiday && len(slots) > 0:
			t.Errorf("%s (%s) has %d slots", d, name, len(slots))
		case !holiday && weekday && len(slots) == 0:
			t.Errorf("the working day %s has no slots", d)
		}
	}
	// Restarting publishes nothing twice.
	if n, err := seedClinicBook(ctx, mem, demoClinic, now, 20); err != nil || n != 0 {
		t.Errorf("seeding again published %d slots (%v), want 0", n, err)
	}
}
