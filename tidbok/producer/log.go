package producer

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// logExchange writes the request's one log record.
func (h *Handler) logExchange(r *http.Request, x exchange, status int, took time.Duration, writeErr error) {
	level := slog.LevelInfo
	if x.auditErr != nil || x.fault != nil && !x.fault.IsClient() {
		level = slog.LevelError
	}
	if !h.log.Enabled(r.Context(), level) {
		return
	}
	attrs := make([]slog.Attr, 0, 14)
	if x.opKnown {
		attrs = append(attrs, slog.String("contract", x.op.Contract()))
	}
	if !x.facility.IsZero() {
		attrs = append(attrs, slog.String("facility", x.facility.String()))
	}
	if x.actor != "" {
		attrs = append(attrs, slog.String("actor_type", x.actor))
	}
	who := x.who
	if x.ev != nil {
		who = x.ev.Actor
	}
	if a := actorText(who); a != "" {
		attrs = append(attrs, slog.String("actor", a))
	}
	if x.ev != nil && x.ev.BookingID != "" {
		attrs = append(attrs, slog.String("booking_id", x.ev.BookingID))
	}
	if consumer, ok := ClientHSAID(r); ok {
		attrs = append(attrs, slog.String("consumer", consumer.String()))
	}
	attrs = append(attrs, slog.Int("status", status), slog.Duration("duration", took))
	switch {
	case x.fault == nil:
		attrs = append(attrs, slog.String("outcome", "answered"))
	case x.fault.IsClient():
		attrs = append(attrs, slog.String("outcome", "client fault"), slog.String("fault", mask(x.fault.String)))
	default:
		attrs = append(attrs, slog.String("outcome", "server fault"))
		if x.ref != "" {
			attrs = append(attrs, slog.String("ref", x.ref))
		}
		if x.cause != nil {
			attrs = append(attrs, slog.String("error", mask(x.cause.Error())))
		} else {
			attrs = append(attrs, slog.String("fault", mask(x.fault.String)))
		}
	}
	if x.auditErr != nil {
		attrs = append(attrs, slog.String("audit_error", mask(x.auditErr.Error())))
	}
	if writeErr != nil {
		attrs = append(attrs, slog.String("write_error", writeErr.Error()))
	}
	h.log.LogAttrs(r.Context(), level, "crm:scheduling request", attrs...)
}

// mask hides every personal identity number in s (see
// [tidbok.MaskPersonalNumbers]), so that a book's error text cannot put one
// in the log or a faultstring.
func mask(s string) string { return tidbok.MaskPersonalNumbers(s) }

// refLetters spell references: consonants only, so that a reference is
// neither a word nor, being free of digits, ever mistaken for a personal
// identity number by a reader or a log scanner.
const refLetters = "bcdfghjkmnpqrstvwxz"

// newRef returns a short random reference that ties a Server fault to its
// log record: 12 letters, about 51 bits.
func newRef() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	for i, v := range b {
		b[i] = refLetters[int(v)%len(refLetters)]
	}
	return string(b[:])
}
