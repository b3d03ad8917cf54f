package crmwire

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// wantPrefixOnce reports a message that does not start with "crmwire: "
// or repeats a package's prefix after it.
func wantPrefixOnce(t *testing.T, msg string) {
	t.Helper()
	rest, ok := strings.CutPrefix(msg, "crmwire: ")
	if !ok {
		t.Errorf("%q does not start with \"crmwire: \"", msg)
	}
	for _, p := range []string{"crmwire: ", "soap: ", "tidbok: "} {
		if strings.Contains(rest, p) {
			t.Errorf("%q repeats the prefix %q", msg, p)
		}
	}
}

func TestErrorsSayTheirPrefixOnce(t *testing.T) {
	t.Parallel()
	t.Run("an answer that is not XML", func(t *testing.T) {
		t.Parallel()
		_, err := DecodeResponse(tidbok.OpTimeTypes, strings.NewReader("<not xml"), soap.Limits{})
		if !errors.Is(err, ErrMalformed) {
			t.Fatalf("err = %v, want ErrMalformed", err)
		}
		wantPrefixOnce(t, err.Error())
	})
	t.Run("a contract 1.0 lacks", func(t *testing.T) {
		t.Parallel()
		_, err := EncodeRequest(tidbok.OpCareTypes, Header{Version: V10, LogicalAddress: hsaClinic}, tidbok.CareTypesRequest{})
		if !errors.Is(err, tidbok.ErrNotSupported) {
			t.Fatalf("err = %v, want ErrNotSupported", err)
		}
		wantPrefixOnce(t, err.Error())
	})
	t.Run("an invalid request to send", func(t *testing.T) {
		t.Parallel()
		_, err := EncodeRequest(tidbok.OpTimeTypes, Header{}, tidbok.TimeTypesRequest{})
		if !errors.Is(err, tidbok.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
		wantPrefixOnce(t, err.Error())
	})
	t.Run("a request with an invalid subject", func(t *testing.T) {
		t.Parallel()
		_, err := DecodeRequest(bytes.NewReader(envelope(bp21(pnSubject), scheduleBody("19121212121X"))), soap.Limits{})
		f, ok := errors.AsType[*soap.Fault](err)
		if !ok {
			t.Fatalf("err = %v, want a fault", err)
		}
		for _, p := range []string{"crmwire: ", "soap: ", "tidbok: "} {
			if strings.Contains(f.String, p) {
				t.Errorf("faultstring %q names the package of %q", f.String, p)
			}
		}
		if !errors.Is(err, tidbok.ErrInvalid) {
			t.Errorf("err = %v, want ErrInvalid", err)
		}
		wantPrefixOnce(t, errors.Unwrap(err).Error())
	})
}
