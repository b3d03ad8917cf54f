package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// entry returns a waiting entry of citizen n at c for time type LAK,
// with booking bookingID (none when empty), joined at joined.
func entry(c tidbok.HSAID, id string, n int, bookingID string, joined time.Time) store.WaitEntry {
	e := store.WaitEntry{
		ID: id, Clinic: c, CaseType: "mina", TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"},
		Subject: citizen(n), Name: "Tolvan Tolvansson " + id, BookingID: bookingID,
		Recipients: []store.Recipient{{Channel: "email", To: id + "@example.se"}, {Channel: "sms", To: "0701234567"}},
		Joined:     joined,
	}
	if bookingID != "" {
		e.Before = t0.Add(72 * time.Hour)
	}
	return e
}

// offerOf returns the offer with id of the slot with key to e.
func offerOf(id, key string, e store.WaitEntry) store.Offer {
	start := t0.Add(24 * time.Hour)
	return store.Offer{
		ID: id, Clinic: e.Clinic, SlotKey: key, Entry: e,
		Slot:    tidbok.Timeslot{Start: start, End: start.Add(30 * time.Minute), Facility: e.Clinic, TimeType: e.TimeType},
		Created: t0, Expires: t0.Add(time.Hour),
	}
}

func entries(ctx context.Context, w store.Waitlist, f store.WaitFilter, want ...store.WaitEntry) error {
	got, err := w.Entries(ctx, f)
	if err != nil {
		return fmt.Errorf("Entries(%+v): %v", f, err)
	}
	if len(want) == 0 && len(got) == 0 {
		return nil
	}
	return diff(fmt.Sprintf("Entries(%v)", f.Clinic), want, got)
}

func join(ctx context.Context, w store.Waitlist, es ...store.WaitEntry) error {
	for _, e := range es {
		if _, err := w.Join(ctx, e); err != nil {
			return precondition(err, "Join(%s)", e.ID)
		}
	}
	return nil
}

var waitlistRules = []rule{
	{
		sentence: "Entries returns a clinic's entries in the order they joined, as they were given, filtered",
		needs:    hasWaitlist,
		check: func(ctx context.Context, s Stores) error {
			w := s.Waitlist
			a := entry(clinic, "a", 1, "b1", t0)
			b := entry(clinic, "b", 2, "", t0.Add(time.Minute))
			c := entry(clinic, "c", 3, "b3", t0.Add(2*time.Minute))
			elsewhere := entry(otherClinic, "a", 1, "b1", t0)
			if err := join(ctx, w, a, b, c, elsewhere); err != nil {
				return err
			}
			return errors.Join(
				entries(ctx, w, store.WaitFilter{Clinic: clinic}, a, b, c),
				entries(ctx, w, store.WaitFilter{Clinic: otherClinic}, elsewhere),
				entries(ctx, w, store.WaitFilter{Clinic: clinic, Subject: citizen(2)}, b),
				entries(ctx, w, store.WaitFilter{Clinic: clinic, BookingID: "b3"}, c),
				entries(ctx, w, store.WaitFilter{Clinic: clinic, TimeType: tidbok.TimeType{ID: "PROV"}}),
				entries(ctx, w, store.WaitFilter{Clinic: noClinic}))
		},
	},
	{
		sentence: "Join of the same wait again keeps the first entry and its place",
		needs:    hasWaitlist,
		check: func(ctx context.Context, s Stores) error {
			w := s.Waitlist
			a := entry(clinic, "a", 1, "b1", t0)
			b := entry(clinic, "b", 2, "", t0.Add(time.Minute))
			if err := join(ctx, w, a, b); err != nil {
				return err
			}
			var v violations
			again := entry(clinic, "a2", 1, "b1", t0.Add(time.Hour))
			got, err := w.Join(ctx, again)
			if err != nil {
				v.add("Join of the same booking again: %v", err)
			} else if got.ID != "a" {
				v.add("Join of the same booking again returned entry %q; want the first, %q", got.ID, "a")
			}
			if _, err := w.Join(ctx, entry(clinic, "b2", 2, "", t0.Add(time.Hour))); err != nil {
				v.add("Join of the same kind with no booking again: %v", err)
			}
			return errors.Join(append(v, entries(ctx, w, store.WaitFilter{Clinic: clinic}, a, b))...)
		},
	},
	{
		sentence: "Leave removes one entry of its clinic; an unknown one is no error",
		needs:    hasWaitlist,
		check: func(ctx context.Context, s Stores) error {
			w := s.Waitlist
			a := entry(clinic, "a", 1, "b1", t0)
			b := entry(clinic, "b", 2, "b2", t0.Add(time.Minute))
			elsewhere := entry(otherClinic, "a", 1, "b1", t0)
			if err := join(ctx, w, a, b, elsewhere); err != nil {
				return err
			}
			var v violations
			if err := w.Leave(ctx, clinic, "a"); err != nil {
				v.add("Leave(a): %v", err)
			}
			if err := w.Leave(ctx, clinic, "nobody"); err != nil {
				v.add("Leave of an unknown entry: %v", err)
			}
			return errors.Join(append(v,
				entries(ctx, w, store.WaitFilter{Clinic: clinic}, b),
				entries(ctx, w, store.WaitFilter{Clinic: otherClinic}, elsewhere))...)
		},
	},
	{
		sentence: "AddOffers of an offer of the same slot and entry keeps the first; Offer and Offers return them as given",
		needs:    hasWaitlist,
		check: func(ctx context.Context, s Stores) error {
			w := s.Waitlist
			a, b := entry(clinic, "a", 1, "b1", t0), entry(clinic, "b", 2, "", t0)
			o1, o2 := offerOf("o1", "slot1", a), offerOf("o2", "slot1", b)
			o3 := offerOf("o3", "slot2", a)
			if err := w.AddOffers(ctx, o1, o2, o3); err != nil {
				return precondition(err, "AddOffers")
			}
			var v violations
			again := offerOf("o1-again", "slot1", a)
			if err := w.AddOffers(ctx, again); err != nil {
				v.add("AddOffers of an offer made already: %v", err)
			}
			if _, err := w.Offer(ctx, "o1-again"); !errors.Is(err, store.ErrNoOffer) {
				v.add("the repeated offer was stored: Offer(o1-again) = %v; want ErrNoOffer", err)
			}
			got, err := w.Offer(ctx, "o2")
			if err != nil {
				v.add("Offer(o2): %v", err)
			} else if err := diff("Offer(o2)", o2, got); err != nil {
				v = append(v, err)
			}
			all, err := w.Offers(ctx, clinic, "slot1")
			if err != nil {
				v.add("Offers(slot1): %v", err)
			} else if err := diff("Offers(slot1)", []store.Offer{o1, o2}, all); err != nil {
				v = append(v, err)
			}
			if none, err := w.Offers(ctx, otherClinic, "slot1"); err != nil || len(none) != 0 {
				v.add("Offers of another clinic: %d, %v; want none", len(none), err)
			}
			return v.err()
		},
	},
	{
		sentence: "SettleOffer settles an open offer once; a second settle fails with ErrOfferSettled and changes nothing",
		needs:    hasWaitlist,
		check: func(ctx context.Context, s Stores) error {
			w := s.Waitlist
			o := offerOf("o1", "slot1", entry(clinic, "a", 1, "b1", t0))
			if err := w.AddOffers(ctx, o); err != nil {
				return precondition(err, "AddOffers")
			}
			var v violations
			got, err := w.SettleOffer(ctx, "o1", store.OfferAccepted, t0.Add(time.Minute))
			if err != nil || got.State != store.OfferAccepted || !got.Settled.Equal(t0.Add(time.Minute)) {
				v.add("SettleOffer(accepted) = %v at %v, %v", got.State, got.Settled, err)
			}
			got, err = w.SettleOffer(ctx, "o1", store.OfferGone, t0.Add(2*time.Minute))
			if !errors.Is(err, store.ErrOfferSettled) || got.State != store.OfferAccepted {
				v.add("a second SettleOffer = %v, %v; want the accepted offer and ErrOfferSettled", got.State, err)
			}
			if got, err := w.Offer(ctx, "o1"); err != nil || got.State != store.OfferAccepted {
				v.add("after a second settle the offer is %v, %v; want accepted", got.State, err)
			}
			if _, err := w.SettleOffer(ctx, "nobody", store.OfferGone, t0); !errors.Is(err, store.ErrNoOffer) {
				v.add("SettleOffer of an unknown offer: %v; want ErrNoOffer", err)
			}
			return v.err()
		},
	},
	{
		sentence: "Of concurrent SettleOffer calls on one offer exactly one succeeds",
		needs:    hasWaitlist,
		check: func(ctx context.Context, s Stores) error {
			w := s.Waitlist
			if err := w.AddOffers(ctx, offerOf("o1", "slot1", entry(clinic, "a", 1, "b1", t0))); err != nil {
				return precondition(err, "AddOffers")
			}
			const n = 8
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() { _, errs[i] = w.SettleOffer(ctx, "o1", store.OfferGone, t0) })
			}
			wg.Wait()
			won := 0
			var v violations
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, store.ErrOfferSettled):
					v.add("a losing SettleOffer: %v; want ErrOfferSettled", err)
				}
			}
			if won != 1 {
				v.add("%d of %d concurrent SettleOffer calls succeeded; want 1", won, n)
			}
			return v.err()
		},
	},
}

func hasWaitlist(s Stores) bool { return s.Waitlist != nil }
