package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type ping struct {
	XMLName xml.Name `xml:"urn:example:1 Ping"`
	Value   string   `xml:"urn:example:1 value"`
}

func TestEnvelopeRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		h    Header
	}{
		{"no header", Header{}},
		{"rivtabp21 without actor", Header{Profile: RIVTABP21, LogicalAddress: "SE2321000016-A65H"}},
		{"rivtabp21 with citizen", Header{Profile: RIVTABP21, LogicalAddress: "SE2321000016-A65H",
			Actor: &Actor{ID: "191212121212", Type: SubjectOfCare}}},
		{"rivtabp21 with agent", Header{Profile: RIVTABP21, LogicalAddress: "a&b<c>",
			Actor: &Actor{ID: "SE2321000016-1HZ5", Type: SubjectOfCareAgent}}},
		{"rivtabp20", Header{Profile: RIVTABP20, LogicalAddress: "SE2321000016-A65H"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := Marshal(tt.h, ping{Value: "å & <ä>"})
			if err != nil {
				t.Fatal(err)
			}
			m, err := Read(bytes.NewReader(data), Limits{})
			if err != nil {
				t.Fatalf("Read: %v\n%s", err, data)
			}
			if diff := cmp.Diff(tt.h, m.Header); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if want := (xml.Name{Space: "urn:example:1", Local: "Ping"}); m.Payload() != want {
				t.Errorf("Payload() = %v, want %v", m.Payload(), want)
			}
			var got ping
			if err := m.DecodePayload(&got); err != nil {
				t.Fatal(err)
			}
			if got.Value != "å & <ä>" {
				t.Errorf("value = %q", got.Value)
			}
		})
	}
}

func TestMarshalRejectsBadHeaders(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]Header{
		"address without profile": {LogicalAddress: "x"},
		"bp21 without address":    {Profile: RIVTABP21},
		"bp20 with actor":         {Profile: RIVTABP20, LogicalAddress: "x", Actor: &Actor{ID: "1", Type: SubjectOfCare}},
		"bad actor type":          {Profile: RIVTABP21, LogicalAddress: "x", Actor: &Actor{ID: "1", Type: "doctor"}},
	} {
		if _, err := Marshal(h, ping{}); err == nil {
			t.Errorf("%s: Marshal succeeded", name)
		}
	}
}

// A typical message from a SoapUI-style consumer: prefixes declared on
// the Envelope, not on the payload.
const prefixed = `<?xml version="1.0" encoding="utf-8"?>
<!-- a comment -->
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:riv:itintegration:registry:1"
  xmlns:urn1="urn:riv:interoperability:headers:1" xmlns:ex="urn:example:1">
  <s:Header>
    <urn:LogicalAddress> SE2321000016-A65H </urn:LogicalAddress>
    <urn1:Actor><urn1:actorId>191212121212</urn1:actorId><urn1:actorType>subject_of_care</urn1:actorType></urn1:Actor>
    <x:Other xmlns:x="urn:other">ignored</x:Other>
  </s:Header>
  <s:Body>
    <ex:Ping><ex:value>v</ex:value></ex:Ping>
  </s:Body>
</s:Envelope>
`

func TestReadPrefixesDeclaredOnEnvelope(t *testing.T) {
	t.Parallel()
	m, err := Read(strings.NewReader(prefixed), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := Header{Profile: RIVTABP21, LogicalAddress: "SE2321000016-A65H", Actor: &Actor{ID: "191212121212", Type: SubjectOfCare}}
	if diff := cmp.Diff(want, m.Header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	var p ping
	if err := m.DecodePayload(&p); err != nil {
		t.Fatal(err)
	}
	if p.Value != "v" {
		t.Errorf("value = %q", p.Value)
	}
}

func env(body string) string {
	return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` + body + `</soapenv:Body></soapenv:Envelope>`
}

func TestReadRejects(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("<a>", 70) + strings.Repeat("</a>", 70)
	tests := []struct {
		name string
		in   string
		lim  Limits
		kind error
	}{
		{"doctype", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>` + env(`<p/>`), Limits{}, ErrDirective},
		{"doctype inside body", env(`<!DOCTYPE p><p/>`), Limits{}, ErrDirective},
		{"too deep in header", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>` + deep + `</soapenv:Header><soapenv:Body><p/></soapenv:Body></soapenv:Envelope>`, Limits{}, ErrTooDeep},
		{"latin-1", `<?xml version="1.0" encoding="ISO-8859-1"?>` + env(`<p/>`), Limits{}, nil},
		{"not an envelope", `<p/>`, Limits{}, nil},
		{"soap 1.2", `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><p/></e:Body></e:Envelope>`, Limits{}, nil},
		{"no body", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"></soapenv:Envelope>`, Limits{}, nil},
		{"empty body", env(``), Limits{}, nil},
		{"text in body", env(`hello<p/>`), Limits{}, nil},
		{"truncated", env(`<p>`)[:60], Limits{}, nil},
		{"empty", ``, Limits{}, nil},
		{"must understand", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><x:Sec xmlns:x="urn:x" soapenv:mustUnderstand="1"/></soapenv:Header><soapenv:Body><p/></soapenv:Body></soapenv:Envelope>`, Limits{}, nil},
		{"fault without code", env(`<soapenv:Fault><faultstring>x</faultstring></soapenv:Fault>`), Limits{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Read(strings.NewReader(tt.in), tt.lim)
			if err == nil {
				t.Fatal("Read succeeded")
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not match ErrMalformed", err)
			}
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("error %v does not match %v", err, tt.kind)
			}
		})
	}
}

func TestDecodePayloadLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		lim  Limits
		kind error
	}{
		{"too deep in payload", env(`<p>` + strings.Repeat("<a>", 70) + strings.Repeat("</a>", 70) + `</p>`), Limits{}, ErrTooDeep},
		{"too deep with a low limit", env(`<p><a><b/></a></p>`), Limits{MaxDepth: 4}, ErrTooDeep},
		{"too large in payload", env(`<p>` + strings.Repeat("x", 5000) + `</p>`), Limits{MaxBytes: 4096}, ErrTooLarge},
		{"too large early", env(`<p>` + strings.Repeat("x", 2000) + `</p>`), Limits{MaxBytes: 1000}, ErrTooLarge},
		{"invalid utf-8", env("<p>\xff\xfe</p>"), Limits{}, nil},
		{"two body elements", env(`<p/><q/>`), Limits{}, nil},
		{"something after the body", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><p/></soapenv:Body><x/></soapenv:Envelope>`, Limits{}, nil},
		{"trailing garbage", env(`<p/>`) + `<x/>`, Limits{}, nil},
		{"entity reference", env(`<p>&lol;</p>`), Limits{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := Read(strings.NewReader(tt.in), tt.lim)
			if err == nil {
				var v struct {
					XMLName xml.Name
					Inner   string `xml:",innerxml"`
				}
				err = m.DecodePayload(&v)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not match ErrMalformed", err)
			}
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("error %v does not match %v", err, tt.kind)
			}
		})
	}
}

func TestReadAcceptsBOMAndUTF8Spellings(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"\ufeff" + `<?xml version="1.0" encoding="UTF-8"?>` + env(`<p/>`),
		`<?xml version="1.0" encoding="utf8"?>` + env(`<p/>`),
		env(`<p/>`) + "\n<!-- trailer -->\n",
	} {
		m, err := Read(strings.NewReader(in), Limits{})
		if err != nil {
			t.Fatalf("Read(%q): %v", in, err)
		}
		if err := m.Discard(); err != nil {
			t.Errorf("Discard: %v", err)
		}
	}
}

func TestReaderErrorsAreNotMalformed(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader(env(`<p>`)[:70]), iotest.ErrReader(boom))
	_, err := Read(r, Limits{})
	if err == nil {
		t.Fatal("Read succeeded")
	}
	if !errors.Is(err, boom) {
		t.Errorf("error %v does not wrap the reader's error", err)
	}
	if errors.Is(err, ErrMalformed) {
		t.Errorf("error %v matches ErrMalformed; the input was fine", err)
	}
}

func TestFaultRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range []*Fault{
		{Code: CodeClient, String: "bad request"},
		{Code: CodeServer, String: "VP009 Error connecting to service producer", Actor: "urn:x", Detail: "timeout & more"},
		{Code: xml.Name{Space: "urn:custom", Local: "Oops"}, String: "x"},
		{Code: CodeMustUnderstand, String: ""},
	} {
		data, err := Marshal(Header{}, f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Read(bytes.NewReader(data), Limits{})
		if err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if m.Fault == nil {
			t.Fatalf("no fault read from %s", data)
		}
		if diff := cmp.Diff(f, m.Fault, cmpopts.IgnoreUnexported(Fault{})); diff != "" {
			t.Errorf("fault (-want +got):\n%s", diff)
		}
	}
}

func TestReadFaultFromOtherStacks(t *testing.T) {
	t.Parallel()
	in := `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault xmlns:ns4="http://www.w3.org/2003/05/soap-envelope">
<faultcode>S:Server</faultcode>
<faultstring>VP007 Authorization missing for serviceConsumerId: SE123 191212121212</faultstring>
<detail><x:info xmlns:x="urn:x">more <b>info</b></x:info></detail>
</S:Fault></S:Body></S:Envelope>`
	m, err := Read(strings.NewReader(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	f := m.Fault
	if f == nil {
		t.Fatal("no fault")
	}
	if !f.IsServer() || f.IsClient() {
		t.Errorf("IsServer=%v IsClient=%v, want server", f.IsServer(), f.IsClient())
	}
	if got := f.VPCode(); got != "VP007" {
		t.Errorf("VPCode() = %q", got)
	}
	if f.Retryable() {
		t.Error("VP007 must not be retryable")
	}
	if f.Detail != "more info" {
		t.Errorf("Detail = %q", f.Detail)
	}
	if strings.Contains(f.Error(), "191212121212") {
		t.Errorf("Error() leaks a personal number: %s", f.Error())
	}
}

func TestFaultClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f                         Fault
		client, server, retryable bool
		vp                        string
	}{
		{Fault{Code: CodeClient, String: "VP004 No route"}, true, false, false, "VP004"},
		{Fault{Code: CodeServer, String: " VP009 timeout"}, false, true, true, "VP009"},
		{Fault{Code: CodeServer, String: "VP008"}, false, true, true, "VP008"},
		{Fault{Code: CodeServer, String: "VP012 resources"}, false, true, true, "VP012"},
		{Fault{Code: CodeServer, String: "VP006 several routes"}, false, true, false, "VP006"},
		{Fault{Code: CodeServer, String: "deadlock"}, false, true, true, ""},
		{Fault{Code: CodeClient, String: "VP0091 not a code"}, true, false, false, ""},
		{Fault{Code: xml.Name{Local: "Client.Authentication"}}, true, false, false, ""},
		{Fault{Code: CodeMustUnderstand}, false, false, false, ""},
	}
	for _, tt := range tests {
		if got := tt.f.IsClient(); got != tt.client {
			t.Errorf("%v IsClient = %v", tt.f, got)
		}
		if got := tt.f.IsServer(); got != tt.server {
			t.Errorf("%v IsServer = %v", tt.f, got)
		}
		if got := tt.f.Retryable(); got != tt.retryable {
			t.Errorf("%v Retryable = %v", tt.f, got)
		}
		if got := tt.f.VPCode(); got != tt.vp {
			t.Errorf("%v VPCode = %q, want %q", tt.f, got, tt.vp)
		}
	}
	for code, want := range map[string]bool{"VP001": true, "VP004": true, "VP011": true, "VP013": true, "VP007": false, "VP009": false, "": false} {
		if got := VPCodeIsClient(code); got != want {
			t.Errorf("VPCodeIsClient(%q) = %v", code, got)
		}
	}
}

func TestFaultFor(t *testing.T) {
	t.Parallel()
	_, err := Read(strings.NewReader(`<x/>`), Limits{})
	if f := FaultFor(err); !f.IsClient() || !errors.Is(f, ErrMalformed) {
		t.Errorf("FaultFor(malformed) = %+v", f)
	}
	_, err = Read(strings.NewReader(`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"/>`), Limits{})
	if f := FaultFor(err); f.Code != CodeVersionMismatch {
		t.Errorf("FaultFor(soap 1.2) = %+v", f)
	}
	if f := FaultFor(errors.New("disk full")); !f.IsServer() {
		t.Errorf("FaultFor(other) = %+v", f)
	}
}

func TestActionHelpers(t *testing.T) {
	t.Parallel()
	a := "urn:riv:crm:scheduling:MakeBookingResponder:1:MakeBooking"
	if got := ParseAction(QuoteAction(a)); got != a {
		t.Errorf("round trip = %q", got)
	}
	if got := ParseAction(" " + a + " "); got != a {
		t.Errorf("unquoted = %q", got)
	}
	if got := ParseAction(`""`); got != "" {
		t.Errorf("empty = %q", got)
	}
}

// FuzzRead: Read and DecodePayload never panic, and every error caused by
// the input matches ErrMalformed.
func FuzzRead(f *testing.F) {
	f.Add([]byte(prefixed))
	f.Add([]byte(env(`<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>x</faultstring></soapenv:Fault>`)))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE x>` + env(`<p/>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Read(bytes.NewReader(data), Limits{MaxBytes: 8 << 10, MaxDepth: 8})
		if err == nil && m.Fault == nil {
			var v struct {
				XMLName xml.Name
				Any     []struct {
					XMLName xml.Name
					Text    string `xml:",chardata"`
				} `xml:",any"`
			}
			err = m.DecodePayload(&v)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("error %v does not match ErrMalformed", err)
		}
	})
}

// TestReadSOAP12ShapedFault: a fault with SOAP 1.2's children (Code/Value,
// Reason/Text, Detail) inside a SOAP 1.1 envelope keeps its code and its
// reason text.
func TestReadSOAP12ShapedFault(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, fault string
		want        Fault
	}{
		{"receiver", `<soap12:Code><soap12:Value>soap12:Receiver</soap12:Value><soap12:Subcode><soap12:Value>x:Db</soap12:Value></soap12:Subcode></soap12:Code>` +
			`<soap12:Reason><soap12:Text xml:lang="sv">Databasen svarar inte</soap12:Text><soap12:Text xml:lang="en">No database</soap12:Text></soap12:Reason>` +
			`<soap12:Detail>trace 7</soap12:Detail>`,
			Fault{Code: CodeServer, String: "Databasen svarar inte", Detail: "trace 7"}},
		{"sender, unqualified", `<Code><Value>Sender</Value></Code><Reason><Text>bad bookingId</Text></Reason>`,
			Fault{Code: CodeClient, String: "bad bookingId"}},
		{"a faultcode wins", `<faultcode>soapenv:Server</faultcode><soap12:Code><soap12:Value>soap12:Sender</soap12:Value></soap12:Code><soap12:Reason><soap12:Text>why</soap12:Text></soap12:Reason>`,
			Fault{Code: CodeServer, String: "why"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := `<soapenv:Envelope xmlns:soapenv="` + NSEnvelope + `" xmlns:soap12="` + NSEnvelope12 + `"><soapenv:Body><soapenv:Fault>` +
				tt.fault + `</soapenv:Fault></soapenv:Body></soapenv:Envelope>`
			m, err := Read(strings.NewReader(in), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Fault == nil {
				t.Fatal("no fault")
			}
			if diff := cmp.Diff(&tt.want, m.Fault, cmpopts.IgnoreUnexported(Fault{})); diff != "" {
				t.Errorf("fault (-want +got):\n%s", diff)
			}
		})
	}
	_, err := Read(strings.NewReader(`<soapenv:Envelope xmlns:soapenv="`+NSEnvelope+`"><soapenv:Body><soapenv:Fault><Reason><Text>only a reason</Text></Reason></soapenv:Fault></soapenv:Body></soapenv:Envelope>`), Limits{})
	if !errors.Is(err, ErrMalformed) || err == nil || !strings.Contains(err.Error(), "only a reason") {
		t.Errorf("a fault without a code: error %v, want a malformed one that keeps the reason", err)
	}
}
