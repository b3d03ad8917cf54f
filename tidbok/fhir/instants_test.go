package fhir

import (
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// TestInstantsAgree holds the cached writing of instants equal to
// time's RFC 3339 layout in Swedish time: across both changes of summer
// time, in the hour repeated in October, far from now, and in turn
// through one cache as a page is written.
func TestInstantsAgree(t *testing.T) {
	sthlm := tidbok.Stockholm()
	var ts []time.Time
	for _, s := range []string{
		"2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z",
		"2026-12-31T22:59:59Z", "2026-12-31T23:00:00Z", "2024-02-29T12:00:00Z", "1970-01-01T00:00:00Z",
		"1900-01-01T00:00:00Z", "1879-01-01T00:00:00Z", "2100-06-01T12:00:00Z", "0001-01-01T00:00:00Z",
		"0001-01-01T23:00:00Z", "9999-12-31T22:00:00Z", "9999-12-31T23:30:00Z",
	} {
		u, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, u, u.Add(time.Second), u.Add(-time.Second))
	}
	start := time.Date(2026, 3, 28, 0, 0, 0, 0, sthlm)
	for i := range 24 * 6 * 5 {
		ts = append(ts, start.Add(time.Duration(i)*10*time.Minute+time.Duration(i%7)*time.Second))
	}
	var z instants
	for _, u := range ts {
		want := u.In(sthlm).Format(time.RFC3339)
		if got := string(z.append(nil, u)); got != want {
			t.Errorf("%v: %s, want %s", u.UTC(), got, want)
		}
		var fresh instants
		if got := string(fresh.append(nil, u)); got != want {
			t.Errorf("%v, a fresh cache: %s, want %s", u.UTC(), got, want)
		}
	}
}

func FuzzInstants(f *testing.F) {
	f.Add(int64(1796000000), int64(3600))
	f.Add(int64(-62135596800), int64(86400))
	f.Fuzz(func(t *testing.T, a, step int64) {
		var z instants
		for i := range int64(4) {
			u := time.Unix(a+i*step, 0)
			want := u.In(tidbok.Stockholm()).Format(time.RFC3339)
			if got := string(z.append(nil, u)); got != want {
				t.Errorf("%d: %s, want %s", a+i*step, got, want)
			}
		}
	})
}
