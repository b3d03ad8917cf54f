package mvkclient_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// inResponderNamespace is our producer's answer to op with the core
// elements moved into the responder's namespace, as a node-soap server
// built from the official WSDLs writes them.
func inResponderNamespace(t testing.TB, op tidbok.Operation, result any) reply {
	t.Helper()
	r := ok(t, op, result)
	c, _ := crmwire.ContractFor(op)
	r.body = bytes.ReplaceAll(r.body, []byte(`"`+crmwire.NSCore+`"`), []byte(`"`+c.Namespace+`"`))
	return r
}

// TestAnswersInTheWrongNamespaceAreBadAnswersNotZeroValues: an answer
// whose core elements are in the responder's namespace is an error
// matching ErrBadAnswer that names the elements and the namespace they
// were found in; never empty names, year-1 times or "not found".
func TestAnswersInTheWrongNamespaceAreBadAnswersNotZeroValues(t *testing.T) {
	t.Parallel()
	slot := booking("B1", at(10, 0))
	slot.Subject = citizen
	tests := []struct {
		name   string
		op     tidbok.Operation
		result any
		call   func(c *mvkclient.Client, t *testing.T) (any, error)
	}{
		{"booking details", tidbok.OpBookingDetails, tidbok.BookingDetailsResult{Booking: slot},
			func(c *mvkclient.Client, t *testing.T) (any, error) {
				return c.BookingDetails(bg(t), tidbok.BookingDetailsRequest{Facility: clinic, BookingID: "B1", Subject: citizen})
			}},
		{"time types", tidbok.OpTimeTypes, tidbok.TimeTypesResult{TimeTypes: []tidbok.TimeType{{ID: "LAK", Name: "Läkarbesök"}}},
			func(c *mvkclient.Client, t *testing.T) (any, error) {
				return c.TimeTypes(bg(t), tidbok.TimeTypesRequest{Facility: clinic, Subject: citizen})
			}},
		{"facilities", tidbok.OpFacilities, tidbok.FacilitiesResult{Facilities: []tidbok.Facility{{ID: clinic, Name: "VC"}}},
			func(c *mvkclient.Client, t *testing.T) (any, error) {
				return c.Facilities(bg(t), tidbok.FacilitiesRequest{Facility: clinic, Subject: citizen})
			}},
		{"available timeslots", tidbok.OpAvailableTimeslots, tidbok.NewAvailableTimeslots([]tidbok.Timeslot{booking("S1", at(11, 0))}),
			func(c *mvkclient.Client, t *testing.T) (any, error) {
				return c.AvailableTimeslots(bg(t), tidbok.AvailabilityRequest{Facility: clinic, Subject: citizen,
					From: tidbok.DateOf(at(0, 0)), To: tidbok.DateOf(at(0, 0))})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(c call, _ int) reply { return inResponderNamespace(t, c.Op, tt.result) })
			c := f.client(t, func(cfg *mvkclient.Config) { cfg.MaxRetries = -1 })
			res, err := tt.call(c, t)
			if !errors.Is(err, mvkclient.ErrBadAnswer) {
				t.Fatalf("result %+v, error %v: want an error matching ErrBadAnswer", res, err)
			}
			if errors.Is(err, tidbok.ErrNotFound) {
				t.Errorf("error %v matches ErrNotFound", err)
			}
			ae, ok := errors.AsType[*mvkclient.AnswerError](err)
			if !ok || ae.Op != tt.op || len(ae.Problems) == 0 {
				t.Fatalf("error %v: want an *AnswerError of %v with problems", err, tt.op)
			}
			cn, _ := crmwire.ContractFor(tt.op)
			if want := "found in namespace " + cn.Namespace; !strings.Contains(ae.Problems[0], want) {
				t.Errorf("Problems[0] = %q: want it to say %q", ae.Problems[0], want)
			}
			if strings.Contains(err.Error(), pnCitizen) {
				t.Errorf("error %q shows the personal number", err)
			}
			wantPrefixOnce(t, err)
		})
	}
}

// TestASOAP12FaultInASOAP11EnvelopeKeepsItsReason: a stack that answers
// with SOAP 1.2's Code and Reason inside a SOAP 1.1 envelope gets its
// reason text into the FaultError.
func TestASOAP12FaultInASOAP11EnvelopeKeepsItsReason(t *testing.T) {
	t.Parallel()
	body := []byte(`<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap12="http://www.w3.org/2003/05/soap-envelope">` +
		`<soap:Body><soap:Fault><soap12:Code><soap12:Value>soap12:Receiver</soap12:Value></soap12:Code>` +
		`<soap12:Reason><soap12:Text xml:lang="en">booking store unavailable for 121212-1212</soap12:Text></soap12:Reason></soap:Fault></soap:Body></soap:Envelope>`)
	f := newFake(t, func(call, int) reply { return reply{status: http.StatusInternalServerError, body: body} })
	_, err := f.client(t, func(cfg *mvkclient.Config) { cfg.MaxRetries = -1 }).
		Schedule(bg(t), tidbok.ScheduleRequest{Facility: clinic, Subject: citizen})
	fe, ok := errors.AsType[*mvkclient.FaultError](err)
	if !ok || !fe.ServerSide() || fe.String != "booking store unavailable for 121212-1212" {
		t.Fatalf("error %v: want a server-side *FaultError with the reason text", err)
	}
	if want := "booking store unavailable for 121212-****"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q: want %q", err, want)
	}
}

// TestAnUnreadableAnswerSaysWhy: an answer that is not even XML is a bad
// answer whose one problem says why.
func TestAnUnreadableAnswerSaysWhy(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(call, int) reply { return reply{body: []byte("<html>hello</html>")} })
	_, err := f.client(t, func(cfg *mvkclient.Config) { cfg.MaxRetries = -1 }).
		Schedule(bg(t), tidbok.ScheduleRequest{Facility: clinic, Subject: citizen})
	ae, ok := errors.AsType[*mvkclient.AnswerError](err)
	if !ok || len(ae.Problems) != 1 || !strings.Contains(ae.Problems[0], "Envelope") {
		t.Fatalf("error %v: want an *AnswerError with one problem about the envelope", err)
	}
	wantPrefixOnce(t, err)
}

// wantPrefixOnce reports an error whose message does not start with
// "mvkclient: " or names a package of the module after it.
func wantPrefixOnce(t *testing.T, err error) {
	t.Helper()
	rest, ok := strings.CutPrefix(err.Error(), "mvkclient: ")
	if !ok {
		t.Errorf("error %q does not start with \"mvkclient: \"", err)
	}
	for _, p := range []string{"mvkclient: ", "crmwire: ", "soap: ", "tidbok: "} {
		if strings.Contains(rest, p) {
			t.Errorf("error %q repeats the prefix %q", err, p)
		}
	}
}

// TestAnAnswerErrorMadeByHandWorks: the zero AnswerError and one made by
// hand (in a caller's test, say) print and match without the decoder's
// error behind them.
func TestAnAnswerErrorMadeByHandWorks(t *testing.T) {
	t.Parallel()
	for _, e := range []*mvkclient.AnswerError{
		{},
		{Op: tidbok.OpSchedule, Problems: []string{"timeslotDetail[1]/startTimeInclusive: missing or empty (required)"}},
	} {
		if e.Error() == "" || !errors.Is(e, mvkclient.ErrBadAnswer) {
			t.Errorf("%#v: Error() %q, matches ErrBadAnswer %v", e, e.Error(), errors.Is(e, mvkclient.ErrBadAnswer))
		}
	}
}
