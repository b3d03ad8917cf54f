package producer

import (
	"context"
	"fmt"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// call calls the book's method for op with req, the request value
// crmwire.DecodeRequest returned, and returns the result by value.
func call(ctx context.Context, b tidbok.Tidbok, op tidbok.Operation, req any) (any, error) {
	switch op {
	case tidbok.OpSchedule:
		return do(ctx, op, req, b.Schedule)
	case tidbok.OpBookingDetails:
		return do(ctx, op, req, b.BookingDetails)
	case tidbok.OpTimeTypes:
		return do(ctx, op, req, b.TimeTypes)
	case tidbok.OpCareTypes:
		return do(ctx, op, req, b.CareTypes)
	case tidbok.OpPerformers:
		return do(ctx, op, req, b.Performers)
	case tidbok.OpFacilities:
		return do(ctx, op, req, b.Facilities)
	case tidbok.OpAvailableDates:
		return do(ctx, op, req, b.AvailableDates)
	case tidbok.OpAvailableTimeslots:
		return do(ctx, op, req, b.AvailableTimeslots)
	case tidbok.OpBook:
		return do(ctx, op, req, b.Book)
	case tidbok.OpReschedule:
		return do(ctx, op, req, b.Reschedule)
	case tidbok.OpCancel:
		return do(ctx, op, req, b.Cancel)
	}
	return nil, fmt.Errorf("producer: unknown operation %v", op)
}

func do[Req, Res any](ctx context.Context, op tidbok.Operation, req any, method func(context.Context, Req) (Res, error)) (any, error) {
	r, ok := req.(Req)
	if !ok {
		var want Req
		return nil, fmt.Errorf("producer: %s: the codec gave a %T, not a %T", op.Contract(), req, want)
	}
	return method(ctx, r)
}

// facts returns the facility a request's body names (for UpdateBooking
// and MakeBooking, the requested timeslot's) and its actor.
func facts(req any) (tidbok.HSAID, tidbok.Actor) {
	switch r := req.(type) {
	case tidbok.ScheduleRequest:
		return r.Facility, r.Actor
	case tidbok.BookingDetailsRequest:
		return r.Facility, r.Actor
	case tidbok.TimeTypesRequest:
		return r.Facility, r.Actor
	case tidbok.CareTypesRequest:
		return r.Facility, r.Actor
	case tidbok.PerformersRequest:
		return r.Facility, r.Actor
	case tidbok.FacilitiesRequest:
		return r.Facility, r.Actor
	case tidbok.AvailabilityRequest:
		return r.Facility, r.Actor
	case tidbok.BookRequest:
		return r.Timeslot.Facility, r.Actor
	case tidbok.RescheduleRequest:
		return r.Timeslot.Facility, r.Actor
	case tidbok.CancelRequest:
		return r.Facility, r.Actor
	}
	return tidbok.HSAID{}, tidbok.Actor{}
}
