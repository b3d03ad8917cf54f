package tidboktest

import (
	"context"
	"fmt"
	"slices"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Rules about the clinic's registers a book lists for citizens: time
// types, clinicians and clinics.
var directoryRules = []rule{
	{
		sentence: "the time types of free web-bookable slots are listed",
		needs:    tidbok.CapabilitiesOf(tidbok.OpTimeTypes),
		check:    checkTimeTypesListed,
	},
	{
		sentence: "the performers of free web-bookable slots are listed",
		needs:    tidbok.CapabilitiesOf(tidbok.OpPerformers),
		check:    checkPerformersListed,
	},
	{
		sentence: "a clinic with free slots lists itself among the facilities",
		needs:    tidbok.CapabilitiesOf(tidbok.OpFacilities),
		check:    checkFacilityListsItself,
	},
}

func checkTimeTypesListed(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	for _, sl := range []Slot{{Start: f.at(2, 9), TimeType: doctorsVisit}, {Start: f.at(2, 10), TimeType: bloodSample}} {
		if _, err := f.addSlotLike(sl); err != nil {
			return err
		}
	}
	res, err := b.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: f.facility, Subject: f.onlooker()})
	if err != nil {
		return fmt.Errorf("TimeTypes: %w", err)
	}
	var v violations
	for _, tt := range []tidbok.TimeType{doctorsVisit, bloodSample} {
		if !slices.Contains(res.TimeTypes, tt) {
			v.addf("TimeTypes = %v, which leaves out %v, the time type of a free web-bookable slot", res.TimeTypes, tt)
		}
	}
	return v.err()
}

func checkPerformersListed(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	dr, err := tidbok.ParseHSAID("SE2321000016-TBTDRA")
	if err != nil {
		return precondition(err, "parsing a performer's HSA-id")
	}
	if _, err := f.addSlotLike(Slot{Start: f.at(2, 9), Performer: dr}); err != nil {
		return err
	}
	res, err := b.Performers(ctx, tidbok.PerformersRequest{Facility: f.facility, Subject: f.onlooker()})
	if err != nil {
		return fmt.Errorf("Performers: %w", err)
	}
	if !slices.ContainsFunc(res.Performers, func(p tidbok.Performer) bool { return p.ID.Equal(dr) }) {
		return fmt.Errorf("Performers lists %d clinicians but not %v, the performer of a free web-bookable slot", len(res.Performers), dr)
	}
	return nil
}

// checkFacilityListsItself: the asked unit must be listed when it offers
// the treatment itself (crm:scheduling, GetAllHealthcareFacilities); one
// with free web slots does.
func checkFacilityListsItself(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	if _, err := f.addSlot(f.at(2, 10)); err != nil {
		return err
	}
	res, err := b.Facilities(ctx, tidbok.FacilitiesRequest{Facility: f.facility, Subject: f.onlooker()})
	if err != nil {
		return fmt.Errorf("Facilities: %w", err)
	}
	if !slices.ContainsFunc(res.Facilities, func(fac tidbok.Facility) bool { return fac.ID.Equal(f.facility) }) {
		return fmt.Errorf("Facilities lists %d clinics but not %v, the asked clinic, which has free web-bookable slots", len(res.Facilities), f.facility)
	}
	return nil
}
