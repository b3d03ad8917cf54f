package main

import (
	"strings"
	"testing"
)

func TestMobileE164(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"0701234567": "+46701234567", "070-123 45 67": "+46701234567", " 073 123 45 67 ": "+46731234567",
		"+46701234567": "+46701234567", "+46 70 123 45 67": "+46701234567", "+46 (0)70-123 45 67": "+46701234567",
		"0046 76 123 45 67": "+46761234567",
	} {
		if got, ok := mobileE164(in); !ok || got != want {
			t.Errorf("mobileE164(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{
		"", "08-123 456 78", "070123456", "07012345678", "+4701234567", "+4570123456", "070-12a 45 67",
		strings.Repeat("7", 300), "+46" + strings.Repeat("7", 300), "070\n1234567", "٠٧٠١٢٣٤٥٦٧",
	} {
		if got, ok := mobileE164(in); ok {
			t.Errorf("mobileE164(%q) = %q, want not a mobile number", in, got)
		}
	}
	if got := showPhone("+46701234567"); got != "070-123 45 67" {
		t.Errorf("showPhone = %q", got)
	}
}
