package booking

import (
	"log/slog"
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// Service is the citizen's booking flow over one appointment book: the
// contact card, terms, search, holds, booking, the citizen's bookings,
// rescheduling, cancelling and requests to staff. Every call names who is
// logged in and for whom ([Scope]); every read and write of a citizen's
// bookings is audited.
//
// A Service is safe for concurrent use. Make one with [New].
type Service struct {
	book      tidbok.Tidbok
	caseTypes *casetype.Registry
	terms     *terms.Registry
	holds     store.Holds
	keys      store.Keys
	moves     store.Moves
	requests  store.Requests
	outbox    store.Outbox
	waitlist  store.Waitlist
	offerKey  []byte
	offerLink func(string) string
	audit     AuditSink
	notifier  Notifier
	guardians GuardianResolver
	clock     func() time.Time
	log       *slog.Logger
	// settler writes a call's settling writes in one transaction; nil
	// when Keys is no Settler sharing the other stores (see settle.go).
	settler store.Settler[Event]
	// waits wakes calls waiting for a request key held by another call.
	waits keyWaits
	// tel records spans and metrics; nil records nothing.
	tel *telemetry

	holdTTL      time.Duration
	keyLease     time.Duration
	keyTTL       time.Duration
	alternatives int
	searchDays   int
	texts        texts.Func
}

// New returns a Service configured by cfg, or an error matching
// [tidbok.ErrInvalid] that lists every problem with cfg.
func New(cfg Config) (*Service, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Service{
		book:         cfg.Book,
		caseTypes:    cfg.CaseTypes,
		terms:        cfg.Terms,
		holds:        cfg.Holds,
		keys:         cfg.Keys,
		moves:        cfg.Moves,
		requests:     cfg.Requests,
		outbox:       cfg.Outbox,
		waitlist:     cfg.Waitlist,
		offerKey:     slices.Clone(cfg.OfferKey),
		offerLink:    cfg.OfferLink,
		audit:        cfg.Audit,
		notifier:     cfg.Notifier,
		guardians:    cfg.Guardians,
		clock:        cfg.Now,
		log:          maskLogger(cfg.Logger),
		holdTTL:      orDefault(cfg.HoldTTL, DefaultHoldTTL),
		keyLease:     orDefault(cfg.KeyLease, DefaultKeyLease),
		keyTTL:       orDefault(cfg.KeyTTL, DefaultKeyTTL),
		alternatives: orDefault(cfg.Alternatives, DefaultAlternatives),
		searchDays:   orDefault(cfg.SearchDays, DefaultSearchDays),
		texts:        cfg.Texts,
		tel:          newTelemetry(cfg.TracerProvider, cfg.MeterProvider),
	}
	if s.holds == nil {
		s.holds = store.NewMemHolds()
	}
	if s.keys == nil {
		s.keys = store.NewMemKeys()
	}
	if s.moves == nil {
		s.moves = store.NewMemMoves()
	}
	if s.requests == nil {
		s.requests = store.NewMemRequests()
	}
	if s.audit == nil {
		s.audit = LogAudit(cfg.Logger)
	}
	s.settler = settlerOf(s.keys, s.holds, s.outbox, s.audit)
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.alternatives < 0 {
		s.alternatives = 0
	}
	return s, nil
}

// now returns the service's current time in Europe/Stockholm.
func (s *Service) now() time.Time { return s.clock().In(tidbok.Stockholm()) }
