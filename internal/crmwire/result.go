package crmwire

import (
	"fmt"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// ResultCode is core ResultCodeEnum, the outcome of a write.
type ResultCode string

// The three result codes.
const (
	// ResultOK: done as asked.
	ResultOK ResultCode = "OK"
	// ResultInfo: done as asked, and resultText must be shown to the
	// citizen.
	ResultInfo ResultCode = "INFO"
	// ResultError: not done; resultText must be shown to the citizen.
	ResultError ResultCode = "ERROR"
)

// onWire reports whether our errorKind extension element carries k,
// by its text name ([tidbok.Kind.String]): a refusal, or not sent — a
// Server fault of ours whose book certainly did nothing (it could not
// reach its database, say), never a write's ERROR.
func onWire(k tidbok.Kind) bool { return k.IsRefusal() || k == tidbok.KindNotSent }

// errorKindOf returns the errorKind written for err: the name of its
// kind ([tidbok.KindOf]) when that is one the wire carries.
func errorKindOf(err error) (string, bool) {
	k := tidbok.KindOf(err)
	if !onWire(k) {
		return "", false
	}
	return k.String(), true
}

// kindOfWire reads an errorKind; ok is false for a name the wire does
// not carry.
func kindOfWire(name string) (tidbok.Kind, bool) {
	var k tidbok.Kind
	if k.UnmarshalText([]byte(trimXML(name))) != nil || !onWire(k) {
		return tidbok.KindNone, false
	}
	return k, true
}

// sentinelOf maps an errorKind back; without one (another producer) or
// with an unknown one, ERROR means ErrNotAllowed.
func sentinelOf(kind string) error {
	if k, ok := kindOfWire(kind); ok {
		return k.Err()
	}
	return tidbok.ErrNotAllowed
}

// writeOutcome interprets resultCode, resultText and errorKind. It
// returns the notice for OK/INFO (empty for OK: an OK text is not meant
// for the citizen) or the *tidbok.OpError for ERROR.
// ok is false when resultCode is missing or unknown (a problem is then
// recorded).
func (c *checker) writeOutcome(op tidbok.Operation, code ResultCode, text, kind string) (notice string, opErr error, ok bool) {
	switch ResultCode(trimXML(string(code))) {
	case ResultOK:
		return "", nil, true
	case ResultInfo:
		return text, nil, true
	case ResultError:
		return "", &tidbok.OpError{Op: op, Text: text, Err: sentinelOf(kind)}, true
	case "":
		c.add("resultCode", "missing or empty (required)")
	default:
		c.add("resultCode", quote(string(code))+" is not OK, INFO or ERROR")
	}
	return "", nil, false
}

func resultCodeFor(notice string) (ResultCode, string) {
	if notice != "" {
		return ResultInfo, notice
	}
	return ResultOK, ""
}

// EncodeWriteError returns the complete SOAP envelope answering the write
// op (OpBook, OpReschedule or OpCancel) with resultCode ERROR: the
// logical refusal the citizen is shown. text is the resultText; when it is
// empty, the text of an [*tidbok.OpError] in err is used. err must match
// one of tidbok.ErrSlotTaken, ErrNotFound, ErrNotAllowed, ErrInvalid or
// ErrNotSupported, which is written in the errorKind extension element (see
// the package doc). Any other error is technical: answer it with a Server
// fault ([EncodeFault]), as EncodeWriteError's error says.
func EncodeWriteError(op tidbok.Operation, err error, text string) ([]byte, error) {
	c, cd, lerr := lookup(op)
	if lerr != nil {
		return nil, lerr
	}
	if cd.errorResult == nil {
		return nil, fmt.Errorf("crmwire: %s is not a write and has no resultCode: answer with a fault", c.Name)
	}
	kind, ok := errorKindOf(err)
	if !ok {
		return nil, fmt.Errorf("crmwire: %s: %s matches no tidbok sentinel: answer with a Server fault", c.Name, Detail(err))
	}
	if text == "" {
		text, _ = tidbok.CitizenText(err)
	}
	return soap.Marshal(soap.Header{}, cd.errorResult(text, kind))
}
