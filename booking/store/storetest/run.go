package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Stores are the stores under test, one implementation of each
// interface. A nil field skips the rules of that interface.
type Stores struct {
	Holds    store.Holds
	Keys     store.Keys
	Moves    store.Moves
	Requests store.Requests
	Outbox   store.Outbox
	Waitlist store.Waitlist
}

// Run checks that the stores newStores makes obey the rules of package
// store's interfaces: one subtest per rule, named by a sentence that
// states it. Every subtest gets fresh, empty stores from newStores, which
// may register cleanups on the t it is given.
//
// A broken rule fails its subtest with every violation found, and the
// suite carries on with the next rule; a check stops early only when a
// step it needs first fails. Subtests do
// not call t.Parallel; the rules about concurrent calls are meant for
// -race.
func Run(t *testing.T, newStores func(t *testing.T) Stores) {
	t.Helper()
	if newStores == nil {
		t.Fatal("storetest: Run: newStores is nil: it must return fresh stores")
	}
	for _, r := range rules() {
		t.Run(r.sentence, func(t *testing.T) {
			s := newStores(t)
			if s == (Stores{}) {
				t.Fatal("storetest: newStores returned no store: set at least one field of Stores")
			}
			if !r.needs(s) {
				t.Skip("the stores under test leave this interface out")
			}
			if err := r.check(t.Context(), s); err != nil {
				t.Error(err)
			}
		})
	}
}

// rule is one rule of an interface and the check that stores obey it.
type rule struct {
	// sentence states the rule; it names the subtest.
	sentence string
	// needs reports whether the stores have the interface the rule is
	// about.
	needs func(Stores) bool
	// check returns nil when the stores obey the rule, and otherwise an
	// error for each violation (joined with errors.Join), or the failure
	// of a step it needed first.
	check func(ctx context.Context, s Stores) error
}

// rules returns every rule, by interface, in the order Run checks them.
func rules() []rule {
	var all []rule
	for _, family := range [][]rule{keyRules, holdRules, moveRules, requestRules, outboxRules, waitlistRules} {
		all = append(all, family...)
	}
	return all
}

func hasKeys(s Stores) bool     { return s.Keys != nil }
func hasHolds(s Stores) bool    { return s.Holds != nil }
func hasMoves(s Stores) bool    { return s.Moves != nil }
func hasRequests(s Stores) bool { return s.Requests != nil }
func hasOutbox(s Stores) bool   { return s.Outbox != nil }

// precondition wraps err, when not nil, as the failure of a step the
// check needed before it could judge the rule: not a verdict on the rule
// itself, which the check then does not reach.
func precondition(err error, step string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("precondition failed: %s: %w", fmt.Sprintf(step, args...), err)
}

// violations collects a check's violations.
type violations []error

func (v *violations) add(format string, args ...any) { *v = append(*v, fmt.Errorf(format, args...)) }

func (v violations) err() error { return errors.Join(v...) }

// The suite's fixed values: times, clinics, people.
var (
	t0          = time.Date(2026, time.March, 2, 9, 0, 0, 123456789, tidbok.Stockholm())
	clinic      = tidbok.MustHSAID("SE2321000016-A001")
	otherClinic = tidbok.MustHSAID("SE2321000016-B002")
	noClinic    = tidbok.MustHSAID("SE2321000016-NONE")
	staffA      = tidbok.MustHSAID("SE2321000016-S001")
	staffB      = tidbok.MustHSAID("SE2321000016-S002")
)

// citizen returns the n-th of the suite's made-up citizens, born on 1
// January 1980, with a valid check digit.
func citizen(n int) tidbok.PersonalNumber {
	digits := "800101" + strconv.Itoa(100+n%900)
	sum := 0
	for i, c := range digits {
		d := int(c-'0') * (2 - i%2)
		sum += d/10 + d%10
	}
	return tidbok.MustPersonalNumber("19" + digits + strconv.Itoa((10-sum%10)%10))
}

// cmpOpts compare the stores' records: identities by value, times by
// instant (a store may give back another location).
var cmpOpts = cmp.Options{
	cmpopts.EquateComparable(tidbok.PersonalNumber{}, tidbok.HSAID{}),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
}

// diff returns a violation naming what differs between want and got, or
// nil.
func diff(what string, want, got any) error {
	if d := cmp.Diff(want, got, cmpOpts); d != "" {
		return fmt.Errorf("%s (-want +got):\n%s", what, d)
	}
	return nil
}
