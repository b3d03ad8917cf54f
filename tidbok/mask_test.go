package tidbok_test

import (
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestMaskPersonalNumbersMasksEveryFormAsStringDoes(t *testing.T) {
	t.Parallel()
	pn := tidbok.MustPersonalNumber("191212121212")
	for _, tt := range []struct{ name, in, want string }{
		{"12 digits", "patient 191212121212 missing", "patient " + pn.String() + " missing"},
		{"12 digits with a hyphen", "19121212-1212", "19121212-****"},
		{"12 digits with a plus", "(19121212+1212)", "(19121212-****)"},
		{"samordningsnummer", "id=197010632391.", "id=19701063-****."},
		{"reserve number", "19121212p123 and 19121212T123", "19121212-**** and 19121212-****"},
		{"10 digits", "1212121212", "121212-****"},
		{"10 digits with a hyphen", "no patient 121212-1212 in the book", "no patient 121212-**** in the book"},
		{"10 digits with a plus", "121212+1212", "121212+****"},
		{"10-digit samordningsnummer", "701063-2391", "701063-****"},
		{"several", "a 191212121212,b 121212-1212", "a 19121212-****,b 121212-****"},
		{"an HSA-id", "SE2321000016-A65H and SE2321000016-1234", "SE2321000016-A65H and SE2321000016-1234"},
		{"a wire time", "20250314093000", "20250314093000"},
		{"longer digit runs", "1912121212125 x1912121212", "1912121212125 x1912121212"},
		{"already masked", "19121212-**** 121212-****", "19121212-**** 121212-****"},
		{"short numbers", "VP009 reference 3f2a 12345", "VP009 reference 3f2a 12345"},
		{"empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tidbok.MaskPersonalNumbers(tt.in); got != tt.want {
				t.Errorf("MaskPersonalNumbers(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzMaskPersonalNumbers(f *testing.F) {
	for _, s := range []string{"191212121212", "x 121212-1212 y", "19121212p123", "SE2321000016-A65H", "åäö191212121212"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := tidbok.MaskPersonalNumbers(s)
		if tidbok.MaskPersonalNumbers(m) != m {
			t.Errorf("masking %q twice changes it again: %q", s, m)
		}
		if p, err := tidbok.ParsePersonalNumber(m); err == nil {
			t.Errorf("MaskPersonalNumbers(%q) = %q, which is the personal number %v", s, m, p)
		}
	})
}
