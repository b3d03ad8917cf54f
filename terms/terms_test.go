package terms_test

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// fields returns the sorted field names of the problems in err.
func fields(err error) []string {
	var out []string
	for _, fe := range tidbok.FieldErrors(err) {
		out = append(out, fe.Field)
	}
	sort.Strings(out)
	return out
}

func validTerms() terms.Terms {
	return terms.Terms{
		ClinicText:   "Välkommen till Vårdcentralen Exempel.",
		Concerns:     "Besök hos läkare.",
		MessageLabel: "Information till vården",
		Conditions:   "- Avboka senast 24 timmar före besöket.\n- Uteblivet besök debiteras.",
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("å", terms.MaxTextLen+1)
	tests := []struct {
		name   string
		edit   func(*terms.Terms)
		fields []string
	}{
		{"valid terms", func(*terms.Terms) {}, nil},
		{"only conditions", func(tt *terms.Terms) { *tt = terms.Terms{Conditions: "Jag godkänner."} }, nil},
		{"texts of exactly the maximum length", func(tt *terms.Terms) {
			tt.ClinicText = strings.Repeat("å", terms.MaxTextLen)
			tt.MessageLabel = strings.Repeat("å", terms.MaxLabelLen)
		}, nil},
		{"empty conditions", func(tt *terms.Terms) { tt.Conditions = "" }, []string{"Conditions"}},
		{"conditions of only white space and markers", func(tt *terms.Terms) { tt.Conditions = " \n-\n•\n\t" }, []string{"Conditions"}},
		{"a clinic text too long", func(tt *terms.Terms) { tt.ClinicText = long }, []string{"ClinicText"}},
		{"a concerns text too long", func(tt *terms.Terms) { tt.Concerns = long }, []string{"Concerns"}},
		{"conditions too long", func(tt *terms.Terms) { tt.Conditions = long }, []string{"Conditions"}},
		{"a label too long", func(tt *terms.Terms) { tt.MessageLabel = strings.Repeat("x", terms.MaxLabelLen+1) }, []string{"MessageLabel"}},
		{"a label of two lines", func(tt *terms.Terms) { tt.MessageLabel = "Information\ntill vården" }, []string{"MessageLabel"}},
		{"a label with a control character", func(tt *terms.Terms) { tt.MessageLabel = "a\x07" }, []string{"MessageLabel"}},
		{"a clinic text that is not UTF-8", func(tt *terms.Terms) { tt.ClinicText = "\xff" }, []string{"ClinicText"}},
		{"a concerns text with a control character", func(tt *terms.Terms) { tt.Concerns = "ok\nnot\x00ok" }, []string{"Concerns"}},
		{"everything wrong at once", func(tt *terms.Terms) {
			*tt = terms.Terms{ClinicText: long, Concerns: "\x1b", MessageLabel: "a\nb"}
		}, []string{"ClinicText", "Concerns", "Conditions", "MessageLabel"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tt := validTerms()
			tc.edit(&tt)
			err := tt.Validate()
			if tc.fields != nil && !errors.Is(err, tidbok.ErrInvalid) {
				t.Fatalf("Validate = %v, want an error matching tidbok.ErrInvalid", err)
			}
			if diff := cmp.Diff(tc.fields, fields(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s\nerror: %v", diff, err)
			}
			if _, derr := tt.Documents(); (derr == nil) != (err == nil) {
				t.Errorf("Documents = %v, Validate = %v: want both nil or both errors", derr, err)
			}
		})
	}
}

func TestDocuments(t *testing.T) {
	t.Parallel()
	d, err := validTerms().Documents()
	if err != nil {
		t.Fatal(err)
	}
	want := terms.Document{Blocks: []terms.Block{list("Avboka senast 24 timmar före besöket.", "Uteblivet besök debiteras.")}}
	if diff := cmp.Diff(want, d.Conditions); diff != "" {
		t.Errorf("Conditions (-want +got):\n%s", diff)
	}
}
