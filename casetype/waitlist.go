package casetype

import (
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Waitlist is a case type's cancellation list (återbud): citizens who
// want to be told when an earlier time frees up. On a case type of kind
// Av- och omboka ([KindManage]) it lets a citizen with a booking wait for
// an earlier time of the booking's kind, and an accepted offer moves the
// booking (the case type must allow rescheduling). On a case type of
// kind Boka tid ([KindBook]) it lets anyone with no booking wait for a
// time of one of the case type's time types, and an accepted offer books
// it. The zero value has no list.
type Waitlist struct {
	// Enabled lets citizens join the list.
	Enabled bool
	// Offers is how many citizens, first on the list, a freed time is
	// offered to at once; the first to book it wins. Zero: 3.
	Offers int
	// OfferTTL is how long an offer may be accepted. Zero: 2 hours.
	OfferTTL time.Duration
	// WatchEvery is how often a watcher of the book asks it for free
	// times, to notice times freed outside this portal (by staff, or
	// another channel). Zero: the list is filled only from cancellations
	// and moves made through the portal.
	WatchEvery time.Duration
}

// Defaults of a Waitlist's zero fields.
const (
	DefaultWaitlistOffers   = 3
	DefaultWaitlistOfferTTL = 2 * time.Hour
)

// OfferCount returns Offers, or its default.
func (w Waitlist) OfferCount() int {
	if w.Offers <= 0 {
		return DefaultWaitlistOffers
	}
	return w.Offers
}

// OfferLifetime returns OfferTTL, or its default.
func (w Waitlist) OfferLifetime() time.Duration {
	if w.OfferTTL <= 0 {
		return DefaultWaitlistOfferTTL
	}
	return w.OfferTTL
}

func checkWaitlist(p *tidbok.Problems, ct CaseType) {
	w := ct.Waitlist
	if w.Offers < 0 {
		p.Add("Waitlist.Offers", "is negative; use zero for the default of %d", DefaultWaitlistOffers)
	}
	if w.OfferTTL < 0 {
		p.Add("Waitlist.OfferTTL", "is negative; use zero for the default of %v", DefaultWaitlistOfferTTL)
	}
	if w.WatchEvery < 0 {
		p.Add("Waitlist.WatchEvery", "is negative; use zero for no watching")
	}
	if !w.Enabled {
		return
	}
	switch {
	case ct.Kind == KindManage && !ct.Rules.AllowReschedule:
		p.Add("Waitlist.Enabled", "is on but rescheduling is not allowed, so an offered time could not be taken: allow it (Rules.AllowReschedule) or turn the list off")
	case ct.Kind != KindManage && ct.Kind != KindBook:
		p.Add("Waitlist.Enabled", "is on for a case type of kind %v: only Boka tid and Av- och omboka have a cancellation list", ct.Kind)
	}
}
