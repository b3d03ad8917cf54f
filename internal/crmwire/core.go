package crmwire

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Bool is an xs:boolean. It is written true or false and read from true,
// false, 1 or 0, with surrounding whitespace.
type Bool bool

// MarshalText implements encoding.TextMarshaler.
func (b Bool) MarshalText() ([]byte, error) {
	if b {
		return []byte("true"), nil
	}
	return []byte("false"), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Bool) UnmarshalText(text []byte) error {
	switch strings.Trim(string(text), " \t\r\n") {
	case "true", "1":
		*b = true
	case "false", "0":
		*b = false
	default:
		return fmt.Errorf("crmwire: %q is not an xs:boolean (true, false, 1 or 0)", text)
	}
	return nil
}

func boolPtr(v bool) *Bool {
	b := Bool(v)
	return &b
}

func (b *Bool) value() bool { return b != nil && bool(*b) }

// TimeslotType is core TimeslotType: a free slot, booking or invitation.
// All children are in [NSCore] except isInvitation ([NSCore11]).
type TimeslotType struct {
	StartTimeInclusive     string `xml:"urn:riv:crm:scheduling:1 startTimeInclusive,omitempty"`
	EndTimeExclusive       string `xml:"urn:riv:crm:scheduling:1 endTimeExclusive,omitempty"`
	HealthcareFacility     string `xml:"urn:riv:crm:scheduling:1 healthcare_facility"`
	Performer              string `xml:"urn:riv:crm:scheduling:1 performer,omitempty"`
	BookingID              string `xml:"urn:riv:crm:scheduling:1 bookingId,omitempty"`
	SubjectOfCare          string `xml:"urn:riv:crm:scheduling:1 subject_of_care,omitempty"`
	Purpose                string `xml:"urn:riv:crm:scheduling:1 purpose,omitempty"`
	Reason                 string `xml:"urn:riv:crm:scheduling:1 reason,omitempty"`
	ResourceName           string `xml:"urn:riv:crm:scheduling:1 resourceName,omitempty"`
	HealthcareFacilityName string `xml:"urn:riv:crm:scheduling:1 healthcare_facility_name,omitempty"`
	PerformerName          string `xml:"urn:riv:crm:scheduling:1 performerName,omitempty"`
	ResourceID             string `xml:"urn:riv:crm:scheduling:1 resourceID,omitempty"`
	TimeTypeName           string `xml:"urn:riv:crm:scheduling:1 timeTypeName,omitempty"`
	TimeTypeID             string `xml:"urn:riv:crm:scheduling:1 timeTypeID,omitempty"`
	CareTypeName           string `xml:"urn:riv:crm:scheduling:1 careTypeName,omitempty"`
	CareTypeID             string `xml:"urn:riv:crm:scheduling:1 careTypeID,omitempty"`
	CancelBookingAllowed   *Bool  `xml:"urn:riv:crm:scheduling:1 cancel_booking_allowed,omitempty"`
	RebookingAllowed       *Bool  `xml:"urn:riv:crm:scheduling:1 rebooking_allowed,omitempty"`
	MessageAllowed         *Bool  `xml:"urn:riv:crm:scheduling:1 message_allowed,omitempty"`
	IsInvitation           *Bool  `xml:"urn:riv:crm:scheduling:1.1 isInvitation,omitempty"`
	// IsInvitationCore is isInvitation in the core namespace, as the 2012
	// build of 1.1 declares it. Read only; never written.
	IsInvitationCore *Bool `xml:"urn:riv:crm:scheduling:1 isInvitation,omitempty"`
}

// slotStyle says which optional flags a timeslot carries on the wire.
type slotStyle uint8

const (
	// styleFree: free slots and rebooking requests carry the flags and
	// isInvitation only when true.
	styleFree slotStyle = iota
	// styleBooking: bookings carry all three flags and isInvitation.
	styleBooking
	// styleRequested: MakeBooking's requestedTimeslot carries neither
	// (TKB).
	styleRequested
)

func timeslotToWire(ts tidbok.Timeslot, style slotStyle) TimeslotType {
	var w TimeslotType
	fillTimeslotWire(&w, &ts, style, wireTime(ts.Start), wireTime(ts.End))
	return w
}

// fillTimeslotWire sets the zero *w to ts on the wire, in place: a list's
// timeslots are large, and copying each one costs.
func fillTimeslotWire(w *TimeslotType, ts *tidbok.Timeslot, style slotStyle, start, end string) {
	w.StartTimeInclusive = start
	w.EndTimeExclusive = end
	w.HealthcareFacility = wireHSA(ts.Facility)
	w.Performer = wireHSA(ts.Performer)
	w.BookingID = ts.ID
	w.SubjectOfCare = wirePN(ts.Subject)
	w.Purpose = ts.Purpose
	w.Reason = ts.Reason
	w.ResourceName = ts.Resource.Name
	w.HealthcareFacilityName = ts.FacilityName
	w.PerformerName = ts.PerformerName
	w.ResourceID = ts.Resource.ID
	w.TimeTypeName = ts.TimeType.Name
	w.TimeTypeID = ts.TimeType.ID
	w.CareTypeName = ts.CareType.Name
	w.CareTypeID = ts.CareType.ID
	switch style {
	case styleBooking:
		w.CancelBookingAllowed = boolPtr(ts.Flags.MayCancel)
		w.RebookingAllowed = boolPtr(ts.Flags.MayReschedule)
		w.MessageAllowed = boolPtr(ts.Flags.MayMessage)
		w.IsInvitation = boolPtr(ts.Invitation)
	case styleFree:
		w.CancelBookingAllowed = trueOrNil(ts.Flags.MayCancel)
		w.RebookingAllowed = trueOrNil(ts.Flags.MayReschedule)
		w.MessageAllowed = trueOrNil(ts.Flags.MayMessage)
		w.IsInvitation = trueOrNil(ts.Invitation)
	}
}

func trueOrNil(v bool) *Bool {
	if v {
		return boolPtr(true)
	}
	return nil
}

// timeslot converts a wire timeslot, in the checker's current scope.
func (c *checker) timeslot(w *TimeslotType) tidbok.Timeslot {
	var ts tidbok.Timeslot
	c.fillTimeslot(&ts, w)
	return ts
}

// fillTimeslot sets the zero *ts to the wire timeslot w, in place, in
// the checker's current scope.
func (c *checker) fillTimeslot(ts *tidbok.Timeslot, w *TimeslotType) {
	inv := w.IsInvitation
	if inv == nil {
		inv = w.IsInvitationCore
	}
	ts.ID = w.BookingID
	ts.Start = c.time("startTimeInclusive", w.StartTimeInclusive)
	ts.End = c.time("endTimeExclusive", w.EndTimeExclusive)
	ts.Facility = c.hsa("healthcare_facility", w.HealthcareFacility)
	ts.FacilityName = w.HealthcareFacilityName
	ts.Performer = c.hsa("performer", w.Performer)
	ts.PerformerName = w.PerformerName
	ts.Resource = tidbok.Resource{ID: w.ResourceID, Name: w.ResourceName}
	ts.TimeType = tidbok.TimeType{ID: w.TimeTypeID, Name: w.TimeTypeName}
	ts.CareType = tidbok.CareType{ID: w.CareTypeID, Name: w.CareTypeName}
	ts.Subject = c.pn("subject_of_care", w.SubjectOfCare)
	ts.Purpose = w.Purpose
	ts.Reason = w.Reason
	ts.Flags = tidbok.Flags{
		MayCancel:     w.CancelBookingAllowed.value(),
		MayReschedule: w.RebookingAllowed.value(),
		MayMessage:    w.MessageAllowed.value(),
	}
	ts.Invitation = inv.value()
}

// SubjectOfCareType is core SubjectOfCareType: the citizen's contact
// information. The names are in [NSCore11].
type SubjectOfCareType struct {
	Phone      string `xml:"urn:riv:crm:scheduling:1 phone,omitempty"`
	Email      string `xml:"urn:riv:crm:scheduling:1 email,omitempty"`
	Address    string `xml:"urn:riv:crm:scheduling:1 address,omitempty"`
	CoAddress  string `xml:"urn:riv:crm:scheduling:1 coaddress,omitempty"`
	FirstName  string `xml:"urn:riv:crm:scheduling:1.1 firstName"`
	MiddleName string `xml:"urn:riv:crm:scheduling:1.1 middleName,omitempty"`
	LastName   string `xml:"urn:riv:crm:scheduling:1.1 lastName"`
}

func contactToWire(ci tidbok.ContactInfo) *SubjectOfCareType {
	return &SubjectOfCareType{
		Phone: ci.Phone, Email: ci.Email, Address: ci.Address, CoAddress: ci.CoAddress,
		FirstName: ci.FirstName, MiddleName: ci.MiddleName, LastName: ci.LastName,
	}
}

func (w *SubjectOfCareType) toTidbok() tidbok.ContactInfo {
	if w == nil {
		return tidbok.ContactInfo{}
	}
	return tidbok.ContactInfo{
		FirstName: w.FirstName, MiddleName: w.MiddleName, LastName: w.LastName,
		Phone: w.Phone, Email: w.Email, Address: w.Address, CoAddress: w.CoAddress,
	}
}

// TimeTypeType is core TimeTypeType. Note timeTypeId (lower-case d) here
// against timeTypeID in TimeslotType.
type TimeTypeType struct {
	TimeTypeName string `xml:"urn:riv:crm:scheduling:1 timeTypeName"`
	TimeTypeID   string `xml:"urn:riv:crm:scheduling:1 timeTypeId"`
}

// CareTypeType is core CareTypeType.
type CareTypeType struct {
	CareTypeName string `xml:"urn:riv:crm:scheduling:1 careTypeName"`
	CareTypeID   string `xml:"urn:riv:crm:scheduling:1 careTypeId"`
}

// PerformerInfoType is core PerformerInfoType. The clinician's HSA-id is
// in perfomer (sic, as on the wire); the names are in [NSCore], unlike
// SubjectOfCareType's.
type PerformerInfoType struct {
	Perfomer  string `xml:"urn:riv:crm:scheduling:1 perfomer"`
	FirstName string `xml:"urn:riv:crm:scheduling:1 firstName"`
	LastName  string `xml:"urn:riv:crm:scheduling:1 lastName"`
	Title     string `xml:"urn:riv:crm:scheduling:1 title,omitempty"`
}

// HealthcareFacilityInfoType is core HealthcareFacilityInfoType.
type HealthcareFacilityInfoType struct {
	HealthcareFacility     string `xml:"urn:riv:crm:scheduling:1 healthcare_facility"`
	HealthcareFacilityName string `xml:"urn:riv:crm:scheduling:1 healthcare_facility_name,omitempty"`
}

func wireHSA(h tidbok.HSAID) string {
	if h.IsZero() {
		return ""
	}
	return h.String()
}

func wirePN(p tidbok.PersonalNumber) string {
	if p.IsZero() {
		return ""
	}
	return p.Canonical()
}

func wireDate(d tidbok.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Wire()
}

func wireHSAs(hs []tidbok.HSAID) []string {
	if len(hs) == 0 {
		return nil
	}
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = wireHSA(h)
	}
	return out
}

func sameHSA(a, b tidbok.HSAID) bool {
	return strings.EqualFold(wireHSA(a), wireHSA(b))
}

func samePN(a, b tidbok.PersonalNumber) bool {
	return wirePN(a) == wirePN(b)
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

func timeslotsToWire(tss []tidbok.Timeslot, style slotStyle) []TimeslotType {
	if len(tss) == 0 {
		return nil
	}
	// All the slots' times are formatted into one string, 14 bytes each;
	// a zero time, or one tidbok.AppendWireTime writes at another length
	// (a year past 9999), stays zero bytes there and is formatted alone.
	const n = 14 // len(wireTime(t)) for years 0 to 9999
	buf := make([]byte, 0, 2*n*len(tss))
	var none [n]byte
	put := func(t time.Time) {
		at := len(buf)
		if !t.IsZero() {
			buf = tidbok.AppendWireTime(buf, t)
		}
		if len(buf)-at != n {
			buf = append(buf[:at], none[:]...)
		}
	}
	for i := range tss {
		put(tss[i].Start)
		put(tss[i].End)
	}
	all := string(buf)
	timeAt := func(t time.Time, i int) string {
		switch {
		case t.IsZero():
			return ""
		case all[i] == 0:
			return wireTime(t)
		}
		return all[i : i+n]
	}
	out := newWireSlots(len(tss))
	for i := range tss {
		ts := &tss[i]
		fillTimeslotWire(&out[i], ts, style, timeAt(ts.Start, 2*n*i), timeAt(ts.End, 2*n*i+n))
	}
	return out
}

// wireSlots holds zeroed []TimeslotType for timeslotsToWire, handed
// back by recycleWire once an answer holding them is written out: a
// list's timeslots are large, and an answer's are garbage as soon as the
// envelope is.
var wireSlots sync.Pool

// newWireSlots returns n zero TimeslotTypes, from wireSlots if it holds
// room enough.
func newWireSlots(n int) []TimeslotType {
	if p, _ := wireSlots.Get().(*[]TimeslotType); p != nil && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]TimeslotType, n)
}

// maxPooledSlots is the longest list wireSlots keeps.
const maxPooledSlots = 4096

// recycleWire hands the timeslots of the wire answer w back to
// wireSlots, zeroed; w must not be used after, and nothing may point
// into them.
func recycleWire(w any) {
	var s []TimeslotType
	switch w := w.(type) {
	case *GetAvailableTimeslotsResponse:
		s, w.TimeslotDetail = w.TimeslotDetail, nil
	case *GetSubjectOfCareScheduleResponse:
		s, w.TimeslotDetail = w.TimeslotDetail, nil
	}
	if cap(s) == 0 || cap(s) > maxPooledSlots {
		return
	}
	s = s[:cap(s)]
	clear(s)
	s = s[:0]
	wireSlots.Put(&s)
}

// reusedWireSlots returns an empty list with room from wireSlots, or nil,
// for a wire answer to be decoded into and then handed to recycleWire.
func reusedWireSlots() []TimeslotType {
	if p, _ := wireSlots.Get().(*[]TimeslotType); p != nil {
		return (*p)[:0]
	}
	return nil
}

// slotRule says which elements of a timeslot in an answer are required:
// the XSD requires only healthcare_facility, and the TKB (crm-scheduling.md
// §1.4) more, per contract.
type slotRule uint8

const (
	// freeSlot: GetAvailableTimeslots; start, end and facility.
	freeSlot slotRule = iota
	// scheduledBooking: GetSubjectOfCareSchedule; also bookingId and
	// subject_of_care.
	scheduledBooking
	// bookingDetails: GetBookingDetails; facility, subject_of_care and the
	// three permission flags, start and end unless it is an open
	// invitation, and both or neither of them.
	bookingDetails
)

// requireSlot records a problem for each element of w that rule requires
// and w lacks, in the checker's current scope.
func (c *checker) requireSlot(w *TimeslotType, rule slotRule) {
	timed := true
	if rule == bookingDetails {
		inv := w.IsInvitation
		if inv == nil {
			inv = w.IsInvitationCore
		}
		if inv.value() {
			start, end := trimXML(w.StartTimeInclusive) != "", trimXML(w.EndTimeExclusive) != ""
			timed = start || end
			if start != end {
				c.add("endTimeExclusive", "a timed invitation needs both startTimeInclusive and endTimeExclusive")
				timed = false
			}
		}
	}
	if timed {
		c.required("startTimeInclusive", w.StartTimeInclusive)
		c.required("endTimeExclusive", w.EndTimeExclusive)
	}
	c.required("healthcare_facility", w.HealthcareFacility)
	switch rule {
	case scheduledBooking:
		c.required("bookingId", w.BookingID)
		c.required("subject_of_care", w.SubjectOfCare)
	case bookingDetails:
		c.required("subject_of_care", w.SubjectOfCare)
		c.requiredBool("cancel_booking_allowed", w.CancelBookingAllowed)
		c.requiredBool("rebooking_allowed", w.RebookingAllowed)
		c.requiredBool("message_allowed", w.MessageAllowed)
	}
}

// timeslots converts repeated wire timeslots named elem of an answer,
// checking each against rule.
func (c *checker) timeslots(elem string, ws []TimeslotType, rule slotRule) []tidbok.Timeslot {
	if len(ws) == 0 {
		return nil
	}
	out := make([]tidbok.Timeslot, len(ws))
	for i := range ws {
		c.in(elem, i+1)
		c.requireSlot(&ws[i], rule)
		c.fillTimeslot(&out[i], &ws[i])
	}
	c.in("", 0)
	return out
}
