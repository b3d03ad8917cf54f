package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Default limits of [Read].
const (
	DefaultMaxBytes     = 1 << 20
	DefaultMaxDepth     = 64
	DefaultMaxAttrs     = 32
	DefaultMaxAttrBytes = 64 << 10
)

// Limits bound what [Read] accepts. The zero value means the defaults.
type Limits struct {
	// MaxBytes is the largest message accepted, in bytes; zero or less
	// means DefaultMaxBytes (1 MiB).
	MaxBytes int64
	// MaxDepth is the deepest element nesting accepted, counting the
	// Envelope as 1; zero or less means DefaultMaxDepth (64).
	MaxDepth int
	// MaxAttrs is the most attributes one element may have, namespace
	// declarations included; zero or less means DefaultMaxAttrs (32).
	// SOAP messages use few: a handful of namespace declarations, a
	// mustUnderstand.
	MaxAttrs int
	// MaxAttrBytes is the most bytes all attributes of a message other
	// than namespace declarations may take together, names, values and
	// quotes as written; zero or less means DefaultMaxAttrBytes (64 KiB).
	// Namespace declarations are bounded per element by MaxAttrs only, as
	// some stacks repeat them on every element of a long answer.
	MaxAttrBytes int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxAttrs <= 0 {
		l.MaxAttrs = DefaultMaxAttrs
	}
	if l.MaxAttrBytes <= 0 {
		l.MaxAttrBytes = DefaultMaxAttrBytes
	}
	return l
}

// Errors of [Read] and [Message.DecodePayload]. Every error caused by the
// input (as opposed to the reader failing) matches [ErrMalformed]; the
// others below match ErrMalformed too and say what limit was hit.
var (
	ErrMalformed error = &sentinel{"malformed message"}
	ErrTooLarge  error = &sentinel{"message too large"}
	ErrTooDeep   error = &sentinel{"message nested too deeply"}
	ErrDirective error = &sentinel{"DOCTYPE or other directive not allowed"}
	// ErrTooManyAttrs: an element has more attributes than
	// Limits.MaxAttrs, or the message's attributes take more than
	// Limits.MaxAttrBytes.
	ErrTooManyAttrs error = &sentinel{"too many attributes"}
)

// sentinel is the type of this package's sentinel errors.
type sentinel struct{ what string }

func (e *sentinel) Error() string  { return "soap: " + e.what }
func (e *sentinel) detail() string { return e.what }

// Detail returns err's message as an error of another package that wraps
// err says it after its own prefix, and whether err is an error of this
// package: for an error of this package, its message without "soap: ",
// built from its parts; for any other, its message and false.
func Detail(err error) (string, bool) {
	if d, ok := err.(interface{ detail() string }); ok {
		return d.detail(), true
	}
	return err.Error(), false
}

func tooManyAttrs(elem []byte, max int) error {
	return &inputError{kind: ErrTooManyAttrs, msg: fmt.Sprintf("element <%s> has more than %d attributes", truncateName(elem), max)}
}

func tooManyAttrBytes(max int64) error {
	return &inputError{kind: ErrTooManyAttrs, msg: fmt.Sprintf("the attributes of the message take more than %d bytes", max)}
}

func duplicateAttr(elem, attr string) error {
	return &inputError{msg: fmt.Sprintf("element <%s> has the attribute %s twice", truncateName([]byte(elem)), truncateName([]byte(attr)))}
}

// truncateName shortens a name from the message for an error.
func truncateName(b []byte) string {
	const most = 64
	if len(b) > most {
		return string(b[:most]) + "…"
	}
	return string(b)
}

// inputError is an error caused by the message itself.
type inputError struct {
	kind error // ErrTooLarge, ErrTooDeep, ErrDirective, ErrTooManyAttrs or nil
	msg  string
	err  error // underlying cause, may be nil
}

func (e *inputError) Error() string { return "soap: " + e.detail() }

func (e *inputError) detail() string {
	s := e.msg
	if e.err != nil {
		// Only the standard library's "xml: " is tidied off here; the
		// errors of this module build their messages from their parts.
		s += ": " + strings.TrimPrefix(e.err.Error(), "xml: ")
	}
	return s
}

func (e *inputError) Unwrap() []error {
	errs := []error{ErrMalformed}
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if e.err != nil {
		errs = append(errs, e.err)
	}
	return errs
}

func malformed(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// Message is an envelope read by [Read], positioned at the Body's single
// element. It is not safe for concurrent use.
type Message struct {
	// Header holds the RIV-TA headers found; Profile tells which.
	Header Header
	// Fault is the Body's SOAP Fault, or nil. When it is set the message
	// has been read to the end and there is no payload to decode.
	Fault *Fault

	start   xml.StartElement
	dec     *xml.Decoder
	g       *guard
	decoded bool

	// fast is set when the scanner read the message up to the payload;
	// raw is then the whole message, for the reference path to read again
	// if the scanner gives up, room the scanner's and raw's home, and
	// owner the Buffers to hand room back to.
	fast  *scanner
	raw   []byte
	lim   Limits
	room  *readRoom
	owner *Buffers
	// spent: the scanner read past the payload for DecodeTokens, and
	// only the reference path may read the message now.
	spent bool

	misplaced []Misplaced
}

// Payload returns the name (namespace and local name) of the Body's
// element, for dispatch.
func (m *Message) Payload() xml.Name { return m.start.Name }

// DecodePayload unmarshals the Body's element into v with [encoding/xml]
// rules and then reads the rest of the envelope, which must hold nothing
// but the closing tags. It can be called once. A list field of v may come
// with no items but room for them, which must be zero: the items are read
// into it, as encoding/xml appends to a list.
func (m *Message) DecodePayload(v any) error {
	if m.decoded {
		return errors.New("soap: payload already decoded")
	}
	m.decoded = true
	if m.fast != nil {
		defer m.release()
		if !m.spent && m.fastDecode(v) {
			return nil
		}
		if err := m.fast.err; err != nil {
			return err
		}
		// The scanner gave up: encoding/xml reads the message again.
		ref, err := m.reference()
		if err != nil {
			return err
		}
		err = ref.DecodePayload(v)
		m.misplaced = ref.misplaced
		return err
	}
	t := newTracker(v)
	m.g.track = t
	err := m.dec.DecodeElement(v, &m.start)
	m.g.track = nil
	if t != nil {
		m.misplaced = t.misplaced
	}
	if err != nil {
		m.misplaced = nil
		return m.g.classify(err, "decoding "+m.start.Name.Local)
	}
	if err := m.finish(); err != nil {
		m.misplaced = nil
		return err
	}
	return nil
}

// Discard skips the Body's element and reads the rest of the envelope.
func (m *Message) Discard() error {
	if m.decoded {
		return nil
	}
	m.decoded = true
	if m.fast != nil {
		defer m.release()
		if !m.spent && m.fast.skip() && m.fast.finish() {
			return nil
		}
		if err := m.fast.err; err != nil {
			return err
		}
		ref, err := m.reference()
		if err != nil {
			return err
		}
		return ref.Discard()
	}
	if err := m.dec.Skip(); err != nil {
		return m.g.classify(err, "skipping "+m.start.Name.Local)
	}
	return m.finish()
}

// finish reads from just after the Body's first element to the end of
// the document.
func (m *Message) finish() error {
	// Rest of Body: only whitespace and comments.
	if err := expectEnd(m.dec, m.g, "Body", "the Body holds more than one element"); err != nil {
		return err
	}
	if err := expectEnd(m.dec, m.g, "Envelope", "the Envelope holds something after the Body"); err != nil {
		return err
	}
	for {
		t, err := m.dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return m.g.classify(err, "reading after the envelope")
		}
		switch t := t.(type) {
		case xml.Comment, xml.ProcInst:
		case xml.CharData:
			if !isSpace(t) {
				return malformed("text after the envelope")
			}
		default:
			return malformed("content after the envelope")
		}
	}
}

func expectEnd(dec *xml.Decoder, g *guard, local, problem string) error {
	for {
		t, err := dec.Token()
		if err != nil {
			return g.classify(err, "reading to the end of "+local)
		}
		switch t := t.(type) {
		case xml.EndElement:
			return nil
		case xml.Comment, xml.ProcInst:
		case xml.CharData:
			if !isSpace(t) {
				return malformed("%s", problem)
			}
		default:
			return malformed("%s", problem)
		}
	}
}

// Read reads a SOAP 1.1 envelope from r up to the Body's first element,
// enforcing lim. It returns the headers and, for a fault, the [*Fault];
// otherwise the caller inspects [Message.Payload] and decodes it with
// [Message.DecodePayload]. When r has a method Len() int saying how many
// bytes it holds (a request body's Content-Length, say), Read sizes its
// buffer by it, up to lim.MaxBytes.
//
// Read rejects: more than lim.MaxBytes bytes ([ErrTooLarge]); nesting
// deeper than lim.MaxDepth ([ErrTooDeep]); any DOCTYPE or other directive
// ([ErrDirective]); more attributes on an element than lim.MaxAttrs, or
// more attribute bytes in the message than lim.MaxAttrBytes
// ([ErrTooManyAttrs], found before the attributes are allocated); an
// attribute written twice on one element (also through two prefixes of
// one namespace); encodings other than UTF-8; anything that is not a
// SOAP 1.1 Envelope with a Body holding one element; and a header block
// marked mustUnderstand="1" that it does not know (answer with
// [CodeMustUnderstand]). All of these match [ErrMalformed]. Errors from r
// itself are returned wrapped and do not match ErrMalformed.
func Read(r io.Reader, lim Limits) (*Message, error) {
	var none *Buffers
	return none.Read(r, lim)
}

// Buffers keeps the read buffers, scanners and envelope buffers of the
// messages one party reads and writes, for reuse from one message to
// the next: a client or a handler owns one. The zero value is ready to
// use, and it is safe for concurrent use. A nil *Buffers reuses nothing:
// every message then gets its own.
type Buffers struct {
	reads     sync.Pool // *readRoom
	envelopes sync.Pool // *[]byte
}

// readRoom is what reading one message by the scanner needs: the
// message's bytes and the scanner over them.
type readRoom struct {
	buf []byte
	s   scanner
}

// readRoom returns room for reading a message.
func (bs *Buffers) readRoom() *readRoom {
	if bs != nil {
		if rm, _ := bs.reads.Get().(*readRoom); rm != nil {
			return rm
		}
	}
	return &readRoom{buf: make([]byte, 0, 16<<10)}
}

// recycleRead hands rm back, its buffer buf (grown from rm.buf), once
// nothing refers to either.
func (bs *Buffers) recycleRead(rm *readRoom, buf []byte) {
	if bs == nil || cap(buf) > maxPooled {
		return
	}
	rm.buf = buf[:0]
	rm.s.b = nil
	bs.reads.Put(rm)
}

// Read is [Read], reusing the buffers and scanners of bs.
func (bs *Buffers) Read(r io.Reader, lim Limits) (*Message, error) {
	lim = lim.withDefaults()
	rm := bs.readRoom()
	buf, over, err := readUpTo(r, rm.buf[:0], lim.MaxBytes)
	var (
		m     *Message
		refIn io.Reader
	)
	switch {
	case over:
		// The reference path meets the limit where it always did.
		refIn = io.MultiReader(bytes.NewReader(buf), r)
	case err != nil:
		refIn = io.MultiReader(bytes.NewReader(buf), errReader{err})
	default:
		var ok bool
		if m, ok = fastRead(&rm.s, buf, lim); ok {
			m.raw, m.lim, m.room, m.owner = buf, lim, rm, bs
			return m, nil
		}
		if err := rm.s.err; err != nil {
			bs.recycleRead(rm, buf)
			return nil, err
		}
		refIn = bytes.NewReader(buf)
	}
	// encoding/xml allocates a start tag's attributes before they can be
	// counted: count them first.
	if err := checkAttrs(buf, lim); err != nil {
		bs.recycleRead(rm, buf)
		return nil, err
	}
	m, err = readReference(refIn, lim)
	if err != nil {
		// Nothing refers to buf any more.
		bs.recycleRead(rm, buf)
	}
	return m, err
}

// reference reads the message again with encoding/xml, after the scanner
// gave up on its payload.
func (m *Message) reference() (*Message, error) {
	ref, err := readReference(bytes.NewReader(m.raw), m.lim)
	if err != nil {
		return nil, err
	}
	if ref.Fault != nil {
		return nil, errors.New("soap: internal error: the fast path missed a fault")
	}
	return ref, nil
}

// release returns the message's buffer once nothing refers to it.
func (m *Message) release() {
	if m.room != nil {
		m.owner.recycleRead(m.room, m.raw)
	}
	m.room, m.owner, m.raw, m.fast = nil, nil, nil, nil
}

// readReference is [Read] by encoding/xml: the reference implementation,
// which decides every message the scanner does not take.
func readReference(r io.Reader, lim Limits) (*Message, error) {
	lr := &limitReader{r: r, left: lim.MaxBytes, tooLarge: &inputError{
		kind: ErrTooLarge, msg: fmt.Sprintf("message larger than %d bytes", lim.MaxBytes)}}
	raw := xml.NewDecoder(lr)
	raw.CharsetReader = charsetReader
	g := &guard{raw: raw, lr: lr, max: lim.MaxDepth, maxAttrs: lim.MaxAttrs, maxAttrBytes: lim.MaxAttrBytes}
	dec := xml.NewTokenDecoder(g)
	m := &Message{dec: dec, g: g}

	root, err := prolog(dec, g)
	if err != nil {
		return nil, err
	}
	switch {
	case root.Name.Space == NSEnvelope && root.Name.Local == "Envelope":
	case root.Name.Space == NSEnvelope12 && root.Name.Local == "Envelope":
		return nil, &inputError{msg: "SOAP 1.2 envelope: RIV-TA uses SOAP 1.1 (" + NSEnvelope + ")", err: errVersionMismatch}
	default:
		return nil, malformed("root element is {%s}%s, not a SOAP 1.1 Envelope", root.Name.Space, root.Name.Local)
	}

	sawHeader := false
	for {
		se, err := nextElement(dec, g, "Envelope")
		if err != nil {
			return nil, err
		}
		if se == nil {
			return nil, malformed("the Envelope has no Body")
		}
		if se.Name.Space != NSEnvelope {
			return nil, malformed("unexpected {%s}%s in the Envelope", se.Name.Space, se.Name.Local)
		}
		switch se.Name.Local {
		case "Header":
			if sawHeader {
				return nil, malformed("the Envelope has two Headers")
			}
			sawHeader = true
			if err := readHeader(dec, g, &m.Header); err != nil {
				return nil, err
			}
			continue
		case "Body":
		default:
			return nil, malformed("unexpected soapenv:%s in the Envelope", se.Name.Local)
		}
		break
	}

	first, err := nextElement(dec, g, "Body")
	if err != nil {
		return nil, err
	}
	if first == nil {
		return nil, malformed("the Body is empty")
	}
	m.start = *first
	if first.Name.Space == NSEnvelope && first.Name.Local == "Fault" {
		f, err := readFault(dec, g)
		if err != nil {
			return nil, err
		}
		m.Fault = f
		m.decoded = true
		if err := m.finish(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// prolog skips the XML declaration, comments and whitespace and returns
// the root element.
func prolog(dec *xml.Decoder, g *guard) (xml.StartElement, error) {
	first := true
	for {
		t, err := dec.Token()
		if err == io.EOF {
			return xml.StartElement{}, malformed("empty message")
		}
		if err != nil {
			return xml.StartElement{}, g.classify(err, "reading the prolog")
		}
		switch t := t.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if first && bytes.HasPrefix(t, bom) {
				t = t[len(bom):]
			}
			if !isSpace(t) {
				return xml.StartElement{}, malformed("text before the envelope")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return xml.StartElement{}, malformed("unexpected %T before the envelope", t)
		}
		first = false
	}
}

var bom = []byte("\ufeff")

// nextElement returns the next child element of the current element, or
// nil at its end tag. Text between elements must be whitespace.
func nextElement(dec *xml.Decoder, g *guard, parent string) (*xml.StartElement, error) {
	for {
		t, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				return nil, malformed("the message ends inside %s", parent)
			}
			return nil, g.classify(err, "reading "+parent)
		}
		switch t := t.(type) {
		case xml.StartElement:
			return &t, nil
		case xml.EndElement:
			return nil, nil
		case xml.CharData:
			if !isSpace(t) {
				return nil, malformed("text directly in %s", parent)
			}
		}
	}
}

type actorXML struct {
	ID   string `xml:"urn:riv:interoperability:headers:1 actorId"`
	Type string `xml:"urn:riv:interoperability:headers:1 actorType"`
}

func readHeader(dec *xml.Decoder, g *guard, h *Header) error {
	var to string
	sawTo, sawLA := false, false
	for {
		se, err := nextElement(dec, g, "Header")
		if err != nil {
			return err
		}
		if se == nil {
			break
		}
		switch se.Name {
		case xml.Name{Space: NSLogicalAddress, Local: "LogicalAddress"}:
			var s string
			if err := dec.DecodeElement(&s, se); err != nil {
				return g.classify(err, "reading itr:LogicalAddress")
			}
			h.LogicalAddress = strings.TrimSpace(s)
			sawLA = true
		case xml.Name{Space: NSHeaders, Local: "Actor"}:
			var a actorXML
			if err := dec.DecodeElement(&a, se); err != nil {
				return g.classify(err, "reading ih:Actor")
			}
			h.Actor = &Actor{ID: strings.TrimSpace(a.ID), Type: ActorType(strings.TrimSpace(a.Type))}
		case xml.Name{Space: NSAddressing, Local: "To"}:
			if err := dec.DecodeElement(&to, se); err != nil {
				return g.classify(err, "reading wsa:To")
			}
			sawTo = true
		default:
			for _, a := range se.Attr {
				if a.Name.Space == NSEnvelope && a.Name.Local == "mustUnderstand" && strings.TrimSpace(a.Value) == "1" {
					return &inputError{
						msg: fmt.Sprintf("header {%s}%s is marked mustUnderstand and is not understood", se.Name.Space, se.Name.Local),
						err: errMustUnderstand,
					}
				}
			}
			if err := dec.Skip(); err != nil {
				return g.classify(err, "skipping header "+se.Name.Local)
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
	return nil
}

var (
	errMustUnderstand  error = &sentinel{"mustUnderstand header not understood"}
	errVersionMismatch error = &sentinel{"version mismatch"}
)

// FaultFor returns the fault a server answers a [Read] or
// [Message.DecodePayload] error with: MustUnderstand or VersionMismatch
// when that was the problem, Client for other malformed input, Server
// otherwise. The fault string is err's message.
func FaultFor(err error) *Fault {
	code := CodeServer
	switch {
	case errors.Is(err, errMustUnderstand):
		code = CodeMustUnderstand
	case errors.Is(err, errVersionMismatch):
		code = CodeVersionMismatch
	case errors.Is(err, ErrMalformed):
		code = CodeClient
	}
	return &Fault{Code: code, String: err.Error(), cause: err}
}

func isSpace(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}

func charsetReader(label string, r io.Reader) (io.Reader, error) {
	if strings.EqualFold(label, "utf8") {
		return r, nil
	}
	return nil, fmt.Errorf("encoding %q not accepted: RIV-TA messages are UTF-8", label)
}

// limitReader returns ErrTooLarge once more than left bytes are read.
type limitReader struct {
	r        io.Reader
	left     int64
	ioErr    error // the first error of r other than io.EOF
	tooLarge error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, l.tooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if int64(n) > l.left {
		n = int(l.left)
		l.left = -1
		return n, l.tooLarge
	}
	l.left -= int64(n)
	if err != nil && err != io.EOF && l.ioErr == nil {
		l.ioErr = err
	}
	return n, err
}

// guard sits between the raw decoder and the one callers use. It passes
// on raw tokens (the outer decoder checks that tags match and translates
// prefixes, once), counts depth, rejects directives and records namespace
// bindings for QName values such as faultcode.
type guard struct {
	raw   *xml.Decoder
	lr    *limitReader
	depth int
	max   int
	ns    []binding
	// track follows the payload being decoded, when its type has a
	// layout, to find misplaced elements.
	track *tracker
	// The attribute limits, and the message's attribute bytes so far.
	maxAttrs     int
	maxAttrBytes int64
	attrBytes    int64
}

type binding struct {
	prefix, uri string
	depth       int
}

func (g *guard) Token() (xml.Token, error) {
	// Bindings of an element are dropped on the token after its end tag,
	// so that a QName in its content can still be resolved after the
	// content has been read.
	for len(g.ns) > 0 && g.ns[len(g.ns)-1].depth > g.depth {
		g.ns = g.ns[:len(g.ns)-1]
	}
	t, err := g.raw.RawToken()
	if err != nil {
		return t, err
	}
	switch tt := t.(type) {
	case xml.StartElement:
		g.depth++
		if g.depth > g.max {
			return nil, &inputError{kind: ErrTooDeep, msg: fmt.Sprintf("elements nested deeper than %d", g.max)}
		}
		if err := g.checkAttrs(tt); err != nil {
			return nil, err
		}
		for _, a := range tt.Attr {
			switch {
			case a.Name.Space == "xmlns":
				g.ns = append(g.ns, binding{a.Name.Local, a.Value, g.depth})
			case a.Name.Space == "" && a.Name.Local == "xmlns":
				g.ns = append(g.ns, binding{"", a.Value, g.depth})
			}
		}
		if err := g.checkNamespacedAttrs(tt); err != nil {
			return nil, err
		}
		if g.track != nil {
			// An unbound prefix is the decoder's error to report.
			space, _ := g.resolve(tt.Name.Space)
			g.track.start(space, tt.Name.Local)
		}
	case xml.EndElement:
		g.depth--
		if g.track != nil && g.track.end() {
			g.track = nil
		}
	case xml.Directive:
		return nil, &inputError{kind: ErrDirective, msg: "DOCTYPE or other <!...> directive not allowed"}
	}
	return t, nil
}

// checkAttrs enforces the attribute limits on a raw start tag and rejects
// an attribute written twice, which encoding/xml lets through.
func (g *guard) checkAttrs(se xml.StartElement) error {
	if len(se.Attr) > g.maxAttrs {
		return tooManyAttrs([]byte(qualified(se.Name)), g.maxAttrs)
	}
	for i, a := range se.Attr {
		if a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
			if g.attrBytes += int64(len(qualified(a.Name)) + len(a.Value) + 3); g.attrBytes > g.maxAttrBytes {
				return tooManyAttrBytes(g.maxAttrBytes)
			}
		}
		for _, b := range se.Attr[:i] {
			if a.Name == b.Name {
				return duplicateAttr(qualified(se.Name), qualified(a.Name))
			}
		}
	}
	return nil
}

// checkNamespacedAttrs rejects two attributes of one start tag whose
// prefixes differ but name the same namespace, with the start tag's
// bindings in scope (Namespaces in XML, §6.3).
func (g *guard) checkNamespacedAttrs(se xml.StartElement) error {
	for i, a := range se.Attr {
		if a.Name.Space == "" || a.Name.Space == "xmlns" {
			continue
		}
		ua, ok := g.resolve(a.Name.Space)
		if !ok {
			continue
		}
		for _, b := range se.Attr[:i] {
			if b.Name.Space == "" || b.Name.Space == "xmlns" || b.Name.Local != a.Name.Local {
				continue
			}
			if ub, ok := g.resolve(b.Name.Space); ok && ub == ua {
				return duplicateAttr(qualified(se.Name), qualified(a.Name))
			}
		}
	}
	return nil
}

// qualified returns a raw name as written, prefix:local.
func qualified(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// resolve maps a QName value's prefix to its namespace in the current
// scope; ok is false for an unbound prefix.
func (g *guard) resolve(prefix string) (uri string, ok bool) {
	for i := len(g.ns) - 1; i >= 0; i-- {
		if g.ns[i].prefix == prefix {
			return g.ns[i].uri, true
		}
	}
	return "", prefix == ""
}

// classify turns an error met while reading into an input error, unless
// it came from the underlying reader.
func (g *guard) classify(err error, doing string) error {
	var ie *inputError
	if errors.As(err, &ie) {
		return err
	}
	if g.lr.ioErr != nil && errors.Is(err, g.lr.ioErr) {
		return &readError{doing: doing, err: err}
	}
	return &inputError{msg: doing, err: err}
}

// readError is the failure of the underlying reader while reading a
// message.
type readError struct {
	doing string
	err   error
}

func (e *readError) Error() string  { return "soap: " + e.detail() }
func (e *readError) detail() string { return e.doing + ": " + e.err.Error() }
func (e *readError) Unwrap() error  { return e.err }
