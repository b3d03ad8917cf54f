package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axe-core checks every page the browser tests visit against WCAG 2.1 A
// and AA. The npm package, pinned, is installed once per machine from
// the registry into the user's cache (or a temporary folder), as
// tidbok/fhir's tests install theirs, and its script is run in the page
// through DevTools, which the page's content security policy does not
// govern. Without node and npm the pages go unchecked by axe-core and
// TestAxeCoreIsInstalled is skipped, unless CI is set: then it fails.

// npmAxe is the axe-core release the tests run.
const npmAxe = "axe-core@4.14.1"

// axeTags are the rules run: WCAG 2.0 and 2.1, levels A and AA.
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]`

var axe struct {
	once sync.Once
	// src is axe.min.js; why says why it is missing.
	src, why string
}

// axeSource returns axe-core's script, installing it on first use, or ""
// and why it cannot be had.
func axeSource() (string, string) {
	axe.once.Do(func() { axe.src, axe.why = installAxe() })
	return axe.src, axe.why
}

func installAxe() (src, why string) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", tool + " is not installed: the pages are not checked with axe-core (install Node.js and npm to check them; CI requires them)"
		}
	}
	root, err := os.UserCacheDir()
	if err != nil {
		if root, err = os.MkdirTemp("", "portal-npm-"); err != nil {
			return "", err.Error()
		}
	}
	dir := filepath.Join(root, "webbtidbok", "npm-"+strings.NewReplacer("@", "-", "/", "-").Replace(npmAxe))
	file := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
	if b, err := os.ReadFile(file); err == nil && fileExists(filepath.Join(dir, "node_modules", ".complete")) {
		return string(b), ""
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err.Error()
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		return "", err.Error()
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(context.Background(), "npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", tmp, npmAxe)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Sprintf("npm install %s: %v\n%s", npmAxe, err, out)
	}
	if err := os.WriteFile(filepath.Join(tmp, "node_modules", ".complete"), nil, 0o644); err != nil {
		return "", err.Error()
	}
	if err := os.Rename(tmp, dir); err != nil && !fileExists(file) {
		return "", "keeping the npm package: " + err.Error()
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err.Error()
	}
	return string(b), ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestAxeCoreIsInstalled says whether the browser tests check their
// pages with axe-core: it is skipped, with the reason, when they cannot,
// and fails in CI.
func TestAxeCoreIsInstalled(t *testing.T) {
	if src, why := axeSource(); src == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set, but %s", why)
		}
		t.Skip(why)
	}
}

// axeRun is the script that runs axe-core on the page and lists each
// violation as its rule, help and the nodes it found.
const axeRun = `(async () => {
  const r = await axe.run(document, {runOnly: {type: "tag", values: ` + axeTags + `}, resultTypes: ["violations"]});
  return r.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " – " + v.nodes.map(n => n.target.join(" ")).join(", "));
})()`

// axeCheck fails the test for every WCAG 2.1 A/AA violation axe-core
// finds on the page the tab shows. Without axe-core it does nothing in
// a run without CI (TestAxeCoreIsInstalled says so) and fails in CI.
func (tb *tab) axeCheck() {
	tb.t.Helper()
	src, why := axeSource()
	if src == "" {
		if os.Getenv("CI") != "" {
			tb.t.Fatalf("CI is set, but %s", why)
		}
		return
	}
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	loaded, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === "object"`))
	if !loaded {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](src+"\n;true")); err != nil {
			tb.t.Fatalf("%s: loading axe-core: %v", tb.name, err)
		}
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: running axe-core: %v", tb.name, err)
	}
	for _, v := range found {
		tb.t.Errorf("%s (%s): axe-core on page %q: %s", tb.name, tb.vp.name, tb.page(), v)
	}
}

// TestAxeCoreFindsAViolation makes sure the check can fail: a page with
// an unlabelled field and text of too little contrast is reported.
func TestAxeCoreFindsAViolation(t *testing.T) {
	needChromium(t)
	if src, _ := axeSource(); src == "" {
		t.Skip("axe-core is not installed (see TestAxeCoreIsInstalled)")
	}
	t.Parallel()
	p := newPortal(t)
	tb := newTab(t, p, phone, "broken")
	tb.open("/logga-in")
	eval[bool](tb, `document.querySelectorAll("label").forEach(l => l.remove()); document.querySelector("h1").style.color = "#ddd"; true`)
	found := strings.Join(eval[[]string](tb, axeRun, chromedp.EvalAwaitPromise), "\n")
	for _, rule := range []string{"label (", "color-contrast ("} {
		if !strings.Contains(found, rule) {
			t.Errorf("axe-core did not report %q on a broken page; it found:\n%s", rule, found)
		}
	}
}
