package memtidbok

import (
	"context"
	"slices"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// Every citizen-side method checks, in this order, that the book supports
// the operation, that the request is valid (returning Validate's error as
// is), that the context is live, and that the book has the facility.

// prelude checks support, the request's validity (invalid is the
// result of its Validate) and ctx.
func (b *Book) prelude(ctx context.Context, op tidbok.Operation, invalid error) error {
	if !b.Capabilities().Has(op) {
		return tidbok.NotSupported(op)
	}
	if invalid != nil {
		return invalid
	}
	return tidbok.NotSent(ctx.Err())
}

// facility returns the facility with id, or the error op returns for an
// unknown one. The caller holds b.mu.
func (b *Book) facility(op tidbok.Operation, id tidbok.HSAID) (*facility, error) {
	f := b.facByID[id]
	if f == nil {
		return nil, bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoFacility)
	}
	return f, nil
}

// Schedule returns the citizen's bookings and timed invitations at the
// facility that have not ended, ordered by start (then ID). Open
// invitations are left out; BookingDetails shows them.
func (b *Book) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	if err := b.prelude(ctx, tidbok.OpSchedule, req.Validate()); err != nil {
		return tidbok.ScheduleResult{}, err
	}
	now := b.cfg.Clock()
	b.mu.RLock()
	defer b.mu.RUnlock()
	f, err := b.facility(tidbok.OpSchedule, req.Facility)
	if err != nil {
		return tidbok.ScheduleResult{}, err
	}
	var out []tidbok.Timeslot
	for _, i := range f.bySubject[req.Subject] {
		bk := b.bookings[i]
		if bk.open() || b.slots[bk.slot].end <= now.UnixNano() {
			continue
		}
		out = append(out, b.bookingTimeslot(bk, now))
	}
	slices.SortFunc(out, bookbase.CompareBookings)
	return tidbok.ScheduleResult{Bookings: out}, nil
}

// BookingDetails returns a booking or invitation, timed or open, at the
// facility, with its flags.
func (b *Book) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	if err := b.prelude(ctx, tidbok.OpBookingDetails, req.Validate()); err != nil {
		return tidbok.BookingDetailsResult{}, err
	}
	now := b.cfg.Clock()
	b.mu.RLock()
	defer b.mu.RUnlock()
	f, err := b.facility(tidbok.OpBookingDetails, req.Facility)
	if err != nil {
		return tidbok.BookingDetailsResult{}, err
	}
	bk := b.booking(req.BookingID)
	if bk == nil || bk.fac != f || (!req.Subject.IsZero() && bk.subject != req.Subject) {
		return tidbok.BookingDetailsResult{}, bookbase.OpErr(tidbok.OpBookingDetails, tidbok.ErrNotFound, texts.NoBooking)
	}
	return tidbok.BookingDetailsResult{Booking: b.bookingTimeslot(bk, now)}, nil
}

// TimeTypes returns every time type added to the facility, in the order
// added; with CareTypeIDs, only those the facility has published slots of
// with one of these care types.
func (b *Book) TimeTypes(ctx context.Context, req tidbok.TimeTypesRequest) (tidbok.TimeTypesResult, error) {
	if err := b.prelude(ctx, tidbok.OpTimeTypes, req.Validate()); err != nil {
		return tidbok.TimeTypesResult{}, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	f, err := b.facility(tidbok.OpTimeTypes, req.Facility)
	if err != nil {
		return tidbok.TimeTypesResult{}, err
	}
	keep := f.offered(func(k groupKey) bool {
		return len(req.CareTypeIDs) == 0 || slices.Contains(req.CareTypeIDs, f.careTypes[k.ct].ID)
	},
		func(k groupKey) int32 { return k.tt }, len(f.timeTypes), len(req.CareTypeIDs) > 0)
	out := []tidbok.TimeType{}
	for i, tt := range f.timeTypes[1:] {
		if keep[i+1] {
			out = append(out, tt)
		}
	}
	return tidbok.TimeTypesResult{TimeTypes: out}, nil
}

// CareTypes returns every care type added to the facility, in the order
// added; with TimeTypeIDs or Performers, only those the facility has
// published slots of with one of these time types and one of these
// performers.
func (b *Book) CareTypes(ctx context.Context, req tidbok.CareTypesRequest) (tidbok.CareTypesResult, error) {
	if err := b.prelude(ctx, tidbok.OpCareTypes, req.Validate()); err != nil {
		return tidbok.CareTypesResult{}, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	f, err := b.facility(tidbok.OpCareTypes, req.Facility)
	if err != nil {
		return tidbok.CareTypesResult{}, err
	}
	keep := f.offered(func(k groupKey) bool {
		return (len(req.TimeTypeIDs) == 0 || slices.Contains(req.TimeTypeIDs, f.timeTypes[k.tt].ID)) &&
			(len(req.Performers) == 0 || k.perf != 0 && slices.Contains(req.Performers, f.performers[k.perf].ID))
	}, func(k groupKey) int32 { return k.ct }, len(f.careTypes), len(req.TimeTypeIDs) > 0 || len(req.Performers) > 0)
	out := []tidbok.CareType{}
	for i, ct := range f.careTypes[1:] {
		if keep[i+1] {
			out = append(out, ct)
		}
	}
	return tidbok.CareTypesResult{CareTypes: out}, nil
}

// Performers returns every clinician added to the facility, in the order
// added; with TimeTypeIDs or CareTypeIDs, only those the facility has
// published slots of with one of these time types and one of these care
// types.
func (b *Book) Performers(ctx context.Context, req tidbok.PerformersRequest) (tidbok.PerformersResult, error) {
	if err := b.prelude(ctx, tidbok.OpPerformers, req.Validate()); err != nil {
		return tidbok.PerformersResult{}, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	f, err := b.facility(tidbok.OpPerformers, req.Facility)
	if err != nil {
		return tidbok.PerformersResult{}, err
	}
	keep := f.offered(func(k groupKey) bool {
		return (len(req.TimeTypeIDs) == 0 || slices.Contains(req.TimeTypeIDs, f.timeTypes[k.tt].ID)) &&
			(len(req.CareTypeIDs) == 0 || k.ct != 0 && slices.Contains(req.CareTypeIDs, f.careTypes[k.ct].ID))
	}, func(k groupKey) int32 { return k.perf }, len(f.performers), len(req.TimeTypeIDs) > 0 || len(req.CareTypeIDs) > 0)
	out := []tidbok.Performer{}
	for i, p := range f.performers[1:] {
		if keep[i+1] {
			out = append(out, p)
		}
	}
	return tidbok.PerformersResult{Performers: out}, nil
}

// offered returns, for each of n table entries, whether to list it: all
// when not filtered, otherwise those that are the pick of a group with
// published slots that match.
func (f *facility) offered(match func(groupKey) bool, pick func(groupKey) int32, n int, filtered bool) []bool {
	keep := make([]bool, n)
	for i := range keep {
		keep[i] = !filtered
	}
	if !filtered {
		return keep
	}
	for _, g := range f.groups {
		if g.published > 0 && match(g.key) {
			keep[pick(g.key)] = true
		}
	}
	return keep
}

// Facilities returns every facility of the book, in the order added: a
// book vouches for all its clinics. With a BookingID, the booking must be
// the citizen's (at any facility of the book), and it may be moved to, or
// the invitation booked at, any of them.
func (b *Book) Facilities(ctx context.Context, req tidbok.FacilitiesRequest) (tidbok.FacilitiesResult, error) {
	if err := b.prelude(ctx, tidbok.OpFacilities, req.Validate()); err != nil {
		return tidbok.FacilitiesResult{}, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if _, err := b.facility(tidbok.OpFacilities, req.Facility); err != nil {
		return tidbok.FacilitiesResult{}, err
	}
	if req.BookingID != "" {
		if bk := b.booking(req.BookingID); bk == nil || bk.subject != req.Subject {
			return tidbok.FacilitiesResult{}, bookbase.OpErr(tidbok.OpFacilities, tidbok.ErrNotFound, texts.NoBooking)
		}
	}
	out := make([]tidbok.Facility, len(b.facs))
	for i, f := range b.facs {
		out[i] = f.info
	}
	return tidbok.FacilitiesResult{Facilities: out}, nil
}
