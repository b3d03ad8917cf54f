package casetype

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Limits on the texts of a case type, in characters (runes).
const (
	MaxNameLen     = 100
	MaxConcernsLen = 1000
	MaxLabelLen    = 100
	// MaxMessageLen is the largest MessageSettings.MaxLen a clinic may set.
	MaxMessageLen = 4000
	// maxIDLen is the longest ID, in bytes (IDs are ASCII).
	maxIDLen = 64
)

// ErrIncomplete means a case type cannot be, or stay, active as
// configured. The error also matches [tidbok.ErrInvalid] and lists every
// problem at once as [*tidbok.FieldError] values (see [tidbok.FieldErrors]),
// each naming the field to fix and how.
var ErrIncomplete = errors.New("casetype: case type not ready to be active")

// ProbeSubject is the personal identity number activation uses, unless
// [ActivationDeps] names another, when it asks the book which time types
// it offers: a book may answer per citizen, and this is Skatteverket's
// well-known test number (Tolvan Tolvansson), never a real person.
const ProbeSubject = "191212121212"

// TermsChecker tells whether a terms text (villkorstext) is published for
// a case type. terms.Registry satisfies it; casetype does not import the
// terms package, so that the two stay independent.
type TermsChecker interface {
	// HasTerms reports whether the clinic has published a terms text for
	// the case type with the given ID.
	HasTerms(ctx context.Context, clinic tidbok.HSAID, caseTypeID string) (bool, error)
}

// ActivationDeps are what activation asks besides the case type itself.
type ActivationDeps struct {
	// Book is the clinic's appointment book. The request kinds need none;
	// the booking kinds need one that offers the operations they need.
	Book tidbok.Tidbok
	// Terms says whether a terms text is published. The booking kinds need
	// one.
	Terms TermsChecker
	// Probe is the citizen activation asks the book's time types for;
	// zero means [ProbeSubject]. Set it when the book answers only for
	// citizens it knows.
	Probe tidbok.PersonalNumber
}

// Check reports whether ct is complete and consistent enough to be active,
// asking deps.Book and deps.Terms where needed. It returns nil when ct may
// be activated, an error matching [ErrIncomplete] that lists every problem
// at once (see [tidbok.FieldErrors]), or a technical error (wrapped) when
// the book or the terms could not be asked — then it reports nothing else,
// because the check is unfinished.
//
// A problem's Field is a field of [CaseType] in Go form ("Rules.Horizon",
// "TimeTypeIDs[1]"), or "Terms" or "Book" for what is missing outside it.
// Check does not look at Status: a case type that passes may be activated
// again. It is what [Registry.Activate] runs; administration screens may
// run it to show what is left to do.
func Check(ctx context.Context, ct CaseType, deps ActivationDeps) error {
	var p tidbok.Problems
	checkSettings(&p, ct)
	if ct.Kind.Books() {
		if err := checkTerms(ctx, &p, ct, deps.Terms); err != nil {
			return err
		}
	}
	if err := checkBook(ctx, &p, ct, deps); err != nil {
		return err
	}
	return incomplete(ct, &p)
}

func incomplete(ct CaseType, p *tidbok.Problems) error {
	if p.Len() == 0 {
		return nil
	}
	return fmt.Errorf("%w: %q at clinic %v: %w", ErrIncomplete, ct.ID, ct.Clinic, p.Err())
}

// checkIdentity checks what a case type must have even as a draft: the
// fields that key it in the store.
func checkIdentity(p *tidbok.Problems, ct CaseType) {
	switch {
	case ct.ID == "":
		p.Add("ID", "is required: name the case type, e.g. \"boka-lakarbesok\"")
	case len(ct.ID) > maxIDLen || strings.TrimLeft(ct.ID, idChars) != "":
		p.Add("ID", "must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_' and '-'", maxIDLen)
	}
	if ct.Clinic.IsZero() {
		p.Add("Clinic", "is required: the clinic's HSA-id")
	}
	if !ct.Kind.Valid() {
		p.Add("Kind", "must be one of Boka tid, Av- och omboka, Beställa tid or Av-/omboka förfrågan")
	}
}

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

// checkSettings checks everything that needs neither the book nor the
// terms: identity, texts, rules, eligibility and policies.
func checkSettings(p *tidbok.Problems, ct CaseType) {
	checkIdentity(p, ct)
	checkText(p, "Name", ct.Name, MaxNameLen, true)
	checkText(p, "Concerns", ct.Concerns, MaxConcernsLen, false)
	checkTimeTypeIDs(p, ct)
	checkMessage(p, ct.Message)
	checkRules(p, ct.Kind, ct.Rules)
	checkEligibility(p, ct.Eligibility)
	checkReminders(p, ct.Kind, ct.Reminders)
	checkWaitlist(p, ct)
	switch {
	case ct.Assurance == AssuranceUnknown:
		p.Add("Assurance", "is not set: choose the login citizens need, AssuranceEID or AssurancePasswordSMS")
	case !ct.Assurance.Valid():
		p.Add("Assurance", "is %v: choose AssuranceEID or AssurancePasswordSMS", ct.Assurance)
	}
	if ct.Proxy != ProxyOwnLogin && ct.Proxy != ProxyGuardianUnder13 {
		p.Add("Proxy", "must be ProxyOwnLogin or ProxyGuardianUnder13")
	}
}

func checkText(p *tidbok.Problems, field, s string, maxLen int, required bool) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			p.Add(field, "is required")
		}
	case !utf8.ValidString(s):
		p.Add(field, "is not valid UTF-8 text")
	case utf8.RuneCountInString(s) > maxLen:
		p.Add(field, "is %d characters long; shorten it to at most %d", utf8.RuneCountInString(s), maxLen)
	}
}

func checkTimeTypeIDs(p *tidbok.Problems, ct CaseType) {
	if ct.Kind == KindBook && len(ct.TimeTypeIDs) == 0 {
		p.Add("TimeTypeIDs", "is empty: choose the time types citizens may book")
	}
	for i, id := range ct.TimeTypeIDs {
		field := fmt.Sprintf("TimeTypeIDs[%d]", i)
		switch {
		case id == "":
			p.Add(field, "is empty: remove it or choose a time type")
		case slices.Index(ct.TimeTypeIDs, id) < i:
			p.Add(field, "repeats time type %q: remove the duplicate", id)
		}
	}
}

func checkMessage(p *tidbok.Problems, m MessageSettings) {
	checkText(p, "Message.Label", m.Label, MaxLabelLen, false)
	switch {
	case m.MaxLen < 0:
		p.Add("Message.MaxLen", "is negative; set how many characters the citizen may write")
	case m.Allowed && m.MaxLen == 0:
		p.Add("Message.MaxLen", "is zero although messages are allowed: set how many characters the citizen may write, or disallow messages")
	case m.MaxLen > MaxMessageLen:
		p.Add("Message.MaxLen", "is %d; at most %d characters are allowed", m.MaxLen, MaxMessageLen)
	}
}

func checkRules(p *tidbok.Problems, k Kind, r Rules) {
	for _, d := range []struct {
		field string
		neg   bool
	}{
		{"Rules.MinNotice", r.MinNotice < 0},
		{"Rules.Horizon", r.Horizon < 0},
		{"Rules.ChangeDeadline", r.ChangeDeadline < 0},
		{"Rules.MaxReschedules", r.MaxReschedules < 0},
		{"Rules.MaxFutureBookings", r.MaxFutureBookings < 0},
	} {
		if d.neg {
			p.Add(d.field, "is negative; use zero for no limit")
		}
	}
	if r.Horizon > 0 && r.MinNotice >= r.Horizon {
		p.Add("Rules.Horizon", "is %v, not longer than Rules.MinNotice %v, so no slot could ever be booked: lengthen the horizon or shorten the notice", r.Horizon, r.MinNotice)
	}
	if k == KindManage && !r.AllowCancel && !r.AllowReschedule {
		p.Add("Rules.AllowCancel", "is off and so is Rules.AllowReschedule: an Av- och omboka case type must allow cancelling, rescheduling or both")
	}
	if r.MaxReschedules > 0 && !r.AllowReschedule {
		p.Add("Rules.MaxReschedules", "is %d but rescheduling is not allowed: allow it (Rules.AllowReschedule) or set the limit to zero", r.MaxReschedules)
	}
}

func checkEligibility(p *tidbok.Problems, e Eligibility) {
	if e.MinAge < 0 {
		p.Add("Eligibility.MinAge", "is negative; use zero for no lower limit")
	}
	switch {
	case e.UnderAge < 0:
		p.Add("Eligibility.UnderAge", "is negative; use zero for no upper limit")
	case e.UnderAge > 0 && e.MinAge >= e.UnderAge:
		p.Add("Eligibility.UnderAge", "is %d, not above Eligibility.MinAge %d, so nobody is eligible: raise it, or use zero for no upper limit", e.UnderAge, e.MinAge)
	}
	for i, pn := range e.Citizens {
		field := fmt.Sprintf("Eligibility.Citizens[%d]", i)
		switch {
		case pn.IsZero():
			p.Add(field, "is empty: remove it")
		case slices.Index(e.Citizens, pn) < i:
			p.Add(field, "repeats an earlier citizen: remove the duplicate")
		}
	}
}

func checkTerms(ctx context.Context, p *tidbok.Problems, ct CaseType, terms TermsChecker) error {
	if terms == nil {
		p.Add("Terms", "cannot be checked: no terms register is connected")
		return nil
	}
	if ct.Clinic.IsZero() || ct.ID == "" {
		return nil // reported by checkIdentity; nothing to ask about
	}
	ok, err := terms.HasTerms(ctx, ct.Clinic, ct.ID)
	if err != nil {
		return fmt.Errorf("casetype: checking the terms of %q at clinic %v: %w", ct.ID, ct.Clinic, err)
	}
	if !ok {
		p.Add("Terms", "are not written: publish the terms (villkor) the citizen must accept for %s", ct.Kind)
	}
	return nil
}

func checkBook(ctx context.Context, p *tidbok.Problems, ct CaseType, deps ActivationDeps) error {
	book := deps.Book
	needs := ct.Needs()
	if book == nil {
		if needs != 0 {
			p.Add("Book", "is not connected: %s needs the clinic's appointment book", ct.Kind)
		}
		return nil
	}
	caps := book.Capabilities()
	if missing := caps.Missing(needs); len(missing) > 0 {
		p.Add("Book", "lacks %s, which %s needs: connect a book that supports %s, or offer a request form (Beställa tid, Av-/omboka förfrågan) instead",
			contracts(missing), ct.Kind, plural(len(missing), "it", "them"))
	}
	if len(ct.TimeTypeIDs) == 0 || !caps.Has(tidbok.OpTimeTypes) || ct.Clinic.IsZero() {
		return nil
	}
	probe := deps.Probe
	if probe.IsZero() {
		probe = tidbok.MustPersonalNumber(ProbeSubject)
	}
	res, err := book.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: ct.Clinic, Subject: probe})
	switch {
	case errors.Is(err, tidbok.ErrNotFound):
		p.Add("Clinic", "is not in the appointment book: connect the book that serves clinic %v", ct.Clinic)
		return nil
	case err != nil:
		return fmt.Errorf("casetype: asking the book for the time types of clinic %v: %w", ct.Clinic, err)
	}
	offered := make([]string, len(res.TimeTypes))
	for i, tt := range res.TimeTypes {
		offered[i] = tt.ID
	}
	for i, id := range ct.TimeTypeIDs {
		if id != "" && !slices.Contains(offered, id) {
			p.Add(fmt.Sprintf("TimeTypeIDs[%d]", i), "is %q, which the book does not offer for web booking at the clinic: choose %s", id, offeredList(res.TimeTypes))
		}
	}
	return nil
}

func contracts(ops []tidbok.Operation) string {
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.Contract()
	}
	return strings.Join(names, ", ")
}

func offeredList(tts []tidbok.TimeType) string {
	if len(tts) == 0 {
		return "another book: this one offers no time types for web booking"
	}
	parts := make([]string, len(tts))
	for i, tt := range tts {
		parts[i] = fmt.Sprintf("%q (%s)", tt.ID, tt.Name)
	}
	return "one it offers: " + strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
