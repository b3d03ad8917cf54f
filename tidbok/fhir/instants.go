package fhir

import (
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// instants writes instants in Swedish time as instant does, through the
// Stockholm offset of the last zone period met: a page's times mostly
// share one, and the date and clock follow from the offset by
// arithmetic, without a zone lookup or a layout.
type instants struct {
	// from ≤ unix seconds < to are in a period of offset seconds east
	// of UTC; from and to are math.MinInt64/MaxInt64 at the ends.
	from, to int64
	offset   int64
	valid    bool
}

// append writes t as RFC 3339 with Stockholm's offset, seconds precision.
func (z *instants) append(b []byte, t time.Time) []byte {
	u := t.Unix()
	if !z.valid || u < z.from || u >= z.to {
		l := t.In(tidbok.Stockholm())
		_, off := l.Zone()
		y := l.Year()
		if off%60 != 0 || y < 1 || y > 9999 {
			return l.AppendFormat(b, time.RFC3339)
		}
		z.offset, z.valid = int64(off), true
		z.from, z.to = -1<<63, 1<<63-1
		if s, e := l.ZoneBounds(); !s.IsZero() || !e.IsZero() {
			if !s.IsZero() {
				z.from = s.Unix()
			}
			if !e.IsZero() {
				z.to = e.Unix()
			}
		}
		// The arithmetic below writes years 1–9999; a period reaching
		// beyond is cut to the year of t.
		if z.from < minCivil || z.to > maxCivil {
			z.from, z.to = max(z.from, minCivil), min(z.to, maxCivil)
			if u < z.from || u >= z.to {
				z.valid = false
				return l.AppendFormat(b, time.RFC3339)
			}
		}
	}
	local := u + z.offset
	days, sec := local/86400, local%86400
	if sec < 0 {
		days, sec = days-1, sec+86400
	}
	y, mo, d := civil(days)
	var out [25]byte
	put := func(at, v, n int) {
		for j := at + n - 1; j >= at; j-- {
			out[j] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	out[4] = '-'
	put(5, mo, 2)
	out[7] = '-'
	put(8, d, 2)
	out[10] = 'T'
	put(11, int(sec/3600), 2)
	out[13] = ':'
	put(14, int(sec/60%60), 2)
	out[16] = ':'
	put(17, int(sec%60), 2)
	if z.offset == 0 {
		out[19] = 'Z'
		return append(b, out[:20]...)
	}
	off := z.offset
	out[19] = '+'
	if off < 0 {
		out[19], off = '-', -off
	}
	put(20, int(off/3600), 2)
	out[22] = ':'
	put(23, int(off/60%60), 2)
	return append(b, out[:]...)
}

// The instants of 0001-01-02 and 9999-12-30 UTC: a day inside the years
// the arithmetic writes, whatever the offset.
const (
	minCivil = -62135510400
	maxCivil = 253402128000
)

// civil is the date days after 1970-01-01 in the proleptic Gregorian
// calendar.
func civil(days int64) (y, mo, d int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	mo = int(mp + 3)
	if mo > 12 {
		mo -= 12
	}
	y = int(yoe + era*400)
	if mo <= 2 {
		y++
	}
	return y, mo, d
}
