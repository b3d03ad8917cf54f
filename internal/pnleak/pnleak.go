// Package pnleak finds personal identity numbers (personnummer and
// samordningsnummer) written in clear in text: the tests of the wire and
// the flow run their logs and error strings through it, since both fall
// under patient-data law and must show such numbers only masked
// (tidbok.MaskPersonalNumbers). It is non-test code only so that several
// packages' tests can share it; no production code imports it.
package pnleak

import (
	"strings"
	"testing"
)

// Find returns every personal identity number in s in one of the forms
// people and systems write them, each as it appears:
//
//	191212121212   19121212-1212   19121212+1212
//	1212121212     121212-1212     121212+1212
//
// A form counts when it stands apart from other letters and digits, its
// month is 01–12, its day 01–31 (or 61–91, a samordningsnummer) and its
// check digit is right; so masked forms ("19121212-****"), timestamps and
// HSA-ids are not found. Find returns nil when there is none.
func Find(s string) []string {
	var found []string
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || i > 0 && isWord(s[i-1]) {
			continue
		}
		if n := numberAt(s[i:]); n > 0 {
			found = append(found, s[i:i+n])
			i += n - 1
			continue
		}
		for i+1 < len(s) && isWord(s[i+1]) {
			i++
		}
	}
	return found
}

// numberAt returns the length of the personal identity number s starts
// with, or 0.
func numberAt(s string) int {
	for _, datePart := range [...]int{8, 6} {
		j := 0
		for j < len(s) && j < datePart && isDigit(s[j]) {
			j++
		}
		if j != datePart {
			continue
		}
		digits := s[datePart-6 : datePart]
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		if j+4 > len(s) || !allDigits(s[j:j+4]) || j+4 < len(s) && isWord(s[j+4]) {
			continue
		}
		if valid(digits + s[j:j+4]) {
			return j + 4
		}
	}
	return 0
}

// valid reports whether yymmddnnnc has a possible month and day and a
// right Luhn check digit.
func valid(d string) bool {
	month := int(d[2]-'0')*10 + int(d[3]-'0')
	day := int(d[4]-'0')*10 + int(d[5]-'0')
	if month < 1 || month > 12 || !(day >= 1 && day <= 31 || day >= 61 && day <= 91) {
		return false
	}
	sum := 0
	for i := range 10 {
		v := int(d[i] - '0')
		if i%2 == 0 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isWord(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func allDigits(s string) bool {
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// Check fails t for every personal identity number Find finds in text,
// naming what the text is (e.g. "the producer's log") and quoting the
// line it is on.
func Check(t testing.TB, what, text string) {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		for _, pn := range Find(line) {
			t.Errorf("%s shows the personal identity number %s in clear: %s", what, pn, line)
		}
	}
}
