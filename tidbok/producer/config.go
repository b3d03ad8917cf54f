package producer

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Config configures a Handler. Only Facilities is required; every other
// zero field means the documented default.
type Config struct {
	// Facilities are the HSA-ids of the clinics the handler answers for:
	// the logical addresses it accepts, and the facilities a request's
	// body may name. Required; compared case-insensitively.
	Facilities []tidbok.HSAID

	// Texts returns the text shown to the citizen when the book refuses a
	// write (op is OpBook, OpReschedule or OpCancel) with err, which
	// matches one of tidbok.ErrSlotTaken, ErrNotFound, ErrNotAllowed,
	// ErrInvalid or ErrNotSupported, and carries no text of the book's own
	// (a book's [tidbok.OpError] Text always wins). Returning "" means
	// [DefaultText]; nil means DefaultText for everything. It is called
	// concurrently.
	Texts func(op tidbok.Operation, err error) string

	// MaxBodyBytes is the largest request body read, in bytes; zero means
	// 1 MiB. A larger request is answered with a Client fault.
	MaxBodyBytes int64

	// MaxDepth is the deepest element nesting accepted in a request,
	// counting the Envelope as 1; zero means 64.
	MaxDepth int

	// Logger receives one record per request; nil discards them.
	Logger *slog.Logger

	// MaxInFlight is the most requests the handler serves at once; zero
	// means DefaultMaxInFlight (16). Further requests wait for their turn
	// before their body is read, for as long as their context lasts (the
	// client's patience, or the server's timeouts); one whose context
	// ends first is answered 503 Service Unavailable with Retry-After.
	// Waiting rather than refusing at once keeps a burst of writes from
	// turning into answers a consumer must treat as lost.
	MaxInFlight int
}

// check returns every problem with c at once.
func (c *Config) check() error {
	var errs []error
	if len(c.Facilities) == 0 {
		errs = append(errs, errors.New("producer: Config.Facilities is empty: name the HSA-ids of the clinics this producer answers for"))
	}
	for i, f := range c.Facilities {
		if f.IsZero() {
			errs = append(errs, fmt.Errorf("producer: Config.Facilities[%d] is the zero HSA-id: parse it with tidbok.ParseHSAID", i))
		}
	}
	if c.MaxBodyBytes < 0 {
		errs = append(errs, fmt.Errorf("producer: Config.MaxBodyBytes is %d: use a positive size in bytes, or 0 for 1 MiB", c.MaxBodyBytes))
	}
	if c.MaxDepth < 0 {
		errs = append(errs, fmt.Errorf("producer: Config.MaxDepth is %d: use a positive depth, or 0 for 64", c.MaxDepth))
	}
	return errors.Join(errs...)
}

func (c *Config) limits() soap.Limits {
	l := soap.Limits{MaxBytes: c.MaxBodyBytes, MaxDepth: c.MaxDepth}
	if l.MaxBytes == 0 {
		l.MaxBytes = soap.DefaultMaxBytes
	}
	if l.MaxDepth == 0 {
		l.MaxDepth = soap.DefaultMaxDepth
	}
	return l
}

// The default texts for the citizen, per sentinel and, where the wording
// differs, per operation.
const (
	textSlotTaken = "Tiden är inte längre ledig. Välj en annan tid."

	textBookNotFound   = "Tiden finns inte längre. Välj en tid på nytt."
	textChangeNotFound = "Bokningen hittades inte."

	textBookNotAllowed   = "Det går inte att boka den här tiden via webben. Kontakta mottagningen."
	textChangeNotAllowed = "Det går inte att ändra bokningen via webben. Kontakta mottagningen."

	textInvalid = "Uppgifterna i bokningen är ofullständiga eller felaktiga. Försök igen eller kontakta mottagningen."

	textBookNotSupported       = "Mottagningen tar inte emot bokningar via webben. Kontakta mottagningen."
	textRescheduleNotSupported = "Mottagningen tar inte emot ombokningar via webben. Kontakta mottagningen."
	textCancelNotSupported     = "Mottagningen tar inte emot avbokningar via webben. Kontakta mottagningen."

	textOther = "Det gick inte att genomföra ändringen. Kontakta mottagningen."
)

// DefaultText returns the Swedish text for the citizen that the handler
// answers a refused write with when neither the book nor [Config.Texts]
// gives one. err should match one of tidbok.ErrSlotTaken, ErrNotFound,
// ErrNotAllowed, ErrInvalid or ErrNotSupported; for MakeBooking (op
// OpBook) the texts speak of the time, for the other writes of the
// booking. For example, ErrSlotTaken gives "Tiden är inte längre ledig.
// Välj en annan tid." and ErrNotAllowed on a cancellation "Det går inte att
// ändra bokningen via webben. Kontakta mottagningen."
func DefaultText(op tidbok.Operation, err error) string {
	book := op == tidbok.OpBook
	switch {
	case errors.Is(err, tidbok.ErrSlotTaken):
		return textSlotTaken
	case errors.Is(err, tidbok.ErrNotFound):
		if book {
			return textBookNotFound
		}
		return textChangeNotFound
	case errors.Is(err, tidbok.ErrNotAllowed):
		if book {
			return textBookNotAllowed
		}
		return textChangeNotAllowed
	case errors.Is(err, tidbok.ErrInvalid):
		return textInvalid
	case errors.Is(err, tidbok.ErrNotSupported):
		switch op {
		case tidbok.OpBook:
			return textBookNotSupported
		case tidbok.OpReschedule:
			return textRescheduleNotSupported
		case tidbok.OpCancel:
			return textCancelNotSupported
		}
	}
	return textOther
}

// citizenText returns the text for a write the book refused with err.
func (h *Handler) citizenText(op tidbok.Operation, err error) string {
	if t, ok := tidbok.CitizenText(err); ok {
		return t
	}
	if h.texts != nil {
		if t := h.texts(op, err); t != "" {
			return t
		}
	}
	return DefaultText(op, err)
}

// listFacilities names the served facilities for a fault, at most ten.
func listFacilities(fs []tidbok.HSAID) string {
	const most = 10
	s := ""
	for i, f := range fs {
		if i == most {
			return s + " and " + strconv.Itoa(len(fs)-most) + " more"
		}
		if i > 0 {
			s += ", "
		}
		s += f.String()
	}
	return s
}
