// Package deps checks that the module's packages depend on each other only
// in the directions the design allows: the contract knows nothing of flows,
// wires or fakes, adapters stay below the flow, and examples are leaves
// that use only public packages, as the programs users copy must.
package deps

import (
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/webbtidbok/webbtidbok"

// rule forbids packages matching from to import packages matching to (in
// non-test code, directly or indirectly).
type rule struct {
	from, to string
	why      string
}

var rules = []rule{
	{"tidbok", "*", "the contract knows no flow, clinic, wire or fake"},
	{"tidbok/staff", "tidbok/memtidbok", "the staff side is the books' contract; books implement it"},
	{"tidbok/staff", "tidbok/sqltidbok", "the staff side is the books' contract; books implement it"},
	{"tidbok/staff", "tidbok/tidboktest", "the staff side must not import a package that imports testing"},
	{"tidbok/staff", "internal", "the staff side is public contract, like tidbok itself"},
	{"tidbok/staff", "booking", "the staff side knows no flow"},
	{"tidbok/staff", "mvkclient", "the staff side knows no wire"},
	{"tidbok/staff", "tidbok/producer", "the staff side knows no wire"},
	{"tidbok/texts", "internal", "the citizen's texts are public, for books, wire and flow alike"},
	{"tidbok/texts", "booking", "the catalogue knows no flow: the flow imports it"},
	{"tidbok/texts", "tidbok/producer", "the catalogue knows no wire: the producer imports it"},
	{"tidbok/texts", "mvkclient", "the catalogue knows no wire"},
	{"tidbok/texts", "tidbok/memtidbok", "the catalogue knows no book: the books import it"},
	{"tidbok/texts", "tidbok/sqltidbok", "the catalogue knows no book: the books import it"},
	{"tidbok/memtidbok", "internal/soap", "the fake needs no wire"},
	{"tidbok/memtidbok", "internal/crmwire", "the fake needs no wire"},
	{"tidbok/memtidbok", "tidbok/tidboktest", "the fake must not import a package that imports testing"},
	{"tidbok/tidboktest", "tidbok/memtidbok", "the suite is neutral between implementations"},
	{"tidbok/faulty", "internal", "the fault wrapper knows books only by the contract"},
	{"tidbok/faulty", "tidbok/memtidbok", "the fault wrapper knows books only by the contract"},
	{"tidbok/memtidbok", "tidbok/faulty", "faults wrap a book from outside; the fake has none of its own"},
	{"tidbok/producer", "booking", "adapters stay below the flow"},
	{"tidbok/fhir", "booking", "adapters stay below the flow: a hold store reaches the façade through its Holds interface"},
	{"tidbok/fhir", "casetype", "adapters stay below the flow"},
	{"tidbok/fhir", "terms", "adapters stay below the flow"},
	{"tidbok/fhir", "mvkclient", "the façade and the SOAP client share nothing"},
	{"tidbok/fhir", "tidbok/memtidbok", "the façade serves any book"},
	{"tidbok/fhir", "tidbok/sqltidbok", "the façade serves any book"},
	{"tidbok/fhir", "tidbok/tidboktest", "the façade must not import a package that imports testing"},
	{"tidbok/producer", "tidbok/fhir", "the FHIR façade builds on the producer's policy, never the reverse"},
	{"tidbok/texts", "tidbok/fhir", "the catalogue knows no wire"},
	{"tidbok/staff", "tidbok/fhir", "the staff side knows no wire"},
	{"tidbok/fhir$", "tidbok/fhir/fhirclient", "the façade knows no client of it"},
	{"mvkclient", "tidbok/fhir", "the SOAP client and the FHIR side share nothing"},
	{"booking", "tidbok/fhir/fhirclient", "the flow reaches a FHIR book as any book, through tidbok.Tidbok"},
	{"tidbok/producer", "casetype", "adapters stay below the flow"},
	{"tidbok/producer", "terms", "adapters stay below the flow"},
	{"mvkclient", "booking", "adapters stay below the flow"},
	{"mvkclient", "casetype", "adapters stay below the flow"},
	{"mvkclient", "terms", "adapters stay below the flow"},
	{"mvkclient", "tidbok/producer", "client and producer share only the wire"},
	{"tidbok/producer", "mvkclient", "client and producer share only the wire"},
	{"tidbok/sqltidbok", "booking", "adapters stay below the flow"},
	{"tidbok/sqltidbok", "casetype", "adapters stay below the flow"},
	{"tidbok/sqltidbok", "terms", "adapters stay below the flow"},
	{"tidbok/sqltidbok", "sqlstore", "the book knows nothing of the flow's stores"},
	{"booking", "sqlstore", "the flow knows its stores only by their interfaces"},
	{"booking/eid", "booking/eid/eidtest", "the login ships without its test provider"},
	{"booking/eid", "tidbok/memtidbok", "the login knows no book"},
	{"booking/eid", "mvkclient", "the login knows no book"},
	{"booking/store", "booking$", "the stores' interface knows no flow: the flow imports it, never the reverse"},
	{"booking$", "booking/store/storetest", "the flow must not import a package that imports testing"},
	{"booking/store$", "booking/store/storetest", "the in-memory stores must not import a package that imports testing"},
	{"sqlstore", "booking/store/storetest", "the SQL stores must not import a package that imports testing"},
	{"booking$", "booking/delivery", "the flow queues messages in its outbox; the delivery worker reads them, never the reverse"},
	{"booking/store", "booking/delivery", "the stores keep messages unread; they know no channel"},
	{"sqlstore", "booking/delivery", "the stores keep messages unread; they know no channel"},
	{"booking/delivery", "sqlstore", "the worker knows the outbox only by its interface"},
	{"booking/delivery", "mvkclient", "the worker writes from the queued letter; it reads no book"},
	{"booking/delivery", "tidbok/memtidbok", "the worker writes from the queued letter; it reads no book"},
	{"booking/delivery", "tidbok/sqltidbok", "the worker writes from the queued letter; it reads no book"},
	{"*", "internal/smtptest", "the test mail server is test support; nothing ships with it"},
	{"casetype", "sqlstore", "clinic configuration knows its store only by its interface"},
	{"terms", "sqlstore", "clinic configuration knows its store only by its interface"},
	{"casetype", "terms", "casetype and terms stay independent; booking combines them"},
	{"terms", "casetype", "casetype and terms stay independent; booking combines them"},
	{"internal/soap", "*", "the envelope knows nothing about the contract"},
	{"internal/httpsend", "*", "the send trace knows nothing about the contract or its wires"},
	{"internal/reconcile", "internal/soap", "reconciling knows the contract, not a wire"},
	{"internal/reconcile", "internal/crmwire", "reconciling knows the contract, not a wire"},
	{"internal/reconcile", "mvkclient", "reconciling knows the contract, not a wire"},
	{"internal/reconcile", "tidbok/fhir", "reconciling knows the contract, not a wire"},
	{"*", "examples", "examples are leaves"},
	{"*", "internal/pnleak", "the leak detector is test support; nothing ships with it"},
}

// importRule forbids packages matching from to import packages matching
// to directly (a dependency through another package is allowed). With
// tests set it speaks of the imports of the package's tests instead of
// its own, and except names the packages they may still import.
type importRule struct {
	from, to string
	tests    bool
	except   []string
	why      string
}

var importRules = []importRule{
	{from: "examples", to: "internal",
		why: "examples are programs users copy, and a copy outside this module cannot import internal/: what an example needs is public API or lives in the example"},
	{from: "examples", to: "internal", tests: true, except: []string{"internal/pgtest", "internal/testpki"},
		why: "the examples' tests may use only the module's test support for what a test environment provides (a fresh PostgreSQL schema, a throwaway PKI), which a copy's tests take from its own"},
}

// externalRules forbid the module's packages matching from to depend on
// packages outside the module whose import paths start with one of
// prefixes (in non-test code, directly or indirectly).
var externalRules = []struct {
	from     string
	prefixes []string
	why      string
}{
	{"*", []string{"go.opentelemetry.io/otel/sdk", "go.opentelemetry.io/otel/exporters"},
		"the library depends on OpenTelemetry's API only: the application installs an SDK and exporters"},
	{"booking$", []string{"github.com/wneessen/go-mail", "net/smtp"},
		"the flow only queues messages: sending mail is booking/delivery's"},
	{"booking", []string{"github.com/emersion/go-smtp", "github.com/emersion/go-ical", "github.com/emersion/go-sasl"},
		"the SMTP server and the independent iCalendar parser are test support (internal/smtptest, tests)"},
	{"sqlstore", []string{"github.com/emersion/go-smtp", "github.com/wneessen/go-mail"},
		"the stores keep messages unread"},
}

type pkg struct {
	ImportPath   string
	Deps         []string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

func TestDependenciesPointOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Deps,Imports,TestImports,XTestImports", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 2 {
		t.Fatalf("go list found %d packages; expected the whole module", len(pkgs))
	}
	for _, p := range pkgs {
		for _, v := range importViolations(p) {
			t.Error(v)
		}
		from := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		for _, v := range externalViolations(from, p.Deps) {
			t.Error(v)
		}
		for _, dep := range p.Deps {
			if !strings.HasPrefix(dep, module+"/") {
				continue
			}
			to := strings.TrimPrefix(dep, module+"/")
			for _, r := range rules {
				if matches(r.from, from) && matches(r.to, to) && from != to {
					t.Errorf("%s imports %s: forbidden because %s", from, to, r.why)
				}
			}
		}
	}
}

// externalViolations returns a sentence for each dependency outside the
// module of the package from (examples excepted: they are programs) that
// externalRules forbid.
func externalViolations(from string, deps []string) []string {
	if matches("examples", from) {
		return nil
	}
	var out []string
	for _, r := range externalRules {
		if !matches(r.from, from) {
			continue
		}
		for _, dep := range deps {
			for _, p := range r.prefixes {
				if dep == p || strings.HasPrefix(dep, p+"/") {
					out = append(out, fmt.Sprintf("%s imports %s: forbidden because %s", from, dep, r.why))
				}
			}
		}
	}
	return out
}

func TestExternalViolations(t *testing.T) {
	tests := []struct {
		name string
		from string
		deps []string
		want int
	}{
		{"a library package on the API keeps it", "mvkclient", []string{"go.opentelemetry.io/otel/trace", "go.opentelemetry.io/otel/metric"}, 0},
		{"a library package on the SDK breaks it", "tidbok/telemetry", []string{"go.opentelemetry.io/otel/sdk/trace"}, 1},
		{"a library package on an exporter breaks it", "tidbok/producer", []string{"go.opentelemetry.io/otel/exporters/prometheus"}, 1},
		{"an example may install the SDK", "examples/portal", []string{"go.opentelemetry.io/otel/sdk/metric"}, 0},
		{"a similar name is not the SDK", "booking", []string{"go.opentelemetry.io/otel/sdkx"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := externalViolations(tt.from, tt.deps); len(got) != tt.want {
				t.Errorf("externalViolations = %q, want %d", got, tt.want)
			}
		})
	}
}

// importViolations returns a sentence for each direct import of p, or of
// its tests, that importRules forbid.
func importViolations(p pkg) []string {
	from := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
	var out []string
	for _, r := range importRules {
		if !matches(r.from, from) {
			continue
		}
		imports, whose := p.Imports, from
		if r.tests {
			imports, whose = append(slices.Clone(p.TestImports), p.XTestImports...), "the tests of "+from
		}
		for _, imp := range imports {
			to, ok := strings.CutPrefix(imp, module+"/")
			if !ok || to == from || !matches(r.to, to) || slices.Contains(r.except, to) {
				continue
			}
			out = append(out, fmt.Sprintf("%s import %s: forbidden because %s", whose, to, r.why))
		}
	}
	return out
}

func TestImportViolations(t *testing.T) {
	tests := []struct {
		name string
		p    pkg
		want int
	}{
		{"an example that imports internal/ breaks the rule",
			pkg{ImportPath: module + "/examples/portal", Imports: []string{"net/http", module + "/internal/sqldb"}}, 1},
		{"an example's test that imports internal test support keeps it",
			pkg{ImportPath: module + "/examples/portal", TestImports: []string{module + "/internal/pgtest"}}, 0},
		{"an example's test that imports other internal code breaks it",
			pkg{ImportPath: module + "/examples/mvkcli", XTestImports: []string{module + "/internal/testbook"}}, 1},
		{"an example that imports public packages keeps it",
			pkg{ImportPath: module + "/examples/quickstart", Imports: []string{module + "/tidbok/memtidbok"}, Deps: []string{module + "/internal/bookbase"}}, 0},
		{"a public package may import internal/",
			pkg{ImportPath: module + "/tidbok/memtidbok", Imports: []string{module + "/internal/bookbase"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := importViolations(tt.p); len(got) != tt.want {
				t.Errorf("importViolations = %q, want %d", got, tt.want)
			}
		})
	}
}

// matches reports whether pattern names pkg: "*" is every package, a path
// ending in "$" names only that package, and a path names itself and the
// packages below it, except that "tidbok" names only the contract package
// itself.
func matches(pattern, pkg string) bool {
	switch {
	case pattern == "*":
		return true
	case pattern == "tidbok":
		return pkg == "tidbok"
	case strings.HasSuffix(pattern, "$"):
		return pkg == strings.TrimSuffix(pattern, "$")
	default:
		return pkg == pattern || strings.HasPrefix(pkg, pattern+"/")
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		pattern, pkg string
		want         bool
	}{
		{"tidbok", "tidbok", true},
		{"tidbok", "tidbok/memtidbok", false},
		{"examples", "examples/portal", true},
		{"booking", "bookingx", false},
		{"booking", "booking/store", true},
		{"booking$", "booking", true},
		{"booking$", "booking/store", false},
		{"*", "mvkclient", true},
	}
	for _, tt := range tests {
		if got := matches(tt.pattern, tt.pkg); got != tt.want {
			t.Errorf("matches(%q, %q) = %v, want %v", tt.pattern, tt.pkg, got, tt.want)
		}
	}
}
