package soap

import (
	"encoding"
	"encoding/xml"
	"maps"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
)

// A layout is the wire shape of a payload type, derived once from its
// encoding/xml struct tags: which elements, in which namespaces, in which
// order. [Encode] writes payloads with it, and [Message.DecodePayload]
// reads them with it, instead of going through encoding/xml's reflection
// for every value. Types using tag features a layout does not cover
// (attributes, chardata, innerxml, Marshaler…) have no layout and go
// through encoding/xml, which stays the reference for both directions.
//
// Only this subset is covered, with encoding/xml's semantics:
//   - an XMLName field naming the root element;
//   - fields tagged "namespace local" with an optional ",omitempty";
//   - string kinds, []string, pointers to and slices of such structs,
//     and pointers to bool kinds implementing both
//     encoding.TextMarshaler and encoding.TextUnmarshaler.
type layout struct {
	typ          reflect.Type // the struct type
	space        string       // root element only: XMLName's namespace
	local        string       // root element only: XMLName's local name
	xmlNameIndex int          // index of XMLName, or -1
	fields       []fieldLayout
}

type fieldKind uint8

const (
	kindString    fieldKind = iota // string kind
	kindStrings                    // []string
	kindBoolPtr                    // *B, B a bool kind with TextMarshaler
	kindStructPtr                  // *S
	kindStructs                    // []S
)

type fieldLayout struct {
	index     int
	space     string
	local     string
	omitEmpty bool
	kind      fieldKind
	sub       *layout // kindStructPtr, kindStructs
	// open and close are the tags with the namespace prefix of the root
	// layout this field belongs to, e.g. "<ns2:bookingId>".
	open, close string
	// trueText and falseText are a bool kind's MarshalText, escaped.
	trueText, falseText string
	// first: no earlier field of the struct has the same name and
	// namespace, so an element matching this field belongs to it.
	first bool
}

// rootLayout is a payload type's layout with its tags. A payload that
// holds lists (repeated structures, such as the timeslots of an
// availability answer) is written with a prefix for every namespace it
// can use, declared once on the Envelope, so that a list item does not
// repeat namespace URIs on each child. Other payloads, small and of one
// record, are written exactly as encoding/xml writes them: every element
// with its own xmlns attribute.
type rootLayout struct {
	*layout
	open, close string // the root element's tags
	decls       string // ` xmlns:ns1="…" xmlns:ns2="…"`
	// prefixes maps each namespace declared in decls to its prefix.
	prefixes map[string]string
}

var layouts sync.Map // reflect.Type (pointer to struct) → *rootLayout or nil

var (
	xmlNameType         = reflect.TypeFor[xml.Name]()
	marshalerType       = reflect.TypeFor[xml.Marshaler]()
	unmarshalerType     = reflect.TypeFor[xml.Unmarshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// layoutOf returns the layout of payloads of type t (a pointer to a
// struct), or nil when t is outside the covered subset.
func layoutOf(t reflect.Type) *rootLayout {
	if l, ok := layouts.Load(t); ok {
		return l.(*rootLayout)
	}
	var rl *rootLayout
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
		b := &layoutBuilder{prefix: map[string]string{}}
		if l, ok := b.build(t.Elem(), true); ok && l.local != "" {
			rl = &rootLayout{layout: l}
			if hasList(l, map[*layout]bool{}) {
				p := b.prefixFor(l.space)
				rl.open, rl.close = "<"+p+":"+l.local, "</"+p+":"+l.local+">"
				var d strings.Builder
				for _, ns := range b.order {
					d.WriteString(` xmlns:` + b.prefix[ns] + `="`)
					d.WriteString(escapeString(ns))
					d.WriteString(`"`)
				}
				rl.decls = d.String()
				rl.prefixes = maps.Clone(b.prefix)
			} else {
				b.prefix = nil
				rl.open, rl.close = "<"+l.local+` xmlns="`+escapeString(l.space)+`"`, "</"+l.local+">"
			}
			b.assignTags(l, map[*layout]bool{})
		}
	}
	l, _ := layouts.LoadOrStore(t, rl)
	return l.(*rootLayout)
}

type layoutBuilder struct {
	prefix map[string]string // namespace → prefix
	order  []string          // namespaces in order of first use
}

func (b *layoutBuilder) prefixFor(ns string) string {
	p, ok := b.prefix[ns]
	if !ok {
		p = "ns" + itoa(len(b.order)+1)
		b.prefix[ns] = p
		b.order = append(b.order, ns)
	}
	return p
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// build derives t's layout; ok is false when t is outside the subset.
func (b *layoutBuilder) build(t reflect.Type, root bool) (*layout, bool) {
	if implementsAny(t) {
		return nil, false
	}
	l := &layout{typ: t, xmlNameIndex: -1}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("xml")
		if f.Name == "XMLName" {
			if !root || f.Type != xmlNameType || !hasTag {
				return nil, false
			}
			space, local, _, ok := parseTag(tag)
			if !ok || space == "" || local == "" {
				return nil, false
			}
			l.space, l.local, l.xmlNameIndex = space, local, i
			b.prefixFor(space)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if tag == "-" {
			continue
		}
		if f.Anonymous || !hasTag {
			return nil, false
		}
		space, local, omit, ok := parseTag(tag)
		if !ok || space == "" || local == "" {
			return nil, false
		}
		fl := fieldLayout{index: i, space: space, local: local, omitEmpty: omit}
		ft := f.Type
		switch {
		case implementsAny(ft):
			return nil, false
		case ft.Kind() == reflect.String:
			fl.kind = kindString
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String && !implementsAny(ft.Elem()):
			fl.kind = kindStrings
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Bool:
			e := ft.Elem()
			if !e.Implements(textMarshalerType) || !ft.Implements(textUnmarshalerType) ||
				e.Implements(marshalerType) || ft.Implements(unmarshalerType) {
				return nil, false
			}
			tt, ok1 := marshalBool(e, true)
			ff, ok2 := marshalBool(e, false)
			if !ok1 || !ok2 {
				return nil, false
			}
			fl.kind, fl.trueText, fl.falseText = kindBoolPtr, tt, ff
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
			sub, ok := b.build(ft.Elem(), false)
			if !ok {
				return nil, false
			}
			fl.kind, fl.sub = kindStructPtr, sub
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			sub, ok := b.build(ft.Elem(), false)
			if !ok {
				return nil, false
			}
			fl.kind, fl.sub = kindStructs, sub
		default:
			return nil, false
		}
		b.prefixFor(space)
		fl.first = true
		for _, g := range l.fields {
			if g.space == fl.space && g.local == fl.local {
				fl.first = false
			}
		}
		l.fields = append(l.fields, fl)
	}
	if root && l.xmlNameIndex < 0 {
		return nil, false
	}
	return l, true
}

// assignTags fills in the prefixed tags of l and the layouts below it.
func (b *layoutBuilder) assignTags(l *layout, done map[*layout]bool) {
	if done[l] {
		return
	}
	done[l] = true
	for i := range l.fields {
		f := &l.fields[i]
		if b.prefix == nil {
			f.open, f.close = "<"+f.local+` xmlns="`+escapeString(f.space)+`">`, "</"+f.local+">"
		} else {
			q := b.prefix[f.space] + ":" + f.local
			f.open, f.close = "<"+q+">", "</"+q+">"
		}
		if f.sub != nil {
			b.assignTags(f.sub, done)
		}
	}
}

func hasList(l *layout, seen map[*layout]bool) bool {
	if seen[l] {
		return false
	}
	seen[l] = true
	for _, f := range l.fields {
		if f.kind == kindStructs || f.sub != nil && hasList(f.sub, seen) {
			return true
		}
	}
	return false
}

func implementsAny(t reflect.Type) bool {
	for _, it := range []reflect.Type{marshalerType, unmarshalerType} {
		if t.Implements(it) || reflect.PointerTo(t).Implements(it) {
			return true
		}
	}
	if t.Kind() == reflect.Bool || t.Kind() == reflect.Pointer {
		return false
	}
	return t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) ||
		t.Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType)
}

func marshalBool(t reflect.Type, v bool) (string, bool) {
	b := reflect.New(t).Elem()
	b.SetBool(v)
	text, err := b.Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return "", false
	}
	return escapeString(string(text)), true
}

// parseTag splits an xml struct tag "namespace local,omitempty".
//
// The namespace is interned (see internSpace).
func parseTag(tag string) (space, local string, omitEmpty, ok bool) {
	name, opts, _ := strings.Cut(tag, ",")
	switch opts {
	case "":
	case "omitempty":
		omitEmpty = true
	default:
		return "", "", false, false
	}
	space, local, found := strings.Cut(name, " ")
	if !found || strings.ContainsAny(local, " >") {
		return "", "", false, false
	}
	return internSpace(space), local, omitEmpty, true
}

// spaces holds one copy of each namespace URI the layouts and the
// envelope use, keyed by itself, so that the scanner gives a namespace
// it reads the very string a layout compares it with, and the comparison
// stops at the pointers. It is replaced, never changed, when a layout
// adds a namespace.
var (
	spaces   atomic.Pointer[map[string]string]
	spacesMu sync.Mutex
)

func init() {
	for _, ns := range []string{NSEnvelope, NSLogicalAddress, NSHeaders, NSAddressing} {
		internSpace(ns)
	}
}

// internSpace returns the one copy of the namespace URI ns in spaces,
// adding it if new.
func internSpace(ns string) string {
	if m := spaces.Load(); m != nil {
		if c, ok := (*m)[ns]; ok {
			return c
		}
	}
	spacesMu.Lock()
	defer spacesMu.Unlock()
	old := spaces.Load()
	if old != nil {
		if c, ok := (*old)[ns]; ok {
			return c
		}
	}
	m := map[string]string{}
	if old != nil {
		maps.Copy(m, *old)
	}
	m[ns] = ns
	spaces.Store(&m)
	return ns
}

// knownSpace returns the interned copy of the namespace URI b, if any.
func knownSpace(b []byte) (string, bool) {
	if m := spaces.Load(); m != nil {
		c, ok := (*m)[string(b)]
		return c, ok
	}
	return "", false
}

func escapeString(s string) string {
	return string(appendEscaped(nil, s))
}

// appendEscaped appends s as XML text, exactly as encoding/xml escapes a
// string value: the five markup characters, tab, newline and carriage
// return as character references, and every rune that is invalid UTF-8 or
// not an XML character replaced by U+FFFD.
func appendEscaped(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x80 && c != '"' && c != '\'' && c != '&' && c != '<' && c != '>' {
			i++
			continue
		}
		var esc string
		width := 1
		switch c {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			var r rune
			r, width = decodeRune(s[i:])
			if isXMLChar(r) && !(r == 0xFFFD && width == 1) {
				i += width
				continue
			}
			esc = "\uFFFD"
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		i += width
		last = i
	}
	return append(dst, s[last:]...)
}
