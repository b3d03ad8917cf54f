package soap_test

import (
	"bytes"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
)

// envelopeWith is a GetBookingDetails request whose Envelope start tag and
// payload start tag carry the given extra attributes.
func envelopeWith(envAttrs, payloadAttrs string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"` + envAttrs + `>` +
		`<soapenv:Header><itr:LogicalAddress xmlns:itr="urn:riv:itintegration:registry:1">SE2321000016-A65H</itr:LogicalAddress></soapenv:Header>` +
		`<soapenv:Body><r:GetBookingDetails xmlns:r="urn:riv:crm:scheduling:GetBookingDetailsResponder:1"` + payloadAttrs + `>` +
		`<r:healthcare_facility>SE2321000016-A65H</r:healthcare_facility><r:bookingId>B1</r:bookingId></r:GetBookingDetails></soapenv:Body></soapenv:Envelope>`)
}

// readBoth reads and decodes msg with Read (the fast path when it can)
// and with the reference path alone, and returns both errors.
func readBoth(msg []byte, lim soap.Limits) map[string]error {
	errs := map[string]error{}
	for name, read := range map[string]func() (*soap.Message, error){
		"Read":          func() (*soap.Message, error) { return soap.Read(bytes.NewReader(msg), lim) },
		"ReadReference": func() (*soap.Message, error) { return soap.ReadReference(bytes.NewReader(msg), lim) },
	} {
		m, err := read()
		if err == nil {
			err = m.DecodePayload(new(crmwire.GetBookingDetails))
		}
		errs[name] = err
	}
	return errs
}

func TestDuplicateAttributesAreRejected(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, envAttrs, payloadAttrs, attr string
	}{
		{"a namespace declared twice", ` xmlns:a="urn:a" xmlns:a="urn:a"`, ``, "xmlns:a"},
		{"the default namespace declared twice", ` xmlns="urn:a" xmlns="urn:b"`, ``, "xmlns"},
		{"an attribute twice", ``, ` id="1" id="2"`, "id"},
		{"a prefixed attribute twice", ``, ` soapenv:mustUnderstand="0" soapenv:mustUnderstand="1"`, "soapenv:mustUnderstand"},
		{"two prefixes of one namespace", ` xmlns:p="urn:p" xmlns:q="urn:p"`, ` p:id="1" q:id="2"`, "q:id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for path, err := range readBoth(envelopeWith(tt.envAttrs, tt.payloadAttrs), soap.Limits{}) {
				if !errors.Is(err, soap.ErrMalformed) || !strings.Contains(err.Error(), "has the attribute "+tt.attr+" twice") {
					t.Errorf("%s: error %v, want a malformed message naming the attribute %s", path, err, tt.attr)
				}
				if f := soap.FaultFor(err); !f.IsClient() {
					t.Errorf("%s: answered with %v, want a Client fault", path, f.Code)
				}
			}
		})
	}
	// The same local name in two namespaces, or with and without a
	// prefix, is two attributes.
	for path, err := range readBoth(envelopeWith(` xmlns:p="urn:p" xmlns:q="urn:q"`, ` p:id="1" q:id="2" id="3"`), soap.Limits{}) {
		if err != nil {
			t.Errorf("%s: distinct attributes of one local name: %v", path, err)
		}
	}
}

func TestAttributeLimits(t *testing.T) {
	t.Parallel()
	attrs := func(n int, name string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(" " + name + strconv.Itoa(i) + `="v"`)
		}
		return b.String()
	}
	for _, tt := range []struct {
		name                   string
		envAttrs, payloadAttrs string
		lim                    soap.Limits
		wantErr                bool
	}{
		{"the default number on one element", "", attrs(soap.DefaultMaxAttrs-1, "a"), soap.Limits{}, false},
		{"one more than the default on one element", "", attrs(soap.DefaultMaxAttrs, "a"), soap.Limits{}, true},
		{"namespace declarations count on their element", attrs(soap.DefaultMaxAttrs, "xmlns:n"), "", soap.Limits{}, true},
		{"a higher limit", "", attrs(40, "a"), soap.Limits{MaxAttrs: 41}, false},
		{"attribute bytes over the limit", attrs(10, "a"), attrs(10, "b"), soap.Limits{MaxAttrBytes: 100}, true},
		{"namespace declarations do not count as attribute bytes", attrs(20, "xmlns:n"), "", soap.Limits{MaxAttrBytes: 10}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for path, err := range readBoth(envelopeWith(tt.envAttrs, tt.payloadAttrs), tt.lim) {
				if tt.wantErr != errors.Is(err, soap.ErrTooManyAttrs) || tt.wantErr != errors.Is(err, soap.ErrMalformed) {
					t.Errorf("%s: error %v; want one matching ErrTooManyAttrs and ErrMalformed: %v", path, err, tt.wantErr)
				}
				if !tt.wantErr && err != nil {
					t.Errorf("%s: %v", path, err)
				}
			}
		})
	}
}

// attributeHeavy returns a request of about size bytes whose payload's
// elements carry as many short attributes as the limit on one element
// allows, and, with oneElement, one element with all of them.
func attributeHeavy(size int, oneElement bool, lead string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?>` + lead + `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
		`<r:GetBookingDetails xmlns:r="urn:riv:crm:scheduling:GetBookingDetailsResponder:1">`)
	for i := 0; b.Len() < size-200; i++ {
		if !oneElement || i == 0 {
			b.WriteString(`<r:x`)
		}
		for j := range 30 {
			b.WriteString(` a` + strconv.Itoa(i*30+j) + `="v"`)
		}
		if !oneElement {
			b.WriteString(`/>`)
		}
	}
	if oneElement {
		b.WriteString(`/>`)
	}
	b.WriteString(`</r:GetBookingDetails></soapenv:Body></soapenv:Envelope>`)
	return b.Bytes()
}

// TestAnAttributeHeavyMessageIsRefusedEarly: a 1 MiB message of
// attributes is refused before its attributes are allocated, by either
// path: one read allocates less than three times the message's size
// (encoding/xml alone allocates about twelve times it). Not parallel:
// it measures the process's allocations.
func TestAnAttributeHeavyMessageIsRefusedEarly(t *testing.T) {
	const size = 1 << 20
	for _, tt := range []struct {
		name       string
		oneElement bool
		lead       string // a comment sends the message to the reference path
	}{
		{"many elements, fast path", false, ""},
		{"one element, fast path", true, ""},
		{"many elements, reference path", false, "<!-- x -->"},
		{"one element, reference path", true, "<!-- x -->"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			msg := attributeHeavy(size, tt.oneElement, tt.lead)
			read := func() error {
				m, err := soap.Read(bytes.NewReader(msg), soap.Limits{})
				if err == nil {
					err = m.DecodePayload(new(crmwire.GetBookingDetails))
				}
				return err
			}
			if err := read(); !errors.Is(err, soap.ErrTooManyAttrs) {
				t.Fatalf("error %v, want one matching ErrTooManyAttrs", err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err := read()
			runtime.ReadMemStats(&after)
			if !errors.Is(err, soap.ErrTooManyAttrs) {
				t.Fatalf("error %v, want one matching ErrTooManyAttrs", err)
			}
			got := after.TotalAlloc - before.TotalAlloc
			t.Logf("one read of %d bytes allocated %d bytes", len(msg), got)
			if got > 3*size {
				t.Errorf("one read of a %d-byte message allocated %d bytes, want at most %d", len(msg), got, 3*size)
			}
		})
	}
}
