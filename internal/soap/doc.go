// Package soap reads and writes SOAP 1.1 envelopes as RIV-TA (the Swedish
// national reference architecture for healthcare integration) uses them:
// document/literal, one element in the Body, the logical address and the
// actor in the Header, and SOAP Faults for technical errors, including the
// national service platform's VP codes.
//
// It knows nothing about any service contract. The crm:scheduling codec
// (internal/crmwire) builds on it; through that codec mvkclient (the
// consumer side) and tidbok/producer (the producer side) use it. A
// successor contract can reuse it unchanged.
//
// # Profiles
//
// RIV-TA Basic Profile 2.1 ([RIVTABP21]) carries the logical address in
// itr:LogicalAddress (urn:riv:itintegration:registry:1) and the acting
// person in ih:Actor (urn:riv:interoperability:headers:1). The older Basic
// Profile 2.0 ([RIVTABP20]) carries the logical address in wsa:To
// (WS-Addressing 1.0) and has no actor.
//
// # Reading untrusted input
//
// [Read] enforces hard [Limits] on size, nesting depth and attributes
// (per element, and bytes per message, counted before encoding/xml would
// allocate them), rejects duplicate attributes and any DOCTYPE or other
// directive (so no entity can ever be expanded), accepts UTF-8 only, and
// reports malformed input with errors matching [ErrMalformed]. It stops at the Body's first element, so the caller can
// choose the payload type from the element's name and namespace and decode
// it with [Message.DecodePayload], still under the same limits.
// [Message.Misplaced] then lists the elements skipped because they came
// in another namespace than the payload type declares for their name, so
// that the caller can report them rather than read empty fields.
package soap
