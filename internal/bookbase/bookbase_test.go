package bookbase

import (
	"errors"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestStaffErrorSaysItsPrefixOnce(t *testing.T) {
	t.Parallel()
	var one, two tidbok.Problems
	one.Add("Slots[0].Start", "is zero")
	two.Add("Slots[0].Start", "is zero")
	two.AddError(&Missing{Field: "Clinician", Problem: "no clinician \"x\""})
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"one problem", Problems("memtidbok", "Publish", &one), "memtidbok: Publish: invalid Slots[0].Start: is zero"},
		{"two problems", Problems("memtidbok", "Publish", &two), "memtidbok: Publish: 2 problems: invalid Slots[0].Start: is zero; unknown Clinician: no clinician \"x\""},
		{"a refusal", &StaffError{Pkg: "sqltidbok", Op: "Withdraw", Err: tidbok.ErrSlotTaken}, "sqltidbok: Withdraw: slot taken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.err.Error()
			if got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			_, rest, _ := strings.Cut(got, ": ")
			if strings.Contains(rest, "tidbok: ") {
				t.Errorf("Error() = %q: want no other package's prefix", got)
			}
			if !errors.Is(tt.err, tidbok.ErrInvalid) && !errors.Is(tt.err, tidbok.ErrSlotTaken) {
				t.Errorf("%v matches none of its sentinels", tt.err)
			}
		})
	}
}
