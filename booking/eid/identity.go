package eid

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Identity is who logged in, as the provider vouches for them: a citizen
// (Person, at level Assurance) or a staff member (Staff, with the clinics
// the [RoleResolver] gave).
type Identity struct {
	// Person is a citizen's personal identity number or co-ordination
	// number; zero for staff.
	Person tidbok.PersonalNumber
	// Assurance is the level of the login, from ACR.
	Assurance casetype.Assurance
	// ACR is the level of assurance as the provider named it.
	ACR string
	// Staff is a staff member's HSA-id; zero for citizens.
	Staff tidbok.HSAID
	// StaffAt are the clinics whose book a staff member works with;
	// AdminOf those where they are local administrator.
	StaffAt, AdminOf []tidbok.HSAID
	// GivenName and FamilyName are the person's names, as the provider
	// gave them (may be empty).
	GivenName, FamilyName string
	// Subject is the provider's sub for the person.
	Subject string
	// Expiry is when the ID token expires. It bounds nothing in the
	// portal's session, whose lifetime is the portal's.
	Expiry time.Time
	// IDToken is the raw ID token, for RP-initiated logout's
	// id_token_hint. It holds the personal identity number: keep it
	// server-side and never log it.
	IDToken string
}

// IsStaff reports whether the identity is a staff member's.
func (id Identity) IsStaff() bool { return !id.Staff.IsZero() }

// Name returns the given and family names, joined.
func (id Identity) Name() string { return strings.TrimSpace(id.GivenName + " " + id.FamilyName) }

// Caller returns the booking flow's caller: the citizen with the level
// of the login, or the staff member as an agent.
func (id Identity) Caller() booking.Caller {
	if id.IsStaff() {
		return booking.Caller{Agent: id.Staff}
	}
	return booking.Caller{Person: id.Person, Assurance: id.Assurance}
}

// LogValue implements [slog.LogValuer]: the person masked or the staff
// member's HSA-id, and the level; never the ID token.
func (id Identity) LogValue() slog.Value {
	if id.IsStaff() {
		return slog.GroupValue(slog.String("staff", id.Staff.String()), slog.Int("staff_at", len(id.StaffAt)), slog.Int("admin_of", len(id.AdminOf)))
	}
	return slog.GroupValue(slog.Any("person", id.Person), slog.String("assurance", id.Assurance.String()))
}

// String returns the person masked or the staff member's HSA-id.
func (id Identity) String() string {
	if id.IsStaff() {
		return "staff " + id.Staff.String()
	}
	return id.Person.String()
}

// Roles are a staff member's clinics.
type Roles struct {
	// StaffAt are the clinics whose book they work with.
	StaffAt []tidbok.HSAID
	// AdminOf are the clinics where they are local administrator.
	AdminOf []tidbok.HSAID
}

// RoleResolver says which clinics a staff member works at or
// administers; the portal supplies it (from the HSA catalogue or its own
// table). No roles at all refuses the login. It must be safe for
// concurrent use.
type RoleResolver interface {
	Roles(ctx context.Context, staff tidbok.HSAID) (Roles, error)
}

// RolesFunc adapts a function to a [RoleResolver].
type RolesFunc func(ctx context.Context, staff tidbok.HSAID) (Roles, error)

// Roles calls f.
func (f RolesFunc) Roles(ctx context.Context, staff tidbok.HSAID) (Roles, error) {
	return f(ctx, staff)
}

// identity reads who logged in from the verified claims.
func (l *Login) identity(ctx context.Context, c map[string]any, p Pending) (Identity, error) {
	var id Identity
	id.GivenName, _ = c["given_name"].(string)
	id.FamilyName, _ = c["family_name"].(string)
	id.ACR, _ = c["acr"].(string)
	if hsa, ok := c[l.cfg.HSAClaim]; ok {
		s, _ := hsa.(string)
		staff, err := tidbok.ParseHSAID(s)
		if err != nil {
			return Identity{}, refuse(TextNoRoles, fmt.Errorf("%w: the claim %s is not an HSA-id", ErrNoRoles, l.cfg.HSAClaim))
		}
		if l.cfg.Roles == nil {
			return Identity{}, refuse(TextNoRoles, fmt.Errorf("%w: %s logged in and no role resolver is configured", ErrNoRoles, staff))
		}
		r, err := l.cfg.Roles.Roles(ctx, staff)
		if err != nil {
			return Identity{}, refuse(TextNoRoles, fmt.Errorf("%w: resolving %s: %w", ErrNoRoles, staff, err))
		}
		if len(r.StaffAt) == 0 && len(r.AdminOf) == 0 {
			return Identity{}, refuse(TextNoRoles, fmt.Errorf("%w: %s works at no clinic", ErrNoRoles, staff))
		}
		id.Staff, id.StaffAt, id.AdminOf = staff, r.StaffAt, r.AdminOf
		id.Assurance = l.levels[id.ACR]
		return id, nil
	}
	pn, err := personOf(c)
	if err != nil {
		return Identity{}, refuse(TextNoNumber, err)
	}
	id.Person = pn
	level, known := l.levels[id.ACR]
	switch {
	case !known || !level.Valid():
		return Identity{}, refuse(TextFailed, fmt.Errorf("%w: the level %q is not one this portal knows", ErrLevel, safeText(id.ACR)))
	case p.Level.Valid() && !level.Satisfies(p.Level):
		return Identity{}, refuse(TextStepUp, fmt.Errorf("%w: logged in at %s (%s), the login asked for %s", ErrLevel, level, safeText(id.ACR), p.Level))
	}
	id.Assurance = level
	return id, nil
}

// personOf reads the personal identity number, or else the co-ordination
// number: 12 digits, a valid date and check digit, of the claim's kind.
func personOf(c map[string]any) (tidbok.PersonalNumber, error) {
	claim, want := ClaimPersonalNumber, tidbok.KindPersonnummer
	v, ok := c[claim]
	if !ok {
		claim, want = ClaimCoordinationNumber, tidbok.KindSamordningsnummer
		if v, ok = c[claim]; !ok {
			return tidbok.PersonalNumber{}, fmt.Errorf("%w: the token has neither %s nor %s", ErrPersonalNumber, ClaimPersonalNumber, ClaimCoordinationNumber)
		}
	}
	s, _ := v.(string)
	if len(s) != 12 || strings.Trim(s, "0123456789") != "" {
		return tidbok.PersonalNumber{}, fmt.Errorf("%w: %s is not 12 digits", ErrPersonalNumber, claim)
	}
	pn, err := tidbok.ParsePersonalNumber(s)
	if err != nil {
		return tidbok.PersonalNumber{}, fmt.Errorf("%w: %s: %w", ErrPersonalNumber, claim, err)
	}
	if pn.Kind() != want {
		return tidbok.PersonalNumber{}, fmt.Errorf("%w: %s holds a %s", ErrPersonalNumber, claim, pn.Kind())
	}
	return pn, nil
}

// NonceStore remembers the nonces of finished logins until their ID
// tokens expire. Use records nonce and reports whether it was new; it
// must be atomic, and safe for concurrent use.
type NonceStore interface {
	Use(ctx context.Context, nonce string, until time.Time) (fresh bool, err error)
}

// memoryNonces is the in-memory NonceStore. Entries go once their
// token has expired by the latest until seen, so no clock is read.
type memoryNonces struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

func newMemoryNonces() *memoryNonces { return &memoryNonces{seen: map[string]time.Time{}} }

func (m *memoryNonces) Use(_ context.Context, nonce string, until time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.seen[nonce]; ok {
		return false, nil
	}
	// A token expiring at until was issued at most a token's lifetime
	// earlier; anything that expired an hour before is long unusable.
	for n, t := range m.seen {
		if t.Before(until.Add(-time.Hour)) {
			delete(m.seen, n)
		}
	}
	m.seen[nonce] = until
	return true, nil
}
