package terms_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func para(lines ...string) terms.Block { return terms.Block{Kind: terms.Paragraph, Lines: lines} }
func list(items ...string) terms.Block { return terms.Block{Kind: terms.List, Lines: items} }

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []terms.Block
	}{
		{"empty text", "", nil},
		{"only white space", " \n\t\n  ", nil},
		{"one paragraph", "Välkommen till\nVårdcentralen Exempel.", []terms.Block{para("Välkommen till", "Vårdcentralen Exempel.")}},
		{"two paragraphs", "Först.\n\nSedan.", []terms.Block{para("Först."), para("Sedan.")}},
		{"bullets of every kind", "- ett\n* två\n• tre\n•fyra", []terms.Block{list("ett", "två", "tre", "fyra")}},
		{"indented bullets", "  - ett\n\t- två", []terms.Block{list("ett", "två")}},
		{"a paragraph then a list without a blank line", "Villkor:\n- Avboka senast 24 timmar före.\n- Ta med legitimation.",
			[]terms.Block{para("Villkor:"), list("Avboka senast 24 timmar före.", "Ta med legitimation.")}},
		{"a list then a paragraph without a blank line", "- ett\nMer text.", []terms.Block{list("ett"), para("Mer text.")}},
		{"an indented line continues the item", "- Uteblivet besök\n  debiteras.\n- två", []terms.Block{list("Uteblivet besök debiteras.", "två")}},
		{"a blank line ends a list", "- ett\n\n- två", []terms.Block{list("ett"), list("två")}},
		{"a marker alone counts as blank", "- ett\n-\n- två", []terms.Block{list("ett"), list("två")}},
		{"a dash without a space is text", "-5 grader\n**Obs!** viktigt\n--", []terms.Block{para("-5 grader", "**Obs!** viktigt", "--")}},
		{"white space is collapsed", "  Ring   oss\t på  \u00a0 telefon.  ", []terms.Block{para("Ring oss på telefon.")}},
		{"every line break", "a\r\nb\rc\n\r\nd", []terms.Block{para("a", "b", "c"), para("d")}},
		{"markup is text", "<b>fet</b> & \"citat\"", []terms.Block{para("<b>fet</b> & \"citat\"")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := terms.Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			if diff := cmp.Diff(terms.Document{Blocks: tc.want}, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.in, diff)
			}
			again, err := terms.Parse(got.Text())
			if err != nil {
				t.Fatalf("Parse(Text()) = %v", err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("Parse(Text()) differs (-first +again):\n%s", diff)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		line int
	}{
		{"text that is not UTF-8", "ok\n\xffbad", 2},
		{"a NUL", "a\x00b", 1},
		{"an escape character", "ok\n\nx\x1b[31m", 3},
		{"a C1 control character", "a\u0085b", 1},
		{"a bidirectional override", "fakturan \u202egnp.exe", 1},
		{"a bidirectional isolate", "\n\u2066x", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := terms.Parse(tc.in)
			var pe *terms.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tidbok.ErrInvalid) {
				t.Fatalf("Parse = %v, want a *ParseError matching tidbok.ErrInvalid", err)
			}
			if pe.Line != tc.line {
				t.Errorf("line %d, want %d", pe.Line, tc.line)
			}
		})
	}
}

func TestHTMLEscapesEverythingTheAuthorWrote(t *testing.T) {
	t.Parallel()
	in := "<script>alert('x')</script>\n" +
		"Tom & Jerry \"citat\"\n" +
		"\n" +
		"- <a href=\"javascript:alert(1)\">klicka</a>\n" +
		"- javascript:alert(1)\n" +
		"- <img src=x onerror=alert(1)>"
	doc, err := terms.Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	want := "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;<br>\n" +
		"Tom &amp; Jerry &#34;citat&#34;</p>\n" +
		"<ul>\n" +
		"<li>&lt;a href=&#34;javascript:alert(1)&#34;&gt;klicka&lt;/a&gt;</li>\n" +
		"<li>javascript:alert(1)</li>\n" +
		"<li>&lt;img src=x onerror=alert(1)&gt;</li>\n" +
		"</ul>\n"
	if diff := cmp.Diff(want, string(doc.HTML())); diff != "" {
		t.Errorf("HTML (-want +got):\n%s", diff)
	}
	if rest := withoutOwnTags(string(doc.HTML())); strings.ContainsAny(rest, "<>\"'") {
		t.Errorf("HTML holds markup of the author's: %q", rest)
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	doc := terms.Document{Blocks: []terms.Block{para("Välkommen.", "Ring oss."), list("ett", "två"), para("Slut.")}}
	want := "Välkommen.\nRing oss.\n\n- ett\n- två\n\nSlut."
	if got := doc.Text(); got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if got := (terms.Document{}).HTML(); got != "" {
		t.Errorf("HTML of the empty document = %q, want empty", got)
	}
}

// ownTags are the only tags HTML writes.
var ownTags = strings.NewReplacer("<p>", "", "</p>", "", "<br>", "", "<ul>", "", "</ul>", "", "<li>", "", "</li>", "")

func withoutOwnTags(html string) string { return ownTags.Replace(html) }
