package tidbok_test

import (
	"errors"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/.

func FuzzParsePersonalNumber(f *testing.F) {
	for _, s := range []string{"191212121212", "19121212-1212", "1212121212", "121212+1212", "197010632391", "19121212P123", "190002291235", ""} {
		f.Add(s)
	}
	today := tidbok.Date{Year: 2026, Month: 5, Day: 4}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(string) (tidbok.PersonalNumber, error){
			tidbok.ParsePersonalNumber,
			func(s string) (tidbok.PersonalNumber, error) { return tidbok.ParsePersonalNumberOn(s, today) },
		} {
			p, err := parse(s)
			if err != nil {
				if !errors.Is(err, tidbok.ErrInvalid) {
					t.Fatalf("error %v does not match ErrInvalid", err)
				}
				if digitRun.MatchString(err.Error()) {
					t.Fatalf("error %q repeats digits of the input", err)
				}
				continue
			}
			c := p.Canonical()
			if len(c) != 12 || p.IsZero() {
				t.Fatalf("parsed %q to canonical %q", s, c)
			}
			again, err := tidbok.ParsePersonalNumber(c)
			if err != nil || again != p {
				t.Fatalf("canonical %q re-parsed to %v, %v", c, again, err)
			}
			if masked := p.String(); masked != c[:8]+"-****" {
				t.Fatalf("String() = %q, want the masked form of %s", masked, c[:8])
			}
			if !p.BirthDate().Valid() {
				t.Fatalf("%q has invalid birth date %v", c, p.BirthDate())
			}
		}
	})
}

func FuzzParseWireTime(f *testing.F) {
	for _, s := range []string{"20260115093000", "20260329023000", "20261025023000", "20261325093000", "19000101000000", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := tidbok.ParseWireTime(s)
		if err != nil {
			if !errors.Is(err, tidbok.ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		if got.Location() != tidbok.Stockholm() {
			t.Fatalf("location = %v, want Stockholm()", got.Location())
		}
		wire := tidbok.FormatWireTime(got)
		if wire != s {
			t.Fatalf("FormatWireTime(ParseWireTime(%q)) = %q", s, wire)
		}
		again, err := tidbok.ParseWireTime(wire)
		if err != nil || !again.Equal(got) {
			t.Fatalf("%q re-parsed to %v, %v; want %v", wire, again, err, got)
		}
	})
}

func FuzzParseWireDate(f *testing.F) {
	for _, s := range []string{"20260329", "20000229", "19000229", "2026-03-29", "09990101", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := tidbok.ParseWireDate(s)
		if err != nil {
			if !errors.Is(err, tidbok.ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		if !d.Valid() {
			t.Fatalf("ParseWireDate(%q) = %v, not a valid date", s, d)
		}
		if d.Wire() != s {
			t.Fatalf("Wire() = %q, want %q", d.Wire(), s)
		}
		again, err := tidbok.ParseWireDate(d.Wire())
		if err != nil || again != d {
			t.Fatalf("%q re-parsed to %v, %v; want %v", d.Wire(), again, err, d)
		}
		if got := tidbok.DateOf(d.Start()); got != d {
			t.Fatalf("DateOf(%v.Start()) = %v", d, got)
		}
	})
}
