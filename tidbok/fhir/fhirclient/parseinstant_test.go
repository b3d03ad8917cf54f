package fhirclient

import (
	"testing"
	"time"
)

// TestParseSecondsAgrees holds the arithmetic reading of an instant equal
// to time.Parse's, across years, leap days, offsets and both changes of
// Swedish summer time.
func TestParseSecondsAgrees(t *testing.T) {
	for _, s := range []string{
		"2026-12-09T08:00:00+01:00", "2026-03-29T01:59:59+01:00", "2026-03-29T03:00:00+02:00",
		"2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "2024-02-29T23:59:59-05:30",
		"2000-02-29T00:00:00+00:00", "1900-03-01T12:00:00+14:00", "0001-01-01T00:00:00+00:00",
		"9999-12-31T23:59:59-23:59", "1969-12-31T23:59:59+00:00", "2100-02-28T10:00:00+01:00",
	} {
		want, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseSeconds(s)
		if !ok || !got.Equal(want) {
			t.Errorf("parseSeconds(%q) = %v, %v; time.Parse: %v", s, got, ok, want)
		}
	}
	for _, s := range []string{
		"2026-02-29T08:00:00+01:00", "2100-02-29T08:00:00+01:00", "2026-13-01T08:00:00+01:00",
		"2026-12-00T08:00:00+01:00", "2026-12-09T24:00:00+01:00", "2026-12-09T08:60:00+01:00",
		"2026-12-09T08:00:60+01:00", "2026-12-09T08:00:00+24:00", "2026-12-09T08:00:00+01:60",
		"2026-12-09T08:00:00Z", "2026-12-09T08:00:00.5+01:00", "2026-12-09 08:00:00+01:00",
		"2026-12-09T08:0a:00+01:00", "+026-12-09T08:00:00+01:00",
	} {
		if got, ok := parseSeconds(s); ok {
			t.Errorf("parseSeconds(%q) = %v, want no fast reading", s, got)
		}
	}
}

func FuzzParseSeconds(f *testing.F) {
	f.Add("2026-12-09T08:00:00+01:00")
	f.Add("2024-02-29T23:59:59-05:30")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseSeconds(s)
		if !ok {
			return
		}
		want, err := time.Parse(time.RFC3339, s)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseSeconds(%q) = %v; time.Parse: %v, %v", s, got, want, err)
		}
	})
}
