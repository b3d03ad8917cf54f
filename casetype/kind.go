package casetype

import (
	"strconv"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Kind is what a case type lets the citizen do. The zero Kind is unset and
// never valid.
type Kind uint8

// The four kinds of case type a clinic may activate.
const (
	// KindBook is "Boka tid": the citizen picks a free web-bookable slot and
	// books it directly.
	KindBook Kind = iota + 1
	// KindManage is "Av- och omboka" ("Mina tidsbokningar"): the citizen
	// sees their own bookings at the clinic and cancels or moves them.
	KindManage
	// KindRequest is "Beställa tid": the citizen sends a form asking for an
	// appointment and staff answer later. It is the fallback when there are
	// no free web slots, and needs nothing from the book.
	KindRequest
	// KindManageRequest is "Av-/omboka förfrågan": the citizen sends a form
	// about an existing booking. It needs nothing from the book.
	KindManageRequest
	numKinds
)

var kindNames = [numKinds]string{"", "Boka tid", "Av- och omboka", "Beställa tid", "Av-/omboka förfrågan"}

// Kinds returns the four kinds in the order above.
func Kinds() []Kind { return []Kind{KindBook, KindManage, KindRequest, KindManageRequest} }

// String returns the Swedish name citizens and administrators see, e.g.
// "Boka tid".
func (k Kind) String() string {
	if !k.Valid() {
		return "Kind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

// Valid reports whether k is one of the four kinds.
func (k Kind) Valid() bool { return k > 0 && k < numKinds }

// Books reports whether the kind works on the clinic's appointment book
// (book, or cancel and reschedule) rather than sending a request form.
// Such kinds need a connected book and a terms text the citizen accepts.
func (k Kind) Books() bool { return k == KindBook || k == KindManage }

// Needs returns the operations every case type of kind k needs from the
// book (crm:scheduling §2.1): [tidbok.FlowBook] for KindBook,
// [tidbok.FlowMyBookings] for KindManage, and nothing for the request
// kinds. A KindManage case type needs more when its rules allow cancelling
// or rescheduling; see [CaseType.Needs].
func (k Kind) Needs() tidbok.Capabilities {
	switch k {
	case KindBook:
		return tidbok.FlowBook
	case KindManage:
		return tidbok.FlowMyBookings
	default:
		return 0
	}
}
