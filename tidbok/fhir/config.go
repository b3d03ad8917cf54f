package fhir

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// Config configures a Handler. It is producer.Config's counterpart, with
// the same rules for who may call and whose bookings an actor may touch:
// Facilities is required, and so is a say on who may call (Consumers or
// AnyConsumer); every other zero field means the documented default, and
// the zero Policy is producer.Strict.
type Config struct {
	// Facilities are the HSA-ids of the clinics the façade answers for:
	// one Schedule, Location and Organization each. Required. Their
	// order is part of the ids of slots, bookings and services the façade
	// hands out (see the package doc), so keep it when restarting, and
	// add new clinics at the end.
	Facilities []tidbok.HSAID

	// BasePath is the path the façade is served under, e.g. "/fhir": the
	// handler answers [BasePath]/metadata, [BasePath]/Slot and so on, and
	// writes absolute URLs (Bundle links, fullUrl) with it. "" means the
	// root. Mount the handler at BasePath+"/" without stripping it.
	BasePath string

	// Texts is the clinic's wording of the text shown to the citizen when
	// the book refuses a call (see producer.Config.Texts); nil means the
	// catalogue's ([texts.Default]). A book's own text always wins.
	Texts texts.Func

	// MaxBodyBytes is the largest request body read, in bytes; zero means
	// 1 MiB.
	MaxBodyBytes int64

	// Logger receives one record per request, and the audit events when
	// Audit is nil; nil discards them.
	Logger *slog.Logger

	// Consumers are the HSA-ids of the consumers that may call at all, as
	// their verified client certificates name them
	// ([producer.ClientHSAID]). Either Consumers or AnyConsumer is
	// required.
	Consumers []tidbok.HSAID
	// AnyConsumer lets every caller that reaches the handler call it. Set
	// it only where something else decides who gets through, and in
	// tests. It cannot be combined with Consumers.
	AnyConsumer bool

	// Policy says whose bookings an actor may read and write; the zero
	// value is producer.Strict. See the package doc.
	Policy producer.Policy
	// Proxies vouches for a citizen acting for another (a guardian) under
	// producer.Strict; nil means nobody may. Refused under
	// producer.TrustPlatform.
	Proxies producer.ProxyResolver

	// Audit receives one [Event] for every request but /metadata,
	// refused ones too. Nil means [LogAudit] with Logger.
	Audit AuditSink

	// Holds keeps the holds of $hold and enforces them at $book. Nil
	// means the façade does not hold: $hold is answered not-supported.
	// A portal's booking flow and the façade that share one store honour
	// each other's holds.
	Holds Holds
	// HoldTTL is how long a hold lasts; zero means 10 minutes.
	HoldTTL time.Duration

	// PageSize is the number of slots or proposed appointments in a page
	// when the request has no _count; zero means 50. MaxPageSize caps
	// _count; zero means 500.
	PageSize, MaxPageSize int

	// Clock gives the time of audit events, holds and the default search
	// window; nil means time.Now.
	Clock func() time.Time

	// TracerProvider, MeterProvider and Propagator are as in
	// producer.Config: a server span per request and the book's metrics
	// (tidbok.book "fhir"); nil means otel's global ones.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	Propagator     propagation.TextMapPropagator
}

// check returns every problem with c at once.
func (c *Config) check() error {
	var errs []error
	if len(c.Facilities) == 0 {
		errs = append(errs, errors.New("fhir: Config.Facilities is empty: name the HSA-ids of the clinics the façade answers for"))
	}
	for i, f := range c.Facilities {
		if f.IsZero() {
			errs = append(errs, fmt.Errorf("fhir: Config.Facilities[%d] is the zero HSA-id: parse it with tidbok.ParseHSAID", i))
		}
	}
	if c.BasePath != "" && (!strings.HasPrefix(c.BasePath, "/") || strings.HasSuffix(c.BasePath, "/")) {
		errs = append(errs, fmt.Errorf("fhir: Config.BasePath %q must start with a slash and not end with one, e.g. \"/fhir\"", c.BasePath))
	}
	if c.MaxBodyBytes < 0 {
		errs = append(errs, fmt.Errorf("fhir: Config.MaxBodyBytes is %d: use a positive size in bytes, or 0 for 1 MiB", c.MaxBodyBytes))
	}
	errs = append(errs, producer.AccessProblems("fhir", "Config", c.Consumers, c.AnyConsumer, c.Policy, c.Proxies)...)
	if c.HoldTTL < 0 {
		errs = append(errs, fmt.Errorf("fhir: Config.HoldTTL is %v: use a positive duration, or 0 for 10 minutes", c.HoldTTL))
	}
	if c.PageSize < 0 || c.MaxPageSize < 0 {
		errs = append(errs, fmt.Errorf("fhir: Config.PageSize %d and MaxPageSize %d must not be negative (0 means 50 and 500)", c.PageSize, c.MaxPageSize))
	}
	if c.PageSize > 0 && c.MaxPageSize > 0 && c.PageSize > c.MaxPageSize {
		errs = append(errs, fmt.Errorf("fhir: Config.PageSize %d is above MaxPageSize %d", c.PageSize, c.MaxPageSize))
	}
	return errors.Join(errs...)
}
