package terms

import (
	"errors"
	"fmt"
	"slices"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// ErrForbidden means the staff member is not a local administrator of the
// clinic; only they may publish its terms. The error names the clinic.
// It is this package's counterpart of casetype.ErrForbidden, which guards
// the clinic's case types in the same way.
var ErrForbidden = errors.New("terms: only a local administrator of the clinic may publish its terms")

// Admin is a staff member publishing terms, as the portal's login (SITHS)
// and role catalogue establish. It is the role casetype.Admin describes,
// with the same fields, so that a portal converts the one to the other:
// terms.Admin(a) for a casetype.Admin a. (The packages do not import each
// other.) The zero Admin administers no clinic.
type Admin struct {
	// ID is the staff member's HSA-id.
	ID tidbok.HSAID
	// Clinics are the clinics where they are local administrator
	// (lokal administratör).
	Clinics []tidbok.HSAID
}

// Administers reports whether a may publish the terms of clinic's case
// types.
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
