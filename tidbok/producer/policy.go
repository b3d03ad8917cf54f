package producer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Policy says whose bookings a consumer's actor (the ih:Actor header) may
// read and write through the handler. The zero value is [Strict].
type Policy int

const (
	// Strict, the zero Policy, checks every request about a citizen's
	// bookings against its actor:
	//
	//   - A citizen (actorType subject_of_care) reads, moves and cancels
	//     only their own bookings, and asks for the schedule of and books
	//     only for themselves. GetBookingDetails and CancelBooking, which
	//     name no subject of care on the wire, are sent to the book with the
	//     actor as the subject; so another citizen's booking is answered
	//     exactly as an unknown booking ID (the book's own not-found), and
	//     nothing changes.
	//   - A citizen acting for another (a guardian) is let through only
	//     when [Config.Proxies] vouches for the relation. Without its word,
	//     GetSubjectOfCareSchedule and MakeBooking are refused with a Client
	//     fault of kind not-allowed, which says nothing about the other
	//     citizen's bookings; UpdateBooking, GetBookingDetails and
	//     CancelBooking get the book's answer for an unknown booking ID, and
	//     nothing changes. A resolver that fails refuses too: with a Server
	//     fault saying nothing was done where the request named its subject
	//     of care, and as not found where telling would show that the
	//     booking exists.
	//   - A staff member (actorType subject_of_care_agent) may search and
	//     make new bookings for any citizen, and nothing else, as
	//     crm:scheduling §2.4 says and booking's agents do: the other
	//     contracts are refused whatever the policy. The consumer allowlist
	//     ([Config.Consumers]) and the audit ([Config.Audit]) are what
	//     control staff.
	//   - A crm:scheduling 1.0 request carries no actor, so the five
	//     contracts about a citizen's bookings are refused over 1.0 with a
	//     Client fault of kind not-allowed; the search contracts are
	//     answered.
	//
	// The book must answer another citizen's booking as an unknown one
	// (tidboktest checks it); the handler relies on that.
	Strict Policy = iota

	// TrustPlatform lets the national service platform (or whatever
	// stands in front of the handler) decide who may act for whom: the
	// handler passes every request to the book as the consumer sent it,
	// and the book's own checks are all that stands between one citizen
	// and another's bookings. GetBookingDetails and CancelBooking carry no
	// subject of care on the wire, so under TrustPlatform any consumer
	// that may call at all can read and cancel any booking whose ID it
	// knows. Choose it only when the platform authorizes every request
	// (as 1177's does, by the citizen's login) and only that platform can
	// reach the handler ([Config.Consumers]). The agent rules and the
	// audit apply as under Strict.
	TrustPlatform
)

// String returns "strict" or "trust platform".
func (p Policy) String() string {
	switch p {
	case Strict:
		return "strict"
	case TrustPlatform:
		return "trust platform"
	}
	return "Policy(" + strconv.Itoa(int(p)) + ")"
}

// ErrNoRelation is what a [ProxyResolver] returns (wrapped or not) when the
// actor may not act for the subject of care. Any other error of a
// resolver is a failure to find out; both refuse the request.
var ErrNoRelation = errors.New("producer: the actor may not act for the subject of care")

// ProxyResolver vouches for a citizen acting for another under [Strict]:
// MayActFor returns nil when actor may read and write subject's bookings,
// an error matching [ErrNoRelation] when not, and any other error when it
// cannot tell (the register did not answer). Implementations must be safe
// for concurrent use. [GuardianUnder13] gives the usual rule.
type ProxyResolver interface {
	MayActFor(ctx context.Context, actor, subject tidbok.PersonalNumber) error
}

// ProxyFunc adapts a function to a [ProxyResolver].
type ProxyFunc func(ctx context.Context, actor, subject tidbok.PersonalNumber) error

// MayActFor calls f.
func (f ProxyFunc) MayActFor(ctx context.Context, actor, subject tidbok.PersonalNumber) error {
	return f(ctx, actor, subject)
}

// GuardianRegister says whether a citizen is a guardian (vårdnadshavare)
// of a child per the population register. It has the method set of
// booking.GuardianResolver, so the portal's register serves both.
type GuardianRegister interface {
	IsGuardian(ctx context.Context, guardian, child tidbok.PersonalNumber) (bool, error)
}

// GuardianAgeLimit is the age from which a child must act in person: a
// guardian may act for a child younger than this, as in booking's
// guardian policy.
const GuardianAgeLimit = 13

// GuardianUnder13 returns a [ProxyResolver] that lets a guardian act for a
// child under [GuardianAgeLimit] on today's date by clock (nil means
// time.Now), asking reg whether actor is subject's guardian. A nil reg
// vouches for nobody.
func GuardianUnder13(reg GuardianRegister, clock func() time.Time) ProxyResolver {
	if clock == nil {
		clock = time.Now
	}
	return ProxyFunc(func(ctx context.Context, actor, subject tidbok.PersonalNumber) error {
		age := subject.AgeOn(tidbok.DateOf(clock()))
		switch {
		case age < 0 || age >= GuardianAgeLimit:
			return fmt.Errorf("%w: the subject of care is not under %d and must act in person", ErrNoRelation, GuardianAgeLimit)
		case reg == nil:
			return fmt.Errorf("%w: no guardian register is configured", ErrNoRelation)
		}
		ok, err := reg.IsGuardian(ctx, actor, subject)
		switch {
		case err != nil:
			return fmt.Errorf("producer: asking the guardian register: %w", err)
		case !ok:
			return fmt.Errorf("%w: the actor is not a guardian of the subject of care", ErrNoRelation)
		}
		return nil
	})
}
