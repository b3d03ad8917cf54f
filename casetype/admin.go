package casetype

import (
	"errors"
	"fmt"
	"slices"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// ErrForbidden means the staff member is not a local administrator of the
// case type's clinic; only they may create, edit, activate or deactivate
// its case types. The error names the clinic.
var ErrForbidden = errors.New("casetype: only a local administrator of the clinic may change its case types")

// Admin is a staff member changing case types, as the portal's login
// (SITHS) and role catalogue establish.
type Admin struct {
	// ID is the staff member's HSA-id.
	ID tidbok.HSAID
	// Clinics are the clinics where they are local administrator
	// (lokal administratör).
	Clinics []tidbok.HSAID
}

// Administers reports whether a may change the case types of clinic.
func (a Admin) Administers(clinic tidbok.HSAID) bool {
	return !a.ID.IsZero() && !clinic.IsZero() && slices.Contains(a.Clinics, clinic)
}

// authorize returns nil when a administers clinic and otherwise an error
// matching ErrForbidden that names both.
func (a Admin) authorize(clinic tidbok.HSAID) error {
	if a.Administers(clinic) {
		return nil
	}
	if a.ID.IsZero() {
		return fmt.Errorf("%w: nobody is logged in as administrator of clinic %v", ErrForbidden, clinic)
	}
	return fmt.Errorf("%w: %v is not a local administrator of clinic %v", ErrForbidden, a.ID, clinic)
}
