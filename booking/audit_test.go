package booking_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Every read and write of a citizen's bookings is one audit event naming
// the caller, the subject, the clinic, the case type, the action, the
// outcome and the booking; refusals too.
func TestAuditEvents(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		c := f.bookAt(anna, wed10)
		sc := scope(anna, ctManage)
		_, _ = f.svc.Details(ctx, booking.DetailsRequest{Scope: sc, BookingID: c.Booking.ID})
		_, _ = f.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(bo, ctManage), Key: "x", BookingID: c.Booking.ID})
		got := f.audit.Events()
		want := []booking.Event{
			{Time: t0, Caller: booking.Caller{Person: anna, Assurance: casetype.AssuranceEID}, Subject: anna, Clinic: clinic, CaseType: ctBook,
				Action: booking.ActionBook, Outcome: booking.OutcomeDone, BookingID: c.Booking.ID},
			{Time: t0, Caller: booking.Caller{Person: anna, Assurance: casetype.AssuranceEID}, Subject: anna, Clinic: clinic, CaseType: ctManage,
				Action: booking.ActionDetails, Outcome: booking.OutcomeDone, BookingID: c.Booking.ID},
			{Time: t0, Caller: booking.Caller{Person: bo, Assurance: casetype.AssuranceEID}, Subject: bo, Clinic: clinic, CaseType: ctManage,
				Action: booking.ActionCancel, Outcome: booking.OutcomeRefused, BookingID: c.Booking.ID},
		}
		// Bo has not accepted the terms: his attempt is refused first.
		if diff := cmp.Diff(want, got, equateIDs, cmpIgnoreDetail); diff != "" {
			t.Errorf("audit events (-want +got):\n%s", diff)
		}
		for _, e := range got {
			for _, p := range []tidbok.PersonalNumber{anna, bo} {
				if strings.Contains(e.Detail, p.Canonical()) {
					t.Errorf("event detail %q holds a personal identity number", e.Detail)
				}
			}
		}
	})
}

var cmpIgnoreDetail = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Detail" }, cmp.Ignore())

// A read whose audit event cannot be recorded shows nothing; a write that
// reached the book stands, and the failure is logged.
func TestAuditFailure(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		var logs bytes.Buffer
		svc, err := booking.New(booking.Config{Book: f.book, CaseTypes: f.cases, Terms: f.terms, Now: f.clock.Now,
			Audit: f.audit, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		must(t, err)
		f.audit.fail = errors.New("audit table unavailable")
		f.accept(anna, ctBook)
		sc := scope(anna, ctBook)
		c, err := svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "k", Slot: f.slotAt(sc, wed10), Contact: contact})
		if err != nil {
			t.Fatalf("Book with a failing audit sink: %v, want the booking to stand", err)
		}
		if !strings.Contains(logs.String(), "audit event not recorded") {
			t.Errorf("the failure was not logged: %s", logs.String())
		}
		mine, err := svc.MyBookings(ctx, scope(anna, ctManage))
		if !errors.Is(err, booking.ErrAudit) || mine != nil {
			t.Errorf("MyBookings with a failing audit sink: %v, %v; want ErrAudit and nothing", mine, err)
		}
		citizenText(t, err)
		if _, err := svc.Details(ctx, booking.DetailsRequest{Scope: scope(anna, ctManage), BookingID: c.Booking.ID}); !errors.Is(err, booking.ErrAudit) {
			t.Errorf("Details with a failing audit sink: %v, want ErrAudit", err)
		}
		for _, p := range []tidbok.PersonalNumber{anna} {
			if strings.Contains(logs.String(), p.Canonical()) {
				t.Errorf("the log holds a personal identity number:\n%s", logs.String())
			}
		}
	})
}

// The default audit sink logs with slog, masking personal identity
// numbers.
func TestLogAuditMasks(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	sink := booking.LogAudit(slog.New(slog.NewJSONHandler(&buf, nil)))
	err := sink.Record(context.Background(), booking.Event{
		Time: t0, Caller: booking.Caller{Person: anna, Assurance: casetype.AssuranceEID}, Subject: child, Clinic: clinic,
		Action: booking.ActionBook, Outcome: booking.OutcomeDone, BookingID: "b1",
	})
	must(t, err)
	out := buf.String()
	for _, p := range []tidbok.PersonalNumber{anna, child} {
		if strings.Contains(out, p.Canonical()) {
			t.Errorf("the audit log holds %s in full: %s", p, out)
		}
		if !strings.Contains(out, p.String()) {
			t.Errorf("the audit log lacks %s masked: %s", p, out)
		}
	}
	for _, s := range []string{`"msg":"booking audit"`, `"action":"book"`, `"outcome":"done"`, `"booking_id":"b1"`, clinic.String()} {
		if !strings.Contains(out, s) {
			t.Errorf("the audit log lacks %s: %s", s, out)
		}
	}
}

// A notifier that fails never undoes a booking; the failure is logged.
func TestNotifierFailureIsLogged(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		var logs bytes.Buffer
		svc, err := booking.New(booking.Config{Book: f.book, CaseTypes: f.cases, Terms: f.terms, Now: f.clock.Now, Audit: f.audit,
			Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			Notifier: booking.NotifyFunc(func(context.Context, booking.Notification) error {
				return errors.New("sms gateway down")
			})})
		must(t, err)
		f.accept(anna, ctBook)
		sc := scope(anna, ctBook)
		if _, err := svc.Book(context.Background(), booking.BookRequest{Scope: sc, Key: "k", Slot: f.slotAt(sc, wed10), Contact: contact}); err != nil {
			t.Fatalf("Book: %v", err)
		}
		if len(f.bookingsOf(anna)) != 1 || !strings.Contains(logs.String(), "sms gateway down") {
			t.Errorf("booking %v, log %q: want the booking and the failure logged", f.bookingsOf(anna), logs.String())
		}
	})
}

func TestNewReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := booking.New(booking.Config{HoldTTL: -time.Second, SearchDays: -1})
	var fields []string
	for _, fe := range tidbok.FieldErrors(err) {
		fields = append(fields, fe.Field)
	}
	want := []string{"Book", "CaseTypes", "Terms", "HoldTTL", "SearchDays"}
	if diff := cmp.Diff(want, fields); diff != "" || !errors.Is(err, tidbok.ErrInvalid) {
		t.Errorf("New(bad config) = %v; fields (-want +got):\n%s", err, diff)
	}
	const wantMsg = "booking: invalid config: Book is required: the appointment book (memtidbok, a client over the wire, a vendor's book); " +
		"CaseTypes is required: the clinics' case types (casetype.New); Terms is required: the terms register (terms.New); " +
		"HoldTTL is negative; use zero for the default; SearchDays is negative; use zero for the default"
	if got := err.Error(); got != wantMsg {
		t.Errorf("New(bad config) says %q, want one prefix: %q", got, wantMsg)
	}
}
