package fhirclient

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
)

// appointmentBundle is a Bundle of Appointments (and a write's
// OperationOutcome), decoded by a scanner of its own: a page of $find is
// the client's hot path, and encoding/json spends most of a round trip's
// CPU on it through reflection. It decodes exactly the fields
// encoding/json would into bundle[resource], with the same type checks;
// TestDecodeAgrees holds the two equal.
type appointmentBundle struct {
	bundle[resource]
}

func (b *appointmentBundle) decode(data []byte) error {
	d := &scanner{b: data}
	d.ws()
	if d.null() {
		return d.end()
	}
	if err := d.object(func(key []byte) error {
		switch string(key) {
		case "resourceType":
			return d.str(&b.ResourceType)
		case "type":
			return d.str(&b.Type)
		case "link":
			return list(d, &b.Link, nil, func(l *link) error {
				return d.object(func(key []byte) error {
					switch string(key) {
					case "relation":
						return d.str(&l.Relation)
					case "url":
						return d.str(&l.URL)
					}
					return d.skip()
				})
			})
		case "entry":
			return list(d, &b.Entry, nil, func(e *entry[resource]) error {
				return d.object(func(key []byte) error {
					switch string(key) {
					case "resource":
						if d.null() {
							e.Resource = nil
							return nil
						}
						e.Resource = d.resources.one()
						return d.resource(e.Resource)
					}
					return d.skip()
				})
			})
		}
		return d.skip()
	}); err != nil {
		return err
	}
	return d.end()
}

// scanner reads JSON from b.
type scanner struct {
	b []byte
	i int
	// seen holds the strings read with rep, so that a value every entry
	// repeats (the clinic's reference and name, the time type's code and
	// name) is one string, not one per entry.
	seen map[string]string
	// last holds the string each call of rep last read, by the place
	// it was called from: an entry mostly repeats the one before.
	last [repSites]string
	// The rooms the entries' parts are cut from: one allocation for
	// many entries rather than one a part.
	resources    slab[resource]
	references   slab[reference]
	identifiers  slab[identifier]
	participants slab[participant]
	conceptRoom  slab[concept]
	codings      slab[coding]
}

// slab hands out room for values of T from chunks of many.
type slab[T any] struct{ free []T }

const slabChunk = 64

// one is a new zero T.
func (s *slab[T]) one() *T {
	if len(s.free) == 0 {
		s.free = make([]T, slabChunk)
	}
	v := &s.free[0]
	s.free = s.free[1:]
	return v
}

// room is an empty slice with room for n values of T; appending more
// moves it out of the slab as append does.
func (s *slab[T]) room(n int) []T {
	if len(s.free) < n {
		s.free = make([]T, max(slabChunk, n))
	}
	r := s.free[:0:n]
	s.free = s.free[n:]
	return r
}

var errSyntax = errors.New("not JSON")

func (d *scanner) fail(want string) error {
	if d.i >= len(d.b) {
		return fmt.Errorf("unexpected end of JSON input (want %s)", want)
	}
	return fmt.Errorf("invalid JSON at offset %d: want %s: %w", d.i, want, errSyntax)
}

func (d *scanner) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *scanner) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *scanner) end() error {
	d.ws()
	if d.i != len(d.b) {
		return d.fail("the end of the JSON")
	}
	return nil
}

// null consumes a null, as encoding/json leaves the field as it was.
func (d *scanner) null() bool {
	d.ws()
	if len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// object reads an object, calling field for each key with the scanner
// at its value; null is no object.
func (d *scanner) object(field func(key []byte) error) error {
	if d.null() {
		return nil
	}
	if d.peek() != '{' {
		return d.typeError("an object")
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		return nil
	}
	for {
		if d.peek() != '"' {
			return d.fail("a key")
		}
		key, err := d.rawString()
		if err != nil {
			return err
		}
		if d.peek() != ':' {
			return d.fail("a colon")
		}
		d.i++
		d.ws()
		if err := field(key); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return d.fail("a comma or }")
		}
	}
}

// list reads an array into the slice *p as encoding/json does: null
// makes it nil, an array replaces its items.
func list[T any](d *scanner, p *[]T, room *slab[T], item func(*T) error) error {
	if d.null() {
		*p = nil
		return nil
	}
	if d.peek() != '[' {
		return d.typeError("an array")
	}
	if *p == nil {
		// Room for what a façade's answer holds: two or three
		// participants, three flags, one coding.
		if room != nil {
			*p = room.room(4)
		} else {
			*p = make([]T, 0, 4)
		}
	}
	*p = (*p)[:0]
	return d.array(func() error {
		// The item is read in place: a value given to item by pointer
		// would escape to the heap, one allocation an item.
		var zero T
		*p = append(*p, zero)
		return item(&(*p)[len(*p)-1])
	})
}

// array reads an array, calling item with the scanner at each item;
// null is no array.
func (d *scanner) array(item func() error) error {
	if d.null() {
		return nil
	}
	if d.peek() != '[' {
		return d.typeError("an array")
	}
	d.i++
	if d.peek() == ']' {
		d.i++
		return nil
	}
	for {
		d.ws()
		if err := item(); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return nil
		default:
			return d.fail("a comma or ]")
		}
	}
}

// typeError reports a value of the wrong type, after checking that it is
// a value at all (a syntax error is reported as such, as encoding/json
// does).
func (d *scanner) typeError(want string) error {
	at := d.i
	if err := d.skip(); err != nil {
		return err
	}
	return fmt.Errorf("the value at offset %d is not %s", at, want)
}

// str reads a string into *s; null leaves *s as it is.
func (d *scanner) str(s *string) error {
	if d.null() {
		return nil
	}
	if d.peek() != '"' {
		return d.typeError("a string")
	}
	raw, err := d.rawString()
	if err != nil {
		return err
	}
	*s = intern(raw)
	return nil
}

// repSites is the number of places rep is called from.
const repSites = 11

// rep reads a string that the answer's entries are likely to repeat;
// site names the place it is called from.
func (d *scanner) rep(site int, s *string) error {
	if d.null() {
		return nil
	}
	if d.peek() != '"' {
		return d.typeError("a string")
	}
	raw, err := d.rawString()
	if err != nil {
		return err
	}
	if v := d.last[site]; v == string(raw) && v != "" {
		*s = v
		return nil
	}
	if v, ok := d.seen[string(raw)]; ok {
		*s = v
		d.last[site] = v
		return nil
	}
	v := intern(raw)
	if d.seen == nil {
		d.seen = make(map[string]string, 16)
	}
	if len(d.seen) < 256 {
		d.seen[v] = v
	}
	d.last[site] = v
	*s = v
	return nil
}

// boolean reads a boolean into a new *bool; null sets nil.
func (d *scanner) boolean(p **bool) error {
	if d.null() {
		*p = nil
		return nil
	}
	switch {
	case len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "true":
		d.i += 4
		v := true
		*p = &v
	case len(d.b)-d.i >= 5 && string(d.b[d.i:d.i+5]) == "false":
		d.i += 5
		v := false
		*p = &v
	default:
		return d.typeError("a boolean")
	}
	return nil
}

// rawString reads a string at d.i and returns its contents unescaped
// (the scanner's bytes when nothing was escaped).
func (d *scanner) rawString() ([]byte, error) {
	b := d.b
	i := d.i + 1 // the quote
	start := i
	for i < len(b) {
		// A run of plain bytes, 8 at a time while they last.
		for i+8 <= len(b) && strPlain[b[i]]&strPlain[b[i+1]]&strPlain[b[i+2]]&strPlain[b[i+3]]&
			strPlain[b[i+4]]&strPlain[b[i+5]]&strPlain[b[i+6]]&strPlain[b[i+7]] == '1' {
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case c == '"':
			d.i = i + 1
			return b[start:i], nil
		case c == '\\':
			d.i = i
			return d.escaped(start)
		case c < 0x20:
			d.i = i
			return nil, d.fail("no control character in a string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				d.i = i
				return d.escaped(start)
			}
			i += size
		default:
			i++
		}
	}
	d.i = i
	return nil, d.fail("the end of a string")
}

// strPlain marks with '1' the bytes a string holds as they are
// (printable ASCII but for " and \); others take rawString's switch.
const strPlain = "0000000000000000000000000000000011011111111111111111111111111111" +
	"1111111111111111111111111111011111111111111111111111111111111111" +
	"0000000000000000000000000000000000000000000000000000000000000000" +
	"0000000000000000000000000000000000000000000000000000000000000000"

// escaped reads the rest of a string that has escapes or invalid UTF-8,
// from start, as encoding/json unquotes it.
func (d *scanner) escaped(start int) ([]byte, error) {
	out := append(make([]byte, 0, d.i-start+16), d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return out, nil
		case c < 0x20:
			return nil, d.fail("no control character in a string")
		case c == '\\':
			if d.i+1 >= len(d.b) {
				return nil, d.fail("an escape")
			}
			e := d.b[d.i+1]
			d.i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return nil, d.fail("four hexadecimal digits")
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if len(d.b)-d.i >= 6 && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
						save := d.i
						d.i += 2
						if lo, ok := d.hex4(); ok {
							if dec := utf16.DecodeRune(r, lo); dec != utf8.RuneError {
								r2 = dec
							} else {
								d.i = save
							}
						} else {
							return nil, d.fail("four hexadecimal digits")
						}
					}
					r = r2
				}
				out = utf8.AppendRune(out, r)
			default:
				return nil, d.fail("an escape")
			}
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d.b[d.i:])
			d.i += size
			out = utf8.AppendRune(out, r)
		default:
			out = append(out, c)
			d.i++
		}
	}
	return nil, d.fail("the end of a string")
}

func (d *scanner) hex4() (rune, bool) {
	if len(d.b)-d.i < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(d.b[d.i:d.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(v), true
}

// skip reads a value of any type.
func (d *scanner) skip() error {
	switch c := d.peek(); {
	case c == '{':
		return d.object(func([]byte) error { return d.skip() })
	case c == '[':
		return d.array(d.skip)
	case c == '"':
		_, err := d.rawString()
		return err
	case c == 't' && len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "true":
		d.i += 4
	case c == 'f' && len(d.b)-d.i >= 5 && string(d.b[d.i:d.i+5]) == "false":
		d.i += 5
	case c == 'n' && d.null():
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	default:
		return d.fail("a value")
	}
	return nil
}

// number reads a number with JSON's grammar.
func (d *scanner) number() error {
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.b[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.b) && d.b[d.i] == '0':
		d.i++
	case digits() == 0:
		return d.fail("a digit")
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return d.fail("a digit")
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return d.fail("a digit")
		}
	}
	return nil
}

// resource reads an Appointment, an included Location or an
// OperationOutcome.
func (d *scanner) resource(r *resource) error {
	return d.object(func(key []byte) error {
		switch string(key) {
		case "resourceType":
			return d.str(&r.ResourceType)
		case "id":
			return d.str(&r.ID)
		case "name":
			return d.str(&r.Name)
		case "status":
			return d.str(&r.Status)
		case "start":
			return d.str(&r.Start)
		case "end":
			return d.str(&r.End)
		case "description":
			return d.str(&r.Description)
		case "comment":
			return d.str(&r.Comment)
		case "serviceType":
			return d.concepts(&r.ServiceType)
		case "serviceCategory":
			return d.concepts(&r.ServiceCategory)
		case "participant":
			return list(d, &r.Participant, &d.participants, func(p *participant) error {
				return d.object(func(key []byte) error {
					switch string(key) {
					case "actor":
						if d.null() {
							p.Actor = nil
							return nil
						}
						p.Actor = d.references.one()
						return d.reference(p.Actor)
					case "status":
						return d.rep(0, &p.Status)
					}
					return d.skip()
				})
			})
		case "extension":
			return list(d, &r.Extension, nil, func(e *extension) error {
				return d.object(func(key []byte) error {
					switch string(key) {
					case "url":
						return d.rep(1, &e.URL)
					case "valueBoolean":
						return d.boolean(&e.ValueBoolean)
					case "valueReference":
						if d.null() {
							e.ValueReference = nil
							return nil
						}
						e.ValueReference = new(reference)
						return d.reference(e.ValueReference)
					}
					return d.skip()
				})
			})
		case "issue":
			return list(d, &r.Issue, nil, func(is *issue) error {
				return d.object(func(key []byte) error {
					switch string(key) {
					case "severity":
						return d.str(&is.Severity)
					case "code":
						return d.str(&is.Code)
					case "diagnostics":
						return d.str(&is.Diagnostics)
					case "details":
						if d.null() {
							is.Details = nil
							return nil
						}
						is.Details = new(concept)
						return d.concept(is.Details)
					case "expression":
						return list(d, &is.Expression, nil, func(s *string) error { return d.str(s) })
					}
					return d.skip()
				})
			})
		}
		return d.skip()
	})
}

func (d *scanner) concepts(cs *[]concept) error {
	return list(d, cs, &d.conceptRoom, d.concept)
}

func (d *scanner) concept(c *concept) error {
	return d.object(func(key []byte) error {
		switch string(key) {
		case "text":
			return d.rep(2, &c.Text)
		case "coding":
			return list(d, &c.Coding, &d.codings, func(cd *coding) error {
				return d.object(func(key []byte) error {
					switch string(key) {
					case "system":
						return d.rep(3, &cd.System)
					case "code":
						return d.rep(4, &cd.Code)
					case "display":
						return d.rep(5, &cd.Display)
					}
					return d.skip()
				})
			})
		}
		return d.skip()
	})
}

func (d *scanner) reference(r *reference) error {
	return d.object(func(key []byte) error {
		switch string(key) {
		case "reference":
			return d.rep(6, &r.Reference)
		case "type":
			return d.rep(7, &r.Type)
		case "display":
			return d.rep(8, &r.Display)
		case "identifier":
			if d.null() {
				r.Identifier = nil
				return nil
			}
			r.Identifier = d.identifiers.one()
			return d.object(func(key []byte) error {
				switch string(key) {
				case "system":
					return d.rep(9, &r.Identifier.System)
				case "value":
					return d.rep(10, &r.Identifier.Value)
				}
				return d.skip()
			})
		}
		return d.skip()
	})
}

// intern returns the string of raw, shared rather than copied when it
// is one that every answer repeats.
func intern(raw []byte) string {
	switch string(raw) {
	case "Appointment":
		return "Appointment"
	case "proposed":
		return "proposed"
	case "booked":
		return "booked"
	case "accepted":
		return "accepted"
	case "needs-action":
		return "needs-action"
	case "Patient":
		return "Patient"
	case fhir.SystemPersonnummer:
		return fhir.SystemPersonnummer
	case fhir.SystemHSAID:
		return fhir.SystemHSAID
	case fhir.SystemTimeType:
		return fhir.SystemTimeType
	case fhir.SystemCareType:
		return fhir.SystemCareType
	case fhir.ExtMayCancel:
		return fhir.ExtMayCancel
	case fhir.ExtMayReschedule:
		return fhir.ExtMayReschedule
	case fhir.ExtMayMessage:
		return fhir.ExtMayMessage
	}
	return string(raw)
}
