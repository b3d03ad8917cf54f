package texts_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

func TestEveryKindOfEveryWriteHasASentence(t *testing.T) {
	t.Parallel()
	errs := []error{nil, tidbok.ErrSlotTaken, tidbok.ErrNotFound, tidbok.ErrNotAllowed, tidbok.ErrInvalid,
		tidbok.ErrNotSupported, tidbok.ErrNotSent, tidbok.ErrOutcomeUnknown, errors.New("other")}
	for _, op := range []tidbok.Operation{tidbok.OpBook, tidbok.OpReschedule, tidbok.OpCancel, tidbok.OpSchedule} {
		for _, err := range errs {
			text := texts.Default(op, err)
			if text == "" || !strings.HasSuffix(text, ".") {
				t.Errorf("Default(%v, %v) = %q: want a sentence", op, err, text)
			}
		}
	}
}

func TestDefaultWordsEachRefusalByKindAndOperation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		op   tidbok.Operation
		err  error
		want string
	}{
		{tidbok.OpBook, &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken}, texts.SlotTaken},
		{tidbok.OpReschedule, fmt.Errorf("wrapped: %w", tidbok.ErrSlotTaken), texts.SlotTaken},
		{tidbok.OpBook, tidbok.ErrNotFound, texts.TimeChanged},
		{tidbok.OpCancel, tidbok.ErrNotFound, texts.NoBooking},
		{tidbok.OpBook, tidbok.ErrNotAllowed, texts.BookNotAllowed},
		{tidbok.OpReschedule, tidbok.ErrNotAllowed, texts.NoReschedule},
		{tidbok.OpCancel, tidbok.ErrNotAllowed, texts.NoCancel},
		{tidbok.OpCancel, &tidbok.FieldError{Field: "BookingID", Problem: "missing"}, texts.Invalid},
		{tidbok.OpReschedule, tidbok.NotSupported(tidbok.OpReschedule), texts.RescheduleNotSupported},
		{tidbok.OpBook, tidbok.NotSent(errors.New("dial")), texts.NotSent},
		{tidbok.OpBook, errors.Join(tidbok.ErrOutcomeUnknown, tidbok.ErrSlotTaken), texts.BookUnknown},
		{tidbok.OpCancel, tidbok.ErrOutcomeUnknown, texts.CancelUnknown},
		{tidbok.OpBook, errors.New("disk full"), texts.Generic},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v %v", tt.op, tt.err), func(t *testing.T) {
			t.Parallel()
			if got := texts.Default(tt.op, tt.err); got != tt.want {
				t.Errorf("Default(%v, %v) = %q, want %q", tt.op, tt.err, got, tt.want)
			}
		})
	}
}

func TestTheBooksTextWinsThenTheClinicsThenTheCatalogues(t *testing.T) {
	t.Parallel()
	clinic := texts.Func(func(op tidbok.Operation, err error) string {
		if errors.Is(err, tidbok.ErrSlotTaken) {
			return "Någon hann före."
		}
		return ""
	})
	own := &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken, Text: "Bokens egen text."}
	tests := []struct {
		name string
		f    texts.Func
		err  error
		want string
	}{
		{"the book's own text", clinic, own, "Bokens egen text."},
		{"the clinic's wording", clinic, tidbok.ErrSlotTaken, "Någon hann före."},
		{"the catalogue where the clinic words nothing", clinic, tidbok.ErrNotFound, texts.TimeChanged},
		{"the catalogue without a clinic's wording", nil, tidbok.ErrSlotTaken, texts.SlotTaken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.f.Text(tidbok.OpBook, tt.err); got != tt.want {
				t.Errorf("Text = %q, want %q", got, tt.want)
			}
		})
	}
}
