package soap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
)

// The SOAP 1.1 fault codes (faultcode values, in [NSEnvelope]).
var (
	// CodeClient: the message was wrong; sending it again will fail again.
	CodeClient = xml.Name{Space: NSEnvelope, Local: "Client"}
	// CodeServer: the receiver failed to process a correct message.
	CodeServer = xml.Name{Space: NSEnvelope, Local: "Server"}
	// CodeMustUnderstand: a mandatory header was not understood.
	CodeMustUnderstand = xml.Name{Space: NSEnvelope, Local: "MustUnderstand"}
	// CodeVersionMismatch: not a SOAP 1.1 envelope.
	CodeVersionMismatch = xml.Name{Space: NSEnvelope, Local: "VersionMismatch"}
)

// Fault is a SOAP 1.1 Fault: the channel for technical errors. It is
// also an error; it is always used as a pointer (match it with
// errors.As(err, new(*soap.Fault))).
//
// String and Detail come from the other party and may contain personal
// data; Error leaves them out, and callers mask them with
// tidbok.MaskPersonalNumbers before they log or return them.
type Fault struct {
	// Code is the faultcode QName with its prefix resolved, e.g.
	// [CodeClient]. Dotted refinements such as Client.Authentication keep
	// their full local name.
	Code xml.Name
	// String is the faultstring. On the national service platform it
	// starts with a VP code; see [Fault.VPCode].
	String string
	// Actor is the faultactor (a URI), usually empty.
	Actor string
	// Detail is the text content of the detail element, markup dropped,
	// leaving out the text of the Ext elements.
	Detail string
	// Ext are this project's machine-readable extension elements in the
	// detail: its child elements in a namespace starting with
	// [ExtNamespacePrefix], in document order. Writing puts them after
	// Detail's text. Other parties' elements are not here; their text is
	// in Detail, as it always was.
	Ext []DetailElement

	cause error
}

// ExtNamespacePrefix starts the namespaces of this project's own extension
// elements, such as crmwire's errorKind
// (urn:webbtidbok:crm:scheduling:ext:1). Such elements in a fault's
// detail are read into [Fault.Ext].
const ExtNamespacePrefix = "urn:webbtidbok:"

// DetailElement is one extension element in a fault's detail: its name
// and its text content (markup dropped). Its namespace must start with
// [ExtNamespacePrefix] to be read back into [Fault.Ext].
type DetailElement struct {
	Name xml.Name
	Text string
}

// ExtText returns the text of the first Ext element named name, and
// whether there was one.
func (f *Fault) ExtText(name xml.Name) (string, bool) {
	if f == nil {
		return "", false
	}
	for _, e := range f.Ext {
		if e.Name == name {
			return e.Text, true
		}
	}
	return "", false
}

// ClientFault returns a Client fault with the formatted faultstring.
func ClientFault(format string, args ...any) *Fault {
	return &Fault{Code: CodeClient, String: fmt.Sprintf(format, args...)}
}

// ServerFault returns a Server fault with the formatted faultstring.
func ServerFault(format string, args ...any) *Fault {
	return &Fault{Code: CodeServer, String: fmt.Sprintf(format, args...)}
}

// WithCause returns a copy of f whose Unwrap returns cause. The cause is
// not written on the wire.
func (f *Fault) WithCause(cause error) *Fault {
	c := *f
	c.cause = cause
	return &c
}

// Unwrap returns the local cause of a fault made by this process (for
// example the decode error behind a Client fault), or nil for a fault
// read from the wire.
func (f *Fault) Unwrap() error { return f.cause }

// Error returns "soap: fault Client", with the platform's code when the
// faultstring starts with one ("soap: fault Server VP009"). It leaves the
// faultstring out: it comes from the other party or from a book's error
// and may hold a personal identity number, which this package cannot
// recognise. Show [Fault.String] through tidbok.MaskPersonalNumbers, as
// mvkclient's and the producer's errors and logs do.
func (f *Fault) Error() string {
	code := f.Code.Local
	if code == "" {
		code = "(no faultcode)"
	}
	if vp := f.VPCode(); vp != "" {
		return "soap: fault " + code + " " + vp
	}
	return "soap: fault " + code
}

func codeIs(code, class xml.Name) bool {
	if code.Space != class.Space && code.Space != "" {
		return false
	}
	return code.Local == class.Local || strings.HasPrefix(code.Local, class.Local+".")
}

// IsClient reports whether the fault blames the request (faultcode Client
// or a dotted refinement of it). An unresolved prefix is accepted.
func (f *Fault) IsClient() bool { return codeIs(f.Code, CodeClient) }

// IsServer reports whether the fault blames the receiver (faultcode
// Server or a refinement).
func (f *Fault) IsServer() bool { return codeIs(f.Code, CodeServer) }

var vpCode = regexp.MustCompile(`^VP[0-9]{3}\b`)

// VPCode returns the national service platform's error code at the start
// of the faultstring ("VP001" … "VP014"), or "" when there is none.
func (f *Fault) VPCode() string {
	return vpCode.FindString(strings.TrimSpace(f.String))
}

// VPCodeIsClient reports whether a service-platform code blames the
// consumer (crm-scheduling.md §2.2): VP001 (RIV version missing or
// unsupported), VP002 (client certificate missing or wrong), VP003 (no
// logical address), VP004 (no route for address and contract), VP005
// (producer does not support the RIV version), VP011 (call outside TLS or
// caller not allowed), VP013 (consumer may not set the original-consumer
// header) and VP015. The platform sends these with faultcode Client. The
// others (VP006 several routes, VP007 not authorised, VP008 routing
// catalogue unreachable, VP009 producer unreachable or timed out, VP010
// producer address missing, VP012 platform resources, VP014 routing loop)
// come with faultcode Server.
func VPCodeIsClient(code string) bool {
	switch code {
	case "VP001", "VP002", "VP003", "VP004", "VP005", "VP011", "VP013", "VP015":
		return true
	}
	return false
}

// Retryable is a hint for read operations: whether sending the same
// request again later may succeed. It is true for VP008, VP009 and VP012
// (the platform could not reach its catalogue or the producer, or ran out
// of resources) and for Server faults without a VP code (a producer's
// transient failure, such as a deadlock); false for every other VP code,
// which needs configuration or authorisation to change, and for Client,
// MustUnderstand and VersionMismatch faults.
//
// Never retry a write (MakeBooking, UpdateBooking, CancelBooking) on this
// hint: a fault after sending a write leaves its outcome unknown.
func (f *Fault) Retryable() bool {
	switch f.VPCode() {
	case "VP008", "VP009", "VP012":
		return true
	case "":
		return f.IsServer()
	}
	return false
}

// write writes the Fault element, assuming the soapenv prefix is bound.
func (f *Fault) write(buf *bytes.Buffer) error {
	code := f.Code
	if code.Local == "" {
		return fmt.Errorf("soap: fault without faultcode")
	}
	buf.WriteString(`<soapenv:Fault><faultcode`)
	switch code.Space {
	case NSEnvelope:
		buf.WriteString(`>soapenv:`)
	case "":
		buf.WriteString(`>`)
	default:
		buf.WriteString(` xmlns:fc="`)
		escape(buf, code.Space)
		buf.WriteString(`">fc:`)
	}
	escape(buf, code.Local)
	buf.WriteString(`</faultcode><faultstring>`)
	escape(buf, f.String)
	buf.WriteString(`</faultstring>`)
	if f.Actor != "" {
		buf.WriteString(`<faultactor>`)
		escape(buf, f.Actor)
		buf.WriteString(`</faultactor>`)
	}
	if f.Detail != "" || len(f.Ext) > 0 {
		buf.WriteString(`<detail>`)
		escape(buf, f.Detail)
		for _, e := range f.Ext {
			if e.Name.Local == "" || !strings.HasPrefix(e.Name.Space, ExtNamespacePrefix) {
				return fmt.Errorf("soap: fault detail element {%s}%s: want a name in a namespace starting with %s", e.Name.Space, e.Name.Local, ExtNamespacePrefix)
			}
			buf.WriteString(`<`)
			buf.WriteString(e.Name.Local)
			buf.WriteString(` xmlns="`)
			escape(buf, e.Name.Space)
			buf.WriteString(`">`)
			escape(buf, e.Text)
			buf.WriteString(`</`)
			buf.WriteString(e.Name.Local)
			buf.WriteString(`>`)
		}
		buf.WriteString(`</detail>`)
	}
	buf.WriteString(`</soapenv:Fault>`)
	return nil
}

// readFault reads the children of a soapenv:Fault whose start tag has
// been read, up to and including its end tag.
func readFault(dec *xml.Decoder, g *guard) (*Fault, error) {
	f := &Fault{}
	sawCode := false
	var code12, reason12 string
	for {
		se, err := nextElement(dec, g, "Fault")
		if err != nil {
			return nil, err
		}
		if se == nil {
			break
		}
		// The SOAP 1.1 schema has unqualified children; some stacks
		// qualify them anyway, so only the local name counts.
		switch se.Name.Local {
		case "faultcode":
			s, err := text(dec, g, "faultcode")
			if err != nil {
				return nil, err
			}
			s = strings.TrimSpace(s)
			prefix, local, found := strings.Cut(s, ":")
			if !found {
				prefix, local = "", s
			}
			if local == "" {
				return nil, malformed("empty faultcode")
			}
			uri, ok := g.resolve(prefix)
			if !ok {
				uri = "" // unbound prefix: keep the local part only
			}
			f.Code = xml.Name{Space: uri, Local: local}
			sawCode = true
		case "faultstring":
			if f.String, err = text(dec, g, "faultstring"); err != nil {
				return nil, err
			}
		case "faultactor":
			if f.Actor, err = text(dec, g, "faultactor"); err != nil {
				return nil, err
			}
		case "detail", "Detail":
			if f.Detail, f.Ext, err = readDetail(dec, g); err != nil {
				return nil, err
			}
			f.Detail = strings.TrimSpace(f.Detail)
		// A SOAP 1.2 fault's children, which some stacks put inside a
		// SOAP 1.1 envelope: read what they say rather than lose it.
		case "Code":
			v, err := childText(dec, g, "Code", "Value")
			if err != nil {
				return nil, err
			}
			code12 = strings.TrimSpace(v)
		case "Reason":
			if reason12, err = childText(dec, g, "Reason", "Text"); err != nil {
				return nil, err
			}
		default:
			if err := dec.Skip(); err != nil {
				return nil, g.classify(err, "skipping "+se.Name.Local+" in Fault")
			}
		}
	}
	if !sawCode && code12 != "" {
		f.Code, sawCode = code12Name(g, code12), true
	}
	if f.String == "" {
		f.String = reason12
	}
	if !sawCode {
		if f.String != "" {
			return nil, malformed("the Fault has no faultcode; its faultstring was %q", truncateText(f.String))
		}
		return nil, malformed("the Fault has no faultcode")
	}
	return f, nil
}

// code12Name resolves a SOAP 1.2 fault code's QName and maps the 1.2
// codes onto the 1.1 ones: Sender is Client, Receiver is Server.
func code12Name(g *guard, s string) xml.Name {
	prefix, local, found := strings.Cut(s, ":")
	if !found {
		prefix, local = "", s
	}
	uri, ok := g.resolve(prefix)
	if !ok {
		uri = ""
	}
	if uri == NSEnvelope12 || uri == "" {
		switch local {
		case "Sender":
			return CodeClient
		case "Receiver":
			return CodeServer
		case "MustUnderstand", "VersionMismatch":
			return xml.Name{Space: NSEnvelope, Local: local}
		}
	}
	return xml.Name{Space: uri, Local: local}
}

// truncateText shortens another party's text for an error message.
func truncateText(s string) string {
	const most = 200
	if len(s) <= most {
		return s
	}
	return s[:most] + "…"
}

// childText reads the element whose start tag has been read, up to and
// including its end tag, and returns the text of its first child named
// child (other children skipped).
func childText(dec *xml.Decoder, g *guard, elem, child string) (string, error) {
	var out string
	found := false
	for {
		se, err := nextElement(dec, g, elem)
		if err != nil {
			return "", err
		}
		if se == nil {
			return out, nil
		}
		if se.Name.Local == child && !found {
			if out, err = text(dec, g, child); err != nil {
				return "", err
			}
			out = strings.TrimSpace(out)
			found = true
			continue
		}
		if err := dec.Skip(); err != nil {
			return "", g.classify(err, "skipping "+se.Name.Local+" in "+elem)
		}
	}
}

// readDetail reads the content of a detail element whose start tag has
// been read, up to and including its end tag: the text of everything but
// this project's extension elements, and those elements.
func readDetail(dec *xml.Decoder, g *guard) (string, []DetailElement, error) {
	var sb strings.Builder
	var ext []DetailElement
	depth := 1
	for depth > 0 {
		t, err := dec.Token()
		if err != nil {
			return "", nil, g.classify(err, "reading detail")
		}
		switch t := t.(type) {
		case xml.StartElement:
			if depth == 1 && strings.HasPrefix(t.Name.Space, ExtNamespacePrefix) {
				s, err := text(dec, g, t.Name.Local)
				if err != nil {
					return "", nil, err
				}
				ext = append(ext, DetailElement{Name: t.Name, Text: strings.TrimSpace(s)})
				continue
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			sb.Write(t)
		}
	}
	return sb.String(), ext, nil
}

// text returns all character data up to the end of the current element,
// including that of nested elements (whose tags are dropped).
func text(dec *xml.Decoder, g *guard, elem string) (string, error) {
	var sb strings.Builder
	depth := 1
	for depth > 0 {
		t, err := dec.Token()
		if err != nil {
			return "", g.classify(err, "reading "+elem)
		}
		switch t := t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			sb.Write(t)
		}
	}
	return sb.String(), nil
}
