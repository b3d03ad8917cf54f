package faulty

import (
	"context"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Capabilities returns the wrapped book's capabilities; no fault changes
// them.
func (b *Book) Capabilities() tidbok.Capabilities { return b.book.Capabilities() }

// Schedule calls the wrapped book's Schedule, subject to the fault of
// [tidbok.OpSchedule].
func (b *Book) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	return do(ctx, b, tidbok.OpSchedule, func() (tidbok.ScheduleResult, error) { return b.book.Schedule(ctx, req) })
}

// BookingDetails calls the wrapped book's BookingDetails, subject to the
// fault of [tidbok.OpBookingDetails].
func (b *Book) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	return do(ctx, b, tidbok.OpBookingDetails, func() (tidbok.BookingDetailsResult, error) { return b.book.BookingDetails(ctx, req) })
}

// TimeTypes calls the wrapped book's TimeTypes, subject to the fault of
// [tidbok.OpTimeTypes].
func (b *Book) TimeTypes(ctx context.Context, req tidbok.TimeTypesRequest) (tidbok.TimeTypesResult, error) {
	return do(ctx, b, tidbok.OpTimeTypes, func() (tidbok.TimeTypesResult, error) { return b.book.TimeTypes(ctx, req) })
}

// CareTypes calls the wrapped book's CareTypes, subject to the fault of
// [tidbok.OpCareTypes].
func (b *Book) CareTypes(ctx context.Context, req tidbok.CareTypesRequest) (tidbok.CareTypesResult, error) {
	return do(ctx, b, tidbok.OpCareTypes, func() (tidbok.CareTypesResult, error) { return b.book.CareTypes(ctx, req) })
}

// Performers calls the wrapped book's Performers, subject to the fault of
// [tidbok.OpPerformers].
func (b *Book) Performers(ctx context.Context, req tidbok.PerformersRequest) (tidbok.PerformersResult, error) {
	return do(ctx, b, tidbok.OpPerformers, func() (tidbok.PerformersResult, error) { return b.book.Performers(ctx, req) })
}

// Facilities calls the wrapped book's Facilities, subject to the fault of
// [tidbok.OpFacilities].
func (b *Book) Facilities(ctx context.Context, req tidbok.FacilitiesRequest) (tidbok.FacilitiesResult, error) {
	return do(ctx, b, tidbok.OpFacilities, func() (tidbok.FacilitiesResult, error) { return b.book.Facilities(ctx, req) })
}

// AvailableDates calls the wrapped book's AvailableDates, subject to the
// fault of [tidbok.OpAvailableDates].
func (b *Book) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	return do(ctx, b, tidbok.OpAvailableDates, func() (tidbok.AvailableDatesResult, error) { return b.book.AvailableDates(ctx, req) })
}

// AvailableTimeslots calls the wrapped book's AvailableTimeslots, subject
// to the fault of [tidbok.OpAvailableTimeslots].
func (b *Book) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	return do(ctx, b, tidbok.OpAvailableTimeslots, func() (tidbok.AvailableTimeslotsResult, error) { return b.book.AvailableTimeslots(ctx, req) })
}

// Book calls the wrapped book's Book, subject to the fault of
// [tidbok.OpBook].
func (b *Book) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	return do(ctx, b, tidbok.OpBook, func() (tidbok.BookResult, error) { return b.book.Book(ctx, req) })
}

// Reschedule calls the wrapped book's Reschedule, subject to the fault of
// [tidbok.OpReschedule].
func (b *Book) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	return do(ctx, b, tidbok.OpReschedule, func() (tidbok.RescheduleResult, error) { return b.book.Reschedule(ctx, req) })
}

// Cancel calls the wrapped book's Cancel, subject to the fault of
// [tidbok.OpCancel].
func (b *Book) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	return do(ctx, b, tidbok.OpCancel, func() (tidbok.CancelResult, error) { return b.book.Cancel(ctx, req) })
}
