package tidboktest

import (
	"context"
	"errors"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// This file exports the suite's rules to its own tests in package
// tidboktest_test, which need memtidbok and internal/testbook; those
// import tidboktest, so the tests cannot live in this package. Vendors see
// only Run.

// Rule is one rule of the suite.
type Rule struct {
	Sentence string
	Needs    tidbok.Capabilities
	Check    func(ctx context.Context, b tidbok.Tidbok, s Seeder) error
}

// Rules returns every rule in the order Run checks them.
func Rules() []Rule {
	var out []Rule
	for _, r := range allRules() {
		out = append(out, Rule{Sentence: r.sentence, Needs: r.needs, Check: r.check})
	}
	return out
}

// IsPrecondition reports whether err says that a check could not reach
// its verdict because a step before it failed.
func IsPrecondition(err error) bool {
	_, ok := errors.AsType[*preconditionError](err)
	return ok
}

// IsSkip reports whether err says that a check could not be made on this
// book.
func IsSkip(err error) bool {
	_, ok := errors.AsType[*skipError](err)
	return ok
}

// CitizenNumbers returns the suite's pool of test personal identity
// numbers.
var CitizenNumbers = citizenNumbers
