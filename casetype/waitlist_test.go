package casetype_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/casetype"
)

// A cancellation list with negative settings, or on a case type whose
// offers could not be taken, is reported with the others; one that is
// consistent passes, and zero settings mean the defaults.
func TestCheckWaitlist(t *testing.T) {
	t.Parallel()
	ct := complete()
	ct.Waitlist = casetype.Waitlist{Enabled: true, Offers: 2, OfferTTL: time.Hour, WatchEvery: time.Minute}
	if err := casetype.Check(context.Background(), ct, deps(t)); err != nil {
		t.Errorf("a Boka tid case type with a list: %v", err)
	}
	ct.Waitlist = casetype.Waitlist{Enabled: true, Offers: -1, OfferTTL: -time.Hour, WatchEvery: -time.Second}
	want := []string{"Waitlist.OfferTTL", "Waitlist.Offers", "Waitlist.WatchEvery"}
	if diff := cmp.Diff(want, fields(casetype.Check(context.Background(), ct, deps(t)))); diff != "" {
		t.Errorf("negative settings (-want +got):\n%s", diff)
	}
	ct = complete()
	ct.ID, ct.Kind, ct.Rules.AllowReschedule, ct.Rules.MaxReschedules = "mina-tider", casetype.KindManage, false, 0
	ct.Waitlist.Enabled = true
	if diff := cmp.Diff([]string{"Waitlist.Enabled"}, fields(casetype.Check(context.Background(), ct, deps(t)))); diff != "" {
		t.Errorf("a list on a case type that may not reschedule (-want +got):\n%s", diff)
	}
	if w := (casetype.Waitlist{}); w.OfferCount() != casetype.DefaultWaitlistOffers || w.OfferLifetime() != casetype.DefaultWaitlistOfferTTL {
		t.Errorf("the zero Waitlist offers %d for %v", w.OfferCount(), w.OfferLifetime())
	}
}
