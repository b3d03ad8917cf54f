package mvkclient

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/trace"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// readAs sends a read request and converts the decoded result to R.
func readAs[R any](ctx context.Context, c *Client, op tidbok.Operation, facility tidbok.HSAID, req interface{ Validate() error }) (R, error) {
	var zero R
	res, err := c.read(ctx, op, facility, req)
	if err != nil {
		return zero, err
	}
	r, ok := res.(R)
	if !ok {
		return zero, fmt.Errorf("mvkclient: %v: the codec returned %T, not %T", op, res, zero)
	}
	return r, nil
}

// Schedule returns the citizen's bookings at the facility.
//
// Contract: GetSubjectOfCareSchedule, crm:scheduling 1.1. Retried on
// failures that may pass.
func (c *Client) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (_ tidbok.ScheduleResult, err error) {
	ctx, call := c.s.tel.Start(ctx, tidbok.OpSchedule, trace.SpanKindInternal, req.Facility)
	defer func() { call.End(err) }()
	return readAs[tidbok.ScheduleResult](ctx, c, tidbok.OpSchedule, req.Facility, req)
}

// BookingDetails returns one booking or invitation. The wire carries no
// subject of care for this contract: when req.Subject is set, it acts (in
// the Actor header) unless req.Actor says otherwise, and the client
// answers ErrNotFound, as for an unknown ID, when the booking is not that
// citizen's (or the producer does not say whose it is).
//
// Contract: GetBookingDetails, crm:scheduling 1.1. Retried on failures
// that may pass.
func (c *Client) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (_ tidbok.BookingDetailsResult, err error) {
	ctx, call := c.s.tel.Start(ctx, tidbok.OpBookingDetails, trace.SpanKindInternal, req.Facility)
	defer func() { call.End(err) }()
	res, err := readAs[tidbok.BookingDetailsResult](ctx, c, tidbok.OpBookingDetails, req.Facility, req)
	if err != nil {
		return res, err
	}
	if !req.Subject.IsZero() && !res.Booking.Subject.Equal(req.Subject) {
		return tidbok.BookingDetailsResult{}, &tidbok.OpError{Op: tidbok.OpBookingDetails, Err: tidbok.ErrNotFound}
	}
	return res, nil
}

// TimeTypes returns the time types the citizen may book on the web.
//
// Contract: GetAllTimeTypes, crm:scheduling 1.1. Retried on failures that
// may pass.
func (c *Client) TimeTypes(ctx context.Context, req tidbok.TimeTypesRequest) (_ tidbok.TimeTypesResult, err error) {
	ctx, call := c.s.tel.Start(ctx, tidbok.OpTimeTypes, trace.SpanKindInternal, req.Facility)
	defer func() { call.End(err) }()
	return readAs[tidbok.TimeTypesResult](ctx, c, tidbok.OpTimeTypes, req.Facility, req)
}

// CareTypes returns the care types bookable on the web.
//
// Contract: GetAllCareTypes, crm:scheduling 1.1 (not in 1.0). Retried on
// failures that may pass.
func (c *Client) CareTypes(ctx context.Context, req tidbok.CareTypesRequest) (_ tidbok.CareTypesResult, err error) {
	ctx, call := c.s.tel.Start(ctx, tidbok.OpCareTypes, trace.SpanKindInternal, req.Facility)
	defer func() { call.End(err) }()
	return readAs[tidbok.CareTypesResult](ctx, c, tidbok.OpCareTypes, req.Facility, req)
}

// Performers returns the clinicians bookable on the web.
//
// Contract: GetAllPerformers, crm:scheduling 1.1 (not in 1.0). Retried on
// failures that may pass.
func (c *Client) Performers(ctx context.Context, req tidbok.PerformersRequest) (_ tidbok.PerformersResult, err error) {
	ctx, call := c.s.tel.Start(ctx, tidbok.OpPerformers, trace.SpanKindInternal, req.Facility)
	defer func() { call.End(err) }()
	return readAs[tidbok.PerformersResult](ctx, c, tidbok.OpPerformers, req.Facility, req)
}

// Facilities returns the clinics the citizen may book at, as the asked
// clinic vouches.
//
// Contract: GetAllHealthcareFacilities, crm:scheduling 1.1 (not in 1.0).
// Retried on failures that may pass.
func (c *Client) Facilities(ctx context.Context, req tidbok.FacilitiesRequest) (_ tidbok.FacilitiesResult, err error) {
	ctx, call := c.s.tel.Start(ctx, tidbok.OpFacilities, trace.SpanKindInternal, req.Facility)
	defer func() { call.End(err) }()
	return readAs[tidbok.FacilitiesResult](ctx, c, tidbok.OpFacilities, req.Facility, req)
}

// AvailableDates returns the dates with free web-bookable slots.
//
// Contract: GetAvailableDates, crm:scheduling 1.1. Retried on failures
// that may pass.
func (c *Client) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (_ tidbok.AvailableDatesResult, err error) {
	ctx, call := c.s.tel.Start(ctx, tidbok.OpAvailableDates, trace.SpanKindInternal, req.Facility)
	defer func() { call.End(err) }()
	return readAs[tidbok.AvailableDatesResult](ctx, c, tidbok.OpAvailableDates, req.Facility, req)
}

// AvailableTimeslots returns the free web-bookable slots. Its answer may
// be larger than the others' (see Config.MaxResponseBytes).
//
// Contract: GetAvailableTimeslots, crm:scheduling 1.1. Retried on failures
// that may pass.
func (c *Client) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (_ tidbok.AvailableTimeslotsResult, err error) {
	ctx, call := c.s.tel.Start(ctx, tidbok.OpAvailableTimeslots, trace.SpanKindInternal, req.Facility)
	defer func() { call.End(err) }()
	return readAs[tidbok.AvailableTimeslotsResult](ctx, c, tidbok.OpAvailableTimeslots, req.Facility, req)
}
