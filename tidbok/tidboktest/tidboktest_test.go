package tidboktest_test

import (
	"context"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// The suite is tested like any test helper: it must pass a correct book
// in every configuration, and each of its checks must fail a book broken
// in the way the check's rule forbids.

func TestRunPassesTheInMemoryBook(t *testing.T) {
	configs := []struct {
		name string
		caps tidbok.Capabilities
	}{
		{"with every operation", tidbok.AllCapabilities},
		{"read only", tidbok.ReadOnly},
		{"for new bookings only", tidbok.FlowBook | tidbok.ReadOnly},
		{"for seeing and cancelling bookings", tidbok.FlowMyBookings | tidbok.FlowCancel},
		{"for rebooking without details", tidbok.FlowReschedule | tidbok.FlowBook},
		{"without Cancel", tidbok.AllCapabilities.Without(tidbok.OpCancel)},
		{"without Reschedule", tidbok.AllCapabilities.Without(tidbok.OpReschedule)},
	}
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tidboktest.Run(t, testbook.Harness(memtidbok.WithCapabilities(c.caps)))
		})
	}
}

// uninvitingSeeder cannot issue invitations, as the staff side of some
// books cannot.
type uninvitingSeeder struct{ tidboktest.Seeder }

func (uninvitingSeeder) AddInvitation(context.Context, tidboktest.Invitation) (string, error) {
	return "", tidbok.ErrNotSupported
}

func TestRunSkipsWhatASeederWithoutInvitationsCannotStage(t *testing.T) {
	for _, caps := range []tidbok.Capabilities{tidbok.ReadOnly, tidbok.FlowMyBookings | tidbok.FlowCancel, tidbok.AllCapabilities} {
		t.Run(caps.String(), func(t *testing.T) {
			h := testbook.Harness(memtidbok.WithCapabilities(caps))
			tidboktest.Run(t, tidboktest.Harness{New: func(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
				b, s := h.New(t)
				return b, uninvitingSeeder{s}
			}})
		})
	}
}

func TestRunPassesTheExampleHarness(t *testing.T) {
	tidboktest.Run(t, tidboktest.Harness{New: newBook})
}

// TestEveryCheckPassesTheInMemoryBook calls the checks directly, so that
// a check that skips where it should judge fails here.
func TestEveryCheckPassesTheInMemoryBook(t *testing.T) {
	h := testbook.Harness()
	for _, r := range tidboktest.Rules() {
		t.Run(r.Sentence, func(t *testing.T) {
			t.Parallel()
			b, s := h.New(t)
			if err := r.Check(t.Context(), b, s); err != nil {
				t.Errorf("check failed on the in-memory book:\n%v", err)
			}
		})
	}
}

// brokenBooks are books that each break some rules, and the rules whose
// checks must catch them.
var brokenBooks = []struct {
	name   string
	opts   []memtidbok.Option
	wrap   wrapFunc
	breaks []string
}{
	{
		name: "a book whose clock runs slow offers slots that have started",
		wrap: seederOnly(func(s tidboktest.Seeder) tidboktest.Seeder { return aheadSeeder{s, 3 * time.Hour} }),
		breaks: []string{
			"no slot that has started is offered or bookable",
			"a schedule leaves out bookings that have ended",
		},
	},
	{
		name:   "a book that offers staff-only slots",
		wrap:   seederOnly(func(s tidboktest.Seeder) tidboktest.Seeder { return webOnlySeeder{s} }),
		breaks: []string{"staff-only slots are never offered nor bookable"},
	},
	{
		name: "a book that says yes to every booking",
		wrap: bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return &yesBook{Tidbok: b} }),
		breaks: []string{
			"booking a taken slot fails with ErrSlotTaken and changes nothing",
			"booking a time that has no slot fails and books nothing",
			"exactly one of many concurrent bookings of one slot succeeds",
		},
	},
	{
		name: "a book that reschedules by cancelling first",
		wrap: bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return cancelFirstBook{b} }),
		breaks: []string{
			"reschedule moves the booking to the slot named by its ID and frees the old slot at once",
			"rescheduling to a taken slot fails with ErrSlotTaken and leaves the booking as it was",
			"rescheduling to a time that has no slot fails and leaves the booking as it was",
			"exactly one of many concurrent reschedules to one slot succeeds",
		},
	},
	{
		name: "a book that ignores whose booking is read or cancelled",
		wrap: bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return subjectBlindBook{b} }),
		breaks: []string{
			"a booking cannot be read or cancelled on behalf of another citizen",
			"another citizen's booking is answered as an unknown one, whoever acts, and left as it was",
		},
	},
	{
		name:   "a book that lets a citizen acting for another reach their own bookings",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return actorTrustingBook{b} }),
		breaks: []string{"another citizen's booking is answered as an unknown one, whoever acts, and left as it was"},
	},
	{
		name:   "a book that tells that another citizen's booking exists",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return tellingBook{b} }),
		breaks: []string{"another citizen's booking is answered as an unknown one, whoever acts, and left as it was"},
	},
	{
		name: "a book that moves another citizen's booking and answers not found",
		wrap: bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return movesAnywayBook{b} }),
		breaks: []string{
			"a booking cannot be moved under another citizen's identity",
			"another citizen's booking is answered as an unknown one, whoever acts, and left as it was",
		},
	},
	{
		name:   "a book that finds the new slot of a reschedule only by its ID",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return idOnlyBook{b} }),
		breaks: []string{"reschedule finds the new slot by its time when no slot ID is given, as on the wire"},
	},
	{
		name: "a book that publishes flags but does not enforce them",
		wrap: withUnenforcedFlags,
		breaks: []string{
			"a booking that may not be cancelled cannot be cancelled",
			"a booking that may not be rescheduled cannot be moved",
			"a cancellation carries a message only when the booking allows messages",
		},
	},
	{
		name: "a read-only book that publishes every flag",
		opts: []memtidbok.Option{memtidbok.WithCapabilities(tidbok.ReadOnly)},
		wrap: bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return allFlagsBook{b} }),
		breaks: []string{
			"no booking allows an operation the book does not support",
			"the published flags are the ones the clinic set",
		},
	},
	{
		name:   "a book that shows a citizen other citizens' bookings",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return &leakyBook{Tidbok: b} }),
		breaks: []string{"a schedule shows only that citizen's bookings"},
	},
	{
		name:   "a book that lets anyone move a booking",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return anyoneMovesBook{b} }),
		breaks: []string{"a booking cannot be moved under another citizen's identity"},
	},
	{
		name:   "a book that names a citizen on free slots",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return namingFreeSlotsBook{b} }),
		breaks: []string{"free slots name no citizen"},
	},
	{
		name:   "a book that declares Cancel but does not support it",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return claimsCancelBook{b} }),
		breaks: []string{"unsupported operations agree with the declared capabilities"},
	},
	{
		name:   "a book that supports Cancel but does not declare it",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return hidesCancelBook{b} }),
		breaks: []string{"unsupported operations agree with the declared capabilities"},
	},
	{
		name:   "a book that does not declare Schedule",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return noScheduleBook{b} }),
		breaks: []string{"every book supports Schedule, the one mandatory operation"},
	},
	{
		name:   "a book whose capabilities change once it is used",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return &shiftingCapsBook{Tidbok: b} }),
		breaks: []string{"the declared capabilities do not change during the book's life"},
	},
	{
		name:   "a book that reports only the first problem of a request",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return firstProblemBook{b} }),
		breaks: []string{"bad input gets ErrInvalid listing every problem and changes nothing"},
	},
	{
		name:   "a book that serves every clinic as its own",
		wrap:   withAnyClinic,
		breaks: []string{"an unknown facility gives ErrNotFound and changes nothing"},
	},
	{
		name: "a book that answers lists in reverse order",
		wrap: bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return reversedBook{b} }),
		breaks: []string{
			"available timeslots are ordered by start and lie on the dates asked",
			"available dates are ordered and lie within the dates asked",
			"a schedule is ordered by start",
		},
	},
	{
		name: "a book that searches beyond the dates asked",
		wrap: bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return widenedBook{b} }),
		breaks: []string{
			"available timeslots are ordered by start and lie on the dates asked",
			"available dates are ordered and lie within the dates asked",
		},
	},
	{
		name:   "a book that offers a date with no free slot",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return phantomDateBook{b} }),
		breaks: []string{"a date is offered exactly when it has a free slot"},
	},
	{
		name:   "a book that ignores the time type and performer filters",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return unfilteredBook{b} }),
		breaks: []string{"time type and performer filters keep only matching slots"},
	},
	{
		name: "a book that lists no time types, performers or facilities",
		wrap: bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return emptyListsBook{b} }),
		breaks: []string{
			"the time types of free web-bookable slots are listed",
			"the performers of free web-bookable slots are listed",
			"a clinic with free slots lists itself among the facilities",
		},
	},
	{
		name:   "a book that offers free slots without their time type and performer",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return vagueSlotsBook{b} }),
		breaks: []string{"a free slot is offered as the clinic published it"},
	},
	{
		name:   "a book that offers every free slot for moving a booking",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return anySlotForMovingBook{b} }),
		breaks: []string{"slots offered for moving a booking are of its time type"},
	},
	{
		name:   "a book that keeps offering booked slots",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return &stickyBook{Tidbok: b} }),
		breaks: []string{"a booked slot leaves availability and enters the citizen's schedule"},
	},
	{
		name: "a book whose cancelled slots stay taken",
		wrap: bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return slowCancelBook{b} }),
		breaks: []string{
			"cancel returns the slot to availability at once and removes the booking",
			"a cancelled slot can be booked again by another citizen at once",
		},
	},
	{
		name:   "a book that cancels bookings it does not have",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return cancelAnythingBook{b} }),
		breaks: []string{"an unknown or already cancelled booking cannot be cancelled"},
	},
	{
		name: "a book that answers ErrNotAllowed for an unknown booking or slot",
		wrap: bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return notAllowedBook{b} }),
		breaks: []string{
			"rescheduling an unknown booking fails with ErrNotFound",
			"rescheduling to a time that has no slot fails and leaves the booking as it was",
		},
	},
	{
		name:   "a book that keeps a rescheduled invitation an invitation",
		wrap:   withInvitations(func(b tidbok.Tidbok, inv *invitations) tidbok.Tidbok { return foreverInvitationBook{b, inv} }),
		breaks: []string{"a rescheduled invitation becomes a booking"},
	},
	{
		name:   "a book that lists open invitations in the schedule",
		wrap:   withInvitations(func(b tidbok.Tidbok, inv *invitations) tidbok.Tidbok { return openInScheduleBook{b, inv} }),
		breaks: []string{"an open invitation is left out of the schedule but shown by its details"},
	},
	{
		name:   "a book that does not mark invitations in the schedule",
		wrap:   bookOnly(func(b tidbok.Tidbok) tidbok.Tidbok { return unmarkedInvitationBook{b} }),
		breaks: []string{"a timed invitation appears in the schedule marked as an invitation"},
	},
	{
		name:   "a book that books an open invitation again and again",
		wrap:   withInvitations(func(b tidbok.Tidbok, inv *invitations) tidbok.Tidbok { return reusableInvitationBook{b, inv} }),
		breaks: []string{"an open invitation can be booked once"},
	},
	{
		name:   "a book that books anyone's open invitation",
		wrap:   withInvitations(func(b tidbok.Tidbok, inv *invitations) tidbok.Tidbok { return anyoneBooksInvitationBook{b, inv} }),
		breaks: []string{"an open invitation can be booked only for its own citizen"},
	},
}

func TestChecksCatchBrokenBooks(t *testing.T) {
	rules := map[string]tidboktest.Rule{}
	for _, r := range tidboktest.Rules() {
		rules[r.Sentence] = r
	}
	for _, bb := range brokenBooks {
		t.Run(bb.name, func(t *testing.T) {
			t.Parallel()
			h := testbook.Harness(bb.opts...)
			for _, sentence := range bb.breaks {
				t.Run(sentence, func(t *testing.T) {
					r, ok := rules[sentence]
					if !ok {
						t.Fatalf("no rule %q", sentence)
					}
					b, s := bb.wrap(h.New(t))
					err := r.Check(t.Context(), b, s)
					switch {
					case err == nil:
						t.Fatal("the check passed a book that breaks its rule")
					case tidboktest.IsSkip(err):
						t.Fatalf("the check skipped a book that breaks its rule: %v", err)
					case tidboktest.IsPrecondition(err):
						t.Fatalf("the check stopped at a precondition instead of finding the violation: %v", err)
					}
					t.Logf("reported:\n%v", err)
				})
			}
		})
	}
}

// unbreakable are the rules no decorator can break, and why.
var unbreakable = map[string]string{
	"HSA-ids match case-insensitively": "tidbok.HSAID keeps the upper-case form, so a lower-case HSA-id reaches every book already upper-cased",
}

func TestEveryRuleCatchesSomeBrokenBook(t *testing.T) {
	caught := map[string]bool{}
	for s := range unbreakable {
		caught[s] = true
	}
	for _, bb := range brokenBooks {
		for _, s := range bb.breaks {
			caught[s] = true
		}
	}
	for _, r := range tidboktest.Rules() {
		if !caught[r.Sentence] {
			t.Errorf("no broken book shows that the check of %q can fail", r.Sentence)
		}
	}
}

func TestTheCitizenPoolIsValid(t *testing.T) {
	for i, s := range tidboktest.CitizenNumbers() {
		if _, err := tidbok.ParsePersonalNumber(s); err != nil {
			t.Errorf("pool number %d: %v", i+1, err)
		}
	}
}
