package producer

import (
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/pnleak"
)

// A fault's reference is logged and sent to the consumer, so it must never
// read as a personal identity number: it has no digit at all. (Hex
// references did, now and then: 860401863444 passed as a 12-digit one.)
func TestFaultReferencesHoldNoDigits(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 2000 {
		ref := newRef()
		if len(ref) != 12 || strings.ContainsAny(ref, "0123456789") {
			t.Fatalf("reference %q: want 12 letters and no digit", ref)
		}
		if found := pnleak.Find("ref=" + ref); len(found) != 0 {
			t.Fatalf("reference %q reads as a personal identity number: %v", ref, found)
		}
		seen[ref] = true
	}
	if len(seen) < 1990 {
		t.Errorf("%d distinct references in 2000: want them random", len(seen))
	}
}
