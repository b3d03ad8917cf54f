package pnleak_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/pnleak"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestFindFindsEveryForm(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, text string
		want       []string
	}{
		{"12 digits", "patient 191212121212 not found", []string{"191212121212"}},
		{"12 digits with a hyphen", "subject=19121212-1212;", []string{"19121212-1212"}},
		{"12 digits with a plus", "(19121212+1212)", []string{"19121212+1212"}},
		{"10 digits", "1212121212", []string{"1212121212"}},
		{"10 digits with a hyphen", `"121212-1212"`, []string{"121212-1212"}},
		{"10 digits with a plus", "121212+1212.", []string{"121212+1212"}},
		{"samordningsnummer", "id 197010632391 and 701063-2391", []string{"197010632391", "701063-2391"}},
		{"several on a line", "a=198507099805 b=191212121212", []string{"198507099805", "191212121212"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, pnleak.Find(tt.text)); diff != "" {
				t.Errorf("Find(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestFindLeavesMaskedNumbersAndOtherDigitsAlone(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"19121212-****", "121212-****", "121212+****", "19121212****",
		tidbok.MustPersonalNumber("191212121212").String(),
		tidbok.MaskPersonalNumbers("191212121212 19121212-1212 1212121212 121212-1212 121212+1212 197010632391"),
		"SE2321000016-A65H", "SE2321000016-1234", "20250314093000", "20250314",
		"191212121213",  // wrong check digit
		"191213121212",  // month 13
		"1912121212120", // 13 digits
		"x191212121212", // part of a word
		"reference 3f2a9c01b2d4",
	} {
		if got := pnleak.Find(text); got != nil {
			t.Errorf("Find(%q) = %q, want nothing", text, got)
		}
	}
}

// TestFindAgreesWithTheMasker: whatever Find finds, the masker masks.
func TestFindAgreesWithTheMasker(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"191212121212", "198507099805", "201001012382", "197010632391"} {
		pn := tidbok.MustPersonalNumber(p)
		for _, form := range []string{p, p[:8] + "-" + p[8:], p[2:], p[2:8] + "-" + p[8:], p[2:8] + "+" + p[8:]} {
			text := "no patient " + form + " in the book"
			if got := pnleak.Find(text); len(got) != 1 || got[0] != form {
				t.Errorf("Find(%q) = %q, want [%s]", text, got, form)
			}
			if got := pnleak.Find(tidbok.MaskPersonalNumbers(text)); got != nil {
				t.Errorf("Find(MaskPersonalNumbers(%q)) = %q, want nothing", text, got)
			}
		}
		if got := pnleak.Find(pn.String()); got != nil {
			t.Errorf("Find(%q) = %q, want nothing", pn.String(), got)
		}
	}
}
