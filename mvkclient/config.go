package mvkclient

import (
	"crypto/tls"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/httpsend"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Doer sends one HTTP request and returns its response, as
// [*http.Client] does. The client sets the request's context and reads
// and closes the response body.
type Doer interface {
	Do(req *http.Request) (*http.Response, error)
}

// Version is the generation of the crm:scheduling contracts a producer
// speaks. The zero value is [V11].
type Version uint8

const (
	// V11 is crm:scheduling 1.1 over RIV-TA Basic Profile 2.1
	// (rivtabp21, LogicalAddress and Actor headers): the default, and what
	// new consumers must use.
	V11 Version = iota
	// V10 is crm:scheduling 1.0 over RIV-TA Basic Profile 2.0 (rivtabp20,
	// wsa:To, no Actor). It lacks CareTypes, Performers and Facilities,
	// which the client then reports as not supported.
	V10
)

// String returns "1.1" or "1.0".
func (v Version) String() string { return v.wire().String() }

func (v Version) wire() crmwire.Version {
	if v == V10 {
		return crmwire.V10
	}
	return crmwire.V11
}

// Defaults of [Config]. Each applies when the field is zero.
const (
	// DefaultRateLimit is the steady rate of calls to one producer, in
	// calls per second. The contract designs producers for 1 call per
	// second on average (crm-scheduling.md §2.8), but one citizen's search
	// sends three or four calls at once (time types, dates, slots), and
	// at 1 per second citizens would queue behind each other. 10 per
	// second lets normal traffic through unshaped and caps a runaway (a
	// loop in a portal, a crawler, many retries) at ten times the design
	// load instead of letting it take the clinic's book down.
	DefaultRateLimit rate.Limit = 10
	// DefaultBurst is how many calls may go at once before the rate
	// applies: room for two or three citizens' searches together.
	DefaultBurst = 10
	// DefaultMaxRetries is how many times a read is sent again after a
	// failure that may pass, so a read is sent at most 4 times.
	DefaultMaxRetries = 3
	// DefaultInitialBackoff is the wait before the first retry; it
	// doubles (with ±50 % jitter) for each further one.
	DefaultInitialBackoff = 100 * time.Millisecond
	// DefaultMaxBackoff caps the wait between retries.
	DefaultMaxBackoff = 2 * time.Second
	// DefaultAttemptTimeout bounds one attempt (sending the request and
	// reading the answer). The contract wants answers within 3 s for 95 %
	// of calls; 10 s leaves room for the slow 5 % without letting one
	// stuck connection take the caller's whole deadline.
	DefaultAttemptTimeout = 10 * time.Second
	// DefaultMaxResponseBytes is the largest answer read, in bytes, for
	// every contract except GetAvailableTimeslots.
	DefaultMaxResponseBytes = 1 << 20
	// DefaultMaxTimeslotsResponseBytes is the largest GetAvailableTimeslots
	// answer read, in bytes. A free slot takes about 950 bytes on the wire,
	// so 8 MiB holds about 8 800 slots: three weeks of 20-minute slots for
	// 20 clinicians.
	DefaultMaxTimeslotsResponseBytes = 8 << 20
	// DefaultReconcileDelay is the wait before the first read that looks
	// for the outcome of a write whose answer was lost, so that a request
	// still in flight has had time to commit. Later reads wait twice as
	// long as the one before.
	DefaultReconcileDelay = 200 * time.Millisecond
	// DefaultReconcileTimeout bounds the whole reconciliation of one
	// write, reads and waits included.
	DefaultReconcileTimeout = 4 * time.Second
)

// Config configures a [Client]. Zero fields mean the documented defaults;
// [New] validates the rest and reports every problem at once.
type Config struct {
	// BaseURL is the service platform's (or the producer's) address under
	// which each contract has its path, e.g.
	// "https://vp.example.se/vp/crm/scheduling": MakeBooking is then sent
	// to <BaseURL>/MakeBooking/1/rivtabp21 (rivtabp20 for V10). It must
	// be an absolute http or https URL. Required unless Endpoints names
	// every supported operation.
	BaseURL string
	// Endpoints overrides the address of single operations with complete
	// URLs.
	Endpoints map[tidbok.Operation]string

	// HTTPClient sends the requests, e.g. an *http.Client whose transport
	// presents the consumer's certificate. Nil means a client built for
	// this Client from TLSConfig, which neither follows redirects nor has
	// an overall timeout (AttemptTimeout bounds each attempt).
	HTTPClient Doer
	// TLSConfig is used only when HTTPClient is nil: the client
	// certificate (mutual TLS, RIV-TA's authentication of the consumer)
	// and the roots that verify the platform. It is cloned. Nil means
	// Go's defaults, with no client certificate.
	TLSConfig *tls.Config

	// LogicalAddress, when set, is sent as the logical address of every
	// call, e.g. "5565594230" to reach the national aggregating service.
	// Zero means the request's facility (the clinic's HSA-id), which is
	// what the platform routes on.
	LogicalAddress string
	// Capabilities are the operations the producer offers, as declared by
	// the clinic or found in the routing catalogue. Schedule is always
	// included. The others fail with an error matching
	// tidbok.ErrNotSupported without a call. Zero means
	// tidbok.AllCapabilities (less what V10 lacks).
	Capabilities tidbok.Capabilities
	// Version is the contract generation the producer speaks; zero means
	// V11.
	Version Version

	// RateLimit is the steady rate of calls to the producer, in calls per
	// second, shared by every operation and attempt; rate.Inf means no
	// limit. Zero means DefaultRateLimit.
	RateLimit rate.Limit
	// Burst is how many calls may go at once; zero means DefaultBurst.
	Burst int

	// MaxRetries is how many times a read is sent again; zero means
	// DefaultMaxRetries and a negative value means never. Writes are never
	// sent twice.
	MaxRetries int
	// InitialBackoff and MaxBackoff shape the exponential wait between
	// retries; zero means DefaultInitialBackoff and DefaultMaxBackoff.
	InitialBackoff, MaxBackoff time.Duration
	// AttemptTimeout bounds one attempt; zero means DefaultAttemptTimeout.
	// The caller's context bounds the whole call, retries included.
	AttemptTimeout time.Duration

	// MaxResponseBytes is the largest answer read, in bytes, for every
	// operation. Zero means DefaultMaxResponseBytes, and
	// DefaultMaxTimeslotsResponseBytes for AvailableTimeslots.
	MaxResponseBytes int64

	// ReconcileDelay is the wait before the first read that looks for the
	// outcome of a write whose answer was lost; zero means
	// DefaultReconcileDelay. It must be less than ReconcileTimeout.
	ReconcileDelay time.Duration
	// ReconcileTimeout bounds that reconciliation; zero means
	// DefaultReconcileTimeout. It runs under its own context, not the
	// caller's, which has often just expired: that is why the answer was
	// lost. A write whose answer was lost may so return up to
	// ReconcileTimeout after the caller's deadline.
	ReconcileTimeout time.Duration

	// Logger receives one debug record per attempt and a warning for each
	// write whose answer was lost; nil discards them. Records never hold a
	// personal identity number.
	Logger *slog.Logger
	// Now is the clock used for deadlines and durations; nil means
	// time.Now.
	Now func() time.Time

	// TracerProvider makes the spans of each operation, attempt and
	// reconciliation; nil means otel's global one, which does nothing
	// until the application installs an SDK. See package
	// tidbok/telemetry for the spans and metrics of the operations.
	TracerProvider trace.TracerProvider
	// MeterProvider makes the metrics of each operation, and of retries
	// and reconciliations; nil means otel's global one.
	MeterProvider metric.MeterProvider
	// Propagator writes the trace context into each request's HTTP
	// headers (not the envelope), so that the producer's span is a child
	// of the attempt's; nil means otel's global one, which writes nothing
	// until the application sets one (e.g. propagation.TraceContext).
	Propagator propagation.TextMapPropagator
}

// settings is a validated Config with the defaults filled in.
type settings struct {
	// codec keeps the buffers and scanners of the answers read, for the
	// next ones.
	codec          crmwire.Codec
	endpoints      [numOps]string
	doer           Doer
	hooked         bool // doer is an *http.Client over an *http.Transport
	logicalAddress string
	caps           tidbok.Capabilities
	version        Version
	limiter        *rate.Limiter
	maxRetries     int
	initialBackoff time.Duration
	maxBackoff     time.Duration
	attemptTimeout time.Duration
	maxBytes       [numOps]int64
	// actions holds each operation's quoted SOAPAction as a header value,
	// made once and shared by every request (see exchange).
	actions        [numOps][]string
	reconcileDelay time.Duration
	reconcileLimit time.Duration
	logger         *slog.Logger
	now            func() time.Time
	tel            *instruments
}

// numOps is the number of tidbok operations.
const numOps = int(tidbok.OpCancel) + 1

func (c Config) settings() (*settings, error) {
	var p tidbok.Problems
	s := &settings{
		logicalAddress: strings.TrimSpace(c.LogicalAddress),
		version:        c.Version,
		maxRetries:     orDefault(c.MaxRetries, DefaultMaxRetries),
		initialBackoff: orDefault(c.InitialBackoff, DefaultInitialBackoff),
		maxBackoff:     orDefault(c.MaxBackoff, DefaultMaxBackoff),
		attemptTimeout: orDefault(c.AttemptTimeout, DefaultAttemptTimeout),
		reconcileDelay: orDefault(c.ReconcileDelay, DefaultReconcileDelay),
		reconcileLimit: orDefault(c.ReconcileTimeout, DefaultReconcileTimeout),
		logger:         c.Logger,
		now:            c.Now,
		tel:            newInstruments(c.TracerProvider, c.MeterProvider, c.Propagator),
	}
	if c.Version > V10 {
		p.Add("Version", "%d is neither V11 nor V10", c.Version)
	}

	s.caps = c.Capabilities
	if s.caps == 0 {
		s.caps = tidbok.AllCapabilities
	}
	s.caps = s.caps.With(tidbok.OpSchedule) & tidbok.AllCapabilities
	if c.Version == V10 {
		for _, op := range tidbok.Operations() {
			if ct, _ := crmwire.ContractFor(op); !ct.InV10 {
				s.caps = s.caps.Without(op)
			}
		}
	}

	s.settleEndpoints(&p, c)

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

	switch {
	case c.MaxResponseBytes < 0:
		p.Add("MaxResponseBytes", "must not be negative (zero means the default)")
	case c.MaxResponseBytes > 0:
		for i := range s.maxBytes {
			s.maxBytes[i] = c.MaxResponseBytes
		}
	default:
		for i := range s.maxBytes {
			s.maxBytes[i] = DefaultMaxResponseBytes
		}
		s.maxBytes[tidbok.OpAvailableTimeslots] = DefaultMaxTimeslotsResponseBytes
	}

	for op := range tidbok.Operation(numOps) {
		if ct, ok := crmwire.ContractFor(op); ok {
			s.actions[op] = []string{soap.QuoteAction(ct.SOAPAction())}
		}
	}

	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	s.tel.endpoints = make(map[string][]attribute.KeyValue, numOps)
	for _, e := range s.endpoints {
		if e != "" {
			s.tel.endpoints[e] = endpointAttributes(e)
		}
	}
	return s, nil
}

// settleEndpoints fills s.endpoints from BaseURL and Endpoints.
func (s *settings) settleEndpoints(p *tidbok.Problems, c Config) {
	base := strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	if base != "" {
		if problem := checkURL(base); problem != "" {
			p.Add("BaseURL", "%s", problem)
			base = ""
		}
	}
	for _, op := range slices.Sorted(maps.Keys(c.Endpoints)) {
		u := c.Endpoints[op]
		field := "Endpoints[" + op.String() + "]"
		if _, ok := crmwire.ContractFor(op); !ok {
			p.Add(field, "is not a tidbok operation")
			continue
		}
		if problem := checkURL(u); problem != "" {
			p.Add(field, "%s", problem)
		}
	}
	var missing []string
	for _, op := range s.caps.Operations() {
		if u, ok := c.Endpoints[op]; ok {
			s.endpoints[op] = strings.TrimSpace(u)
			continue
		}
		if base == "" {
			missing = append(missing, op.String())
			continue
		}
		ct, _ := crmwire.ContractFor(op)
		s.endpoints[op] = base + "/" + ct.Path(s.version.wire())
	}
	if len(missing) > 0 && c.BaseURL == "" {
		p.Add("BaseURL", "is required unless Endpoints names every supported operation (missing: %s)", strings.Join(missing, ", "))
	}
}

func checkURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil:
		return "is not a URL: " + strings.TrimPrefix(err.Error(), "parse ")
	case u.Scheme != "http" && u.Scheme != "https":
		return "must be an http or https URL, not " + strings.TrimSpace(s)
	case u.Host == "":
		return "has no host"
	}
	return ""
}

// newHTTPClient builds the client used when Config.HTTPClient is nil: its
// own transport (Go's defaults, more idle connections per host since one
// client talks to one producer) presenting tlsConfig, and no redirects: a
// SOAP service answers where it is called, and a redirected write could
// not be told from a lost one.

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}
