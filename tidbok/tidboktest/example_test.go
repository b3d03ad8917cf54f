package tidboktest_test

import (
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// clinic is the one clinic of the book under test.
var clinic = tidbok.MustHSAID("SE2321000016-EX01")

// newBook is the harness's New: a fresh, empty book for one rule, and the
// Seeder over its staff side. A vendor returns its own book here, e.g. one
// over a test database that t.Cleanup drops. A book with the staff side
// staff.Book gets its Seeder from NewSeeder; any other book's vendor
// writes a Seeder that stages data the way the clinic's staff would.
func newBook(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
	book := memtidbok.New()
	if err := book.AddFacility(t.Context(), tidbok.Facility{ID: clinic, Name: "Exempelmottagningen"}); err != nil {
		t.Fatal(err)
	}
	return book, tidboktest.NewSeeder(book, clinic)
}

// A vendor checks its book with one test function that runs the suite
// over a harness: newBook above makes a fresh book and its Seeder per
// rule.
// (An example cannot take a *testing.T, so the test function is a value
// here; in a _test.go file it is func TestConformance(t *testing.T).)
func ExampleRun() {
	TestConformance := func(t *testing.T) {
		tidboktest.Run(t, tidboktest.Harness{New: newBook})
	}
	_ = TestConformance
}
