package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var update = flag.Bool("update", false, "write testdata/phone.png, the README's screenshot of the phone view")

// TestScreenshot writes the README's screenshot: choosing a time on a
// phone 360 pixels wide. Run it with
//
//	go test ./examples/portal -run TestScreenshot -update
func TestScreenshot(t *testing.T) {
	if !*update {
		t.Skip("run with -update to write testdata/phone.png")
	}
	p := newPortal(t)
	// Twice the pixels, as phones have, so that the README's image is
	// sharp at 360 points wide.
	sharp := phone
	sharp.scale = 2
	tb := newTab(t, p, sharp, "phone")
	tb.login("tolvan")
	tb.open(bookPath + "/tider?tidstyp=LAK&datum=" + thursday.String())
	tb.do("ticking the box", chromedp.Click(chromedp.ID("godkann")))
	tb.click("#fortsatt")
	tb.expectPage("slots")
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("the screenshot is not a PNG (%d bytes)", len(png))
	}
	path := filepath.Join("testdata", "phone.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, len(png))
}
