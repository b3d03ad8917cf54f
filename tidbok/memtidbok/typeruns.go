package memtidbok

import "slices"

// Per time type runs. A day's entries hold every slot of the date, of
// all time types, in start order; the portal's most frequent question
// names one time type, whose slots are a fraction of the date's. So each
// day also keeps, per time type, a copy of that type's entries in the
// same order (runs), and a query whose matching groups all share one
// time type scans only that run. The runs change with the day's entries:
// on publish (merge), withdraw (remove), and whenever a slot becomes
// offerable or stops being so (setOfferable). A slot's group, and so its
// time type, never changes.

// typeRun is one time type's entries of a day, ordered as day.entries.
type typeRun struct {
	tt      int32
	entries []entry
}

// run returns d's entries of time type tt, or nil.
func (d *day) run(tt int32) []entry {
	if i, ok := d.runIndex(tt); ok {
		return d.runs[i].entries
	}
	return nil
}

func (d *day) runIndex(tt int32) (int, bool) {
	return slices.BinarySearchFunc(d.runs, tt, func(r typeRun, tt int32) int { return int(r.tt - tt) })
}

// runFor returns d's run of time type tt, creating it when needed.
func (d *day) runFor(tt int32) *typeRun {
	i, ok := d.runIndex(tt)
	if !ok {
		d.runs = slices.Insert(d.runs, i, typeRun{tt: tt})
	}
	return &d.runs[i]
}

// mergeRuns adds new entries (as merge takes them) to their time types'
// runs.
func (f *facility) mergeRuns(d *day, add []entry) {
	for len(add) > 0 {
		// Most batches are of one group; take the longest prefix of one
		// time type, then the entries of that type among the rest.
		tt := f.groups[add[0].group()].key.tt
		k := 1
		for k < len(add) && f.groups[add[k].group()].key.tt == tt {
			k++
		}
		batch, rest := add[:k], add[k:]
		if len(rest) > 0 {
			batch = slices.Clone(batch)
			var others []entry
			for _, e := range rest {
				if f.groups[e.group()].key.tt == tt {
					batch = append(batch, e)
				} else {
					others = append(others, e)
				}
			}
			rest = others
		}
		r := d.runFor(tt)
		r.entries = mergeEntries(r.entries, batch)
		add = rest
	}
}

// mergeEntries merges add into es; both are ordered by start and then
// slot index, and add's slot indexes are above those in es.
func mergeEntries(es, add []entry) []entry {
	n := len(es)
	if n == 0 || es[n-1].start <= add[0].start {
		return append(es, add...)
	}
	if len(add) == 1 {
		return slices.Insert(es, firstAfterIn(es, add[0].start), add[0])
	}
	out := make([]entry, 0, n+len(add))
	i, j := 0, 0
	for i < n && j < len(add) {
		if es[i].start <= add[j].start {
			out = append(out, es[i])
			i++
		} else {
			out = append(out, add[j])
			j++
		}
	}
	out = append(out, es[i:]...)
	return append(out, add[j:]...)
}

// entryIn returns the position of the entry of slot i, which starts at
// start, in es, or -1.
func entryIn(es []entry, i int32, start int64) int {
	p, _ := slices.BinarySearchFunc(es, i, func(e entry, i int32) int {
		if e.start != start {
			if e.start < start {
				return -1
			}
			return 1
		}
		return int(e.slot - i)
	})
	if p < len(es) && es[p].slot == i {
		return p
	}
	return -1
}

// setRunEntry replaces the entry of e's slot in the run of time type tt.
func (d *day) setRunEntry(tt int32, e entry) {
	i, ok := d.runIndex(tt)
	if !ok {
		return
	}
	es := d.runs[i].entries
	if p := entryIn(es, e.slot, e.start); p >= 0 {
		es[p] = e
	}
}

// removeFromRun removes the entry of slot i, which starts at start, from
// the run of time type tt.
func (d *day) removeFromRun(tt int32, i int32, start int64) {
	k, ok := d.runIndex(tt)
	if !ok {
		return
	}
	r := &d.runs[k]
	if p := entryIn(r.entries, i, start); p >= 0 {
		r.entries = slices.Delete(r.entries, p, p+1)
	}
}

// firstAfterIn returns the position of the first entry of es that starts
// after now (unix nanoseconds).
func firstAfterIn(es []entry, now int64) int {
	lo, hi := 0, len(es)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if es[m].start > now {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}
