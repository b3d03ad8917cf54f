package tidbok

import (
	"math/bits"
	"strconv"
	"strings"
)

// Operation names one operation of the [Tidbok] interface, which is one
// service contract of crm:scheduling 1.1.
type Operation uint8

// The eleven operations, in the order of the Tidbok interface.
const (
	OpSchedule           Operation = iota // GetSubjectOfCareSchedule
	OpBookingDetails                      // GetBookingDetails
	OpTimeTypes                           // GetAllTimeTypes
	OpCareTypes                           // GetAllCareTypes
	OpPerformers                          // GetAllPerformers
	OpFacilities                          // GetAllHealthcareFacilities
	OpAvailableDates                      // GetAvailableDates
	OpAvailableTimeslots                  // GetAvailableTimeslots
	OpBook                                // MakeBooking
	OpReschedule                          // UpdateBooking
	OpCancel                              // CancelBooking
	numOperations
)

var opNames = [numOperations]string{
	"Schedule", "BookingDetails", "TimeTypes", "CareTypes", "Performers", "Facilities",
	"AvailableDates", "AvailableTimeslots", "Book", "Reschedule", "Cancel",
}

var opContracts = [numOperations]string{
	"GetSubjectOfCareSchedule", "GetBookingDetails", "GetAllTimeTypes", "GetAllCareTypes",
	"GetAllPerformers", "GetAllHealthcareFacilities", "GetAvailableDates",
	"GetAvailableTimeslots", "MakeBooking", "UpdateBooking", "CancelBooking",
}

// Operations returns all eleven operations in interface order.
func Operations() []Operation {
	ops := make([]Operation, numOperations)
	for i := range ops {
		ops[i] = Operation(i)
	}
	return ops
}

// String returns the Go method name, e.g. "Book".
func (op Operation) String() string {
	if op >= numOperations {
		return "Operation(" + strconv.Itoa(int(op)) + ")"
	}
	return opNames[op]
}

// Contract returns the name of the crm:scheduling service contract, e.g.
// "MakeBooking".
func (op Operation) Contract() string {
	if op >= numOperations {
		return ""
	}
	return opContracts[op]
}

// IsWrite reports whether the operation changes the book (book, reschedule,
// cancel). Writes must never be retried blindly: the wire has no
// idempotency key.
func (op Operation) IsWrite() bool {
	return op == OpBook || op == OpReschedule || op == OpCancel
}

// OperationForContract returns the operation for a crm:scheduling contract
// name, e.g. "MakeBooking" → OpBook.
func OperationForContract(contract string) (Operation, bool) {
	for i, c := range opContracts {
		if c == contract {
			return Operation(i), true
		}
	}
	return 0, false
}

// Capabilities is the set of operations a book supports. The zero value is
// the empty set. Capabilities values are small and comparable.
type Capabilities uint16

// AllCapabilities is the set of all eleven operations.
const AllCapabilities = Capabilities(1<<numOperations - 1)

// Capability sets for the flows of crm:scheduling §2.1. A clinic that offers
// a flow needs a book with (at least) these operations.
const (
	// FlowBook is what new booking (Boka tid) needs.
	FlowBook = Capabilities(1<<OpTimeTypes | 1<<OpAvailableDates | 1<<OpAvailableTimeslots | 1<<OpBook)
	// FlowReschedule is what rebooking needs.
	FlowReschedule = Capabilities(1<<OpSchedule | 1<<OpAvailableDates | 1<<OpAvailableTimeslots | 1<<OpReschedule)
	// FlowCancel is what cancellation needs.
	FlowCancel = Capabilities(1<<OpSchedule | 1<<OpCancel)
	// FlowMyBookings is what the citizen's list of bookings (Av- och
	// omboka, "Mina tidsbokningar") needs to show bookings and details.
	FlowMyBookings = Capabilities(1<<OpSchedule | 1<<OpBookingDetails)
	// ReadOnly is the mandatory minimum: the citizen's schedule.
	ReadOnly = Capabilities(1 << OpSchedule)
)

// CapabilitiesOf returns the set holding exactly ops.
func CapabilitiesOf(ops ...Operation) Capabilities {
	var c Capabilities
	for _, op := range ops {
		c = c.With(op)
	}
	return c
}

// Has reports whether op is in c.
func (c Capabilities) Has(op Operation) bool {
	return op < numOperations && c&(1<<op) != 0
}

// HasAll reports whether every operation of other is in c.
func (c Capabilities) HasAll(other Capabilities) bool { return c&other == other }

// With returns c with op added.
func (c Capabilities) With(op Operation) Capabilities {
	if op >= numOperations {
		return c
	}
	return c | 1<<op
}

// Without returns c with op removed.
func (c Capabilities) Without(op Operation) Capabilities {
	if op >= numOperations {
		return c
	}
	return c &^ (1 << op)
}

// Missing returns the operations of want that c lacks, in interface order.
func (c Capabilities) Missing(want Capabilities) []Operation {
	return (want &^ c).Operations()
}

// Operations returns the operations in c, in interface order.
func (c Capabilities) Operations() []Operation {
	out := make([]Operation, 0, bits.OnesCount16(uint16(c)))
	for op := Operation(0); op < numOperations; op++ {
		if c.Has(op) {
			out = append(out, op)
		}
	}
	return out
}

// String lists the operations, e.g. "{Schedule, Book, Cancel}".
func (c Capabilities) String() string {
	ops := c.Operations()
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.String()
	}
	return "{" + strings.Join(names, ", ") + "}"
}

// NotSupported returns the error a book returns for an operation it does
// not support: an [*OpError] for op that matches [ErrNotSupported].
func NotSupported(op Operation) error {
	return &OpError{Op: op, Err: ErrNotSupported}
}
