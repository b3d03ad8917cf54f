package booking

// WithoutTelemetry turns s's instrumentation off: every span and metric
// call site is reduced to a nil check. It is the baseline of the
// telemetry benchmarks: the flow as it was before it was instrumented.
func WithoutTelemetry(s *Service) { s.tel = nil }
