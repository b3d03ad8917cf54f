package weekly

import (
	"errors"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestSlotsLeaveOutTheHoursTheClocksSkipOrRepeat(t *testing.T) {
	tests := []struct {
		name string
		day  tidbok.Date
		want []string // local start times
	}{
		{"spring forward skips slots touching 02:00–03:00", tidbok.Date{Year: 2026, Month: time.March, Day: 29}, []string{"01:00", "03:00", "03:30"}},
		{"autumn back leaves out slots touching the repeated hour", tidbok.Date{Year: 2026, Month: time.October, Day: 25}, []string{"01:00", "03:00", "03:30"}},
		{"an ordinary Sunday has every slot", tidbok.Date{Year: 2026, Month: time.May, Day: 3}, []string{"01:00", "01:30", "02:00", "02:30", "03:00", "03:30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt := Pattern{From: tt.day, To: tt.day, Weekdays: []time.Weekday{time.Sunday},
				DayStart: time.Hour, DayEnd: 4 * time.Hour, Length: 30 * time.Minute}
			var p tidbok.Problems
			pt.Check(&p)
			if err := p.Err(); err != nil {
				t.Fatalf("Check: %v", err)
			}
			var got []string
			for _, s := range pt.Slots() {
				if s.Date != tt.day || s.End.Sub(s.Start) <= 0 {
					t.Errorf("slot %v–%v on %v", s.Start, s.End, s.Date)
				}
				got = append(got, s.Start.In(tidbok.Stockholm()).Format("15:04"))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("starts %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("starts %v, want %v", got, tt.want)
					break
				}
			}
		})
	}
}

func TestCheckReportsEveryProblem(t *testing.T) {
	var p tidbok.Problems
	Pattern{From: tidbok.Date{Year: 2026, Month: 5, Day: 10}, To: tidbok.Date{Year: 2026, Month: 5, Day: 1},
		Weekdays: []time.Weekday{9}, DayStart: 10 * time.Hour, DayEnd: 9 * time.Hour, Interval: -time.Minute}.Check(&p)
	err := p.Err()
	if !errors.Is(err, tidbok.ErrInvalid) {
		t.Fatalf("Check gave %v, want ErrInvalid", err)
	}
	want := map[string]bool{"To": true, "Weekdays": true, "DayEnd": true, "Length": true, "Interval": true}
	for _, fe := range tidbok.FieldErrors(err) {
		delete(want, fe.Field)
	}
	if len(want) != 0 {
		t.Errorf("problems not reported for %v in %v", want, err)
	}
}
