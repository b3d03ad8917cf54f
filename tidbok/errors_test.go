package tidbok_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestNotSupportedMatchesTheStandardLibrarysSentinel(t *testing.T) {
	err := tidbok.NotSupported(tidbok.OpReschedule)
	if !errors.Is(err, tidbok.ErrNotSupported) {
		t.Errorf("errors.Is(%v, ErrNotSupported) = false", err)
	}
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("errors.Is(%v, errors.ErrUnsupported) = false", err)
	}
	if errors.Is(err, tidbok.ErrNotAllowed) {
		t.Errorf("errors.Is(%v, ErrNotAllowed) = true, want false", err)
	}
	var oe *tidbok.OpError
	if !errors.As(err, &oe) || oe.Op != tidbok.OpReschedule {
		t.Errorf("errors.As(%v, *OpError) gave %+v, want Op Reschedule", err, oe)
	}
}

func TestOpErrorKeepsTheCitizenTextOutOfTheMessage(t *testing.T) {
	const text = "Tiden är upptagen av Anna Andersson"
	err := fmt.Errorf("booking: %w", &tidbok.OpError{Op: tidbok.OpBook, Text: text, Err: tidbok.ErrSlotTaken})
	if !errors.Is(err, tidbok.ErrSlotTaken) {
		t.Fatalf("errors.Is(err, ErrSlotTaken) = false for %v", err)
	}
	got, ok := tidbok.CitizenText(err)
	if !ok || got != text {
		t.Errorf("CitizenText = %q, %v; want %q, true", got, ok, text)
	}
	if msg := err.Error(); msg != "booking: tidbok: Book: slot taken" {
		t.Errorf("Error() = %q; want the operation and cause without the citizen text", msg)
	}
	if _, ok := tidbok.CitizenText(tidbok.ErrNotFound); ok {
		t.Error("CitizenText(ErrNotFound) reported a text")
	}
}

func TestProblemsReportEveryProblemAtOnce(t *testing.T) {
	var p tidbok.Problems
	if err := p.Err(); err != nil {
		t.Fatalf("empty Problems.Err() = %v, want nil", err)
	}
	p.Add("Facility", "is required")
	p.Add("To", "%s is before From", "2026-01-01")
	p.AddError(nil)
	err := p.Err()
	if !errors.Is(err, tidbok.ErrInvalid) {
		t.Fatalf("errors.Is(%v, ErrInvalid) = false", err)
	}
	if p.Len() != 2 {
		t.Errorf("Len() = %d, want 2", p.Len())
	}
	var got []string
	for _, fe := range tidbok.FieldErrors(err) {
		got = append(got, fe.Field+": "+fe.Problem)
	}
	want := []string{"Facility: is required", "To: 2026-01-01 is before From"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FieldErrors mismatch (-want +got):\n%s", diff)
	}
	if msg := err.Error(); msg != "tidbok: 2 problems: invalid Facility: is required; invalid To: 2026-01-01 is before From" {
		t.Errorf("Error() = %q", msg)
	}
}

func TestFieldErrorsLooksInsideJoinedAndWrappedErrors(t *testing.T) {
	a := &tidbok.FieldError{Field: "A", Problem: "bad"}
	b := &tidbok.FieldError{Field: "B", Problem: "worse"}
	err := fmt.Errorf("wrapped: %w", errors.Join(a, fmt.Errorf("inner: %w", b)))
	got := tidbok.FieldErrors(err)
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("FieldErrors = %v, want [A B]", got)
	}
	if got := tidbok.FieldErrors(nil); got != nil {
		t.Errorf("FieldErrors(nil) = %v, want nil", got)
	}
}

func TestAnErrorOfTheContractSaysItsPrefixOnce(t *testing.T) {
	t.Parallel()
	var p tidbok.Problems
	p.Add("Subject", "is required")
	_, perr := tidbok.ParsePersonalNumber("12")
	p.AddError(perr)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"an OpError of a sentinel", &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken}, "tidbok: Book: slot taken"},
		{"an OpError of a field error", &tidbok.OpError{Op: tidbok.OpCancel, Err: &tidbok.FieldError{Field: "BookingID", Problem: "is required"}},
			"tidbok: Cancel: invalid BookingID: is required"},
		{"an OpError of problems", &tidbok.OpError{Op: tidbok.OpBook, Err: p.Err()},
			`tidbok: Book: 2 problems: invalid Subject: is required; invalid personal number "nn": wrong length: want 12 digits, optionally with '-' before the last four`},
		{"not supported", tidbok.NotSupported(tidbok.OpReschedule), "tidbok: Reschedule: operation not supported by this book"},
		{"not sent, of an OpError", tidbok.NotSent(&tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrNotFound}), "tidbok: not sent: Book: not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if strings.Count(tt.err.Error(), "tidbok: ") != 1 {
				t.Errorf("Error() = %q: want the prefix once", tt.err.Error())
			}
			if got, want := tidbok.Detail(tt.err), strings.TrimPrefix(tt.want, "tidbok: "); got != want {
				t.Errorf("Detail = %q, want %q", got, want)
			}
		})
	}
	other := errors.New("tidbok: made elsewhere")
	if got := tidbok.Detail(other); got != other.Error() {
		t.Errorf("Detail of another package's error = %q, want its message", got)
	}
	if got := tidbok.Detail(nil); got != "" {
		t.Errorf("Detail(nil) = %q, want \"\"", got)
	}
}
