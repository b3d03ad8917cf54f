package fhir

import (
	"hash/fnv"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// TestFacilityTagIsFNV holds the clinic's tag in ids to hash/fnv's
// 32-bit FNV-1a, so that ids made before stay valid.
func TestFacilityTagIsFNV(t *testing.T) {
	for _, s := range []string{"SE2321000016-A1B2", "SE2321000016-DR01", "SE162321000255-O12345"} {
		h := fnv.New32a()
		_, _ = h.Write([]byte(s))
		if got, want := facilityTag(tidbok.MustHSAID(s)), h.Sum32(); got != want {
			t.Errorf("facilityTag(%s) = %#x, FNV-1a %#x", s, got, want)
		}
	}
}
