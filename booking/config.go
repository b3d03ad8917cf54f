package booking

import (
	"log/slog"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// Defaults for the zero fields of [Config].
const (
	// DefaultHoldTTL is how long a hold lasts.
	DefaultHoldTTL = 5 * time.Minute
	// DefaultAlternatives is how many alternatives a [*SlotTakenError]
	// carries at most.
	DefaultAlternatives = 3
	// DefaultKeyLease is how long a call may hold its request key before
	// a repeated call with the same key may take it over (and reconcile).
	DefaultKeyLease = 2 * time.Minute
	// DefaultKeyTTL is how long the outcome of a call is kept for repeats
	// with the same request key.
	DefaultKeyTTL = 24 * time.Hour
	// DefaultSearchDays is how many days a search spans when it names no
	// last date and the case type sets no horizon.
	DefaultSearchDays = 31
)

// Config configures a [Service]. Book, CaseTypes and Terms are required;
// every other zero field means the default its doc states.
//
// The stores decide across processes: two portal processes that share a
// book must share the Holds, Keys and Moves stores too, or holds,
// request keys and reschedule counts hold within one process only (the
// book itself still never books a slot twice). The in-memory defaults
// serve one process.
type Config struct {
	// Book is the appointment book; required. One book may serve many
	// clinics (as a client over the wire does): every call names its
	// clinic.
	Book tidbok.Tidbok
	// CaseTypes holds the clinics' case types and their rules; required.
	CaseTypes *casetype.Registry
	// Terms holds the case types' terms and the citizens' acceptances;
	// required.
	Terms *terms.Registry

	// Holds keeps holds on slots. Default: [store.NewMemHolds].
	Holds store.Holds
	// Keys keeps the outcomes of calls by request key (see "Request
	// keys" in the package doc). Default: [store.NewMemKeys].
	//
	// When Keys is also a [store.Settler] that shares Holds, Outbox and
	// Audit (sqlstore's Keys with the same database's Holds, Outbox and
	// Audit; [store.MemSettler] in memory), what follows the book's
	// answer to a Book, Reschedule or Cancel — the key's outcome, the
	// hold's release, the messages and the audit event — is written in
	// one transaction rather than one by one.
	Keys store.Keys
	// Moves counts how often each booking was moved through the service.
	// Default: [store.NewMemMoves].
	Moves store.Moves
	// Requests keeps citizens' requests (Beställa tid). Default:
	// [store.NewMemRequests].
	Requests store.Requests
	// Outbox keeps the messages every booking, move and cancellation
	// owes the citizen (a [Letter] for each channel of the booking's
	// [Consent]), for a delivery worker (package booking/delivery) to
	// send. Default: none, and nothing is queued.
	Outbox store.Outbox
	// Waitlist keeps the clinics' cancellation lists (återbud) and the
	// offers of freed times; see "Cancellation list" in the package doc.
	// It needs Outbox, OfferKey and OfferLink. Default: none, and
	// [Service.JoinWaitlist] is refused.
	Waitlist store.Waitlist
	// OfferKey signs the links of offers (HMAC-SHA256): at least 32
	// random bytes, the same in every process that serves the links.
	OfferKey []byte
	// OfferLink makes an offer's link from its token, e.g.
	// "https://portal.example/aterbud?t=" + url.QueryEscape(token).
	OfferLink func(token string) string

	// Audit receives an event for every read and write of a citizen's
	// bookings and requests. Default: [LogAudit] with Logger, or with
	// slog.Default when Logger is nil: audit events are never discarded.
	Audit AuditSink
	// Notifier is told of confirmed, rescheduled and cancelled bookings,
	// for the portal's SMS and e-mail. Default: none.
	Notifier Notifier
	// Guardians says who is a child's guardian. Needed only where a case
	// type uses [casetype.ProxyGuardianUnder13]; without it guardians are
	// refused.
	Guardians GuardianResolver

	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// Logger receives diagnostics (never personal identity numbers in
	// clear). Default: none (discarded).
	Logger *slog.Logger

	// TracerProvider makes the tracer of the service's spans: one per
	// call, named by its action ("booking book"), with a child for a
	// wait for a request key and for a reconciliation. Default: the
	// global one (otel.GetTracerProvider), which records nothing until
	// the application installs an SDK.
	TracerProvider trace.TracerProvider
	// MeterProvider makes the meter of the service's metrics (calls,
	// errors by kind, durations, holds, request keys replayed,
	// reconciliations). Default: the global one (otel.GetMeterProvider).
	// Spans and metrics carry no personal data: see [AttrAction] and the
	// other attributes.
	MeterProvider metric.MeterProvider

	// HoldTTL is how long a hold lasts. Default: [DefaultHoldTTL].
	HoldTTL time.Duration
	// Alternatives is how many alternatives a [*SlotTakenError] carries
	// at most; negative means none. Default: [DefaultAlternatives].
	Alternatives int
	// KeyLease is how long a call may hold its request key before a
	// repeat may take over; it should exceed the longest write to the
	// book, retries included. Default: [DefaultKeyLease].
	KeyLease time.Duration
	// KeyTTL is how long outcomes are kept for repeats. Default:
	// [DefaultKeyTTL].
	KeyTTL time.Duration
	// Texts is the clinic's wording of the texts the citizen is shown
	// when Book, Reschedule or Cancel is refused or fails: the same
	// function as the producer's Config.Texts, called with the
	// operation (tidbok.OpBook, OpReschedule or OpCancel) and the error,
	// which matches this package's sentinel where the flow refused (for
	// example [ErrTooSoon]) and the book's otherwise. Returning "" keeps
	// the text the service gives (the catalogue's, package tidbok/texts,
	// or the flow's own); a text the book gave itself always wins, and a
	// repeat with a request key shows the first call's text. Default:
	// none. It is called concurrently.
	Texts texts.Func
	// SearchDays is how many days a search spans when it names no last
	// date and the case type has no horizon. Default:
	// [DefaultSearchDays].
	SearchDays int
}

// validate reports every problem with c at once; the error matches
// tidbok.ErrInvalid.
func (c Config) validate() error {
	var p tidbok.Problems
	if c.Book == nil {
		p.Add("Book", "is required: the appointment book (memtidbok, a client over the wire, a vendor's book)")
	}
	if c.CaseTypes == nil {
		p.Add("CaseTypes", "is required: the clinics' case types (casetype.New)")
	}
	if c.Terms == nil {
		p.Add("Terms", "is required: the terms register (terms.New)")
	}
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"HoldTTL", c.HoldTTL}, {"KeyLease", c.KeyLease}, {"KeyTTL", c.KeyTTL}} {
		if d.v < 0 {
			p.Add(d.field, "is negative; use zero for the default")
		}
	}
	c.validateWaitlist(&p)
	if c.SearchDays < 0 {
		p.Add("SearchDays", "is negative; use zero for the default")
	}
	lease, ttl := orDefault(c.KeyLease, DefaultKeyLease), orDefault(c.KeyTTL, DefaultKeyTTL)
	if c.KeyLease >= 0 && c.KeyTTL >= 0 && ttl <= lease {
		p.Add("KeyTTL", "is %v, not longer than KeyLease %v: outcomes would be forgotten while calls run", ttl, lease)
	}
	if err := p.Err(); err != nil {
		return &configError{problems: err}
	}
	return nil
}

// configError is the error of [New] for an invalid Config: every
// problem, each naming its field, as in "booking: invalid config: Book is
// required: …; KeyTTL is 1m0s, …". It matches tidbok.ErrInvalid, and
// [tidbok.FieldErrors] lists the problems.
type configError struct{ problems error }

func (e *configError) Error() string {
	fes := tidbok.FieldErrors(e.problems)
	parts := make([]string, len(fes))
	for i, fe := range fes {
		parts[i] = fe.Field + " " + fe.Problem
	}
	return "booking: invalid config: " + strings.Join(parts, "; ")
}

func (e *configError) Unwrap() error { return e.problems }

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
