package producer_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

// TestAnElementInTheWrongNamespaceIsNamedWithIt: a request whose
// subject_of_care is in the responder's namespace instead of the 1.1
// extension namespace gets a Client fault saying where it was found, not
// that it is missing; the book is not called.
func TestAnElementInTheWrongNamespaceIsNamedWithIt(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	op := tidbok.OpAvailableTimeslots
	env := encode(t, op, clinicA, f.requests(t)[op])
	const responder = "urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1"
	bad := bytes.ReplaceAll(env, []byte(responder+".1"), []byte(responder))
	if bytes.Equal(bad, env) {
		t.Fatalf("the request has no element in the extension namespace:\n%s", env)
	}
	fault := post(t, f.url(op), action(op), bad).fault(t, op)
	wantClientFault(t, fault, tidbok.ErrInvalid, "subject_of_care: found in namespace "+responder+";", responder+".1")
	if strings.Contains(fault.String, "subject_of_care: missing") {
		t.Errorf("faultstring %q calls the misplaced element missing", fault.String)
	}
}
