package crmwire

import (
	"encoding/xml"
	"strings"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Namespaces shared by all contracts.
const (
	// NSCore holds the shared types' child elements (TimeslotType …).
	NSCore = "urn:riv:crm:scheduling:1"
	// NSCore11 holds firstName, middleName, lastName of SubjectOfCareType
	// and isInvitation of TimeslotType.
	NSCore11 = "urn:riv:crm:scheduling:1.1"
	// NSExt is this project's extension namespace (errorKind,
	// timeslotId), used only in the contracts' trailing xs:any slots.
	NSExt = "urn:webbtidbok:crm:scheduling:ext:1"
)

// Version is a generation of the crm:scheduling contracts.
type Version uint8

const (
	// V11 is crm:scheduling 1.1 over RIV-TA BP 2.1 (rivtabp21): the
	// default.
	V11 Version = iota
	// V10 is crm:scheduling 1.0 over RIV-TA BP 2.0 (rivtabp20).
	V10
)

// String returns "1.1" or "1.0".
func (v Version) String() string {
	if v == V10 {
		return "1.0"
	}
	return "1.1"
}

// Profile returns the RIV-TA profile name used in service paths.
func (v Version) Profile() string {
	if v == V10 {
		return "rivtabp20"
	}
	return "rivtabp21"
}

// Contract describes one service contract on the wire.
type Contract struct {
	// Op is the tidbok operation.
	Op tidbok.Operation
	// Name is the contract name, e.g. "MakeBooking".
	Name string
	// Namespace is the responder namespace of the request and response,
	// e.g. "urn:riv:crm:scheduling:MakeBookingResponder:1".
	Namespace string
	// ExtNamespace is the 1.1 extension namespace of the request
	// (GetAllTimeTypes, GetAvailableDates, GetAvailableTimeslots), or "".
	ExtNamespace string
	// InV10 reports whether version 1.0 has the contract.
	InV10 bool
}

// SOAPAction returns the contract's SOAPAction (unquoted), the same in 1.0
// and 1.1, e.g. "urn:riv:crm:scheduling:MakeBookingResponder:1:MakeBooking".
func (c Contract) SOAPAction() string { return c.Namespace + ":" + c.Name }

// Path returns the service path under the platform's base URL, e.g.
// "MakeBooking/1/rivtabp21".
func (c Contract) Path(v Version) string { return c.Name + "/1/" + v.Profile() }

// Request returns the request root element's name.
func (c Contract) Request() xml.Name { return xml.Name{Space: c.Namespace, Local: c.Name} }

// Response returns the response root element's name.
func (c Contract) Response() xml.Name {
	return xml.Name{Space: c.Namespace, Local: c.Name + "Response"}
}

func responderNS(name string) string { return "urn:riv:crm:scheduling:" + name + "Responder:1" }

var contracts = func() []Contract {
	ext := map[string]bool{"GetAllTimeTypes": true, "GetAvailableDates": true, "GetAvailableTimeslots": true}
	notIn10 := map[string]bool{"GetAllCareTypes": true, "GetAllPerformers": true, "GetAllHealthcareFacilities": true}
	ops := tidbok.Operations()
	cs := make([]Contract, len(ops))
	for i, op := range ops {
		name := op.Contract()
		c := Contract{Op: op, Name: name, Namespace: responderNS(name), InV10: !notIn10[name]}
		if ext[name] {
			c.ExtNamespace = "urn:riv:crm:scheduling:" + name + "Responder:1.1"
		}
		cs[i] = c
	}
	return cs
}()

// Contracts returns the eleven contracts of 1.1, in tidbok.Operation
// order.
func Contracts() []Contract { return append([]Contract(nil), contracts...) }

// ContractFor returns op's contract; ok is false for an unknown op.
func ContractFor(op tidbok.Operation) (c Contract, ok bool) {
	if int(op) >= len(contracts) {
		return Contract{}, false
	}
	return contracts[op], true
}

// OperationForPayload returns the operation whose request root element is
// name (namespace and local name), for dispatching an incoming request.
func OperationForPayload(name xml.Name) (tidbok.Operation, bool) {
	if !strings.HasPrefix(name.Space, "urn:riv:crm:scheduling:") {
		return 0, false
	}
	op, ok := tidbok.OperationForContract(name.Local)
	if !ok || contracts[op].Namespace != name.Space {
		return 0, false
	}
	return op, true
}

// OperationForAction returns the operation of a SOAPAction (quoted or
// not).
func OperationForAction(action string) (tidbok.Operation, bool) {
	action = strings.Trim(strings.TrimSpace(action), `"`)
	for _, c := range contracts {
		// c.SOAPAction() == action, without building it.
		if len(action) == len(c.Namespace)+1+len(c.Name) && strings.HasPrefix(action, c.Namespace) &&
			action[len(c.Namespace)] == ':' && strings.HasSuffix(action, c.Name) {
			return c.Op, true
		}
	}
	return 0, false
}
