package tidbok_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestParseHSAIDKeepsTheUpperCaseForm(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"a canonical HSA-id is kept", "SE2321000016-A65H", "SE2321000016-A65H"},
		{"lower-case letters are upper-cased", "se2321000016-1hz5", "SE2321000016-1HZ5"},
		{"mixed case is upper-cased", "Se2321000016-1Hz5", "SE2321000016-1HZ5"},
		{"surrounding white space is trimmed", " \tSE2321000016-A65H\n", "SE2321000016-A65H"},
		{"an id of exactly 64 characters is accepted", "SE" + strings.Repeat("1", 62), "SE" + strings.Repeat("1", 62)},
		{"an id without a dash is accepted", "SE2321000016", "SE2321000016"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := tidbok.ParseHSAID(tt.in)
			if err != nil {
				t.Fatalf("ParseHSAID: %v", err)
			}
			if diff := cmp.Diff(tt.want, h.String()); diff != "" {
				t.Errorf("String mismatch (-want +got):\n%s", diff)
			}
			if h.IsZero() {
				t.Error("IsZero() = true for a parsed HSA-id")
			}
		})
	}
}

func TestParseHSAIDRejectsInvalidInput(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"an empty string is refused", ""},
		{"only white space is refused", " \t "},
		{"a space inside is refused", "SE2321000016 A65H"},
		{"a tab inside is refused", "SE2321000016\tA65H"},
		{"a non-breaking space inside is refused", "SE2321000016\u00a0A65H"},
		{"a NUL byte is refused", "SE2321000016\x00A65H"},
		{"a DEL character is refused", "SE2321000016\x7fA65H"},
		{"an underscore is refused", "SE2321000016_A65H"},
		{"a non-ASCII letter is refused", "SE2321000016-Å65H"},
		{"a full-width digit is refused", "SE232100001６-A65H"},
		{"invalid UTF-8 is refused", "SE2321000016-\xffA65H"},
		{"65 characters are too many", "SE" + strings.Repeat("1", 63)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := tidbok.ParseHSAID(tt.in)
			requireIdentityError(t, err, "HSA-id")
			if !h.IsZero() {
				t.Errorf("got %v with the error, want the zero HSAID", h)
			}
		})
	}
}

// A personal number typed where an HSA-id belongs never reaches a log:
// the error gives its shape only. Other invalid input is repeated.
func TestParseHSAIDKeepsAPersonalNumberOutOfItsError(t *testing.T) {
	for _, in := range []string{"19121212+1212", "191212 1212", "19121212–1212"} {
		_, err := tidbok.ParseHSAID(in)
		var ie *tidbok.IdentityError
		if !errors.As(err, &ie) {
			t.Fatalf("ParseHSAID(%q) = %v, want an *IdentityError", in, err)
		}
		if strings.ContainsAny(ie.Input, "0123456789") || strings.Contains(err.Error(), "1212") {
			t.Errorf("ParseHSAID(%q): Input %q, error %q; want no digits of the input", in, ie.Input, err)
		}
	}
	_, err := tidbok.ParseHSAID("SE2321000016 A65H")
	if !strings.Contains(err.Error(), "SE2321000016 A65H") {
		t.Errorf("ParseHSAID of a mistyped HSA-id: %q, want the input repeated", err)
	}
}

func TestHSAIDComparesCaseInsensitively(t *testing.T) {
	upper := tidbok.MustHSAID("SE2321000016-1HZ5")
	lower := tidbok.MustHSAID("se2321000016-1hz5")
	other := tidbok.MustHSAID("SE2321000016-1HZ6")

	t.Run("ids differing only in case are Equal", func(t *testing.T) {
		if !upper.Equal(lower) {
			t.Errorf("%v.Equal(%v) = false, want true", upper, lower)
		}
	})
	t.Run("ids differing only in case are ==", func(t *testing.T) {
		if upper != lower {
			t.Errorf("%v != %v, want ==", upper, lower)
		}
	})
	t.Run("different ids are not Equal", func(t *testing.T) {
		if upper.Equal(other) {
			t.Errorf("%v.Equal(%v) = true, want false", upper, other)
		}
	})
	t.Run("ids differing only in case are one map key", func(t *testing.T) {
		names := map[tidbok.HSAID]string{upper: "Vårdcentralen"}
		if got := names[lower]; got != "Vårdcentralen" {
			t.Errorf("names[%v] = %q, want the entry stored under %v", lower, got, upper)
		}
	})
	t.Run("the zero HSAID equals only itself", func(t *testing.T) {
		var zero tidbok.HSAID
		if !zero.IsZero() || zero.String() != "" || zero.Equal(upper) {
			t.Errorf("zero HSAID: IsZero=%v String=%q Equal(upper)=%v", zero.IsZero(), zero.String(), zero.Equal(upper))
		}
	})
}

func TestHSAIDMarshalsTheCanonicalForm(t *testing.T) {
	type record struct {
		Facility tidbok.HSAID `json:"facility"`
	}
	tests := []struct {
		name string
		json string
		want record
		out  string
	}{
		{"a lower-case id is read and written upper-case", `{"facility":"se2321000016-a65h"}`,
			record{tidbok.MustHSAID("SE2321000016-A65H")}, `{"facility":"SE2321000016-A65H"}`},
		{"an empty id is the zero HSAID", `{"facility":""}`, record{}, `{"facility":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got record
			if err := json.Unmarshal([]byte(tt.json), &got); err != nil {
				t.Fatalf("json.Unmarshal: %v", err)
			}
			if got != tt.want {
				t.Errorf("json.Unmarshal gave %v, want %v", got, tt.want)
			}
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			if diff := cmp.Diff(tt.out, string(b)); diff != "" {
				t.Errorf("JSON mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("an invalid id fails to unmarshal with ErrInvalid", func(t *testing.T) {
		var r record
		err := json.Unmarshal([]byte(`{"facility":"SE 1"}`), &r)
		requireIdentityError(t, err, "HSA-id")
	})
}

func TestMustHSAIDPanicsOnInvalidInput(t *testing.T) {
	defer func() {
		r := recover()
		if err, ok := r.(error); !ok || !errors.Is(err, tidbok.ErrInvalid) {
			t.Errorf("panic value %v, want an error matching ErrInvalid", r)
		}
	}()
	tidbok.MustHSAID("SE 1")
}
