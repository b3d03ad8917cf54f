package memtidbok

import (
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The availability index. The portal asks two questions over and over:
// which dates of a month have free slots (AvailableDates), and which free
// slots does one date have (AvailableTimeslots). The index answers the
// first from counters and the second by scanning one date's compact entry
// list, so neither answer grows with the size of the book.
//
//   - Slots live in one table (Book.slots) of small, pointer-free records:
//     the garbage collector never scans it, and a slot's ID is derived from
//     its place in the table, so no per-slot string or map entry exists.
//   - Each facility buckets its slots per Swedish date (day), in start
//     order, as entries holding the slot's times, index and group and
//     whether it is offerable (free, web-bookable, not withdrawn), with a
//     parallel array of 4-byte tags (group and offerable) that a scan for
//     matching slots reads: a date of 2,400 slots scans in microseconds.
//   - A query resolves its filters once per group (plan), so the scan
//     tests one table entry per slot and never compares strings.
//   - A group is one combination of time type, care type, performer and
//     resource at a facility. Each day counts its offerable slots per group,
//     so a date matches a filter when one matching group counts above zero.
//     Only the current date, whose earlier slots have started, is scanned.

// slot is one published slot. It holds no pointers, so that a book of a
// million slots costs the garbage collector nothing to mark.
type slot struct {
	start, end int64 // unix nanoseconds
	booking    int32 // index into Book.bookings; 0 when free
	group      int32 // index into the facility's groups
	fac        int32 // index into Book.facs
	state      slotState
}

type slotState uint8

const (
	staffOnly slotState = 1 << iota // not web-bookable
	withdrawn                       // removed by staff; its ID no longer books
	ownFlags                        // a booking of it gets Book.slotFlags[slot]
)

// offerable reports whether s may be offered to citizens, leaving aside
// whether it has started.
func (s *slot) offerable() bool { return s.booking == 0 && s.state&(staffOnly|withdrawn) == 0 }

// groupKey names a group by indexes into the facility's tables; 0 means
// none (every slot has a time type, so tt is never 0 for a slot).
type groupKey struct{ tt, ct, perf, res int32 }

// group is one combination of time type, care type, performer and
// resource at a facility, with the Timeslot fields they describe, ready to
// copy into answers.
type group struct {
	key groupKey
	// tmpl is never changed once made: answers share it
	// (tidbok.TimeslotsBuilder.TemplateShared).
	tmpl *tidbok.Timeslot
	// published counts the group's slots that are not withdrawn; the
	// directory operations (TimeTypes, Performers, CareTypes) filter by it.
	published int
}

// entry is one slot in a day's start-ordered list. It repeats the
// slot's times, which never change, so that scans stay in the day's
// array.
type entry struct {
	start, end int64 // unix nanoseconds
	slot       int32
	// g is the slot's group, with entryOfferable set when the slot may be
	// offered (free, web-bookable, not withdrawn).
	g uint32
}

const entryOfferable = 1 << 31

func (e entry) group() int32    { return tagGroup(e.g) }
func (e entry) offerable() bool { return e.g&entryOfferable != 0 }

func tagGroup(g uint32) int32 { return int32(g &^ entryOfferable) }

// entry returns the entry of slot i.
func (b *Book) entry(i int32) entry {
	s := &b.slots[i]
	e := entry{start: s.start, end: s.end, slot: i, g: uint32(s.group)}
	if s.offerable() {
		e.g |= entryOfferable
	}
	return e
}

// groupCount is the number of offerable slots of one group on one day.
type groupCount struct {
	group int32
	n     int32
}

// day holds one facility's slots of one Swedish date.
type day struct {
	num  int32 // days since 1970-01-01
	date tidbok.Date
	// entries are ordered by start, then slot index (which is slot ID
	// order).
	entries []entry
	// tags repeats each entry's g, so that a scan for matching offerable
	// slots reads 4 bytes a slot.
	tags []uint32
	// free is ordered by group; groups with no offerable slot may remain
	// with n == 0.
	free []groupCount
	// runs holds, per time type, its entries (typeruns.go); ordered by
	// time type.
	runs []typeRun
}

// count adds delta to the offerable count of group g.
func (d *day) count(g int32, delta int32) {
	i, ok := slices.BinarySearchFunc(d.free, g, func(c groupCount, g int32) int { return int(c.group - g) })
	if !ok {
		d.free = slices.Insert(d.free, i, groupCount{group: g})
	}
	d.free[i].n += delta
}

// dayNumber returns the number of days from 1970-01-01 to d in the
// proleptic Gregorian calendar.
func dayNumber(d tidbok.Date) int32 {
	y, m := int64(d.Year), int64(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int64(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// dayIndex returns the position of the first day of f numbered num or
// later.
func (f *facility) dayIndex(num int32) int {
	i, _ := slices.BinarySearchFunc(f.days, num, func(d *day, n int32) int { return int(d.num - n) })
	return i
}

// dayFor returns f's day for date, creating it when needed.
func (f *facility) dayFor(date tidbok.Date) *day {
	num := dayNumber(date)
	i := f.dayIndex(num)
	if i < len(f.days) && f.days[i].num == num {
		return f.days[i]
	}
	d := &day{num: num, date: date}
	f.days = slices.Insert(f.days, i, d)
	return d
}

// dayOf returns f's day for date, or nil.
func (f *facility) dayOf(date tidbok.Date) *day {
	num := dayNumber(date)
	i := f.dayIndex(num)
	if i < len(f.days) && f.days[i].num == num {
		return f.days[i]
	}
	return nil
}

// entryPos returns the position of slot i in d.entries, or -1.
func (b *Book) entryPos(d *day, i int32) int {
	return entryIn(d.entries, i, b.slots[i].start)
}

// firstAfter returns the position of the first entry of d that starts
// after now (unix nanoseconds).
func firstAfter(d *day, now int64) int {
	return firstAfterIn(d.entries, now)
}

// merge adds new entries of f's slots, ordered by start and then slot
// index and all with slot indexes above those already in d, keeping d and
// its runs ordered.
func merge(f *facility, d *day, add []entry) {
	if len(add) == 0 {
		return
	}
	f.mergeRuns(d, add)
	for _, e := range add {
		if e.offerable() {
			d.count(e.group(), 1)
		}
	}
	n := len(d.entries)
	if n == 0 || d.entries[n-1].start <= add[0].start {
		d.entries = append(d.entries, add...)
		for _, e := range add {
			d.tags = append(d.tags, e.g)
		}
		return
	}
	if len(add) == 1 {
		p := firstAfter(d, add[0].start)
		d.entries = slices.Insert(d.entries, p, add[0])
		d.tags = slices.Insert(d.tags, p, add[0].g)
		return
	}
	out := make([]entry, 0, n+len(add))
	i, j := 0, 0
	for i < n && j < len(add) {
		if d.entries[i].start <= add[j].start {
			out = append(out, d.entries[i])
			i++
		} else {
			out = append(out, add[j])
			j++
		}
	}
	out = append(out, d.entries[i:]...)
	out = append(out, add[j:]...)
	d.entries = out
	d.tags = d.tags[:0]
	for _, e := range out {
		d.tags = append(d.tags, e.g)
	}
}

// remove removes the entry at position p, whose slot is of time type tt.
func (d *day) remove(p int, tt int32) {
	d.removeFromRun(tt, d.entries[p].slot, d.entries[p].start)
	d.entries = slices.Delete(d.entries, p, p+1)
	d.tags = slices.Delete(d.tags, p, p+1)
}

// setOfferable updates slot i's entry and its day's count after the slot
// became offerable or stopped being so.
func (b *Book) setOfferable(i int32) {
	s := &b.slots[i]
	f := b.facs[s.fac]
	d := f.dayOf(tidbok.DateOf(time.Unix(0, s.start)))
	if d == nil {
		return
	}
	p := b.entryPos(d, i)
	if p < 0 {
		return
	}
	was, now := d.entries[p].offerable(), s.offerable()
	if was == now {
		return
	}
	d.entries[p] = b.entry(i)
	d.tags[p] = d.entries[p].g
	d.setRunEntry(f.groups[s.group].key.tt, d.entries[p])
	if now {
		d.count(s.group, 1)
	} else {
		d.count(s.group, -1)
	}
}

// Slot and booking IDs are a letter and six base-36 digits of the index:
// fixed width, so that ID order is index order.

const idDigits = 6

func appendID(buf []byte, prefix byte, i int32) []byte {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var tmp [idDigits]byte
	n := uint32(i)
	for k := idDigits - 1; k >= 0; k-- {
		tmp[k] = digits[n%36]
		n /= 36
	}
	buf = append(buf, prefix)
	return append(buf, tmp[:]...)
}

// idChunk is how many slot IDs share one string.
const idChunk = 1024

// slotIDChunk returns the IDs of the slots of chunk c, in index order.
func slotIDChunk(c int) string {
	buf := make([]byte, 0, idChunk*(1+idDigits))
	for i := int64(c) * idChunk; i < int64(c+1)*idChunk && i <= maxSlots; i++ {
		buf = appendID(buf, slotPrefix, int32(i))
	}
	return string(buf)
}

// slotID returns the ID of slot i, a part of its chunk's string.
func (b *Book) slotID(i int32) string {
	const w = 1 + idDigits
	u := uint32(i) // never negative: unsigned division is a shift
	k := int(u%idChunk) * w
	return b.slotIDs[u/idChunk][k : k+w]
}

func formatID(prefix byte, i int32) string {
	var buf [1 + idDigits]byte
	return string(appendID(buf[:0], prefix, i))
}

// parseID returns the index in an ID made by formatID with prefix.
func parseID(id string, prefix byte) (int32, bool) {
	if len(id) != 1+idDigits || id[0] != prefix {
		return 0, false
	}
	var n int64
	for k := 1; k < len(id); k++ {
		c := id[k]
		var v int64
		switch {
		case '0' <= c && c <= '9':
			v = int64(c - '0')
		case 'a' <= c && c <= 'z':
			v = int64(c-'a') + 10
		default:
			return 0, false
		}
		n = n*36 + v
	}
	if n > 1<<31-1 {
		return 0, false
	}
	return int32(n), true
}

const (
	slotPrefix    = 's'
	bookingPrefix = 'b'
)

// slotIndex returns the index of the slot with id, when it names a
// published slot (withdrawn or not).
func (b *Book) slotIndex(id string) (int32, bool) {
	i, ok := parseID(id, slotPrefix)
	if !ok || int(i) >= len(b.slots) {
		return 0, false
	}
	return i, true
}

// booking returns the current booking or invitation with id, or nil.
func (b *Book) booking(id string) *booking {
	i, ok := parseID(id, bookingPrefix)
	if !ok || i <= 0 || int(i) >= len(b.bookings) {
		return nil
	}
	return b.bookings[i]
}
