package main

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RequestLimit bounds how often citizens may send the request form: each
// citizen logged in, and, as a backstop against one client sending for
// many logins, each client address. A form sent beyond either limit is
// answered 429 Too Many Requests, and nothing is sent to the clinic. The
// limits are kept in the memory of each portal process. Zero fields mean
// the defaults.
type RequestLimit struct {
	// PerCitizen is how many requests one citizen may send in a burst
	// (default 5); one more may be sent every CitizenEvery (default 10
	// minutes).
	PerCitizen   int
	CitizenEvery time.Duration
	// PerClient is how many requests may be sent from one client address
	// in a burst (default 30); one more every ClientEvery (default 1
	// minute).
	PerClient   int
	ClientEvery time.Duration
}

// withDefaults returns l with its zero fields set to the defaults.
func (l RequestLimit) withDefaults() RequestLimit {
	if l.PerCitizen <= 0 {
		l.PerCitizen = 5
	}
	if l.CitizenEvery <= 0 {
		l.CitizenEvery = 10 * time.Minute
	}
	if l.PerClient <= 0 {
		l.PerClient = 30
	}
	if l.ClientEvery <= 0 {
		l.ClientEvery = time.Minute
	}
	return l
}

// maxLimited is how many keys a limiters keeps at most; beyond it, keys
// whose limiter is full again are forgotten first.
const maxLimited = 10_000

// limiters is a token bucket (rate.Limiter) per key, driven by the times
// it is given rather than the wall clock. It is safe for concurrent use.
type limiters struct {
	every time.Duration
	burst int

	mu sync.Mutex
	m  map[string]*rate.Limiter
}

func newLimiters(burst int, every time.Duration) *limiters {
	return &limiters{every: every, burst: burst, m: map[string]*rate.Limiter{}}
}

// allow reports whether key may act at now, and takes a token if so;
// otherwise it returns how long until it may.
func (ls *limiters) allow(key string, now time.Time) (bool, time.Duration) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	l, ok := ls.m[key]
	if !ok {
		if len(ls.m) >= maxLimited {
			ls.forget(now)
		}
		l = rate.NewLimiter(rate.Every(ls.every), ls.burst) // full
		ls.m[key] = l
	}
	if l.AllowN(now, 1) {
		return true, 0
	}
	return false, time.Duration((1 - l.TokensAt(now)) * float64(ls.every))
}

// forget drops the keys whose bucket is full again, which are as good as
// new, and, if that is not enough, as many others as needed.
func (ls *limiters) forget(now time.Time) {
	for k, l := range ls.m {
		if l.TokensAt(now) >= float64(ls.burst) {
			delete(ls.m, k)
		}
	}
	for k := range ls.m {
		if len(ls.m) < maxLimited {
			break
		}
		delete(ls.m, k)
	}
}

// clientAddr is the address of the client that sent r: the connection's,
// or, behind a TLS-terminating proxy, the last one in X-Forwarded-For,
// which the proxy appended (the ones before it are the client's say).
func (a *app) clientAddr(r *http.Request) string {
	if a.behindTLSProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if last = strings.TrimSpace(last); last != "" {
				return last
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allowRequest reports whether the citizen c may send a request now, from
// r's client; otherwise it answers 429 itself.
func (a *app) allowRequest(w http.ResponseWriter, r *http.Request, c citizen) bool {
	now := a.now()
	ok, wait := a.perCitizen.allow(c.who.Person.Canonical(), now)
	if ok {
		ok, wait = a.perClient.allow(a.clientAddr(r), now)
	}
	if ok {
		return true
	}
	a.log.Warn("request form sent too often", "clinic", c.clinic.ID.String(), "caller", c.who.Person)
	minutes := int(wait.Round(time.Minute) / time.Minute)
	if minutes < 1 {
		minutes = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)))
	a.render(w, r, http.StatusTooManyRequests, "error", view{Title: "För många förfrågningar", Page: "too-many",
		Data: errorData{Text: "Du har skickat många förfrågningar på kort tid. Vänta " + strconv.Itoa(minutes) +
			" minuter och försök igen, eller ring mottagningen på " + c.clinic.Phone + ".",
			Links: []link{{c.card(), "Tillbaka till " + c.clinic.Name}}}})
	return false
}
