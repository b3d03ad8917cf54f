package soap_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/webbtidbok/webbtidbok/internal/soap"
)

func TestErrorsSayTheirPrefixOnce(t *testing.T) {
	t.Parallel()
	broken := errors.New("connection reset")
	tests := []struct {
		name  string
		in    io.Reader
		match error
	}{
		{"not XML", strings.NewReader("<not xml"), soap.ErrMalformed},
		{"a DOCTYPE", strings.NewReader(`<!DOCTYPE x><x/>`), soap.ErrDirective},
		{"a broken reader", iotest.ErrReader(broken), broken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := soap.Read(tt.in, soap.Limits{})
			if !errors.Is(err, tt.match) {
				t.Fatalf("Read: %v, want an error matching %v", err, tt.match)
			}
			msg := err.Error()
			if rest, ok := strings.CutPrefix(msg, "soap: "); !ok || strings.Contains(rest, "soap: ") {
				t.Errorf("Error() = %q, want the prefix \"soap: \" once, at the start", msg)
			}
			d, ok := soap.Detail(err)
			if !ok || "soap: "+d != msg {
				t.Errorf("Detail = %q, %v; want %q, true", d, ok, strings.TrimPrefix(msg, "soap: "))
			}
		})
	}
	if _, ok := soap.Detail(broken); ok {
		t.Error("Detail claims an error of another package")
	}
}
