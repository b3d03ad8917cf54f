package sqltidbok

import (
	"context"
	"strings"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// Every citizen-side method checks, in this order, that the book supports
// the operation, that the request is valid (returning Validate's error as
// is), that the context is live, and that the book has the facility. A
// failure of the database is returned wrapped, and matches none of the
// tidbok sentinels. Reads are single statements, each consistent in
// itself.

// Schedule returns the citizen's bookings and timed invitations at the
// facility that have not ended, ordered by start (then ID). Open
// invitations are left out; BookingDetails shows them.
func (b *Book) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	const op = tidbok.OpSchedule
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.ScheduleResult{}, err
	}
	now := b.cfg.Clock()
	if _, err := b.facilityName(ctx, b.db, op, req.Facility); err != nil {
		return tidbok.ScheduleResult{}, wrapDB("schedule", err)
	}
	rows, err := b.query(ctx, b.db, bookingSelect+bookingFrom+`
		WHERE bk.facility_id = ? AND bk.subject = ? AND s.end_ns > ?
		ORDER BY s.start_ns, bk.id`, req.Facility.String(), req.Subject.Canonical(), now.UnixNano())
	if err != nil {
		return tidbok.ScheduleResult{}, wrapDB("schedule", err)
	}
	defer rows.Close()
	var out []tidbok.Timeslot
	for rows.Next() {
		var r bookingRow
		if err := r.scan(rows); err != nil {
			return tidbok.ScheduleResult{}, wrapDB("schedule", err)
		}
		out = append(out, b.timeslot(&r, now))
	}
	if err := rows.Err(); err != nil {
		return tidbok.ScheduleResult{}, wrapDB("schedule", err)
	}
	return tidbok.ScheduleResult{Bookings: out}, nil
}

// BookingDetails returns a booking or invitation, timed or open, at the
// facility, with its flags. With a Subject, only that citizen's.
func (b *Book) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	const op = tidbok.OpBookingDetails
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.BookingDetailsResult{}, err
	}
	now := b.cfg.Clock()
	if _, err := b.facilityName(ctx, b.db, op, req.Facility); err != nil {
		return tidbok.BookingDetailsResult{}, wrapDB("booking details", err)
	}
	var r bookingRow
	err := r.scan(b.queryRow(ctx, b.db, bookingSelect+bookingFrom+" WHERE bk.id = ?", req.BookingID))
	switch {
	case noRows(err):
		return tidbok.BookingDetailsResult{}, bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoBooking)
	case err != nil:
		return tidbok.BookingDetailsResult{}, wrapDB("booking details", err)
	}
	if r.describe.facility != req.Facility.String() || !req.Subject.IsZero() && r.subject != req.Subject.Canonical() {
		return tidbok.BookingDetailsResult{}, bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoBooking)
	}
	return tidbok.BookingDetailsResult{Booking: b.timeslot(&r, now)}, nil
}

// TimeTypes returns every time type added to the facility, in the order
// added; with CareTypeIDs, only those the facility has published slots of
// (not withdrawn) with one of these care types.
func (b *Book) TimeTypes(ctx context.Context, req tidbok.TimeTypesRequest) (tidbok.TimeTypesResult, error) {
	const op = tidbok.OpTimeTypes
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.TimeTypesResult{}, err
	}
	if _, err := b.facilityName(ctx, b.db, op, req.Facility); err != nil {
		return tidbok.TimeTypesResult{}, wrapDB("time types", err)
	}
	fac := req.Facility.String()
	query := "SELECT t.id, t.name FROM time_types t WHERE t.facility_id = ?"
	args := []any{fac}
	if len(req.CareTypeIDs) > 0 {
		query += " AND EXISTS (SELECT 1 FROM slots s WHERE s.facility_id = t.facility_id AND s.time_type_id = t.id AND NOT s.withdrawn AND s.care_type_id IN (" + marks(len(req.CareTypeIDs)) + "))"
		args = appendStrings(args, req.CareTypeIDs)
	}
	out := []tidbok.TimeType{}
	err := b.each(ctx, query+" ORDER BY t.pos, t.id", args, func(sc scanner) error {
		var tt tidbok.TimeType
		err := sc.Scan(&tt.ID, &tt.Name)
		out = append(out, tt)
		return err
	})
	if err != nil {
		return tidbok.TimeTypesResult{}, wrapDB("time types", err)
	}
	return tidbok.TimeTypesResult{TimeTypes: out}, nil
}

// CareTypes returns every care type added to the facility, in the order
// added; with TimeTypeIDs or Performers, only those the facility has
// published slots of (not withdrawn) with one of these time types and one
// of these performers.
func (b *Book) CareTypes(ctx context.Context, req tidbok.CareTypesRequest) (tidbok.CareTypesResult, error) {
	const op = tidbok.OpCareTypes
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.CareTypesResult{}, err
	}
	if _, err := b.facilityName(ctx, b.db, op, req.Facility); err != nil {
		return tidbok.CareTypesResult{}, wrapDB("care types", err)
	}
	query := "SELECT t.id, t.name FROM care_types t WHERE t.facility_id = ?"
	args := []any{req.Facility.String()}
	if len(req.TimeTypeIDs) > 0 || len(req.Performers) > 0 {
		query += " AND EXISTS (SELECT 1 FROM slots s WHERE s.facility_id = t.facility_id AND s.care_type_id = t.id AND NOT s.withdrawn"
		if len(req.TimeTypeIDs) > 0 {
			query += " AND s.time_type_id IN (" + marks(len(req.TimeTypeIDs)) + ")"
			args = appendStrings(args, req.TimeTypeIDs)
		}
		if len(req.Performers) > 0 {
			query += " AND s.performer_id IN (" + marks(len(req.Performers)) + ")"
			args = appendHSAIDs(args, req.Performers)
		}
		query += ")"
	}
	out := []tidbok.CareType{}
	err := b.each(ctx, query+" ORDER BY t.pos, t.id", args, func(sc scanner) error {
		var ct tidbok.CareType
		err := sc.Scan(&ct.ID, &ct.Name)
		out = append(out, ct)
		return err
	})
	if err != nil {
		return tidbok.CareTypesResult{}, wrapDB("care types", err)
	}
	return tidbok.CareTypesResult{CareTypes: out}, nil
}

// Performers returns every clinician added to the facility, in the order
// added; with TimeTypeIDs or CareTypeIDs, only those the facility has
// published slots of (not withdrawn) with one of these time types and one
// of these care types.
func (b *Book) Performers(ctx context.Context, req tidbok.PerformersRequest) (tidbok.PerformersResult, error) {
	const op = tidbok.OpPerformers
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.PerformersResult{}, err
	}
	if _, err := b.facilityName(ctx, b.db, op, req.Facility); err != nil {
		return tidbok.PerformersResult{}, wrapDB("performers", err)
	}
	query := "SELECT t.id, t.first_name, t.last_name, t.title FROM performers t WHERE t.facility_id = ?"
	args := []any{req.Facility.String()}
	if len(req.TimeTypeIDs) > 0 || len(req.CareTypeIDs) > 0 {
		query += " AND EXISTS (SELECT 1 FROM slots s WHERE s.facility_id = t.facility_id AND s.performer_id = t.id AND NOT s.withdrawn"
		if len(req.TimeTypeIDs) > 0 {
			query += " AND s.time_type_id IN (" + marks(len(req.TimeTypeIDs)) + ")"
			args = appendStrings(args, req.TimeTypeIDs)
		}
		if len(req.CareTypeIDs) > 0 {
			query += " AND s.care_type_id IN (" + marks(len(req.CareTypeIDs)) + ")"
			args = appendStrings(args, req.CareTypeIDs)
		}
		query += ")"
	}
	out := []tidbok.Performer{}
	err := b.each(ctx, query+" ORDER BY t.pos, t.id", args, func(sc scanner) error {
		var p tidbok.Performer
		var id string
		err := sc.Scan(&id, &p.FirstName, &p.LastName, &p.Title)
		p.ID = parseHSAID(id)
		out = append(out, p)
		return err
	})
	if err != nil {
		return tidbok.PerformersResult{}, wrapDB("performers", err)
	}
	return tidbok.PerformersResult{Performers: out}, nil
}

// Facilities returns every facility of the book, in the order added: a
// book vouches for all its clinics. With a BookingID, the booking must be
// the citizen's (at any facility of the book), and it may be moved to, or
// the invitation booked at, any of them.
func (b *Book) Facilities(ctx context.Context, req tidbok.FacilitiesRequest) (tidbok.FacilitiesResult, error) {
	const op = tidbok.OpFacilities
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.FacilitiesResult{}, err
	}
	if _, err := b.facilityName(ctx, b.db, op, req.Facility); err != nil {
		return tidbok.FacilitiesResult{}, wrapDB("facilities", err)
	}
	if req.BookingID != "" {
		var subject string
		err := b.queryRow(ctx, b.db, "SELECT subject FROM bookings WHERE id = ?", req.BookingID).Scan(&subject)
		switch {
		case noRows(err) || err == nil && subject != req.Subject.Canonical():
			return tidbok.FacilitiesResult{}, bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoBooking)
		case err != nil:
			return tidbok.FacilitiesResult{}, wrapDB("facilities", err)
		}
	}
	var out []tidbok.Facility
	err := b.each(ctx, "SELECT id, name FROM facilities ORDER BY pos, id", nil, func(sc scanner) error {
		var id, name string
		err := sc.Scan(&id, &name)
		out = append(out, tidbok.Facility{ID: parseHSAID(id), Name: name})
		return err
	})
	if err != nil {
		return tidbok.FacilitiesResult{}, wrapDB("facilities", err)
	}
	return tidbok.FacilitiesResult{Facilities: out}, nil
}

// each runs query (with ? placeholders) and calls fn for every row.
func (b *Book) each(ctx context.Context, query string, args []any, fn func(scanner) error) error {
	rows, err := b.query(ctx, b.db, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// marks returns n placeholders separated by commas.
func marks(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

func appendStrings(args []any, ss []string) []any {
	for _, s := range ss {
		args = append(args, s)
	}
	return args
}

func appendHSAIDs(args []any, hs []tidbok.HSAID) []any {
	for _, h := range hs {
		args = append(args, h.String())
	}
	return args
}
