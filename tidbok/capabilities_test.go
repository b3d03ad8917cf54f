package tidbok_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestOperationsNameTheirWireContracts(t *testing.T) {
	want := map[tidbok.Operation][2]string{
		tidbok.OpSchedule:           {"Schedule", "GetSubjectOfCareSchedule"},
		tidbok.OpBookingDetails:     {"BookingDetails", "GetBookingDetails"},
		tidbok.OpTimeTypes:          {"TimeTypes", "GetAllTimeTypes"},
		tidbok.OpCareTypes:          {"CareTypes", "GetAllCareTypes"},
		tidbok.OpPerformers:         {"Performers", "GetAllPerformers"},
		tidbok.OpFacilities:         {"Facilities", "GetAllHealthcareFacilities"},
		tidbok.OpAvailableDates:     {"AvailableDates", "GetAvailableDates"},
		tidbok.OpAvailableTimeslots: {"AvailableTimeslots", "GetAvailableTimeslots"},
		tidbok.OpBook:               {"Book", "MakeBooking"},
		tidbok.OpReschedule:         {"Reschedule", "UpdateBooking"},
		tidbok.OpCancel:             {"Cancel", "CancelBooking"},
	}
	ops := tidbok.Operations()
	if len(ops) != len(want) {
		t.Fatalf("Operations() has %d operations, want %d", len(ops), len(want))
	}
	for _, op := range ops {
		names := want[op]
		if op.String() != names[0] || op.Contract() != names[1] {
			t.Errorf("op %d = %s/%s, want %s/%s", op, op, op.Contract(), names[0], names[1])
		}
		back, ok := tidbok.OperationForContract(names[1])
		if !ok || back != op {
			t.Errorf("OperationForContract(%q) = %v, %v", names[1], back, ok)
		}
		if got, want := op.IsWrite(), op == tidbok.OpBook || op == tidbok.OpReschedule || op == tidbok.OpCancel; got != want {
			t.Errorf("%s.IsWrite() = %v", op, got)
		}
	}
	if _, ok := tidbok.OperationForContract("GetCancelledAndRebooked"); ok {
		t.Error("the 1.0-only contract GetCancelledAndRebooked has an operation")
	}
}

func TestCapabilitiesAreASetOfOperations(t *testing.T) {
	c := tidbok.CapabilitiesOf(tidbok.OpSchedule, tidbok.OpBook, tidbok.OpCancel)
	if !c.Has(tidbok.OpBook) || c.Has(tidbok.OpReschedule) {
		t.Errorf("%v: Has(Book) or !Has(Reschedule) wrong", c)
	}
	if got := c.String(); got != "{Schedule, Book, Cancel}" {
		t.Errorf("String() = %q", got)
	}
	if diff := cmp.Diff([]tidbok.Operation{tidbok.OpTimeTypes, tidbok.OpAvailableDates, tidbok.OpAvailableTimeslots}, c.Missing(tidbok.FlowBook)); diff != "" {
		t.Errorf("Missing(FlowBook) (-want +got):\n%s", diff)
	}
	if !tidbok.AllCapabilities.HasAll(tidbok.FlowBook | tidbok.FlowReschedule | tidbok.FlowCancel) {
		t.Error("AllCapabilities lacks a flow")
	}
	if got := c.With(tidbok.OpReschedule).Without(tidbok.OpBook); got.Has(tidbok.OpBook) || !got.Has(tidbok.OpReschedule) {
		t.Errorf("With/Without gave %v", got)
	}
	if len(tidbok.AllCapabilities.Operations()) != 11 {
		t.Errorf("AllCapabilities has %d operations, want 11", len(tidbok.AllCapabilities.Operations()))
	}
	if tidbok.Operation(200).String() != "Operation(200)" || c.With(tidbok.Operation(200)) != c {
		t.Error("an out-of-range operation is not handled")
	}
}
