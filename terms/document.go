package terms

import (
	"fmt"
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Document is a text as clinics write it: paragraphs and bullet lists.
// The zero Document is empty. Documents are values made by [Parse]; their
// lines are never empty and hold no line breaks, and white space within
// them is collapsed to single spaces.
type Document struct {
	Blocks []Block
}

// Block is one paragraph or one bullet list.
type Block struct {
	Kind BlockKind
	// Lines are a paragraph's lines, in order, or a list's items.
	Lines []string
}

// BlockKind says what a [Block] is.
type BlockKind uint8

// The kinds of block.
const (
	// Paragraph is lines of text shown together, each on its own line.
	Paragraph BlockKind = iota + 1
	// List is a bullet list, one item per line.
	List
)

// String returns "paragraph" or "list".
func (k BlockKind) String() string {
	switch k {
	case Paragraph:
		return "paragraph"
	case List:
		return "list"
	default:
		return fmt.Sprintf("BlockKind(%d)", uint8(k))
	}
}

// ParseError is a problem with an authored text, on a line counted from 1.
// It matches [tidbok.ErrInvalid]. It is always used as a pointer.
type ParseError struct {
	Line    int
	Problem string
}

// Error implements error.
func (e *ParseError) Error() string {
	return fmt.Sprintf("terms: line %d %s", e.Line, e.Problem)
}

// Unwrap returns [tidbok.ErrInvalid].
func (e *ParseError) Unwrap() error { return tidbok.ErrInvalid }

// Parse reads an authored text into a [Document]:
//
//   - A blank line ends a paragraph or a list.
//   - A line whose first character, after white space, is '-' or '*'
//     followed by white space, or is '•', is a bullet item. A marker alone
//     on a line counts as a blank line.
//   - An indented line right after an item continues that item.
//   - Other lines are paragraph lines; consecutive ones form a paragraph.
//     A paragraph line right after an item starts a new paragraph, and an
//     item right after a paragraph line starts a new list.
//
// Line breaks may be "\n", "\r\n" or "\r". White space within a line is
// collapsed to single spaces. Parse fails, with a [*ParseError], only on
// text that is not valid UTF-8 or contains control characters other than
// tab and line breaks, or bidirectional-override characters (which can
// make a text read differently from what it says).
//
// Parse(d.Text()) returns d again for every Document d that Parse made.
func Parse(text string) (Document, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var (
		doc  Document
		cur  *Block // the block being built; nil after a blank line
		item bool   // the previous line was a bullet item
	)
	for i, line := range strings.Split(text, "\n") {
		if err := checkLine(i+1, line); err != nil {
			return Document{}, err
		}
		first, _ := utf8.DecodeRuneInString(line)
		indented := unicode.IsSpace(first)
		body, isItem := bullet(line)
		content := strings.Join(strings.Fields(body), " ")
		switch {
		case content == "":
			cur, item = nil, false
		case isItem:
			if cur == nil || cur.Kind != List {
				doc.Blocks = append(doc.Blocks, Block{Kind: List})
				cur = &doc.Blocks[len(doc.Blocks)-1]
			}
			cur.Lines = append(cur.Lines, content)
			item = true
		case item && indented:
			cur.Lines[len(cur.Lines)-1] += " " + content
		default:
			if cur == nil || cur.Kind != Paragraph {
				doc.Blocks = append(doc.Blocks, Block{Kind: Paragraph})
				cur = &doc.Blocks[len(doc.Blocks)-1]
			}
			cur.Lines = append(cur.Lines, content)
			item = false
		}
	}
	return doc, nil
}

// bullet returns the line without its bullet marker and whether it had
// one. A line with only a marker is an item with an empty body.
func bullet(line string) (body string, ok bool) {
	t := strings.TrimLeftFunc(line, unicode.IsSpace)
	r, size := utf8.DecodeRuneInString(t)
	rest := t[size:]
	switch r {
	case '•':
		return rest, true
	case '-', '*':
		if next, _ := utf8.DecodeRuneInString(rest); rest == "" || unicode.IsSpace(next) {
			return rest, true
		}
	}
	return line, false
}

// checkLine refuses what must never reach a citizen's screen.
func checkLine(n int, line string) error {
	if !utf8.ValidString(line) {
		return &ParseError{Line: n, Problem: "is not valid UTF-8 text"}
	}
	for _, r := range line {
		switch {
		case r == '\t':
		case unicode.IsControl(r):
			return &ParseError{Line: n, Problem: fmt.Sprintf("contains the control character %U: remove it", r)}
		case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return &ParseError{Line: n, Problem: fmt.Sprintf("contains the bidirectional formatting character %U: remove it", r)}
		}
	}
	return nil
}

// HTML renders d as HTML: each paragraph a <p> with its lines separated by
// <br>, each list a <ul> of <li>. Every character the author wrote is
// escaped as text, so the result holds no markup but these tags. The
// output is the same for equal Documents.
func (d Document) HTML() template.HTML {
	var b strings.Builder
	for _, blk := range d.Blocks {
		switch blk.Kind {
		case Paragraph:
			b.WriteString("<p>")
			for i, l := range blk.Lines {
				if i > 0 {
					b.WriteString("<br>\n")
				}
				b.WriteString(template.HTMLEscapeString(l))
			}
			b.WriteString("</p>\n")
		case List:
			b.WriteString("<ul>\n")
			for _, l := range blk.Lines {
				b.WriteString("<li>")
				b.WriteString(template.HTMLEscapeString(l))
				b.WriteString("</li>\n")
			}
			b.WriteString("</ul>\n")
		}
	}
	// Every byte from the author went through HTMLEscapeString above.
	return template.HTML(b.String())
}

// Text renders d as plain text, e.g. for an e-mail or a screen reader:
// paragraphs as their lines, list items as lines beginning with "- ", and
// a blank line between blocks. It is also the canonical form of an
// authored text: Parse(d.Text()) equals d.
func (d Document) Text() string {
	var b strings.Builder
	for i, blk := range d.Blocks {
		if i > 0 {
			b.WriteString("\n\n")
		}
		for j, l := range blk.Lines {
			if j > 0 {
				b.WriteByte('\n')
			}
			if blk.Kind == List {
				b.WriteString("- ")
			}
			b.WriteString(l)
		}
	}
	return b.String()
}

// IsZero reports whether d has no text.
func (d Document) IsZero() bool { return len(d.Blocks) == 0 }
