package e2e

import (
	"testing"

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
				return s.client, s.seeder
			}})
		})
	}
}
