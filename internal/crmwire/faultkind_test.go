package crmwire

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// TestFaultKindRoundTrip: a fault made with WithErrorKind keeps its text
// and gives the sentinel back after a trip over the wire.
func TestFaultKindRoundTrip(t *testing.T) {
	t.Parallel()
	for _, sentinel := range []error{tidbok.ErrSlotTaken, tidbok.ErrNotFound, tidbok.ErrNotAllowed, tidbok.ErrInvalid, tidbok.ErrNotSupported, tidbok.ErrNotSent} {
		t.Run(sentinel.Error(), func(t *testing.T) {
			t.Parallel()
			cause := fmt.Errorf("wrapped: %w", &tidbok.OpError{Op: tidbok.OpBookingDetails, Err: sentinel})
			in := soap.ClientFault("booking not found").WithCause(cause)
			in.Detail = "see the log"
			f := WithErrorKind(in, cause)
			if !errors.Is(f, cause) {
				t.Error("WithErrorKind dropped the cause")
			}
			if in.Ext != nil {
				t.Error("WithErrorKind changed its argument")
			}
			env, err := EncodeFault(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = DecodeResponse(tidbok.OpBookingDetails, bytes.NewReader(env), soap.Limits{})
			got, ok := errors.AsType[*soap.Fault](err)
			if !ok {
				t.Fatalf("DecodeResponse error %v is not a *soap.Fault", err)
			}
			want := &soap.Fault{Code: soap.CodeClient, String: "booking not found", Detail: "see the log",
				Ext: []soap.DetailElement{{Name: errorKindName, Text: mustKind(t, sentinel)}}}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(soap.Fault{})); diff != "" {
				t.Errorf("fault (-want +got):\n%s", diff)
			}
			if s, ok := FaultKind(got); !ok || s != sentinel {
				t.Errorf("FaultKind = %v, %v; want %v, true", s, ok, sentinel)
			}
		})
	}
}

func mustKind(t *testing.T, err error) string {
	t.Helper()
	k, ok := errorKindOf(err)
	if !ok {
		t.Fatalf("no kind for %v", err)
	}
	return k
}

func TestFaultKindWithoutKind(t *testing.T) {
	t.Parallel()
	plain := soap.ServerFault("boom")
	if got := WithErrorKind(plain, errors.New("disk on fire")); got != plain {
		t.Error("WithErrorKind changed a fault for an error that matches no sentinel")
	}
	if got := WithErrorKind(nil, tidbok.ErrNotFound); got != nil {
		t.Error("WithErrorKind(nil) is not nil")
	}
	for name, f := range map[string]*soap.Fault{
		"nil":     nil,
		"plain":   plain,
		"unknown": {Code: soap.CodeClient, Ext: []soap.DetailElement{{Name: errorKindName, Text: "on-fire"}}},
		"empty":   {Code: soap.CodeClient, Ext: []soap.DetailElement{{Name: errorKindName}}},
	} {
		if s, ok := FaultKind(f); ok || s != nil {
			t.Errorf("%s: FaultKind = %v, %v; want nil, false", name, s, ok)
		}
	}
	// A second WithErrorKind replaces the kind instead of adding one.
	f := WithErrorKind(WithErrorKind(plain, tidbok.ErrNotFound), tidbok.ErrSlotTaken)
	if len(f.Ext) != 1 {
		t.Fatalf("Ext = %v, want one element", f.Ext)
	}
	if s, _ := FaultKind(f); s != tidbok.ErrSlotTaken {
		t.Errorf("FaultKind = %v, want ErrSlotTaken", s)
	}
}
