package crmwire

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// emptyElement matches <x/> and <x ...></x>: optional elements must be
// left out rather than written empty.
var emptyElement = regexp.MustCompile(`<[^>/]+/>|<([A-Za-z_][\w.:-]*)(\s[^>]*)?></([A-Za-z_][\w.:-]*)>`)

// checkNoEmptyElements fails when data has an empty element other than a
// response root (an empty list is an empty response).
func checkNoEmptyElements(t *testing.T, name string, data []byte) {
	t.Helper()
	for _, m := range emptyElement.FindAllSubmatch(data, -1) {
		if bytes.HasSuffix(m[1], []byte("Response")) {
			continue
		}
		t.Errorf("%s writes an empty element %s:\n%s", name, m[0], data)
	}
}

// TestRoundTrip sends every contract's request and result through the
// codec with every field set and with only the required ones: the value
// that comes out equals the one that went in, and every message validates
// against the official 1.1 schemas.
func TestRoundTrip(t *testing.T) {
	x := xsdFor(t, V11)
	for _, f := range fixtures(t) {
		c, _ := ContractFor(f.op)
		t.Run(c.Name+"/"+f.name, func(t *testing.T) {
			t.Parallel()
			h := Header{LogicalAddress: hsaClinic}

			env, err := EncodeRequest(f.op, h, f.req)
			if err != nil {
				t.Fatalf("EncodeRequest: %v", err)
			}
			checkNoEmptyElements(t, "request", env)
			x.ValidateEnvelope(t, c.Name, c.Name+" request", env)
			got, err := DecodeRequest(bytes.NewReader(env), soap.Limits{})
			if err != nil {
				t.Fatalf("DecodeRequest: %v\n%s", err, env)
			}
			want := Request{Op: f.op, Header: h, Value: f.req}
			if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
				t.Errorf("request round trip (-want +got):\n%s\n%s", diff, env)
			}

			env, err = EncodeResponse(f.op, f.res)
			if err != nil {
				t.Fatalf("EncodeResponse: %v", err)
			}
			checkNoEmptyElements(t, "response", env)
			x.ValidateEnvelope(t, c.Name, c.Name+" response", env)
			res, err := DecodeResponse(f.op, bytes.NewReader(env), soap.Limits{})
			if err != nil {
				t.Fatalf("DecodeResponse: %v\n%s", err, env)
			}
			if diff := cmp.Diff(f.res, res, cmpOpts); diff != "" {
				t.Errorf("response round trip (-want +got):\n%s\n%s", diff, env)
			}
		})
	}
}

// TestPointersAccepted: request and result pointers work like values.
func TestPointersAccepted(t *testing.T) {
	t.Parallel()
	f := fixtures(t)[0]
	req := f.req.(tidbok.ScheduleRequest)
	if _, err := EncodeRequest(f.op, Header{LogicalAddress: hsaClinic}, &req); err != nil {
		t.Errorf("EncodeRequest(pointer): %v", err)
	}
	res := f.res.(tidbok.ScheduleResult)
	if _, err := EncodeResponse(f.op, &res); err != nil {
		t.Errorf("EncodeResponse(pointer): %v", err)
	}
	if _, err := EncodeRequest(tidbok.OpBook, Header{LogicalAddress: hsaClinic}, req); err == nil {
		t.Error("EncodeRequest accepted a ScheduleRequest for OpBook")
	}
	if _, err := EncodeResponse(tidbok.OpCancel, res); err == nil {
		t.Error("EncodeResponse accepted a ScheduleResult for OpCancel")
	}
}
