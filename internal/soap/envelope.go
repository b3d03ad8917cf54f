package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// Namespaces used in envelopes and RIV-TA headers.
const (
	// NSEnvelope is the SOAP 1.1 envelope namespace.
	NSEnvelope = "http://schemas.xmlsoap.org/soap/envelope/"
	// NSEnvelope12 is the SOAP 1.2 envelope namespace, recognised only to
	// answer it with a VersionMismatch fault.
	NSEnvelope12 = "http://www.w3.org/2003/05/soap-envelope"
	// NSLogicalAddress holds the RIV-TA 2.1 LogicalAddress header.
	NSLogicalAddress = "urn:riv:itintegration:registry:1"
	// NSHeaders holds the RIV-TA 2.1 Actor header.
	NSHeaders = "urn:riv:interoperability:headers:1"
	// NSAddressing is WS-Addressing 1.0, whose To header carries the
	// logical address in RIV-TA 2.0.
	NSAddressing = "http://www.w3.org/2005/08/addressing"
)

// Profile is the RIV-TA basic profile of a message, as its headers show.
type Profile uint8

const (
	// NoProfile means no addressing header: a response, or a request
	// without a logical address.
	NoProfile Profile = iota
	// RIVTABP21 is RIV-TA Basic Profile 2.1: itr:LogicalAddress and
	// ih:Actor.
	RIVTABP21
	// RIVTABP20 is RIV-TA Basic Profile 2.0: wsa:To, no actor.
	RIVTABP20
)

// String returns the profile's name as used in service URLs, e.g.
// "rivtabp21".
func (p Profile) String() string {
	switch p {
	case NoProfile:
		return "none"
	case RIVTABP21:
		return "rivtabp21"
	case RIVTABP20:
		return "rivtabp20"
	}
	return fmt.Sprintf("Profile(%d)", uint8(p))
}

// ActorType is the ih:actorType of an [Actor] header.
type ActorType string

// The actor types of urn:riv:interoperability:headers:1.
const (
	// SubjectOfCare: the citizen acts; the actor ID is a personal
	// identity number.
	SubjectOfCare ActorType = "subject_of_care"
	// SubjectOfCareAgent: a staff member acts for the citizen; the actor
	// ID is the staff member's HSA-id.
	SubjectOfCareAgent ActorType = "subject_of_care_agent"
)

// Valid reports whether t is one of the two enumerated actor types.
func (t ActorType) Valid() bool { return t == SubjectOfCare || t == SubjectOfCareAgent }

// Actor is the ih:Actor header: who performs the call.
type Actor struct {
	// ID is the ih:actorId: a personal identity number or an HSA-id,
	// depending on Type. It is personal data; do not log it.
	ID string
	// Type is the ih:actorType.
	Type ActorType
}

// Header is the part of a SOAP Header that RIV-TA defines. The zero value
// writes no Header element, as in a response.
type Header struct {
	// Profile says which headers carry the address: itr:LogicalAddress and
	// ih:Actor for RIVTABP21, wsa:To for RIVTABP20.
	Profile Profile
	// LogicalAddress is the addressed unit, usually an HSA-id.
	LogicalAddress string
	// Actor is the ih:Actor header, or nil when absent. Only RIVTABP21
	// has it.
	Actor *Actor
}

// RawXML is a payload that [Encode] and [Marshal] copy into the Body
// verbatim. It must be exactly one well-formed element that declares every
// namespace it uses.
type RawXML []byte

// Marshal returns a complete SOAP 1.1 envelope (with an XML declaration)
// holding header h and payload as the single Body element. The payload is
// a [RawXML], a [*Fault], or a value [encoding/xml] can marshal as one
// element.
//
// Payloads whose struct tags stay within a simple subset (see layout.go)
// are written without encoding/xml, with every namespace they use
// declared once on the Envelope; the document means the same.
func Marshal(h Header, payload any) ([]byte, error) {
	var none *Buffers
	return none.Marshal(h, payload)
}

// MarshalPooled is [Marshal] into a buffer of its own, which the caller
// owns until it hands it back with [Recycle] and must not use after.
func MarshalPooled(h Header, payload any) (*[]byte, error) {
	var none *Buffers
	return none.MarshalPooled(h, payload)
}

// Recycle hands back a buffer of [MarshalPooled]; nil is ignored. A
// buffer of the package's MarshalPooled is not reused.
func Recycle(bp *[]byte) {}

// envelope returns an empty buffer for an envelope.
func (bs *Buffers) envelope() *[]byte {
	if bs != nil {
		if bp, _ := bs.envelopes.Get().(*[]byte); bp != nil {
			return bp
		}
	}
	b := make([]byte, 0, 8<<10)
	return &b
}

// Marshal is [Marshal], writing the envelope in a buffer of bs first.
func (bs *Buffers) Marshal(h Header, payload any) ([]byte, error) {
	bp := bs.envelope()
	b, err := appendEnvelope((*bp)[:0], h, payload)
	var out []byte
	if err == nil {
		out = append(make([]byte, 0, len(b)), b...)
	}
	*bp = b
	bs.Recycle(bp)
	return out, err
}

// MarshalPooled is [Marshal] into a buffer of bs, which the caller owns
// until it hands it back with bs.Recycle and must not use after. It saves
// the copy Marshal makes for a caller that only writes the envelope out.
func (bs *Buffers) MarshalPooled(h Header, payload any) (*[]byte, error) {
	bp := bs.envelope()
	b, err := appendEnvelope((*bp)[:0], h, payload)
	*bp = b
	if err != nil {
		bs.Recycle(bp)
		return nil, err
	}
	return bp, nil
}

// Recycle hands a buffer of bs.MarshalPooled back to bs; nil is ignored.
func (bs *Buffers) Recycle(bp *[]byte) {
	if bs == nil || bp == nil || cap(*bp) > maxPooled {
		return
	}
	*bp = (*bp)[:0]
	bs.envelopes.Put(bp)
}

// maxPooled is the largest buffer kept for reuse.
const maxPooled = 4 << 20

// Encode writes the envelope that [Marshal] returns to w.
func Encode(w io.Writer, h Header, payload any) error {
	b, err := Marshal(h, payload)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func appendEnvelope(dst []byte, h Header, payload any) ([]byte, error) {
	if payload == nil {
		return dst, errors.New("soap: nil payload: the Body needs exactly one element")
	}
	var (
		rl *rootLayout
		pv reflect.Value
	)
	switch payload.(type) {
	case RawXML, *Fault, Fault:
	default:
		pv = reflect.ValueOf(payload)
		switch pv.Kind() {
		case reflect.Pointer:
			if !pv.IsNil() {
				rl = layoutOf(pv.Type())
			}
		case reflect.Struct:
			if rl = layoutOf(reflect.PointerTo(pv.Type())); rl != nil {
				p := reflect.New(pv.Type())
				p.Elem().Set(pv)
				pv = p
			}
		}
	}
	dst = append(dst, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<soapenv:Envelope xmlns:soapenv="`+NSEnvelope+`"`...)
	if rl != nil {
		dst = append(dst, rl.decls...)
	}
	dst = append(dst, '>')
	buf := bytes.NewBuffer(dst)
	if err := writeHeader(buf, h); err != nil {
		return buf.Bytes(), err
	}
	buf.WriteString(`<soapenv:Body>`)
	switch p := payload.(type) {
	case RawXML:
		buf.Write(p)
	case *Fault:
		if p == nil {
			return buf.Bytes(), errors.New("soap: nil *Fault payload")
		}
		if err := p.write(buf); err != nil {
			return buf.Bytes(), err
		}
	case Fault:
		if err := p.write(buf); err != nil {
			return buf.Bytes(), err
		}
	default:
		if rl != nil {
			dst = appendPayload(buf.Bytes(), rl, pv)
			return append(dst, `</soapenv:Body></soapenv:Envelope>`...), nil
		}
		enc := xml.NewEncoder(buf)
		if err := enc.Encode(payload); err != nil {
			return buf.Bytes(), fmt.Errorf("soap: marshalling payload: %w", err)
		}
	}
	buf.WriteString(`</soapenv:Body></soapenv:Envelope>`)
	return buf.Bytes(), nil
}

func writeHeader(buf *bytes.Buffer, h Header) error {
	switch h.Profile {
	case NoProfile:
		if h.LogicalAddress != "" || h.Actor != nil {
			return errors.New("soap: header has a logical address or actor but no profile")
		}
		return nil
	case RIVTABP21:
		if h.LogicalAddress == "" {
			return errors.New("soap: rivtabp21 header needs a logical address")
		}
		buf.WriteString(`<soapenv:Header><itr:LogicalAddress xmlns:itr="` + NSLogicalAddress + `">`)
		escape(buf, h.LogicalAddress)
		buf.WriteString(`</itr:LogicalAddress>`)
		if a := h.Actor; a != nil {
			if !a.Type.Valid() {
				return fmt.Errorf("soap: actor type %q is not %s or %s", a.Type, SubjectOfCare, SubjectOfCareAgent)
			}
			buf.WriteString(`<ih:Actor xmlns:ih="` + NSHeaders + `"><ih:actorId>`)
			escape(buf, a.ID)
			buf.WriteString(`</ih:actorId><ih:actorType>`)
			buf.WriteString(string(a.Type))
			buf.WriteString(`</ih:actorType></ih:Actor>`)
		}
		buf.WriteString(`</soapenv:Header>`)
		return nil
	case RIVTABP20:
		if h.LogicalAddress == "" {
			return errors.New("soap: rivtabp20 header needs a logical address")
		}
		if h.Actor != nil {
			return errors.New("soap: rivtabp20 has no actor header")
		}
		buf.WriteString(`<soapenv:Header><wsa:To xmlns:wsa="` + NSAddressing + `">`)
		escape(buf, h.LogicalAddress)
		buf.WriteString(`</wsa:To></soapenv:Header>`)
		return nil
	}
	return fmt.Errorf("soap: unknown profile %d", uint8(h.Profile))
}

func escape(buf *bytes.Buffer, s string) {
	// EscapeText only fails when the writer fails; a bytes.Buffer does not.
	_ = xml.EscapeText(buf, []byte(s))
}
