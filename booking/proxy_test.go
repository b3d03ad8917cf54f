package booking_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

var wed10 = at(time.January, 14, 10, 0)

// actingFor is caller (a person) acting for subject under a case type.
func actingFor(caller, subject tidbok.PersonalNumber, caseType string) booking.Scope {
	return booking.Scope{Caller: booking.Caller{Person: caller, Assurance: casetype.AssuranceEID}, Subject: subject, Clinic: clinic, CaseType: caseType}
}

// agentFor is the nurse acting for subject as a staff agent.
func agentFor(subject tidbok.PersonalNumber, caseType string) booking.Scope {
	return booking.Scope{Caller: booking.Caller{Agent: nurse}, Subject: subject, Clinic: clinic, CaseType: caseType}
}

// Who may book for whom: own login by default; a guardian of a child
// under 13 only where the case type says so and the register agrees;
// nobody else.
func TestProxyPolicies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		sc       booking.Scope
		guardian bool // the register makes the caller the subject's guardian
		noResolv bool // the portal configured no GuardianResolver
		want     error
		actor    tidbok.Actor
	}{
		{name: "a citizen books for themself", sc: scope(anna, ctBook)},
		{name: "a citizen may not book for another adult", sc: actingFor(anna, bo, ctBook), want: booking.ErrForbidden},
		{name: "a guardian books for a child under 13 where the case type allows guardians",
			sc: actingFor(anna, child, ctBookChild), guardian: true, actor: tidbok.Actor{Person: anna}},
		{name: "a guardian may not book for a child where the case type asks for own login",
			sc: actingFor(anna, child, ctBook), guardian: true, want: booking.ErrForbidden},
		{name: "a citizen who is not the child's guardian may not book for it",
			sc: actingFor(anna, child, ctBookChild), want: booking.ErrForbidden},
		{name: "a guardian may not book for a 13-year-old, who logs in personally",
			sc: actingFor(anna, teen, ctBookChild), guardian: true, want: booking.ErrForbidden},
		{name: "without a guardian resolver guardians are refused",
			sc: actingFor(anna, child, ctBookChild), guardian: true, noResolv: true, want: booking.ErrForbidden},
		{name: "a child under 13 may book for itself", sc: scope(child, ctBookChild)},
		{name: "a staff agent books a new booking for a citizen without accepting terms",
			sc: agentFor(bo, ctBook), actor: tidbok.Actor{Agent: nurse}},
	}
	for _, b := range books {
		for _, tt := range tests {
			t.Run(tt.name+" over "+b.name, func(t *testing.T) {
				t.Parallel()
				var opts []func(*booking.Config)
				if tt.noResolv {
					opts = append(opts, func(c *booking.Config) { c.Guardians = nil })
				}
				f := newFixture(t, b.wrap, opts...)
				if tt.guardian {
					f.guardians.set(tt.sc.Caller.Person, tt.sc.Subject)
				}
				if !tt.sc.Caller.IsAgent() {
					f.accept(tt.sc.Caller.Person, tt.sc.CaseType)
				}
				_, err := f.bookFor(tt.sc, "k", f.bookSlot("LAK", wed10), "")
				if tt.want != nil {
					if !errors.Is(err, tt.want) {
						t.Fatalf("error %v, want %v", err, tt.want)
					}
					citizenText(t, err)
					if got := f.bookingsOf(tt.sc.Subject); len(got) != 0 {
						t.Errorf("refused, yet the book holds %+v", got)
					}
					if e, ok := f.audit.last(booking.ActionBook); !ok || e.Outcome != booking.OutcomeForbidden || e.Subject != tt.sc.Subject {
						t.Errorf("refusal audited as %+v", e)
					}
					return
				}
				if err != nil {
					t.Fatalf("Book: %v", err)
				}
				got := f.bookingsOf(tt.sc.Subject)
				if len(got) != 1 {
					t.Fatalf("the book holds %d bookings of the subject, want 1", len(got))
				}
				if diff := cmp.Diff(tt.actor, got[0].Actor, equateIDs); diff != "" {
					t.Errorf("actor sent to the book (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// A staff agent may make new bookings only (crm:scheduling §2.4): not
// see, move or cancel bookings, not accept terms, not send requests.
func TestStaffAgentMayOnlyBook(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		c := f.bookAt(bo, wed10)
		ag := agentFor(bo, ctManage)
		calls := map[string]func() error{
			"my bookings": func() error { _, err := f.svc.MyBookings(ctx, ag); return err },
			"details": func() error {
				_, err := f.svc.Details(ctx, booking.DetailsRequest{Scope: ag, BookingID: c.Booking.ID})
				return err
			},
			"reschedule": func() error {
				_, err := f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: ag, Key: "r", BookingID: c.Booking.ID, Slot: f.bookSlot("LAK", wed10.Add(time.Hour))})
				return err
			},
			"cancel": func() error {
				_, err := f.svc.Cancel(ctx, booking.CancelRequest{Scope: ag, Key: "c", BookingID: c.Booking.ID})
				return err
			},
			"search to move": func() error {
				_, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: ag, BookingID: c.Booking.ID})
				return err
			},
			"accept terms": func() error {
				_, err := f.svc.AcceptTerms(ctx, booking.AcceptTermsRequest{Scope: agentFor(bo, ctBook), Version: 1})
				return err
			},
			"request": func() error {
				_, err := f.svc.SubmitRequest(ctx, booking.SubmitRequest{Scope: agentFor(bo, ctRequest), Message: "Ring mig"})
				return err
			},
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, booking.ErrForbidden) {
				t.Errorf("%s as an agent: error %v, want ErrForbidden", name, err)
			} else {
				citizenText(t, err)
			}
		}
		if got := f.bookingsOf(bo); len(got) != 1 || !got[0].Start.Equal(wed10) {
			t.Errorf("the agent changed the booking: %+v", got)
		}
		card, err := f.svc.ContactCard(ctx, booking.ContactCardRequest{Caller: booking.Caller{Agent: nurse}, Subject: bo, Clinic: clinic})
		must(t, err)
		for _, ct := range card.CaseTypes {
			if ct.Kind != casetype.KindBook {
				t.Errorf("an agent's contact card offers %s (%s)", ct.ID, ct.Kind)
			}
		}
		if st, err := f.svc.Terms(ctx, agentFor(bo, ctBook)); err != nil || st.Required {
			t.Errorf("terms for an agent = %+v, %v; want shown, not required", st, err)
		}
	})
}

// A guardian sees and changes a child's bookings under a case type that
// lets guardians act, and only there.
func TestGuardianManagesChildsBookings(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.guardians.set(anna, child)
		f.accept(anna, ctBookChild, ctManageKids, ctManage)
		c, err := f.bookFor(actingFor(anna, child, ctBookChild), "k", f.bookSlot("LAK", wed10), "")
		must(t, err)

		if _, err := f.svc.MyBookings(ctx, actingFor(anna, child, ctManage)); !errors.Is(err, booking.ErrForbidden) {
			t.Errorf("under own-login Av- och omboka: %v, want ErrForbidden", err)
		}
		kids := actingFor(anna, child, ctManageKids)
		mine, err := f.svc.MyBookings(ctx, kids)
		must(t, err)
		if len(mine) != 1 || mine[0].ID != c.Booking.ID {
			t.Fatalf("the child's bookings as the guardian sees them = %+v", mine)
		}
		if _, err := f.svc.Cancel(ctx, booking.CancelRequest{Scope: kids, Key: "c", BookingID: c.Booking.ID}); err != nil {
			t.Fatalf("the guardian cancelling: %v", err)
		}
		if got := f.bookingsOf(child); len(got) != 0 {
			t.Errorf("after cancel the book holds %+v", got)
		}
		card, err := f.svc.ContactCard(ctx, booking.ContactCardRequest{Caller: booking.Caller{Person: anna, Assurance: casetype.AssuranceEID}, Subject: child, Clinic: clinic})
		must(t, err)
		var ids []string
		for _, ct := range card.CaseTypes {
			ids = append(ids, ct.ID)
		}
		if diff := cmp.Diff([]string{ctBookChild, ctManageKids}, ids); diff != "" {
			t.Errorf("the guardian's contact card for the child (-want +got):\n%s", diff)
		}
	})
}

// No identifier guessing reaches another citizen's booking: with Anna's
// booking ID, Bo gets exactly what an unknown ID gives — not found, the
// same text — nothing changes, and every attempt is audited.
func TestNoIDOR(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		c := f.bookAt(anna, wed10)
		f.accept(bo, ctManage, ctBook)
		other := f.bookAt(bo, wed10.Add(24*time.Hour)) // Bo has a booking of his own
		_ = other
		before := f.staffBookings()
		sc := scope(bo, ctManage)
		to := f.bookSlot("LAK", wed10.Add(time.Hour))
		calls := []struct {
			action booking.Action
			call   func(id string) error
		}{
			{booking.ActionDetails, func(id string) error {
				_, err := f.svc.Details(ctx, booking.DetailsRequest{Scope: sc, BookingID: id})
				return err
			}},
			{booking.ActionReschedule, func(id string) error {
				_, err := f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: sc, Key: "r" + id, BookingID: id, Slot: to})
				return err
			}},
			{booking.ActionCancel, func(id string) error {
				_, err := f.svc.Cancel(ctx, booking.CancelRequest{Scope: sc, Key: "c" + id, BookingID: id})
				return err
			}},
			{booking.ActionSearch, func(id string) error {
				_, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: sc, BookingID: id})
				return err
			}},
			{booking.ActionHold, func(id string) error {
				_, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, BookingID: id, Slot: to})
				return err
			}},
		}
		for _, tc := range calls {
			t.Run(string(tc.action), func(t *testing.T) {
				errOther := tc.call(c.Booking.ID)
				errNone := tc.call("b-finns-inte")
				for _, err := range []error{errOther, errNone} {
					if !errors.Is(err, tidbok.ErrNotFound) {
						t.Errorf("error %v, want ErrNotFound", err)
					}
				}
				if shown(errOther) != shown(errNone) {
					t.Errorf("another's booking reads %q, an unknown one %q: they must not differ",
						shown(errOther), shown(errNone))
				}
				e, ok := f.audit.last(tc.action)
				if !ok || e.Outcome != booking.OutcomeNotFound || e.Subject != bo || e.Caller.Person != bo {
					t.Errorf("the attempt was audited as %+v", e)
				}
				evs := f.audit.Events()
				if !slices.ContainsFunc(evs, func(e booking.Event) bool { return e.Action == tc.action && e.BookingID == c.Booking.ID }) {
					t.Errorf("no audit event names the booking %s tried", c.Booking.ID)
				}
			})
		}
		if diff := cmp.Diff(before, f.staffBookings(), equateIDs); diff != "" {
			t.Errorf("the book changed (-before +after):\n%s", diff)
		}
		mine, err := f.svc.MyBookings(ctx, sc)
		must(t, err)
		if len(mine) != 1 || mine[0].ID == c.Booking.ID {
			t.Errorf("Bo's bookings = %+v, want only his own", mine)
		}
		// Naming Anna as the subject is refused outright.
		if _, err := f.svc.Details(ctx, booking.DetailsRequest{Scope: actingFor(bo, anna, ctManage), BookingID: c.Booking.ID}); !errors.Is(err, booking.ErrForbidden) {
			t.Errorf("Bo acting for Anna: %v, want ErrForbidden", err)
		}
	})
}
