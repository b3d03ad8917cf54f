package main

import (
	"strings"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// mobileE164 reads a Swedish mobile number as a citizen types it,
// "070-123 45 67", "0701234567", "+46 70 123 45 67" or "0046701234567",
// and returns it in E.164, "+46701234567", and whether it is one. A
// Swedish mobile number is 07 and eight more digits; spaces, hyphens and
// parentheses are ignored.
func mobileE164(s string) (string, bool) {
	digits := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '(', ')', '\u00a0':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	var national string // without the leading 0
	switch {
	case strings.HasPrefix(digits, "+46"):
		national = digits[3:]
	case strings.HasPrefix(digits, "0046"):
		national = digits[4:]
	case strings.HasPrefix(digits, "0"):
		national = digits[1:]
	default:
		return "", false
	}
	// "+46 (0)70 …" is written too.
	if strings.HasPrefix(national, "0") && len(national) == 10 {
		national = national[1:]
	}
	if len(national) != 9 || national[0] != '7' {
		return "", false
	}
	for _, c := range national {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return "+46" + national, true
}

// phoneProblem is the text shown at the mobile number field when it is
// not a Swedish mobile number.
const phoneProblem = "Mobilnumret måste vara ett svenskt mobilnummer, till exempel 070-123 45 67 eller +46 70 123 45 67."

// showPhone returns an E.164 Swedish mobile number as Swedes write it:
// "070-123 45 67".
func showPhone(e164 string) string {
	n, ok := strings.CutPrefix(e164, "+46")
	if !ok || len(n) != 9 {
		return e164
	}
	return "0" + n[:2] + "-" + n[2:5] + " " + n[5:7] + " " + n[7:]
}

// fullNumber returns a personal identity number whole, as staff read it:
// "19121212-1212". Pages show it only to those it is theirs to see; logs
// never show it.
func fullNumber(p tidbok.PersonalNumber) string {
	c := p.Canonical()
	if len(c) != 12 {
		return p.String()
	}
	return c[:8] + "-" + c[8:]
}
