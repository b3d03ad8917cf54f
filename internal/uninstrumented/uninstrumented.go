// Package uninstrumented switches off the instrumentation of the books,
// clients and handlers made while it is set, so that they run the code
// path without any: the baseline against which the overhead benchmarks
// measure OpenTelemetry's cost, with no-op providers and with an SDK.
// Nothing but benchmarks sets it.
package uninstrumented

import "sync/atomic"

var off atomic.Bool

// Set switches the instrumentation of what is made from now on off
// (true) or back on (false).
func Set(uninstrumented bool) { off.Store(uninstrumented) }

// On reports whether what is made now is to run uninstrumented.
func On() bool { return off.Load() }
