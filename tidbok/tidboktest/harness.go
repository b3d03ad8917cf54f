package tidboktest

import (
	"context"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Harness is how the suite gets books to test. Run calls New once per
// subtest, so every rule is checked on a fresh, empty book.
type Harness struct {
	// New returns a fresh book and a Seeder that stages data in it. The
	// book serves at least the facility Seeder.Facility names. New runs
	// inside the rule's subtest: it may fail t, and cleanup belongs in
	// t.Cleanup.
	New func(t *testing.T) (tidbok.Tidbok, Seeder)
}

// Seeder is the staff side the suite needs: it stages data in the book the
// way a clinic does in its journal system. The suite calls it from one
// goroutine at a time, never while it races calls to the book. An error
// from a Seeder fails the rule's subtest as a failed precondition, except
// where a method's doc says it makes the rule skip.
type Seeder interface {
	// Facility is the clinic the book serves.
	Facility() tidbok.HSAID
	// Now is the book's current time. The suite places slots relative to
	// it; a book with a real clock returns time.Now().
	Now() time.Time
	// AddSlot publishes a free slot and returns its ID, the ID
	// AvailableTimeslots reports for it. A Seeder may refuse a slot that
	// has already started with an error matching tidbok.ErrInvalid or
	// tidbok.ErrNotAllowed; the rule that needs one is then skipped.
	AddSlot(ctx context.Context, s Slot) (string, error)
	// AddInvitation issues an invitation (kallelse) to a citizen and
	// returns its booking ID. With Start and End zero it is an open
	// invitation; otherwise a timed one occupying that time, which may
	// have started or ended already. A Seeder that cannot issue
	// invitations returns an error matching tidbok.ErrNotSupported, and
	// the rules that need them are skipped.
	AddInvitation(ctx context.Context, inv Invitation) (string, error)
}

// Slot is a slot the suite asks the Seeder to publish.
type Slot struct {
	Start, End time.Time
	// TimeType is the slot's time type; the Seeder creates it when the
	// book does not know it yet.
	TimeType tidbok.TimeType
	// Performer is the slot's clinician; zero for none. The Seeder creates
	// it when needed.
	Performer tidbok.HSAID
	// Resource is the slot's room or equipment; zero for none. The Seeder
	// creates it when needed.
	Resource tidbok.Resource
	// NotWebBookable publishes the slot for staff only: the citizen side
	// must never offer it.
	NotWebBookable bool
	// Flags, when not nil, are the flags a booking of this slot gets.
	// Nil means everything the book's capabilities allow is allowed.
	Flags *tidbok.Flags
}

// Invitation is an invitation the suite asks the Seeder to issue.
type Invitation struct {
	Subject tidbok.PersonalNumber
	// Start and End are zero for an open invitation.
	Start, End time.Time
	// TimeType is the invitation's time type; the Seeder creates it
	// when the book does not know it yet.
	TimeType tidbok.TimeType
	// Purpose is the invitation text; the suite always gives one.
	Purpose string
	// Flags, when not nil, are the invitation's flags; nil allows
	// everything the book's capabilities allow.
	Flags *tidbok.Flags
}
