package booking

import (
	"context"
	"time"

	"golang.org/x/time/rate"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// watchIdle is how often a watcher of a clinic whose case types ask for
// no watching reads them again, to start when one does.
const watchIdle = time.Minute

// WatchWaitlist watches the book for times freed at clinic outside this
// service (by staff, by phone, in another portal) and offers them to the
// clinic's cancellation list, until ctx ends; it then returns ctx's
// error. It asks the book for the free times of the kinds citizens wait
// for, up to the latest of their bookings, as often as the clinic's case
// types say (the shortest casetype.Waitlist.WatchEvery of those with a
// list; none of them set: no asking), paced by a [rate.Limiter]. The
// first answer is what is free already; a time free in a later answer
// that was not in the one before is offered ([Service.SlotFreed]), and
// so again is one whose offers all ended unused. A kind first waited
// for, or a span lengthened by a later booking, starts from what is
// free then too. A failed read of the
// book is logged and tried at the next tick.
//
// Run one watcher per clinic in one process: the offers' IDs keep a
// second watcher from offering a time twice, but it doubles the load on
// the book.
func (s *Service) WatchWaitlist(ctx context.Context, clinic tidbok.HSAID) error {
	w := &watcher{s: s, clinic: clinic, lim: rate.NewLimiter(rate.Every(watchIdle), 1)}
	for {
		if err := w.lim.Wait(ctx); err != nil {
			return ctx.Err()
		}
		every := w.every(ctx)
		if every <= 0 {
			w.lim.SetLimit(rate.Every(watchIdle))
			w.seen, w.upTo = nil, nil
			continue
		}
		w.lim.SetLimit(rate.Every(every))
		if err := w.poll(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("booking: watching the book for freed times failed", "clinic", clinic, "err", err)
		}
	}
}

type watcher struct {
	s      *Service
	clinic tidbok.HSAID
	lim    *rate.Limiter
	// seen holds the free times of the last answer, by SlotKey, and
	// upTo the last date asked, by time type: a time of a kind not
	// asked before, or after the last date asked, is what was free
	// already, not a freed one.
	seen map[string]bool
	upTo map[string]tidbok.Date
	// offered holds the times offered, to offer again when their offers
	// ended unused.
	offered map[string]tidbok.Timeslot
}

// every returns the shortest WatchEvery of the clinic's case types with
// a list, or zero.
func (w *watcher) every(ctx context.Context) time.Duration {
	cts, err := w.s.caseTypes.List(ctx, w.clinic)
	if err != nil {
		w.s.log.Warn("booking: reading the case types to watch failed", "clinic", w.clinic, "err", err)
		return 0
	}
	var d time.Duration
	for _, ct := range cts {
		wl := ct.Waitlist
		if ct.Status == casetype.StatusActive && wl.Enabled && wl.WatchEvery > 0 && (d == 0 || wl.WatchEvery < d) {
			d = wl.WatchEvery
		}
	}
	return d
}

// poll reads the free times once and offers the new ones.
func (w *watcher) poll(ctx context.Context) error {
	s := w.s
	if s.waitlist == nil {
		return nil
	}
	es, err := s.waitlist.Entries(ctx, store.WaitFilter{Clinic: w.clinic})
	if err != nil {
		return err
	}
	now := s.now()
	today := tidbok.DateOf(now)
	// One question per kind waited for, up to the latest booking (or the
	// search span for a citizen with none), in the name of the first
	// citizen waiting for it.
	type ask struct {
		subject tidbok.PersonalNumber
		to      tidbok.Date
	}
	asks := map[string]*ask{}
	var order []string
	for _, e := range es {
		to := today.AddDays(s.searchDays - 1)
		if !e.Before.IsZero() {
			to = tidbok.DateOf(e.Before.In(tidbok.Stockholm()))
		}
		a, ok := asks[e.TimeType.ID]
		if !ok {
			asks[e.TimeType.ID] = &ask{subject: e.Subject, to: to}
			order = append(order, e.TimeType.ID)
			continue
		}
		if a.to.Before(to) {
			a.to = to
		}
	}
	free := map[string]tidbok.Timeslot{}
	known := map[string]bool{} // times the last answer covered
	upTo := make(map[string]tidbok.Date, len(order))
	for _, tt := range order {
		a := asks[tt]
		if a.to.Before(today) {
			continue
		}
		upTo[tt] = a.to
		prev, asked := w.upTo[tt]
		res, err := s.book.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{
			Facility: w.clinic, Subject: a.subject, From: today, To: a.to, TimeType: tidbok.TimeType{ID: tt},
		})
		if err != nil {
			return err
		}
		for ts := range res.All() {
			if ts.Start.After(now) {
				k := SlotKey(ts)
				free[k] = ts
				known[k] = asked && !prev.Before(tidbok.DateOf(ts.Start))
			}
		}
	}
	seen := make(map[string]bool, len(free))
	if w.offered == nil {
		w.offered = map[string]tidbok.Timeslot{}
	}
	for k, ts := range free {
		seen[k] = true
		_, again := w.offered[k]
		if !known[k] || (w.seen[k] && !again) {
			continue
		}
		offers, err := s.SlotFreed(ctx, w.clinic, ts)
		if err != nil {
			return err
		}
		if len(offers) > 0 || !again {
			w.offered[k] = ts
		}
	}
	for k := range w.offered {
		if !seen[k] {
			delete(w.offered, k)
		}
	}
	w.seen, w.upTo = seen, upTo
	return nil
}
