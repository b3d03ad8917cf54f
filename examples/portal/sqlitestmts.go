package main

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
)

// A query run on the database without a prepared statement of
// database/sql's (db.QueryContext, as the stores and the sessions do) is
// parsed and planned by SQLite every time: on the slot list that was a
// tenth of the process's CPU. The portal's connections keep each such
// query's statement instead, once prepared, and run it again with the
// next arguments. A statement whose rows are still being read is not
// shared: a second query of the same text on the connection meanwhile
// gets a statement of its own, closed with its rows. SQLite prepares its
// statements again by itself when the schema changes under them.

// maxConnStmts is how many queries' statements a connection keeps; the
// portal runs far fewer distinct queries than that, and one that runs a
// query of ever new text (such as a list of values written into it)
// keeps no more than this.
const maxConnStmts = 128

// connStmt is a statement a connection keeps, and whether rows read from
// it are still open.
type connStmt struct {
	st   sqliteStmt
	busy bool
}

// QueryContext runs query through the connection's statement for it.
func (t *turnConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs := t.stmts[query]
	if cs == nil && len(t.stmts) < maxConnStmts {
		s, err := t.sqliteConn.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		st, ok := s.(sqliteStmt)
		if !ok {
			_ = s.Close()
			return t.sqliteConn.QueryContext(ctx, query, args)
		}
		if t.stmts == nil {
			t.stmts = map[string]*connStmt{}
		}
		cs = &connStmt{st: st}
		t.stmts[query] = cs
	}
	if cs == nil || cs.busy {
		return t.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := cs.st.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	r, ok := rows.(sqliteRows)
	if !ok {
		// The driver's rows lack what database/sql may ask of them: do not
		// keep a statement whose rows cannot be handed on as they are.
		_ = rows.Close()
		delete(t.stmts, query)
		_ = cs.st.Close()
		return t.sqliteConn.QueryContext(ctx, query, args)
	}
	cs.busy = true
	return &connRows{sqliteRows: r, cs: cs}, nil
}

// Close closes the statements the connection keeps, then the connection.
func (t *turnConn) Close() error {
	var errs []error
	for q, cs := range t.stmts {
		errs = append(errs, cs.st.Close())
		delete(t.stmts, q)
	}
	return errors.Join(append(errs, t.sqliteConn.Close())...)
}

// sqliteRows is what database/sql uses of the driver's rows.
type sqliteRows interface {
	driver.Rows
	ColumnTypeDatabaseTypeName(index int) string
	ColumnTypeLength(index int) (length int64, ok bool)
	ColumnTypeNullable(index int) (nullable, ok bool)
	ColumnTypePrecisionScale(index int) (precision, scale int64, ok bool)
	ColumnTypeScanType(index int) reflect.Type
}

// connRows are rows of a kept statement, which they free when closed.
type connRows struct {
	sqliteRows
	cs *connStmt
}

func (r *connRows) Close() error {
	if r.cs == nil {
		return nil
	}
	err := r.sqliteRows.Close()
	r.cs.busy, r.cs = false, nil
	return err
}
