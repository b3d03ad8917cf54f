package terms

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Limits on the parts of [Terms], in characters (runes).
const (
	// MaxTextLen bounds ClinicText, Concerns and Conditions each.
	MaxTextLen = 4000
	// MaxLabelLen bounds MessageLabel.
	MaxLabelLen = 100
)

// Terms are the texts a clinic writes for one case type, as authored: the
// parts 1177's administration asks clinics for today. ClinicText, Concerns
// and Conditions are short paragraphs and bullet points (see [Parse]).
type Terms struct {
	// ClinicText is the clinic's own text (Mottagningens text), shown
	// before the citizen starts; optional.
	ClinicText string
	// Concerns says what the booking concerns (Bokningen avser), shown when
	// the citizen chooses a time type; optional.
	Concerns string
	// MessageLabel is the label above the citizen's message field
	// (Information till vården), one line; optional. It is shown only
	// where the case type and the book let the citizen write.
	MessageLabel string
	// Conditions are what the citizen must accept, with a checkbox, before
	// booking, cancelling or rescheduling (Villkor); required.
	Conditions string
}

// Validate reports every problem with t at once. The error matches
// [tidbok.ErrInvalid]; each problem is a [*tidbok.FieldError] naming the
// part ("Conditions") and, for a text that does not parse, the line.
func (t Terms) Validate() error {
	var p tidbok.Problems
	t.check(&p, "")
	return p.Err()
}

// check records t's problems, with field names prefixed by prefix.
func (t Terms) check(p *tidbok.Problems, prefix string) {
	for _, part := range []struct {
		field, text string
		required    bool
	}{
		{"ClinicText", t.ClinicText, false},
		{"Concerns", t.Concerns, false},
		{"Conditions", t.Conditions, true},
	} {
		field := prefix + part.field
		if n := utf8.RuneCountInString(part.text); n > MaxTextLen {
			p.Add(field, "is %d characters long; shorten it to at most %d", n, MaxTextLen)
			continue
		}
		doc, err := Parse(part.text)
		var pe *ParseError
		switch {
		case errors.As(err, &pe):
			p.Add(field, "line %d %s", pe.Line, pe.Problem)
		case part.required && doc.IsZero():
			p.Add(field, "is empty: write the conditions the citizen must accept")
		}
	}
	label := prefix + "MessageLabel"
	switch n := utf8.RuneCountInString(t.MessageLabel); {
	case n > MaxLabelLen:
		p.Add(label, "is %d characters long; shorten it to at most %d", n, MaxLabelLen)
	case strings.ContainsAny(t.MessageLabel, "\r\n"):
		p.Add(label, "must be one line")
	default:
		var pe *ParseError
		if errors.As(checkLine(1, t.MessageLabel), &pe) {
			p.Add(label, "%s", pe.Problem)
		}
	}
}

// Documents are the parsed texts of [Terms], ready to render.
type Documents struct {
	ClinicText, Concerns, Conditions Document
}

// Documents parses the texts of t. It fails only for terms that do not
// validate; those of a published [Version] always parse.
func (t Terms) Documents() (Documents, error) {
	if err := t.Validate(); err != nil {
		return Documents{}, err
	}
	var d Documents
	d.ClinicText, _ = Parse(t.ClinicText)
	d.Concerns, _ = Parse(t.Concerns)
	d.Conditions, _ = Parse(t.Conditions)
	return d, nil
}

// canonical returns t in the form it is stored and hashed in: each text as
// its Document's Text, the label with white space collapsed. Terms that
// differ only in white space or bullet characters are equal in this form.
// t must be valid.
func (t Terms) canonical() Terms {
	d, _ := t.Documents()
	return Terms{
		ClinicText:   d.ClinicText.Text(),
		Concerns:     d.Concerns.Text(),
		MessageLabel: strings.Join(strings.Fields(t.MessageLabel), " "),
		Conditions:   d.Conditions.Text(),
	}
}

// hash returns the hex SHA-256 of canonical terms. Valid texts hold no NUL,
// so the separators make the encoding unambiguous.
func (t Terms) hash() string {
	h := sha256.New()
	for _, s := range []string{"webbtidbok terms 1", t.ClinicText, t.Concerns, t.MessageLabel, t.Conditions} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
