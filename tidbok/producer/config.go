package producer

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// Config configures a Handler. Facilities is required, and so is a say on
// who may call: Consumers, or AnyConsumer set. Every other zero field
// means the documented default; the zero Policy is [Strict].
type Config struct {
	// Facilities are the HSA-ids of the clinics the handler answers for:
	// the logical addresses it accepts, and the facilities a request's
	// body may name. Required; compared case-insensitively.
	Facilities []tidbok.HSAID

	// Texts is the clinic's wording of the text shown to the citizen when
	// the book refuses a write (op is OpBook, OpReschedule or OpCancel)
	// with err, which matches one of tidbok.ErrSlotTaken, ErrNotFound,
	// ErrNotAllowed, ErrInvalid or ErrNotSupported, and carries no text of
	// the book's own (a book's [tidbok.OpError] Text always wins).
	// Returning "" means the catalogue's text ([texts.Default]); nil means
	// the catalogue's for everything. The flow (booking.Config.Texts)
	// takes the same function. It is called concurrently.
	Texts texts.Func

	// MaxBodyBytes is the largest request body read, in bytes; zero means
	// 1 MiB. A larger request is answered with a Client fault.
	MaxBodyBytes int64

	// MaxDepth is the deepest element nesting accepted in a request,
	// counting the Envelope as 1; zero means 64.
	MaxDepth int

	// Logger receives one record per request, and the audit events when
	// Audit is nil; nil discards them.
	Logger *slog.Logger

	// Consumers are the HSA-ids of the consumers that may call at all, as
	// their verified client certificates name them ([ClientHSAID]): the
	// service platform's, or a portal's. A request from any other, or
	// over a connection without such a certificate, is answered with a
	// Client fault (kind not-allowed) before the body is read. Either
	// Consumers or AnyConsumer is required.
	Consumers []tidbok.HSAID

	// AnyConsumer lets every caller that reaches the handler call it, with
	// or without a client certificate. Set it only on a network where
	// something else decides who gets through, and in tests. It cannot be
	// combined with Consumers.
	AnyConsumer bool

	// Policy says whose bookings an actor may read and write; the zero
	// value is [Strict]. See [TrustPlatform] for handing that decision to
	// the national platform.
	Policy Policy

	// Proxies vouches for a citizen acting for another (a guardian) under
	// [Strict]; nil means nobody may act for another citizen. It is
	// meaningless under [TrustPlatform] and refused there.
	Proxies ProxyResolver

	// Audit receives one [Event] for every read and write of a citizen's
	// bookings, refused ones too. Nil means [LogAudit] with Logger, which
	// is for development: production should record the events durably.
	Audit AuditSink

	// Clock gives the time of audit events; nil means time.Now.
	Clock func() time.Time

	// MaxInFlight is the most requests the handler serves at once; zero
	// means DefaultMaxInFlight (16). Further requests wait for their turn
	// before their body is read, for as long as their context lasts (the
	// client's patience, or the server's timeouts); one whose context
	// ends first is answered 503 Service Unavailable with Retry-After.
	// Waiting rather than refusing at once keeps a burst of writes from
	// turning into answers a consumer must treat as lost.
	MaxInFlight int

	// TracerProvider makes a server span per request, named by its
	// operation as package tidbok/telemetry names them, with
	// OpenTelemetry's HTTP server attributes; nil means otel's global
	// one, which does nothing until the application installs an SDK.
	TracerProvider trace.TracerProvider
	// MeterProvider makes the metrics of the requests, per operation
	// (tidbok.book "producer"); nil means otel's global one.
	MeterProvider metric.MeterProvider
	// Propagator reads the consumer's trace context from the request's
	// HTTP headers, so that the server span is a child of the consumer's;
	// nil means otel's global one.
	Propagator propagation.TextMapPropagator
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
	errs = append(errs, AccessProblems("producer", "Config", c.Consumers, c.AnyConsumer, c.Policy, c.Proxies)...)
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

// AccessProblems reports, one error each, the problems with who may call
// a handler and for whom: consumers and anyConsumer (one of them is
// required, not both), the policy, and proxies (nil under TrustPlatform).
// Config checks its fields so; another handler that serves a book by the
// producer's rules (package tidbok/fhir) checks its own with it. pkg and
// config name the package and its configuration in the messages, e.g.
// "producer" and "Config".
func AccessProblems(pkg, config string, consumers []tidbok.HSAID, anyConsumer bool, policy Policy, proxies ProxyResolver) []error {
	var errs []error
	at := pkg + ": " + config
	switch {
	case len(consumers) == 0 && !anyConsumer:
		errs = append(errs, errors.New(at+" names no consumers: list the HSA-ids of the client certificates that may call in "+config+".Consumers, or set "+config+".AnyConsumer on a trusted network or in a test"))
	case len(consumers) > 0 && anyConsumer:
		errs = append(errs, errors.New(at+".Consumers and "+config+".AnyConsumer are both set: keep the list, or clear it to let any consumer call"))
	}
	for i, id := range consumers {
		if id.IsZero() {
			errs = append(errs, fmt.Errorf("%s.Consumers[%d] is the zero HSA-id: parse it with tidbok.ParseHSAID", at, i))
		}
	}
	switch {
	case policy != Strict && policy != TrustPlatform:
		errs = append(errs, fmt.Errorf("%s.Policy is %v: use producer.Strict or producer.TrustPlatform", at, policy))
	case policy == TrustPlatform && proxies != nil:
		errs = append(errs, errors.New(at+".Proxies is set under TrustPlatform, which asks it nothing: clear it, or use Strict"))
	}
	return errs
}
