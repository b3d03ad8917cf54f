package e2e

import (
	"context"
	"testing"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// TestConformanceOverTheWire runs the conformance suite against mvkclient
// talking to the producer over mutual TLS, with memtidbok behind it: the
// client must be as good a book as the one it reaches.
func TestConformanceOverTheWire(t *testing.T) {
	for _, tc := range []struct {
		name string
		caps tidbok.Capabilities
	}{
		{"every contract", tidbok.AllCapabilities},
		{"booking and cancelling only", tidbok.FlowBook | tidbok.FlowCancel},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tidboktest.Run(t, tidboktest.Harness{New: func(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
				s := newStack(t, options{book: []memtidbok.Option{memtidbok.WithCapabilities(tc.caps)}})
				if got := s.client.Capabilities(); got != s.book.Capabilities() {
					t.Fatalf("client capabilities %v, book's %v", got, s.book.Capabilities())
				}
				return portal{Tidbok: s.client, staff: s.book}, s.seeder
			}})
		})
	}
}

// portal is the client as a portal uses it: a portal always knows which
// citizen it acts for, and names them in BookingDetails and Cancel. The
// suite (like memtidbok) also calls these with no one named, which the
// wire cannot carry: the Actor header needs someone. For such calls,
// portal names the booking's citizen as the clinic's staff see it, as
// the portal would, or a citizen who has no booking for an unknown ID.
type portal struct {
	tidbok.Tidbok
	staff *memtidbok.Book
}

// nobody is a valid personal number the suite never uses (its citizens
// are born in 1990).
var nobody = tidbok.MustPersonalNumber("191212121212")

func (p portal) subjectOf(id string) tidbok.PersonalNumber {
	for _, b := range p.staff.Bookings(testbook.Facility()) {
		if b.ID == id {
			return b.Subject
		}
	}
	return nobody
}

func (p portal) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	if req.Subject.IsZero() && req.Actor.IsZero() && req.BookingID != "" {
		req.Subject = p.subjectOf(req.BookingID)
	}
	return p.Tidbok.BookingDetails(ctx, req)
}

func (p portal) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	if req.Subject.IsZero() && req.Actor.IsZero() && req.BookingID != "" {
		req.Subject = p.subjectOf(req.BookingID)
	}
	return p.Tidbok.Cancel(ctx, req)
}
