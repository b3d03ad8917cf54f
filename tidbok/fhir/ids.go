package fhir

import (
	"encoding/base32"
	"encoding/binary"
	"errors"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The identifier systems of the national registers, as the façade writes
// and reads them.
const (
	// SystemPersonnummer is the OID of Swedish personal identity numbers
	// (personnummer), 12 digits.
	SystemPersonnummer = "urn:oid:1.2.752.129.2.1.3.1"
	// SystemSamordningsnummer is the OID of co-ordination numbers
	// (samordningsnummer), 12 digits.
	SystemSamordningsnummer = "urn:oid:1.2.752.129.2.1.3.3"
	// SystemHSAID is the OID of HSA-ids: clinics, clinicians and
	// consumers.
	SystemHSAID = "urn:oid:1.2.752.29.4.19"
)

// The code systems and extensions of the façade's own, for what the
// national systems do not name. They are URNs, so that they resolve
// nowhere and mean only what this package documents.
const (
	// SystemTimeType codes a book's time types (tidstyp) in
	// Slot.serviceType, Appointment.serviceType and
	// HealthcareService.type; the code is the book's time type ID,
	// local to the clinic.
	SystemTimeType = "urn:webbtidbok:time-type"
	// SystemCareType codes a book's care types (vårdtyp) in
	// serviceCategory; the code is the book's care type ID.
	SystemCareType = "urn:webbtidbok:care-type"
	// SystemResource identifies a slot's room or equipment, a participant
	// of the Appointment whose actor is a Location reference by
	// identifier; the value is the book's resource ID.
	SystemResource = "urn:webbtidbok:resource"

	// ExtMayCancel, ExtMayReschedule and ExtMayMessage carry a booking's
	// flags (tidbok.Flags) as valueBoolean extensions of Appointment.
	ExtMayCancel     = "urn:webbtidbok:may-cancel"
	ExtMayReschedule = "urn:webbtidbok:may-reschedule"
	ExtMayMessage    = "urn:webbtidbok:may-message"
	// ExtInvitation marks an appointment the clinic made on its own
	// initiative (kallelse), valueBoolean.
	ExtInvitation = "urn:webbtidbok:invitation"
	// ExtHoldExpires carries the end of a hold (valueInstant) on the
	// Appointment $hold answers.
	ExtHoldExpires = "urn:webbtidbok:hold-expires"
	// ExtPreviousAppointment names, on an Appointment given to $book, the
	// booking it replaces (valueReference to Appointment/{id}): the
	// booking is moved to the new slot. It is FHIR R5's
	// Appointment.previousAppointment as an R4 cross-version extension.
	ExtPreviousAppointment = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Appointment.previousAppointment"

	// ExtNotification (valueString) on a $book's Appointment is the
	// book's opaque note (tidbok.BookRequest.Notification).
	ExtNotification = "urn:webbtidbok:notification"
	// ExtMedicalFacility (valueIdentifier, system SystemHSAID) on a
	// $book's Appointment is the unit with medical responsibility
	// (tidbok.BookRequest.MedicalFacility).
	ExtMedicalFacility = "urn:webbtidbok:medical-facility"
	// ExtCoAddress (valueString) on the contained Patient's address is
	// the citizen's c/o address (tidbok.ContactInfo.CoAddress).
	ExtCoAddress = "urn:webbtidbok:co-address"
)

// idEncoding writes the opaque parts of the façade's ids in the FHIR id
// alphabet: lower-case base32 without padding.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// maxID is the longest FHIR id.
const maxID = 64

// errLongID says that a book's ID does not fit a FHIR id.
var errLongID = errors.New("the book's ID is too long for a FHIR id (64 characters)")

// The ids of the resources the façade makes up, each a kind letter and
// its encoded parts:
//
//	Slot and proposed Appointment: "p" + (facility tag, start, length, slot ID)
//	booked Appointment:            "b" + (facility tag, booking ID)
//	held Appointment:              "h" + the hold's token
//	HealthcareService:             "t" + (facility tag, time type ID)
//
// The facility tag is a hash of the clinic's HSA-id ([facilityTag]), so
// that an id stays valid when Config.Facilities is reordered, and a
// client that knows the clinic and the book's ID can make it ([SlotID],
// [AppointmentID]). Schedule, Location and Organization ids are the
// clinic's HSA-id, Practitioner ids the clinician's, PractitionerRole ids
// the clinic's and the clinician's joined by a dot.

// facilityTag is the 32-bit FNV-1a hash of the clinic's HSA-id.
func facilityTag(f tidbok.HSAID) uint32 {
	// FNV-1a, as hash/fnv's New32a computes it, without its allocation.
	const offset32, prime32 = 2166136261, 16777619
	h := uint32(offset32)
	for _, c := range []byte(f.String()) {
		h ^= uint32(c)
		h *= prime32
	}
	return h
}

func appendTag(b []byte, f tidbok.HSAID) []byte {
	return binary.BigEndian.AppendUint32(b, facilityTag(f))
}

// slotID encodes a free slot at facility.
func slotID(facility tidbok.HSAID, ts tidbok.Timeslot) (string, error) {
	var buf [64]byte
	b := appendTag(buf[:0], facility)
	b = binary.AppendVarint(b, ts.Start.Unix())
	b = binary.AppendUvarint(b, uint64(ts.End.Sub(ts.Start)/time.Second))
	b = append(b, ts.ID...)
	return withKind('p', b)
}

// bookingID encodes a booking at facility.
func bookingID(facility tidbok.HSAID, id string) (string, error) {
	return withKind('b', append(appendTag(nil, facility), id...))
}

// serviceID encodes a time type at facility.
func serviceID(facility tidbok.HSAID, tt string) (string, error) {
	return withKind('t', append(appendTag(nil, facility), tt...))
}

// SlotID is the id the façade gives a free slot of the book (its Slot's
// and its proposed Appointment's): ts names its clinic (Facility), Start,
// End and the book's ID. It fails for a book ID too long for a FHIR id.
func SlotID(ts tidbok.Timeslot) (string, error) { return slotID(ts.Facility, ts) }

// AppointmentID is the id the façade gives the booking with the book's
// ID bookingID at the clinic.
func AppointmentID(facility tidbok.HSAID, bookID string) (string, error) {
	return bookingID(facility, bookID)
}

// BookID returns the book's own ID that an id of a Slot, a proposed or a
// booked Appointment or a HealthcareService of the façade carries; ok is
// false for any other id (a held Appointment's, say).
func BookID(id string) (bookID string, ok bool) {
	if s, ok := parseSlotID(id); ok {
		return s.id, true
	}
	for _, kind := range []byte{'b', 't'} {
		if _, b, ok := parseIndexed(kind, id); ok {
			return b, true
		}
	}
	return "", false
}

func withKind(kind byte, b []byte) (string, error) {
	n := 1 + idEncoding.EncodedLen(len(b))
	if n > maxID {
		return "", errLongID
	}
	var buf [maxID]byte
	buf[0] = kind
	idEncoding.Encode(buf[1:n], b)
	return string(buf[:n]), nil
}

// slotRef is a decoded slot id; fac is the facility's tag until
// [Handler.at] makes it its index.
type slotRef struct {
	fac        int
	tag        uint32
	start, end time.Time
	id         string
}

// parseSlotID decodes an id slotID made; ok is false for anything else.
func parseSlotID(s string) (slotRef, bool) {
	b, ok := decode('p', s)
	if !ok || len(b) < 4 {
		return slotRef{}, false
	}
	tag := binary.BigEndian.Uint32(b)
	b = b[4:]
	start, n := binary.Varint(b)
	if n <= 0 {
		return slotRef{}, false
	}
	b = b[n:]
	secs, n := binary.Uvarint(b)
	if n <= 0 || secs == 0 || secs > 1<<32 {
		return slotRef{}, false
	}
	st := time.Unix(start, 0).In(tidbok.Stockholm())
	return slotRef{fac: -1, tag: tag, start: st, end: st.Add(time.Duration(secs) * time.Second), id: string(b[n:])}, true
}

// parseIndexed decodes an id of kind made of a facility tag and a book's
// ID (bookingID, serviceID).
func parseIndexed(kind byte, s string) (tag uint32, id string, ok bool) {
	b, ok := decode(kind, s)
	if !ok || len(b) <= 4 {
		return 0, "", false
	}
	return binary.BigEndian.Uint32(b), string(b[4:]), true
}

func decode(kind byte, s string) ([]byte, bool) {
	if len(s) < 2 || len(s) > maxID || s[0] != kind {
		return nil, false
	}
	b, err := idEncoding.DecodeString(s[1:])
	return b, err == nil
}

// holdID is the id of the Appointment a hold stands for.
func holdID(token string) string { return "h" + token }

// parseHoldID returns the token of a held Appointment's id.
func parseHoldID(s string) (string, bool) {
	if len(s) < 2 || s[0] != 'h' {
		return "", false
	}
	return s[1:], true
}

// personIdentifier returns the identifier system of a personal identity
// number.
func personSystem(p tidbok.PersonalNumber) string {
	if p.Kind() == tidbok.KindSamordningsnummer {
		return SystemSamordningsnummer
	}
	return SystemPersonnummer
}

// parseToken splits a FHIR token "system|value" (or a bare value).
func parseToken(s string) (system, value string, hasSystem bool) {
	if i := strings.IndexByte(s, '|'); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return "", s, false
}

// parsePerson parses a citizen's identifier token: the system must be
// the personnummer's or the samordningsnummer's when given.
func parsePerson(tok string) (tidbok.PersonalNumber, error) {
	system, value, has := parseToken(tok)
	if has && system != SystemPersonnummer && system != SystemSamordningsnummer {
		return tidbok.PersonalNumber{}, errors.New("names the system " + system + ": use " + SystemPersonnummer + " (personnummer) or " + SystemSamordningsnummer + " (samordningsnummer)")
	}
	p, err := tidbok.ParsePersonalNumber(value)
	if err != nil {
		return tidbok.PersonalNumber{}, errors.New("is not a valid personal identity number")
	}
	return p, nil
}

// parseHSA parses an HSA-id token or reference tail.
func parseHSA(tok string) (tidbok.HSAID, error) {
	system, value, has := parseToken(tok)
	if has && system != SystemHSAID {
		return tidbok.HSAID{}, errors.New("names the system " + system + ": use " + SystemHSAID + " (HSA-id)")
	}
	return tidbok.ParseHSAID(value)
}

// instant formats t as a FHIR instant with Stockholm's offset.
func instant(t time.Time) string {
	return t.In(tidbok.Stockholm()).Format(time.RFC3339)
}
