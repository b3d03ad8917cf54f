package sqltidbok

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestParseSlots decodes the one row that answers AvailableTimeslots on
// SQLite, and refuses a row whose fields its count of slots does not
// explain, so that the book reads the slots as rows instead.
func TestParseSlots(t *testing.T) {
	row := func(fields ...string) string { return strings.Join(fields, slotSep) }
	two := row("s2", "200", "260", "LAK", "", "P1", "R1", "s1", "100", "160", "SSK", "C1", "", "")
	got, ok := parseSlots(two, 2, "")
	want := []freeSlot{
		{id: "s2", start: 200, end: 260, ids: slotIDs{timeType: "LAK", performer: "P1", resource: "R1"}},
		{id: "s1", start: 100, end: 160, ids: slotIDs{timeType: "SSK", careType: "C1"}},
	}
	if !ok || !slices.Equal(got, want) {
		t.Errorf("parseSlots(two slots) = %+v, %v; want %+v", got, ok, want)
	}
	slices.SortFunc(got, bySlotOrder)
	if got[0].id != "s1" {
		t.Errorf("sorted, the first slot is %s; want s1, the earlier", got[0].id)
	}
	for _, c := range []struct {
		name string
		row  string
		n    int64
	}{
		{"a field that holds the separator", row("s"+slotSep+"1", "100", "160", "LAK", "", "", ""), 1},
		{"fewer fields than slots", row("s1", "100", "160", "LAK", "", "", ""), 2},
		{"a start that is no integer", row("s1", "x", "160", "LAK", "", "", ""), 1},
		{"fields without a count", row("s1", "100", "160", "LAK", "", "", ""), 0},
		{"a count without fields", "", 1},
	} {
		if got, ok := parseSlots(c.row, c.n, ""); ok {
			t.Errorf("parseSlots(%s) = %+v, ok; want it refused", c.name, got)
		}
	}
	// One performer's row leaves the performer out; every slot is theirs.
	own := row("s1", "100", "160", "LAK", "", "R1", "s2", "200", "260", "SSK", "C1", "")
	got, ok = parseSlots(own, 2, "P9")
	want = []freeSlot{
		{id: "s1", start: 100, end: 160, ids: slotIDs{timeType: "LAK", performer: "P9", resource: "R1"}},
		{id: "s2", start: 200, end: 260, ids: slotIDs{timeType: "SSK", careType: "C1", performer: "P9"}},
	}
	if !ok || !slices.Equal(got, want) {
		t.Errorf("parseSlots(one performer's two slots) = %+v, %v; want %+v", got, ok, want)
	}
	if got, ok := parseSlots(two, 2, "P9"); ok {
		t.Errorf("parseSlots(a row with performers, as one performer's) = %+v, ok; want it refused", got)
	}
	if got, ok := parseSlots("", 0, ""); !ok || len(got) != 0 {
		t.Errorf("parseSlots of no slots = %v, %v; want none, ok", got, ok)
	}
}

// TestParseInt parses what SQLite writes of an int64, and nothing else.
func TestParseInt(t *testing.T) {
	for _, n := range []int64{0, 7, -7, 1773129600000000000, math.MaxInt64, math.MinInt64, -1773129600000000000} {
		f := strconv.FormatInt(n, 10)
		if got, ok := parseInt(f); !ok || got != n {
			t.Errorf("parseInt(%q) = %d, %v; want %d", f, got, ok, n)
		}
	}
	for _, f := range []string{"", "-", "1x", "+1", "9223372036854775808", "-9223372036854775809", "12345678901234567890", "1.5"} {
		if got, ok := parseInt(f); ok {
			t.Errorf("parseInt(%q) = %d, ok; want it refused", f, got)
		}
	}
}
