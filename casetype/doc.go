// Package casetype holds a clinic's case types (ärendetyper): the services
// a clinic offers on its contact card in the patient portal — book an
// appointment, cancel and reschedule, and the two request forms — with the
// settings and rules each needs, and the check that decides whether a case
// type may be activated.
//
// Portal developers use it on two sides. The administration side lets a
// clinic's local administrator create a case type as a draft, edit it and
// activate it; activation asks the clinic's appointment book (any
// [tidbok.Tidbok]: memtidbok, a vendor's book, a remote one over the wire)
// whether it offers what the case type needs, and reports every problem at
// once. The citizen side (the booking package) reads the active case types
// of a clinic and applies their rules.
//
// # Life cycle
//
// A case type is created as a [StatusDraft], becomes [StatusActive] through
// [Registry.Activate] — only when [Check] finds nothing to fix — and
// [StatusInactive] through [Registry.Deactivate]; an inactive case type may
// be edited and activated again. Only a local administrator of the case
// type's clinic ([Admin]) may change it, and every attempt, allowed or
// refused, is an audit [Event].
//
// # Terms
//
// Booking case types need a terms text (villkorstext). This package does
// not import the terms package: activation asks a [TermsChecker], which
// terms.Registry satisfies.
//
// # Storage
//
// A [Registry] keeps case types in a [Store]. [NewMemStore] is the
// in-memory store; a SQL store implements the same three methods.
package casetype
