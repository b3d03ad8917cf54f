package mvkclient_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestFaultsKeepTheirFactsInFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault *soap.Fault
		want  mvkclient.FaultError
		// server, retryable are the methods' answers.
		server, retryable bool
		// is is the sentinel the error must match, or nil for none.
		is error
	}{
		{"a producer's transient Server fault", soap.ServerFault("deadlock detected"),
			mvkclient.FaultError{Code: "Server", String: "deadlock detected"}, true, true, nil},
		{"VP009, producer unreachable", soap.ServerFault("VP009 Error connecting to service producer"),
			mvkclient.FaultError{Code: "Server", VPCode: "VP009"}, true, true, nil},
		{"VP002, no client certificate", soap.ClientFault("VP002 No certificate found in request"),
			mvkclient.FaultError{Code: "Client", VPCode: "VP002"}, false, false, nil},
		{"VP004, no route: the clinic does not offer the contract", soap.ClientFault("VP004 No Logical Adress found"),
			mvkclient.FaultError{Code: "Client", VPCode: "VP004"}, false, false, tidbok.ErrNotSupported},
		{"VP007, not authorised: treated as not offered", soap.ServerFault("VP007 Authorization missing"),
			mvkclient.FaultError{Code: "Server", VPCode: "VP007"}, true, false, tidbok.ErrNotSupported},
		{"our producer's not-found kind", crmwire.WithErrorKind(soap.ClientFault("GetBookingDetails: not found"), tidbok.ErrNotFound),
			mvkclient.FaultError{Code: "Client"}, false, false, tidbok.ErrNotFound},
		{"our producer's not-allowed kind", crmwire.WithErrorKind(soap.ClientFault("not allowed for an agent"), tidbok.ErrNotAllowed),
			mvkclient.FaultError{Code: "Client"}, false, false, tidbok.ErrNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(call, int) reply { return faultReply(t, tt.fault) })
			_, err := f.client(t, func(cfg *mvkclient.Config) { cfg.MaxRetries = -1 }).
				Schedule(bg(t), tidbok.ScheduleRequest{Facility: clinic, Subject: citizen})
			fe, ok := errors.AsType[*mvkclient.FaultError](err)
			if !ok {
				t.Fatalf("error %v: want a *FaultError", err)
			}
			if fe.Op != tidbok.OpSchedule || fe.Code != tt.want.Code || fe.VPCode != tt.want.VPCode {
				t.Errorf("FaultError{Op: %v, Code: %q, VPCode: %q}, want {Schedule, %q, %q}", fe.Op, fe.Code, fe.VPCode, tt.want.Code, tt.want.VPCode)
			}
			if tt.want.String != "" && fe.String != tt.want.String {
				t.Errorf("String = %q, want %q", fe.String, tt.want.String)
			}
			if fe.ServerSide() != tt.server || fe.ClientSide() == tt.server {
				t.Errorf("ServerSide() = %v, ClientSide() = %v; want server side %v", fe.ServerSide(), fe.ClientSide(), tt.server)
			}
			if fe.Retryable() != tt.retryable {
				t.Errorf("Retryable() = %v, want %v", fe.Retryable(), tt.retryable)
			}
			for _, s := range []error{tidbok.ErrNotFound, tidbok.ErrNotAllowed, tidbok.ErrNotSupported, tidbok.ErrInvalid, tidbok.ErrSlotTaken} {
				if got, want := errors.Is(err, s), s == tt.is; got != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v", s, got, want)
				}
			}
		})
	}
}

func TestFaultErrorsMaskPersonalNumbers(t *testing.T) {
	t.Parallel()
	short := pnCitizen[2:8] + "-" + pnCitizen[8:]
	for _, tt := range []struct{ form, masked string }{
		{pnCitizen, "19121212-****"},
		{pnCitizen[:8] + "-" + pnCitizen[8:], "19121212-****"},
		{pnCitizen[2:], "121212-****"},
		{short, "121212-****"},
	} {
		form := tt.form
		t.Run(tt.masked+" from "+strconv.Itoa(len(form))+" characters", func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(call, int) reply {
				return faultReply(t, soap.ServerFault("no patient %s in the book", form))
			})
			_, err := f.client(t, func(cfg *mvkclient.Config) { cfg.MaxRetries = -1 }).
				Schedule(bg(t), tidbok.ScheduleRequest{Facility: clinic, Subject: citizen})
			if err == nil || strings.Contains(err.Error(), form) || !strings.Contains(err.Error(), "no patient "+tt.masked+" in the book") {
				t.Errorf("error %q: want the fault's text with the personal number masked as %s", err, tt.masked)
			}
		})
	}
}

func TestALostCancelIsSettledByGetBookingDetailsNotFinding(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		after   func(t testing.TB) reply
		wantErr error
	}{
		{"not found: cancelled", func(t testing.TB) reply {
			return faultReply(t, crmwire.WithErrorKind(soap.ClientFault("GetBookingDetails: not found"), tidbok.ErrNotFound))
		}, nil},
		{"a fault saying nothing more: unknown", func(t testing.TB) reply {
			return faultReply(t, soap.ClientFault("GetBookingDetails: no such booking"))
		}, tidbok.ErrOutcomeUnknown},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(c call, n int) reply {
				switch {
				case c.Op == tidbok.OpCancel:
					return faultReply(t, soap.ServerFault("internal error: the outcome is unknown"))
				case n == 1:
					return ok(t, c.Op, tidbok.BookingDetailsResult{Booking: booking("B1", at(10, 0))})
				}
				return tt.after(t)
			})
			c := f.client(t, func(cfg *mvkclient.Config) { cfg.ReconcileTimeout = 50 * time.Millisecond })
			_, err := c.Cancel(bg(t), tidbok.CancelRequest{Facility: clinic, BookingID: "B1", Subject: citizen})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("Cancel: %v, want %v", err, tt.wantErr)
			}
			if n := f.count(tidbok.OpCancel); n != 1 {
				t.Errorf("CancelBooking was sent %d times, want once", n)
			}
		})
	}
}

func TestALostWriteByAnAgentIsUnknownWithoutReading(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(call, int) reply { return faultReply(t, soap.ServerFault("lost")) })
	req := bookRequest(freeSlot("S1", at(10, 0)))
	req.Actor = tidbok.Actor{Agent: staffAgent}
	_, err := f.client(t, nil).Book(bg(t), req)
	if !errors.Is(err, tidbok.ErrOutcomeUnknown) {
		t.Errorf("Book by an agent, answer lost: %v, want ErrOutcomeUnknown", err)
	}
	if n := f.count(tidbok.OpSchedule); n != 0 {
		t.Errorf("the schedule was read %d times by an agent, want never", n)
	}
}
