package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestQuickstartTellsTheWholeStory(t *testing.T) {
	now := time.Date(2026, 3, 23, 9, 0, 0, 0, tidbok.Stockholm()) // a Monday before the spring clock change
	var out bytes.Buffer
	if err := run(context.Background(), &out, now); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Staff published 120 web-bookable slots",
		"Anna books it: booking ",
		"The clinic's book shows 1 booking(s); Tue 24 Mar 08:00: Anna Andersson",
		"Bertil tries the same time and is told: \"Tiden har just blivit bokad",
		"her schedule now shows Tue 31 Mar 08:00 (may cancel: true, may reschedule: true)",
		"Anna cancels; 120 times are free again.",
		"The clinic's book shows 0 booking(s).",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "191212121212") {
		t.Errorf("output shows a full personal identity number:\n%s", out.String())
	}
}
