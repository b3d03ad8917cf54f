package producer_test

// This file validates what the producer writes against the official
// crm:scheduling 1.1 schemas with xmllint, through internal/xsdtest: the
// schemas in ../shared/rivta are copied into a temporary directory and the
// anchors of the SubjectOfCareIdType pattern stripped there
// (crm-scheduling.md §3.3). Without xmllint or the schemas the test skips,
// unless CI is set, when it fails.

import (
	"bytes"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/xsdtest"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// schemas validates the producer's answers against the official 1.1
// schemas (see internal/xsdtest).
type schemas struct{ *xsdtest.Schemas }

func loadSchemas(t testing.TB) schemas { return schemas{xsdtest.Load(t, xsdtest.V11)} }

// validate checks the Body element of env against contract's responder
// schema.
func (s schemas) validate(t testing.TB, contract, name string, env []byte) {
	t.Helper()
	if err := s.CheckBody(t, contract, name, env); err != nil {
		t.Errorf("%s does not validate: %v\n--- envelope:\n%s", name, err, env)
	}
}

// TestResponsesValidate: every answer the producer writes — each
// contract's response, INFO and ERROR with our errorKind extension —
// validates against the official schemas.
func TestResponsesValidate(t *testing.T) {
	t.Parallel()
	s := loadSchemas(t)
	for _, op := range tidbok.Operations() {
		f := setup(t, producer.Config{})
		resp := f.do(t, op, f.requests(t)[op])
		if _, err := resp.decode(t, op); err != nil {
			t.Fatalf("%s: %v", op.Contract(), err)
		}
		s.validate(t, op.Contract(), op.Contract()+" OK", resp.body)
	}

	f := setup(t, producer.Config{})
	must(t, f.book.SetNotice(t.Context(), hsaA, "LAK", "Kom fastande & ta med legitimation."))
	resp := f.do(t, tidbok.OpBook, f.requests(t)[tidbok.OpBook])
	if _, err := resp.decode(t, tidbok.OpBook); err != nil {
		t.Fatal(err)
	}
	s.validate(t, "MakeBooking", "MakeBooking INFO", resp.body)

	for _, op := range []tidbok.Operation{tidbok.OpBook, tidbok.OpReschedule, tidbok.OpCancel} {
		f := setup(t, producer.Config{})
		f.faults.Set(op, faulty.Fault{Err: tidbok.ErrSlotTaken})
		resp := f.do(t, op, f.requests(t)[op])
		if _, err := resp.decode(t, op); err == nil {
			t.Fatalf("%s: not an ERROR", op.Contract())
		}
		s.validate(t, op.Contract(), op.Contract()+" ERROR", resp.body)
		broken := bytes.ReplaceAll(resp.body, []byte("resultCode"), []byte("resultcode"))
		if s.CheckBody(t, op.Contract(), "broken", broken) == nil {
			t.Errorf("%s: a misspelt resultCode validates; the validator checks nothing", op.Contract())
		}
	}

	// A timed invitation's details carry isInvitation and the purpose.
	f = setup(t, producer.Config{})
	start := tomorrow.Start().Add(14 * time.Hour)
	inv, err := f.book.Invite(t.Context(), staff.InvitationSpec{Facility: hsaA, Subject: citizen, Start: start, End: start.Add(20 * time.Minute),
		TimeTypeID: "LAK", Purpose: "<article><para>Välkommen</para></article>"})
	must(t, err)
	resp = f.do(t, tidbok.OpBookingDetails, tidbok.BookingDetailsRequest{Facility: hsaA, BookingID: inv, Subject: citizen})
	res, err := resp.decode(t, tidbok.OpBookingDetails)
	if err != nil || !res.(tidbok.BookingDetailsResult).Booking.Invitation {
		t.Fatalf("invitation details: %v, %v", res, err)
	}
	s.validate(t, "GetBookingDetails", "GetBookingDetails invitation", resp.body)
}
