package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// End-to-end tests: Debian's chromium, headless, drives the portal as
// citizens, an administrator and staff do. Without /usr/bin/chromium they
// skip, unless the environment variable CI is set: then they fail. A
// failing test saves a screenshot of each of its tabs and logs where.

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// Viewports: a small phone and a desktop.
var (
	phone   = viewport{name: "phone", width: 360, height: 740, mobile: true}
	desktop = viewport{name: "desktop", width: 1280, height: 800}
)

type viewport struct {
	name          string
	width, height int64
	mobile        bool
	// scale is the device pixel ratio; zero means 1.
	scale float64
}

// shared is the one browser the tests of this binary share; each tab
// runs in a browser context of its own, with its own cookies.
var shared struct {
	once    sync.Once
	browser context.Context
	err     error
	stop    func()
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stop != nil {
		shared.stop()
	}
	os.Exit(code)
}

// needChromium skips t without chromium, or fails it in CI.
func needChromium(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing, but CI is set: install Debian's chromium (apt-get install -y chromium) so that the browser tests run", chromiumPath)
		}
		t.Skipf("%s is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests", chromiumPath)
	}
}

// startBrowser starts the shared browser once.
func startBrowser(t testing.TB) context.Context {
	t.Helper()
	needChromium(t)
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "portal-chromium-")
		if err != nil {
			shared.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromiumPath),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.UserDataDir(dir),
		)
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		// The first run starts the browser; it must have no timeout.
		if err := chromedp.Do(bctx); err != nil {
			shared.err = err
		}
		shared.browser = bctx
		shared.stop = func() {
			bcancel()
			acancel()
			_ = os.RemoveAll(dir)
		}
	})
	if shared.err != nil {
		t.Fatalf("starting chromium: %v", shared.err)
	}
	return shared.browser
}

// tab is one browser tab, in a browser context of its own, on a portal.
type tab struct {
	t    testing.TB
	ctx  context.Context
	base string
	vp   viewport
	name string
}

// newTab opens a tab with its own cookies at the viewport's size. If the
// test fails, the tab's screenshot is saved first.
func newTab(t testing.TB, p *portal, vp viewport, name string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(startBrowser(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx, base: p.srv.URL, vp: vp, name: name}
	var opts []chromedp.EmulateViewportOption
	if vp.scale > 0 {
		opts = append(opts, chromedp.EmulateScale(vp.scale))
	}
	if vp.mobile {
		opts = append(opts, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height, opts...)); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			tb.screenshot()
		}
	})
	return tb
}

// screenshotDir is where failing tests leave their screenshots: the
// directory in PORTAL_SCREENSHOTS, or one in the system's temporary
// directory. (t.TempDir would be removed with the test.)
func screenshotDir() (string, error) {
	if d := os.Getenv("PORTAL_SCREENSHOTS"); d != "" {
		return d, os.MkdirAll(d, 0o755)
	}
	d := filepath.Join(os.TempDir(), "webbtidbok-portal-screenshots")
	return d, os.MkdirAll(d, 0o755)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// screenshot saves the whole page of the tab and logs where.
func (tb *tab) screenshot() {
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("no screenshot of tab %s: %v", tb.name, err)
		return
	}
	dir, err := screenshotDir()
	if err != nil {
		tb.t.Logf("no screenshot of tab %s: %v", tb.name, err)
		return
	}
	name := unsafeName.ReplaceAllString(tb.t.Name()+"-"+tb.name, "_") + ".png"
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Logf("no screenshot of tab %s: %v", tb.name, err)
		return
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	tb.t.Logf("screenshot of tab %s at %s: %s", tb.name, loc, path)
}

// stepTimeout bounds one step of a test.
const stepTimeout = 20 * time.Second

// do runs actions, failing the test on an error.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
}

// navigate runs actions that load a page (a click on a link or a submit
// button), waits for the page, checks it with axe-core, and returns its
// HTTP status.
func (tb *tab) navigate(what string, actions ...chromedp.Action[chromedp.Void]) int64 {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
	// Every page a test visits is checked with axe-core (axe_test.go).
	tb.axeCheck()
	return statusOf(resp)
}

func statusOf(resp *network.Response) int64 {
	if resp == nil {
		return 0
	}
	return resp.Status
}

// open loads a path of the portal.
func (tb *tab) open(path string) int64 {
	tb.t.Helper()
	return tb.navigate("opening "+path, chromedp.Navigate(tb.base+path))
}

// click clicks the element sel names and waits for the page it leads to.
func (tb *tab) click(sel string) int64 {
	tb.t.Helper()
	return tb.navigate("clicking "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// text returns the text of the first element sel names.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("%s: reading %s: %v", tb.name, sel, err)
	}
	return s
}

// eval evaluates a script in the page (DevTools runs it, so the page's
// content security policy, which forbids all script, does not apply).
func eval[T any](tb *tab, js string, opts ...chromedp.EvaluateOption) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		tb.t.Fatalf("%s: evaluating a script: %v", tb.name, err)
	}
	return v
}

// page returns the name of the page shown (body data-page).
func (tb *tab) page() string {
	tb.t.Helper()
	return eval[string](tb, `document.body.dataset.page`)
}

// expectPage fails unless the tab shows page.
func (tb *tab) expectPage(want string) {
	tb.t.Helper()
	if got := tb.page(); got != want {
		tb.t.Fatalf("%s: on page %q, want %q; it says: %s", tb.name, got, want, tb.text("main"))
	}
}

// pageProblems is a script listing what breaks the bar the portal holds
// itself to on every page: a title and one h1, every control labelled,
// nothing wider than the screen, and text contrast of at least 4.5:1
// (3:1 for large text) per WCAG 2.1.
const pageProblems = `(() => {
  const out = [];
  if (!document.title.trim()) out.push("no title");
  if (document.querySelectorAll("h1").length !== 1) out.push("not one h1");
  if (document.documentElement.lang !== "sv") out.push("lang is not sv");
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (el.labels.length === 0 && !el.getAttribute("aria-label")) out.push("unlabelled " + el.outerHTML);
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    out.push("wider than the screen: " + document.documentElement.scrollWidth + " > " + window.innerWidth);
  }
  const rgb = s => { const m = s.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bgOf = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    const st = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (st.visibility === "hidden" || box.width <= 1 || box.height <= 1 || box.right < 0 || box.bottom < 0) continue;
    const fg = rgb(st.color), bg = bgOf(el);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) out.push("contrast " + ratio.toFixed(2) + " < " + need + ": " + n.textContent.trim().slice(0, 40));
  }
  return out;
})()`

// check fails the test for every problem pageProblems finds.
func (tb *tab) check() {
	tb.t.Helper()
	for _, p := range eval[[]string](tb, pageProblems) {
		tb.t.Errorf("%s: page %q: %s", tb.name, tb.page(), p)
	}
}

// login logs the tab in through the demo login page: a citizen's key
// ("tolvan") or a staff role ("staff:personal", "staff:admin").
func (tb *tab) login(who string) {
	tb.t.Helper()
	tb.open("/logga-in")
	if role, ok := strings.CutPrefix(who, "staff:"); ok {
		tb.do("choosing "+role, chromedp.Click(chromedp.ID("personal-"+role)))
		tb.click("#logga-in-personal")
		return
	}
	tb.do("choosing "+who, chromedp.Click(chromedp.ID("person-"+who)), chromedp.Click(chromedp.ID("niva-eid")))
	tb.click("#logga-in")
}

// TestCitizenFlowInChromium runs the whole citizen flow on a phone and on
// a desktop: login, contact card, case type, terms (by keyboard), time
// type, date, slot, confirmation with a message, the calendar file, my
// bookings, reschedule and cancel.
func TestCitizenFlowInChromium(t *testing.T) {
	needChromium(t)
	t.Parallel()
	for _, vp := range []viewport{phone, desktop} {
		t.Run("on a "+vp.name, func(t *testing.T) {
			t.Parallel()
			p := newPortal(t)
			tb := newTab(t, p, vp, vp.name)

			tb.open("/logga-in")
			tb.check()
			// The first Tab reaches the skip link, which then shows.
			tb.do("tabbing to the skip link", chromedp.KeyEvent("\t"))
			if cls := eval[string](tb, `document.activeElement.className`); cls != "skip" {
				t.Errorf("the first Tab focuses %q, want the skip link", cls)
			}
			if left := eval[float64](tb, `document.activeElement.getBoundingClientRect().left`); left < 0 {
				t.Errorf("the focused skip link is off screen (left %v)", left)
			}
			tb.do("logging in", chromedp.Click(chromedp.ID("person-tolvan")))
			tb.click("#logga-in")
			tb.expectPage("card")
			tb.check()

			tb.click(`.service a[href$="/` + ctBook + `"]`)
			tb.expectPage("terms")
			tb.check()
			// The box is ticked and the form sent with the keyboard.
			tb.do("ticking the box", chromedp.Focus(chromedp.ID("godkann")), chromedp.KeyEvent(" "))
			if outline := eval[string](tb, `getComputedStyle(document.activeElement).outlineStyle`); outline == "none" {
				t.Errorf("the focused checkbox has no visible outline")
			}
			tb.navigate("sending the terms with Enter", chromedp.Focus(chromedp.ID("fortsatt")), chromedp.KeyEvent("\r"))
			tb.expectPage("timetypes")
			tb.check()

			tb.click(`a.choice-link[href*="tidstyp=LAK"]`)
			tb.expectPage("dates")
			tb.check()
			tb.click(`a.choice-link[href$="datum=` + thursday.String() + `"]`)
			tb.expectPage("slots")
			tb.check()
			tb.click(`ul.slots button`)
			tb.expectPage("confirm")
			tb.check()
			if s := tb.text("#reserverad"); !strings.Contains(s, "reserverad åt dig till kl.") {
				t.Errorf("the hold's expiry is not shown: %q", s)
			}
			tb.do("writing a message", chromedp.SendKeys(chromedp.ID("meddelande"), "Ont i halsen sedan en vecka"))
			tb.click("#boka")
			tb.expectPage("confirmation")
			tb.check()
			if h1 := tb.text("h1"); h1 != "Din tid är bokad" {
				t.Errorf("h1 %q", h1)
			}
			if s := tb.text("#bekraftelse"); !strings.Contains(s, "torsdag 12 mars 2026 kl. 08:00") || !strings.Contains(s, "Ont i halsen sedan en vecka") {
				t.Errorf("the confirmation says %q", s)
			}
			ics := eval[string](tb, `fetch(document.getElementById("kalender").href).then(r => r.text())`, chromedp.EvalAwaitPromise)
			if !strings.HasPrefix(ics, "BEGIN:VCALENDAR") || !strings.Contains(ics, "DTSTART;TZID=Europe/Stockholm:20260312T080000") {
				t.Errorf("the calendar file:\n%s", ics)
			}

			tb.click("#mina-bokningar")
			tb.expectPage("bookings")
			tb.check()
			tb.click(`.booking-item a`)
			tb.expectPage("booking")
			tb.check()

			// Reschedule to Friday: first the terms of Av- och omboka.
			tb.click("#omboka")
			tb.expectPage("terms")
			tb.do("ticking the box", chromedp.Click(chromedp.ID("godkann")))
			tb.click("#fortsatt")
			tb.expectPage("dates")
			tb.check()
			tb.click(`a.choice-link[href$="datum=` + thursday.AddDays(1).String() + `"]`)
			tb.expectPage("slots")
			tb.click(`ul.slots button`)
			tb.expectPage("confirm")
			tb.check()
			tb.click("#boka")
			tb.expectPage("confirmation")
			if h1 := tb.text("h1"); h1 != "Din tid är ombokad" {
				t.Errorf("h1 %q after rescheduling", h1)
			}
			if s := tb.text("#bekraftelse"); !strings.Contains(s, "fredag 13 mars 2026 kl. 08:00") || !strings.Contains(s, "Tidigare tid") {
				t.Errorf("the reschedule's confirmation says %q", s)
			}

			// Cancel it.
			tb.click("#mina-bokningar")
			tb.click(`.booking-item a`)
			tb.click("#avboka")
			tb.expectPage("cancel")
			tb.check()
			tb.do("writing a message", chromedp.SendKeys(chromedp.ID("meddelande"), "Jag är frisk igen"))
			tb.click("#avboka-ja")
			tb.expectPage("bookings")
			if s := tb.text("#meddelande"); !strings.Contains(s, "är avbokad") {
				t.Errorf("after cancelling: %q", s)
			}
			tb.do("seeing no bookings", chromedp.WaitVisible(chromedp.ID("inga-bokningar")))

			// The access log lists what she did, the latest first.
			tb.click(`a[href="/mina-bokningar/logg"]`)
			tb.expectPage("accesslog")
			tb.check()
			if s := tb.text("#logg"); !strings.Contains(s, "Avbokade en tid") || !strings.Contains(s, "Inloggning") {
				t.Errorf("the access log says %q", s)
			}
			if n := len(mustDay(t, p, thursday.AddDays(1), "booked")) + len(mustDay(t, p, thursday, "booked")); n != 0 {
				t.Errorf("%d bookings left in the book, want none", n)
			}
		})
	}
}

// TestTwoBrowsersRaceForTheLastFreeSlot lets two citizens choose the last
// free doctor's slot of a day at the same moment: exactly one gets a
// confirmation; the other is told in Swedish that the slot was just taken
// (or is being booked) and offered the nearest free times.
func TestTwoBrowsersRaceForTheLastFreeSlot(t *testing.T) {
	needChromium(t)
	t.Parallel()
	p := newPortal(t)
	// Thursday's doctor's slots: all but the last are withdrawn.
	ctx := context.Background()
	slots, err := p.book.Day(ctx, demoClinic.ID, thursday)
	if err != nil {
		t.Fatal(err)
	}
	var lak []string
	for _, s := range slots {
		if s.TimeType.ID == ttDoctor.ID {
			lak = append(lak, s.ID)
		}
	}
	for _, id := range lak[:len(lak)-1] {
		if err := p.book.Withdraw(ctx, demoClinic.ID, id); err != nil {
			t.Fatal(err)
		}
	}

	tabs := []*tab{newTab(t, p, phone, "tolvan"), newTab(t, p, desktop, "siv")}
	for i, who := range []string{"tolvan", "siv"} {
		tb := tabs[i]
		tb.login(who)
		tb.open(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
		tb.expectPage("terms")
		tb.do("ticking the box", chromedp.Click(chromedp.ID("godkann")))
		tb.click("#fortsatt")
		tb.expectPage("slots")
		if n := eval[int](tb, `document.querySelectorAll("ul.slots button").length`); n != 1 {
			t.Fatalf("%s sees %d slots, want the last one", who, n)
		}
	}

	// Both choose the slot at once, and confirm if they got it.
	var wg sync.WaitGroup
	for _, tb := range tabs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
			defer cancel()
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("ul.slots button"))); err != nil {
				t.Errorf("%s: choosing the slot: %v", tb.name, err)
				return
			}
			page, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.page`))
			if err != nil || page != "confirm" {
				return
			}
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("boka"))); err != nil {
				t.Errorf("%s: confirming: %v", tb.name, err)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	var won, lost []*tab
	for _, tb := range tabs {
		switch tb.page() {
		case "confirmation":
			won = append(won, tb)
		case "slots":
			lost = append(lost, tb)
		default:
			t.Errorf("%s ended on page %q: %s", tb.name, tb.page(), tb.text("main"))
		}
	}
	if len(won) != 1 || len(lost) != 1 {
		t.Fatalf("%d confirmations and %d refusals, want one of each", len(won), len(lost))
	}
	msg := lost[0].text("#fel")
	if !strings.Contains(msg, "Tiden har just blivit bokad av någon annan") && !strings.Contains(msg, "Någon annan håller just på att boka tiden") {
		t.Errorf("%s is told %q", lost[0].name, msg)
	}
	if n := eval[int](lost[0], `document.querySelectorAll("ul.slots button").length`); n == 0 {
		t.Errorf("%s is offered no alternatives", lost[0].name)
	}
	lost[0].check()
	if n := len(mustDay(t, p, thursday, "booked")); n != 1 {
		t.Errorf("%d bookings of the slot, want 1", n)
	}

	// The one who lost books an alternative.
	lost[0].click("ul.slots button")
	lost[0].expectPage("confirm")
	lost[0].click("#boka")
	lost[0].expectPage("confirmation")
}

// TestAdministratorActivatesACaseType tries to activate a draft, sees
// every missing setting at once, fixes them all, writes the terms and
// activates it.
func TestAdministratorActivatesACaseType(t *testing.T) {
	needChromium(t)
	t.Parallel()
	p := newPortal(t)
	tb := newTab(t, p, desktop, "admin")
	tb.login("staff:admin")
	tb.expectPage("admin")
	tb.check()
	tb.click(`a[href^="/admin/arendetyp/` + ctNurse + `?"]`)
	tb.expectPage("admin_edit")
	tb.check()

	if status := tb.click("#aktivera"); status != 422 {
		t.Errorf("activating the draft: status %d, want 422", status)
	}
	tb.check()
	problems := eval[[]string](tb, `[...document.querySelectorAll("#problem > li > a")].map(e => e.textContent.split(":")[0] + ":")`)
	if missing := eval[[]string](tb, `[...document.querySelectorAll("#problem a")].filter(a => !document.getElementById(a.hash.slice(1))).map(a => a.hash)`); len(missing) > 0 {
		t.Errorf("the problems link to fields the page lacks: %q", missing)
	}
	if title := eval[string](tb, `document.title`); !strings.HasPrefix(title, "Fel: ") {
		t.Errorf("the title with problems is %q, want it to start with Fel: ", title)
	}
	want := []string{"Tidstyper:", "Hur långt fram:", "Villkor:"}
	if strings.Join(problems, " ") != strings.Join(want, " ") {
		t.Errorf("the problems name %q, want %q", problems, want)
	}
	if s := tb.text("#fel"); !strings.Contains(s, "3") {
		t.Errorf("the message does not count the problems: %q", s)
	}

	tb.do("choosing the time type and the horizon",
		chromedp.Click(chromedp.ID("tt-SSK")),
		chromedp.Clear(chromedp.ID("horisont")),
		chromedp.SendKeys(chromedp.ID("horisont"), "21"),
		chromedp.Clear(chromedp.ID("framforhallning")),
		chromedp.SendKeys(chromedp.ID("framforhallning"), "2"),
	)
	tb.click("#spara")
	if s := tb.text("#meddelande"); !strings.Contains(s, "sparade") {
		t.Fatalf("saving: %q", s)
	}
	tb.click("#skriv-villkor")
	tb.expectPage("admin_terms")
	tb.check()
	tb.do("writing the terms", chromedp.SendKeys(chromedp.ID("villkor"), "Genom att boka godkänner du att:\n- du avbokar senast dagen före."))
	tb.click("#forhandsgranska")
	if s := tb.text("#forhandsvisning"); !strings.Contains(s, "du avbokar senast dagen före.") {
		t.Errorf("the preview shows %q", s)
	}
	tb.click("#publicera")
	if s := tb.text("#meddelande"); !strings.Contains(s, "Version 1") {
		t.Fatalf("publishing: %q", s)
	}
	tb.click(".back a")
	tb.expectPage("admin_edit")
	tb.click("#aktivera")
	if s := tb.text("#status"); s != "Aktiv" {
		t.Errorf("status %q after activating, want Aktiv: %s", s, tb.text("main"))
	}
}

// TestStaffSeeANewWebBooking shows a web booking in the clinic's book at
// once, then publishes and withdraws a slot.
func TestStaffSeeANewWebBooking(t *testing.T) {
	needChromium(t)
	t.Parallel()
	p := newPortal(t)
	staff := newTab(t, p, phone, "staff")
	staff.login("staff:personal")
	staff.open("/personal?datum=" + thursday.String())
	staff.expectPage("staff")
	staff.check()
	if n := eval[int](staff, `document.querySelectorAll(".day-row.booked").length`); n != 0 {
		t.Fatalf("%d booked slots before the citizen books", n)
	}

	citizen := newTab(t, p, desktop, "citizen")
	citizen.login("tolvan")
	citizen.open(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	citizen.do("ticking the box", chromedp.Click(chromedp.ID("godkann")))
	citizen.click("#fortsatt")
	citizen.click("ul.slots button")
	citizen.do("writing a message", chromedp.SendKeys(chromedp.ID("meddelande"), "Ryggont"))
	citizen.click("#boka")
	citizen.expectPage("confirmation")

	staff.navigate("reloading", chromedp.Reload())
	if s := staff.text(".day-row.booked"); !strings.Contains(s, "Tolvan Tolvansson") || !strings.Contains(s, "Ryggont") || !strings.Contains(s, "08:00") {
		t.Errorf("the booked slot reads %q", s)
	}

	staff.do("filling in a slot", chromedp.SetValue(chromedp.ID("start"), "16:30"))
	staff.click("#publicera")
	if s := staff.text("#dagen"); !strings.Contains(s, "16:30–17:00") {
		t.Fatalf("the published slot is not in the day: %q", s)
	}
	staff.check()
	staff.click(`.day-row:last-child a.remove`)
	staff.expectPage("staff_withdraw")
	staff.check()
	staff.click("#ta-bort")
	if s := staff.text("#meddelande"); !strings.Contains(s, "borttagen") {
		t.Errorf("withdrawing: %q", s)
	}
	if s := staff.text("#dagen"); strings.Contains(s, "16:30–17:00") {
		t.Errorf("the withdrawn slot is still there")
	}
}
