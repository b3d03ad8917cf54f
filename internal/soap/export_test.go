package soap

import "io"

// ReadReference is Read by encoding/xml alone, for the differential
// tests of the fast path.
func ReadReference(r io.Reader, lim Limits) (*Message, error) {
	return readReference(r, lim.withDefaults())
}
