package e2e

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir/fhirclient"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// fhirSlotAt publishes a free 20-minute slot the given days and hours
// after the book's now and returns it as AvailableTimeslots would.
func (s *fhirStack) slotAt(t *testing.T, days, hour int) tidbok.Timeslot {
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

func (s *fhirStack) bookings(t *testing.T) []staff.Booking {
	t.Helper()
	bs, err := s.book.Bookings(context.Background(), testbook.Facility())
	if err != nil {
		t.Fatalf("Bookings: %v", err)
	}
	return bs
}

// counting counts the requests whose method and path match, and lets
// fault answer (true: answered) before the façade sees one.
type counting struct {
	n     atomic.Int32
	match func(*http.Request) bool
	fault func(n int32, w http.ResponseWriter) bool
}

func (c *counting) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.match(r) {
			n := c.n.Add(1)
			if c.fault != nil && c.fault(n, w) {
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

func isPath(method, suffix string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == method && strings.HasSuffix(r.URL.Path, suffix) }
}

// outcome writes an OperationOutcome as the façade would.
func outcome(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", fhir.ContentType)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"`+code+`","details":{"text":"Försök igen."},"diagnostics":"test fault"}]}`)
}

// TestFHIRReadsAreRetriedOn503: $find answered 503 transient twice is
// sent a third time and succeeds.
func TestFHIRReadsAreRetriedOn503(t *testing.T) {
	t.Parallel()
	c := &counting{match: isPath(http.MethodGet, "/Appointment/$find"), fault: func(n int32, w http.ResponseWriter) bool {
		if n <= 2 {
			outcome(w, http.StatusServiceUnavailable, "transient")
			return true
		}
		return false
	}}
	s := newFHIRStack(t, fhirOptions{wrap: c.wrap})
	slot := s.slotAt(t, 2, 10)
	res, err := s.client.AvailableTimeslots(t.Context(), tidbok.AvailabilityRequest{Facility: testbook.Facility(), Subject: anna,
		From: tidbok.DateOf(slot.Start), To: tidbok.DateOf(slot.Start)})
	if err != nil || res.Len() != 1 || res.At(0).ID != slot.ID {
		t.Fatalf("AvailableTimeslots after two 503s: %d slots, %v; want the slot", res.Len(), err)
	}
	if n := c.n.Load(); n != 3 {
		t.Errorf("$find sent %d times, want 3", n)
	}
}

// TestFHIRWritesAreNotResentBlindly: a $book answered 503 transient is
// not sent again and is ErrNotSent; one answered 500 (the outcome
// unknown) is not sent again either, and with no booking to find it is
// ErrOutcomeUnknown.
func TestFHIRWritesAreNotResentBlindly(t *testing.T) {
	t.Parallel()
	var status atomic.Int32
	c := &counting{match: isPath(http.MethodPost, "/Appointment/$book"), fault: func(_ int32, w http.ResponseWriter) bool {
		switch status.Load() {
		case http.StatusServiceUnavailable:
			outcome(w, http.StatusServiceUnavailable, "transient")
		default:
			outcome(w, http.StatusInternalServerError, "exception")
		}
		return true
	}}
	s := newFHIRStack(t, fhirOptions{wrap: c.wrap, client: func(cfg *fhirclient.Config) { cfg.ReconcileTimeout = 200 * time.Millisecond }})
	slot := s.slotAt(t, 2, 10)

	status.Store(http.StatusServiceUnavailable)
	_, err := s.client.Book(t.Context(), bookReq(slot, anna))
	if !errors.Is(err, tidbok.ErrNotSent) || errors.Is(err, tidbok.ErrOutcomeUnknown) {
		t.Errorf("Book answered 503 transient: %v, want ErrNotSent", err)
	}
	if text, _ := tidbok.CitizenText(err); text != "Försök igen." {
		t.Errorf("citizen's text %q, want the server's", text)
	}
	if n := c.n.Load(); n != 1 {
		t.Errorf("$book sent %d times, want once", n)
	}

	status.Store(http.StatusInternalServerError)
	_, err = s.client.Book(t.Context(), bookReq(slot, anna))
	var oe *fhirclient.OutcomeUnknownError
	if !errors.Is(err, tidbok.ErrOutcomeUnknown) || !errors.As(err, &oe) {
		t.Errorf("Book answered 500 with nothing booked: %v, want an *OutcomeUnknownError", err)
	}
	if n := c.n.Load(); n != 2 {
		t.Errorf("$book sent %d times in all, want once per Book", n)
	}
	if bs := s.bookings(t); len(bs) != 0 {
		t.Errorf("the book holds %d bookings, want none", len(bs))
	}
}

// TestFHIRLostBookAnswerIsReconciled: the book commits and the answer is
// lost — in the book (504 timeout from the façade), or on the way back
// (the connection drops after the server answered) — and the client finds
// the booking among the patient's appointments, once.
func TestFHIRLostBookAnswerIsReconciled(t *testing.T) {
	t.Parallel()
	t.Run("504 from the façade", func(t *testing.T) {
		t.Parallel()
		s := newFHIRStack(t, fhirOptions{})
		slot := s.slotAt(t, 2, 10)
		s.faults.Set(tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1})
		res, err := s.client.Book(t.Context(), bookReq(slot, anna))
		if err != nil {
			t.Fatalf("Book: %v, want the reconciled booking", err)
		}
		if bs := s.bookings(t); len(bs) != 1 || bs[0].ID != res.BookingID {
			t.Fatalf("the book holds %+v; want exactly the booking %q the client returned", bs, res.BookingID)
		}
	})
	t.Run("connection dropped after the server committed", func(t *testing.T) {
		t.Parallel()
		var dropped atomic.Int32
		s := newFHIRStack(t, fhirOptions{transport: func(rt http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				resp, err := rt.RoundTrip(r)
				if err == nil && r.Method == http.MethodPost && dropped.Add(1) == 1 {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					return nil, io.ErrUnexpectedEOF
				}
				return resp, err
			})
		}})
		slot := s.slotAt(t, 2, 10)
		res, err := s.client.Book(t.Context(), bookReq(slot, anna))
		if err != nil {
			t.Fatalf("Book: %v, want the reconciled booking", err)
		}
		if bs := s.bookings(t); len(bs) != 1 || bs[0].ID != res.BookingID {
			t.Fatalf("the book holds %+v; want exactly the booking %q the client returned", bs, res.BookingID)
		}
		if n := dropped.Load(); n != 1 {
			t.Errorf("%d POSTs, want the one $book", n)
		}
	})
	t.Run("cancel and move", func(t *testing.T) {
		t.Parallel()
		s := newFHIRStack(t, fhirOptions{})
		from, to := s.slotAt(t, 2, 10), s.slotAt(t, 3, 11)
		res, err := s.client.Book(t.Context(), bookReq(from, anna))
		if err != nil {
			t.Fatal(err)
		}
		s.faults.Set(tidbok.OpReschedule, faulty.Fault{LoseAnswer: true, Times: 1})
		ts := to
		ts.Subject = anna
		if _, err := s.client.Reschedule(t.Context(), tidbok.RescheduleRequest{BookingID: res.BookingID, Timeslot: ts}); err != nil {
			t.Fatalf("Reschedule: %v, want the move found by reconciliation", err)
		}
		s.faults.Set(tidbok.OpCancel, faulty.Fault{LoseAnswer: true, Times: 1})
		if _, err := s.client.Cancel(t.Context(), tidbok.CancelRequest{Facility: testbook.Facility(), BookingID: res.BookingID, Subject: anna}); err != nil {
			t.Fatalf("Cancel: %v, want the cancellation found by reconciliation", err)
		}
		if bs := s.bookings(t); len(bs) != 0 {
			t.Errorf("the book holds %+v, want nothing", bs)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestFHIRBookCarriesEveryField: what a Book names reaches the book
// behind the façade — the contact with its c/o address, the note, the
// unit with medical responsibility, the reason — and a move's note too.
func TestFHIRBookCarriesEveryField(t *testing.T) {
	t.Parallel()
	s := newFHIRStack(t, fhirOptions{})
	slot, later := s.slotAt(t, 2, 10), s.slotAt(t, 3, 10)
	med := tidbok.MustHSAID("SE2321000016-MED1")
	ci := tidbok.ContactInfo{FirstName: "Anna", MiddleName: "Maria Sofia", LastName: "Andersson", Phone: "0701234567",
		Email: "anna@example.se", Address: "Storgatan 1, 111 22 Stockholm", CoAddress: "c/o Berg"}
	req := bookReq(slot, anna)
	req.Contact, req.Notification, req.MedicalFacility = ci, "ring före", med
	req.Timeslot.Reason = "ont i halsen"
	res, err := s.client.Book(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	bs := s.bookings(t)
	if len(bs) != 1 {
		t.Fatalf("%d bookings, want 1", len(bs))
	}
	bk := bs[0]
	if bk.ID != res.BookingID || bk.Contact != ci || bk.Notification != "ring före" || !bk.MedicalFacility.Equal(med) || bk.Reason != "ont i halsen" {
		t.Errorf("the book holds %+v; want the contact %+v, the note, the unit %s and the reason", bk, ci, med)
	}
	mv := later
	mv.Subject = anna
	if _, err := s.client.Reschedule(t.Context(), tidbok.RescheduleRequest{BookingID: res.BookingID, Timeslot: mv, Notification: "flyttad"}); err != nil {
		t.Fatal(err)
	}
	if bs := s.bookings(t); len(bs) != 1 || bs[0].Notification != "flyttad" {
		t.Errorf("after the move the book holds %+v, want the move's note", bs)
	}
}

// TestFHIRStaffLostWriteIsUnknownAtOnce: staff may not read the
// citizen's appointments, so a staff booking whose answer is lost is an
// unknown outcome without a reconciling read.
func TestFHIRStaffLostWriteIsUnknownAtOnce(t *testing.T) {
	t.Parallel()
	reads := &counting{match: isPath(http.MethodGet, "/Appointment")}
	s := newFHIRStack(t, fhirOptions{wrap: reads.wrap})
	slot := s.slotAt(t, 2, 10)
	s.faults.Set(tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1})
	req := bookReq(slot, anna)
	req.Actor = tidbok.Actor{Agent: tidbok.MustHSAID("SE2321000016-ST03")}
	_, err := s.client.Book(t.Context(), req)
	var oe *fhirclient.OutcomeUnknownError
	if !errors.Is(err, tidbok.ErrOutcomeUnknown) || !errors.As(err, &oe) {
		t.Fatalf("staff Book whose answer was lost: %v, want an *OutcomeUnknownError", err)
	}
	if n := reads.n.Load(); n != 0 {
		t.Errorf("%d searches of appointments, want none", n)
	}
	if bs := s.bookings(t); len(bs) != 1 {
		t.Errorf("the book holds %d bookings, want the one staff made", len(bs))
	}
}
