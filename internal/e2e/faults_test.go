package e2e

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

var (
	anna   = tidbok.MustPersonalNumber("191212121212")
	bertil = tidbok.MustPersonalNumber("198507099805")
)

var contact = tidbok.ContactInfo{FirstName: "Anna", LastName: "Andersson"}

// slotAt publishes a free 20-minute slot the given days and hours after
// the book's now and returns it as AvailableTimeslots would.
func (s *stack) slotAt(t *testing.T, days, hour int) tidbok.Timeslot {
	t.Helper()
	d := tidbok.DateOf(testbook.DefaultNow()).AddDays(days)
	start := d.Start().Add(time.Duration(hour) * time.Hour)
	if err := s.book.AddTimeType(t.Context(), testbook.Facility(), tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}); err != nil {
		t.Fatal(err)
	}
	id, err := s.book.Publish(t.Context(), staff.SlotSpec{Facility: testbook.Facility(), Start: start, End: start.Add(20 * time.Minute), TimeTypeID: "LAK"})
	if err != nil {
		t.Fatal(err)
	}
	return tidbok.Timeslot{ID: id, Start: start, End: start.Add(20 * time.Minute), Facility: testbook.Facility(), TimeType: tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}}
}

func bookReq(slot tidbok.Timeslot, who tidbok.PersonalNumber) tidbok.BookRequest {
	slot.Subject = who
	return tidbok.BookRequest{Timeslot: slot, Contact: contact}
}

// book books slot for who through the stack, failing t if it fails.
func (s *stack) bookFor(t *testing.T, slot tidbok.Timeslot, who tidbok.PersonalNumber) string {
	t.Helper()
	res, err := s.client.Book(t.Context(), bookReq(slot, who))
	if err != nil {
		t.Fatalf("booking: %v", err)
	}
	return res.BookingID
}

// wantBookings checks the staff view: exactly the bookings listed, by
// start, for the given citizens.
func (s *stack) wantBookings(t *testing.T, want ...tidbok.Timeslot) {
	t.Helper()
	got := s.bookings(t)
	if len(got) != len(want) {
		t.Fatalf("the book holds %d bookings, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !got[i].Start.Equal(want[i].Start) || !got[i].Subject.Equal(want[i].Subject) {
			t.Errorf("booking %d at %v, want at %v (for the right citizen)", i, got[i].Start, want[i].Start)
		}
	}
}

func TestAProducerThatIsDown(t *testing.T) {
	t.Parallel()
	s := newStack(t, options{})
	slot := s.slotAt(t, 2, 10)
	s.srv.Close()

	start := time.Now()
	_, err := s.client.Schedule(t.Context(), tidbok.ScheduleRequest{Facility: testbook.Facility(), Subject: anna})
	if err == nil {
		t.Fatal("Schedule from a producer that is down succeeded")
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("Schedule took %v to give up on a producer that is down; want it fast", took)
	}

	_, err = s.client.Book(t.Context(), bookReq(slot, anna))
	if !errors.Is(err, tidbok.ErrNotSent) || errors.Is(err, tidbok.ErrOutcomeUnknown) {
		t.Errorf("Book with the producer down: %v, want ErrNotSent", err)
	}
	s.wantBookings(t)
}

func TestASlowProducerCommitsAndTheClientFindsTheBooking(t *testing.T) {
	t.Parallel()
	// The attempt gives up long before the producer answers, and the
	// margins are wide on both sides, so that a loaded machine decides
	// neither: the connection is already open (slotAt asked over it), a
	// request on it takes milliseconds, and reconciliation reads the book
	// for up to ten seconds after the booking commits.
	s := newStack(t, options{detach: true, client: func(c *mvkclient.Config) {
		c.AttemptTimeout = 500 * time.Millisecond
		c.ReconcileDelay = 50 * time.Millisecond
		c.ReconcileTimeout = 12 * time.Second
	}})
	slot := s.slotAt(t, 2, 10)
	s.faults.Set(tidbok.OpBook, faulty.Fault{Delay: 2 * time.Second, Times: 1})

	res, err := s.client.Book(t.Context(), bookReq(slot, anna))
	if err != nil {
		t.Fatalf("Book on a slow producer: %v, want the booking found by reconciliation", err)
	}
	booked := s.bookings(t)
	if len(booked) != 1 || booked[0].ID != res.BookingID || !booked[0].Subject.Equal(anna) {
		t.Fatalf("the book holds %+v; want exactly Anna's booking %q", booked, res.BookingID)
	}
}

func TestServerFaultsAreRetriedOnReadsAndReconciledOnWrites(t *testing.T) {
	t.Parallel()
	s := newStack(t, options{})
	slot := s.slotAt(t, 2, 10)
	id := s.bookFor(t, slot, anna)

	s.faults.Set(tidbok.OpSchedule, faulty.Fault{Err: errors.New("database deadlock"), Times: 2})
	res, err := s.client.Schedule(t.Context(), tidbok.ScheduleRequest{Facility: testbook.Facility(), Subject: anna})
	if err != nil || len(res.Bookings) != 1 || res.Bookings[0].ID != id {
		t.Fatalf("Schedule after two Server faults: %+v, %v; want Anna's booking", res, err)
	}

	// A Server fault on a write that did commit: found.
	other := s.slotAt(t, 3, 10)
	s.faults.Set(tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1})
	got, err := s.client.Book(t.Context(), bookReq(other, anna))
	if err != nil || got.BookingID == "" {
		t.Fatalf("Book whose answer was a Server fault after committing: %+v, %v; want the booking", got, err)
	}
	s.wantBookings(t, tidbok.Timeslot{Start: slot.Start, Subject: anna}, tidbok.Timeslot{Start: other.Start, Subject: anna})
}

func TestACommittedBookingWhoseAnswerIsLostIsFoundOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t, options{})
	slot := s.slotAt(t, 2, 10)
	s.faults.Set(tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1})

	res, err := s.client.Book(t.Context(), bookReq(slot, anna))
	if err != nil {
		t.Fatalf("Book: %v, want the reconciled booking", err)
	}
	booked := s.bookings(t)
	if len(booked) != 1 || booked[0].ID != res.BookingID {
		t.Fatalf("the book holds %+v; want exactly the booking %q the client returned", booked, res.BookingID)
	}
}

func TestACommittedRescheduleWhoseAnswerIsLostIsFound(t *testing.T) {
	t.Parallel()
	s := newStack(t, options{})
	from, to := s.slotAt(t, 2, 10), s.slotAt(t, 3, 11)
	id := s.bookFor(t, from, anna)
	s.faults.Set(tidbok.OpReschedule, faulty.Fault{LoseAnswer: true, Times: 1})

	ts := to
	ts.Subject = anna
	if _, err := s.client.Reschedule(t.Context(), tidbok.RescheduleRequest{BookingID: id, Timeslot: ts}); err != nil {
		t.Fatalf("Reschedule: %v, want the move found by reconciliation", err)
	}
	s.wantBookings(t, tidbok.Timeslot{Start: to.Start, Subject: anna})
	free, err := s.client.AvailableTimeslots(t.Context(), tidbok.AvailabilityRequest{
		Facility: testbook.Facility(), Subject: bertil, From: tidbok.DateOf(from.Start), To: tidbok.DateOf(from.Start)})
	if err != nil || free.Len() != 1 || free.At(0).ID != from.ID {
		t.Errorf("free slots on the old date: %+v, %v; want the old slot free again", free, err)
	}
}

func TestACommittedCancelWhoseAnswerIsLostIsFound(t *testing.T) {
	t.Parallel()
	s := newStack(t, options{})
	slot := s.slotAt(t, 2, 10)
	id := s.bookFor(t, slot, anna)
	s.faults.Set(tidbok.OpCancel, faulty.Fault{LoseAnswer: true, Times: 1})

	if _, err := s.client.Cancel(t.Context(), tidbok.CancelRequest{Facility: testbook.Facility(), BookingID: id, Subject: anna}); err != nil {
		t.Fatalf("Cancel: %v, want the cancellation found by reconciliation", err)
	}
	s.wantBookings(t)
}

func TestALostWriteThatDidNothingIsAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	s := newStack(t, options{client: func(c *mvkclient.Config) { c.ReconcileTimeout = 300 * time.Millisecond }})
	slot := s.slotAt(t, 2, 10)
	kept := s.slotAt(t, 3, 10)
	id := s.bookFor(t, kept, anna)
	// The book fails before committing; the producer answers a Server
	// fault that says nothing about the outcome.
	broken := errors.New("connection to the journal database lost")
	for _, op := range []tidbok.Operation{tidbok.OpBook, tidbok.OpReschedule, tidbok.OpCancel} {
		s.faults.Set(op, faulty.Fault{Err: broken})
	}

	calls := map[tidbok.Operation]func(context.Context) error{
		tidbok.OpBook: func(ctx context.Context) error {
			_, err := s.client.Book(ctx, bookReq(slot, anna))
			return err
		},
		tidbok.OpReschedule: func(ctx context.Context) error {
			ts := slot
			ts.Subject = anna
			_, err := s.client.Reschedule(ctx, tidbok.RescheduleRequest{BookingID: id, Timeslot: ts})
			return err
		},
		tidbok.OpCancel: func(ctx context.Context) error {
			_, err := s.client.Cancel(ctx, tidbok.CancelRequest{Facility: testbook.Facility(), BookingID: id, Subject: anna})
			return err
		},
	}
	for _, op := range []tidbok.Operation{tidbok.OpBook, tidbok.OpReschedule, tidbok.OpCancel} {
		err := calls[op](t.Context())
		ou, ok := errors.AsType[*mvkclient.OutcomeUnknownError](err)
		if !ok || ou.Op != op || !errors.Is(err, tidbok.ErrOutcomeUnknown) {
			t.Errorf("%v failing with a Server fault before committing: %v, want ErrOutcomeUnknown", op, err)
			continue
		}
		if fe, ok := errors.AsType[*mvkclient.FaultError](ou.Cause); !ok || !fe.ServerSide() {
			t.Errorf("%v: cause %v, want the producer's Server fault", op, ou.Cause)
		}
	}
	// Nothing changed: Anna's one booking, still at its time.
	s.wantBookings(t, tidbok.Timeslot{Start: kept.Start, Subject: anna})
}

// A book behind the producer that certainly did nothing (it could not
// reach its database) makes a Server fault that says so: the client
// returns an error matching tidbok.ErrNotSent at once, without reading
// the schedule to reconcile, and nothing changed.
func TestAWriteTheBookNeverCarriedOutIsNotSent(t *testing.T) {
	t.Parallel()
	s := newStack(t, options{})
	slot := s.slotAt(t, 2, 10)
	s.faults.Set(tidbok.OpBook, faulty.Fault{Err: tidbok.NotSent(errors.New("sql: database is closed")), Times: 1})
	s.faults.Set(tidbok.OpSchedule, faulty.Fault{Err: errors.New("a reconciling read was made")})

	_, err := s.client.Book(t.Context(), bookReq(slot, anna))
	if !errors.Is(err, tidbok.ErrNotSent) || errors.Is(err, tidbok.ErrOutcomeUnknown) {
		t.Fatalf("Book: %v, want ErrNotSent and not ErrOutcomeUnknown", err)
	}
	if fe, ok := errors.AsType[*mvkclient.FaultError](err); !ok || !fe.ServerSide() || !strings.Contains(fe.String, "nothing was done") {
		t.Errorf("Book: %v, want the producer's Server fault saying nothing was done", err)
	}
	s.faults.Clear(tidbok.OpSchedule)
	s.wantBookings(t)
}

func TestAClientWithoutACertificateIsRefusedAndNothingHappens(t *testing.T) {
	t.Parallel()
	s := newStack(t, options{})
	slot := s.slotAt(t, 2, 10)
	p := sharedPKI(t)
	for _, tc := range []struct {
		name    string
		version uint16
		// certain: the refusal comes in the handshake, before the request
		// is written (TLS 1.2). With TLS 1.3 the server refuses the
		// certificate after the client has written its request: its alert
		// says so, unless the server's close resets the connection first,
		// which leaves the client unable to tell.
		certain bool
	}{
		{"TLS 1.2", tls.VersionTLS12, true},
		{"TLS 1.3", tls.VersionTLS13, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := mvkclient.New(mvkclient.Config{
				BaseURL:          s.srv.URL + "/vp/crm/scheduling",
				TLSConfig:        &tls.Config{RootCAs: p.Pool(), MinVersion: tc.version, MaxVersion: tc.version},
				ReconcileDelay:   5 * time.Millisecond,
				ReconcileTimeout: 100 * time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Book(t.Context(), bookReq(slot, anna))
			switch {
			case err == nil:
				t.Fatal("Book without a client certificate succeeded")
			case tc.certain && !errors.Is(err, tidbok.ErrNotSent):
				t.Errorf("Book without a client certificate: %v, want ErrNotSent (the handshake failed)", err)
			case !errors.Is(err, tidbok.ErrNotSent) && !errors.Is(err, tidbok.ErrOutcomeUnknown):
				t.Errorf("Book without a client certificate: %v, want ErrNotSent or, at worst, ErrOutcomeUnknown", err)
			}
			s.wantBookings(t)
		})
	}
}
