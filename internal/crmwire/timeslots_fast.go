package crmwire

import (
	"encoding/xml"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The GetAvailableTimeslots answer, the longest the wire carries, is
// written and read without its wire struct: the encoder writes each
// tidbok.Timeslot's elements itself (AppendContent), and the decoder
// fills tidbok.Timeslots straight from the scanner's tokens
// (decodeFreeSlots). The encoder writes every answer, byte for byte as
// the wire struct's layout would. The decoder covers the common case
// only and leaves anything else to the wire struct and the checker, which
// decide it as before: it takes an answer whose slots have their
// elements in schema order, once each, with the required ones present
// and every value valid, and gives up on anything else (an element it
// does not expect, a problem to report), the message then being read by
// the wire struct.

// freeSlotsAnswer is GetAvailableTimeslotsResponse as the encoder writes
// it: the same fields and tags, so the same layout and prefixes on the
// Envelope, its slots written from answer by AppendContent (its
// TimeslotDetail stays empty).
type freeSlotsAnswer struct {
	XMLName        xml.Name       `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 GetAvailableTimeslotsResponse"`
	TimeslotDetail []TimeslotType `xml:"urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1 timeslotDetail"`

	answer tidbok.AvailableTimeslotsResult
}

// slotElem is an element of TimeslotType, in schema order.
type slotElem uint8

const (
	elStart slotElem = iota
	elEnd
	elFacility
	elPerformer
	elBookingID
	elSubject
	elPurpose
	elReason
	elResourceName
	elFacilityName
	elPerformerName
	elResourceID
	elTimeTypeName
	elTimeTypeID
	elCareTypeName
	elCareTypeID
	elCancel
	elRebook
	elMessage
	elInvitation // isInvitation, in NSCore11
	numSlotElems
)

// slotElemNames are the local names of the slot elements.
var slotElemNames = [numSlotElems]string{
	"startTimeInclusive", "endTimeExclusive", "healthcare_facility", "performer", "bookingId",
	"subject_of_care", "purpose", "reason", "resourceName", "healthcare_facility_name",
	"performerName", "resourceID", "timeTypeName", "timeTypeID", "careTypeName", "careTypeID",
	"cancel_booking_allowed", "rebooking_allowed", "message_allowed", "isInvitation",
}

// freeSlotTags are the open and close tags of GetAvailableTimeslotsResponse's
// content, with the prefixes its envelope declares.
type freeSlotTags struct {
	itemOpen, itemClose string
	open, close         [numSlotElems]string
}

// timeslotTags gives the tags once: they follow from the wire struct's
// layout, which never changes.
var timeslotTags = sync.OnceValue(func() *freeSlotTags {
	w := new(freeSlotsAnswer)
	const responder = "urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1"
	pr, ok1 := soap.Prefix(w, responder)
	pc, ok2 := soap.Prefix(w, NSCore)
	pc11, ok3 := soap.Prefix(w, NSCore11)
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	t := &freeSlotTags{itemOpen: "<" + pr + ":timeslotDetail>", itemClose: "</" + pr + ":timeslotDetail>"}
	for i, local := range slotElemNames {
		p := pc
		if slotElem(i) == elInvitation {
			p = pc11
		}
		t.open[i], t.close[i] = "<"+p+":"+local+">", "</"+p+":"+local+">"
	}
	return t
})

// AppendContent implements soap.ContentAppender: an answer made from a
// tidbok result writes its free slots as timeslotsToWire and the layout
// would (styleFree), without building them as TimeslotTypes first.
func (w *freeSlotsAnswer) AppendContent(dst []byte) ([]byte, bool) {
	tags := timeslotTags()
	if len(w.TimeslotDetail) > 0 || tags == nil {
		return dst, false
	}
	var (
		wt wireTimes
		// The last text of each element and where its escaped form is
		// in dst: values repeat from slot to slot.
		last            [numSlotElems]string
		lastAt, lastEnd [numSlotElems]int
		// lastRest is the last slot but for the fields written before
		// its elements after bookingId, which are at dst[restAt:restEnd].
		lastRest        tidbok.Timeslot
		restAt, restEnd int
	)
	for ts := range w.answer.All() {
		dst = append(dst, tags.itemOpen...)
		str := func(e slotElem, s string) {
			if s == "" {
				return
			}
			dst = append(dst, tags.open[e]...)
			if s == last[e] && lastEnd[e] > 0 {
				dst = append(dst, dst[lastAt[e]:lastEnd[e]]...)
			} else {
				at := len(dst)
				dst = soap.AppendText(dst, s)
				last[e], lastAt[e], lastEnd[e] = s, at, len(dst)
			}
			dst = append(dst, tags.close[e]...)
		}
		flag := func(e slotElem, v bool) {
			if v {
				dst = append(dst, tags.open[e]...)
				dst = append(dst, "true"...)
				dst = append(dst, tags.close[e]...)
			}
		}
		if !ts.Start.IsZero() {
			dst = append(dst, tags.open[elStart]...)
			dst = wt.append(dst, ts.Start)
			dst = append(dst, tags.close[elStart]...)
		}
		if !ts.End.IsZero() {
			dst = append(dst, tags.open[elEnd]...)
			dst = wt.append(dst, ts.End)
			dst = append(dst, tags.close[elEnd]...)
		}
		// healthcare_facility is written even when empty.
		if ts.Facility.IsZero() {
			dst = append(dst, tags.open[elFacility]...)
			dst = append(dst, tags.close[elFacility]...)
		} else {
			str(elFacility, ts.Facility.String())
		}
		str(elPerformer, wireHSA(ts.Performer))
		str(elBookingID, ts.ID)
		// The elements after bookingId mostly repeat the slot before's:
		// then their bytes are copied at once.
		rest := ts
		rest.ID, rest.Start, rest.End, rest.Facility, rest.Performer = "", time.Time{}, time.Time{}, tidbok.HSAID{}, tidbok.HSAID{}
		if restEnd > 0 && rest == lastRest {
			dst = append(dst, dst[restAt:restEnd]...)
			dst = append(dst, tags.itemClose...)
			continue
		}
		lastRest, restAt = rest, len(dst)
		str(elSubject, wirePN(ts.Subject))
		str(elPurpose, ts.Purpose)
		str(elReason, ts.Reason)
		str(elResourceName, ts.Resource.Name)
		str(elFacilityName, ts.FacilityName)
		str(elPerformerName, ts.PerformerName)
		str(elResourceID, ts.Resource.ID)
		str(elTimeTypeName, ts.TimeType.Name)
		str(elTimeTypeID, ts.TimeType.ID)
		str(elCareTypeName, ts.CareType.Name)
		str(elCareTypeID, ts.CareType.ID)
		flag(elCancel, ts.Flags.MayCancel)
		flag(elRebook, ts.Flags.MayReschedule)
		flag(elMessage, ts.Flags.MayMessage)
		flag(elInvitation, ts.Invitation)
		restEnd = len(dst)
		dst = append(dst, tags.itemClose...)
	}
	return dst, true
}

// wireTimes formats wire times as tidbok.AppendWireTime does, through the
// Stockholm offset and date of the last local day and zone period met:
// an answer's slots mostly fall on a few days.
type wireTimes struct {
	// from ≤ unix seconds < to share the local date y-mo-d, whose
	// midnight is at unix seconds midnight.
	from, to, midnight int64
	y, mo, d           int
	valid              bool
}

func (c *wireTimes) append(dst []byte, t time.Time) []byte {
	u := t.Unix()
	if !c.valid || u < c.from || u >= c.to {
		if !c.load(t) {
			return tidbok.AppendWireTime(dst, t)
		}
	}
	sec := int(u - c.midnight)
	var b [14]byte
	put := func(at, v, n int) {
		for j := at + n - 1; j >= at; j-- {
			b[j] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, c.y, 4)
	put(4, c.mo, 2)
	put(6, c.d, 2)
	put(8, sec/3600, 2)
	put(10, sec/60%60, 2)
	put(12, sec%60, 2)
	return append(dst, b[:]...)
}

// load sets c to t's local day and zone period; false for a year
// AppendWireTime does not write in 14 digits.
func (c *wireTimes) load(t time.Time) bool {
	l := t.In(tidbok.Stockholm())
	y, mo, d := l.Date()
	if y < 0 || y > 9999 {
		c.valid = false
		return false
	}
	h, mi, s := l.Clock()
	u := t.Unix()
	c.midnight = u - int64(h*3600+mi*60+s)
	c.from, c.to = c.midnight, c.midnight+24*3600
	if zs, ze := l.ZoneBounds(); !zs.IsZero() || !ze.IsZero() {
		if !zs.IsZero() && zs.Unix() > c.from {
			c.from = zs.Unix()
		}
		if !ze.IsZero() && ze.Unix() < c.to {
			c.to = ze.Unix()
		}
	}
	c.y, c.mo, c.d, c.valid = y, int(mo), d, true
	return true
}

// decodeFreeSlots reads GetAvailableTimeslotsResponse's content into
// the answer, or gives up (false) on anything but valid free slots in
// schema order.
func decodeFreeSlots(t soap.Tokens) (any, bool) {
	d := freeSlotDecoder{t: t, template: -1}
	return d.decode()
}

// freeSlotDecoder reads free slots into a compact answer. Values that
// repeat from one slot to the next (the clinic, the clinician, the time
// type …) are kept as one string, and slots that share all of them share
// one template of the answer.
type freeSlotDecoder struct {
	t soap.Tokens
	b tidbok.TimeslotsBuilder
	// shared holds the fields of template, the builder's last template
	// (-1 before the first); id the slot's ID being read.
	shared   tidbok.Timeslot
	template int
	id       []byte
	// last holds the last text of each string element, and the parsed
	// HSA-ids of the last facility and performer.
	last                [numSlotElems]string
	facility, performer tidbok.HSAID
	times               wireHours
	// plain[e]: last[e] is an element's content as written (no
	// references), so the next one may be compared with it as it stands.
	plain [numSlotElems]bool
	// qname holds each element's qualified name as the message writes
	// it, valid while the scanner's scope is scope; item is
	// timeslotDetail's, valid while it is itemScope.
	qname     [numSlotElems][]byte
	scope     uint32
	item      []byte
	itemScope uint32
	// run is the message's bytes [runFrom, runTo) after the last slot's
	// bookingId, when every element in them was read by its qualified
	// name (LeafNamed, LeafNamedAs) in scope runScope: the elements
	// after a bookingId mostly repeat the slot before's byte for byte,
	// and a slot that goes on with the same bytes takes the fields they
	// gave (runFields) at once, its next element after runNext.
	runFrom, runTo int
	runScope       uint32
	runNext        slotElem
	runFields      tidbok.Timeslot
}

// copyAfterBookingID sets dst's fields of the elements after bookingId
// to src's.
func copyAfterBookingID(dst, src *tidbok.Timeslot) {
	dst.Subject, dst.Purpose, dst.Reason = src.Subject, src.Purpose, src.Reason
	dst.Resource, dst.FacilityName, dst.PerformerName = src.Resource, src.FacilityName, src.PerformerName
	dst.TimeType, dst.CareType = src.TimeType, src.CareType
	dst.Flags, dst.Invitation = src.Flags, src.Invitation
}

const nsResponder = "urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1"

func (d *freeSlotDecoder) decode() (any, bool) {
	from := d.t.Offset()
	for {
		if d.item == nil || d.t.Scope() != d.itemScope || !d.t.StartNamed(d.item) {
			start, ok := d.t.Next()
			if !ok {
				return nil, false
			}
			if !start {
				break // the answer's end tag
			}
			space, local := d.t.Name()
			if space != nsResponder || string(local) != "timeslotDetail" || d.t.Empty() {
				return nil, false
			}
			d.item, d.itemScope = d.t.QName(), d.t.Scope()
		}
		if !d.slot() {
			return nil, false
		}
		if d.b.Len() == 1 {
			// Room for as many slots as would fill the rest of the
			// message at the first one's size.
			if size := d.t.Offset() - from; size > 0 {
				d.b.Grow(min(d.t.Rest()/size, 4096), 0)
			}
		}
	}
	if d.b.Len() == 0 {
		return tidbok.NewAvailableTimeslots(nil), true
	}
	return d.b.Result(), true
}

// slot reads one timeslotDetail after its start tag, through its end
// tag, and appends it.
func (d *freeSlotDecoder) slot() bool {
	var tsv tidbok.Timeslot
	ts := &tsv
	next := slotElem(0)
	var seen [numSlotElems]bool
	d.id = d.id[:0]
	// This slot's run (see freeSlotDecoder.run): from its bookingId on,
	// while every element is read by its qualified name.
	runFrom, runTo, runOK, runNext := -1, -1, false, slotElem(0)
	for {
		var (
			e     slotElem
			text  []byte
			found bool
		)
		// Mostly the elements of the slots before, as written there,
		// often with the same text.
		same := false
		if d.t.Scope() == d.scope {
			for k := next; k < numSlotElems && !found; k++ {
				q := d.qname[k]
				if q == nil {
					continue
				}
				if d.plain[k] && d.t.LeafNamedAs(q, d.last[k]) {
					e, found, same = k, true, true
				} else if text, found = d.t.LeafNamed(q); found {
					e = k
				}
			}
		}
		plain, byName := found, found
		if !found {
			// Else <p:name>text</p:name> read at once, or token by token.
			space, local, leafText, leaf := d.t.Leaf()
			if !leaf {
				start, ok := d.t.Next()
				if !ok {
					return false
				}
				if !start {
					break
				}
				space, local = d.t.Name()
			}
			e = next
			for e < numSlotElems && slotElemNames[e] != string(local) {
				e++
			}
			want := NSCore
			if e == elInvitation {
				want = NSCore11
			}
			// Out of order, repeated, unknown, in another namespace, or
			// subject_of_care (a free slot has none): the wire struct
			// decides.
			if e == numSlotElems || space != want || e == elSubject {
				return false
			}
			plain = leaf
			if leaf {
				text = leafText
				if sc := d.t.Scope(); sc != d.scope {
					d.qname, d.scope = [numSlotElems][]byte{}, sc
				}
				d.qname[e] = d.t.QName()
			} else {
				var ok bool
				if text, ok = d.t.Text(); !ok {
					return false
				}
			}
		}
		next = e + 1
		seen[e] = true
		switch {
		case e == elBookingID:
			runFrom, runTo, runOK = d.t.Offset(), -1, true
			if d.runTo > d.runFrom && d.t.Scope() == d.runScope && d.t.Repeat(d.runFrom, d.runTo) {
				// The elements after it as the slot before had them.
				copyAfterBookingID(ts, &d.runFields)
				next, runTo, runNext = d.runNext, d.t.Offset(), d.runNext
			}
		case runFrom >= 0 && byName:
			runTo, runNext = d.t.Offset(), next
		default:
			runOK = false
		}
		ok := true
		if same {
			// d.last[e] is the text, and what it gave is at hand.
			switch e {
			case elFacility:
				ts.Facility = d.facility
			case elPerformer:
				ts.Performer = d.performer
			default:
				d.setString(ts, e, d.last[e])
			}
			continue
		}
		switch e {
		case elStart:
			if ts.Start, ok = d.times.parse(text); !ok {
				return false
			}
		case elEnd:
			if ts.End, ok = d.times.parse(text); !ok {
				return false
			}
		case elFacility:
			if ts.Facility, ok = d.hsa(e, &d.facility, text, plain); !ok {
				return false
			}
		case elPerformer:
			if ts.Performer, ok = d.hsa(e, &d.performer, text, plain); !ok {
				return false
			}
		case elBookingID:
			d.id = append(d.id, text...)
		case elCancel, elRebook, elMessage, elInvitation:
			v, ok := parseBool(text)
			if !ok {
				return false
			}
			switch e {
			case elCancel:
				ts.Flags.MayCancel = v
			case elRebook:
				ts.Flags.MayReschedule = v
			case elMessage:
				ts.Flags.MayMessage = v
			default:
				ts.Invitation = v
			}
		default:
			d.setString(ts, e, d.str(e, text, plain))
		}
	}
	// A free slot's required elements (freeSlot): otherwise the checker
	// words the problem.
	if !seen[elStart] || !seen[elEnd] || !seen[elFacility] || ts.Start.IsZero() || ts.End.IsZero() || ts.Facility.IsZero() {
		return false
	}
	d.runFrom, d.runTo = 0, 0
	if runOK && runTo > runFrom {
		d.runFrom, d.runTo, d.runScope, d.runNext = runFrom, runTo, d.scope, runNext
		copyAfterBookingID(&d.runFields, ts)
	}
	start, end := ts.Start, ts.End
	ts.Start, ts.End = time.Time{}, time.Time{}
	if d.template < 0 || *ts != d.shared {
		d.template, d.shared = d.b.Template(*ts), *ts
	}
	d.b.Add(d.template, string(d.id), start, end)
	return true
}

// setString sets ts's field of the string element e.
func (d *freeSlotDecoder) setString(ts *tidbok.Timeslot, e slotElem, s string) {
	switch e {
	case elPurpose:
		ts.Purpose = s
	case elReason:
		ts.Reason = s
	case elResourceName:
		ts.Resource.Name = s
	case elFacilityName:
		ts.FacilityName = s
	case elPerformerName:
		ts.PerformerName = s
	case elResourceID:
		ts.Resource.ID = s
	case elTimeTypeName:
		ts.TimeType.Name = s
	case elTimeTypeID:
		ts.TimeType.ID = s
	case elCareTypeName:
		ts.CareType.Name = s
	case elCareTypeID:
		ts.CareType.ID = s
	}
}

// str returns text as a string, the last one of element e if the same;
// plain says the text is the element's content as written.
func (d *freeSlotDecoder) str(e slotElem, text []byte, plain bool) string {
	if string(text) != d.last[e] {
		d.last[e], d.plain[e] = string(text), plain
	}
	return d.last[e]
}

// hsa parses the HSA-id of element e, reusing *last when the text is the
// last one's; plain says the text is the element's content as written.
func (d *freeSlotDecoder) hsa(e slotElem, last *tidbok.HSAID, text []byte, plain bool) (tidbok.HSAID, bool) {
	if string(text) == d.last[e] && d.last[e] != "" {
		return *last, true
	}
	s := trimXML(string(text))
	if s == "" {
		return tidbok.HSAID{}, true
	}
	h, err := tidbok.ParseHSAID(s)
	if err != nil {
		return tidbok.HSAID{}, false
	}
	d.last[e], d.plain[e], *last = string(text), plain, h
	return h, true
}

// parseBool reads an xs:boolean as Bool.UnmarshalText does.
func parseBool(text []byte) (v, ok bool) {
	switch trimXML(string(text)) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// wireHours parses wire times as tidbok.ParseWireTime does, through the
// instant of the last local midnight met and those of the last two whole
// local hours met. In the years of the EU rules Swedish time changes
// only at 01:00 UTC, in the small hours: on a day whose noon is twelve
// hours after its midnight it does not change at all, and a wall time
// there is its midnight's instant plus the time of day. On the two days a
// year it changes, it changes at a whole hour, so a wall time mm:ss past
// an hour is that hour's instant plus mm:ss, and a gap or repeat covers
// whole hours. Two hours, as a slot mostly starts in the hour its
// predecessor ended in, and may end in the next.
type wireHours struct {
	day      [8]byte // YYYYMMDD
	midnight time.Time
	// dayState is 0 before a day is loaded, 1 for a day whose offset
	// does not change, 2 for one whose offset does.
	dayState uint8

	key   [2][10]byte // YYYYMMDDhh
	hour  [2]time.Time
	valid [2]bool
	older int // the entry to replace next
}

func (w *wireHours) parse(text []byte) (time.Time, bool) {
	for len(text) > 0 && isXMLSpace(text[0]) {
		text = text[1:]
	}
	for len(text) > 0 && isXMLSpace(text[len(text)-1]) {
		text = text[:len(text)-1]
	}
	if len(text) != 14 {
		return time.Time{}, false
	}
	for _, c := range text {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
	}
	hh := int(text[8]-'0')*10 + int(text[9]-'0')
	mm := int(text[10]-'0')*10 + int(text[11]-'0')
	ss := int(text[12]-'0')*10 + int(text[13]-'0')
	year := int(text[0]-'0')*1000 + int(text[1]-'0')*100 + int(text[2]-'0')*10 + int(text[3]-'0')
	if hh > 23 || mm > 59 || ss > 59 || year < cachedYearMin || year > cachedYearMax {
		t, err := tidbok.ParseWireTime(string(text))
		return t, err == nil
	}
	if w.dayState == 0 || string(text[:8]) != string(w.day[:]) {
		var at [14]byte
		copy(at[:], text[:8])
		copy(at[8:], "000000")
		midnight, err := tidbok.ParseWireTime(string(at[:]))
		if err != nil {
			return time.Time{}, false // not a date
		}
		copy(at[8:], "120000")
		noon, err := tidbok.ParseWireTime(string(at[:]))
		copy(w.day[:], text[:8])
		w.midnight, w.dayState = midnight, 2
		if err == nil && noon.Sub(midnight) == 12*time.Hour {
			w.dayState = 1
		}
	}
	if w.dayState == 1 {
		return w.midnight.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second), true
	}
	i := 0
	switch {
	case w.valid[0] && string(text[:10]) == string(w.key[0][:]):
	case w.valid[1] && string(text[:10]) == string(w.key[1][:]):
		i = 1
	default:
		var hour [14]byte
		copy(hour[:], text[:10])
		copy(hour[10:], "0000")
		t, err := tidbok.ParseWireTime(string(hour[:]))
		if err != nil {
			return time.Time{}, false
		}
		i, w.older = w.older, 1-w.older
		copy(w.key[i][:], text[:10])
		w.hour[i], w.valid[i] = t, true
	}
	return w.hour[i].Add(time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second), true
}

// The years wireHours takes through its hour (those of the EU rules,
// tested against tidbok.ParseWireTime); others are parsed whole.
const (
	cachedYearMin = 1981
	cachedYearMax = 2037
)
