package crmwire

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// ErrMalformed is matched by every error about a message that could not
// be read: bad XML, a limit hit, a missing required element, a value that
// does not parse. It is [soap.ErrMalformed].
var ErrMalformed = soap.ErrMalformed

// checker collects the problems found while converting a wire message,
// each naming its element path, so that all are reported at once.
type checker struct {
	problems []string
	// misplacedAt holds the paths of elements found in a wrong namespace:
	// their problem is said once, by misplaced, and not again as missing.
	misplacedAt map[string]bool
	// scope and index name the repeated element being converted, e.g.
	// timeslotDetail[3]; the path is only built when there is a problem.
	scope string
	index int
}

// in sets the scope for the following problems; in("", 0) clears it.
func (c *checker) in(scope string, index int) {
	c.scope, c.index = scope, index
}

func (c *checker) add(path, problem string) {
	switch {
	case c.scope == "":
	case c.index > 0:
		path = c.scope + "[" + strconv.Itoa(c.index) + "]/" + path
	default:
		path = c.scope + "/" + path
	}
	if c.misplacedAt[path] {
		return
	}
	c.problems = append(c.problems, path+": "+problem)
}

// misplaced records the elements the decoder skipped because they came in
// another namespace than the schema's for them (see [soap.Misplaced]),
// when that namespace is none or one of crm:scheduling's: a peer's
// mistake, which the schema rejects, and which would otherwise read as a
// missing element or a zero value. Elements of other namespaces at that
// place are another party's extensions and stay ignored.
func (c *checker) misplaced(ms []soap.Misplaced) {
	for _, m := range ms {
		if m.Found != "" && !strings.HasPrefix(m.Found, nsFamily) {
			continue
		}
		found := "no namespace"
		if m.Found != "" {
			found = "namespace " + m.Found
		}
		c.problems = append(c.problems, m.Path+": found in "+found+"; the schema puts it in "+m.Want)
		if c.misplacedAt == nil {
			c.misplacedAt = make(map[string]bool)
		}
		c.misplacedAt[m.Path] = true
	}
}

// nsFamily starts every namespace of crm:scheduling.
const nsFamily = "urn:riv:crm:scheduling:"

// requiredBool records a problem when a required boolean is absent.
func (c *checker) requiredBool(path string, v *Bool) {
	if v == nil {
		c.add(path, "missing (required)")
	}
}

func (c *checker) required(path, v string) {
	if trimXML(v) == "" {
		c.add(path, "missing or empty (required)")
	}
}

// trimXML trims XML whitespace, as xs:token-like values are written by
// some stacks with surrounding line breaks.
func trimXML(s string) string {
	for len(s) > 0 && isXMLSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isXMLSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func (c *checker) time(path, s string) time.Time {
	s = trimXML(s)
	if s == "" {
		return time.Time{}
	}
	t, err := tidbok.ParseWireTime(s)
	if err != nil {
		c.add(path, quote(s)+" is not a valid Swedish local time YYYYMMDDhhmmss: "+reason(err))
		return time.Time{}
	}
	return t
}

func (c *checker) date(path, s string) tidbok.Date {
	s = trimXML(s)
	if s == "" {
		return tidbok.Date{}
	}
	d, err := tidbok.ParseWireDate(s)
	if err != nil {
		c.add(path, quote(s)+" is not a valid date YYYYMMDD: "+reason(err))
		return tidbok.Date{}
	}
	return d
}

func (c *checker) hsa(path, s string) tidbok.HSAID {
	s = trimXML(s)
	if s == "" {
		return tidbok.HSAID{}
	}
	h, err := tidbok.ParseHSAID(s)
	if err != nil {
		c.add(path, quote(s)+" is not an HSA-id: "+reason(err))
		return tidbok.HSAID{}
	}
	return h
}

func (c *checker) hsas(path string, ss []string) []tidbok.HSAID {
	if len(ss) == 0 {
		return nil
	}
	out := make([]tidbok.HSAID, len(ss))
	for i, s := range ss {
		out[i] = c.hsa(path, s)
	}
	return out
}

// pn parses a personal identity number. Problems never echo the value:
// error texts end up in logs.
func (c *checker) pn(path, s string) tidbok.PersonalNumber {
	s = trimXML(s)
	if s == "" {
		return tidbok.PersonalNumber{}
	}
	p, err := tidbok.ParsePersonalNumber(s)
	if err != nil {
		// The reason never contains the digits (tidbok.IdentityError).
		c.add(path, "not a valid personal identity number (12 characters, yyyymmddnnnc): "+reason(err))
		return tidbok.PersonalNumber{}
	}
	return p
}

// quote repeats a rejected value for a problem, shortened, with any
// personal identity number in it masked.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + tidbok.MaskPersonalNumbers(s) + `"`
}

// reason returns why a value did not parse, without repeating the value.
func reason(err error) string {
	var ie *tidbok.IdentityError
	if errors.As(err, &ie) && ie.Reason != "" {
		return ie.Reason
	}
	return tidbok.Detail(err)
}

// err returns the collected problems as an error, or nil.
func (c *checker) err(what string, request bool) error {
	if len(c.problems) == 0 {
		return nil
	}
	return &decodeError{what: what, problems: c.problems, request: request}
}

// Problems returns what is wrong with a message, one entry per problem,
// each starting with the element's path ("timeslotDetail[2]/startTimeInclusive:
// …"), when err is (or wraps) an error of [DecodeResponse] or
// [DecodeRequest] about the message itself; nil when err does not match
// [ErrMalformed]. A message that could not be read as XML at all gives one
// entry saying why. Personal identity numbers in them are masked.
func Problems(err error) []string {
	if !errors.Is(err, ErrMalformed) {
		return nil
	}
	de, ok := errors.AsType[*decodeError](err)
	if !ok {
		return []string{tidbok.MaskPersonalNumbers(Detail(err))}
	}
	out := make([]string, 0, len(de.problems)+1)
	for _, p := range de.problems {
		out = append(out, tidbok.MaskPersonalNumbers(p))
	}
	if de.cause != nil {
		out = append(out, tidbok.MaskPersonalNumbers(Detail(de.cause)))
	}
	return out
}

// decodeError lists what is wrong with a message. It matches ErrMalformed
// and, for a request, tidbok.ErrInvalid.
type decodeError struct {
	what     string
	problems []string
	request  bool
	cause    error
}

func (e *decodeError) Error() string { return "crmwire: " + e.detail() }

func (e *decodeError) detail() string {
	s := e.what
	if len(e.problems) > 0 {
		s += ": " + strings.Join(e.problems, "; ")
	}
	if e.cause != nil {
		s += ": " + Detail(e.cause)
	}
	return s
}

func (e *decodeError) Unwrap() []error {
	errs := []error{ErrMalformed}
	if e.request {
		errs = append(errs, tidbok.ErrInvalid)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

func wireTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return tidbok.FormatWireTime(t)
}

// errWrongType reports a request or result value of the wrong type: a
// programming error of the caller.
func errWrongType(op tidbok.Operation, v any, want string) error {
	return fmt.Errorf("crmwire: %s needs a %s, not %T", op.Contract(), want, v)
}
