package mvkclient_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// operationCall calls one operation of a book with a valid request for
// the citizen, with actor, and returns its error.
type operationCall struct {
	op   tidbok.Operation
	call func(ctx context.Context, b tidbok.Tidbok, actor tidbok.Actor) error
	// answer is a successful answer.
	answer func(t testing.TB) reply
}

func allCalls() []operationCall {
	slot := freeSlot("S1", at(10, 0))
	bk := booking("B1", at(9, 0))
	return []operationCall{
		{tidbok.OpSchedule, func(ctx context.Context, b tidbok.Tidbok, a tidbok.Actor) error {
			_, err := b.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: citizen, Actor: a})
			return err
		}, func(t testing.TB) reply {
			return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{Bookings: []tidbok.Timeslot{bk}})
		}},
		{tidbok.OpBookingDetails, func(ctx context.Context, b tidbok.Tidbok, a tidbok.Actor) error {
			_, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "B1", Subject: citizen, Actor: a})
			return err
		}, func(t testing.TB) reply {
			return ok(t, tidbok.OpBookingDetails, tidbok.BookingDetailsResult{Booking: bk})
		}},
		{tidbok.OpTimeTypes, func(ctx context.Context, b tidbok.Tidbok, a tidbok.Actor) error {
			_, err := b.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: clinic, Subject: citizen, Actor: a})
			return err
		}, func(t testing.TB) reply { return ok(t, tidbok.OpTimeTypes, tidbok.TimeTypesResult{}) }},
		{tidbok.OpCareTypes, func(ctx context.Context, b tidbok.Tidbok, a tidbok.Actor) error {
			_, err := b.CareTypes(ctx, tidbok.CareTypesRequest{Facility: clinic, Subject: citizen, Actor: a})
			return err
		}, func(t testing.TB) reply { return ok(t, tidbok.OpCareTypes, tidbok.CareTypesResult{}) }},
		{tidbok.OpPerformers, func(ctx context.Context, b tidbok.Tidbok, a tidbok.Actor) error {
			_, err := b.Performers(ctx, tidbok.PerformersRequest{Facility: clinic, Subject: citizen, Actor: a})
			return err
		}, func(t testing.TB) reply { return ok(t, tidbok.OpPerformers, tidbok.PerformersResult{}) }},
		{tidbok.OpFacilities, func(ctx context.Context, b tidbok.Tidbok, a tidbok.Actor) error {
			_, err := b.Facilities(ctx, tidbok.FacilitiesRequest{Facility: clinic, Subject: citizen, Actor: a})
			return err
		}, func(t testing.TB) reply { return ok(t, tidbok.OpFacilities, tidbok.FacilitiesResult{}) }},
		{tidbok.OpAvailableDates, func(ctx context.Context, b tidbok.Tidbok, a tidbok.Actor) error {
			req := availability()
			req.Actor = a
			_, err := b.AvailableDates(ctx, req)
			return err
		}, func(t testing.TB) reply { return ok(t, tidbok.OpAvailableDates, tidbok.AvailableDatesResult{}) }},
		{tidbok.OpAvailableTimeslots, func(ctx context.Context, b tidbok.Tidbok, a tidbok.Actor) error {
			req := availability()
			req.Actor = a
			_, err := b.AvailableTimeslots(ctx, req)
			return err
		}, func(t testing.TB) reply {
			return ok(t, tidbok.OpAvailableTimeslots, tidbok.NewAvailableTimeslots([]tidbok.Timeslot{slot}))
		}},
		{tidbok.OpBook, func(ctx context.Context, b tidbok.Tidbok, a tidbok.Actor) error {
			req := bookRequest(slot)
			req.Actor = a
			_, err := b.Book(ctx, req)
			return err
		}, func(t testing.TB) reply { return ok(t, tidbok.OpBook, tidbok.BookResult{BookingID: "B2"}) }},
		{tidbok.OpReschedule, func(ctx context.Context, b tidbok.Tidbok, a tidbok.Actor) error {
			ts := slot
			ts.Subject = citizen
			_, err := b.Reschedule(ctx, tidbok.RescheduleRequest{BookingID: "B1", Timeslot: ts, Actor: a})
			return err
		}, func(t testing.TB) reply { return ok(t, tidbok.OpReschedule, tidbok.RescheduleResult{}) }},
		{tidbok.OpCancel, func(ctx context.Context, b tidbok.Tidbok, a tidbok.Actor) error {
			// No Subject: Cancel then sends CancelBooking alone.
			if a.IsZero() {
				a = tidbok.Actor{Person: citizen}
			}
			_, err := b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: "B1", Actor: a})
			return err
		}, func(t testing.TB) reply { return ok(t, tidbok.OpCancel, tidbok.CancelResult{}) }},
	}
}

func TestEveryContractIsSentWhereAndHowTheWireSays(t *testing.T) {
	t.Parallel()
	for _, oc := range allCalls() {
		t.Run(oc.op.String(), func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(call, int) reply { return oc.answer(t) })
			c := f.client(t, nil)
			if err := oc.call(bg(t), c, tidbok.Actor{}); err != nil {
				t.Fatalf("%v: %v", oc.op, err)
			}
			got := f.last()
			ct, _ := crmwire.ContractFor(oc.op)
			want := struct {
				Path, Action, LogicalAddress string
				Profile                      soap.Profile
				Actor                        *soap.Actor
			}{
				Path:           "/vp/crm/scheduling/" + ct.Name + "/1/rivtabp21",
				Action:         `"urn:riv:crm:scheduling:` + ct.Name + `Responder:1:` + ct.Name + `"`,
				LogicalAddress: hsaClinic,
				Profile:        soap.RIVTABP21,
				Actor:          &soap.Actor{ID: pnCitizen, Type: soap.SubjectOfCare},
			}
			gotView := want
			gotView.Path, gotView.Action = got.Path, got.Action
			gotView.LogicalAddress, gotView.Profile, gotView.Actor = got.Header.LogicalAddress, got.Header.Profile, got.Header.Actor
			if diff := cmp.Diff(want, gotView); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
			if got.Op != oc.op {
				t.Errorf("the body is a %v request, want %v", got.Op, oc.op)
			}
		})
	}
}

func TestTheActorHeaderNamesWhoActs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		actor tidbok.Actor
		want  soap.Actor
	}{
		{"the citizen in person by default", tidbok.Actor{}, soap.Actor{ID: pnCitizen, Type: soap.SubjectOfCare}},
		{"a guardian when the request names one", tidbok.Actor{Person: guardian}, soap.Actor{ID: pnGuardian, Type: soap.SubjectOfCare}},
		{"a staff agent when the request names one", tidbok.Actor{Agent: staffAgent}, soap.Actor{ID: hsaStaff, Type: soap.SubjectOfCareAgent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, oc := range allCalls() {
				if oc.op == tidbok.OpCancel && tt.actor.IsZero() {
					continue // covered by the table above; Cancel without Subject needs an actor
				}
				f := newFake(t, func(call, int) reply { return oc.answer(t) })
				c := f.client(t, nil)
				if err := oc.call(bg(t), c, tt.actor); err != nil {
					t.Fatalf("%v: %v", oc.op, err)
				}
				got := f.last()
				if diff := cmp.Diff(&tt.want, got.Header.Actor); diff != "" {
					t.Errorf("%v: Actor header (-want +got):\n%s", oc.op, diff)
				}
				if diff := cmp.Diff(tt.actor, actorOf(got.Req.Value), cmp.Comparer(tidbok.PersonalNumber.Equal)); diff != "" && oc.op != tidbok.OpBookingDetails && oc.op != tidbok.OpCancel {
					t.Errorf("%v: Actor as the producer reads it (-want +got):\n%s", oc.op, diff)
				}
			}
		})
	}
}

// actorOf returns the Actor of a decoded tidbok request.
func actorOf(req any) tidbok.Actor {
	switch r := req.(type) {
	case tidbok.ScheduleRequest:
		return r.Actor
	case tidbok.BookingDetailsRequest:
		return r.Actor
	case tidbok.TimeTypesRequest:
		return r.Actor
	case tidbok.CareTypesRequest:
		return r.Actor
	case tidbok.PerformersRequest:
		return r.Actor
	case tidbok.FacilitiesRequest:
		return r.Actor
	case tidbok.AvailabilityRequest:
		return r.Actor
	case tidbok.BookRequest:
		return r.Actor
	case tidbok.RescheduleRequest:
		return r.Actor
	case tidbok.CancelRequest:
		return r.Actor
	}
	return tidbok.Actor{}
}

func TestAFixedLogicalAddressReplacesTheFacility(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(call, int) reply { return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{}) })
	c := f.client(t, func(cfg *mvkclient.Config) { cfg.LogicalAddress = "5565594230" })
	if _, err := c.Schedule(bg(t), tidbok.ScheduleRequest{Facility: clinic, Subject: citizen}); err != nil {
		t.Fatal(err)
	}
	if got := f.last().Header.LogicalAddress; got != "5565594230" {
		t.Errorf("LogicalAddress = %q, want the configured 5565594230", got)
	}
}

func TestAnEndpointOverrideWinsOverTheBaseURL(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(c call, _ int) reply {
		if c.Op == tidbok.OpBook {
			return ok(t, tidbok.OpBook, tidbok.BookResult{BookingID: "B9"})
		}
		return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{})
	})
	c := f.client(t, func(cfg *mvkclient.Config) {
		cfg.Endpoints = map[tidbok.Operation]string{tidbok.OpBook: f.srv.URL + "/custom/booking"}
	})
	if _, err := c.Book(bg(t), bookRequest(freeSlot("S1", at(10, 0)))); err != nil {
		t.Fatal(err)
	}
	if got := f.last().Path; got != "/custom/booking" {
		t.Errorf("MakeBooking went to %q, want /custom/booking", got)
	}
	if _, err := c.Schedule(bg(t), tidbok.ScheduleRequest{Facility: clinic, Subject: citizen}); err != nil {
		t.Fatal(err)
	}
	if got, want := f.last().Path, "/vp/crm/scheduling/GetSubjectOfCareSchedule/1/rivtabp21"; got != want {
		t.Errorf("GetSubjectOfCareSchedule went to %q, want %q", got, want)
	}
}

func TestVersion10UsesRIVTA20AndLacksTheNewContracts(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(call, int) reply { return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{}) })
	c := f.client(t, func(cfg *mvkclient.Config) { cfg.Version = mvkclient.V10 })
	if _, err := c.Schedule(bg(t), tidbok.ScheduleRequest{Facility: clinic, Subject: citizen}); err != nil {
		t.Fatal(err)
	}
	got := f.last()
	if got.Path != "/vp/crm/scheduling/GetSubjectOfCareSchedule/1/rivtabp20" || got.Header.Profile != soap.RIVTABP20 || got.Header.Actor != nil {
		t.Errorf("1.0 request: path %q, profile %v, actor %v; want rivtabp20 path, wsa:To, no actor", got.Path, got.Header.Profile, got.Header.Actor)
	}
	for _, op := range []tidbok.Operation{tidbok.OpCareTypes, tidbok.OpPerformers, tidbok.OpFacilities} {
		if c.Capabilities().Has(op) {
			t.Errorf("a 1.0 client declares %v, which 1.0 lacks", op)
		}
	}
	if _, err := c.CareTypes(bg(t), tidbok.CareTypesRequest{Facility: clinic, Subject: citizen}); !errors.Is(err, tidbok.ErrNotSupported) {
		t.Errorf("CareTypes over 1.0: %v, want ErrNotSupported", err)
	}
}

func TestUndeclaredOperationsFailWithoutACall(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(call, int) reply { return reply{status: 500} })
	c := f.client(t, func(cfg *mvkclient.Config) { cfg.Capabilities = tidbok.ReadOnly })
	for _, oc := range allCalls() {
		if oc.op == tidbok.OpSchedule {
			continue
		}
		err := oc.call(bg(t), c, tidbok.Actor{})
		if !errors.Is(err, tidbok.ErrNotSupported) || !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("%v on a read-only client: %v, want ErrNotSupported (and errors.ErrUnsupported)", oc.op, err)
		}
	}
	if n := len(f.ops()); n != 0 {
		t.Errorf("the producer got %d calls, want none", n)
	}
	if got := c.Capabilities(); got != tidbok.ReadOnly {
		t.Errorf("Capabilities() = %v, want %v", got, tidbok.ReadOnly)
	}
}

func TestInvalidRequestsFailWithoutACall(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(call, int) reply { return reply{status: 500} })
	c := f.client(t, nil)
	_, err := c.Schedule(bg(t), tidbok.ScheduleRequest{})
	if !errors.Is(err, tidbok.ErrInvalid) {
		t.Errorf("Schedule with nothing set: %v, want ErrInvalid", err)
	}
	_, err = c.BookingDetails(bg(t), tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "B1"})
	if !errors.Is(err, tidbok.ErrInvalid) {
		t.Errorf("BookingDetails naming nobody to act: %v, want ErrInvalid", err)
	}
	if n := len(f.ops()); n != 0 {
		t.Errorf("the producer got %d calls, want none", n)
	}
}
