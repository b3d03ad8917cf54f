package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/pnleak"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
)

// logs gathers what one stack's client and producer log, at every level,
// and the errors its client returns. When the test ends it fails for any
// personal identity number in them in clear (pnleak): logs and errors
// fall under patient-data law.
type logs struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	errors []string
}

func newLogs(t testing.TB) *logs {
	l := &logs{}
	t.Cleanup(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		pnleak.Check(t, "the client's or the producer's log", l.buf.String())
		for _, e := range l.errors {
			pnleak.Check(t, "an error the client returned", e)
		}
	})
	return l
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// logger returns a logger of everything, into l.
func (l *logs) logger(who string) *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug})).With("who", who)
}

func (l *logs) record(err error) {
	if err == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// Both the message and the values a careless caller would print.
	l.errors = append(l.errors, err.Error(), fmt.Sprintf("%+v", err))
}

// recordingClient is the stack's client with every error it returns
// recorded for the check.
type recordingClient struct {
	*mvkclient.Client
	logs *logs
}

var _ tidbok.Tidbok = (*recordingClient)(nil)

func (c *recordingClient) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	res, err := c.Client.Schedule(ctx, req)
	c.logs.record(err)
	return res, err
}

func (c *recordingClient) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	res, err := c.Client.BookingDetails(ctx, req)
	c.logs.record(err)
	return res, err
}

func (c *recordingClient) TimeTypes(ctx context.Context, req tidbok.TimeTypesRequest) (tidbok.TimeTypesResult, error) {
	res, err := c.Client.TimeTypes(ctx, req)
	c.logs.record(err)
	return res, err
}

func (c *recordingClient) CareTypes(ctx context.Context, req tidbok.CareTypesRequest) (tidbok.CareTypesResult, error) {
	res, err := c.Client.CareTypes(ctx, req)
	c.logs.record(err)
	return res, err
}

func (c *recordingClient) Performers(ctx context.Context, req tidbok.PerformersRequest) (tidbok.PerformersResult, error) {
	res, err := c.Client.Performers(ctx, req)
	c.logs.record(err)
	return res, err
}

func (c *recordingClient) Facilities(ctx context.Context, req tidbok.FacilitiesRequest) (tidbok.FacilitiesResult, error) {
	res, err := c.Client.Facilities(ctx, req)
	c.logs.record(err)
	return res, err
}

func (c *recordingClient) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	res, err := c.Client.AvailableDates(ctx, req)
	c.logs.record(err)
	return res, err
}

func (c *recordingClient) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	res, err := c.Client.AvailableTimeslots(ctx, req)
	c.logs.record(err)
	return res, err
}

func (c *recordingClient) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	res, err := c.Client.Book(ctx, req)
	c.logs.record(err)
	return res, err
}

func (c *recordingClient) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	res, err := c.Client.Reschedule(ctx, req)
	c.logs.record(err)
	return res, err
}

func (c *recordingClient) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	res, err := c.Client.Cancel(ctx, req)
	c.logs.record(err)
	return res, err
}

// TestBookErrorsNamingACitizenStayMaskedOverTheWire: a book whose errors
// name the citizen, in every form, refusing or failing every contract,
// puts no personal identity number in clear in the producer's log, the
// client's log or the client's errors (the stack's check, when the test
// ends).
func TestBookErrorsNamingACitizenStayMaskedOverTheWire(t *testing.T) {
	t.Parallel()
	texts := "191212121212, 19121212-1212, 1212121212, 121212-1212, 121212+1212, 197010632391"
	for name, err := range map[string]error{
		"a refusal":         fmt.Errorf("no booking of %s: %w", texts, tidbok.ErrNotFound),
		"a refusal by text": &tidbok.OpError{Err: tidbok.ErrNotAllowed, Text: "Bokningen för " + texts + " får inte ändras."},
		"a failure":         errors.New("deadlock on the row of " + texts),
		"an invalid call":   fmt.Errorf("subject %s: %w", texts, tidbok.ErrInvalid),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStack(t, options{client: func(c *mvkclient.Config) { c.MaxRetries = -1 }})
			slot := s.slotAt(t, 2, 10)
			id := s.bookFor(t, slot, anna)
			for _, op := range tidbok.Operations() {
				s.faults.Set(op, faulty.Fault{Err: err})
			}
			f, ctx := testbook.Facility(), t.Context()
			day := tidbok.DateOf(slot.Start)
			calls := []error{
				second(s.client.Schedule(ctx, tidbok.ScheduleRequest{Facility: f, Subject: anna})),
				second(s.client.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: f, BookingID: id, Subject: anna})),
				second(s.client.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: f, Subject: anna})),
				second(s.client.CareTypes(ctx, tidbok.CareTypesRequest{Facility: f, Subject: anna})),
				second(s.client.Performers(ctx, tidbok.PerformersRequest{Facility: f, Subject: anna})),
				second(s.client.Facilities(ctx, tidbok.FacilitiesRequest{Facility: f, Subject: anna})),
				second(s.client.AvailableDates(ctx, tidbok.AvailabilityRequest{Facility: f, Subject: anna, From: day, To: day})),
				second(s.client.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: f, Subject: anna, From: day, To: day})),
				second(s.client.Book(ctx, bookReq(s.slotAt(t, 3, 10), anna))),
				second(s.client.Reschedule(ctx, tidbok.RescheduleRequest{BookingID: id, Timeslot: withSubject(s.slotAt(t, 4, 10), anna)})),
				second(s.client.Cancel(ctx, tidbok.CancelRequest{Facility: f, BookingID: id, Subject: anna})),
			}
			for i, err := range calls {
				if err == nil {
					t.Errorf("call %d succeeded, want the book's error", i)
				}
			}
		})
	}
}

func second[R any](_ R, err error) error { return err }

func withSubject(ts tidbok.Timeslot, who tidbok.PersonalNumber) tidbok.Timeslot {
	ts.Subject = who
	return ts
}
