package booking_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// countingStore is a case type store that counts every call made to it.
type countingStore struct {
	casetype.Store
	calls atomic.Int64
}

func (s *countingStore) Get(ctx context.Context, c tidbok.HSAID, id string) (casetype.CaseType, error) {
	s.calls.Add(1)
	return s.Store.Get(ctx, c, id)
}

func (s *countingStore) List(ctx context.Context, c tidbok.HSAID) ([]casetype.CaseType, error) {
	s.calls.Add(1)
	return s.Store.List(ctx, c)
}

func (s *countingStore) Put(ctx context.Context, ct casetype.CaseType, expectVersion int) error {
	s.calls.Add(1)
	return s.Store.Put(ctx, ct, expectVersion)
}

// newCountedFixture is newFixture over the memory book, with the clinic's
// case types moved into a store that counts its calls.
func newCountedFixture(t *testing.T) (*fixture, *countingStore) {
	t.Helper()
	counted := &countingStore{Store: casetype.NewMemStore()}
	f := newFixture(t, func(_ testing.TB, f *fixture) tidbok.Tidbok { return f.mem }, func(cfg *booking.Config) {
		ctx := context.Background()
		all, err := cfg.CaseTypes.List(ctx, clinic)
		if err != nil {
			t.Fatal(err)
		}
		for _, ct := range all {
			if err := counted.Store.Put(ctx, ct, 0); err != nil {
				t.Fatal(err)
			}
		}
		cfg.CaseTypes = casetype.New(counted)
	})
	return f, counted
}

// A citizen whose login's level the portal did not set is refused by
// every call of the flow, before any case type, term, hold or booking is
// read or written, with an error matching ErrAssuranceUnknown and
// ErrAssuranceTooLow, a text asking them to log in again, and an audit
// event saying forbidden.
func TestAnUnknownLoginLevelIsRefusedBeforeAnythingIsRead(t *testing.T) {
	t.Parallel()
	f, counted := newCountedFixture(t)
	ctx := context.Background()
	f.accept(anna, ctBook, ctManage)
	booked := f.bookAt(anna, wed10)
	slot := f.slotAt(scope(anna, ctBook), wed10.Add(time.Hour))
	unknown := func(caseType string) booking.Scope {
		sc := scope(anna, caseType)
		sc.Caller.Assurance = casetype.AssuranceUnknown
		return sc
	}
	calls := []struct {
		name    string
		audited bool
		call    func() error
	}{
		{"ContactCard", false, func() error {
			_, err := f.svc.ContactCard(ctx, booking.ContactCardRequest{Caller: booking.Caller{Person: anna}, Subject: anna, Clinic: clinic})
			return err
		}},
		{"Terms", false, func() error { _, err := f.svc.Terms(ctx, unknown(ctBook)); return err }},
		{"AcceptTerms", false, func() error {
			_, err := f.svc.AcceptTerms(ctx, booking.AcceptTermsRequest{Scope: unknown(ctBook), Version: 1})
			return err
		}},
		{"TimeTypes", false, func() error { _, err := f.svc.TimeTypes(ctx, unknown(ctBook)); return err }},
		{"Dates", false, func() error { _, err := f.svc.Dates(ctx, booking.SearchRequest{Scope: unknown(ctBook)}); return err }},
		{"Slots", false, func() error { _, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: unknown(ctBook)}); return err }},
		{"Hold", true, func() error {
			_, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: unknown(ctBook), Slot: slot})
			return err
		}},
		{"Book", true, func() error {
			_, err := f.svc.Book(ctx, booking.BookRequest{Scope: unknown(ctBook), Key: "k1", Slot: slot, Contact: contact})
			return err
		}},
		{"MyBookings", true, func() error { _, err := f.svc.MyBookings(ctx, unknown(ctManage)); return err }},
		{"Details", true, func() error {
			_, err := f.svc.Details(ctx, booking.DetailsRequest{Scope: unknown(ctManage), BookingID: booked.Booking.ID})
			return err
		}},
		{"Reschedule", true, func() error {
			_, err := f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: unknown(ctManage), Key: "k2", BookingID: booked.Booking.ID, Slot: slot})
			return err
		}},
		{"Cancel", true, func() error {
			_, err := f.svc.Cancel(ctx, booking.CancelRequest{Scope: unknown(ctManage), Key: "k3", BookingID: booked.Booking.ID})
			return err
		}},
		{"SubmitRequest", true, func() error {
			_, err := f.svc.SubmitRequest(ctx, booking.SubmitRequest{Scope: unknown(ctRequest), Message: "Jag behöver en tid", Contact: contact})
			return err
		}},
	}
	for _, c := range calls {
		// Sequential: the counter and the audit log are shared.
		counted.calls.Store(0)
		events := len(f.audit.Events())
		err := c.call()
		if !errors.Is(err, booking.ErrAssuranceUnknown) || !errors.Is(err, booking.ErrAssuranceTooLow) {
			t.Errorf("%s = %v, want an error matching ErrAssuranceUnknown and ErrAssuranceTooLow", c.name, err)
		}
		if text := shown(err); text != "Vi kan inte se hur du har loggat in. Logga ut och logga in igen." {
			t.Errorf("%s: citizen text %q, want the one asking to log in again", c.name, text)
		}
		if n := counted.calls.Load(); n != 0 {
			t.Errorf("%s read the case types %d times before refusing", c.name, n)
		}
		got := f.audit.Events()[events:]
		switch {
		case c.audited && (len(got) != 1 || got[0].Outcome != booking.OutcomeForbidden):
			t.Errorf("%s audited %+v, want one event with outcome forbidden", c.name, got)
		case !c.audited && len(got) != 0:
			t.Errorf("%s audited %+v, want nothing: it is not an audited call", c.name, got)
		}
	}
	if got := f.bookingsOf(anna); len(got) != 1 || got[0].ID != booked.Booking.ID || !got[0].Start.Equal(wed10) {
		t.Errorf("anna's bookings after the refusals = %v, want only %s at %v, untouched", got, booked.Booking.ID, wed10)
	}

	// The counter counts: a known level reads the case type.
	counted.calls.Store(0)
	if _, err := f.svc.TimeTypes(ctx, scope(anna, ctBook)); err != nil || counted.calls.Load() == 0 {
		t.Errorf("TimeTypes with e-ID = %v after %d reads; want the case type read and no error", err, counted.calls.Load())
	}
}

// A staff agent's SITHS login has no citizen's level: an agent with the
// zero Assurance still books.
func TestAnAgentNeedsNoLoginLevel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(_ testing.TB, f *fixture) tidbok.Tidbok { return f.mem })
	sc := agentFor(bo, ctBook)
	if sc.Caller.Assurance != casetype.AssuranceUnknown {
		t.Fatalf("the agent's scope has Assurance %v, want the zero value", sc.Caller.Assurance)
	}
	if _, err := f.svc.Book(context.Background(), booking.BookRequest{Scope: sc, Key: "k", Slot: f.slotAt(sc, wed10), Contact: contact}); err != nil {
		t.Errorf("Book by an agent = %v, want it booked", err)
	}
}

// A case type stored active without a required level (activation refuses
// one, but a store may hold it) is offered to nobody, not to every login.
func TestACaseTypeWithoutARequiredLevelIsOfferedToNobody(t *testing.T) {
	t.Parallel()
	f, counted := newCountedFixture(t)
	ctx := context.Background()
	ct, err := counted.Get(ctx, clinic, ctBook)
	if err != nil {
		t.Fatal(err)
	}
	ct.Assurance = casetype.AssuranceUnknown
	ct.Version++
	if err := counted.Put(ctx, ct, ct.Version-1); err != nil {
		t.Fatal(err)
	}
	f.accept(anna, ctBook)
	for _, level := range []casetype.Assurance{casetype.AssuranceEID, casetype.AssurancePasswordSMS} {
		sc := scope(anna, ctBook)
		sc.Caller.Assurance = level
		card, err := f.svc.ContactCard(ctx, booking.ContactCardRequest{Caller: sc.Caller, Subject: anna, Clinic: clinic})
		if err != nil {
			t.Fatalf("ContactCard with %v = %v", level, err)
		}
		for _, c := range card.CaseTypes {
			if c.ID == ctBook {
				t.Errorf("the contact card for a %v login offers %q, which requires no level", level, ctBook)
			}
		}
		if _, err := f.svc.TimeTypes(ctx, sc); !errors.Is(err, booking.ErrNotOffered) {
			t.Errorf("TimeTypes with %v = %v, want ErrNotOffered", level, err)
		}
	}
}
