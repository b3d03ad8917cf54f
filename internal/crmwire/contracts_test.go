package crmwire

import (
	"encoding/xml"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestContractTable(t *testing.T) {
	t.Parallel()
	cs := Contracts()
	if len(cs) != 11 {
		t.Fatalf("%d contracts, want 11", len(cs))
	}
	c, ok := ContractFor(tidbok.OpBook)
	if !ok {
		t.Fatal("no contract for OpBook")
	}
	if got, want := c.SOAPAction(), "urn:riv:crm:scheduling:MakeBookingResponder:1:MakeBooking"; got != want {
		t.Errorf("SOAPAction = %q, want %q", got, want)
	}
	if got, want := c.Path(V11), "MakeBooking/1/rivtabp21"; got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	if got, want := c.Path(V10), "MakeBooking/1/rivtabp20"; got != want {
		t.Errorf("Path(V10) = %q, want %q", got, want)
	}
	if got, want := c.Response(), (xml.Name{Space: "urn:riv:crm:scheduling:MakeBookingResponder:1", Local: "MakeBookingResponse"}); got != want {
		t.Errorf("Response = %v", got)
	}
	inV10 := 0
	for i, c := range cs {
		if c.Op != tidbok.Operation(i) || c.Name != c.Op.Contract() {
			t.Errorf("contract %d = %+v", i, c)
		}
		if op, ok := OperationForPayload(c.Request()); !ok || op != c.Op {
			t.Errorf("OperationForPayload(%v) = %v, %v", c.Request(), op, ok)
		}
		if _, ok := OperationForPayload(c.Response()); ok {
			t.Errorf("OperationForPayload accepts the response %v", c.Response())
		}
		if op, ok := OperationForAction(`"` + c.SOAPAction() + `"`); !ok || op != c.Op {
			t.Errorf("OperationForAction(%q) = %v, %v", c.SOAPAction(), op, ok)
		}
		if c.InV10 {
			inV10++
		}
	}
	if inV10 != 8 {
		t.Errorf("%d contracts in 1.0, want 8", inV10)
	}
	for _, name := range []xml.Name{
		{Space: "urn:riv:crm:scheduling:MakeBookingResponder:2", Local: "MakeBooking"},
		{Space: "urn:riv:crm:scheduling:CancelBookingResponder:1", Local: "MakeBooking"},
		{Space: "", Local: "MakeBooking"},
	} {
		if _, ok := OperationForPayload(name); ok {
			t.Errorf("OperationForPayload(%v) matched", name)
		}
	}
	if _, ok := ContractFor(tidbok.Operation(200)); ok {
		t.Error("ContractFor(200) succeeded")
	}
}

func TestOperationForActionRejectsNearMisses(t *testing.T) {
	c := contracts[tidbok.OpBook]
	for _, action := range []string{
		"", c.Namespace, c.Namespace + ":", c.Namespace + c.Name, c.Namespace + "/" + c.Name,
		c.Namespace + ":" + c.Name + "x", c.Namespace + "x:" + c.Name, ":" + c.Name, c.Name,
	} {
		if op, ok := OperationForAction(action); ok {
			t.Errorf("OperationForAction(%q) = %v, want none", action, op)
		}
	}
}
