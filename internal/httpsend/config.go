package httpsend

import (
	"crypto/tls"
	"math"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// NewClient is the *http.Client a client of the module makes when its
// Config gives none: net/http's default transport with tlsConfig (for
// mutual TLS; nil for the system's roots), room for 32 idle connections
// to one server, and redirects not followed (a book's answer is never a
// redirect, and a write must not be sent on to somewhere else).
func NewClient(tlsConfig *tls.Config) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if tlsConfig != nil {
		tr.TLSClientConfig = tlsConfig.Clone()
	}
	tr.MaxIdleConnsPerHost = 32
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Problem reports a problem with the Config field named field, as
// tidbok.Problems.Add does.
type Problem func(field, format string, args ...any)

// Limiter returns the rate limiter of a Config's RateLimit and Burst,
// zero meaning defLimit and defBurst; nil, after reporting the problem,
// when either is out of range.
func Limiter(problem Problem, limit rate.Limit, burst int, defLimit rate.Limit, defBurst int) *rate.Limiter {
	if limit == 0 {
		limit = defLimit
	}
	if burst == 0 {
		burst = defBurst
	}
	switch {
	case limit < 0 || math.IsNaN(float64(limit)):
		problem("RateLimit", "must be positive (calls per second) or rate.Inf for no limit")
	case burst < 0:
		problem("Burst", "must not be negative")
	default:
		return rate.NewLimiter(limit, burst)
	}
	return nil
}

// Timings are a client's retry and reconciliation durations.
type Timings struct {
	InitialBackoff, MaxBackoff, AttemptTimeout, ReconcileDelay, ReconcileTimeout time.Duration
}

// CheckTimings reports the durations of a Config (set) that are
// negative, and the ones in effect (defaults filled in) that contradict
// each other.
func CheckTimings(problem Problem, set, effective Timings) {
	for _, d := range []struct {
		field string
		v     time.Duration
	}{
		{"InitialBackoff", set.InitialBackoff}, {"MaxBackoff", set.MaxBackoff}, {"AttemptTimeout", set.AttemptTimeout},
		{"ReconcileDelay", set.ReconcileDelay}, {"ReconcileTimeout", set.ReconcileTimeout},
	} {
		if d.v < 0 {
			problem(d.field, "must not be negative (zero means the default)")
		}
	}
	if effective.ReconcileDelay >= effective.ReconcileTimeout && set.ReconcileDelay >= 0 && set.ReconcileTimeout >= 0 {
		problem("ReconcileDelay", "%v is not less than ReconcileTimeout %v: reconciliation would never read the book", effective.ReconcileDelay, effective.ReconcileTimeout)
	}
	if effective.MaxBackoff < effective.InitialBackoff && set.MaxBackoff > 0 {
		problem("MaxBackoff", "%v is less than InitialBackoff %v", effective.MaxBackoff, effective.InitialBackoff)
	}
}
