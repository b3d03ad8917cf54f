package sqltidbok

import (
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// IDs are a letter ('s' for a slot, 'b' for a booking or invitation) and
// 16 characters of base 32 holding 80 random bits: unique without asking
// the database, in every process, and unguessable, so that an ID reveals
// nothing about other bookings.

const (
	slotPrefix    = 's'
	bookingPrefix = 'b'
	idLen         = 1 + 16
)

var idEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

func newID(prefix byte) string {
	var raw [10]byte
	_, _ = rand.Read(raw[:]) // never fails (crypto/rand)
	buf := make([]byte, idLen)
	buf[0] = prefix
	idEncoding.Encode(buf[1:], raw[:])
	return string(buf)
}

// hasPrefix reports whether id has the shape of an ID with prefix.
func hasPrefix(id string, prefix byte) bool { return len(id) == idLen && id[0] == prefix }

// Dates are stored as the integer yyyymmdd, which orders like the dates.

func dayOf(t time.Time) int64 { return dayKey(tidbok.DateOf(t)) }

func dayKey(d tidbok.Date) int64 {
	return int64(d.Year)*10000 + int64(d.Month)*100 + int64(d.Day)
}

func dateOfKey(k int64) tidbok.Date {
	return tidbok.Date{Year: int(k / 10000), Month: time.Month(k / 100 % 100), Day: int(k % 100)}
}

func instant(ns int64) time.Time { return time.Unix(0, ns).In(tidbok.Stockholm()) }

// describe holds the descriptive columns every slot and booking answer
// carries, as stored: the facility, the time type, care type, performer
// and resource with their names.
type describe struct {
	facility, facilityName       string
	timeType, timeTypeName       string
	careType, careTypeName       string
	performer                    string
	perfFirst, perfLast, perfTtl string
	resource, resourceName       string
}

// fields returns pointers to d's columns in the order describeColumns
// (with the alias s) selects them.
func (d *describe) fields() []any {
	return []any{
		&d.facility, &d.facilityName,
		&d.timeType, &d.timeTypeName,
		&d.careType, &d.careTypeName,
		&d.performer, &d.perfFirst, &d.perfLast, &d.perfTtl,
		&d.resource, &d.resourceName,
	}
}

// slotDescribe selects a slot's descriptive columns; slotJoins joins the
// registries they name (alias s for the slot).
const (
	slotDescribe = `s.facility_id, f.name,
		s.time_type_id, COALESCE(tt.name, ''),
		s.care_type_id, COALESCE(ct.name, ''),
		s.performer_id, COALESCE(p.first_name, ''), COALESCE(p.last_name, ''), COALESCE(p.title, ''),
		s.resource_id, COALESCE(r.name, '')`
	slotJoins = `
		JOIN facilities f ON f.id = s.facility_id
		LEFT JOIN time_types tt ON tt.facility_id = s.facility_id AND tt.id = s.time_type_id
		LEFT JOIN care_types ct ON ct.facility_id = s.facility_id AND ct.id = s.care_type_id
		LEFT JOIN performers p ON p.facility_id = s.facility_id AND p.id = s.performer_id
		LEFT JOIN resources r ON r.facility_id = s.facility_id AND r.id = s.resource_id`
)

// timeslot returns the Timeslot fields d describes.
func (d *describe) timeslot() tidbok.Timeslot {
	ts := tidbok.Timeslot{
		Facility:     parseHSAID(d.facility),
		FacilityName: d.facilityName,
		TimeType:     tidbok.TimeType{ID: d.timeType, Name: d.timeTypeName},
	}
	if d.careType != "" {
		ts.CareType = tidbok.CareType{ID: d.careType, Name: d.careTypeName}
	}
	if d.resource != "" {
		ts.Resource = tidbok.Resource{ID: d.resource, Name: d.resourceName}
	}
	if d.performer != "" {
		ts.Performer = parseHSAID(d.performer)
		ts.PerformerName = performerName(tidbok.Performer{FirstName: d.perfFirst, LastName: d.perfLast, Title: d.perfTtl})
	}
	return ts
}

// performerName joins title, first and last name with spaces, as the
// wire's performerName.
func performerName(p tidbok.Performer) string {
	parts := make([]string, 0, 3)
	for _, s := range []string{p.Title, p.FirstName, p.LastName} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// parseHSAID reads an HSA-id the book stored; the book stores only
// canonical ones.
func parseHSAID(s string) tidbok.HSAID {
	if s == "" {
		return tidbok.HSAID{}
	}
	h, err := tidbok.ParseHSAID(s)
	if err != nil {
		return tidbok.HSAID{}
	}
	return h
}

// parsePersonalNumber reads a personal number the book stored in
// canonical form.
func parsePersonalNumber(s string) tidbok.PersonalNumber {
	var p tidbok.PersonalNumber
	if s != "" {
		_ = p.UnmarshalText([]byte(s))
	}
	return p
}

// bookingRow is a booking or invitation as stored, with its slot and the
// descriptive columns of the slot (or, for an open invitation, its own).
type bookingRow struct {
	id                 string
	slotID             sql.NullString
	start, end         sql.NullInt64
	describe           describe
	subject            string
	invitation         bool
	purpose, reason    string
	ownFlags, slotFlag sql.NullInt64

	contact      tidbok.ContactInfo
	medFacility  string
	notification string
	actorPerson  string
	actorAgent   string
	reschedules  int
	bookedAt     int64
}

// bookingSelect selects a booking's columns, bookingFrom joins what they
// need (alias bk for the booking, s for its slot); bookingRow.scan reads
// them.
const (
	bookingSelect = `SELECT bk.id, bk.slot_id, s.start_ns, s.end_ns,
		bk.facility_id, f.name,
		COALESCE(s.time_type_id, bk.time_type_id), COALESCE(tt.name, ''),
		COALESCE(s.care_type_id, bk.care_type_id), COALESCE(ct.name, ''),
		COALESCE(s.performer_id, bk.performer_id), COALESCE(p.first_name, ''), COALESCE(p.last_name, ''), COALESCE(p.title, ''),
		COALESCE(s.resource_id, bk.resource_id), COALESCE(r.name, ''),
		bk.subject, bk.invitation, bk.purpose, bk.reason, bk.flags, s.flags,
		bk.first_name, bk.middle_name, bk.last_name, bk.phone, bk.email, bk.address, bk.co_address,
		bk.med_facility, bk.notification, bk.actor_person, bk.actor_agent, bk.reschedules, bk.booked_at_ns`
	bookingFrom = `
		FROM bookings bk
		JOIN facilities f ON f.id = bk.facility_id
		LEFT JOIN slots s ON s.id = bk.slot_id
		LEFT JOIN time_types tt ON tt.facility_id = bk.facility_id AND tt.id = COALESCE(s.time_type_id, bk.time_type_id)
		LEFT JOIN care_types ct ON ct.facility_id = bk.facility_id AND ct.id = COALESCE(s.care_type_id, bk.care_type_id)
		LEFT JOIN performers p ON p.facility_id = bk.facility_id AND p.id = COALESCE(s.performer_id, bk.performer_id)
		LEFT JOIN resources r ON r.facility_id = bk.facility_id AND r.id = COALESCE(s.resource_id, bk.resource_id)`
)

type scanner interface{ Scan(dest ...any) error }

func (r *bookingRow) scan(sc scanner) error {
	dest := []any{&r.id, &r.slotID, &r.start, &r.end}
	dest = append(dest, r.describe.fields()...)
	dest = append(dest, &r.subject, &r.invitation, &r.purpose, &r.reason, &r.ownFlags, &r.slotFlag,
		&r.contact.FirstName, &r.contact.MiddleName, &r.contact.LastName, &r.contact.Phone,
		&r.contact.Email, &r.contact.Address, &r.contact.CoAddress,
		&r.medFacility, &r.notification, &r.actorPerson, &r.actorAgent, &r.reschedules, &r.bookedAt)
	return sc.Scan(dest...)
}

func (r *bookingRow) open() bool { return !r.slotID.Valid }

// timeslot returns the booking as the citizen sees it, with its flags as
// of now.
func (b *Book) timeslot(r *bookingRow, now time.Time) tidbok.Timeslot {
	ts := r.describe.timeslot()
	ts.ID = r.id
	if !r.open() {
		ts.Start, ts.End = instant(r.start.Int64), instant(r.end.Int64)
	}
	ts.Subject = parsePersonalNumber(r.subject)
	ts.Purpose = r.purpose
	ts.Reason = r.reason
	ts.Invitation = r.invitation
	ts.Flags = b.flagsOf(r, ts, now)
	return ts
}

// flagsOf computes r's flags: staff's, else its slot's, else the
// policy's, limited to the book's capabilities. ts is r as the citizen
// sees it.
func (b *Book) flagsOf(r *bookingRow, ts tidbok.Timeslot, now time.Time) tidbok.Flags {
	var own *tidbok.Flags
	switch {
	case r.ownFlags.Valid:
		f := decodeFlags(r.ownFlags.Int64)
		own = &f
	case r.slotFlag.Valid:
		f := decodeFlags(r.slotFlag.Int64)
		own = &f
	}
	return b.cfg.Flags(own, ts, now)
}
