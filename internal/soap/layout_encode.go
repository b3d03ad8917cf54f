package soap

import (
	"reflect"
	"unicode/utf8"
)

// appendPayload appends the payload element v (a non-nil pointer to rl's
// struct) with the prefixes of rl, whose declarations are on the
// Envelope.
func appendPayload(dst []byte, rl *rootLayout, v reflect.Value) []byte {
	dst = append(dst, rl.open...)
	dst = append(dst, '>')
	if ca, ok := v.Interface().(ContentAppender); ok && rl.prefixes != nil {
		if d, ok := ca.AppendContent(dst); ok {
			return append(d, rl.close...)
		}
	}
	dst = appendFields(dst, rl.layout, v.Elem())
	return append(dst, rl.close...)
}

func appendFields(dst []byte, l *layout, s reflect.Value) []byte {
	for i := range l.fields {
		f := &l.fields[i]
		fv := s.Field(f.index)
		switch f.kind {
		case kindString:
			str := fv.String()
			if str == "" && f.omitEmpty {
				continue
			}
			dst = append(dst, f.open...)
			dst = appendEscaped(dst, str)
			dst = append(dst, f.close...)
		case kindStrings:
			for j := range fv.Len() {
				dst = append(dst, f.open...)
				dst = appendEscaped(dst, fv.Index(j).String())
				dst = append(dst, f.close...)
			}
		case kindBoolPtr:
			if fv.IsNil() {
				continue
			}
			dst = append(dst, f.open...)
			if fv.Elem().Bool() {
				dst = append(dst, f.trueText...)
			} else {
				dst = append(dst, f.falseText...)
			}
			dst = append(dst, f.close...)
		case kindStructPtr:
			if fv.IsNil() {
				continue
			}
			dst = append(dst, f.open...)
			dst = appendFields(dst, f.sub, fv.Elem())
			dst = append(dst, f.close...)
		case kindStructs:
			for j := range fv.Len() {
				dst = append(dst, f.open...)
				dst = appendFields(dst, f.sub, fv.Index(j))
				dst = append(dst, f.close...)
			}
		}
	}
	return dst
}

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

// isXMLChar reports whether r is a Char of XML 1.0 (§2.2).
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
