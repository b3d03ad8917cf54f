package soap

import "reflect"

// ContentAppender is a payload that writes its own content, the
// elements inside its root element, instead of having its layout write
// them field by field through reflection: for a long list whose items
// are better written straight from the values they were made from. It
// is used only for a payload type whose layout declares its namespaces
// on the Envelope ([Prefix] then names their prefixes); the root
// element and the envelope around it are written as for any payload.
type ContentAppender interface {
	// AppendContent appends the content to dst, exactly as the layout
	// would write it, and returns the extended buffer; ok false leaves
	// the writing to the layout (dst is then ignored).
	AppendContent(dst []byte) (_ []byte, ok bool)
}

// Prefix returns the namespace prefix the envelope declares for ns when
// it holds a payload of payload's type (a pointer to a struct whose
// layout declares its namespaces on the Envelope: one holding a list);
// ok is false for any other type or namespace.
func Prefix(payload any, ns string) (prefix string, ok bool) {
	t := reflect.TypeOf(payload)
	if t == nil || t.Kind() != reflect.Pointer {
		return "", false
	}
	rl := layoutOf(t)
	if rl == nil || rl.prefixes == nil {
		return "", false
	}
	prefix, ok = rl.prefixes[ns]
	return prefix, ok
}

// AppendText appends s as XML text, escaped exactly as a layout (and
// encoding/xml) escapes a string value.
func AppendText(dst []byte, s string) []byte { return appendEscaped(dst, s) }

// Tokens is the scanner's view of a payload's content, for a decoder
// that reads the elements it expects straight into its own values (see
// [Message.DecodeTokens]) rather than into a struct by its layout. Any
// token outside what it expects, it gives up on (returns false), and the
// payload is read again the usual way.
type Tokens struct{ s *scanner }

// Next reads up to the next start or end tag, passing over text as a
// struct's decoding does; start reports a start tag (see Name and
// Text), false an end tag; ok is false for anything the scanner does not
// take.
func (t Tokens) Next() (start, ok bool) {
	for {
		switch t.s.next() {
		case tokText:
		case tokStart:
			return true, true
		case tokEnd:
			return false, true
		default:
			return false, false
		}
	}
}

// Name is the namespace and local name of the last start tag. The local
// name is valid until the next call of Next or Text.
func (t Tokens) Name() (space string, local []byte) { return t.s.space, t.s.localName() }

// Empty reports whether the last start tag closed itself (<x/>).
func (t Tokens) Empty() bool { return t.s.empty }

// Text reads the content of the element whose start tag was just read,
// through its end tag, and returns its text as a string field gets it
// (references resolved, child elements' text left out). The bytes are
// valid until the next call of Next or Text.
func (t Tokens) Text() ([]byte, bool) { return t.s.textContent() }

// Skip reads to the end of the element whose start tag was just read.
func (t Tokens) Skip() bool { return t.s.skip() }

// Rest is how many bytes of the message are still to be read, for
// sizing a list after its first item.
func (t Tokens) Rest() int { return len(t.s.b) - t.s.pos }

// Offset is how many bytes of the message have been read.
func (t Tokens) Offset() int { return t.s.pos }

// scanState is what of the scanner a decoder of its own may change
// before it gives up, for [Message.DecodeTokens] to restore.
type scanState struct {
	pos, depth, nns, nopen int
	attrBytes              int64
	space                  string
	localAt, localEnd      int
	empty, pending, ts     bool
}

func (s *scanner) save() scanState {
	return scanState{s.pos, s.depth, len(s.ns), len(s.open), s.attrBytes, s.space, s.localAt, s.localEnd, s.empty, s.pending, s.textSpace}
}

// restore goes back to st, which must have been saved inside the
// payload element: the namespace declarations and open elements up to
// it are still there, below whatever was read since.
func (s *scanner) restore(st scanState) {
	s.pos, s.depth, s.attrBytes = st.pos, st.depth, st.attrBytes
	s.ns, s.open = s.ns[:st.nns], s.open[:st.nopen]
	s.scope++
	s.space, s.localAt, s.localEnd = st.space, st.localAt, st.localEnd
	s.empty, s.pending, s.textSpace = st.empty, st.pending, st.ts
}

// DecodeTokens lets decode read the payload's content from its tokens,
// up to and including the payload's end tag, and then reads the rest of
// the envelope, as [Message.DecodePayload] does. It reports done when
// the payload has been read, by decode or for good with an error: the
// message is then spent. When it is not done (decode returned false, or
// the message was not read by the scanner, or the payload is an empty
// element), nothing has been read, and the caller decodes the payload
// with DecodePayload, which decides it as if DecodeTokens had not been
// called.
func (m *Message) DecodeTokens(decode func(Tokens) bool) (done bool, err error) {
	s := m.fast
	if m.decoded || s == nil || m.spent || s.empty {
		return false, nil
	}
	st := s.save()
	if decode(Tokens{s}) {
		if s.finish() {
			m.decoded = true
			m.misplaced = nil
			m.release()
			return true, nil
		}
		// The payload was fine, what follows it not: only the reference
		// path words that.
		m.spent = true
		return false, nil
	}
	if s.err != nil {
		m.decoded = true
		m.release()
		return true, s.err
	}
	s.restore(st)
	return false, nil
}

// Leaf reads the next element when it comes in the plainest form, the
// one SOAP stacks write for a simple value: optional whitespace, then
// <p:name>text</p:name>, with no attributes, no references, CDATA or
// child elements in the text, and nothing between the end tag's name and
// its '>'. It returns the element's namespace, local name and text,
// valid until the next call of Leaf, Next or Text. For anything else it
// reads nothing and reports false: the caller then goes on with Next.
func (t Tokens) Leaf() (space string, local, text []byte, ok bool) {
	s := t.s
	if s.pending {
		return "", nil, nil, false
	}
	b, i := s.b, s.pos
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n') {
		i++
	}
	if i+1 >= len(b) || b[i] != '<' || !isNameStart(b[i+1]) || s.depth+1 > s.max {
		return "", nil, nil, false
	}
	j, colon := i+2, -1
	for ; j < len(b); j++ {
		c := b[j]
		if nameChars[c] {
			continue
		}
		if c == ':' && colon < 0 {
			colon = j
			continue
		}
		break
	}
	if j >= len(b) || b[j] != '>' || colon == j-1 {
		return "", nil, nil, false
	}
	qname := b[i+1 : j]
	localAt := i + 1
	if colon < 0 {
		if string(qname) == "xmlns" {
			return "", nil, nil, false
		}
		space, _ = s.lookup(nil)
	} else {
		prefix := b[i+1 : colon]
		if string(prefix) == "xml" || string(prefix) == "xmlns" {
			return "", nil, nil, false
		}
		if space, ok = s.lookup(prefix); !ok {
			return "", nil, nil, false
		}
		localAt = colon + 1
	}
	from := s.pos
	s.pos = j + 1
	end, refs, ok := s.scanText(0)
	closeAt := end + 2 + len(qname)
	if !ok || refs || closeAt >= len(b) || b[end+1] != '/' || b[closeAt] != '>' || string(b[end+2:closeAt]) != string(qname) {
		s.pos = from
		return "", nil, nil, false
	}
	s.pos = closeAt + 1
	if space != s.space {
		s.space = space
	}
	s.localAt, s.localEnd, s.empty = localAt, j, false
	s.qnameAt = i + 1
	return space, b[localAt:j], b[j+1 : end], true
}

// QName is the qualified name, as written, of the element Leaf or Next
// has just read (before any other call), for LeafNamed and StartNamed;
// the bytes stay valid while the message is read.
func (t Tokens) QName() []byte { return t.s.b[t.s.qnameAt:t.s.localEnd] }

// Scope changes whenever a namespace declaration comes into or goes out
// of scope: while it stays the same, a prefix names the same namespace.
func (t Tokens) Scope() uint32 { return t.s.scope }

// LeafNamed is Leaf for an element the caller expects by its qualified
// name as written (a QName Leaf gave, while Scope is the same, so that
// the namespace is the one Leaf gave then): it reads the element when the
// message goes on with it in Leaf's form, and returns its text; it
// reads nothing and reports false otherwise. Name and QName stay those
// of the element Next or Leaf read last.
func (t Tokens) LeafNamed(qname []byte) (text []byte, ok bool) {
	s := t.s
	if s.pending || s.depth+1 > s.max {
		return nil, false
	}
	b, i := s.b, s.pos
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n') {
		i++
	}
	j := i + 1 + len(qname)
	if j >= len(b) || b[i] != '<' || b[j] != '>' || string(b[i+1:j]) != string(qname) {
		return nil, false
	}
	from := s.pos
	s.pos = j + 1
	end, refs, ok := s.scanText(0)
	closeAt := end + 2 + len(qname)
	if !ok || refs || closeAt >= len(b) || b[end+1] != '/' || b[closeAt] != '>' || string(b[end+2:closeAt]) != string(qname) {
		s.pos = from
		return nil, false
	}
	s.pos = closeAt + 1
	return b[j+1 : end], true
}

// LeafNamedAs is LeafNamed for an element whose text the caller expects
// too: text must be one Leaf or LeafNamed returned for this message (so
// known to be valid text without references), and the element is read
// only when its content is exactly that text, without looking at each
// byte again. A list's items mostly repeat their neighbours' values.
func (t Tokens) LeafNamedAs(qname []byte, text string) bool {
	s := t.s
	if s.pending || s.depth+1 > s.max {
		return false
	}
	b, i := s.b, s.pos
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n') {
		i++
	}
	j := i + 1 + len(qname)  // the start tag's '>'
	end := j + 1 + len(text) // the end tag's '<'
	closeAt := end + 2 + len(qname)
	if closeAt >= len(b) || b[i] != '<' || b[j] != '>' || b[end] != '<' || b[end+1] != '/' || b[closeAt] != '>' ||
		string(b[i+1:j]) != string(qname) || string(b[j+1:end]) != text || string(b[end+2:closeAt]) != string(qname) {
		return false
	}
	s.pos = closeAt + 1
	return true
}

// Repeat reads on over the bytes b[from:to] of the message, read before,
// when the message goes on with the very same bytes, and reports whether
// it did. The caller stands for what b[from:to] holds: leaf elements read
// by LeafNamed and LeafNamedAs alone (with the whitespace before each),
// read at the depth the scanner is at now and while Scope was what it is
// now, so that reading the same bytes again would change nothing but the
// position and give the same elements and texts.
func (t Tokens) Repeat(from, to int) bool {
	s := t.s
	n := to - from
	if s.pending || from < 0 || n <= 0 || to > s.pos || s.pos+n > len(s.b) || string(s.b[s.pos:s.pos+n]) != string(s.b[from:to]) {
		return false
	}
	s.pos += n
	return true
}

// StartNamed reads the start tag <qname> (no attributes, no space before
// its '>') when the message goes on with it, qname being a QName Leaf
// gave while Scope is the same, and reports whether it did; Name and
// QName then stay those of the element read before.
func (t Tokens) StartNamed(qname []byte) bool {
	s := t.s
	if s.pending || s.depth+1 > s.max {
		return false
	}
	b, i := s.b, s.pos
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n') {
		i++
	}
	j := i + 1 + len(qname)
	if j >= len(b) || b[i] != '<' || b[j] != '>' || string(b[i+1:j]) != string(qname) {
		return false
	}
	s.pos = j + 1
	s.depth++
	s.open = append(s.open, span{i + 1, j})
	s.empty = false
	return true
}
