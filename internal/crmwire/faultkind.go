package crmwire

import (
	"encoding/xml"

	"github.com/webbtidbok/webbtidbok/internal/soap"
)

// errorKindName is our errorKind extension element, in responses of
// writes and in the detail of faults.
var errorKindName = xml.Name{Space: NSExt, Local: "errorKind"}

// WithErrorKind returns a copy of f whose detail carries our errorKind
// extension element (see the package doc) for the sentinel err matches:
// tidbok.ErrSlotTaken, ErrNotFound, ErrNotAllowed, ErrInvalid,
// ErrNotSupported or ErrNotSent. It returns f itself when err matches
// none of them. f's Detail text and cause are kept.
//
// A producer uses it on the faults of read operations, which have no
// resultCode to carry a logical error, and on the Server fault of a call
// its book certainly did not carry out (ErrNotSent): the consumer
// recovers the sentinel with [FaultKind].
func WithErrorKind(f *soap.Fault, err error) *soap.Fault {
	kind, ok := errorKindOf(err)
	if f == nil || !ok {
		return f
	}
	c := *f
	c.Ext = make([]soap.DetailElement, 0, len(f.Ext)+1)
	for _, e := range f.Ext {
		if e.Name != errorKindName {
			c.Ext = append(c.Ext, e)
		}
	}
	c.Ext = append(c.Ext, soap.DetailElement{Name: errorKindName, Text: kind})
	return &c
}

// FaultKind returns the sentinel named by the errorKind extension element
// in f's detail — tidbok.ErrSlotTaken, ErrNotFound, ErrNotAllowed,
// ErrInvalid, ErrNotSupported or ErrNotSent — and true. It returns nil and false for
// a nil fault, a fault without errorKind (any other producer, or a
// technical fault of ours) and an unknown kind.
func FaultKind(f *soap.Fault) (sentinel error, ok bool) {
	kind, found := f.ExtText(errorKindName)
	if !found {
		return nil, false
	}
	if k, ok := kindOfWire(kind); ok {
		return k.Err(), true
	}
	return nil, false
}
