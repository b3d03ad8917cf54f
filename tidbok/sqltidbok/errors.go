package sqltidbok

import (
	"strings"

	"github.com/webbtidbok/webbtidbok/internal/sqldb"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Texts for the citizen, carried in *tidbok.OpError.Text. They are the
// in-memory book's, so that the citizen sees the same whichever book the
// clinic runs.
const (
	textNoFacility      = "Mottagningen finns inte i tidboken."
	textSlotTaken       = "Tiden har just blivit bokad av någon annan. Välj en annan tid."
	textTimeChanged     = "Tiden har ändrats eller finns inte längre. Välj en tid på nytt."
	textNoBooking       = "Bokningen finns inte."
	textStarted         = "Tiden har redan börjat eller passerat och kan inte ändras."
	textNoCancel        = "Bokningen kan inte avbokas via webben. Kontakta mottagningen."
	textNoReschedule    = "Bokningen kan inte ombokas via webben. Kontakta mottagningen."
	textNoMessage       = "Mottagningen tar inte emot meddelanden för den här bokningen."
	textAgent           = "Ett ombud kan boka en ny tid men inte av- eller omboka."
	textOpenInvitation  = "Kallelsen har ingen tid ännu. Boka en tid i stället."
	textInvitationTaken = "Kallelsen är redan bokad."
	textOtherTimeType   = "Tiden är av ett annat slag än bokningen. Välj en annan tid."
)

func opErr(op tidbok.Operation, sentinel error, text string) error {
	return &tidbok.OpError{Op: op, Err: sentinel, Text: text}
}

// staffError is the error of a staff method: what was done, and the
// problems found (matching tidbok.ErrInvalid or tidbok.ErrNotFound) or the
// reason it was refused.
type staffError struct {
	op  string
	err error
}

func (e *staffError) Error() string {
	msg := strings.TrimPrefix(e.err.Error(), "tidbok: ")
	return "sqltidbok: " + e.op + ": " + msg
}

func (e *staffError) Unwrap() error { return e.err }

// problems returns p's error as a staff error for op, or nil.
func problems(op string, p *tidbok.Problems) error {
	if err := p.Err(); err != nil {
		return &staffError{op: op, err: err}
	}
	return nil
}

// missing is a problem with a staff method's input: it names something the
// book does not have. It matches tidbok.ErrNotFound.
type missing struct {
	field, problem string
}

func (e *missing) Error() string { return "unknown " + e.field + ": " + e.problem }
func (e *missing) Unwrap() error { return tidbok.ErrNotFound }

// refused is a staff method's refusal of an operation the book's state
// forbids; it wraps a sentinel.
type refused struct {
	why string
	err error
}

func (e *refused) Error() string { return e.why }
func (e *refused) Unwrap() error { return e.err }

// dbError is a failure of the database itself (a broken connection, a full
// disk), as opposed to a refusal by the book's rules.
type dbError struct {
	op  string
	err error
}

func (e *dbError) Error() string { return "sqltidbok: " + e.op + ": " + e.err.Error() }
func (e *dbError) Unwrap() error { return e.err }

// wrapDB returns err as a database failure of op, or nil. Errors that
// already say what the book decided (an *tidbok.OpError, a staff error, a
// validation error) and context errors pass unchanged.
func wrapDB(op string, err error) error {
	switch err.(type) {
	case nil:
		return nil
	case *tidbok.OpError, *staffError, *dbError:
		return err
	}
	if sqldb.IsContextErr(err) {
		return err
	}
	return &dbError{op: op, err: err}
}
