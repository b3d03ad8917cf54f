package sqltidbok

import (
	"context"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// registers is a snapshot of one facility's registers: the names of its
// time types, care types and resources by ID, and its performers. The
// book keeps the latest snapshot of each facility it has searched, so
// that a list of slots names them without joining the registers for every
// slot. An entry is never removed or renamed (see the staff methods), so
// a snapshot never holds a wrong name; it may lack an entry another
// process added since, and is then read again.
type registers struct {
	timeTypes, careTypes, resources map[string]string
	performers                      map[string]performerEntry
}

// performerEntry is a performer as a slot names it.
type performerEntry struct {
	id   tidbok.HSAID
	name string
}

// registersOf returns the book's snapshot of facility's registers, reading
// them when the book has none or, with reload, always.
func (b *Book) registersOf(ctx context.Context, facility string, reload bool) (*registers, error) {
	if v, ok := b.registers.Load(facility); ok && !reload {
		return v.(*registers), nil
	}
	r := &registers{timeTypes: map[string]string{}, careTypes: map[string]string{}, resources: map[string]string{}, performers: map[string]performerEntry{}}
	err := b.each(ctx, `SELECT 't', id, name, '', '' FROM time_types WHERE facility_id = ?
		UNION ALL SELECT 'c', id, name, '', '' FROM care_types WHERE facility_id = ?
		UNION ALL SELECT 'r', id, name, '', '' FROM resources WHERE facility_id = ?
		UNION ALL SELECT 'p', id, first_name, last_name, title FROM performers WHERE facility_id = ?`,
		[]any{facility, facility, facility, facility}, func(sc scanner) error {
			var kind, id, name, last, title string
			if err := sc.Scan(&kind, &id, &name, &last, &title); err != nil {
				return err
			}
			switch kind {
			case "t":
				r.timeTypes[id] = name
			case "c":
				r.careTypes[id] = name
			case "r":
				r.resources[id] = name
			default:
				r.performers[id] = performerEntry{id: parseHSAID(id), name: performerName(tidbok.Performer{FirstName: name, LastName: last, Title: title})}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	b.registers.Store(facility, r)
	return r, nil
}

// has reports whether r names every entry d refers to.
func (r *registers) has(d *describe) bool {
	if _, ok := r.timeTypes[d.timeType]; !ok {
		return false
	}
	if _, ok := r.careTypes[d.careType]; !ok && d.careType != "" {
		return false
	}
	if _, ok := r.resources[d.resource]; !ok && d.resource != "" {
		return false
	}
	if _, ok := r.performers[d.performer]; !ok && d.performer != "" {
		return false
	}
	return true
}

// timeslot returns the Timeslot fields of a slot of facility (named
// facilityName) with d's IDs, named as r names them (an entry r lacks:
// no name, as the joins on the registers answer).
func (r *registers) timeslot(facility tidbok.HSAID, facilityName string, d *describe) tidbok.Timeslot {
	ts := tidbok.Timeslot{
		Facility:     facility,
		FacilityName: facilityName,
		TimeType:     tidbok.TimeType{ID: d.timeType, Name: r.timeTypes[d.timeType]},
	}
	if d.careType != "" {
		ts.CareType = tidbok.CareType{ID: d.careType, Name: r.careTypes[d.careType]}
	}
	if d.resource != "" {
		ts.Resource = tidbok.Resource{ID: d.resource, Name: r.resources[d.resource]}
	}
	if d.performer != "" {
		if p, ok := r.performers[d.performer]; ok {
			ts.Performer, ts.PerformerName = p.id, p.name
		} else {
			ts.Performer = parseHSAID(d.performer)
		}
	}
	return ts
}
