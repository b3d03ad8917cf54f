package tidbok

import (
	"encoding/binary"
	"iter"
	"time"
	"unsafe"
)

// AvailableTimeslotsResult is the answer to AvailableTimeslots: free slots
// ordered by start, whose IDs are passed back in Book and Reschedule. Read
// it with Len and At, or range over All; every Timeslot read is a value of
// the caller's own, and nothing read changes the answer.
//
// A book that builds a slice answers with [NewAvailableTimeslots]; a book
// whose slots share most of their fields (the clinic, clinician, time
// type) may build a compact answer with a [TimeslotsBuilder], which keeps
// per slot only its ID, times and a reference to the shared fields. The
// zero value is an empty answer.
type AvailableTimeslotsResult struct {
	// Exactly one form is set: slots, from NewAvailableTimeslots, or recs
	// with tmpls and ids, from a TimeslotsBuilder.
	slots []Timeslot
	recs  []slotRecord
	tmpls []slotTemplate
	ids   string
	wide  []wideTimes
}

// slotRecord is one slot of a compact answer. It holds no pointers, so
// that an answer's records are one allocation the collector never scans.
type slotRecord struct {
	// start and end are Unix nanoseconds; a slot whose times are too far
	// from 1970 for them (before 1678 or after 2261) has its times in
	// wide[start] instead, and its template complemented.
	start, end int64
	idEnd      uint32 // the ID is ids[previous record's idEnd:idEnd]
	tmpl       int32  // index into tmpls, or its complement
}

// wideTimes are the times of a slot too far from 1970 for Unix
// nanoseconds.
type wideTimes struct {
	start, end     int64 // unix seconds
	startNs, endNs int32
}

// maxNanoSec bounds the Unix seconds whose instants Unix nanoseconds
// hold, with a second to spare.
const maxNanoSec = 9_223_372_035

// slotTemplate is the fields that slots of a compact answer share, and
// the locations their Start and End are read in. The fields are never
// changed once the template is made: a copy of the builder's own, or a
// book's that the book never changes (TemplateShared).
type slotTemplate struct {
	ts               *Timeslot // ID, Start and End zero
	startLoc, endLoc *time.Location
	base             int32 // the template as the builder's caller named it
}

// NewAvailableTimeslots is the answer holding slots, which it keeps (the
// caller must not change them afterwards).
func NewAvailableTimeslots(slots []Timeslot) AvailableTimeslotsResult {
	return AvailableTimeslotsResult{slots: slots}
}

// Len is the number of free slots in the answer.
func (r AvailableTimeslotsResult) Len() int { return len(r.slots) + len(r.recs) }

// At is the i-th free slot, 0 ≤ i < Len. It panics for an i out of range,
// like an index into a slice.
func (r AvailableTimeslotsResult) At(i int) Timeslot {
	if r.recs == nil {
		return r.slots[i]
	}
	lo := uint32(0)
	if i > 0 {
		lo = r.recs[i-1].idEnd
	}
	return r.assemble(&r.recs[i], lo)
}

// assemble is the Timeslot of record rec, whose ID starts at ids[lo].
func (r *AvailableTimeslotsResult) assemble(rec *slotRecord, lo uint32) Timeslot {
	if rec.tmpl < 0 {
		t := &r.tmpls[^rec.tmpl]
		w := &r.wide[rec.start]
		ts := *t.ts
		ts.ID = r.ids[lo:rec.idEnd]
		ts.Start = time.Unix(w.start, int64(w.startNs)).In(t.startLoc)
		ts.End = time.Unix(w.end, int64(w.endNs)).In(t.endLoc)
		return ts
	}
	t := &r.tmpls[rec.tmpl]
	ts := *t.ts
	ts.ID = r.ids[lo:rec.idEnd]
	ts.Start = time.Unix(0, rec.start).In(t.startLoc)
	ts.End = time.Unix(0, rec.end).In(t.endLoc)
	return ts
}

// All yields the free slots in order.
func (r AvailableTimeslotsResult) All() iter.Seq[Timeslot] {
	return func(yield func(Timeslot) bool) {
		if r.recs == nil {
			for _, ts := range r.slots {
				if !yield(ts) {
					return
				}
			}
			return
		}
		lo := uint32(0)
		for i := range r.recs {
			rec := &r.recs[i]
			if !yield(r.assemble(rec, lo)) {
				return
			}
			lo = rec.idEnd
		}
	}
}

// Slice is a fresh copy of the free slots, for a caller that needs a
// slice of its own to sort or change.
func (r AvailableTimeslotsResult) Slice() []Timeslot {
	if r.recs == nil {
		return append([]Timeslot(nil), r.slots...)
	}
	out := make([]Timeslot, 0, len(r.recs))
	for ts := range r.All() {
		out = append(out, ts)
	}
	return out
}

// TimeslotsBuilder builds a compact [AvailableTimeslotsResult], for a book
// whose free slots share most of their fields. The book registers each
// combination of shared fields once with Template, adds the slots in the
// order of the answer with Add (an ID, the times and a template), and
// takes the answer with Result. The answer keeps copies of the templates
// (but those of TemplateShared) and IDs, so the book may change or reuse
// its own afterwards. The zero value is ready to use; a builder is not
// safe for concurrent use.
type TimeslotsBuilder struct {
	// recs[:n] and ids[:nids] are filled; the rest is room, so that Add
	// writes no pointers (and so passes no write barriers).
	recs  []slotRecord
	n     int
	ids   []byte
	nids  int
	tmpls []slotTemplate
	wide  []wideTimes // times of the records that have them there
	// owned holds the copies Template makes; an answer's templates
	// point into it. It is only ever appended to, so a copy never changes.
	owned []Timeslot
}

// Grow makes room for slots more slots and templates more templates, so
// that a book that knows the size of its answer builds it in a few
// allocations.
func (b *TimeslotsBuilder) Grow(slots, templates int) {
	if slots > 0 {
		b.growSlots(slots, slots*8)
	}
	if templates > 0 && cap(b.tmpls)-len(b.tmpls) < templates {
		b.tmpls = append(make([]slotTemplate, 0, len(b.tmpls)+templates), b.tmpls...)
	}
}

// growSlots makes room for at least slots more records and idBytes more
// bytes of IDs. When both must grow, they share one allocation: the IDs
// follow the records, and neither holds pointers.
func (b *TimeslotsBuilder) growSlots(slots, idBytes int) {
	growRecs, growIDs := len(b.recs)-b.n < slots, len(b.ids)-b.nids < idBytes
	if growRecs && growIDs {
		nr := max(b.n+slots, 2*len(b.recs))
		ni := max(b.nids+idBytes, 2*len(b.ids))
		const size = int(unsafe.Sizeof(slotRecord{}))
		block := make([]slotRecord, nr+(ni+size-1)/size)
		copy(block, b.recs[:b.n])
		ids := unsafe.Slice((*byte)(unsafe.Pointer(&block[nr])), ni)
		copy(ids, b.ids[:b.nids])
		b.recs, b.ids = block[:nr:nr], ids
		return
	}
	if growRecs {
		recs := make([]slotRecord, max(b.n+slots, 2*len(b.recs)))
		copy(recs, b.recs[:b.n])
		b.recs = recs
	}
	if growIDs {
		ids := make([]byte, max(b.nids+idBytes, 2*len(b.ids)))
		copy(ids, b.ids[:b.nids])
		b.ids = ids
	}
}

// Template registers the fields that slots added with the returned
// template share: every field of ts but ID, Start and End, which Add
// sets per slot.
func (b *TimeslotsBuilder) Template(ts Timeslot) int {
	ts.ID, ts.Start, ts.End = "", time.Time{}, time.Time{}
	if len(b.owned) == cap(b.owned) {
		// A new array: the templates made so far keep pointing into the
		// old one, which nothing writes again.
		b.owned = make([]Timeslot, 0, max(4, 2*cap(b.owned)))
	}
	b.owned = append(b.owned, ts)
	return b.addTemplate(&b.owned[len(b.owned)-1], nil)
}

// addTemplate registers ts, whose times are in loc (nil until known).
func (b *TimeslotsBuilder) addTemplate(ts *Timeslot, loc *time.Location) int {
	n := len(b.tmpls)
	b.tmpls = append(b.tmpls, slotTemplate{ts: ts, startLoc: loc, endLoc: loc, base: int32(n)})
	return n
}

// TemplateShared is TemplateIn for a book that keeps the shared fields
// of its slots in Timeslots it never changes once made: the answer keeps
// ts itself rather than a copy, so the book must never change *ts
// afterwards, while any answer may still be read. A ts with its ID,
// Start or End set is copied as by TemplateIn instead.
func (b *TimeslotsBuilder) TemplateShared(ts *Timeslot, loc *time.Location) int {
	if ts.ID != "" || !ts.Start.IsZero() || !ts.End.IsZero() {
		return b.TemplateIn(*ts, loc)
	}
	if loc == nil {
		loc = time.UTC
	}
	return b.addTemplate(ts, loc)
}

// TemplateIn is Template for slots whose Start and End are in loc, as
// AddUnixNano gives them. A nil loc is UTC.
func (b *TimeslotsBuilder) TemplateIn(ts Timeslot, loc *time.Location) int {
	if loc == nil {
		loc = time.UTC
	}
	n := b.Template(ts)
	t := &b.tmpls[n]
	t.startLoc, t.endLoc = loc, loc
	return n
}

// AddUnixNano is Add for start and end given as Unix nanoseconds: the
// answer gives Start and End back in the locations of template, the
// location TemplateIn was given or those of the times Add first added
// with it, and in UTC for a template that has neither. It spares a book
// that keeps its times as numbers making time.Time values only for the
// builder to take them apart again.
func (b *TimeslotsBuilder) AddUnixNano(template int, id string, start, end int64) {
	t := &b.tmpls[template]
	if t.startLoc == nil {
		t.startLoc, t.endLoc = time.UTC, time.UTC
	}
	if b.n == len(b.recs) || len(b.ids)-b.nids < len(id) {
		b.growSlots(1, len(id))
	}
	if l := len(id); l >= 4 && l <= 8 {
		// copyID's common case, here so as to spare a call a slot.
		dst := b.ids[b.nids : b.nids+l]
		binary.LittleEndian.PutUint32(dst, uint32(id[0])|uint32(id[1])<<8|uint32(id[2])<<16|uint32(id[3])<<24)
		binary.LittleEndian.PutUint32(dst[l-4:], uint32(id[l-4])|uint32(id[l-3])<<8|uint32(id[l-2])<<16|uint32(id[l-1])<<24)
		b.nids += l
	} else {
		b.nids = copyID(b.ids, b.nids, id)
	}
	b.recs[b.n] = slotRecord{start: start, end: end, idEnd: uint32(b.nids), tmpl: int32(template)}
	b.n++
}

// copyID copies id into ids at n, which has room for it, and returns
// where it ends. IDs of 4 to 8 bytes, the usual, are copied as two
// overlapping words rather than by a call to the runtime.
func copyID(ids []byte, n int, id string) int {
	if l := len(id); l >= 4 && l <= 8 {
		dst := ids[n : n+l]
		lo := uint32(id[0]) | uint32(id[1])<<8 | uint32(id[2])<<16 | uint32(id[3])<<24
		hi := uint32(id[l-4]) | uint32(id[l-3])<<8 | uint32(id[l-2])<<16 | uint32(id[l-1])<<24
		binary.LittleEndian.PutUint32(dst, lo)
		binary.LittleEndian.PutUint32(dst[l-4:], hi)
		return n + l
	}
	return n + copy(ids[n:], id)
}

// Add appends the slot with id, start and end and the other fields of
// template, which Template returned. The answer gives Start and End back
// equal to start and end, in their locations, without a monotonic clock
// reading. Add panics for a template that Template did not return.
func (b *TimeslotsBuilder) Add(template int, id string, start, end time.Time) {
	t := &b.tmpls[template]
	sl, el := start.Location(), end.Location()
	switch {
	case t.startLoc == nil:
		t.startLoc, t.endLoc = sl, el
	case t.startLoc != sl || t.endLoc != el:
		template = b.variant(template, sl, el)
	}
	if b.n == len(b.recs) || len(b.ids)-b.nids < len(id) {
		b.growSlots(1, len(id))
	}
	b.nids = copyID(b.ids, b.nids, id)
	rec := slotRecord{idEnd: uint32(b.nids), tmpl: int32(template)}
	ss, es := start.Unix(), end.Unix()
	if -maxNanoSec < ss && ss < maxNanoSec && -maxNanoSec < es && es < maxNanoSec {
		rec.start, rec.end = start.UnixNano(), end.UnixNano()
	} else {
		rec.start, rec.tmpl = int64(len(b.wide)), ^rec.tmpl
		b.wide = append(b.wide, wideTimes{
			start: ss, startNs: int32(start.Nanosecond()),
			end: es, endNs: int32(end.Nanosecond()),
		})
	}
	b.recs[b.n] = rec
	b.n++
}

// variant is the template with the fields of template and times in the
// locations sl and el, made when first needed.
func (b *TimeslotsBuilder) variant(template int, sl, el *time.Location) int {
	base := b.tmpls[template].base
	for i := range b.tmpls {
		if t := &b.tmpls[i]; t.base == base && t.startLoc == sl && t.endLoc == el {
			return i
		}
	}
	v := b.tmpls[template]
	v.startLoc, v.endLoc = sl, el
	b.tmpls = append(b.tmpls, v)
	return len(b.tmpls) - 1
}

// Len is the number of slots added so far.
func (b *TimeslotsBuilder) Len() int { return b.n }

// Result is the answer holding the slots added, in the order added. The
// builder is empty afterwards, its templates forgotten, ready for another
// answer.
func (b *TimeslotsBuilder) Result() AvailableTimeslotsResult {
	if b.n == 0 {
		*b = TimeslotsBuilder{}
		return AvailableTimeslotsResult{}
	}
	// The answer takes the ID bytes over as its string: the builder
	// forgets them, so nothing writes them again.
	r := AvailableTimeslotsResult{
		recs:  b.recs[:b.n:b.n],
		tmpls: b.tmpls,
		ids:   unsafe.String(unsafe.SliceData(b.ids), b.nids),
		wide:  b.wide,
	}
	*b = TimeslotsBuilder{}
	return r
}
