package tidboktest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Rules about the requests a book accepts: invalid ones are refused with
// every problem at once, clinics are named by HSA-ids compared without
// regard to case, and a clinic the book does not serve is not found.
var validationRules = []rule{
	{
		sentence: "bad input gets ErrInvalid listing every problem and changes nothing",
		needs:    tidbok.ReadOnly,
		check:    checkInvalidRequests,
	},
	{
		sentence: "HSA-ids match case-insensitively",
		needs:    tidbok.ReadOnly,
		check:    checkHSAIDCase,
	},
	{
		sentence: "an unknown facility gives ErrNotFound and changes nothing",
		needs:    tidbok.ReadOnly,
		check:    checkUnknownFacility,
	},
}

// invalidCall is one operation called with a request that has several
// problems, and the fields the book must name.
type invalidCall struct {
	op     tidbok.Operation
	call   func() error
	fields []string
	// unchanged checks that the refused call did nothing.
	unchanged func(v *violations)
}

func checkInvalidRequests(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	citizen, newcomer := f.citizen(1), f.citizen(2)
	free, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	booking, err := f.bookingToSend(citizen, f.at(3, 10))
	if err != nil {
		return err
	}
	inverted := tidbok.AvailabilityRequest{Facility: f.facility, From: f.today.AddDays(5), To: f.today}
	calls := []invalidCall{
		{
			op: tidbok.OpSchedule,
			call: func() error {
				_, err := b.Schedule(ctx, tidbok.ScheduleRequest{})
				return err
			},
			fields: []string{"Facility", "Subject"},
		},
		{
			op: tidbok.OpBookingDetails,
			call: func() error {
				_, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{})
				return err
			},
			fields: []string{"BookingID", "Facility"},
		},
		{
			op: tidbok.OpTimeTypes,
			call: func() error {
				_, err := b.TimeTypes(ctx, tidbok.TimeTypesRequest{})
				return err
			},
			fields: []string{"Facility", "Subject"},
		},
		{
			op: tidbok.OpCareTypes,
			call: func() error {
				_, err := b.CareTypes(ctx, tidbok.CareTypesRequest{})
				return err
			},
			fields: []string{"Facility", "Subject"},
		},
		{
			op: tidbok.OpPerformers,
			call: func() error {
				_, err := b.Performers(ctx, tidbok.PerformersRequest{})
				return err
			},
			fields: []string{"Facility", "Subject"},
		},
		{
			op: tidbok.OpFacilities,
			call: func() error {
				_, err := b.Facilities(ctx, tidbok.FacilitiesRequest{})
				return err
			},
			fields: []string{"Facility", "Subject"},
		},
		{
			op: tidbok.OpAvailableDates,
			call: func() error {
				_, err := b.AvailableDates(ctx, inverted)
				return err
			},
			fields: []string{"Subject", "To"},
		},
		{
			op: tidbok.OpAvailableTimeslots,
			call: func() error {
				_, err := b.AvailableTimeslots(ctx, inverted)
				return err
			},
			fields: []string{"Subject", "To"},
		},
		{
			op: tidbok.OpBook,
			call: func() error {
				req := f.bookRequest(newcomer, free)
				req.Contact = tidbok.ContactInfo{Phone: contact.Phone}
				req.Timeslot.End = req.Timeslot.Start
				_, err := b.Book(ctx, req)
				return err
			},
			fields: []string{"Contact.FirstName", "Contact.LastName", "Timeslot.End"},
			unchanged: func(v *violations) {
				f.expectScheduled(v, newcomer, nil, "after an invalid Book")
				f.expectOffered(v, free, true, false, "after an invalid Book of it")
			},
		},
		{
			op: tidbok.OpReschedule,
			call: func() error {
				req := f.rescheduleRequest(booking, free)
				req.Timeslot.Subject = tidbok.PersonalNumber{}
				req.Timeslot.End = req.Timeslot.Start.Add(-slotLength)
				_, err := b.Reschedule(ctx, req)
				return err
			},
			fields: []string{"Timeslot.End", "Timeslot.Subject"},
			unchanged: func(v *violations) {
				if !isMadeUp(booking) {
					f.expectUntouched(v, booking, "after an invalid Reschedule")
				}
				f.expectOffered(v, free, true, false, "after an invalid Reschedule to it")
			},
		},
		{
			op: tidbok.OpCancel,
			call: func() error {
				req := f.cancelRequest(booking)
				req.Facility = tidbok.HSAID{}
				req.Actor = tidbok.Actor{Person: newcomer, Agent: f.facility}
				_, err := b.Cancel(ctx, req)
				return err
			},
			fields: []string{"Actor", "Facility"},
			unchanged: func(v *violations) {
				if !isMadeUp(booking) {
					f.expectUntouched(v, booking, "after an invalid Cancel")
				}
			},
		},
	}
	var v violations
	for _, c := range calls {
		if !f.caps.Has(c.op) {
			continue
		}
		err := c.call()
		switch {
		case err == nil:
			v.addf("%v with problems in %s succeeded, want ErrInvalid", c.op, strings.Join(c.fields, ", "))
		case !errors.Is(err, tidbok.ErrInvalid):
			v.addf("%v with problems in %s: error %q, want one matching ErrInvalid", c.op, strings.Join(c.fields, ", "), err)
		default:
			var got []string
			for _, fe := range tidbok.FieldErrors(err) {
				got = append(got, fe.Field)
			}
			var unnamed []string
			for _, field := range c.fields {
				if !slices.Contains(got, field) {
					unnamed = append(unnamed, field)
				}
			}
			if len(unnamed) > 0 {
				v.addf("%v: ErrInvalid names the fields %q but not %q; want every problem reported at once, each a *tidbok.FieldError", c.op, got, unnamed)
			}
		}
		if c.unchanged != nil {
			c.unchanged(&v)
		}
	}
	return v.err()
}

// checkHSAIDCase names the clinic in lower case, as a consumer may, in
// every call, and expects the book to serve it as usual.
func checkHSAIDCase(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	lower, err := tidbok.ParseHSAID(strings.ToLower(f.facility.String()))
	if err != nil {
		return precondition(err, "parsing the clinic's HSA-id in lower case")
	}
	upper, err := tidbok.ParseHSAID(strings.ToUpper(f.facility.String()))
	if err != nil {
		return precondition(err, "parsing the clinic's HSA-id in upper case")
	}
	citizen := f.citizen(1)
	slot, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	var v violations
	if f.caps.Has(tidbok.OpAvailableTimeslots) {
		req := f.availability(citizen, searchDays)
		req.Facility = lower
		res, err := b.AvailableTimeslots(ctx, req)
		switch {
		case err != nil:
			v.addf("AvailableTimeslots at the lower-case clinic: %w", err)
		case !offeredIn(res, slot):
			v.addf("AvailableTimeslots at the lower-case clinic leaves out the free slot at %s", span(slot))
		}
		for ts := range res.All() {
			if !ts.Facility.Equal(f.facility) {
				v.addf("AvailableTimeslots at the lower-case clinic: slot at %s is at clinic %v, want %v", span(ts), ts.Facility, f.facility)
			}
		}
	}
	if f.caps.Has(tidbok.OpAvailableDates) {
		req := f.availability(citizen, searchDays)
		req.Facility = lower
		res, err := b.AvailableDates(ctx, req)
		switch {
		case err != nil:
			v.addf("AvailableDates at the lower-case clinic: %w", err)
		case !dateOffered(res.Dates, tidbok.DateOf(slot.Start)):
			v.addf("AvailableDates at the lower-case clinic leaves out %s, which has a free slot", tidbok.DateOf(slot.Start))
		}
	}
	if _, err := b.Schedule(ctx, tidbok.ScheduleRequest{Facility: lower, Subject: citizen}); err != nil {
		v.addf("Schedule at the lower-case clinic: %w", err)
	}
	if !f.caps.Has(tidbok.OpBook) {
		return v.err()
	}
	req := f.bookRequest(citizen, slot)
	req.Timeslot.Facility = lower
	res, err := b.Book(ctx, req)
	if err != nil {
		v.addf("Book at the lower-case clinic: %w", err)
		return v.err()
	}
	booking := slot
	booking.ID, booking.Subject = res.BookingID, citizen
	sched, err := b.Schedule(ctx, tidbok.ScheduleRequest{Facility: upper, Subject: citizen})
	switch {
	case err != nil:
		v.addf("Schedule at the upper-case clinic: %w", err)
	default:
		if diff := diffBookings([]tidbok.Timeslot{booking}, sched.Bookings); diff != "" {
			v.addf("Schedule at the upper-case clinic after booking at the lower-case one (-want +got):\n%s", diff)
		}
	}
	if f.caps.Has(tidbok.OpBookingDetails) {
		if _, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: lower, BookingID: booking.ID, Subject: booking.Subject}); err != nil {
			v.addf("BookingDetails at the lower-case clinic: %w", err)
		}
	}
	if f.caps.Has(tidbok.OpCancel) {
		if _, err := b.Cancel(ctx, tidbok.CancelRequest{Facility: lower, BookingID: booking.ID, Subject: booking.Subject}); err != nil {
			v.addf("Cancel at the lower-case clinic: %w", err)
		}
	}
	return v.err()
}

// unknownFacility returns an HSA-id the Seeder's clinic does not have.
func (f *fixture) unknownFacility() (tidbok.HSAID, error) {
	for _, s := range []string{"SE2321000016-TBTNOSUCH", "SE2321000016-TBTNOSUCH2"} {
		h, err := tidbok.ParseHSAID(s)
		if err != nil {
			return tidbok.HSAID{}, precondition(err, "parsing a made-up HSA-id")
		}
		if !h.Equal(f.facility) {
			return h, nil
		}
	}
	return tidbok.HSAID{}, precondition(errors.New("the clinic has both made-up HSA-ids"), "choosing an unknown clinic")
}

// checkUnknownFacility calls every supported operation at a clinic the
// book does not serve; writes name a real slot and booking so that a book
// that ignores the clinic would change something.
func checkUnknownFacility(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	nowhere, err := f.unknownFacility()
	if err != nil {
		return err
	}
	citizen, newcomer := f.citizen(1), f.citizen(2)
	free, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	booking, err := f.bookingToSend(citizen, f.at(3, 10))
	if err != nil {
		return err
	}
	avail := f.availability(citizen, searchDays)
	avail.Facility = nowhere
	var v violations
	calls := []struct {
		op        tidbok.Operation
		call      func() error
		unchanged func()
	}{
		{op: tidbok.OpSchedule, call: func() error {
			_, err := b.Schedule(ctx, tidbok.ScheduleRequest{Facility: nowhere, Subject: citizen})
			return err
		}},
		{op: tidbok.OpBookingDetails, call: func() error {
			_, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: nowhere, BookingID: booking.ID, Subject: booking.Subject})
			return err
		}},
		{op: tidbok.OpTimeTypes, call: func() error {
			_, err := b.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: nowhere, Subject: citizen})
			return err
		}},
		{op: tidbok.OpCareTypes, call: func() error {
			_, err := b.CareTypes(ctx, tidbok.CareTypesRequest{Facility: nowhere, Subject: citizen})
			return err
		}},
		{op: tidbok.OpPerformers, call: func() error {
			_, err := b.Performers(ctx, tidbok.PerformersRequest{Facility: nowhere, Subject: citizen})
			return err
		}},
		{op: tidbok.OpFacilities, call: func() error {
			_, err := b.Facilities(ctx, tidbok.FacilitiesRequest{Facility: nowhere, Subject: citizen})
			return err
		}},
		{op: tidbok.OpAvailableDates, call: func() error {
			_, err := b.AvailableDates(ctx, avail)
			return err
		}},
		{op: tidbok.OpAvailableTimeslots, call: func() error {
			_, err := b.AvailableTimeslots(ctx, avail)
			return err
		}},
		{
			op: tidbok.OpBook,
			call: func() error {
				req := f.bookRequest(newcomer, free)
				req.Timeslot.Facility = nowhere
				_, err := b.Book(ctx, req)
				return err
			},
			unchanged: func() {
				f.expectScheduled(&v, newcomer, nil, "after a Book at an unknown clinic")
				f.expectOffered(&v, free, true, false, "after a Book of it at an unknown clinic")
			},
		},
		{
			op: tidbok.OpReschedule,
			call: func() error {
				req := f.rescheduleRequest(booking, free)
				req.Timeslot.Facility = nowhere
				_, err := b.Reschedule(ctx, req)
				return err
			},
			unchanged: func() {
				if !isMadeUp(booking) {
					f.expectUntouched(&v, booking, "after a Reschedule to an unknown clinic")
				}
				f.expectOffered(&v, free, true, false, "after a Reschedule to its time at an unknown clinic")
			},
		},
		{
			op: tidbok.OpCancel,
			call: func() error {
				req := f.cancelRequest(booking)
				req.Facility = nowhere
				_, err := b.Cancel(ctx, req)
				return err
			},
			unchanged: func() {
				if !isMadeUp(booking) {
					f.expectUntouched(&v, booking, "after a Cancel at an unknown clinic")
				}
			},
		},
	}
	for _, c := range calls {
		if !f.caps.Has(c.op) {
			continue
		}
		expectErr(&v, fmt.Sprintf("%v at an unknown clinic", c.op), c.call(), tidbok.ErrNotFound)
		if c.unchanged != nil {
			c.unchanged()
		}
	}
	return v.err()
}
