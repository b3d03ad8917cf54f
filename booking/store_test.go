package booking_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The in-memory key store: claims, takeovers that keep the intent, and
// records forgotten when they expire.
func TestMemKeyStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := booking.NewMemKeyStore()
	lease := time.Minute
	rec := func(claim string, at time.Time) booking.KeyRecord {
		return booking.KeyRecord{Caller: "p:1", Key: "k", Action: booking.ActionBook, Fingerprint: "fp",
			State: booking.KeyPending, Claim: claim, Claimed: at, Expires: at.Add(time.Hour)}
	}
	if _, ok, err := s.Claim(ctx, rec("c1", t0), lease); err != nil || !ok {
		t.Fatalf("first claim: %v, %v", ok, err)
	}
	if prior, ok, _ := s.Claim(ctx, rec("c2", t0.Add(time.Second)), lease); ok || prior.Claim != "c1" {
		t.Errorf("claim within the lease: claimed %v, prior %+v", ok, prior)
	}
	other := rec("c3", t0.Add(time.Second))
	other.Fingerprint = "another"
	if prior, ok, _ := s.Claim(ctx, other, lease); ok || prior.Fingerprint != "fp" {
		t.Errorf("claim for another request: claimed %v", ok)
	}

	// The holder records its intent; it then dies.
	withIntent := rec("c1", t0)
	withIntent.Intent.Book.Timeslot = tidbok.Timeslot{ID: "s1", Start: wed10, End: wed10.Add(30 * time.Minute)}
	must(t, s.Update(ctx, withIntent))
	prior, ok, err := s.Claim(ctx, rec("c4", t0.Add(2*lease)), lease)
	if err != nil || !ok || prior.Intent.IsZero() {
		t.Fatalf("takeover after the lease: %v, %v, intent %+v", ok, err, prior.Intent)
	}
	if err := s.Update(ctx, withIntent); err == nil {
		t.Error("the dead holder's update was accepted after the takeover")
	}
	done := rec("c4", t0.Add(2*lease))
	done.Intent = prior.Intent
	done.State = booking.KeyDone
	must(t, s.Update(ctx, done))
	if prior, ok, _ := s.Claim(ctx, rec("c5", t0.Add(3*lease)), lease); ok || prior.State != booking.KeyDone {
		t.Errorf("claim of a done key: claimed %v, prior state %v", ok, prior.State)
	} else if diff := cmp.Diff(done.Intent, prior.Intent, equateIDs); diff != "" {
		t.Errorf("stored intent (-want +got):\n%s", diff)
	}

	// An hour after the takeover the record is forgotten.
	if _, ok, _ := s.Claim(ctx, rec("c6", t0.Add(2*lease+time.Hour)), lease); !ok {
		t.Error("claim after the record expired was refused")
	}
}

// The in-memory move store counts reservations up to the limit.
func TestMemMoveStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := booking.NewMemMoveStore()
	for want := 1; want <= 2; want++ {
		if n, err := s.Reserve(ctx, clinic, "b1", 2); err != nil || n != want {
			t.Fatalf("reserve %d: %d, %v", want, n, err)
		}
	}
	if _, err := s.Reserve(ctx, clinic, "b1", 2); err == nil {
		t.Fatal("a third move within a limit of 2 was reserved")
	}
	must(t, s.Undo(ctx, clinic, "b1"))
	if n, _ := s.Count(ctx, clinic, "b1"); n != 1 {
		t.Errorf("count after undo = %d, want 1", n)
	}
	if n, err := s.Reserve(ctx, clinic, "b2", 0); err != nil || n != 1 {
		t.Errorf("reserve without a limit: %d, %v", n, err)
	}
}
