package tidbok

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// IdentityError reports why an identity (personal number, HSA-id) or wire
// time did not parse. It wraps [ErrInvalid]; match it with
// errors.As(err, new(*tidbok.IdentityError)).
type IdentityError struct {
	// Kind names what was parsed: "personal number", "HSA-id", "wire time"
	// or "wire date".
	Kind string
	// Input is the rejected input as far as it may be repeated in logs. For
	// personal numbers, and for an HSA-id that looks like one (10 or 12
	// digits and separators), it is only the shape of the input, never its
	// digits: every digit is replaced by 'n', every ASCII letter by 'a', any
	// other character except '-', '+' and space by '*'. Other inputs are
	// repeated as given, shortened to 32 characters.
	Input string
	// Reason says what is wrong, in lower case.
	Reason string
}

// Error returns a message such as
// "tidbok: invalid personal number "nnnnnnnnnnnn": check digit does not match".
// For personal numbers it never contains the digits of the input.
func (e *IdentityError) Error() string { return "tidbok: " + e.detail() }

func (e *IdentityError) detail() string {
	var b strings.Builder
	b.WriteString("invalid ")
	b.WriteString(e.Kind)
	if e.Input != "" {
		b.WriteByte(' ')
		b.WriteString(strconv.Quote(e.Input))
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Unwrap returns [ErrInvalid], so that errors.Is(err, tidbok.ErrInvalid)
// holds for every IdentityError.
func (e *IdentityError) Unwrap() error { return ErrInvalid }

// NumberKind tells a personnummer from a samordningsnummer and a reserve
// number. The zero NumberKind is the kind of the zero [PersonalNumber].
type NumberKind int

const (
	// KindPersonnummer is a personal identity number issued by
	// Skatteverket: birth date and a Luhn check digit.
	KindPersonnummer NumberKind = iota + 1
	// KindSamordningsnummer is a co-ordination number: like a personnummer,
	// but with 60 added to the day of birth.
	KindSamordningsnummer
	// KindReserve is a reserve number issued locally by a care provider:
	// a letter p, t or f in the 9th position and no check digit.
	KindReserve
)

// String returns "personnummer", "samordningsnummer" or "reservnummer"
// ("none" for the zero NumberKind).
func (k NumberKind) String() string {
	switch k {
	case 0:
		return "none"
	case KindPersonnummer:
		return "personnummer"
	case KindSamordningsnummer:
		return "samordningsnummer"
	case KindReserve:
		return "reservnummer"
	}
	return "NumberKind(" + strconv.Itoa(int(k)) + ")"
}

// PersonalNumber is a validated personnummer, samordningsnummer or reserve
// number in canonical 12-character form (yyyymmddnnnc; reserve numbers keep
// their letter, lower-cased). The zero value means "none". Comparable;
// usable as a map key.
//
// A personal number is personal data: String, LogValue and every fmt verb
// show it masked ("19121212-****"), and parse errors never repeat its
// digits. Only [PersonalNumber.Canonical] and [PersonalNumber.MarshalText]
// give the full number, for the wire and for storage.
type PersonalNumber struct{ s string }

// maxShape is how many characters of a rejected personal number's shape an
// error shows.
const maxShape = 32

// ParsePersonalNumber parses a personal number in a 12-digit form:
// "191212121212" or "19121212-1212". A reserve number has a letter p, t or f
// (either case) in the 9th position: "19121212p123". The 10-digit forms
// ("1212121212", "121212-1212", "121212+1212") lack the century and are
// rejected; use [ParsePersonalNumberOn] for them.
//
// It checks the date of birth (for a samordningsnummer, the day minus 60)
// against the calendar and the Luhn check digit over the last ten digits
// (reserve numbers have no check digit). Errors are [*IdentityError] with
// Kind "personal number"; they wrap [ErrInvalid] and never contain the
// digits of s.
func ParsePersonalNumber(s string) (PersonalNumber, error) {
	return parsePersonalNumber(s, Date{}, false)
}

// ParsePersonalNumberOn is like [ParsePersonalNumber] but also accepts the
// 10-digit forms "1212121212", "121212-1212" and "121212+1212", inferring
// the century from today, the date on which the number is read (never
// time.Now inside this package: pass it in).
//
// The century chosen is the latest that puts the date of birth (for a
// samordningsnummer, the day minus 60) on or before today. The '+'
// separator means the person has turned 100 by today, so 100 more years
// are subtracted. A date that does not exist in the inferred year (29
// February in a year that is not a leap year) is an error. For the 12-digit
// forms today is not used.
func ParsePersonalNumberOn(s string, today Date) (PersonalNumber, error) {
	return parsePersonalNumber(s, today, true)
}

// MustPersonalNumber is like [ParsePersonalNumber] but panics if s is not
// valid. It is meant for tests and examples with constant input.
func MustPersonalNumber(s string) PersonalNumber {
	p, err := ParsePersonalNumber(s)
	if err != nil {
		panic(err)
	}
	return p
}

func parsePersonalNumber(s string, today Date, allowShort bool) (PersonalNumber, error) {
	fail := func(reason string) (PersonalNumber, error) {
		return PersonalNumber{}, &IdentityError{Kind: "personal number", Input: shapeOf(s), Reason: reason}
	}
	if s == "" {
		return fail("empty")
	}

	// Split into the date part and the last four characters.
	var datePart, last4 string
	var sep byte
	switch len(s) {
	case 12, 10:
		datePart, last4 = s[:len(s)-4], s[len(s)-4:]
	case 13, 11:
		datePart, sep, last4 = s[:len(s)-5], s[len(s)-5], s[len(s)-4:]
		if sep != '-' && sep != '+' {
			return fail("only '-' or '+' may separate the date of birth from the last four digits")
		}
	default:
		return fail("wrong length: want 12 digits, optionally with '-' before the last four")
	}
	if !allDigits(datePart) {
		return fail("the date of birth must be digits")
	}
	if !allDigits(last4[1:]) {
		return fail("the last three characters must be digits")
	}
	reserve := false
	switch last4[0] {
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
	case 'p', 'P', 't', 'T', 'f', 'F':
		reserve = true
	default:
		return fail("the 9th character must be a digit or a reserve letter p, t or f")
	}

	var year int
	if len(datePart) == 8 {
		if sep == '+' {
			return fail("'+' is only meaningful in the 10-digit form; use '-' in the 12-digit form")
		}
		year = atoi(datePart[:4])
		datePart = datePart[2:]
	} else {
		if !allowShort {
			return fail("10-digit form lacks the century: use ParsePersonalNumberOn with a reference date")
		}
		if reserve {
			return fail("reserve numbers must be given in the 12-character form")
		}
	}
	month := time.Month(atoi(datePart[2:4]))
	day := atoi(datePart[4:6])

	kind := KindPersonnummer
	switch {
	case reserve:
		kind = KindReserve
	case day > 60:
		kind = KindSamordningsnummer
	}
	birthDay := day
	if kind == KindSamordningsnummer {
		birthDay -= 60
	}
	if month < time.January || month > time.December {
		return fail("month out of range")
	}

	if len(s) <= 11 { // 10-digit form: infer the century
		if !today.Valid() {
			return fail("the reference date for the 10-digit form is missing or invalid")
		}
		yy := atoi(datePart[:2])
		year = today.Year - ((today.Year-yy)%100+100)%100
		if (Date{Year: year, Month: month, Day: birthDay}).After(today) {
			year -= 100 // would be born after today: the previous century
		}
		if sep == '+' {
			year -= 100
		}
	}
	if year < 1000 {
		return fail("year of birth out of range")
	}
	birth := Date{Year: year, Month: month, Day: birthDay}
	if !birth.Valid() {
		if kind == KindSamordningsnummer {
			return fail("day minus 60 is not a day of the month")
		}
		return fail("day out of range for the month")
	}
	if !reserve && !luhnValid(datePart+last4) {
		return fail("check digit does not match")
	}
	canonical := fmt.Sprintf("%04d", year) + datePart[2:] + strings.ToLower(last4)
	return PersonalNumber{s: canonical}, nil
}

// luhnValid reports whether the 10 digits yymmddnnnc carry a correct Luhn
// check digit: weights 2,1,2,1,... from the left, digits of products summed.
func luhnValid(digits10 string) bool {
	sum := 0
	for i := 0; i < len(digits10); i++ {
		v := int(digits10[i] - '0')
		if i%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// shapeOf describes s without its digits or letters, for error messages.
func shapeOf(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == maxShape {
			b.WriteString("…")
			break
		}
		n++
		switch {
		case r >= '0' && r <= '9':
			b.WriteByte('n')
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			b.WriteByte('a')
		case r == '-', r == '+', r == ' ':
			b.WriteRune(r)
		default:
			b.WriteByte('*')
		}
	}
	return b.String()
}

// IsZero reports whether p is the zero PersonalNumber ("none").
func (p PersonalNumber) IsZero() bool { return p.s == "" }

// Kind returns whether p is a personnummer, a samordningsnummer or a
// reserve number; 0 for the zero PersonalNumber.
func (p PersonalNumber) Kind() NumberKind {
	switch {
	case p.s == "":
		return 0
	case p.s[8] < '0' || p.s[8] > '9':
		return KindReserve
	case p.s[6] >= '6': // day 61..91
		return KindSamordningsnummer
	}
	return KindPersonnummer
}

// Canonical returns the full 12-character wire form yyyymmddnnnc ("" for
// the zero PersonalNumber). It is NOT masked: use it only where the number
// must be sent or stored, never in logs or error messages.
func (p PersonalNumber) Canonical() string { return p.s }

// BirthDate returns the date of birth encoded in p; for a samordningsnummer
// the day minus 60. It returns the zero Date for the zero PersonalNumber.
func (p PersonalNumber) BirthDate() Date {
	if p.s == "" {
		return Date{}
	}
	day := atoi(p.s[6:8])
	if p.Kind() == KindSamordningsnummer {
		day -= 60
	}
	return Date{Year: atoi(p.s[0:4]), Month: time.Month(atoi(p.s[4:6])), Day: day}
}

// AgeOn returns the person's age in completed years on d. Someone born on
// 29 February has their birthday on 1 March in years that are not leap
// years (so they turn 18 on 1 March, not 28 February). The result is
// negative if d is before the date of birth, and 0 for the zero
// PersonalNumber.
func (p PersonalNumber) AgeOn(d Date) int {
	if p.s == "" {
		return 0
	}
	b := p.BirthDate()
	bm, bd := b.Month, b.Day
	if bm == time.February && bd == 29 && !isLeap(d.Year) {
		bm, bd = time.March, 1
	}
	age := d.Year - b.Year
	if d.Month < bm || (d.Month == bm && d.Day < bd) {
		age--
	}
	return age
}

// String returns p masked, with the date part kept and the last four
// characters hidden: "19121212-****". It returns "" for the zero
// PersonalNumber. The full number is never shown: errors and logs fall
// under patient-data law.
func (p PersonalNumber) String() string {
	if p.s == "" {
		return ""
	}
	return p.s[:8] + "-****"
}

// MaskPersonalNumbers returns s with every personnummer, samordningsnummer
// and reserve number in it masked the way [PersonalNumber.String] masks
// one: the date part kept, the last four characters hidden. It masks
// every form, valid or not, that stands as a word of its own (not inside
// a longer run of letters or digits, so HSA-ids, timestamps and the like
// are left alone):
//
//	191212121212, 19121212-1212, 19121212+1212, 19121212p123 → 19121212-****
//	1212121212, 121212-1212                                   → 121212-****
//	121212+1212                                               → 121212+****
//
// Use it on any text from outside (a book's error, a fault string) before
// it reaches a log or an error message: such texts fall under patient-data
// law.
func MaskPersonalNumbers(s string) string {
	var b []byte
	last := 0
	for i := 0; i < len(s); {
		if !isDigit(s[i]) || i > 0 && isWordByte(s[i-1]) {
			i++
			continue
		}
		n, keep := personalNumberAt(s, i)
		if n == 0 {
			// Skip the rest of this word: no number starts inside it.
			for i < len(s) && isWordByte(s[i]) {
				i++
			}
			continue
		}
		if b == nil {
			b = make([]byte, 0, len(s))
		}
		b = append(b, s[last:i+keep]...)
		if sep := s[i+keep]; sep == '+' && keep == 6 {
			b = append(b, '+')
		} else {
			b = append(b, '-')
		}
		b = append(b, "****"...)
		i += n
		last = i
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}

// personalNumberAt returns the length of the personal number that starts
// at s[i] and ends a word, and how many of its characters (the date part,
// 8 or 6 digits) stay visible; n is 0 when there is none.
func personalNumberAt(s string, i int) (n, keep int) {
	for _, date := range [...]int{8, 6} {
		j := i
		for j < len(s) && j-i < date && isDigit(s[j]) {
			j++
		}
		if j-i != date {
			continue
		}
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		if j+4 > len(s) || !isDigit(s[j]) && !isReserveLetter(s[j]) ||
			!isDigit(s[j+1]) || !isDigit(s[j+2]) || !isDigit(s[j+3]) {
			continue
		}
		j += 4
		if j < len(s) && isWordByte(s[j]) {
			continue
		}
		return j - i, date
	}
	return 0, 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isReserveLetter(c byte) bool {
	switch c {
	case 'p', 'P', 't', 'T', 'f', 'F':
		return true
	}
	return false
}

// isWordByte reports whether c is an ASCII letter, digit or underscore,
// as regexp's \b counts them.
func isWordByte(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// Format implements [fmt.Formatter] so that every verb (%v, %+v, %#v, %s,
// %q, %d, %x, ...) prints the masked form of [PersonalNumber.String].
func (p PersonalNumber) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, fmt.FormatString(f, 'q'), p.String())
	default:
		// Keep width and '-' flags; drop '#' and '+', which mean nothing here.
		format := "%"
		if f.Flag('-') {
			format += "-"
		}
		if w, ok := f.Width(); ok {
			format += strconv.Itoa(w)
		}
		fmt.Fprintf(f, format+"s", p.String())
	}
}

// LogValue implements [slog.LogValuer]: logs show the masked form of
// [PersonalNumber.String], never the full number.
func (p PersonalNumber) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MarshalText implements [encoding.TextMarshaler] with the canonical,
// full 12-character form, for storage and JSON. Unlike String it is NOT
// masked; do not marshal personal numbers into logs.
func (p PersonalNumber) MarshalText() ([]byte, error) { return []byte(p.s), nil }

// UnmarshalText implements [encoding.TextUnmarshaler] with
// [ParsePersonalNumber]; empty text gives the zero PersonalNumber.
func (p *PersonalNumber) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*p = PersonalNumber{}
		return nil
	}
	v, err := ParsePersonalNumber(string(text))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Equal reports whether p and o are the same number. It lets go-cmp
// compare values holding a PersonalNumber.
func (p PersonalNumber) Equal(o PersonalNumber) bool { return p == o }
