package tidboktest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Run checks that the books h makes obey the rules of the [tidbok.Tidbok]
// contract: one subtest per rule, each named by a sentence that states
// the rule. Every subtest gets a fresh book and Seeder from h.New.
//
// A broken rule is reported with t.Errorf and the suite carries on; a
// subtest stops early only when a step it needs first (staging data,
// making the booking whose cancellation it then checks) fails. Rules
// about operations the book's [tidbok.Capabilities] leave out are skipped
// with a message saying which operations are missing; one rule checks that
// exactly those operations answer [tidbok.ErrNotSupported].
//
// Subtests do not call t.Parallel, so the book's concurrency is exercised
// only by the rules meant for it; run the suite with -race.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("tidboktest: Harness.New is nil: it must return a fresh book and its Seeder")
	}
	for _, r := range allRules() {
		t.Run(r.sentence, func(t *testing.T) {
			b, s := h.New(t)
			if b == nil || s == nil {
				t.Fatal("tidboktest: Harness.New returned a nil book or Seeder")
			}
			if missing := b.Capabilities().Missing(r.needs); len(missing) > 0 {
				t.Skipf("the book does not support %v, which this rule needs", tidbok.CapabilitiesOf(missing...))
			}
			report(t, r.check(t.Context(), b, s))
		})
	}
}

// rule is one rule of the contract and the check that a book obeys it.
type rule struct {
	// sentence states the rule; it names the subtest.
	sentence string
	// needs are the operations without which the rule says nothing; the
	// subtest is skipped when the book lacks one. A check may use further
	// operations when the book has them.
	needs tidbok.Capabilities
	// check returns nil when the book obeys the rule, and otherwise an
	// error describing each violation (joined with errors.Join), a
	// *preconditionError or a *skipError.
	check func(ctx context.Context, b tidbok.Tidbok, s Seeder) error
}

// allRules returns every rule, grouped by family, in the order Run checks
// them.
func allRules() []rule {
	var all []rule
	for _, family := range [][]rule{
		capabilityRules,
		validationRules,
		availabilityRules,
		directoryRules,
		bookingRules,
		cancelRules,
		rescheduleRules,
		flagRules,
		invitationRules,
		privacyRules,
		concurrencyRules,
	} {
		all = append(all, family...)
	}
	return all
}

// report turns a check's error into test results: one t.Error per
// violation, then a failed precondition, which stops the subtest, or a
// skip.
func report(t *testing.T, err error) {
	t.Helper()
	var stop *preconditionError
	var skipped *skipError
	for _, e := range flatten(err) {
		if pe, ok := errors.AsType[*preconditionError](e); ok {
			stop = pe
			continue
		}
		if se, ok := errors.AsType[*skipError](e); ok {
			skipped = se
			continue
		}
		t.Error(e)
	}
	switch {
	case stop != nil:
		t.Fatalf("precondition failed: %v", stop)
	case skipped != nil:
		t.Skip(skipped.reason)
	}
}

// flatten returns the errors joined in err, or err alone.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// preconditionError reports that a step the check needed before it could
// judge the rule failed, e.g. the Seeder could not publish a slot or the
// booking to be cancelled could not be made. It is not a verdict on the
// rule itself, which the check could not reach.
type preconditionError struct {
	step string
	err  error
}

func (e *preconditionError) Error() string { return e.step + ": " + e.err.Error() }
func (e *preconditionError) Unwrap() error { return e.err }

// precondition wraps err, when not nil, as the failure of step.
func precondition(err error, step string, args ...any) error {
	if err == nil {
		return nil
	}
	return &preconditionError{step: fmt.Sprintf(step, args...), err: err}
}

// skipError reports that the rule cannot be checked on this book, e.g.
// because its Seeder cannot stage what the rule needs.
type skipError struct{ reason string }

func (e *skipError) Error() string { return "skipped: " + e.reason }

func skip(format string, args ...any) error {
	return &skipError{reason: fmt.Sprintf(format, args...)}
}

// violations collects the ways a book broke one rule, so that a check
// reports all of them rather than the first.
type violations struct{ errs []error }

// addf records a violation.
func (v *violations) addf(format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf(format, args...))
}

// add records err, when not nil, as a violation.
func (v *violations) add(err error) {
	if err != nil {
		v.errs = append(v.errs, err)
	}
}

// err returns the violations joined, or nil when there were none.
func (v *violations) err() error { return errors.Join(v.errs...) }
