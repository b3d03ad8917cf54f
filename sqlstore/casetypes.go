package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// CaseTypes is a [casetype.Store] in the database: one row per clinic and
// case type ID, whose version column guards every update.
type CaseTypes struct{ s *Stores }

var _ casetype.Store = CaseTypes{}

// CaseTypes returns the store of the clinics' case types, for
// casetype.New.
func (s *Stores) CaseTypes() CaseTypes { return CaseTypes{s} }

// Get implements [casetype.Store].
func (c CaseTypes) Get(ctx context.Context, clinic tidbok.HSAID, id string) (casetype.CaseType, error) {
	var data string
	err := c.s.scanRow(ctx, c.s.db, "SELECT data FROM casetypes WHERE clinic = ? AND id = ?", []any{clinic.String(), id}, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return casetype.CaseType{}, answerf("%w: %q at clinic %v", casetype.ErrNotFound, id, clinic)
	}
	return decodeRow[casetype.CaseType]("reading a case type", data, err)
}

// List implements [casetype.Store].
func (c CaseTypes) List(ctx context.Context, clinic tidbok.HSAID) ([]casetype.CaseType, error) {
	out, err := listJSON[casetype.CaseType](ctx, c.s, "SELECT data FROM casetypes WHERE clinic = ? ORDER BY "+c.s.ordered("id"), clinic.String())
	if out == nil && err == nil {
		out = []casetype.CaseType{}
	}
	return out, wrap("listing case types", err)
}

// Put implements [casetype.Store]: an INSERT when expectVersion is zero,
// otherwise an UPDATE guarded on the stored version.
func (c CaseTypes) Put(ctx context.Context, ct casetype.CaseType, expectVersion int) error {
	data, err := encode(ct)
	if err != nil {
		return err
	}
	clinic := ct.Clinic.String()
	// The write and the catalog's version change in one transaction
	// (see Stores.CatalogVersion).
	var refused error
	err = c.s.inTx(ctx, func(tx *sql.Tx) error {
		refused = nil
		if expectVersion == 0 {
			_, err := tx.ExecContext(ctx, c.s.q("INSERT INTO casetypes (clinic, id, version, data) VALUES (?, ?, ?, ?)"), clinic, ct.ID, ct.Version, data)
			if c.s.dialect.IsUnique(err) {
				refused = answerf("%w: %q exists already at clinic %v", casetype.ErrConflict, ct.ID, ct.Clinic)
				return refused
			}
			if err != nil {
				return err
			}
			return c.s.bumpCatalog(ctx, tx)
		}
		res, err := tx.ExecContext(ctx, c.s.q("UPDATE casetypes SET version = ?, data = ? WHERE clinic = ? AND id = ? AND version = ?"),
			ct.Version, data, clinic, ct.ID, expectVersion)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			return c.s.bumpCatalog(ctx, tx)
		}
		var cur int
		err = c.s.scanRow(ctx, tx, "SELECT version FROM casetypes WHERE clinic = ? AND id = ?", []any{clinic, ct.ID}, &cur)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			refused = answerf("%w: %q at clinic %v", casetype.ErrNotFound, ct.ID, ct.Clinic)
		case err != nil:
			return err
		default:
			refused = answerf("%w: %q at clinic %v is at version %d, not %d", casetype.ErrConflict, ct.ID, ct.Clinic, cur, expectVersion)
		}
		return refused
	})
	if refused != nil && err == refused {
		return refused
	}
	return wrap("storing a case type", err)
}
