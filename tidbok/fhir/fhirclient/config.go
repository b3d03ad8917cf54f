package fhirclient

import (
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/internal/httpsend"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Doer sends an HTTP request; *http.Client is one.
type Doer interface {
	Do(req *http.Request) (*http.Response, error)
}

// Defaults of [Config]'s zero fields, as in mvkclient.
const (
	DefaultRateLimit        rate.Limit = 10
	DefaultBurst                       = 10
	DefaultMaxRetries                  = 3
	DefaultInitialBackoff              = 100 * time.Millisecond
	DefaultMaxBackoff                  = 2 * time.Second
	DefaultAttemptTimeout              = 10 * time.Second
	DefaultMaxResponseBytes            = 8 << 20
	DefaultReconcileDelay              = 200 * time.Millisecond
	DefaultReconcileTimeout            = 4 * time.Second
)

// Config configures a [Client]. Only BaseURL is required; zero fields
// take the defaults above.
type Config struct {
	// BaseURL is the FHIR server's base, below which /metadata,
	// /Appointment and the rest are found: https://host/fhir.
	BaseURL string

	// HTTPClient sends the requests. Nil means a client of its own over
	// a clone of http.DefaultTransport with TLSConfig (for mutual TLS,
	// the consumer's function certificate). Set one or the other.
	HTTPClient Doer
	TLSConfig  *tls.Config

	// Capabilities, when not zero, narrows what the server's
	// CapabilityStatement offers: the client's Capabilities are the
	// intersection.
	Capabilities tidbok.Capabilities

	// RateLimit and Burst bound the calls per second (rate.Inf: none).
	RateLimit rate.Limit
	Burst     int

	// MaxRetries bounds the resends of a read (negative: none); writes
	// are never resent. Backoff is exponential from InitialBackoff to
	// MaxBackoff; AttemptTimeout bounds one attempt.
	MaxRetries                 int
	InitialBackoff, MaxBackoff time.Duration
	AttemptTimeout             time.Duration

	// MaxResponseBytes bounds an answer's body.
	MaxResponseBytes int64

	// ReconcileDelay is the wait before the first read that looks for a
	// write whose answer was lost, doubled before each further read;
	// ReconcileTimeout bounds the reconciliation.
	ReconcileDelay   time.Duration
	ReconcileTimeout time.Duration

	// Logger receives a record per attempt and reconciliation, personal
	// identity numbers masked. Nil: none.
	Logger *slog.Logger

	// TracerProvider and MeterProvider record a client span and metrics
	// per call (nil: the global providers); Propagator carries the trace
	// to the server (nil: the global propagator).
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	Propagator     propagation.TextMapPropagator
}

type settings struct {
	base           string
	doer           Doer
	hooked         bool
	narrow         tidbok.Capabilities
	limiter        *rate.Limiter
	maxRetries     int
	initialBackoff time.Duration
	maxBackoff     time.Duration
	attemptTimeout time.Duration
	maxBytes       int64
	reconcileDelay time.Duration
	reconcileLimit time.Duration
	logger         *slog.Logger
	tracerProvider trace.TracerProvider
	meterProvider  metric.MeterProvider
	propagator     propagation.TextMapPropagator
}

// settings checks c, reporting every problem at once.
func (c Config) settings() (*settings, error) {
	var p tidbok.Problems
	s := &settings{
		narrow:         c.Capabilities,
		maxRetries:     orDefault(c.MaxRetries, DefaultMaxRetries),
		initialBackoff: orDefault(c.InitialBackoff, DefaultInitialBackoff),
		maxBackoff:     orDefault(c.MaxBackoff, DefaultMaxBackoff),
		attemptTimeout: orDefault(c.AttemptTimeout, DefaultAttemptTimeout),
		maxBytes:       orDefault(c.MaxResponseBytes, DefaultMaxResponseBytes),
		reconcileDelay: orDefault(c.ReconcileDelay, DefaultReconcileDelay),
		reconcileLimit: orDefault(c.ReconcileTimeout, DefaultReconcileTimeout),
		logger:         c.Logger,
		tracerProvider: c.TracerProvider,
		meterProvider:  c.MeterProvider,
		propagator:     c.Propagator,
	}
	base := strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	switch u, err := url.Parse(base); {
	case base == "":
		p.Add("BaseURL", "is required: the FHIR server's base URL, such as https://host/fhir")
	case err != nil:
		p.Add("BaseURL", "is not a URL: %v", err)
	case u.Scheme != "http" && u.Scheme != "https":
		p.Add("BaseURL", "must be an http or https URL, not %q", base)
	case u.Host == "":
		p.Add("BaseURL", "names no host")
	case u.RawQuery != "" || u.Fragment != "":
		p.Add("BaseURL", "must have no query or fragment")
	default:
		s.base = base
	}
	switch {
	case c.HTTPClient != nil && c.TLSConfig != nil:
		p.Add("TLSConfig", "is used only to build a client when HTTPClient is nil: put it in your HTTPClient's transport")
	case c.HTTPClient != nil:
		s.doer = c.HTTPClient
	default:
		s.doer = httpsend.NewClient(c.TLSConfig)
	}
	s.hooked = httpsend.Hooked(s.doer)
	s.limiter = httpsend.Limiter(p.Add, c.RateLimit, c.Burst, DefaultRateLimit, DefaultBurst)
	if c.MaxRetries < 0 {
		s.maxRetries = 0
	}
	httpsend.CheckTimings(p.Add,
		httpsend.Timings{InitialBackoff: c.InitialBackoff, MaxBackoff: c.MaxBackoff, AttemptTimeout: c.AttemptTimeout,
			ReconcileDelay: c.ReconcileDelay, ReconcileTimeout: c.ReconcileTimeout},
		httpsend.Timings{InitialBackoff: s.initialBackoff, MaxBackoff: s.maxBackoff, AttemptTimeout: s.attemptTimeout,
			ReconcileDelay: s.reconcileDelay, ReconcileTimeout: s.reconcileLimit})
	if c.MaxResponseBytes < 0 {
		p.Add("MaxResponseBytes", "must not be negative (zero means the default)")
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
