package tidbok_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestKindOfClassifiesEverySentinelHoweverWrapped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want tidbok.Kind
	}{
		{"nil", nil, tidbok.KindNone},
		{"a taken slot in an OpError", &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken, Text: "Tiden är tagen."}, tidbok.KindSlotTaken},
		{"not found, wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", tidbok.ErrNotFound)), tidbok.KindNotFound},
		{"not allowed", tidbok.ErrNotAllowed, tidbok.KindNotAllowed},
		{"a field error", &tidbok.FieldError{Field: "Subject", Problem: "missing"}, tidbok.KindInvalid},
		{"not supported", tidbok.NotSupported(tidbok.OpReschedule), tidbok.KindNotSupported},
		{"errors.ErrUnsupported is not the book's", errors.ErrUnsupported, tidbok.KindOther},
		{"not sent", tidbok.NotSent(context.Canceled), tidbok.KindNotSent},
		{"outcome unknown", fmt.Errorf("lost: %w", tidbok.ErrOutcomeUnknown), tidbok.KindOutcomeUnknown},
		{"outcome unknown wins over what else it says", errors.Join(tidbok.ErrOutcomeUnknown, tidbok.ErrSlotTaken, tidbok.ErrNotSent), tidbok.KindOutcomeUnknown},
		{"an ended context", context.DeadlineExceeded, tidbok.KindOther},
		{"anything else", errors.New("disk full"), tidbok.KindOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tidbok.KindOf(tt.err); got != tt.want {
				t.Errorf("KindOf(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestEveryKindRoundTripsByNameAndMatchesItsSentinel(t *testing.T) {
	t.Parallel()
	for k := tidbok.KindNone; k <= tidbok.KindOther; k++ {
		text, err := k.MarshalText()
		if err != nil {
			t.Fatalf("%v.MarshalText: %v", k, err)
		}
		var back tidbok.Kind
		if err := back.UnmarshalText(text); err != nil || back != k {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", text, back, err, k)
		}
		if string(text) != k.String() {
			t.Errorf("%v: text %q differs from String", k, text)
		}
		switch sentinel := k.Err(); {
		case k == tidbok.KindNone || k == tidbok.KindOther:
			if sentinel != nil {
				t.Errorf("%v.Err() = %v, want nil", k, sentinel)
			}
		case tidbok.KindOf(sentinel) != k:
			t.Errorf("KindOf(%v.Err()) = %v", k, tidbok.KindOf(sentinel))
		}
	}
	var k tidbok.Kind
	if err := k.UnmarshalText([]byte("taken")); err == nil {
		t.Error(`UnmarshalText("taken") succeeded: want an error naming the kinds`)
	}
	if _, err := tidbok.Kind(200).MarshalText(); err == nil {
		t.Error("MarshalText of an unknown kind succeeded")
	}
}

func ExampleKindOf() {
	err := fmt.Errorf("booking 4711: %w", tidbok.ErrSlotTaken)
	switch tidbok.KindOf(err) {
	case tidbok.KindSlotTaken:
		fmt.Println("show the nearest free times")
	case tidbok.KindOutcomeUnknown:
		fmt.Println("read the citizen's bookings before anything else")
	}
	// Output: show the nearest free times
}

func TestOnlyTheBooksAnswersThatChangedNothingAreRefusals(t *testing.T) {
	t.Parallel()
	refusals := map[tidbok.Kind]bool{
		tidbok.KindSlotTaken: true, tidbok.KindNotFound: true, tidbok.KindNotAllowed: true,
		tidbok.KindInvalid: true, tidbok.KindNotSupported: true,
	}
	for k := tidbok.KindNone; k <= tidbok.KindOther; k++ {
		if got := k.IsRefusal(); got != refusals[k] {
			t.Errorf("%v.IsRefusal() = %v, want %v", k, got, refusals[k])
		}
	}
}
