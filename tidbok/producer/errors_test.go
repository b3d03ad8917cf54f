package producer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// TestWriteRefusals: a write the book refuses with a sentinel is answered
// with resultCode ERROR, a Swedish text for the citizen and our errorKind,
// which the consumer reads back as an *tidbok.OpError with the sentinel.
func TestWriteRefusals(t *testing.T) {
	t.Parallel()
	custom := func(op tidbok.Operation, err error) string {
		if errors.Is(err, tidbok.ErrSlotTaken) {
			return "Någon hann före. Välj en annan tid."
		}
		return ""
	}
	tests := []struct {
		name  string
		op    tidbok.Operation
		texts func(tidbok.Operation, error) string
		// arrange prepares the book (f's requests are then sent).
		arrange func(t *testing.T, f *fixture)
		want    *tidbok.OpError
	}{
		{
			name: "slot taken: the book's own text wins",
			op:   tidbok.OpBook,
			arrange: func(t *testing.T, f *fixture) {
				_, err := f.book.Book(context.Background(), f.requests(t)[tidbok.OpBook].(tidbok.BookRequest))
				must(t, err)
			},
			want: &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken, Text: "Tiden har just blivit bokad av någon annan. Välj en annan tid."},
		},
		{
			name: "not allowed: the book's own text wins",
			op:   tidbok.OpCancel,
			arrange: func(t *testing.T, f *fixture) {
				must(t, f.book.SetFlags(t.Context(), hsaA, f.booking, tidbok.Flags{}))
			},
			want: &tidbok.OpError{Op: tidbok.OpCancel, Err: tidbok.ErrNotAllowed, Text: "Bokningen kan inte avbokas via webben. Kontakta mottagningen."},
		},
		{
			name:    "slot taken: default text",
			op:      tidbok.OpBook,
			arrange: failWith(tidbok.OpBook, tidbok.ErrSlotTaken),
			want:    &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken, Text: texts.SlotTaken},
		},
		{
			name:    "not allowed on a cancellation: default text",
			op:      tidbok.OpCancel,
			arrange: failWith(tidbok.OpCancel, fmt.Errorf("flag off: %w", tidbok.ErrNotAllowed)),
			want:    &tidbok.OpError{Op: tidbok.OpCancel, Err: tidbok.ErrNotAllowed, Text: texts.NoCancel},
		},
		{
			name:    "not found on a rebooking: default text",
			op:      tidbok.OpReschedule,
			arrange: failWith(tidbok.OpReschedule, tidbok.ErrNotFound),
			want:    &tidbok.OpError{Op: tidbok.OpReschedule, Err: tidbok.ErrNotFound, Text: texts.NoBooking},
		},
		{
			name:    "invalid: default text",
			op:      tidbok.OpBook,
			arrange: failWith(tidbok.OpBook, &tidbok.FieldError{Field: "Timeslot.Reason", Problem: "too long"}),
			want:    &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrInvalid, Text: texts.Default(tidbok.OpBook, tidbok.ErrInvalid)},
		},
		{
			name:    "not supported although declared: default text",
			op:      tidbok.OpCancel,
			arrange: failWith(tidbok.OpCancel, tidbok.NotSupported(tidbok.OpCancel)),
			want:    &tidbok.OpError{Op: tidbok.OpCancel, Err: tidbok.ErrNotSupported, Text: "Mottagningen tar inte emot avbokningar via webben. Kontakta mottagningen."},
		},
		{
			name:    "Config.Texts overrides the default",
			op:      tidbok.OpBook,
			texts:   custom,
			arrange: failWith(tidbok.OpBook, tidbok.ErrSlotTaken),
			want:    &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken, Text: "Någon hann före. Välj en annan tid."},
		},
		{
			name:    "Config.Texts returning nothing keeps the default",
			op:      tidbok.OpCancel,
			texts:   custom,
			arrange: failWith(tidbok.OpCancel, tidbok.ErrNotFound),
			want:    &tidbok.OpError{Op: tidbok.OpCancel, Err: tidbok.ErrNotFound, Text: texts.NoBooking},
		},
		{
			name:  "the book's text beats Config.Texts",
			op:    tidbok.OpBook,
			texts: custom,
			arrange: failWith(tidbok.OpBook, &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken,
				Text: "Tiden är tyvärr bokad."}),
			want: &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken, Text: "Tiden är tyvärr bokad."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, producer.Config{Texts: tt.texts})
			tt.arrange(t, f)
			resp := f.do(t, tt.op, f.requests(t)[tt.op])
			if !strings.Contains(string(resp.body), ">ERROR<") || !strings.Contains(string(resp.body), "errorKind") {
				t.Errorf("no resultCode ERROR with errorKind in\n%s", resp.body)
			}
			_, err := resp.decode(t, tt.op)
			got, ok := errors.AsType[*tidbok.OpError](err)
			if !ok {
				t.Fatalf("error %v is not an *OpError", err)
			}
			if diff := cmp.Diff(*tt.want, *got, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("OpError (-want +got):\n%s", diff)
			}
		})
	}
}

// failWith makes the fixture's book fail op with err, without calling it.
func failWith(op tidbok.Operation, err error) func(*testing.T, *fixture) {
	return func(_ *testing.T, f *fixture) {
		f.faults.Set(op, faulty.Fault{Err: err})
	}
}

// TestReadRefusals: a read the book refuses for a logical reason is a
// Client fault carrying the kind and the book's citizen text; any other
// error is a Server fault.
func TestReadRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		op      tidbok.Operation
		arrange func(*testing.T, *fixture)
		req     func(*fixture) any
		kind    error  // nil: a Server fault
		detail  string // the fault's detail text
	}{
		{
			name: "unknown booking", op: tidbok.OpBookingDetails,
			req: func(f *fixture) any {
				return tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: "b-nope", Subject: citizen}
			},
			kind: tidbok.ErrNotFound, detail: "Bokningen finns inte.",
		},
		{name: "invalid", op: tidbok.OpTimeTypes, arrange: failWith(tidbok.OpTimeTypes, &tidbok.FieldError{Field: "CareTypeIDs", Problem: "unknown"}), kind: tidbok.ErrInvalid},
		{name: "not allowed", op: tidbok.OpSchedule, arrange: failWith(tidbok.OpSchedule, tidbok.ErrNotAllowed), kind: tidbok.ErrNotAllowed},
		{name: "not supported although declared", op: tidbok.OpPerformers, arrange: failWith(tidbok.OpPerformers, tidbok.NotSupported(tidbok.OpPerformers)), kind: tidbok.ErrNotSupported},
		{name: "slot taken makes no sense on a read", op: tidbok.OpAvailableDates, arrange: failWith(tidbok.OpAvailableDates, tidbok.ErrSlotTaken)},
		{name: "technical", op: tidbok.OpAvailableTimeslots, arrange: failWith(tidbok.OpAvailableTimeslots, errors.New("index corrupt"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, producer.Config{})
			if tt.arrange != nil {
				tt.arrange(t, f)
			}
			req := f.requests(t)[tt.op]
			if tt.req != nil {
				req = tt.req(f)
			}
			fault := f.do(t, tt.op, req).fault(t, tt.op)
			if tt.kind == nil {
				if !fault.IsServer() {
					t.Errorf("fault %v is not a Server fault", fault)
				}
				return
			}
			wantClientFault(t, fault, tt.kind, tt.op.Contract())
			if strings.Contains(fault.String, "tidbok: ") {
				t.Errorf("faultstring %q names a Go package", fault.String)
			}
			if fault.Detail != tt.detail {
				t.Errorf("Detail = %q, want %q", fault.Detail, tt.detail)
			}
		})
	}
}

// TestTechnicalErrors: any error of the book that is not a logical
// refusal becomes a Server fault with HTTP 500 and a generic text; the
// detail goes to the log only, without personal identity numbers.
func TestTechnicalErrors(t *testing.T) {
	t.Parallel()
	for _, err := range []error{
		errors.New("deadlock for patient " + subject),
		context.DeadlineExceeded,
		&tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrOutcomeUnknown},
		// A lost answer beats a sentinel it may also wrap.
		fmt.Errorf("%w after %w", tidbok.ErrOutcomeUnknown, tidbok.ErrSlotTaken),
	} {
		for _, op := range tidbok.Operations() {
			t.Run(op.Contract()+"/"+err.Error(), func(t *testing.T) {
				t.Parallel()
				f := setup(t, producer.Config{})
				f.faults.Set(op, faulty.Fault{Err: err})
				fault := f.do(t, op, f.requests(t)[op]).fault(t, op)
				if !fault.IsServer() {
					t.Errorf("fault %v is not a Server fault", fault)
				}
				if k, ok := crmwire.FaultKind(fault); ok {
					t.Errorf("a technical fault carries errorKind %v", k)
				}
				if strings.Contains(fault.String, "deadlock") || strings.Contains(fault.String, "outcome unknown") {
					t.Errorf("the faultstring leaks the book's error: %q", fault.String)
				}
				if !strings.Contains(fault.String, "internal error") || !strings.Contains(fault.String, "reference") {
					t.Errorf("faultstring %q is not the generic one", fault.String)
				}
				if op.IsWrite() != strings.Contains(fault.String, "outcome is unknown") {
					t.Errorf("faultstring %q: a write's, and only a write's, says the outcome is unknown", fault.String)
				}
				logs := f.logs.String()
				if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "server fault") {
					t.Errorf("no error logged:\n%s", logs)
				}
				if strings.Contains(err.Error(), "deadlock") && !strings.Contains(logs, "deadlock for patient 19121212-****") {
					t.Errorf("the log lacks the masked detail:\n%s", logs)
				}
			})
		}
	}
}

// TestLostAnswer: a book that commits a booking and then loses its answer
// gives a Server fault although the booking exists; the consumer must
// read the schedule to find out.
func TestLostAnswer(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	f.faults.Set(tidbok.OpBook, faulty.Fault{LoseAnswer: true})
	fault := f.do(t, tidbok.OpBook, f.requests(t)[tidbok.OpBook]).fault(t, tidbok.OpBook)
	if !fault.IsServer() || !strings.Contains(fault.String, "outcome is unknown") {
		t.Errorf("fault %v is not a Server fault with an unknown outcome", fault)
	}
	got := bookings(t, f.book, hsaA)
	if len(got) != 2 || got[0].Start != "10:00" || got[0].Subject != citizen {
		t.Errorf("the booking was not committed: %v", got)
	}
	// What the consumer does next: read the schedule and find the booking.
	sched, err := f.do(t, tidbok.OpSchedule, f.requests(t)[tidbok.OpSchedule]).decode(t, tidbok.OpSchedule)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sched.(tidbok.ScheduleResult).Bookings); n != 2 {
		t.Errorf("the schedule shows %d bookings, want 2", n)
	}
}

// TestConcurrentBookings: of many consumers booking one slot at once,
// exactly one gets OK; the others get ERROR with kind slot-taken. Run it
// with -race.
func TestConcurrentBookings(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	req := f.requests(t)[tidbok.OpBook]
	env := encode(t, tidbok.OpBook, clinicA, req)
	readEnv := encode(t, tidbok.OpAvailableTimeslots, clinicA, f.requests(t)[tidbok.OpAvailableTimeslots])
	const n = 24
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = post(t, f.url(tidbok.OpBook), action(tidbok.OpBook), env).decode(t, tidbok.OpBook)
		})
		wg.Go(func() {
			resp := post(t, f.url(tidbok.OpAvailableTimeslots), action(tidbok.OpAvailableTimeslots), readEnv)
			if _, err := resp.decode(t, tidbok.OpAvailableTimeslots); err != nil {
				t.Errorf("concurrent read: %v", err)
			}
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, tidbok.ErrSlotTaken):
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d bookings succeeded, want exactly 1", ok)
	}
}
