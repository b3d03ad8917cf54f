package tidbok

import "context"

// Tidbok is a clinic's appointment book as the web booking flow sees it:
// one method per service contract of crm:scheduling 1.1. Journal-system
// vendors implement it over their own book; [memtidbok] implements it in
// memory; mvkclient implements it over the wire.
//
// Every method takes a context, which bounds the call, and a request value,
// which the book validates (each request type has a Validate method that
// reports every problem at once, matching [ErrInvalid]). A method for an
// operation that Capabilities leaves out returns an error matching
// [ErrNotSupported] and does nothing else.
//
// Errors a method may return match one of [ErrInvalid], [ErrNotFound],
// [ErrNotAllowed], [ErrSlotTaken], [ErrNotSupported] or [ErrOutcomeUnknown]
// (writes only), or are technical failures (a closed context, a broken
// connection). A technical failure that certainly left the book untouched
// (the context ended, or the connection failed, before the request was
// sent) should also match [ErrNotSent], so that the caller may simply try
// again. A book attaches a text for the citizen with [*OpError].
// A write that succeeded with a message for the citizen (the wire's INFO)
// returns it in the result's Notice field, not as an error.
//
// Implementations must be safe for concurrent use. Times are instants;
// books that store local wall times use Europe/Stockholm ([Stockholm]).
//
// [memtidbok]: https://pkg.go.dev/github.com/webbtidbok/webbtidbok/tidbok/memtidbok
type Tidbok interface {
	// Capabilities reports which operations the book supports. It must not
	// change during the book's life. Decorators forward it.
	Capabilities() Capabilities

	// Schedule returns the subject of care's bookings and timed
	// invitations at the facility, ordered by start: those not yet ended
	// (past bookings are left out). Open invitations are not listed; see
	// BookingDetails. The only operation every book must support.
	//
	// Contract: GetSubjectOfCareSchedule, crm:scheduling 1.1.
	Schedule(ctx context.Context, req ScheduleRequest) (ScheduleResult, error)

	// BookingDetails returns one booking or invitation, timed or open, by
	// its ID. It returns ErrNotFound for an unknown ID.
	//
	// Contract: GetBookingDetails, crm:scheduling 1.1.
	BookingDetails(ctx context.Context, req BookingDetailsRequest) (BookingDetailsResult, error)

	// TimeTypes returns the time types the citizen may book on the web at
	// the facility, optionally only those of the given care types.
	//
	// Contract: GetAllTimeTypes, crm:scheduling 1.1.
	TimeTypes(ctx context.Context, req TimeTypesRequest) (TimeTypesResult, error)

	// CareTypes returns the care types bookable on the web at the facility.
	//
	// Contract: GetAllCareTypes, crm:scheduling 1.1.
	CareTypes(ctx context.Context, req CareTypesRequest) (CareTypesResult, error)

	// Performers returns the clinicians bookable on the web at the
	// facility, optionally only those offering the given types.
	//
	// Contract: GetAllPerformers, crm:scheduling 1.1.
	Performers(ctx context.Context, req PerformersRequest) (PerformersResult, error)

	// Facilities returns the clinics the citizen may book (or, with a
	// BookingID, rebook or book that invitation) at, as vouched for by the
	// asked facility.
	//
	// Contract: GetAllHealthcareFacilities, crm:scheduling 1.1.
	Facilities(ctx context.Context, req FacilitiesRequest) (FacilitiesResult, error)

	// AvailableDates returns the dates in [From, To] that have free
	// web-bookable slots matching the request, never a date whose free
	// slots have all started. With a BookingID, only slots valid for moving
	// that booking count.
	//
	// Contract: GetAvailableDates, crm:scheduling 1.1.
	AvailableDates(ctx context.Context, req AvailabilityRequest) (AvailableDatesResult, error)

	// AvailableTimeslots returns the free web-bookable slots on the dates
	// [From, To] matching the request, ordered by start, never one that has
	// started. With a BookingID, only slots valid for moving that booking.
	//
	// Contract: GetAvailableTimeslots, crm:scheduling 1.1.
	AvailableTimeslots(ctx context.Context, req AvailabilityRequest) (AvailableTimeslotsResult, error)

	// Book books a free slot for the subject of care, or books an open
	// invitation at a free slot's time. Exactly one of many concurrent
	// Book calls for the same slot succeeds; the others get ErrSlotTaken.
	// An open invitation can be booked once.
	//
	// Contract: MakeBooking, crm:scheduling 1.1. Errors: ErrSlotTaken,
	// ErrNotFound, ErrNotAllowed, ErrInvalid, ErrOutcomeUnknown.
	Book(ctx context.Context, req BookRequest) (BookResult, error)

	// Reschedule moves an existing booking or timed invitation to a free
	// slot, atomically: either the booking is at the new time and the old
	// slot is free, or nothing changed. The booking must allow it
	// (Flags.MayReschedule). A rescheduled invitation becomes a booking.
	//
	// Contract: UpdateBooking, crm:scheduling 1.1. Errors: ErrSlotTaken,
	// ErrNotFound, ErrNotAllowed, ErrInvalid, ErrOutcomeUnknown.
	Reschedule(ctx context.Context, req RescheduleRequest) (RescheduleResult, error)

	// Cancel cancels a booking; its slot is free for others at once. The
	// booking must allow it (Flags.MayCancel), and a Message only when
	// Flags.MayMessage.
	//
	// Contract: CancelBooking, crm:scheduling 1.1. Errors: ErrNotFound,
	// ErrNotAllowed, ErrInvalid, ErrOutcomeUnknown.
	Cancel(ctx context.Context, req CancelRequest) (CancelResult, error)
}
