package sqltidbok

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The clinic's registers: facilities and, per facility, time types, care
// types, performers, resources and notices. Every staff method checks its
// whole input, reports every problem at once and changes nothing when it
// reports one; problems match tidbok.ErrInvalid (malformed input) or
// tidbok.ErrNotFound (naming something the book does not have). Database
// failures are returned as they are, wrapped.
//
// Registers only grow: an entry is never removed or renamed, so what one
// process added stays true for every other.

// AddFacility adds a clinic to the book. Adding a facility that is
// already there with the same name does nothing.
func (b *Book) AddFacility(ctx context.Context, f tidbok.Facility) error {
	const op = "add facility"
	var p tidbok.Problems
	if f.ID.IsZero() {
		p.Add("ID", "is required: the clinic's HSA-id")
		return problems(op, &p)
	}
	_, err := b.exec(ctx, b.db, `INSERT INTO facilities (id, name, pos)
		VALUES (?, ?, (SELECT COALESCE(MAX(pos), 0) + 1 FROM facilities))
		ON CONFLICT (id) DO NOTHING`, f.ID.String(), f.Name)
	if err != nil {
		return wrapDB(op, err)
	}
	var name string
	if err := b.queryRow(ctx, b.db, "SELECT name FROM facilities WHERE id = ?", f.ID.String()).Scan(&name); err != nil {
		return wrapDB(op, err)
	}
	if name != f.Name {
		p.Add("Name", "%q differs from %q, the name the facility already has", f.Name, name)
		return problems(op, &p)
	}
	b.names.Store(f.ID.String(), name)
	return nil
}

// AddTimeType adds a time type (tidstyp) to a facility. ID and Name are
// required. Adding one that is already there with the same name does
// nothing.
func (b *Book) AddTimeType(ctx context.Context, facility tidbok.HSAID, tt tidbok.TimeType) error {
	return b.addNamed(ctx, "add time type", "time_types", "time type", facility, tt.ID, tt.Name, "the clinic's code of the time type", true)
}

// AddCareType adds a care type (vårdtyp) to a facility. ID and Name are
// required. Adding one that is already there with the same name does
// nothing.
func (b *Book) AddCareType(ctx context.Context, facility tidbok.HSAID, ct tidbok.CareType) error {
	return b.addNamed(ctx, "add care type", "care_types", "care type", facility, ct.ID, ct.Name, "the clinic's code of the care type", true)
}

// AddResource adds a room, piece of equipment or other resource to a
// facility. ID is required. Adding one that is already there with the same
// name does nothing.
func (b *Book) AddResource(ctx context.Context, facility tidbok.HSAID, r tidbok.Resource) error {
	return b.addNamed(ctx, "add resource", "resources", "resource", facility, r.ID, r.Name, "the clinic's code of the resource", false)
}

// addNamed adds an entry (id, name) to a facility's register table.
func (b *Book) addNamed(ctx context.Context, op, table, what string, facility tidbok.HSAID, id, name, idDoc string, nameRequired bool) error {
	var p tidbok.Problems
	known, err := b.checkFacility(ctx, &p, "facility", facility)
	if err != nil {
		return wrapDB(op, err)
	}
	bookbase.RequireText(&p, "ID", id, idDoc)
	if nameRequired {
		bookbase.RequireText(&p, "Name", name, "shown to citizens")
	}
	if p.Len() > 0 || !known {
		return problems(op, &p)
	}
	fac := facility.String()
	_, err = b.exec(ctx, b.db, `INSERT INTO `+table+` (facility_id, id, name, pos)
		VALUES (?, ?, ?, (SELECT COALESCE(MAX(pos), 0) + 1 FROM `+table+` WHERE facility_id = ?))
		ON CONFLICT (facility_id, id) DO NOTHING`, fac, id, name, fac)
	if err != nil {
		return wrapDB(op, err)
	}
	var have string
	if err := b.queryRow(ctx, b.db, "SELECT name FROM "+table+" WHERE facility_id = ? AND id = ?", fac, id).Scan(&have); err != nil {
		return wrapDB(op, err)
	}
	if have != name {
		p.Add("Name", "%q differs from %q, the name %s %q already has", name, have, what, id)
	}
	return problems(op, &p)
}

// AddPerformer adds a clinician to a facility. ID, FirstName and LastName
// are required. Adding one that is already there unchanged does nothing.
func (b *Book) AddPerformer(ctx context.Context, facility tidbok.HSAID, pf tidbok.Performer) error {
	const op = "add performer"
	var p tidbok.Problems
	known, err := b.checkFacility(ctx, &p, "facility", facility)
	if err != nil {
		return wrapDB(op, err)
	}
	if pf.ID.IsZero() {
		p.Add("ID", "is required: the clinician's HSA-id")
	}
	bookbase.RequireText(&p, "FirstName", pf.FirstName, "the clinician's first name")
	bookbase.RequireText(&p, "LastName", pf.LastName, "the clinician's last name")
	if p.Len() > 0 || !known {
		return problems(op, &p)
	}
	fac := facility.String()
	_, err = b.exec(ctx, b.db, `INSERT INTO performers (facility_id, id, first_name, last_name, title, pos)
		VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(pos), 0) + 1 FROM performers WHERE facility_id = ?))
		ON CONFLICT (facility_id, id) DO NOTHING`, fac, pf.ID.String(), pf.FirstName, pf.LastName, pf.Title, fac)
	if err != nil {
		return wrapDB(op, err)
	}
	var have tidbok.Performer
	err = b.queryRow(ctx, b.db, "SELECT first_name, last_name, title FROM performers WHERE facility_id = ? AND id = ?", fac, pf.ID.String()).
		Scan(&have.FirstName, &have.LastName, &have.Title)
	if err != nil {
		return wrapDB(op, err)
	}
	have.ID = pf.ID
	if have != pf {
		p.Add("ID", "the facility already has this clinician with other names or title")
	}
	return problems(op, &p)
}

// SetNotice makes bookings and reschedules onto slots of a time type
// succeed with text as their Notice (the wire's INFO result), e.g. "Kom
// fastande" (come fasting). An empty text removes the notice.
func (b *Book) SetNotice(ctx context.Context, facility tidbok.HSAID, timeTypeID, text string) error {
	const op = "set notice"
	var p tidbok.Problems
	known, err := b.checkFacility(ctx, &p, "facility", facility)
	if err != nil {
		return wrapDB(op, err)
	}
	if timeTypeID == "" {
		p.Add("timeTypeID", "is required: the time type's ID")
	} else if known {
		a, err := b.checkAttributes(ctx, facility, attributes{timeType: timeTypeID})
		if err != nil {
			return wrapDB(op, err)
		}
		a.report(&p, "timeTypeID", "", "", "")
	}
	if p.Len() > 0 || !known {
		return problems(op, &p)
	}
	fac := facility.String()
	if text == "" {
		_, err = b.exec(ctx, b.db, "DELETE FROM notices WHERE facility_id = ? AND time_type_id = ?", fac, timeTypeID)
	} else {
		_, err = b.exec(ctx, b.db, `INSERT INTO notices (facility_id, time_type_id, text) VALUES (?, ?, ?)
			ON CONFLICT (facility_id, time_type_id) DO UPDATE SET text = excluded.text`, fac, timeTypeID, text)
	}
	return wrapDB(op, err)
}

// checkFacility records a problem with field unless the book has facility,
// and reports whether it does.
func (b *Book) checkFacility(ctx context.Context, p *tidbok.Problems, field string, facility tidbok.HSAID) (bool, error) {
	if facility.IsZero() {
		p.Add(field, "is required: the clinic's HSA-id")
		return false, nil
	}
	_, ok, err := b.lookupFacility(ctx, b.db, facility)
	if err != nil {
		return false, err
	}
	if !ok {
		p.AddError(&bookbase.Missing{Field: field, Problem: fmt.Sprintf("no facility %s in the book: add it with AddFacility first", facility)})
	}
	return ok, nil
}

// attributes names a slot's or invitation's time type, care type,
// performer and resource (empty: none), and, after checkAttributes, which
// of those named the facility lacks.
type attributes struct {
	timeType, careType, performer, resource string

	noTimeType, noCareType, noPerformer, noResource bool
}

// checkAttributes looks up a's attributes at facility in one query.
func (b *Book) checkAttributes(ctx context.Context, facility tidbok.HSAID, a attributes) (attributes, error) {
	fac := facility.String()
	var tt, ct, pf, rs bool
	err := b.queryRow(ctx, b.db, `SELECT
		EXISTS (SELECT 1 FROM time_types WHERE facility_id = ? AND id = ?),
		EXISTS (SELECT 1 FROM care_types WHERE facility_id = ? AND id = ?),
		EXISTS (SELECT 1 FROM performers WHERE facility_id = ? AND id = ?),
		EXISTS (SELECT 1 FROM resources WHERE facility_id = ? AND id = ?)`,
		fac, a.timeType, fac, a.careType, fac, a.performer, fac, a.resource).Scan(&tt, &ct, &pf, &rs)
	if err != nil {
		return a, err
	}
	a.noTimeType = a.timeType != "" && !tt
	a.noCareType = a.careType != "" && !ct
	a.noPerformer = a.performer != "" && !pf
	a.noResource = a.resource != "" && !rs
	return a, nil
}

// report records a problem for each attribute the facility lacks, naming
// the fields given (an empty field name: not reported).
func (a attributes) report(p *tidbok.Problems, ttField, ctField, pfField, resField string) {
	if a.noTimeType && ttField != "" {
		p.AddError(&bookbase.Missing{Field: ttField, Problem: fmt.Sprintf("no time type %q at the facility: add it with AddTimeType first", a.timeType)})
	}
	if a.noCareType && ctField != "" {
		p.AddError(&bookbase.Missing{Field: ctField, Problem: fmt.Sprintf("no care type %q at the facility: add it with AddCareType first", a.careType)})
	}
	if a.noPerformer && pfField != "" {
		p.AddError(&bookbase.Missing{Field: pfField, Problem: fmt.Sprintf("no clinician %s at the facility: add them with AddPerformer first", a.performer)})
	}
	if a.noResource && resField != "" {
		p.AddError(&bookbase.Missing{Field: resField, Problem: fmt.Sprintf("no resource %q at the facility: add it with AddResource first", a.resource)})
	}
}

// resolve checks the attributes of a slot or invitation at facility
// (known tells whether the book has it; if not, only the required time
// type is checked for presence), recording every problem.
func (b *Book) resolve(ctx context.Context, p *tidbok.Problems, known bool, facility tidbok.HSAID, a attributes) error {
	if a.timeType == "" {
		p.Add("TimeTypeID", "is required: the time type's ID")
	}
	if !known {
		return nil
	}
	a, err := b.checkAttributes(ctx, facility, a)
	if err != nil {
		return err
	}
	a.report(p, "TimeTypeID", "CareTypeID", "Performer", "ResourceID")
	return nil
}

// noRows reports whether err says a query found nothing.
func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
