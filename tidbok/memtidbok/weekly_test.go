package memtidbok_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// wallTimes returns the local start–end of each slot on d, and the
// length of each in minutes.
func wallTimes(t testing.TB, b *memtidbok.Book, d tidbok.Date) (spans []string, minutes []int) {
	for _, ds := range dayOf(t, b, clinic, d) {
		spans = append(spans, ds.Start.In(tidbok.Stockholm()).Format("15:04")+"–"+ds.End.In(tidbok.Stockholm()).Format("15:04"))
		minutes = append(minutes, int(ds.End.Sub(ds.Start)/time.Minute))
	}
	return spans, minutes
}

func TestWeeklyTemplatesUseSwedishWallTimeAcrossClockChanges(t *testing.T) {
	t.Parallel()
	spring := tidbok.Date{Year: 2026, Month: time.March, Day: 29}   // 02:00 → 03:00
	autumn := tidbok.Date{Year: 2026, Month: time.October, Day: 25} // 03:00 → 02:00
	tests := []struct {
		name        string
		date        tidbok.Date
		start, end  time.Duration
		length      time.Duration
		wantSpans   []string
		wantMinutes []int
	}{
		{
			name: "slots starting or ending in the hour skipped in spring are left out",
			date: spring, start: 0, end: 5 * time.Hour, length: 30 * time.Minute,
			wantSpans:   []string{"00:00–00:30", "00:30–01:00", "01:00–01:30", "03:00–03:30", "03:30–04:00", "04:00–04:30", "04:30–05:00"},
			wantMinutes: []int{30, 30, 30, 30, 30, 30, 30},
		},
		{
			name: "slots starting or ending in the hour repeated in autumn are left out",
			date: autumn, start: 0, end: 5 * time.Hour, length: 30 * time.Minute,
			wantSpans:   []string{"00:00–00:30", "00:30–01:00", "01:00–01:30", "03:00–03:30", "03:30–04:00", "04:00–04:30", "04:30–05:00"},
			wantMinutes: []int{30, 30, 30, 30, 30, 30, 30},
		},
		{
			name: "a slot spanning the spring change keeps its wall times and is an hour shorter",
			date: spring, start: time.Hour, end: 5 * time.Hour, length: 2 * time.Hour,
			wantSpans:   []string{"01:00–03:00", "03:00–05:00"},
			wantMinutes: []int{60, 120},
		},
		{
			name: "a slot spanning the autumn change keeps its wall times and is an hour longer",
			date: autumn, start: time.Hour, end: 5 * time.Hour, length: 2 * time.Hour,
			wantSpans:   []string{"01:00–03:00", "03:00–05:00"},
			wantMinutes: []int{180, 120},
		},
		{
			name: "an ordinary day has every slot",
			date: tidbok.Date{Year: 2026, Month: time.March, Day: 30}, start: 0, end: 3 * time.Hour, length: time.Hour,
			wantSpans:   []string{"00:00–01:00", "01:00–02:00", "02:00–03:00"},
			wantMinutes: []int{60, 60, 60},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newClinic(t)
			n, err := b.PublishWeekly(t.Context(), staff.Template{
				Facility: clinic, From: tt.date, To: tt.date, Weekdays: allWeek,
				DayStart: tt.start, DayEnd: tt.end, Length: tt.length, TimeTypeID: doctor.ID,
			})
			if err != nil {
				t.Fatal(err)
			}
			spans, minutes := wallTimes(t, b, tt.date)
			if n != len(spans) {
				t.Errorf("PublishWeekly = %d, but Day shows %d slots", n, len(spans))
			}
			if diff := cmp.Diff(tt.wantSpans, spans); diff != "" {
				t.Errorf("local times (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMinutes, minutes); diff != "" {
				t.Errorf("lengths in minutes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWeeklyTemplatesKeepTheWallClockInWinterAndSummer(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	from := tidbok.Date{Year: 2026, Month: time.March, Day: 23} // Monday
	n, err := b.PublishWeekly(t.Context(), staff.Template{
		Facility: clinic, From: from, To: from.AddDays(13), Weekdays: []time.Weekday{time.Monday, time.Wednesday},
		DayStart: 8 * time.Hour, DayEnd: 10 * time.Hour, Length: 30 * time.Minute, Interval: 45 * time.Minute,
		TimeTypeID: doctor.ID, Performer: drAnna,
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 4*3 {
		t.Errorf("PublishWeekly = %d, want 12: 3 slots on 2 days a week for 2 weeks", n)
	}
	for _, d := range []tidbok.Date{from, from.AddDays(2), from.AddDays(7), from.AddDays(9)} {
		spans, _ := wallTimes(t, b, d)
		if diff := cmp.Diff([]string{"08:00–08:30", "08:45–09:15", "09:30–10:00"}, spans); diff != "" {
			t.Errorf("%s (%s) local times (-want +got):\n%s", d, d.Start().Weekday(), diff)
		}
	}
	for _, d := range []tidbok.Date{from.AddDays(1), from.AddDays(3), from.AddDays(8)} {
		if day := dayOf(t, b, clinic, d); len(day) != 0 {
			t.Errorf("%s (%s) has %d slots; the template names only Mondays and Wednesdays", d, d.Start().Weekday(), len(day))
		}
	}
	winter, summer := dayOf(t, b, clinic, from)[0].Start, dayOf(t, b, clinic, from.AddDays(7))[0].Start
	if got := winter.UTC().Hour(); got != 7 {
		t.Errorf("08:00 on %s is %02d:00 UTC, want 07:00 (CET)", from, got)
	}
	if got := summer.UTC().Hour(); got != 6 {
		t.Errorf("08:00 on %s is %02d:00 UTC, want 06:00 (CEST)", from.AddDays(7), got)
	}
}

func TestAWeeklyTemplateThatWouldFillMemoryIsRefused(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	_, err := b.PublishWeekly(t.Context(), staff.Template{
		Facility: clinic, From: testToday, To: testToday.AddDays(365), Weekdays: allWeek,
		DayEnd: 24 * time.Hour, Length: time.Second, TimeTypeID: doctor.ID,
	})
	if diff := cmp.Diff([]string{"Length"}, fieldsOf(err)); diff != "" {
		t.Errorf("problem fields (-want +got):\n%s", diff)
	}
}
