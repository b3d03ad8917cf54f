package sqltidbok

import (
	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/internal/sqldb"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// problems returns p's error as a staff error for op, or nil.
func problems(op string, p *tidbok.Problems) error { return bookbase.Problems("sqltidbok", op, p) }

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
	case *tidbok.OpError, *bookbase.StaffError, *dbError:
		return err
	}
	if sqldb.IsContextErr(err) {
		return err
	}
	return &dbError{op: op, err: err}
}
