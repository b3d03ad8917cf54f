package soap

import (
	"reflect"
	"strconv"
	"strings"
)

// Misplaced is an element of a decoded payload that its type declares at
// that place under the same local name but in another namespace: the
// decoder skipped it, as encoding/xml skips any element it has no field
// for, so the field it was meant for is empty. A peer that puts a
// contract's elements in the wrong namespace sends these; the schema
// rejects them, and the caller decides which namespaces count as a mistake
// rather than another party's extension.
type Misplaced struct {
	// Path names the element from the payload's root element (left out),
	// e.g. "timeslotDetail[2]/startTimeInclusive": the items of a repeated
	// element carry their 1-based position, single elements none.
	Path string
	// Found is the namespace the element came in; "" means none.
	Found string
	// Want is the namespace the payload type declares for it.
	Want string
}

// Misplaced returns the payload's misplaced elements, in document order,
// after a successful [Message.DecodePayload] into a type that both
// decoders cover (see layout.go); nil when there were none.
func (m *Message) Misplaced() []Misplaced { return m.misplaced }

// pathElem is one open element of the payload below its root, for a
// Misplaced's path.
type pathElem struct {
	local string
	index int // 1-based position among the items of a list; 0 for one element
}

func joinPath(path []pathElem, local string) string {
	var b strings.Builder
	for _, e := range path {
		b.WriteString(e.local)
		if e.index > 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.index))
			b.WriteByte(']')
		}
		b.WriteByte('/')
	}
	b.WriteString(local)
	return b.String()
}

// misplacedIn returns the namespace l declares for an element named local
// in another namespace than space; ok is false when l has no field of that
// local name, or has one in space.
func misplacedIn(l *layout, space, local string) (want string, ok bool) {
	for i := range l.fields {
		if l.fields[i].local != local {
			continue
		}
		if l.fields[i].space == space {
			return "", false
		}
		if !ok {
			want, ok = l.fields[i].space, true
		}
	}
	return want, ok
}

// tracker follows the reference decoder through a payload, with the
// payload type's layout, to find the misplaced elements it skips. It sees
// raw tokens in the guard, so it resolves their prefixes itself.
type tracker struct {
	stack     []trackElem
	path      []pathElem
	misplaced []Misplaced
}

type trackElem struct {
	l      *layout // nil: an element whose content is not tracked
	counts []int   // items seen of each list field of l
}

// newTracker returns a tracker for the payload of type v, whose root start
// tag has been read, or nil when the type has no layout.
func newTracker(v any) *tracker {
	t := reflect.TypeOf(v)
	if t == nil {
		return nil
	}
	rl := layoutOf(t)
	if rl == nil {
		return nil
	}
	return &tracker{stack: []trackElem{{l: rl.layout}}}
}

func (t *tracker) start(space, local string) {
	top := &t.stack[len(t.stack)-1]
	if top.l == nil {
		t.stack = append(t.stack, trackElem{})
		t.path = append(t.path, pathElem{local: local})
		return
	}
	for i := range top.l.fields {
		f := &top.l.fields[i]
		if f.local != local || f.space != space {
			continue
		}
		e := pathElem{local: local}
		if f.kind == kindStructs {
			if top.counts == nil {
				top.counts = make([]int, len(top.l.fields))
			}
			top.counts[i]++
			e.index = top.counts[i]
		}
		t.stack = append(t.stack, trackElem{l: f.sub})
		t.path = append(t.path, e)
		return
	}
	if want, ok := misplacedIn(top.l, space, local); ok {
		t.misplaced = append(t.misplaced, Misplaced{Path: joinPath(t.path, local), Found: space, Want: want})
	}
	t.stack = append(t.stack, trackElem{})
	t.path = append(t.path, pathElem{local: local})
}

// end closes the current element and reports whether it was the root.
func (t *tracker) end() bool {
	if len(t.stack) == 0 {
		return true
	}
	t.stack = t.stack[:len(t.stack)-1]
	if len(t.path) > 0 {
		t.path = t.path[:len(t.path)-1]
	}
	return len(t.stack) == 0
}
