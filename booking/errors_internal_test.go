package booking

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// passThrough wraps an error and says what it says, as a store's own
// wrapper of its answers may.
type passThrough struct{ err error }

func (p *passThrough) Error() string { return p.err.Error() }
func (p *passThrough) Unwrap() error { return p.err }

func TestErrorsSayTheirPrefixOnce(t *testing.T) {
	t.Parallel()
	bookErr := &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrSlotTaken}
	tests := []struct {
		name  string
		err   error
		want  string
		match error
	}{
		{
			name:  "a refusal of the flow",
			err:   &Error{Action: ActionCancel, Err: because(ErrDeadlinePassed, "changes end 24h0m0s before the visit")},
			want:  "booking: cancel: deadline for changes has passed: changes end 24h0m0s before the visit",
			match: tidbok.ErrNotAllowed,
		},
		{
			name:  "a refusal with a sentinel of the contract",
			err:   &Error{Action: ActionReschedule, Err: because(tidbok.ErrNotAllowed, "an open invitation has no time to move")},
			want:  "booking: reschedule: not allowed: an open invitation has no time to move",
			match: tidbok.ErrNotAllowed,
		},
		{
			name:  "a sentinel wrapping another error",
			err:   &Error{Action: ActionBook, Err: wrapping(ErrInProgress, context.Canceled)},
			want:  "booking: book: a call with this request key is in progress: context canceled",
			match: context.Canceled,
		},
		{
			name:  "a store's refusal",
			err:   &Error{Action: ActionReschedule, Err: store.Because(ErrTooManyReschedules, "moved 2 times, at most 2 allowed")},
			want:  "booking: reschedule: booking moved too many times: moved 2 times, at most 2 allowed",
			match: ErrTooManyReschedules,
		},
		{
			name:  "a store's refusal in the store's wrapper",
			err:   &Error{Action: ActionHold, Err: failure("holding the slot", &passThrough{store.Because(ErrHeld, "until noon")})},
			want:  "booking: hold: holding the slot: slot held by another citizen: until noon",
			match: tidbok.ErrSlotTaken,
		},
		{
			name:  "the book's refusal",
			err:   &Error{Action: ActionBook, Err: bookErr},
			want:  "booking: book: Book: slot taken",
			match: tidbok.ErrSlotTaken,
		},
		{
			name:  "a lost answer whose reading failed too",
			err:   &Error{Action: ActionBook, Err: &reason{err: wrapping(tidbok.ErrOutcomeUnknown, errors.New("EOF")), why: "reading the book to find out failed too", cause: tidbok.NotSent(context.DeadlineExceeded)}},
			want:  "booking: book: outcome unknown: EOF: reading the book to find out failed too: not sent: context deadline exceeded",
			match: tidbok.ErrNotSent,
		},
		{
			name:  "a slot taken in the book",
			err:   &SlotTakenError{Action: ActionBook, Err: &tidbok.OpError{Op: tidbok.OpBook, Err: tidbok.ErrNotFound}},
			want:  "booking: book: slot taken: Book: not found",
			match: tidbok.ErrNotFound,
		},
		{
			name:  "a cause on its own",
			err:   because(ErrKeyReused, "it was used for another %s", ActionCancel),
			want:  "booking: request key reused for a different request: it was used for another cancel",
			match: tidbok.ErrInvalid,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.err.Error()
			if got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if n := strings.Count(got, "booking: "); n != 1 || !strings.HasPrefix(got, "booking: ") {
				t.Errorf("Error() = %q: want the prefix \"booking: \" once, at the start", got)
			}
			if strings.Contains(got, "tidbok: ") {
				t.Errorf("Error() = %q: want no \"tidbok: \" after the first word", got)
			}
			if !errors.Is(tt.err, tt.match) {
				t.Errorf("errors.Is(%v, %v) = false", tt.err, tt.match)
			}
		})
	}
	if got := fmt.Sprint(ErrHeld); got != "booking: slot held by another citizen" {
		t.Errorf("ErrHeld = %q", got)
	}
}
