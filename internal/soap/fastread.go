package soap

import (
	"bytes"
	"encoding"
	"encoding/xml"
	"io"
	"reflect"
	"strings"
)

// readUpTo reads r to its end into buf, stopping once more than max bytes
// are read (over). A reader that tells how many bytes it holds (Len, as
// bytes.Reader and strings.Reader do, or a sized body) gets a buffer of
// that size at once, instead of one grown step by step, which allocates
// several times the message.
func readUpTo(r io.Reader, buf []byte, max int64) (_ []byte, over bool, err error) {
	if l, ok := r.(interface{ Len() int }); ok {
		if need := min(int64(l.Len()), max) + 1; need > int64(cap(buf)) {
			buf = make([]byte, 0, need)
		}
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return buf, true, nil
		}
		if err == io.EOF {
			return buf, false, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
}

// errReader returns err, after the bytes read before it.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// fastRead is [Read] by the scanner; ok is false when the message is
// outside what the scanner accepts, or when it broke an attribute limit
// (s.err says so).
func fastRead(s *scanner, buf []byte, lim Limits) (m *Message, ok bool) {
	s.reset(buf, lim)
	m, ok = s.read()
	return m, ok
}

// reset readies s for the message buf, keeping the room of its scratch
// lists from the message before (none of which outlives a message: the
// strings a message gives out are copies), except the misplaced
// elements, which a Message hands on.
func (s *scanner) reset(buf []byte, lim Limits) {
	ns, open, attrs, text, pend, strs, path := s.ns, s.open, s.attrs, s.text, s.pend, s.strs, s.path
	*s = scanner{b: buf, max: lim.MaxDepth, maxAttrs: lim.MaxAttrs, maxAttrBytes: lim.MaxAttrBytes,
		attrs: attrs[:0], text: text[:0], pend: pend[:0], strs: strs[:0], path: path[:0]}
	// A message's bindings and open elements mostly fit in the scanner's
	// own room; lists grown beyond it are kept.
	s.ns, s.open = s.nsRoom[:0], s.openRoom[:0]
	if cap(ns) > len(s.nsRoom) {
		s.ns = ns[:0]
	}
	if cap(open) > len(s.openRoom) {
		s.open = open[:0]
	}
}

func (s *scanner) read() (*Message, bool) {
	buf := s.b
	if bytes.HasPrefix(buf, []byte("<?xml")) {
		end := bytes.Index(buf, []byte("?>"))
		if end < 0 || !plainDeclaration(string(buf[5:end])) {
			return nil, false
		}
		s.pos = end + 2
	}
	if s.nextElement() != tokStart || s.space != NSEnvelope || string(s.localName()) != "Envelope" || s.empty {
		return nil, false
	}
	m := &Message{}
	sawHeader := false
	for {
		if s.nextElement() != tokStart || s.space != NSEnvelope {
			return nil, false
		}
		if string(s.localName()) == "Body" {
			break
		}
		if string(s.localName()) != "Header" || sawHeader {
			return nil, false
		}
		sawHeader = true
		if !s.header(&m.Header) {
			return nil, false
		}
	}
	if s.empty || s.nextElement() != tokStart {
		return nil, false
	}
	if s.space == NSEnvelope && string(s.localName()) == "Fault" {
		return nil, false
	}
	m.start.Name = xml.Name{Space: s.space, Local: string(s.localName())}
	m.fast = s
	return m, true
}

// checkAttrs enforces the attribute limits on a whole message before the
// encoding/xml path reads it, which allocates every attribute of a start
// tag before anyone can count them. It follows markup only as far as
// needed to find start tags and their attributes; on anything it does not
// understand it stops and leaves the verdict to the parser.
func checkAttrs(b []byte, lim Limits) error {
	var total int64
	for i := 0; i < len(b); {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			return nil
		}
		i += lt
		rest := b[i:]
		var skipTo []byte
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			skipTo = []byte("-->")
		case bytes.HasPrefix(rest, cdataStart):
			skipTo = []byte("]]>")
		case bytes.HasPrefix(rest, []byte("<?")):
			skipTo = []byte("?>")
		case len(rest) > 1 && (rest[1] == '!' || rest[1] == '/'):
			skipTo = []byte(">")
		}
		if skipTo != nil {
			end := bytes.Index(rest[1:], skipTo)
			if end < 0 {
				return nil
			}
			i += 1 + end + len(skipTo)
			continue
		}
		// A start tag: its name, then name="value" pairs.
		j := 1
		for j < len(rest) && !isSpaceByte(rest[j]) && rest[j] != '>' && rest[j] != '/' {
			j++
		}
		name := rest[1:j]
		n := 0
		for {
			for j < len(rest) && isSpaceByte(rest[j]) {
				j++
			}
			if j >= len(rest) {
				return nil
			}
			if rest[j] == '>' || rest[j] == '/' {
				break
			}
			start := j
			for j < len(rest) && rest[j] != '=' && !isSpaceByte(rest[j]) && rest[j] != '>' {
				j++
			}
			attr := rest[start:j]
			for j < len(rest) && isSpaceByte(rest[j]) {
				j++
			}
			if j >= len(rest) || rest[j] != '=' {
				return nil
			}
			j++
			for j < len(rest) && isSpaceByte(rest[j]) {
				j++
			}
			if j >= len(rest) || rest[j] != '"' && rest[j] != '\'' {
				return nil
			}
			end := bytes.IndexByte(rest[j+1:], rest[j])
			if end < 0 {
				return nil
			}
			j += end + 2
			if n++; n > lim.MaxAttrs {
				return tooManyAttrs(name, lim.MaxAttrs)
			}
			if !bytes.Equal(attr, []byte("xmlns")) && !bytes.HasPrefix(attr, []byte("xmlns:")) {
				if total += int64(j - start); total > lim.MaxAttrBytes {
					return tooManyAttrBytes(lim.MaxAttrBytes)
				}
			}
		}
		i += j
	}
	return nil
}

// plainDeclaration reports whether the XML declaration's content (after
// "<?xml") is version 1.0, UTF-8 if it names an encoding, with an
// optional standalone.
func plainDeclaration(content string) bool {
	rest := content
	param := func(name string, values ...string) (string, bool) {
		t := strings.TrimLeft(rest, " \t\n")
		if len(t) == len(rest) || !strings.HasPrefix(t, name+"=") {
			return "", false
		}
		t = t[len(name)+1:]
		if len(t) == 0 || t[0] != '"' && t[0] != '\'' {
			return "", false
		}
		end := strings.IndexByte(t[1:], t[0])
		if end < 0 {
			return "", false
		}
		v := t[1 : end+1]
		for _, want := range values {
			if strings.EqualFold(v, want) {
				rest = t[end+2:]
				return v, true
			}
		}
		return "", false
	}
	if _, ok := param("version", "1.0"); !ok {
		return false
	}
	param("encoding", "utf-8")
	param("standalone", "yes", "no")
	return strings.Trim(rest, " \t\n") == ""
}

// nextElement returns the next start or end tag, skipping whitespace.
func (s *scanner) nextElement() token {
	for {
		switch t := s.next(); t {
		case tokText:
			if !s.textSpace {
				return tokBail
			}
		default:
			return t
		}
	}
}

// header reads the Header's blocks, as readHeader does.
func (s *scanner) header(h *Header) bool {
	if s.empty {
		return true
	}
	var to string
	sawTo, sawLA := false, false
	for {
		t := s.nextElement()
		if t == tokEnd {
			break
		}
		if t != tokStart {
			return false
		}
		switch {
		case s.space == NSLogicalAddress && string(s.localName()) == "LogicalAddress":
			text, ok := s.textContent()
			if !ok {
				return false
			}
			h.LogicalAddress = strings.TrimSpace(string(text))
			sawLA = true
		case s.space == NSHeaders && string(s.localName()) == "Actor":
			var id, typ string
			for open := !s.empty; open; {
				switch s.next() {
				case tokText:
				case tokEnd:
					open = false
				case tokStart:
					dst := (*string)(nil)
					if s.space == NSHeaders && string(s.localName()) == "actorId" {
						dst = &id
					} else if s.space == NSHeaders && string(s.localName()) == "actorType" {
						dst = &typ
					}
					if dst == nil {
						if !s.skip() {
							return false
						}
						continue
					}
					text, ok := s.textContent()
					if !ok {
						return false
					}
					*dst = string(text)
				default:
					return false
				}
			}
			h.Actor = &Actor{ID: strings.TrimSpace(id), Type: ActorType(strings.TrimSpace(typ))}
		case s.space == NSAddressing && string(s.localName()) == "To":
			text, ok := s.textContent()
			if !ok {
				return false
			}
			to = string(text)
			sawTo = true
		default:
			for _, a := range s.attrs {
				if string(a.local) != "mustUnderstand" || a.prefix == nil {
					continue
				}
				if uri, ok := s.lookup(a.prefix); ok && uri == NSEnvelope &&
					strings.TrimSpace(s.value(a.start, a.end, a.refs)) == "1" {
					return false
				}
			}
			if !s.skip() {
				return false
			}
		}
	}
	switch {
	case sawLA:
		h.Profile = RIVTABP21
	case sawTo:
		h.Profile = RIVTABP20
		h.LogicalAddress = strings.TrimSpace(to)
	}
	return true
}

// finish reads the end tags of the Body and the Envelope and the
// whitespace after them.
func (s *scanner) finish() bool {
	for range 2 { // the Body's end tag, then the Envelope's
		if s.nextElement() != tokEnd {
			return false
		}
	}
	for {
		switch s.next() {
		case tokEOF:
			return true
		case tokText:
			if !s.textSpace {
				return false
			}
		default:
			return false
		}
	}
}

// fastDecode is [Message.DecodePayload] by the scanner and v's
// layout; ok is false when v or the rest of the message is outside what
// they cover, and v is then left as it was.
func (m *Message) fastDecode(v any) bool {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	rl := layoutOf(rv.Type())
	if rl == nil || !emptyPayload(rv.Elem()) || rl.space != m.start.Name.Space || rl.local != m.start.Name.Local {
		return false
	}
	s := m.fast
	sv := rv.Elem()
	saved := reflect.New(sv.Type()).Elem()
	saved.Set(sv)
	sv.Field(rl.xmlNameIndex).Set(reflect.ValueOf(m.start.Name))
	s.path = s.path[:0]
	if (s.empty || s.fields(rl.layout, sv)) && s.finish() {
		m.misplaced = s.misplaced
		return true
	}
	// v as it was: empty lists keep their (zero) room.
	for i := range saved.NumField() {
		if f := saved.Field(i); f.Kind() == reflect.Slice && f.CanSet() && f.Cap() > 0 {
			f.Slice(0, f.Cap()).Clear()
		}
	}
	sv.Set(saved)
	return false
}

// emptyPayload reports whether the struct sv is zero but for lists of
// no items, which may hold room for the items to come (zeroed room: a
// caller may hand in reused lists).
func emptyPayload(sv reflect.Value) bool {
	if sv.Kind() != reflect.Struct {
		return sv.IsZero()
	}
	for i := range sv.NumField() {
		f := sv.Field(i)
		if f.Kind() == reflect.Slice && f.CanSet() {
			if f.Len() != 0 {
				return false
			}
			continue
		}
		if !f.IsZero() {
			return false
		}
	}
	return true
}

// fields decodes the content of the element whose start tag was just
// read into the struct sv, with encoding/xml's rules: the first field
// whose name and namespace match takes an element; others are skipped.
//
// Elements usually come in the layout's (schema) order, so the field
// after the last one matched is tried first. The text of the struct's
// string fields is gathered and turned into one string when the struct
// ends, each field a part of it, instead of one allocation per field.
func (s *scanner) fields(l *layout, sv reflect.Value) bool {
	pendBase, strBase := len(s.pend), len(s.strs)
	next := 0
	for {
		switch s.next() {
		case tokText:
			continue
		case tokEnd:
			s.assignPending(sv, pendBase, strBase)
			return true
		case tokStart:
		default:
			return false
		}
		// A field from next on that is the first of its name is the one
		// encoding/xml takes (optional elements left out skip fields).
		var f *fieldLayout
		local := s.localName()
		for i := next; i < len(l.fields); i++ {
			if l.fields[i].first && l.fields[i].local == string(local) && l.fields[i].space == s.space {
				f = &l.fields[i]
				next = i + 1
				break
			}
		}
		if f == nil {
			for i := range l.fields {
				if l.fields[i].local == string(s.localName()) && l.fields[i].space == s.space {
					f = &l.fields[i]
					next = i + 1
					break
				}
			}
		}
		if f == nil {
			if want, ok := misplacedIn(l, s.space, string(s.localName())); ok {
				s.misplaced = append(s.misplaced, Misplaced{Path: joinPath(s.path, string(s.localName())), Found: s.space, Want: want})
			}
			if !s.skip() {
				return false
			}
			continue
		}
		switch f.kind {
		case kindString:
			text, ok := s.textContent()
			if !ok {
				return false
			}
			start := len(s.strs) - strBase
			s.strs = append(s.strs, text...)
			s.pend = append(s.pend, pendingString{index: f.index, start: start, end: len(s.strs) - strBase})
		case kindStrings:
			text, ok := s.textContent()
			if !ok {
				return false
			}
			fv := sv.Field(f.index)
			n := fv.Len()
			fv.Grow(1)
			fv.SetLen(n + 1)
			fv.Index(n).SetString(string(text))
		case kindBoolPtr:
			text, ok := s.textContent()
			if !ok {
				return false
			}
			fv := sv.Field(f.index)
			if fv.IsNil() {
				fv.Set(reflect.New(fv.Type().Elem()))
			}
			if fv.Interface().(encoding.TextUnmarshaler).UnmarshalText(text) != nil {
				return false
			}
		case kindStructPtr:
			fv := sv.Field(f.index)
			if fv.IsNil() {
				fv.Set(reflect.New(fv.Type().Elem()))
			}
			if !s.empty {
				s.path = append(s.path, pathElem{local: f.local})
				if !s.fields(f.sub, fv.Elem()) {
					return false
				}
				s.path = s.path[:len(s.path)-1]
			}
		case kindStructs:
			fv := sv.Field(f.index)
			n := fv.Len()
			fv.Grow(1)
			fv.SetLen(n + 1)
			if !s.empty {
				from := s.pos
				s.path = append(s.path, pathElem{local: f.local, index: n + 1})
				if !s.fields(f.sub, fv.Index(n)) {
					return false
				}
				s.path = s.path[:len(s.path)-1]
				if n == 0 {
					if want := s.estimateItems(s.pos - from); want > fv.Cap() {
						fv.Grow(want - 1)
					}
				}
			}
		}
	}
}

// pendingString is a string field's text, read but not yet set: bytes
// start to end of the text gathered for its struct.
type pendingString struct {
	index      int
	start, end int
}

// assignPending sets the string fields of sv read since pendBase, in the
// order read (a repeated element's last text wins, as in encoding/xml),
// from one string holding all their text, and drops them.
func (s *scanner) assignPending(sv reflect.Value, pendBase, strBase int) {
	if len(s.pend) == pendBase {
		return
	}
	all := string(s.strs[strBase:])
	for _, p := range s.pend[pendBase:] {
		sv.Field(p.index).SetString(all[p.start:p.end])
	}
	s.pend = s.pend[:pendBase]
	s.strs = s.strs[:strBase]
}

// maxEstimate bounds the capacity estimateItems gives a list.
const maxEstimate = 1024

// estimateItems guesses how many items a list holds, the first one
// included, just after its first item was read, which took size bytes
// from its start tag's end: as many as would fill the rest of the message
// at that size. It is a first capacity for the list, so that a list of n
// items does not grow log n times; a list followed by other content gets
// more than it needs. Only the capacity depends on it.
func (s *scanner) estimateItems(size int) int {
	if size <= 0 {
		return 1
	}
	return min(1+(len(s.b)-s.pos)/size, maxEstimate)
}
