package tidbok_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// requireIdentityError fails the test unless err is an *IdentityError of
// the given kind that also matches ErrInvalid, and returns it.
func requireIdentityError(t *testing.T, err error, kind string) *tidbok.IdentityError {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want an invalid %s", kind)
	}
	if !errors.Is(err, tidbok.ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false, want true", err)
	}
	var ie *tidbok.IdentityError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T) is not an *IdentityError", err, err)
	}
	if ie.Kind != kind {
		t.Errorf("IdentityError.Kind = %q, want %q", ie.Kind, kind)
	}
	return ie
}

// digitRun finds three or more digits in a row: a masked text must not
// contain any (the fixed texts of the package hold at most two in a row).
var digitRun = regexp.MustCompile(`[0-9]{3,}`)

// pnCheckDigit computes the Luhn check digit for the nine digits yymmddnnn,
// independently of the package.
func pnCheckDigit(nine string) byte {
	sum := 0
	for i, c := range []byte(nine) {
		v := int(c - '0')
		if i%2 == 0 {
			v *= 2
		}
		sum += v/10 + v%10
	}
	return byte('0' + (10-sum%10)%10)
}

// pnLuhnValid reports whether the last ten digits of a 12-digit number
// carry a valid Luhn check digit, independently of the package.
func pnLuhnValid(twelve string) bool {
	return pnCheckDigit(twelve[2:11]) == twelve[11]
}

func TestParsePersonalNumberAcceptsTheTwelveDigitForms(t *testing.T) {
	type want struct {
		Canonical string
		Kind      tidbok.NumberKind
		Birth     tidbok.Date
	}
	tests := []struct {
		name string
		in   string
		want want
	}{
		{"twelve digits without separator are a personnummer", "191212121212",
			want{"191212121212", tidbok.KindPersonnummer, tidbok.Date{Year: 1912, Month: 12, Day: 12}}},
		{"a dash before the last four is dropped", "19121212-1212",
			want{"191212121212", tidbok.KindPersonnummer, tidbok.Date{Year: 1912, Month: 12, Day: 12}}},
		{"a day above 60 is a samordningsnummer born on day minus 60", "197010632391",
			want{"197010632391", tidbok.KindSamordningsnummer, tidbok.Date{Year: 1970, Month: 10, Day: 3}}},
		{"a samordningsnummer may have a dash too", "19701063-2391",
			want{"197010632391", tidbok.KindSamordningsnummer, tidbok.Date{Year: 1970, Month: 10, Day: 3}}},
		{"29 February of a leap year is a valid birth date", "200002291235",
			want{"200002291235", tidbok.KindPersonnummer, tidbok.Date{Year: 2000, Month: 2, Day: 29}}},
		{"an upper-case reserve letter p is kept lower-cased", "19121212P123",
			want{"19121212p123", tidbok.KindReserve, tidbok.Date{Year: 1912, Month: 12, Day: 12}}},
		{"a lower-case reserve letter t is kept", "19121212t123",
			want{"19121212t123", tidbok.KindReserve, tidbok.Date{Year: 1912, Month: 12, Day: 12}}},
		{"a reserve letter f needs no check digit", "19121212F999",
			want{"19121212f999", tidbok.KindReserve, tidbok.Date{Year: 1912, Month: 12, Day: 12}}},
		{"a reserve number may have a dash", "19121212-p120",
			want{"19121212p120", tidbok.KindReserve, tidbok.Date{Year: 1912, Month: 12, Day: 12}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tidbok.ParsePersonalNumber(tt.in)
			if err != nil {
				t.Fatalf("ParsePersonalNumber: %v", err)
			}
			got := want{p.Canonical(), p.Kind(), p.BirthDate()}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePersonalNumber mismatch (-want +got):\n%s", diff)
			}
			if p.IsZero() {
				t.Error("IsZero() = true for a parsed number")
			}
			again, err := tidbok.ParsePersonalNumber(p.Canonical())
			if err != nil || again != p {
				t.Errorf("re-parsing the canonical form gave %v, %v; want the same number", again, err)
			}
		})
	}
}

func TestParsePersonalNumberRejectsInvalidInput(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"an empty string is refused", ""},
		{"29 February 1900 is refused because 1900 is not a leap year", "190002291235"},
		{"a wrong check digit is refused", "191212121213"},
		{"a wrong check digit is refused in a samordningsnummer", "197010632392"},
		{"day 00 is refused", "191212001234"},
		{"month 00 is refused", "191200121234"},
		{"month 13 is refused", "191213121234"},
		{"day 32 is refused", "191212321234"},
		{"31 April is refused", "191204311234"},
		{"day 60 is neither a birth day nor a samordningsnummer", "191212601234"},
		{"a samordningsnummer whose day minus 60 is 32 is refused", "197010922391"},
		{"a samordningsnummer for 30 February is refused", "197002902391"},
		{"a reserve number with an impossible date is refused", "19121312p123"},
		{"the ten-digit form needs a reference date", "1212121212"},
		{"the ten-digit form with dash needs a reference date", "121212-1212"},
		{"the ten-digit form with plus needs a reference date", "121212+1212"},
		{"a plus in the twelve-digit form is refused", "19121212+1212"},
		{"one digit is too short", "1"},
		{"eleven digits are refused", "19121212121"},
		{"thirteen digits are refused", "1912121212120"},
		{"two dashes are refused", "19121212--1212"},
		{"a space as separator is refused", "19121212 1212"},
		{"a slash as separator is refused", "19121212/1212"},
		{"surrounding space is refused", " 191212121212"},
		{"letters only are refused", "abcdefghijkl"},
		{"a letter other than p, t, f is refused", "19121212x123"},
		{"a reserve letter outside the 9th position is refused", "1912121212p3"},
		{"a dash in the wrong place is refused", "1912-12121212"},
		{"full-width digits are refused", "１９１２１２１２１２１２"},
		{"a year starting with 0 is refused", "091212121212"},
		{"a very long input is refused", strings.Repeat("1912121212", 20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tidbok.ParsePersonalNumber(tt.in)
			requireIdentityError(t, err, "personal number")
			if !p.IsZero() {
				t.Errorf("got %v with the error, want the zero PersonalNumber", p)
			}
		})
	}
}

func TestParsePersonalNumberOnInfersTheCentury(t *testing.T) {
	today := tidbok.Date{Year: 2026, Month: 5, Day: 4}
	tests := []struct {
		name  string
		in    string
		today tidbok.Date
		want  string
	}{
		{"ten digits take the latest century not after today", "1212121212", today, "201212121212"},
		{"a dash does not change the inference", "121212-1212", today, "201212121212"},
		{"a plus means the person is 100 or older", "121212+1212", today, "191212121212"},
		{"someone born today is in this century", "2605041231", today, "202605041231"},
		{"a birthday tomorrow means the previous century", "2605051230", today, "192605051230"},
		{"a samordningsnummer infers from day minus 60", "7010632391", today, "197010632391"},
		{"a samordningsnummer with a dash", "701063-2391", today, "197010632391"},
		{"29 February 2000 is found in this century", "000229-1235", today, "200002291235"},
		{"twelve-digit input ignores the reference date", "19121212-1212", today, "191212121212"},
		{"twelve-digit input needs no reference date", "191212121212", tidbok.Date{}, "191212121212"},
		{"on 31 December someone born that day is in this century", "2612311239", tidbok.Date{Year: 2026, Month: 12, Day: 31}, "202612311239"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tidbok.ParsePersonalNumberOn(tt.in, tt.today)
			if err != nil {
				t.Fatalf("ParsePersonalNumberOn: %v", err)
			}
			if diff := cmp.Diff(tt.want, p.Canonical()); diff != "" {
				t.Errorf("Canonical mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePersonalNumberOnRejectsWhatItCannotInfer(t *testing.T) {
	today := tidbok.Date{Year: 2026, Month: 5, Day: 4}
	tests := []struct {
		name  string
		in    string
		today tidbok.Date
	}{
		{"29 February 1900 is refused when plus points there", "000229+1235", today},
		{"a ten-digit number without a reference date is refused", "1212121212", tidbok.Date{}},
		{"an invalid reference date is refused", "1212121212", tidbok.Date{Year: 2026, Month: 2, Day: 30}},
		{"a reserve number in the ten-digit form is refused", "121212p123", today},
		{"a wrong check digit is refused in the ten-digit form", "121212-1213", today},
		{"an invalid date is refused in the ten-digit form", "121232-1212", today},
		{"two separators are refused", "121212-+1212", today},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tidbok.ParsePersonalNumberOn(tt.in, tt.today)
			requireIdentityError(t, err, "personal number")
		})
	}
}

func TestPersonalNumberNeverShowsItsDigits(t *testing.T) {
	numbers := []string{"191212121212", "197010632391", "19121212p123", "200002291235"}
	for _, in := range numbers {
		p := tidbok.MustPersonalNumber(in)
		// showsDigits reports whether text holds any digit beyond the
		// date part that the masked form keeps.
		showsDigits := func(text string) bool {
			return strings.ContainsAny(strings.ReplaceAll(text, in[:8], ""), "0123456789")
		}
		t.Run("String masks the last four of "+p.String(), func(t *testing.T) {
			if diff := cmp.Diff(in[:8]+"-****", p.String()); diff != "" {
				t.Errorf("String mismatch (-want +got):\n%s", diff)
			}
		})
		t.Run("every fmt verb masks "+p.String(), func(t *testing.T) {
			for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X", "%10v", "%-20s|"} {
				got := fmt.Sprintf(format, p)
				if showsDigits(got) {
					t.Errorf("fmt.Sprintf(%q) = %q shows the number", format, got)
				}
			}
			inStruct := fmt.Sprintf("%+v", struct{ Subject tidbok.PersonalNumber }{p})
			if showsDigits(inStruct) {
				t.Errorf("a struct printed with %%+v shows the number: %s", inStruct)
			}
		})
		t.Run("slog masks "+p.String(), func(t *testing.T) {
			var buf bytes.Buffer
			noTime := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}}
			slog.New(slog.NewJSONHandler(&buf, noTime)).Info("booking", "subject", p)
			slog.New(slog.NewTextHandler(&buf, noTime)).Info("booking", "subject", p)
			if showsDigits(buf.String()) {
				t.Errorf("log output shows the number: %s", buf.String())
			}
			if !strings.Contains(buf.String(), p.String()) {
				t.Errorf("log output %s lacks the masked form %q", buf.String(), p.String())
			}
		})
	}

	t.Run("the zero number prints as an empty string", func(t *testing.T) {
		var zero tidbok.PersonalNumber
		if got := zero.String(); got != "" {
			t.Errorf("String() = %q, want empty", got)
		}
		if got := zero.Canonical(); got != "" {
			t.Errorf("Canonical() = %q, want empty", got)
		}
		if got := zero.Kind(); got != 0 {
			t.Errorf("Kind() = %v, want 0", got)
		}
		if !zero.BirthDate().IsZero() {
			t.Errorf("BirthDate() = %v, want the zero Date", zero.BirthDate())
		}
	})
}

func TestParseErrorsNeverShowTheDigitsOfAPersonalNumber(t *testing.T) {
	inputs := []string{
		"191212121213", "19121212-1213", "1212121213", "121212-1212", "121212+1212",
		"190002291235", "197010922391", "19121212x123", "19121212+1212", "1912121212121",
		"19121212/1212", " 191212121212", strings.Repeat("19121212", 10), "19121212-12a2",
	}
	for _, in := range inputs {
		t.Run("the error for a number shaped like "+strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return 'n'
			}
			return r
		}, in)+" hides its digits", func(t *testing.T) {
			_, err := tidbok.ParsePersonalNumber(in)
			ie := requireIdentityError(t, err, "personal number")
			for _, text := range []string{err.Error(), ie.Input, ie.Reason, fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", ie)} {
				if digitRun.MatchString(text) {
					t.Errorf("error text %q contains digits of the input", text)
				}
			}
		})
	}
}

func TestAgeOnCountsCompletedYears(t *testing.T) {
	anna := tidbok.MustPersonalNumber("191212121212")
	leapling := tidbok.MustPersonalNumber("200002291235")
	coordination := tidbok.MustPersonalNumber("197010632391")
	tests := []struct {
		name string
		p    tidbok.PersonalNumber
		on   tidbok.Date
		want int
	}{
		{"the day before the birthday the age is not yet reached", anna, tidbok.Date{Year: 2026, Month: 12, Day: 11}, 113},
		{"on the birthday the age is reached", anna, tidbok.Date{Year: 2026, Month: 12, Day: 12}, 114},
		{"the day after the birthday the age holds", anna, tidbok.Date{Year: 2026, Month: 12, Day: 13}, 114},
		{"on the day of birth the age is 0", anna, tidbok.Date{Year: 1912, Month: 12, Day: 12}, 0},
		{"before birth the age is negative", anna, tidbok.Date{Year: 1912, Month: 12, Day: 11}, -1},
		{"a leapling is not yet 18 on 28 February of a common year", leapling, tidbok.Date{Year: 2018, Month: 2, Day: 28}, 17},
		{"a leapling turns 18 on 1 March of a common year", leapling, tidbok.Date{Year: 2018, Month: 3, Day: 1}, 18},
		{"a leapling is not yet 24 on 28 February of a leap year", leapling, tidbok.Date{Year: 2024, Month: 2, Day: 28}, 23},
		{"a leapling turns 24 on 29 February of a leap year", leapling, tidbok.Date{Year: 2024, Month: 2, Day: 29}, 24},
		{"a samordningsnummer ages from day minus 60", coordination, tidbok.Date{Year: 2026, Month: 10, Day: 3}, 56},
		{"a samordningsnummer is not older the day before", coordination, tidbok.Date{Year: 2026, Month: 10, Day: 2}, 55},
		{"the zero number has age 0", tidbok.PersonalNumber{}, tidbok.Date{Year: 2026, Month: 1, Day: 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.AgeOn(tt.on); got != tt.want {
				t.Errorf("AgeOn(%v) = %d, want %d", tt.on, got, tt.want)
			}
		})
	}
}

func TestPersonalNumberIsAComparableMapKey(t *testing.T) {
	seen := map[tidbok.PersonalNumber]int{}
	for _, in := range []string{"191212121212", "19121212-1212", "19121212P123", "19121212p123"} {
		seen[tidbok.MustPersonalNumber(in)]++
	}
	want := map[tidbok.PersonalNumber]int{
		tidbok.MustPersonalNumber("191212121212"): 2,
		tidbok.MustPersonalNumber("19121212p123"): 2,
	}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("map mismatch (-want +got):\n%s", diff)
	}
}

func TestPersonalNumberMarshalsTheFullCanonicalForm(t *testing.T) {
	type record struct {
		Subject tidbok.PersonalNumber `json:"subject"`
	}
	tests := []struct {
		name string
		in   record
		json string
	}{
		{"a personnummer is stored in full", record{tidbok.MustPersonalNumber("19121212-1212")}, `{"subject":"191212121212"}`},
		{"a reserve number keeps its lower-case letter", record{tidbok.MustPersonalNumber("19121212T123")}, `{"subject":"19121212t123"}`},
		{"the zero number is an empty string", record{}, `{"subject":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			if diff := cmp.Diff(tt.json, string(b)); diff != "" {
				t.Errorf("JSON mismatch (-want +got):\n%s", diff)
			}
			var back record
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("json.Unmarshal: %v", err)
			}
			if back != tt.in {
				t.Errorf("round trip gave %v, want %v", back, tt.in)
			}
		})
	}

	t.Run("unmarshalling an invalid number fails with ErrInvalid", func(t *testing.T) {
		var r record
		err := json.Unmarshal([]byte(`{"subject":"191212121213"}`), &r)
		requireIdentityError(t, err, "personal number")
	})
	t.Run("unmarshalling the ten-digit form fails", func(t *testing.T) {
		var p tidbok.PersonalNumber
		requireIdentityError(t, p.UnmarshalText([]byte("1212121212")), "personal number")
	})
}

func TestMustPersonalNumberPanicsOnInvalidInput(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("MustPersonalNumber did not panic")
		}
		if err, ok := r.(error); !ok || !errors.Is(err, tidbok.ErrInvalid) {
			t.Errorf("panic value %v does not match ErrInvalid", r)
		}
	}()
	tidbok.MustPersonalNumber("191212121213")
}

func TestNumberKindNamesItself(t *testing.T) {
	tests := []struct {
		name string
		kind tidbok.NumberKind
		want string
	}{
		{"a personnummer is called personnummer", tidbok.KindPersonnummer, "personnummer"},
		{"a samordningsnummer is called samordningsnummer", tidbok.KindSamordningsnummer, "samordningsnummer"},
		{"a reserve number is called reservnummer", tidbok.KindReserve, "reservnummer"},
		{"the zero kind is called none", 0, "none"},
		{"an unknown kind shows its value", 42, "NumberKind(42)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.kind.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestGeneratedPersonalNumbersParseAndRoundTrip is a property test: many
// generated numbers (fixed seed, so reproducible) parse, carry a valid
// Luhn digit, round-trip through the canonical and the ten-digit form, and
// fail once any one of their last ten digits is changed.
func TestGeneratedPersonalNumbersParseAndRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260504, 1177))
	today := tidbok.Date{Year: 2099, Month: 12, Day: 31}
	for i := range 5000 {
		birth := tidbok.Date{Year: 1900, Month: time.January, Day: 1}.AddDays(rng.IntN(200 * 365))
		kind := []tidbok.NumberKind{tidbok.KindPersonnummer, tidbok.KindSamordningsnummer, tidbok.KindReserve}[rng.IntN(3)]
		day := birth.Day
		if kind == tidbok.KindSamordningsnummer {
			day += 60
		}
		datePart := fmt.Sprintf("%04d%02d%02d", birth.Year, int(birth.Month), day)
		var canonical string
		if kind == tidbok.KindReserve {
			canonical = datePart + string("ptf"[rng.IntN(3)]) + fmt.Sprintf("%03d", rng.IntN(1000))
		} else {
			nine := datePart[2:] + fmt.Sprintf("%03d", rng.IntN(1000))
			canonical = datePart + nine[6:] + string(pnCheckDigit(nine))
		}

		p, err := tidbok.ParsePersonalNumber(canonical)
		if err != nil {
			t.Fatalf("#%d: ParsePersonalNumber(generated %s) failed: %v", i, kind, err)
		}
		if p.Canonical() != canonical || p.Kind() != kind || p.BirthDate() != birth {
			t.Fatalf("#%d: got %s %v born %v, want %s born %v", i, p.Kind(), p, p.BirthDate(), kind, birth)
		}
		if kind != tidbok.KindReserve && !pnLuhnValid(p.Canonical()) {
			t.Fatalf("#%d: %v has an invalid Luhn digit", i, p)
		}
		if again, err := tidbok.ParsePersonalNumber(p.Canonical()); err != nil || again != p {
			t.Fatalf("#%d: canonical round trip gave %v, %v", i, again, err)
		}
		if kind == tidbok.KindReserve {
			continue
		}

		sep := "-"
		if p.AgeOn(today) >= 100 {
			sep = "+"
		}
		short := canonical[2:8] + sep + canonical[8:]
		if again, err := tidbok.ParsePersonalNumberOn(short, today); err != nil || again != p {
			t.Fatalf("#%d: ten-digit round trip of %v gave %v, %v", i, p, again, err)
		}

		pos := 2 + rng.IntN(10)
		old := canonical[pos]
		repl := byte('0' + (int(old-'0')+1+rng.IntN(9))%10)
		mutated := canonical[:pos] + string(repl) + canonical[pos+1:]
		if _, err := tidbok.ParsePersonalNumber(mutated); err == nil {
			t.Fatalf("#%d: changing one digit of %v was not detected", i, p)
		}
	}
}
