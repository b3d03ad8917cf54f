// Package deps checks that the module's packages depend on each other only
// in the directions the design allows: the contract knows nothing of flows,
// wires or fakes, adapters stay below the flow, and examples are leaves.
package deps

import (
	"encoding/json"
	"io"
	"os/exec"
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
	{"tidbok/memtidbok", "internal/soap", "the fake needs no wire"},
	{"tidbok/memtidbok", "internal/crmwire", "the fake needs no wire"},
	{"tidbok/memtidbok", "tidbok/tidboktest", "the fake must not import a package that imports testing"},
	{"tidbok/tidboktest", "tidbok/memtidbok", "the suite is neutral between implementations"},
	{"tidbok/producer", "booking", "adapters stay below the flow"},
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
	{"booking/store", "booking$", "the stores' interface knows no flow: the flow imports it, never the reverse"},
	{"booking$", "booking/store/storetest", "the flow must not import a package that imports testing"},
	{"booking/store$", "booking/store/storetest", "the in-memory stores must not import a package that imports testing"},
	{"sqlstore", "booking/store/storetest", "the SQL stores must not import a package that imports testing"},
	{"casetype", "sqlstore", "clinic configuration knows its store only by its interface"},
	{"terms", "sqlstore", "clinic configuration knows its store only by its interface"},
	{"casetype", "terms", "casetype and terms stay independent; booking combines them"},
	{"terms", "casetype", "casetype and terms stay independent; booking combines them"},
	{"internal/soap", "*", "the envelope knows nothing about the contract"},
	{"*", "examples", "examples are leaves"},
	{"*", "internal/pnleak", "the leak detector is test support; nothing ships with it"},
}

type pkg struct {
	ImportPath string
	Deps       []string
}

func TestDependenciesPointOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Deps", module+"/...").Output()
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
		from := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
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
