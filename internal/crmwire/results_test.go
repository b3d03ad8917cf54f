package crmwire

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

var writes = []tidbok.Operation{tidbok.OpBook, tidbok.OpReschedule, tidbok.OpCancel}

// TestWriteErrorKeepsTheSentinel: our producer's ERROR answers carry the
// sentinel through the errorKind extension, which validates against the
// official schemas.
func TestWriteErrorKeepsTheSentinel(t *testing.T) {
	x := xsdFor(t, V11)
	sentinels := []error{tidbok.ErrSlotTaken, tidbok.ErrNotFound, tidbok.ErrNotAllowed, tidbok.ErrInvalid, tidbok.ErrNotSupported}
	for _, op := range writes {
		for _, sentinel := range sentinels {
			c, _ := ContractFor(op)
			t.Run(fmt.Sprintf("%s/%v", c.Name, sentinel), func(t *testing.T) {
				t.Parallel()
				cause := &tidbok.OpError{Op: op, Text: "Tiden är tyvärr upptagen.", Err: sentinel}
				env, err := EncodeWriteError(op, fmt.Errorf("book: %w", cause), "")
				if err != nil {
					t.Fatal(err)
				}
				x.ValidateEnvelope(t, c.Name, c.Name+"Response ERROR", env)
				if !bytes.Contains(env, []byte(`<errorKind xmlns="urn:webbtidbok:crm:scheduling:ext:1">`)) {
					t.Errorf("no errorKind extension:\n%s", env)
				}
				res, err := DecodeResponse(op, bytes.NewReader(env), soap.Limits{})
				if res != nil {
					t.Errorf("result %v with an ERROR", res)
				}
				var oe *tidbok.OpError
				if !errors.As(err, &oe) {
					t.Fatalf("error %v is not a *tidbok.OpError", err)
				}
				if oe.Op != op || oe.Text != "Tiden är tyvärr upptagen." || oe.Err != sentinel {
					t.Errorf("OpError = %#v, want Op %v, the text and Err %v", oe, op, sentinel)
				}
				if !errors.Is(err, sentinel) {
					t.Errorf("%v does not match %v", err, sentinel)
				}
			})
		}
	}
}

func TestWriteErrorText(t *testing.T) {
	t.Parallel()
	env, err := EncodeWriteError(tidbok.OpCancel, &tidbok.OpError{Op: tidbok.OpCancel, Text: "from error", Err: tidbok.ErrNotAllowed}, "explicit")
	if err != nil {
		t.Fatal(err)
	}
	_, err = DecodeResponse(tidbok.OpCancel, bytes.NewReader(env), soap.Limits{})
	if text, _ := tidbok.CitizenText(err); text != "explicit" {
		t.Errorf("text = %q, want the explicit one", text)
	}
	// A bare sentinel and no text: resultText is left out.
	env, err = EncodeWriteError(tidbok.OpBook, tidbok.ErrSlotTaken, "")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(env, []byte("resultText")) {
		t.Errorf("empty resultText written:\n%s", env)
	}
}

func TestEncodeWriteErrorRefuses(t *testing.T) {
	t.Parallel()
	if _, err := EncodeWriteError(tidbok.OpSchedule, tidbok.ErrNotFound, ""); err == nil {
		t.Error("a read answered with ERROR")
	}
	if _, err := EncodeWriteError(tidbok.OpBook, errors.New("database down"), ""); err == nil {
		t.Error("a technical error answered with ERROR instead of a fault")
	}
	if _, err := EncodeWriteError(tidbok.OpBook, tidbok.ErrOutcomeUnknown, ""); err == nil {
		t.Error("ErrOutcomeUnknown answered with ERROR")
	}
}

func writeResponse(contract, children string) []byte {
	return envelope("", fmt.Sprintf(`<r:%[1]sResponse xmlns:r="urn:riv:crm:scheduling:%[1]sResponder:1">%[2]s</r:%[1]sResponse>`, contract, children))
}

func TestWriteOutcomesFromOtherProducers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		op       tidbok.Operation
		children string
		want     any
		wantErr  error
		text     string
	}{
		{"MakeBooking OK", tidbok.OpBook, `<r:bookingId>B9</r:bookingId><r:resultCode>OK</r:resultCode>`,
			tidbok.BookResult{BookingID: "B9"}, nil, ""},
		{"MakeBooking OK with a text that is not for the citizen", tidbok.OpBook, `<r:bookingId>B9</r:bookingId><r:resultCode> OK </r:resultCode><r:resultText>done</r:resultText>`,
			tidbok.BookResult{BookingID: "B9"}, nil, ""},
		{"MakeBooking INFO", tidbok.OpBook, `<r:bookingId>B9</r:bookingId><r:resultCode>INFO</r:resultCode><r:resultText>Kom fastande.</r:resultText>`,
			tidbok.BookResult{BookingID: "B9", Notice: "Kom fastande."}, nil, ""},
		{"MakeBooking ERROR without errorKind", tidbok.OpBook, `<r:resultCode>ERROR</r:resultCode><r:resultText>Tiden har blivit upptagen av annan patient.</r:resultText>`,
			nil, tidbok.ErrNotAllowed, "Tiden har blivit upptagen av annan patient."},
		{"MakeBooking ERROR with an unknown errorKind", tidbok.OpBook, `<r:resultCode>ERROR</r:resultCode><e:errorKind xmlns:e="urn:webbtidbok:crm:scheduling:ext:1">gone</e:errorKind>`,
			nil, tidbok.ErrNotAllowed, ""},
		{"MakeBooking ERROR ignores a bookingId", tidbok.OpBook, `<r:bookingId>B9</r:bookingId><r:resultCode>ERROR</r:resultCode>`,
			nil, tidbok.ErrNotAllowed, ""},
		{"UpdateBooking ERROR without errorKind", tidbok.OpReschedule, `<r:resultCode>ERROR</r:resultCode><r:resultText>Nej.</r:resultText>`,
			nil, tidbok.ErrNotAllowed, "Nej."},
		{"UpdateBooking INFO", tidbok.OpReschedule, `<r:resultCode>INFO</r:resultCode><r:resultText>Ombokad.</r:resultText>`,
			tidbok.RescheduleResult{Notice: "Ombokad."}, nil, ""},
		{"CancelBooking ERROR without errorKind", tidbok.OpCancel, `<r:resultCode>ERROR</r:resultCode><r:resultText>Denna typ av besök kan inte avbokas.</r:resultText>`,
			nil, tidbok.ErrNotAllowed, "Denna typ av besök kan inte avbokas."},
		{"CancelBooking OK", tidbok.OpCancel, `<r:resultCode>OK</r:resultCode>`,
			tidbok.CancelResult{}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := DecodeResponse(tt.op, bytes.NewReader(writeResponse(tt.op.Contract(), tt.children)), soap.Limits{})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				if text, _ := tidbok.CitizenText(err); text != tt.text {
					t.Errorf("citizen text %q, want %q", text, tt.text)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, res, cmpOpts); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMalformedWriteResponses(t *testing.T) {
	t.Parallel()
	for name, in := range map[string][]byte{
		"OK without bookingId":   writeResponse("MakeBooking", `<r:resultCode>OK</r:resultCode>`),
		"INFO without bookingId": writeResponse("MakeBooking", `<r:resultCode>INFO</r:resultCode>`),
		"unknown resultCode":     writeResponse("MakeBooking", `<r:bookingId>1</r:bookingId><r:resultCode>MAYBE</r:resultCode>`),
		"no resultCode":          writeResponse("MakeBooking", `<r:bookingId>1</r:bookingId>`),
		"wrong response":         writeResponse("CancelBooking", `<r:resultCode>OK</r:resultCode>`),
	} {
		_, err := DecodeResponse(tidbok.OpBook, bytes.NewReader(in), soap.Limits{})
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: error %v, want ErrMalformed", name, err)
		}
		if errors.Is(err, tidbok.ErrInvalid) {
			t.Errorf("%s: a bad response matches ErrInvalid", name)
		}
	}
	if _, err := EncodeResponse(tidbok.OpBook, tidbok.BookResult{Notice: "x"}); err == nil {
		t.Error("EncodeResponse wrote MakeBookingResponse OK without a bookingId")
	}
}

func TestFaultResponses(t *testing.T) {
	t.Parallel()
	for _, op := range tidbok.Operations() {
		f := &soap.Fault{Code: soap.CodeServer, String: "VP009 Error connecting to service producer", Detail: "timeout"}
		env, err := EncodeFault(f)
		if err != nil {
			t.Fatal(err)
		}
		_, err = DecodeResponse(op, bytes.NewReader(env), soap.Limits{})
		var got *soap.Fault
		if !errors.As(err, &got) {
			t.Fatalf("%v: error %v is not a *soap.Fault", op, err)
		}
		if got.VPCode() != "VP009" || !got.Retryable() || got.Detail != "timeout" {
			t.Errorf("%v: fault %+v", op, got)
		}
	}
	// A TakeCare-style fault on a write stays a fault: the outcome is
	// unknown, which the client decides.
	in := envelope("", `<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>resultCode: 17 resultText: Tiden är upptagen</faultstring></soapenv:Fault>`)
	_, err := DecodeResponse(tidbok.OpBook, bytes.NewReader(in), soap.Limits{})
	var f *soap.Fault
	if !errors.As(err, &f) || !strings.Contains(f.String, "resultText") {
		t.Errorf("error %v", err)
	}
}
