package booking

import (
	"context"
	"log/slog"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// maskingHandler passes records on with every personal identity number
// in their message and their text values masked
// ([tidbok.MaskPersonalNumbers]): the diagnostics log errors of the book
// and the stores, whose texts are theirs.
type maskingHandler struct{ h slog.Handler }

// maskLogger returns l logging through a maskingHandler; nil stays nil.
func maskLogger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return nil
	}
	return slog.New(maskingHandler{l.Handler()})
}

func (m maskingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return m.h.Enabled(ctx, level)
}

func (m maskingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, tidbok.MaskPersonalNumbers(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	return m.h.Handle(ctx, out)
}

func (m maskingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		masked[i] = maskAttr(a)
	}
	return maskingHandler{m.h.WithAttrs(masked)}
}

func (m maskingHandler) WithGroup(name string) slog.Handler {
	return maskingHandler{m.h.WithGroup(name)}
}

// maskAttr masks a's text: strings, errors and anything else printed as
// text; numbers, times and the like pass as they are.
func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, tidbok.MaskPersonalNumbers(v.String()))
	case slog.KindGroup:
		g := v.Group()
		masked := make([]any, len(g))
		for i, ga := range g {
			masked[i] = maskAttr(ga)
		}
		return slog.Group(a.Key, masked...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, tidbok.MaskPersonalNumbers(err.Error()))
		}
		return slog.String(a.Key, tidbok.MaskPersonalNumbers(v.String()))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
