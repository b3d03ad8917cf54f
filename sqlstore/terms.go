package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Terms is a [terms.Store] in the database: the versions of each case
// type's terms, numbered without gaps, and the citizens' acceptances.
// Neither is ever changed or removed.
type Terms struct{ s *Stores }

var _ terms.Store = Terms{}

// Terms returns the store of terms versions and acceptances, for
// terms.New.
func (s *Stores) Terms() Terms { return Terms{s} }

// Latest implements [terms.VersionStore].
func (t Terms) Latest(ctx context.Context, clinic tidbok.HSAID, caseTypeID string) (terms.Version, error) {
	var data string
	err := t.s.scanRow(ctx, t.s.db, "SELECT data FROM terms_versions WHERE clinic = ? AND case_type = ? ORDER BY number DESC LIMIT 1",
		[]any{clinic.String(), caseTypeID}, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return terms.Version{}, answerf("%w: %q at clinic %v", terms.ErrNoTerms, caseTypeID, clinic)
	}
	return decodeRow[terms.Version]("reading terms", data, err)
}

// Version implements [terms.VersionStore].
func (t Terms) Version(ctx context.Context, clinic tidbok.HSAID, caseTypeID string, n int) (terms.Version, error) {
	var data string
	err := t.s.scanRow(ctx, t.s.db, "SELECT data FROM terms_versions WHERE clinic = ? AND case_type = ? AND number = ?",
		[]any{clinic.String(), caseTypeID, n}, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return terms.Version{}, answerf("%w: version %d of %q at clinic %v", terms.ErrNotFound, n, caseTypeID, clinic)
	}
	return decodeRow[terms.Version]("reading terms", data, err)
}

// AddVersion implements [terms.VersionStore] in one statement, which
// inserts the version only if its number is the next: of two processes
// adding the same number, one stores it and the other gets
// terms.ErrConflict.
func (t Terms) AddVersion(ctx context.Context, v terms.Version) error {
	data, err := encode(v)
	if err != nil {
		return err
	}
	clinic := v.Clinic.String()
	// The version and the catalog's version are written in one
	// transaction (see Stores.CatalogVersion).
	conflict := answerf("%w: version %d of %q at clinic %v is not the next", terms.ErrConflict, v.Number, v.CaseTypeID, v.Clinic)
	err = t.s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, t.s.q(`INSERT INTO terms_versions (clinic, case_type, number, data)
		SELECT ?, ?, ?, ?
		WHERE (SELECT COALESCE(MAX(number), 0) FROM terms_versions WHERE clinic = ? AND case_type = ?) = ?`),
			clinic, v.CaseTypeID, v.Number, data, clinic, v.CaseTypeID, v.Number-1)
		n := int64(0)
		if err == nil {
			n, err = res.RowsAffected()
		}
		switch {
		case t.s.dialect.IsUnique(err), err == nil && n == 0:
			return conflict
		case err != nil:
			return err
		}
		return t.s.bumpCatalog(ctx, tx)
	})
	if err == conflict {
		return conflict
	}
	return wrap("storing terms", err)
}

// AddAcceptance implements [terms.AcceptanceStore].
func (t Terms) AddAcceptance(ctx context.Context, a terms.Acceptance) error {
	data, err := encode(a)
	if err != nil {
		return err
	}
	_, err = t.s.exec(ctx, "INSERT INTO terms_acceptances (citizen, clinic, case_type, number, at, data) VALUES (?, ?, ?, ?, ?, ?)",
		a.Citizen.Canonical(), a.Clinic.String(), a.CaseTypeID, a.Version, nanos(a.Time), data)
	return wrap("storing an acceptance", err)
}

// Accepted implements [terms.AcceptanceStore].
func (t Terms) Accepted(ctx context.Context, citizen tidbok.PersonalNumber, clinic tidbok.HSAID, caseTypeID string, n int) (bool, error) {
	var one int
	err := t.s.scanRow(ctx, t.s.db, "SELECT 1 FROM terms_acceptances WHERE citizen = ? AND clinic = ? AND case_type = ? AND number = ? LIMIT 1",
		[]any{citizen.Canonical(), clinic.String(), caseTypeID, n}, &one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, wrap("reading acceptances", err)
}
