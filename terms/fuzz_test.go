package terms_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/terms"
)

// FuzzParse checks, for any input, that Parse does not panic and that what
// it accepts
//   - was valid UTF-8;
//   - has blocks of a known kind, none empty, whose lines are non-empty,
//     hold no line break and have no white space at either end;
//   - renders to HTML with no '<', '>' or quote but those of its own tags;
//   - comes back unchanged from Parse(doc.Text()) (Text is canonical).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"Välkommen!\n\n- Avboka senast 24 timmar före.\n- Uteblivet besök debiteras.",
		"<script>alert(1)</script>",
		"- <a href=\"javascript:alert(1)\">x</a>\n  fortsättning",
		"•a\n* b\n-c\n- \n\r\n\t- d",
		"a\u00a0\u2028b\r\rc",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		doc, err := terms.Parse(in)
		if err != nil {
			return
		}
		if !utf8.ValidString(in) {
			t.Fatalf("Parse accepted invalid UTF-8 %q", in)
		}
		for _, b := range doc.Blocks {
			if b.Kind != terms.Paragraph && b.Kind != terms.List || len(b.Lines) == 0 {
				t.Fatalf("block %+v: unknown kind or empty", b)
			}
			for _, l := range b.Lines {
				if l == "" || strings.ContainsAny(l, "\r\n") || strings.TrimSpace(l) != l {
					t.Fatalf("line %q: empty, with a line break or untrimmed", l)
				}
			}
		}
		if rest := withoutOwnTags(string(doc.HTML())); strings.ContainsAny(rest, "<>\"'") {
			t.Fatalf("HTML of %q holds the author's markup: %q", in, rest)
		}
		again, err := terms.Parse(doc.Text())
		if err != nil {
			t.Fatalf("Parse(Text()) = %v", err)
		}
		if diff := cmp.Diff(doc, again); diff != "" {
			t.Fatalf("Parse(Text()) differs for %q (-first +again):\n%s", in, diff)
		}
	})
}
