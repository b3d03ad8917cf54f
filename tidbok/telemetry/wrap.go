package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Wrap returns book with a span and metrics for every call, as cfg says.
// It forwards Capabilities, and every call with its result and error
// unchanged.
func Wrap(book tidbok.Tidbok, cfg Config) tidbok.Tidbok {
	r := NewRecorder(cfg)
	if r == nil {
		return book
	}
	return &instrumented{book: book, r: r}
}

type instrumented struct {
	book tidbok.Tidbok
	r    *Recorder
}

var _ tidbok.Tidbok = (*instrumented)(nil)

func (b *instrumented) Capabilities() tidbok.Capabilities { return b.book.Capabilities() }

func (b *instrumented) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	ctx, c := b.r.Start(ctx, tidbok.OpSchedule, trace.SpanKindInternal, req.Facility)
	res, err := b.book.Schedule(ctx, req)
	c.End(err)
	return res, err
}

func (b *instrumented) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	ctx, c := b.r.Start(ctx, tidbok.OpBookingDetails, trace.SpanKindInternal, req.Facility)
	c.SetBookingID(req.BookingID)
	res, err := b.book.BookingDetails(ctx, req)
	c.End(err)
	return res, err
}

func (b *instrumented) TimeTypes(ctx context.Context, req tidbok.TimeTypesRequest) (tidbok.TimeTypesResult, error) {
	ctx, c := b.r.Start(ctx, tidbok.OpTimeTypes, trace.SpanKindInternal, req.Facility)
	res, err := b.book.TimeTypes(ctx, req)
	c.End(err)
	return res, err
}

func (b *instrumented) CareTypes(ctx context.Context, req tidbok.CareTypesRequest) (tidbok.CareTypesResult, error) {
	ctx, c := b.r.Start(ctx, tidbok.OpCareTypes, trace.SpanKindInternal, req.Facility)
	res, err := b.book.CareTypes(ctx, req)
	c.End(err)
	return res, err
}

func (b *instrumented) Performers(ctx context.Context, req tidbok.PerformersRequest) (tidbok.PerformersResult, error) {
	ctx, c := b.r.Start(ctx, tidbok.OpPerformers, trace.SpanKindInternal, req.Facility)
	res, err := b.book.Performers(ctx, req)
	c.End(err)
	return res, err
}

func (b *instrumented) Facilities(ctx context.Context, req tidbok.FacilitiesRequest) (tidbok.FacilitiesResult, error) {
	ctx, c := b.r.Start(ctx, tidbok.OpFacilities, trace.SpanKindInternal, req.Facility)
	c.SetBookingID(req.BookingID)
	res, err := b.book.Facilities(ctx, req)
	c.End(err)
	return res, err
}

func (b *instrumented) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	ctx, c := b.r.Start(ctx, tidbok.OpAvailableDates, trace.SpanKindInternal, req.Facility)
	c.SetBookingID(req.BookingID)
	res, err := b.book.AvailableDates(ctx, req)
	c.End(err)
	return res, err
}

func (b *instrumented) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	ctx, c := b.r.Start(ctx, tidbok.OpAvailableTimeslots, trace.SpanKindInternal, req.Facility)
	c.SetBookingID(req.BookingID)
	res, err := b.book.AvailableTimeslots(ctx, req)
	c.End(err)
	return res, err
}

func (b *instrumented) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	ctx, c := b.r.Start(ctx, tidbok.OpBook, trace.SpanKindInternal, req.Timeslot.Facility)
	res, err := b.book.Book(ctx, req)
	if err == nil {
		c.SetBookingID(res.BookingID)
	}
	c.End(err)
	return res, err
}

func (b *instrumented) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	ctx, c := b.r.Start(ctx, tidbok.OpReschedule, trace.SpanKindInternal, req.Timeslot.Facility)
	c.SetBookingID(req.BookingID)
	res, err := b.book.Reschedule(ctx, req)
	c.End(err)
	return res, err
}

func (b *instrumented) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	ctx, c := b.r.Start(ctx, tidbok.OpCancel, trace.SpanKindInternal, req.Facility)
	c.SetBookingID(req.BookingID)
	res, err := b.book.Cancel(ctx, req)
	c.End(err)
	return res, err
}
