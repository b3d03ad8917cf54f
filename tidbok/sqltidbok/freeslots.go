package sqltidbok

import (
	"math"
	"strings"
)

// The citizen's searches on SQLite. The SQLite driver costs more for each
// row and each column it hands over, and for each index seek, than a
// search of a few answers can afford, and more for each step of a
// recursive query than for a seek; so on SQLite the searches ask in the
// shapes that cost it least: the dates of a whole clinic from its counts
// of free slots a day (free_days, migration 4), the dates of a narrower
// search day by day, each by equality, and the slots of
// AvailableTimeslots as one row holding all of them, one clinician's
// read from an index that covers them (free_slots_by_performer).

// maxDayList is the longest range of days, in days, that AvailableDates
// asks about day by day on SQLite. Each day costs one index seek, whether
// it has slots or not; over a longer range the walk from one day with
// slots to the next (freeDays) costs less when slots are sparse.
const maxDayList = 62

// freeDaysListed returns the same query as freeDays, days (n, id, day),
// for SQLite: it lists every day from sr.from to sr.to (n, id as in
// freeDays) and asks of each, by equality on its day, whether a free slot
// matches. The first slot of a day in the index answers; today's started
// slots are passed over by the seek on (day, start_ns), since the
// conditions hold start_ns > now.
func (sr *search) freeDaysListed() (string, []any) {
	var q strings.Builder
	var args []any
	q.WriteString("WITH RECURSIVE ")
	args, perf := sr.writeWalks(&q, args)
	from := " FROM (SELECT 0 AS n, '' AS id) walks, calendar"
	if perf != "" {
		from = " FROM walks, calendar"
	}
	// calendar (date, day): the dates as text, for date(), and as keys.
	q.WriteString("calendar (date, day) AS (SELECT date(?), CAST(? AS INTEGER)" +
		" UNION ALL SELECT date(date, '+1 day'), CAST(strftime('%Y%m%d', date, '+1 day') AS INTEGER) FROM calendar WHERE day < ?), ")
	args = append(args, dateOfKey(sr.from).String(), sr.from, sr.to)
	q.WriteString("days (n, id, day) AS (SELECT walks.n, walks.id, calendar.day" + from +
		" WHERE EXISTS (SELECT 1 FROM slots s" + sr.where.String() + perf + " AND s.day = calendar.day))")
	args = append(args, sr.args...)
	return q.String(), args
}

// freeDaysCounted returns the same query as freeDays, days (n, id, day)
// with n = 0, for a search of the whole facility on SQLite: the days after
// today from free_days, the clinic's count of free slots a day, which
// migration 4's triggers keep; today, when asked for, by asking whether a
// slot that has not started is free.
func (sr *search) freeDaysCounted() (string, []any) {
	var q strings.Builder
	var args []any
	q.WriteString("WITH days (n, id, day) AS (")
	first := sr.from
	if sr.seek != math.MinInt64 {
		q.WriteString("SELECT 0, '', CAST(? AS INTEGER) WHERE EXISTS (SELECT 1 FROM slots s" + sr.where.String() + " AND s.day = ?) UNION ALL ")
		args = append(args, sr.from)
		args = append(args, sr.args...)
		args = append(args, sr.from)
		first = sr.from + 1 // a key between today's and tomorrow's
	}
	q.WriteString("SELECT 0, '', f.day FROM free_days f WHERE f.facility_id = ? AND f.day >= ? AND f.day <= ? AND f.n > 0)")
	args = append(args, sr.facility.String(), first, sr.to)
	return q.String(), args
}

// listDays reports whether AvailableDates on SQLite asks day by day.
func (sr *search) listDays() bool {
	return sr.to >= sr.from && dateOfKey(sr.to).DaysSince(dateOfKey(sr.from)) < maxDayList
}

// freeSlot is a slot of an AvailableTimeslots answer as the book reads
// it: its own columns.
type freeSlot struct {
	id         string
	start, end int64
	ids        slotIDs
}

// slotIDs are the IDs a slot names: fewer strings than a describe, which
// also holds names.
type slotIDs struct {
	timeType, careType, performer, resource string
}

func (s slotIDs) describe() describe {
	return describe{timeType: s.timeType, careType: s.careType, performer: s.performer, resource: s.resource}
}

// slotSep separates the columns, and the slots, of the one row that
// answers AvailableTimeslots on SQLite. A column that holds it is not
// lost: the row then has more fields than its count of slots explains,
// and the book reads the slots again as rows.
const slotSep = "\x1f"

// slotFields are a freeSlot's columns in the aggregated row, in order;
// one fewer (no performer) in aggregatedSlotsOf.
const slotFields = 7

// aggregatedSlots is the select list of the query that answers
// AvailableTimeslots on SQLite in one row: the number of slots and their
// columns, every one as text, separated by slotSep, in no order.
const aggregatedSlots = "SELECT COUNT(*), COALESCE(GROUP_CONCAT(s.id || '" + slotSep + "' || s.start_ns || '" + slotSep +
	"' || s.end_ns || '" + slotSep + "' || s.time_type_id || '" + slotSep + "' || s.care_type_id || '" + slotSep +
	"' || s.performer_id || '" + slotSep + "' || s.resource_id, '" + slotSep + "'), '')"

// aggregatedSlotsOf is aggregatedSlots for a request that names one
// performer: every slot is that performer's, so the row leaves the
// column out (less text for the driver to make and the book to read).
const aggregatedSlotsOf = "SELECT COUNT(*), COALESCE(GROUP_CONCAT(s.id || '" + slotSep + "' || s.start_ns || '" + slotSep +
	"' || s.end_ns || '" + slotSep + "' || s.time_type_id || '" + slotSep + "' || s.care_type_id || '" + slotSep +
	"' || s.resource_id, '" + slotSep + "'), '')"

// unbooked is the condition that no booking or invitation holds the slot.
const unbooked = "NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = s.id)"

// unbookedFrom is the FROM clause of writeUnbookedJoin.
const unbookedFrom = " FROM slots s LEFT JOIN bookings x ON x.slot_id = s.id"

// writeUnbookedJoin writes to q the FROM and WHERE clauses of a query over
// the slots s that meet where, with unbooked asked as an anti-join: SQLite
// then keeps one cursor on bookings for the whole query instead of opening
// one for each slot.
func writeUnbookedJoin(q *strings.Builder, where string) {
	q.WriteString(unbookedFrom)
	if i := strings.Index(where, unbooked); i >= 0 {
		q.WriteString(where[:i])
		q.WriteString("x.slot_id IS NULL")
		where = where[i+len(unbooked):]
	}
	q.WriteString(where)
}

// parseSlots decodes the aggregated row of n slots: of aggregatedSlots
// when performer is "", else of aggregatedSlotsOf, every slot then
// performer's. ok is false when the row is not n slots' worth of fields
// (a column held slotSep) or a time is not an integer.
func parseSlots(s string, n int64, performer string) (out []freeSlot, ok bool) {
	if n == 0 || s == "" {
		return nil, n == 0 && s == ""
	}
	fields := int64(slotFields)
	if performer != "" {
		fields--
	}
	if int64(strings.Count(s, slotSep)) != n*fields-1 {
		return nil, false
	}
	out = make([]freeSlot, n)
	next := func() string {
		i := strings.IndexByte(s, slotSep[0])
		if i < 0 {
			f := s
			s = ""
			return f
		}
		f := s[:i]
		s = s[i+1:]
		return f
	}
	for i := range out {
		r := &out[i]
		r.id = next()
		var ok1, ok2 bool
		r.start, ok1 = parseInt(next())
		r.end, ok2 = parseInt(next())
		if !ok1 || !ok2 {
			return nil, false
		}
		r.ids.timeType, r.ids.careType = next(), next()
		if r.ids.performer = performer; performer == "" {
			r.ids.performer = next()
		}
		r.ids.resource = next()
	}
	return out, true
}

// parseInt parses SQLite's text of an integer: an optional '-' and at
// most 19 digits. (strconv.ParseInt does the same, more slowly.)
func parseInt(f string) (int64, bool) {
	digits := f
	neg := len(digits) > 0 && digits[0] == '-'
	if neg {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 19 {
		return 0, false
	}
	var n uint64 // 19 digits stay below 2^64
	for i := 0; i < len(digits); i++ {
		c := digits[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + uint64(c)
	}
	switch {
	case neg && n <= 1<<63:
		return int64(-n), true
	case !neg && n < 1<<63:
		return int64(n), true
	}
	return 0, false
}

// bySlotOrder orders slots as AvailableTimeslots answers: by start, then
// ID.
func bySlotOrder(x, y freeSlot) int {
	switch {
	case x.start != y.start:
		if x.start < y.start {
			return -1
		}
		return 1
	default:
		return strings.Compare(x.id, y.id)
	}
}
