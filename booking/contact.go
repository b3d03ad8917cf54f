package booking

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The longest contact data the service accepts from a citizen, in
// characters (runes). A portal should set the same bounds on its form
// fields (maxlength), so that the citizen cannot type more.
const (
	// MaxNameLen bounds each of Contact's FirstName, MiddleName and
	// LastName.
	MaxNameLen = 100
	// MaxPhoneLen bounds Contact.Phone.
	MaxPhoneLen = 32
	// MaxEmailLen bounds Contact.Email, as RFC 5321 bounds an address.
	MaxEmailLen = 254
	// MaxAddressLen bounds each of Contact's Address and CoAddress.
	MaxAddressLen = 200
)

// ErrContact means the contact data a citizen sent are not accepted: a
// field is too long, holds control characters or is not valid UTF-8, or
// the phone number holds other characters than digits, spaces and
// "+-()". The error names every such field ([tidbok.FieldErrors]) and its
// Text says, in Swedish, what to correct in each. It matches
// [tidbok.ErrInvalid].
var ErrContact error = &sentinel{what: "contact data not accepted", also: tidbok.ErrInvalid}

// contactField is one field of tidbok.ContactInfo as the citizen sees it.
type contactField struct {
	name, value string
	// sv is the field in Swedish, in the definite form ("Mobilnumret"),
	// and long the adjective agreeing with it ("långt").
	sv, long string
	max      int
}

// checkContact checks the contact data c sent under field (e.g.
// "Contact"), and returns nil or an error matching ErrContact that names
// every problem, with Swedish texts for the citizen in sv.
func checkContact(field string, c tidbok.ContactInfo) (sv []string, err error) {
	fields := []contactField{
		{"FirstName", c.FirstName, "Förnamnet", "långt", MaxNameLen},
		{"MiddleName", c.MiddleName, "Mellannamnet", "långt", MaxNameLen},
		{"LastName", c.LastName, "Efternamnet", "långt", MaxNameLen},
		{"Phone", c.Phone, "Mobilnumret", "långt", MaxPhoneLen},
		{"Email", c.Email, "E-postadressen", "lång", MaxEmailLen},
		{"Address", c.Address, "Adressen", "lång", MaxAddressLen},
		{"CoAddress", c.CoAddress, "C/o-adressen", "lång", MaxAddressLen},
	}
	var p tidbok.Problems
	for _, f := range fields {
		name := field + "." + f.name
		switch {
		case !utf8.ValidString(f.value):
			p.Add(name, "is not valid UTF-8 text")
			sv = append(sv, f.sv+" innehåller tecken som inte går att läsa.")
			continue
		case strings.ContainsFunc(f.value, unicode.IsControl):
			p.Add(name, "holds control characters: send one line of plain text")
			sv = append(sv, f.sv+" innehåller tecken som inte är tillåtna.")
			continue
		}
		if n := utf8.RuneCountInString(f.value); n > f.max {
			p.Add(name, "is %d characters long, at most %d allowed", n, f.max)
			sv = append(sv, fmt.Sprintf("%s får vara högst %d tecken %s. Korta texten och försök igen.", f.sv, f.max, f.long))
			continue
		}
		if f.name == "Phone" && strings.ContainsFunc(f.value, func(r rune) bool { return !strings.ContainsRune("0123456789+-() ", r) }) {
			p.Add(name, "may hold only digits, spaces and +-()")
			sv = append(sv, f.sv+" får bara innehålla siffror, mellanslag och tecknen + - ( ).")
		}
	}
	if perr := p.Err(); perr != nil {
		return sv, wrapping(ErrContact, perr)
	}
	return nil, nil
}

// contactError returns the *Error of act for the contact data's problems
// err and sv (checkContact), together with other, an *Error of the same
// call about another field (a message too long, say), if not nil: every
// problem at once.
func contactError(act Action, err error, sv []string, other error) error {
	var e *Error
	if other != nil && errors.As(other, &e) {
		return &Error{Action: act, Text: strings.Join(append([]string{e.Text}, sv...), " "), Err: errors.Join(e.Err, err)}
	}
	return &Error{Action: act, Text: strings.Join(sv, " "), Err: err}
}
