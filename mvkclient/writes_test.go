package mvkclient_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestWriteResultCodesMapToResultsAndTypedErrors(t *testing.T) {
	t.Parallel()
	slot := freeSlot("S1", at(10, 0))
	t.Run("INFO is success with the text as Notice", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, func(call, int) reply {
			return ok(t, tidbok.OpBook, tidbok.BookResult{BookingID: "B1", Notice: "Kom fastande."})
		})
		got, err := f.client(t, nil).Book(bg(t), bookRequest(slot))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tidbok.BookResult{BookingID: "B1", Notice: "Kom fastande."}, got); diff != "" {
			t.Errorf("BookResult (-want +got):\n%s", diff)
		}
	})
	for _, tt := range []struct {
		op       tidbok.Operation
		sentinel error
		text     string
		call     func(context.Context, *mvkclient.Client) error
	}{
		{tidbok.OpBook, tidbok.ErrSlotTaken, "Tiden har blivit upptagen av en annan patient.", func(ctx context.Context, c *mvkclient.Client) error {
			_, err := c.Book(ctx, bookRequest(slot))
			return err
		}},
		{tidbok.OpReschedule, tidbok.ErrNotAllowed, "Tiden kan inte ombokas.", func(ctx context.Context, c *mvkclient.Client) error {
			ts := slot
			ts.Subject = citizen
			_, err := c.Reschedule(ctx, tidbok.RescheduleRequest{BookingID: "B1", Timeslot: ts})
			return err
		}},
		{tidbok.OpCancel, tidbok.ErrNotFound, "Bokningen finns inte.", func(ctx context.Context, c *mvkclient.Client) error {
			_, err := c.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: "B1", Actor: tidbok.Actor{Person: citizen}})
			return err
		}},
	} {
		t.Run("ERROR on "+tt.op.String()+" is an *OpError with the producer's text", func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(call, int) reply { return refused(t, tt.op, tt.sentinel, tt.text) })
			err := tt.call(bg(t), f.client(t, nil))
			oe, ok := errors.AsType[*tidbok.OpError](err)
			if !ok || !errors.Is(err, tt.sentinel) || oe.Text != tt.text || oe.Op != tt.op {
				t.Errorf("error %#v: want *tidbok.OpError{Op: %v, Text: %q} matching %v", err, tt.op, tt.text, tt.sentinel)
			}
			if errors.Is(err, tidbok.ErrOutcomeUnknown) {
				t.Errorf("error %v matches ErrOutcomeUnknown; a refusal is a known outcome", err)
			}
			if got := f.ops(); len(got) != 1 {
				t.Errorf("calls %v, want the write alone", got)
			}
		})
	}
}

func TestWritesAreSentOnceAndRefusalsAreNotReconciled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		failure func(t testing.TB) reply
		want    func(error) bool
	}{
		{"a Client fault", func(t testing.TB) reply { return faultReply(t, soap.ClientFault("requestedTimeslot: missing")) },
			func(err error) bool {
				fe, ok := errors.AsType[*mvkclient.FaultError](err)
				return ok && fe.ClientSide()
			}},
		{"the platform's VP004", func(t testing.TB) reply { return faultReply(t, soap.ClientFault("VP004 no route")) },
			func(err error) bool { return errors.Is(err, tidbok.ErrNotSupported) }},
		{"the platform's VP007, a Server fault raised before forwarding", func(t testing.TB) reply { return faultReply(t, soap.ServerFault("VP007 not authorised")) },
			func(err error) bool { return errors.Is(err, tidbok.ErrNotSupported) }},
		{"HTTP 404", func(testing.TB) reply { return reply{status: http.StatusNotFound, body: []byte("nope")} },
			func(err error) bool {
				se, ok := errors.AsType[*mvkclient.StatusError](err)
				return ok && se.StatusCode == 404
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(c call, _ int) reply {
				if c.Op == tidbok.OpBook {
					return tt.failure(t)
				}
				return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{})
			})
			_, err := f.client(t, nil).Book(bg(t), bookRequest(freeSlot("S1", at(10, 0))))
			if !tt.want(err) || errors.Is(err, tidbok.ErrOutcomeUnknown) {
				t.Errorf("Book: %v; not the refusal expected", err)
			}
			if diff := cmp.Diff([]tidbok.Operation{tidbok.OpBook}, f.ops()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAWriteThatCannotHaveBeenSentIsAPlainError(t *testing.T) {
	t.Parallel()
	f := newFake(t, nil)
	url := f.srv.URL
	f.srv.Close() // nothing listens there now
	c, err := mvkclient.New(mvkclient.Config{BaseURL: url, ReconcileDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Book(bg(t), bookRequest(freeSlot("S1", at(10, 0))))
	if !errors.Is(err, tidbok.ErrNotSent) || errors.Is(err, tidbok.ErrOutcomeUnknown) {
		t.Errorf("Book to a closed port: %v, want tidbok.ErrNotSent", err)
	}
	_, err = c.Cancel(bg(t), tidbok.CancelRequest{Facility: clinic, BookingID: "B1", Actor: tidbok.Actor{Person: citizen}})
	if !errors.Is(err, tidbok.ErrNotSent) {
		t.Errorf("Cancel to a closed port: %v, want ErrNotSent", err)
	}
}

func TestAWriteWhoseContextHasEndedIsNotSent(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(call, int) reply { return ok(t, tidbok.OpBook, tidbok.BookResult{BookingID: "B1"}) })
	ctx, cancel := context.WithCancel(bg(t))
	cancel()
	_, err := f.client(t, nil).Book(ctx, bookRequest(freeSlot("S1", at(10, 0))))
	if !errors.Is(err, tidbok.ErrNotSent) || !errors.Is(err, context.Canceled) {
		t.Errorf("Book with an ended context: %v, want ErrNotSent and context.Canceled", err)
	}
	if ns, ok := errors.AsType[*mvkclient.NotSentError](err); !ok || ns.Op != tidbok.OpBook {
		t.Errorf("Book with an ended context: %v, want a *NotSentError for Book", err)
	}
	if got, want := err.Error(), "mvkclient: Book: not sent: waiting for the rate limiter: context canceled"; got != want {
		t.Errorf("Error() = %q, want %q: one prefix", got, want)
	}
	if n := len(f.ops()); n != 0 {
		t.Errorf("the producer got %d calls, want none", n)
	}
}

// lostAnswers are the ways a write's answer is lost after sending.
var lostAnswers = []struct {
	name    string
	failure func(t testing.TB) reply
}{
	{"a Server fault", func(t testing.TB) reply {
		return faultReply(t, soap.ServerFault("resultCode: 17 resultText: deadlock"))
	}},
	{"the platform's VP009", func(t testing.TB) reply { return faultReply(t, soap.ServerFault("VP009 timeout from producer")) }},
	{"HTTP 502 from a proxy", func(testing.TB) reply { return reply{status: http.StatusBadGateway, body: []byte("bad gateway")} }},
	{"the connection closing without an answer", func(testing.TB) reply { return reply{hangUp: true} }},
	{"an attempt that times out", func(testing.TB) reply { return reply{delay: time.Second} }},
	{"an unreadable answer", func(testing.TB) reply { return reply{body: []byte("<?xml version=\"1.0\"?><oops/>")} }},
}

func TestABookingWhoseAnswerIsLostIsFoundInTheSchedule(t *testing.T) {
	t.Parallel()
	slot := freeSlot("S1", at(10, 0))
	for _, la := range lostAnswers {
		t.Run(la.name, func(t *testing.T) {
			t.Parallel()
			booked := booking("B7", slot.Start)
			booked.Performer = doctor
			f := newFake(t, func(c call, n int) reply {
				switch c.Op {
				case tidbok.OpBook:
					return la.failure(t)
				case tidbok.OpSchedule:
					if n == 1 {
						// Not committed yet at the first read.
						return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{Bookings: []tidbok.Timeslot{booking("B0", at(8, 0))}})
					}
					return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{Bookings: []tidbok.Timeslot{booking("B0", at(8, 0)), booked}})
				}
				return reply{status: 500}
			})
			c := f.client(t, func(cfg *mvkclient.Config) { cfg.AttemptTimeout = 100 * time.Millisecond })
			got, err := c.Book(bg(t), bookRequest(slot))
			if err != nil {
				t.Fatalf("Book: %v, want the reconciled booking", err)
			}
			if got.BookingID != "B7" {
				t.Errorf("BookingID = %q, want B7, the booking the schedule shows", got.BookingID)
			}
			if n := f.count(tidbok.OpBook); n != 1 {
				t.Errorf("MakeBooking was sent %d times, want once", n)
			}
		})
	}
}

func TestALostBookingNotFoundIsAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	slot := freeSlot("S1", at(10, 0))
	for _, la := range lostAnswers {
		t.Run(la.name, func(t *testing.T) {
			t.Parallel()
			// The schedule has a booking at the same time with another
			// clinician: not the one asked for.
			other := booking("B8", slot.Start)
			other.Performer = tidbok.MustHSAID("SE2321000016-DR99")
			f := newFake(t, func(c call, _ int) reply {
				if c.Op == tidbok.OpBook {
					return la.failure(t)
				}
				return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{Bookings: []tidbok.Timeslot{other}})
			})
			c := f.client(t, func(cfg *mvkclient.Config) {
				cfg.AttemptTimeout = 100 * time.Millisecond
				cfg.ReconcileDelay = 20 * time.Millisecond
				cfg.ReconcileTimeout = 200 * time.Millisecond
			})
			start := time.Now()
			_, err := c.Book(bg(t), bookRequest(slot))
			elapsed := time.Since(start)
			ou, ok := errors.AsType[*mvkclient.OutcomeUnknownError](err)
			if !ok || !errors.Is(err, tidbok.ErrOutcomeUnknown) || ou.Op != tidbok.OpBook || ou.Cause == nil {
				t.Fatalf("Book: %v, want an *OutcomeUnknownError for Book with its cause", err)
			}
			if errors.Is(err, tidbok.ErrNotSent) {
				t.Errorf("Book: %v matches ErrNotSent, but the request was sent", err)
			}
			if n := f.count(tidbok.OpBook); n != 1 {
				t.Errorf("MakeBooking was sent %d times, want once", n)
			}
			if n := f.count(tidbok.OpSchedule); n < 2 {
				t.Errorf("the schedule was read %d times in the 200ms reconciliation, want several", n)
			}
			if elapsed > 100*time.Millisecond+200*time.Millisecond+400*time.Millisecond {
				t.Errorf("Book took %v; the attempt (100ms) and reconciliation (200ms) should bound it", elapsed)
			}
		})
	}
}

func TestReconciliationOutlivesTheCallersExpiredContext(t *testing.T) {
	t.Parallel()
	slot := freeSlot("S1", at(10, 0))
	booked := booking("B7", slot.Start)
	booked.Performer = doctor
	f := newFake(t, func(c call, _ int) reply {
		if c.Op == tidbok.OpBook {
			return reply{delay: time.Second} // the producer commits, the caller gives up
		}
		return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{Bookings: []tidbok.Timeslot{booked}})
	})
	ctx, cancel := context.WithTimeout(bg(t), 100*time.Millisecond)
	defer cancel()
	got, err := f.client(t, nil).Book(ctx, bookRequest(slot))
	if err != nil || got.BookingID != "B7" {
		t.Errorf("Book whose caller's deadline passed: %+v, %v; want B7 found by reconciliation", got, err)
	}
}

func TestALostRescheduleIsSettledByTheBookingsTime(t *testing.T) {
	t.Parallel()
	newSlot := freeSlot("S2", at(14, 0))
	ts := newSlot
	ts.Subject = citizen
	req := tidbok.RescheduleRequest{BookingID: "B1", Timeslot: ts}
	for _, tt := range []struct {
		name    string
		details tidbok.Timeslot
		caps    tidbok.Capabilities
		wantErr error
	}{
		{"moved: success", booking("B1", newSlot.Start), tidbok.AllCapabilities, nil},
		{"still at the old time: unknown", booking("B1", at(9, 0)), tidbok.AllCapabilities, tidbok.ErrOutcomeUnknown},
		{"moved, read from the schedule when GetBookingDetails is missing", booking("B1", newSlot.Start),
			tidbok.AllCapabilities.Without(tidbok.OpBookingDetails), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(c call, _ int) reply {
				switch c.Op {
				case tidbok.OpReschedule:
					return faultReply(t, soap.ServerFault("lost"))
				case tidbok.OpBookingDetails:
					return ok(t, c.Op, tidbok.BookingDetailsResult{Booking: tt.details})
				}
				return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{Bookings: []tidbok.Timeslot{tt.details}})
			})
			c := f.client(t, func(cfg *mvkclient.Config) {
				cfg.Capabilities = tt.caps
				cfg.ReconcileTimeout = 100 * time.Millisecond
			})
			_, err := c.Reschedule(bg(t), req)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("Reschedule: %v, want %v", err, tt.wantErr)
			}
			if n := f.count(tidbok.OpReschedule); n != 1 {
				t.Errorf("UpdateBooking was sent %d times, want once", n)
			}
		})
	}
}

func TestALostCancelIsSettledByTheBookingBeingGone(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		schedule []tidbok.Timeslot
		wantErr  error
	}{
		{"gone: cancelled", []tidbok.Timeslot{booking("B2", at(9, 0))}, nil},
		{"still there: unknown", []tidbok.Timeslot{booking("B1", at(10, 0))}, tidbok.ErrOutcomeUnknown},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(c call, n int) reply {
				switch {
				case c.Op == tidbok.OpCancel:
					return reply{hangUp: true}
				case n == 1:
					// The check before sending: the citizen's booking.
					return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{Bookings: []tidbok.Timeslot{booking("B1", at(10, 0))}})
				}
				return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{Bookings: tt.schedule})
			})
			c := f.client(t, func(cfg *mvkclient.Config) {
				cfg.Capabilities = tidbok.FlowCancel
				cfg.ReconcileTimeout = 100 * time.Millisecond
			})
			_, err := c.Cancel(bg(t), tidbok.CancelRequest{Facility: clinic, BookingID: "B1", Subject: citizen})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("Cancel: %v, want %v", err, tt.wantErr)
			}
			if n := f.count(tidbok.OpCancel); n != 1 {
				t.Errorf("CancelBooking was sent %d times, want once", n)
			}
		})
	}
	t.Run("unknown when the producer lacks GetBookingDetails and no Subject names a schedule", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, func(call, int) reply { return reply{hangUp: true} })
		c := f.client(t, func(cfg *mvkclient.Config) { cfg.Capabilities = tidbok.FlowCancel })
		_, err := c.Cancel(bg(t), tidbok.CancelRequest{Facility: clinic, BookingID: "B1", Actor: tidbok.Actor{Person: citizen}})
		if !errors.Is(err, tidbok.ErrOutcomeUnknown) {
			t.Errorf("Cancel: %v, want ErrOutcomeUnknown", err)
		}
	})
}

func TestAnotherCitizensBookingIsNotFound(t *testing.T) {
	t.Parallel()
	theirs := booking("B1", at(10, 0))
	theirs.Subject = guardian
	f := newFake(t, func(c call, _ int) reply {
		if c.Op == tidbok.OpBookingDetails {
			return ok(t, c.Op, tidbok.BookingDetailsResult{Booking: theirs})
		}
		return ok(t, c.Op, tidbok.CancelResult{})
	})
	c := f.client(t, nil)
	_, err := c.BookingDetails(bg(t), tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "B1", Subject: citizen})
	if !errors.Is(err, tidbok.ErrNotFound) {
		t.Errorf("BookingDetails of another citizen's booking: %v, want ErrNotFound", err)
	}
	_, err = c.Cancel(bg(t), tidbok.CancelRequest{Facility: clinic, BookingID: "B1", Subject: citizen})
	if !errors.Is(err, tidbok.ErrNotFound) || errors.Is(err, tidbok.ErrOutcomeUnknown) {
		t.Errorf("Cancel of another citizen's booking: %v, want ErrNotFound", err)
	}
	if n := f.count(tidbok.OpCancel); n != 0 {
		t.Errorf("CancelBooking was sent %d times for another citizen's booking, want never", n)
	}
	// Without Subject the caller takes responsibility: the answer is as is.
	got, err := c.BookingDetails(bg(t), tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "B1", Actor: tidbok.Actor{Agent: staffAgent}})
	if err != nil || got.Booking.ID != "B1" {
		t.Errorf("BookingDetails by staff without Subject: %+v, %v; want the booking", got, err)
	}
}
