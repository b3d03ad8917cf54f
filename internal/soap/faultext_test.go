package soap

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var kindName = xml.Name{Space: "urn:webbtidbok:test:ext:1", Local: "errorKind"}

func TestFaultExtRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range []*Fault{
		{Code: CodeClient, String: "not found", Detail: "no booking B1 & more", Ext: []DetailElement{{Name: kindName, Text: "not-found"}}},
		{Code: CodeClient, String: "only ext", Ext: []DetailElement{{Name: kindName, Text: "a<b"}, {Name: xml.Name{Space: kindName.Space, Local: "other"}, Text: "x"}}},
	} {
		data, err := Marshal(Header{}, f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Read(bytes.NewReader(data), Limits{})
		if err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if diff := cmp.Diff(f, m.Fault, cmpopts.IgnoreUnexported(Fault{})); diff != "" {
			t.Errorf("fault (-want +got):\n%s\n%s", diff, data)
		}
		if got, ok := m.Fault.ExtText(kindName); !ok || got != f.Ext[0].Text {
			t.Errorf("ExtText = %q, %v; want %q", got, ok, f.Ext[0].Text)
		}
	}
}

func TestFaultExtReadFromPrefixedDetail(t *testing.T) {
	t.Parallel()
	in := `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:w="urn:webbtidbok:test:ext:1"><S:Body><S:Fault>
<faultcode>S:Client</faultcode><faultstring>x</faultstring>
<detail>
  text <x:info xmlns:x="urn:x">more <w:nested>kept</w:nested></x:info>
  <w:errorKind> slot-taken </w:errorKind>
</detail></S:Fault></S:Body></S:Envelope>`
	m, err := Read(strings.NewReader(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := &Fault{
		Code: CodeClient, String: "x",
		// Only direct children of detail are extension elements; the
		// nested one stays part of the other party's text.
		Detail: "text more kept",
		Ext:    []DetailElement{{Name: kindName, Text: "slot-taken"}},
	}
	if diff := cmp.Diff(want, m.Fault, cmpopts.IgnoreUnexported(Fault{})); diff != "" {
		t.Errorf("fault (-want +got):\n%s", diff)
	}
}

func TestFaultExtNeedsOurNamespace(t *testing.T) {
	t.Parallel()
	for _, name := range []xml.Name{{Local: "errorKind"}, {Space: "urn:other", Local: "errorKind"}, {Space: kindName.Space}} {
		f := &Fault{Code: CodeClient, String: "x", Ext: []DetailElement{{Name: name, Text: "v"}}}
		if _, err := Marshal(Header{}, f); err == nil {
			t.Errorf("Marshal with detail element %v succeeded", name)
		}
	}
	var nilFault *Fault
	if _, ok := nilFault.ExtText(kindName); ok {
		t.Error("ExtText on a nil fault reports an element")
	}
}
