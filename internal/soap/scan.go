package soap

import (
	"bytes"
	"unicode/utf8"
)

// scanner is the fast path of [Read]: a tokenizer over a whole message
// held in memory, for the plain XML that SOAP stacks write. It accepts a
// strict subset of what encoding/xml accepts and gives up ("bails", ok
// false) on anything else — comments, processing instructions other than
// the XML declaration, DOCTYPE, carriage returns in text, non-ASCII names,
// unbound prefixes, any error at all — and the message is then read again
// by the encoding/xml path, which decides and words every error. So the
// scanner never has to be right about a rejection, only about what it
// accepts; FuzzFastPathMatchesReference checks that.
type scanner struct {
	b     []byte
	pos   int
	depth int
	max   int
	// maxAttrs and maxAttrBytes are Limits.MaxAttrs and MaxAttrBytes;
	// attrBytes counts the message's attribute bytes so far.
	maxAttrs     int
	maxAttrBytes int64
	attrBytes    int64
	// err is set when the scanner stops on a limit: unlike a bail, that
	// is the answer, since the reference path would spend what the limit
	// is there to save.
	err error
	ns  []binding
	// scope changes whenever a namespace declaration comes into or goes
	// out of scope (see Tokens.Scope).
	scope uint32
	open  []span // raw qualified names of the open elements
	attrs []rawAttr
	text  []byte // scratch for text with references

	// String fields read but not yet set; see fields.
	pend []pendingString
	strs []byte

	// path names the payload's open elements below its root, and
	// misplaced gathers what [Message.Misplaced] returns; see fields.
	path      []pathElem
	misplaced []Misplaced

	// The last start tag read: its namespace and local name (at
	// b[localAt:localEnd]; offsets, not a slice, as the scanner is written
	// once per tag and a pointer would cost a write barrier each time).
	space             string
	localAt, localEnd int
	// nsRoom and openRoom are the first room of ns and open.
	nsRoom   [8]binding
	openRoom [16]span

	// qnameAt is where the qualified name of the last start tag read
	// starts (it ends at localEnd).
	qnameAt int
	empty   bool
	// pending: the last start tag was an empty element whose scope
	// ends at the next token.
	pending bool
	// textSpace: the last tokText was whitespace only.
	textSpace bool
}

// span is the bytes b[start:end] of the message.
type span struct{ start, end int }

// localName is the local name of the last start tag read.
func (s *scanner) localName() []byte { return s.b[s.localAt:s.localEnd] }

type rawAttr struct {
	prefix, local []byte
	start, end    int // the value's raw bytes
	refs          bool
}

type token uint8

const (
	tokBail token = iota
	tokStart
	tokEnd
	tokText
	tokEOF
)

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *scanner) skipSpace() {
	b, i := s.b, s.pos
	for i < len(b) && isSpaceByte(b[i]) {
		i++
	}
	s.pos = i
}

func isNameStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }

var nameChars = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-'
	}
	return t
}()

// name reads prefix:local or local, ASCII only.
func (s *scanner) name() (prefix, local []byte, ok bool) {
	b, start := s.b, s.pos
	if start >= len(b) || !isNameStart(b[start]) {
		return nil, nil, false
	}
	i, colon := start+1, -1
	for ; i < len(b); i++ {
		c := b[i]
		if nameChars[c] {
			continue
		}
		if c == ':' && colon < 0 {
			colon = i
			continue
		}
		break
	}
	s.pos = i
	if i < len(b) && (b[i] >= utf8.RuneSelf || b[i] == ':') {
		return nil, nil, false
	}
	if colon < 0 {
		return nil, b[start:i], true
	}
	if colon == i-1 {
		return nil, nil, false
	}
	return b[start:colon], b[colon+1 : i], true
}

// scanText validates text up to '<' (quote 0) or the closing quote and
// reports where it ends and whether it holds references.
func (s *scanner) scanText(quote byte) (end int, refs, ok bool) {
	b := s.b
	i := s.pos
	for i < len(b) {
		c := b[i]
		if plainText[c] {
			i++
			continue
		}
		switch {
		case c == '<':
			if quote != 0 {
				return 0, false, false
			}
			s.pos = i
			return i, refs, true
		case quote != 0 && c == quote:
			s.pos = i + 1
			return i, refs, true
		case c == '&':
			n, _, ok := charRef(b[i:])
			if !ok {
				return 0, false, false
			}
			refs = true
			i += n
		case c == ']':
			if quote == 0 && i+2 < len(b) && b[i+1] == ']' && b[i+2] == '>' {
				return 0, false, false
			}
			i++
		case c >= 0x20 && c < utf8.RuneSelf || c == '\t' || c == '\n':
			i++
		case c < utf8.RuneSelf:
			return 0, false, false // control characters and \r
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 || !isXMLChar(r) {
				return 0, false, false
			}
			i += n
		}
	}
	if quote != 0 {
		return 0, false, false
	}
	s.pos = i
	return i, refs, true
}

// plainText holds the bytes scanText passes over without a second look:
// ASCII characters allowed in text and attribute values, but for markup,
// references, ']' and quotes.
var plainText = func() (t [256]bool) {
	for c := range 0x80 {
		t[c] = c >= 0x20 || c == '\t' || c == '\n'
	}
	for _, c := range []byte("<&]\"'") {
		t[c] = false
	}
	return t
}()

// charRef decodes the reference at the start of b ("&amp;", "&#xE5;" …)
// and returns its length and value.
func charRef(b []byte) (n int, r rune, ok bool) {
	end := bytes.IndexByte(b[:min(len(b), 12)], ';')
	if end < 2 {
		return 0, 0, false
	}
	ref := b[1:end]
	switch string(ref) {
	case "lt":
		return end + 1, '<', true
	case "gt":
		return end + 1, '>', true
	case "amp":
		return end + 1, '&', true
	case "apos":
		return end + 1, '\'', true
	case "quot":
		return end + 1, '"', true
	}
	if ref[0] != '#' || len(ref) < 2 {
		return 0, 0, false
	}
	digits, base := ref[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 7 {
		return 0, 0, false
	}
	for _, c := range digits {
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, 0, false
		}
		r = r*base + d
	}
	if !isXMLChar(r) {
		return 0, 0, false
	}
	return end + 1, r, true
}

// appendText appends the validated text b[start:end] with its
// references resolved.
func appendText(dst, b []byte) []byte {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:i]...)
		n, r, _ := charRef(b[i:])
		dst = utf8.AppendRune(dst, r)
		b = b[i+n:]
	}
	return dst
}

func (s *scanner) lookup(prefix []byte) (string, bool) {
	for i := len(s.ns) - 1; i >= 0; i-- {
		if s.ns[i].prefix == string(prefix) {
			return s.ns[i].uri, true
		}
	}
	return "", false
}

// startTag reads a start tag after its '<'.
func (s *scanner) startTag() bool {
	tagStart := s.pos
	prefix, local, ok := s.name()
	if !ok {
		return false
	}
	qname := s.b[tagStart:s.pos]
	s.attrs = s.attrs[:0]
	s.depth++
	if s.depth > s.max {
		return false
	}
	nattrs := 0
	for {
		s.skipSpace()
		if s.pos >= len(s.b) {
			return false
		}
		c := s.b[s.pos]
		if c == '>' {
			s.pos++
			s.empty = false
			break
		}
		if c == '/' {
			if s.pos+1 >= len(s.b) || s.b[s.pos+1] != '>' {
				return false
			}
			s.pos += 2
			s.empty = true
			break
		}
		attrStart := s.pos
		ap, al, ok := s.name()
		if !ok {
			return false
		}
		s.skipSpace()
		if s.pos >= len(s.b) || s.b[s.pos] != '=' {
			return false
		}
		s.pos++
		s.skipSpace()
		if s.pos >= len(s.b) || s.b[s.pos] != '"' && s.b[s.pos] != '\'' {
			return false
		}
		q := s.b[s.pos]
		s.pos++
		start := s.pos
		end, refs, ok := s.scanText(q)
		if !ok {
			return false
		}
		if nattrs++; nattrs > s.maxAttrs {
			s.err = tooManyAttrs(qname, s.maxAttrs)
			return false
		}
		switch {
		case string(ap) == "xmlns":
			if string(al) == "xml" || string(al) == "xmlns" || s.declared(string(al)) {
				return false
			}
			s.ns = append(s.ns, binding{prefixString(al), s.nsValue(start, end, refs), s.depth})
			s.scope++
		case ap == nil && string(al) == "xmlns":
			if s.declared("") {
				return false
			}
			s.ns = append(s.ns, binding{"", s.nsValue(start, end, refs), s.depth})
			s.scope++
		default:
			if s.attrBytes += int64(s.pos - attrStart); s.attrBytes > s.maxAttrBytes {
				s.err = tooManyAttrBytes(s.maxAttrBytes)
				return false
			}
			// Two attributes of one local name may be the same one
			// (the reference path decides, and words the error).
			for _, a := range s.attrs {
				if bytes.Equal(a.local, al) {
					return false
				}
			}
			s.attrs = append(s.attrs, rawAttr{ap, al, start, end, refs})
		}
	}
	var space string
	switch {
	case prefix == nil:
		if string(local) == "xmlns" {
			return false
		}
		space, _ = s.lookup(nil)
	case string(prefix) == "xml" || string(prefix) == "xmlns":
		return false
	default:
		if space, ok = s.lookup(prefix); !ok {
			return false
		}
	}
	if space != s.space { // mostly the same string: no write barrier
		s.space = space
	}
	s.localEnd = tagStart + len(qname)
	s.localAt = s.localEnd - len(local)
	s.qnameAt = tagStart
	if s.empty {
		s.pending = true
	} else {
		s.open = append(s.open, span{tagStart, tagStart + len(qname)})
	}
	return true
}

// prefixString is string(p), without a copy for the prefixes SOAP
// stacks commonly declare.
func prefixString(p []byte) string {
	switch string(p) {
	case "soapenv":
		return "soapenv"
	case "soap":
		return "soap"
	case "S":
		return "S"
	case "SOAP-ENV":
		return "SOAP-ENV"
	case "env":
		return "env"
	case "ns1":
		return "ns1"
	case "ns2":
		return "ns2"
	case "ns3":
		return "ns3"
	case "ns4":
		return "ns4"
	case "ns5":
		return "ns5"
	case "itr":
		return "itr"
	case "ih":
		return "ih"
	case "add":
		return "add"
	case "wsa":
		return "wsa"
	case "urn":
		return "urn"
	case "urn1":
		return "urn1"
	case "urn2":
		return "urn2"
	case "core":
		return "core"
	}
	return string(p)
}

// declared reports whether the start tag being read already declared
// prefix.
func (s *scanner) declared(prefix string) bool {
	for i := len(s.ns) - 1; i >= 0 && s.ns[i].depth == s.depth; i-- {
		if s.ns[i].prefix == prefix {
			return true
		}
	}
	return false
}

func (s *scanner) value(start, end int, refs bool) string {
	if !refs {
		return string(s.b[start:end])
	}
	s.text = appendText(s.text[:0], s.b[start:end])
	return string(s.text)
}

// nsValue is value for a namespace declaration: a namespace the layouts
// know is given as their own copy of it.
func (s *scanner) nsValue(start, end int, refs bool) string {
	if !refs {
		if c, ok := knownSpace(s.b[start:end]); ok {
			return c
		}
	}
	return s.value(start, end, refs)
}

// closed ends the current element's scope.
func (s *scanner) closed() {
	s.depth--
	for len(s.ns) > 0 && s.ns[len(s.ns)-1].depth > s.depth {
		s.ns = s.ns[:len(s.ns)-1]
		s.scope++
	}
}

// next reads the next token. Text is validated and skipped: callers that
// want it use textContent.
func (s *scanner) next() token {
	if s.pending {
		s.pending = false
		s.closed()
	}
	if s.pos >= len(s.b) {
		if s.depth > 0 {
			return tokBail
		}
		return tokEOF
	}
	if s.b[s.pos] != '<' {
		start := s.pos
		end, refs, ok := s.scanText(0)
		if !ok {
			return tokBail
		}
		s.textSpace = !refs && isSpace(s.b[start:end])
		return tokText
	}
	rest := s.b[s.pos:]
	switch {
	case len(rest) > 1 && rest[1] == '/':
		// The end tag must repeat the open element's (validated) name.
		if len(s.open) == 0 {
			return tokBail
		}
		o := s.open[len(s.open)-1]
		qname := s.b[o.start:o.end]
		if !bytes.HasPrefix(rest[2:], qname) {
			return tokBail
		}
		s.pos += 2 + len(qname)
		s.skipSpace()
		if s.pos >= len(s.b) || s.b[s.pos] != '>' {
			return tokBail
		}
		s.pos++
		s.open = s.open[:len(s.open)-1]
		s.closed()
		return tokEnd
	case bytes.HasPrefix(rest, cdataStart):
		if s.depth == 0 {
			return tokBail
		}
		s.pos += len(cdataStart)
		if _, ok := s.cdata(); !ok {
			return tokBail
		}
		s.textSpace = false
		return tokText
	case len(rest) > 1 && (rest[1] == '!' || rest[1] == '?'):
		return tokBail
	}
	s.pos++
	if !s.startTag() {
		return tokBail
	}
	return tokStart
}

var cdataStart = []byte("<![CDATA[")

// cdata validates a CDATA section after its start and returns its text.
func (s *scanner) cdata() ([]byte, bool) {
	end := bytes.Index(s.b[s.pos:], []byte("]]>"))
	if end < 0 {
		return nil, false
	}
	text := s.b[s.pos : s.pos+end]
	for i := 0; i < len(text); {
		c := text[i]
		if c >= 0x20 && c < utf8.RuneSelf || c == '\t' || c == '\n' {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return nil, false
		}
		r, n := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && n == 1 || !isXMLChar(r) {
			return nil, false
		}
		i += n
	}
	s.pos += end + 3
	return text, true
}

// skip reads to the end of the element whose start tag was just read.
func (s *scanner) skip() bool {
	if s.empty {
		return true
	}
	for depth := 1; depth > 0; {
		switch s.next() {
		case tokStart:
			if !s.empty {
				depth++
			}
		case tokEnd:
			depth--
		case tokText:
		default:
			return false
		}
	}
	return true
}

// textContent reads the content of the element whose start tag was just
// read and returns its own text (text in child elements left out), as
// encoding/xml does for a string field.
func (s *scanner) textContent() ([]byte, bool) {
	if s.empty {
		return nil, true
	}
	// The common case: plain text, then the end tag.
	start := s.pos
	if end, refs, ok := s.scanText(0); ok && !refs && s.pos+1 < len(s.b) && s.b[s.pos+1] == '/' {
		if s.next() != tokEnd {
			return nil, false
		}
		return s.b[start:end], true
	}
	s.pos = start
	s.text = s.text[:0]
	for {
		if s.pos < len(s.b) && s.b[s.pos] != '<' {
			start := s.pos
			end, _, ok := s.scanText(0)
			if !ok {
				return nil, false
			}
			s.text = appendText(s.text, s.b[start:end])
			continue
		}
		if bytes.HasPrefix(s.b[s.pos:], cdataStart) {
			s.pos += len(cdataStart)
			t, ok := s.cdata()
			if !ok {
				return nil, false
			}
			s.text = append(s.text, t...)
			continue
		}
		switch s.next() {
		case tokEnd:
			return s.text, true
		case tokStart:
			if !s.skip() {
				return nil, false
			}
		default:
			return nil, false
		}
	}
}
