package e2e

import (
	"errors"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir/fhirclient"
)

// TestFHIRClientOverMutualTLS: with Config.TLSConfig the client makes its
// own transport and the façade knows the consumer by its certificate's
// HSA-id; a consumer the façade does not list is refused, as not
// allowed, from the CapabilityStatement on.
func TestFHIRClientOverMutualTLS(t *testing.T) {
	t.Parallel()
	s := newFHIRStack(t, fhirOptions{})
	p := sharedPKI(t)
	c, err := fhirclient.New(t.Context(), fhirclient.Config{BaseURL: s.srv.URL, TLSConfig: p.ClientTLS(portalHSAID)})
	if err != nil {
		t.Fatalf("New with the portal's certificate: %v", err)
	}
	slot := s.slotAt(t, 2, 10)
	if _, err := c.Book(t.Context(), bookReq(slot, anna)); err != nil {
		t.Fatalf("Book over mutual TLS: %v", err)
	}
	_, err = fhirclient.New(t.Context(), fhirclient.Config{BaseURL: s.srv.URL, TLSConfig: p.ClientTLS("SE2321000016-OTHER")})
	var oe *fhirclient.OutcomeError
	if !errors.Is(err, tidbok.ErrNotAllowed) || !errors.As(err, &oe) || oe.Status != 403 {
		t.Errorf("New by a consumer the façade does not list: %v, want 403 matching ErrNotAllowed", err)
	}
}
