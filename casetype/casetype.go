package casetype

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// CaseType is one service (ärendetyp) a clinic offers on its contact card,
// with the settings the clinic's local administrator chooses. The fields
// from Status on are kept by the [Registry]; it ignores them in what
// callers pass in, except Version, which guards against lost updates.
//
// A CaseType is a value; the Registry and stores hand out copies, so
// changing one (its slices included) changes nothing stored.
type CaseType struct {
	// ID names the case type within its clinic: 1 to 64 characters of
	// A–Z, a–z, 0–9, '.', '_' and '-'. It cannot change.
	ID string
	// Clinic is the HSA-id of the clinic (vårdenhet, mottagning) the case
	// type belongs to. It cannot change.
	Clinic tidbok.HSAID
	// Kind is what the citizen does. It cannot change while the case type
	// is active.
	Kind Kind

	// Name is shown on the clinic's contact card, e.g. "Boka tid hos
	// barnmorska"; required, at most [MaxNameLen] characters.
	Name string
	// Concerns says what the booking concerns (bokningen avser), shown when
	// the citizen chooses a time type; optional, at most [MaxConcernsLen]
	// characters.
	Concerns string
	// TimeTypeIDs are the time types shown to citizens, a subset of those
	// the book offers for web booking (tidbok.TimeType.ID). A KindBook case
	// type needs at least one.
	TimeTypeIDs []string
	// Message says whether and how the citizen may write to the clinic.
	Message MessageSettings
	// Rules are the portal's own booking rules, applied on top of the
	// book's per-booking flags.
	Rules Rules
	// Eligibility says which citizens may use the case type.
	Eligibility Eligibility
	// Assurance is the login assurance the citizen needs. The zero value,
	// [AssuranceUnknown], is unset: a case type cannot be activated
	// without a level (see [Check]), and a login satisfies no unset
	// requirement.
	Assurance Assurance
	// Proxy is who may act for the subject of care; the zero value is the
	// strict [ProxyOwnLogin].
	Proxy Proxy
	// Reminders are how long before the visit the citizen is reminded of
	// a booking made under the case type, e.g. 48 * time.Hour and
	// 2 * time.Hour: one message per offset on every channel the citizen
	// agreed to. Only a [KindBook] case type has reminders; at most
	// [MaxReminders], each positive, at most [MaxReminderBefore], none
	// twice. None (a case type stored before reminders existed reads so)
	// sends none.
	//
	// An offset is elapsed time, not wall-clock time: a reminder 48 h
	// before a visit at 09:00 on the Monday after the change to summer
	// time (last Sunday of March) is due at 08:00 on the Saturday, 48
	// real hours before, and one before a visit on the Monday after the
	// change back (last Sunday of October) at 10:00.
	Reminders []time.Duration
	// Waitlist is the case type's cancellation list (återbud).
	Waitlist Waitlist

	// Status is where the case type is in its life cycle.
	Status Status
	// Version counts the stored changes, from 1 at creation. An update
	// must carry the Version it was read at; see [ErrConflict].
	Version int
	// Created, Changed, Activated and Deactivated record who did so last,
	// and when. Changed covers creation and edits of the settings above;
	// Activated and Deactivated are zero until it first happens.
	Created, Changed, Activated, Deactivated Stamp
}

// Stamp records who did something, and when.
type Stamp struct {
	// By is the staff member's HSA-id.
	By tidbok.HSAID
	// At is when it was done.
	At time.Time
}

// IsZero reports whether s records nothing.
func (s Stamp) IsZero() bool { return s.By.IsZero() && s.At.IsZero() }

// MessageSettings say whether the citizen may send the clinic a message
// (a reason, "Information till vården") with a booking, and how long.
// The book may still forbid a message for one booking (Flags.MayMessage).
type MessageSettings struct {
	// Allowed offers the citizen the message field.
	Allowed bool
	// Label is shown above the message field, e.g. "Information till
	// vården"; at most [MaxLabelLen] characters. Empty leaves the choice of
	// label to the portal.
	Label string
	// MaxLen is the longest message the citizen may write, in characters
	// (runes); between 1 and [MaxMessageLen] when Allowed.
	MaxLen int
}

// Rules are the portal's own rules for a case type, which the booking
// flow applies on top of the book's per-booking flags and never against
// them. Durations are measured from the moment of the citizen's request;
// a zero field means no limit of that kind.
type Rules struct {
	// MinNotice is how soon before its start a slot may be booked (or
	// booked into when rescheduling): 2 * time.Hour leaves out slots
	// starting within two hours. Zero: any slot not yet started.
	MinNotice time.Duration
	// Horizon is how far ahead a slot may be booked: slots starting later
	// than now + Horizon are not offered. Zero: as far as the book offers.
	// Must be longer than MinNotice.
	Horizon time.Duration

	// AllowCancel lets the citizen cancel a booking (KindManage).
	AllowCancel bool
	// AllowReschedule lets the citizen move a booking (KindManage).
	AllowReschedule bool
	// ChangeDeadline is how long before the visit a booking may last be
	// cancelled or moved: 24 * time.Hour stops changes the day before.
	// Zero: until the visit starts.
	ChangeDeadline time.Duration
	// MaxReschedules is how many times one booking may be moved. Zero: no
	// limit. Only meaningful with AllowReschedule.
	MaxReschedules int
	// MaxFutureBookings is how many bookings a citizen may have ahead at
	// the clinic at once. Zero: no limit.
	MaxFutureBookings int
}

// Eligibility says which citizens may use a case type. The zero value
// admits everybody.
type Eligibility struct {
	// MinAge is the youngest age admitted, in whole years; zero admits
	// newborns.
	MinAge int
	// UnderAge, when positive, admits only those younger than it, in
	// whole years: 13 admits children under 13, 1 admits infants. Zero: no
	// upper limit. (An upper bound that is exclusive, unlike a MaxAge, can
	// express "infants only" without a zero that means "no limit".)
	UnderAge int
	// Citizens, when not empty, admits only these citizens (e.g. a
	// clinic's listed patients or a study's participants).
	Citizens []tidbok.PersonalNumber
}

// ErrNotEligible means the subject of care may not use the case type: the
// wrong age, or not among the citizens it is restricted to.
var ErrNotEligible = errors.New("casetype: not eligible for this case type")

// Eligible returns nil when subject may use the case type on the given
// date, and otherwise an error matching [ErrNotEligible] that says why
// (never naming the subject). A zero subject is an error matching
// [tidbok.ErrInvalid].
func (c CaseType) Eligible(subject tidbok.PersonalNumber, on tidbok.Date) error {
	if subject.IsZero() {
		return &tidbok.FieldError{Field: "Subject", Problem: "is required: the subject of care's personal identity number"}
	}
	e := c.Eligibility
	if len(e.Citizens) > 0 && !slices.Contains(e.Citizens, subject) {
		return fmt.Errorf("%w: %q is restricted to listed citizens", ErrNotEligible, c.Name)
	}
	age := subject.AgeOn(on)
	if age < e.MinAge {
		return fmt.Errorf("%w: %q is for those aged %d or older", ErrNotEligible, c.Name, e.MinAge)
	}
	if e.UnderAge > 0 && age >= e.UnderAge {
		return fmt.Errorf("%w: %q is for those under %d", ErrNotEligible, c.Name, e.UnderAge)
	}
	return nil
}

// Needs returns the operations the case type needs from the book: those
// of its Kind ([Kind.Needs]) and, for KindManage, [tidbok.FlowCancel] when
// Rules.AllowCancel and [tidbok.FlowReschedule] when Rules.AllowReschedule
// (crm:scheduling §2.1).
func (c CaseType) Needs() tidbok.Capabilities {
	n := c.Kind.Needs()
	if c.Kind == KindManage {
		if c.Rules.AllowCancel {
			n |= tidbok.FlowCancel
		}
		if c.Rules.AllowReschedule {
			n |= tidbok.FlowReschedule
		}
	}
	return n
}

// clone returns c with its slices copied, so the copy shares nothing.
func (c CaseType) clone() CaseType {
	c.TimeTypeIDs = slices.Clone(c.TimeTypeIDs)
	c.Eligibility.Citizens = slices.Clone(c.Eligibility.Citizens)
	c.Reminders = slices.Clone(c.Reminders)
	return c
}

// Assurance is a login assurance level: the level a case type requires
// of the citizen, and the level of a citizen's login. The zero value is
// AssuranceUnknown, which satisfies nothing and is satisfied by nothing,
// so that a level nobody set grants nothing.
//
// The levels are ordered: a stronger level has a larger value. They are
// stored as numbers (in JSON, say). The numbers changed when
// AssuranceUnknown became the zero value, so values stored before then
// must be migrated: 0 was AssuranceEID and is now 2, 1 is still
// AssurancePasswordSMS. Package sqlstore's migrations do so for its
// tables.
type Assurance uint8

// The login assurance levels of the patient portal.
const (
	// AssuranceUnknown is no level: a login whose level the portal did
	// not establish, or a case type whose administrator has not chosen
	// one. It is the zero value.
	AssuranceUnknown Assurance = iota
	// AssurancePasswordSMS is a login with a password and an SMS code, the
	// lower level.
	AssurancePasswordSMS
	// AssuranceEID is a login with an e-ID (BankID, Freja eID+), the
	// higher level.
	AssuranceEID
)

// Valid reports whether a is AssurancePasswordSMS or AssuranceEID: a
// level, not AssuranceUnknown or a number outside the levels.
func (a Assurance) Valid() bool { return a == AssurancePasswordSMS || a == AssuranceEID }

// Satisfies reports whether a login at level a is enough where required
// is asked for: an e-ID satisfies both levels, password plus SMS only
// itself. AssuranceUnknown, or any other value that is not a level,
// satisfies nothing and is satisfied by nothing.
func (a Assurance) Satisfies(required Assurance) bool {
	return a.Valid() && required.Valid() && a >= required
}

// String returns "e-ID", "password+SMS" or "unknown".
func (a Assurance) String() string {
	switch a {
	case AssuranceUnknown:
		return "unknown"
	case AssuranceEID:
		return "e-ID"
	case AssurancePasswordSMS:
		return "password+SMS"
	default:
		return "Assurance(" + strconv.Itoa(int(a)) + ")"
	}
}

// Proxy is who may act for the subject of care. The zero value is the
// strict policy, ProxyOwnLogin.
type Proxy uint8

// The proxy policies a portal may choose per case type.
const (
	// ProxyOwnLogin lets nobody act for anybody else: every citizen,
	// children too, logs in personally. The default.
	ProxyOwnLogin Proxy = iota
	// ProxyGuardianUnder13 also lets a guardian (per the population
	// register) act for a child younger than [GuardianAgeLimit]; from that
	// age the child logs in personally.
	ProxyGuardianUnder13
)

// GuardianAgeLimit is the age, in years, from which a child must log in
// personally under [ProxyGuardianUnder13].
const GuardianAgeLimit = 13

// GuardianMayAct reports whether, under policy p, a guardian may act for
// a subject of care of the given age in whole years. Whether the actor is
// the subject's guardian is for the portal to establish.
func (p Proxy) GuardianMayAct(subjectAge int) bool {
	return p == ProxyGuardianUnder13 && subjectAge >= 0 && subjectAge < GuardianAgeLimit
}

// String returns "own login" or "guardian under 13".
func (p Proxy) String() string {
	switch p {
	case ProxyOwnLogin:
		return "own login"
	case ProxyGuardianUnder13:
		return "guardian under 13"
	default:
		return "Proxy(" + strconv.Itoa(int(p)) + ")"
	}
}

// Status is where a case type is in its life cycle. The zero value is
// StatusDraft.
type Status uint8

// The life cycle of a case type: draft → active ⇄ inactive.
const (
	// StatusDraft is being configured; citizens do not see it.
	StatusDraft Status = iota
	// StatusActive is on the clinic's contact card.
	StatusActive
	// StatusInactive was active and is withdrawn; it may be activated again.
	StatusInactive
)

// String returns "draft", "active" or "inactive".
func (s Status) String() string {
	switch s {
	case StatusDraft:
		return "draft"
	case StatusActive:
		return "active"
	case StatusInactive:
		return "inactive"
	default:
		return "Status(" + strconv.Itoa(int(s)) + ")"
	}
}
