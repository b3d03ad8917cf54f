package tidbok

import (
	"strings"
	"unicode"
)

// maxHSAIDLen is the longest HSA-id ParseHSAID accepts.
const maxHSAIDLen = 64

// HSAID is an HSA-id (national catalogue id of a care unit or clinician,
// e.g. SE2321000016-A65H). HSA-ids compare case-insensitively; HSAID keeps
// the canonical upper-case form so ==, map keys and Equal all agree. Zero
// value = none.
type HSAID struct{ s string }

// ParseHSAID parses an HSA-id. It trims surrounding white space and rejects
// an empty id, white space or control characters inside it, more than 64
// characters, and any character other than ASCII letters, digits and '-'.
// ASCII letters are upper-cased, so "se2321000016-1hz5" and
// "SE2321000016-1HZ5" give the same HSAID. Errors are [*IdentityError]
// with Kind "HSA-id" and wrap [ErrInvalid].
func ParseHSAID(s string) (HSAID, error) {
	if h, ok := parseHSAIDFast(s); ok {
		return h, nil
	}
	fail := func(reason string) (HSAID, error) {
		in := truncateInput(s)
		if looksLikePersonalNumber(s) { // typed into the wrong field: keep it out of logs
			in = shapeOf(s)
		}
		return HSAID{}, &IdentityError{Kind: "HSA-id", Input: in, Reason: reason}
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return fail("empty")
	}
	for _, r := range t {
		switch {
		case unicode.IsSpace(r):
			return fail("contains white space")
		case unicode.IsControl(r):
			return fail("contains a control character")
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '-':
		default:
			return fail("contains a character other than ASCII letters, digits and '-'")
		}
	}
	if len(t) > maxHSAIDLen {
		return fail("longer than 64 characters")
	}
	return HSAID{s: strings.ToUpper(t)}, nil
}

// parseHSAIDFast is ParseHSAID for the common case, an id of 1 to 64
// ASCII letters, digits and '-' without surrounding white space; ok is
// false for anything else, which ParseHSAID then decides.
func parseHSAIDFast(s string) (HSAID, bool) {
	if len(s) == 0 || len(s) > maxHSAIDLen {
		return HSAID{}, false
	}
	lower := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c == '-':
		case c >= 'a' && c <= 'z':
			lower = true
		default:
			return HSAID{}, false
		}
	}
	if lower {
		return HSAID{s: strings.ToUpper(s)}, true
	}
	return HSAID{s: s}, true
}

// MustHSAID is like [ParseHSAID] but panics if s is not valid. It is meant
// for tests and examples with constant input.
func MustHSAID(s string) HSAID {
	h, err := ParseHSAID(s)
	if err != nil {
		panic(err)
	}
	return h
}

// IsZero reports whether h is the zero HSAID ("none").
func (h HSAID) IsZero() bool { return h.s == "" }

// String returns the canonical upper-case form, or "" for the zero HSAID.
func (h HSAID) String() string { return h.s }

// Equal reports whether h and o are the same HSA-id. Because HSAID holds
// the canonical form this is the same as h == o, which already ignores the
// case of the parsed input.
func (h HSAID) Equal(o HSAID) bool { return h.s == o.s }

// MarshalText implements [encoding.TextMarshaler] with the canonical form.
func (h HSAID) MarshalText() ([]byte, error) { return []byte(h.s), nil }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseHSAID];
// empty text gives the zero HSAID.
func (h *HSAID) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*h = HSAID{}
		return nil
	}
	v, err := ParseHSAID(string(text))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// looksLikePersonalNumber reports whether s is 10 or 12 digits, give or
// take white space and the separators '-', '+' and '–'.
func looksLikePersonalNumber(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-', r == '+', r == '–', unicode.IsSpace(r):
		default:
			return false
		}
	}
	return digits == 10 || digits == 12
}
