package memtidbok

import (
	"context"
	"fmt"
	"math"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The clinic's registers: facilities and, per facility, time types, care
// types, performers, resources and notices. Every staff method checks its
// whole input, reports every problem at once and changes nothing when it
// reports one; problems match tidbok.ErrInvalid (malformed input) or
// tidbok.ErrNotFound (naming something the book does not have).

// AddFacility adds a clinic to the book. Adding a facility that is
// already there with the same name does nothing.
func (b *Book) AddFacility(ctx context.Context, f tidbok.Facility) error {
	var p tidbok.Problems
	b.mu.Lock()
	defer b.mu.Unlock()
	if f.ID.IsZero() {
		p.Add("ID", "is required: the clinic's HSA-id")
	} else if old, ok := b.facByID[f.ID]; ok && old.info != f {
		p.Add("Name", "%q differs from %q, the name the facility already has", f.Name, old.info.Name)
	}
	if err := problems("add facility", &p); err != nil {
		return err
	}
	if _, ok := b.facByID[f.ID]; ok {
		return nil
	}
	if len(b.facs) == math.MaxInt32 {
		return &bookbase.StaffError{Pkg: "memtidbok", Op: "add facility", Err: &bookbase.Refused{Why: "the book is full", Err: tidbok.ErrNotAllowed}}
	}
	if b.facByID == nil {
		b.facByID = map[tidbok.HSAID]*facility{}
	}
	fac := newFacility(int32(len(b.facs)), f)
	b.facs = append(b.facs, fac)
	b.facByID[f.ID] = fac
	return nil
}

// AddTimeType adds a time type (tidstyp) to a facility. ID and Name are
// required. Adding one that is already there with the same name does
// nothing.
func (b *Book) AddTimeType(ctx context.Context, facility tidbok.HSAID, tt tidbok.TimeType) error {
	var p tidbok.Problems
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.lookupFacility(&p, "facility", facility)
	bookbase.RequireText(&p, "ID", tt.ID, "the clinic's code of the time type")
	bookbase.RequireText(&p, "Name", tt.Name, "shown to citizens")
	if f != nil && tt.ID != "" {
		if i, ok := f.timeTypeIdx[tt.ID]; ok && f.timeTypes[i] != tt {
			p.Add("Name", "%q differs from %q, the name time type %q already has", tt.Name, f.timeTypes[i].Name, tt.ID)
		}
	}
	if err := problems("add time type", &p); err != nil {
		return err
	}
	if _, ok := f.timeTypeIdx[tt.ID]; !ok {
		f.timeTypeIdx[tt.ID] = int32(len(f.timeTypes))
		f.timeTypes = append(f.timeTypes, tt)
	}
	return nil
}

// AddCareType adds a care type (vårdtyp) to a facility. ID and Name are
// required. Adding one that is already there with the same name does
// nothing.
func (b *Book) AddCareType(ctx context.Context, facility tidbok.HSAID, ct tidbok.CareType) error {
	var p tidbok.Problems
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.lookupFacility(&p, "facility", facility)
	bookbase.RequireText(&p, "ID", ct.ID, "the clinic's code of the care type")
	bookbase.RequireText(&p, "Name", ct.Name, "shown to citizens")
	if f != nil && ct.ID != "" {
		if i, ok := f.careTypeIdx[ct.ID]; ok && f.careTypes[i] != ct {
			p.Add("Name", "%q differs from %q, the name care type %q already has", ct.Name, f.careTypes[i].Name, ct.ID)
		}
	}
	if err := problems("add care type", &p); err != nil {
		return err
	}
	if _, ok := f.careTypeIdx[ct.ID]; !ok {
		f.careTypeIdx[ct.ID] = int32(len(f.careTypes))
		f.careTypes = append(f.careTypes, ct)
	}
	return nil
}

// AddPerformer adds a clinician to a facility. ID, FirstName and LastName
// are required. Adding one that is already there unchanged does nothing.
func (b *Book) AddPerformer(ctx context.Context, facility tidbok.HSAID, pf tidbok.Performer) error {
	var p tidbok.Problems
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.lookupFacility(&p, "facility", facility)
	if pf.ID.IsZero() {
		p.Add("ID", "is required: the clinician's HSA-id")
	}
	bookbase.RequireText(&p, "FirstName", pf.FirstName, "the clinician's first name")
	bookbase.RequireText(&p, "LastName", pf.LastName, "the clinician's last name")
	if f != nil && !pf.ID.IsZero() {
		if i, ok := f.perfIdx[pf.ID]; ok && f.performers[i] != pf {
			p.Add("ID", "the facility already has this clinician with other names or title")
		}
	}
	if err := problems("add performer", &p); err != nil {
		return err
	}
	if _, ok := f.perfIdx[pf.ID]; !ok {
		f.perfIdx[pf.ID] = int32(len(f.performers))
		f.performers = append(f.performers, pf)
	}
	return nil
}

// AddResource adds a room, piece of equipment or other resource to a
// facility. ID is required. Adding one that is already there with the same
// name does nothing.
func (b *Book) AddResource(ctx context.Context, facility tidbok.HSAID, r tidbok.Resource) error {
	var p tidbok.Problems
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.lookupFacility(&p, "facility", facility)
	bookbase.RequireText(&p, "ID", r.ID, "the clinic's code of the resource")
	if f != nil && r.ID != "" {
		if i, ok := f.resIdx[r.ID]; ok && f.resources[i] != r {
			p.Add("Name", "%q differs from %q, the name resource %q already has", r.Name, f.resources[i].Name, r.ID)
		}
	}
	if err := problems("add resource", &p); err != nil {
		return err
	}
	if _, ok := f.resIdx[r.ID]; !ok {
		f.resIdx[r.ID] = int32(len(f.resources))
		f.resources = append(f.resources, r)
	}
	return nil
}

// SetNotice makes bookings and reschedules onto slots of a time type
// succeed with text as their Notice (the wire's INFO result), e.g. "Kom
// fastande" (come fasting). An empty text removes the notice.
func (b *Book) SetNotice(ctx context.Context, facility tidbok.HSAID, timeTypeID, text string) error {
	var p tidbok.Problems
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.lookupFacility(&p, "facility", facility)
	tt := f.lookupTimeType(&p, "timeTypeID", timeTypeID, true)
	if err := problems("set notice", &p); err != nil {
		return err
	}
	if text == "" {
		delete(f.notices, tt)
	} else {
		f.notices[tt] = text
	}
	return nil
}

// lookupFacility returns the facility with id, or records a problem with
// field and returns nil.
func (b *Book) lookupFacility(p *tidbok.Problems, field string, id tidbok.HSAID) *facility {
	if id.IsZero() {
		p.Add(field, "is required: the clinic's HSA-id")
		return nil
	}
	f, ok := b.facByID[id]
	if !ok {
		p.AddError(&bookbase.Missing{Field: field, Problem: fmt.Sprintf("no facility %s in the book: add it with AddFacility first", id)})
		return nil
	}
	return f
}

// lookupTimeType returns the index of time type id at f, or records a
// problem. An empty id is a problem when required and 0 otherwise. A nil
// f (an unknown facility, already reported) gives 0.
func (f *facility) lookupTimeType(p *tidbok.Problems, field, id string, required bool) int32 {
	if id == "" {
		if required {
			p.Add(field, "is required: the time type's ID")
		}
		return 0
	}
	if f == nil {
		return 0
	}
	i, ok := f.timeTypeIdx[id]
	if !ok {
		p.AddError(&bookbase.Missing{Field: field, Problem: fmt.Sprintf("no time type %q at the facility: add it with AddTimeType first", id)})
	}
	return i
}

// resolve returns the group key of a slot or invitation at f, recording a
// problem for every attribute f does not have.
func (f *facility) resolve(p *tidbok.Problems, ttID, ctID string, perf tidbok.HSAID, resID string) groupKey {
	k := groupKey{tt: f.lookupTimeType(p, "TimeTypeID", ttID, true)}
	if f == nil {
		return k
	}
	if ctID != "" {
		i, ok := f.careTypeIdx[ctID]
		if !ok {
			p.AddError(&bookbase.Missing{Field: "CareTypeID", Problem: fmt.Sprintf("no care type %q at the facility: add it with AddCareType first", ctID)})
		}
		k.ct = i
	}
	if !perf.IsZero() {
		i, ok := f.perfIdx[perf]
		if !ok {
			p.AddError(&bookbase.Missing{Field: "Performer", Problem: fmt.Sprintf("no clinician %s at the facility: add them with AddPerformer first", perf)})
		}
		k.perf = i
	}
	if resID != "" {
		i, ok := f.resIdx[resID]
		if !ok {
			p.AddError(&bookbase.Missing{Field: "ResourceID", Problem: fmt.Sprintf("no resource %q at the facility: add it with AddResource first", resID)})
		}
		k.res = i
	}
	return k
}
