package memtidbok

import (
	"strings"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// Book is an appointment book in memory: the citizen side is the
// [tidbok.Tidbok] interface, the staff side the methods that publish
// slots, issue invitations and show the clinic its bookings.
//
// A Book is safe for concurrent use. The zero Book is an empty book with
// the default options, ready to use; New makes one with options.
type Book struct {
	cfg config

	mu      sync.RWMutex
	facs    []*facility
	facByID map[tidbok.HSAID]*facility
	// slots is the slot table; a slot's ID is formatID('s', index).
	slots []slot
	// slotIDs holds the slots' IDs, one string per chunk of idChunk
	// slots, so that answers share them (slotID).
	slotIDs []string
	// slotFlags are the flags staff set for bookings of a slot
	// (staff.SlotSpec.Flags), for slots with state ownFlags.
	slotFlags map[int32]tidbok.Flags
	// bookings is the booking table; a booking's ID is formatID('b',
	// index). Index 0 is never used, so that slot.booking == 0 means free;
	// a cancelled booking leaves nil behind, so IDs are never reused.
	bookings []*booking
}

// config is what the options set. Its zero value means every default.
type config = bookbase.Config

var (
	_ tidbok.Tidbok = (*Book)(nil)
	_ staff.Book    = (*Book)(nil)
)

// New returns an empty book configured by opts. Add facilities, time types
// and slots with the staff methods before citizens can book.
func New(opts ...Option) *Book {
	b := &Book{}
	for _, o := range opts {
		if o != nil {
			o(&b.cfg)
		}
	}
	return b
}

// Capabilities reports the operations the book supports: those given to
// WithCapabilities, plus Schedule; by default all of them.
func (b *Book) Capabilities() tidbok.Capabilities { return b.cfg.Capabilities() }

// Now returns the book's current time, by the clock given to WithClock.
func (b *Book) Now() time.Time { return b.cfg.Clock() }

// facility is one clinic's part of the book. Index 0 of the time type,
// care type, performer and resource tables is a placeholder, so that 0
// means none in a groupKey.
type facility struct {
	idx  int32
	info tidbok.Facility

	timeTypes   []tidbok.TimeType
	timeTypeIdx map[string]int32
	careTypes   []tidbok.CareType
	careTypeIdx map[string]int32
	performers  []tidbok.Performer
	perfIdx     map[tidbok.HSAID]int32
	resources   []tidbok.Resource
	resIdx      map[string]int32
	notices     map[int32]string // by time type

	groups   []group
	groupIdx map[groupKey]int32

	days []*day // ordered by num

	// bySubject holds the indexes of each citizen's bookings and
	// invitations at the facility.
	bySubject map[tidbok.PersonalNumber][]int32
}

func newFacility(idx int32, info tidbok.Facility) *facility {
	return &facility{
		idx:         idx,
		info:        info,
		timeTypes:   make([]tidbok.TimeType, 1),
		timeTypeIdx: map[string]int32{},
		careTypes:   make([]tidbok.CareType, 1),
		careTypeIdx: map[string]int32{},
		performers:  make([]tidbok.Performer, 1),
		perfIdx:     map[tidbok.HSAID]int32{},
		resources:   make([]tidbok.Resource, 1),
		resIdx:      map[string]int32{},
		notices:     map[int32]string{},
		groupIdx:    map[groupKey]int32{},
		bySubject:   map[tidbok.PersonalNumber][]int32{},
	}
}

// group returns the index of the group with key, creating it when needed.
func (f *facility) group(k groupKey) int32 {
	if g, ok := f.groupIdx[k]; ok {
		return g
	}
	g := int32(len(f.groups))
	tmpl := tidbok.Timeslot{
		Facility:     f.info.ID,
		FacilityName: f.info.Name,
		TimeType:     f.timeTypes[k.tt],
		CareType:     f.careTypes[k.ct],
		Resource:     f.resources[k.res],
	}
	if k.perf != 0 {
		p := f.performers[k.perf]
		tmpl.Performer = p.ID
		tmpl.PerformerName = performerName(p)
	}
	f.groups = append(f.groups, group{key: k, tmpl: &tmpl})
	f.groupIdx[k] = g
	return g
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

// booking is a booking of a citizen or an invitation of the clinic.
type booking struct {
	idx int32
	id  string
	fac *facility
	// slot is the booked slot, or -1 for an open invitation.
	slot int32
	// group describes an open invitation; a timed booking takes its
	// slot's group.
	group      int32
	subject    tidbok.PersonalNumber
	invitation bool
	purpose    string
	reason     string
	// flags, when not nil, were set by staff and override slot flags and
	// the policy.
	flags *tidbok.Flags

	contact      tidbok.ContactInfo
	medFacility  tidbok.HSAID
	notification string
	actor        tidbok.Actor
	reschedules  int
	bookedAt     time.Time
}

func (bk *booking) open() bool { return bk.slot < 0 }

// newBooking adds a booking to the table and to its facility.
func (b *Book) newBooking(f *facility, subject tidbok.PersonalNumber) *booking {
	if len(b.bookings) == 0 {
		b.bookings = append(b.bookings, nil)
	}
	i := int32(len(b.bookings))
	bk := &booking{idx: i, id: formatID(bookingPrefix, i), fac: f, slot: -1, subject: subject}
	b.bookings = append(b.bookings, bk)
	f.bySubject[subject] = append(f.bySubject[subject], i)
	return bk
}

// dropBooking removes bk from its facility's index of citizens.
func (f *facility) dropBooking(bk *booking) {
	list := f.bySubject[bk.subject]
	for k, i := range list {
		if i == bk.idx {
			list = append(list[:k:k], list[k+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(f.bySubject, bk.subject)
	} else {
		f.bySubject[bk.subject] = list
	}
}

// moveBooking makes bk a booking at facility f.
func (b *Book) moveBooking(bk *booking, f *facility) {
	if bk.fac == f {
		return
	}
	bk.fac.dropBooking(bk)
	bk.fac = f
	f.bySubject[bk.subject] = append(f.bySubject[bk.subject], bk.idx)
}

// occupy books slot i for bk, freeing bk's earlier slot if any.
func (b *Book) occupy(bk *booking, i int32) {
	if !bk.open() {
		b.release(bk)
	}
	b.moveBooking(bk, b.facs[b.slots[i].fac])
	bk.slot = i
	b.slots[i].booking = bk.idx
	b.setOfferable(i)
}

// release frees bk's slot.
func (b *Book) release(bk *booking) {
	if bk.open() {
		return
	}
	i := bk.slot
	b.slots[i].booking = 0
	b.setOfferable(i)
	bk.slot = -1
}

// loc is the book's time zone for answers.
func loc() *time.Location { return tidbok.Stockholm() }

func instant(ns int64, l *time.Location) time.Time { return time.Unix(0, ns).In(l) }

// slotTimeslot returns slot i as a free slot.
func (b *Book) slotTimeslot(i int32) tidbok.Timeslot {
	s := &b.slots[i]
	f := b.facs[s.fac]
	ts := *f.groups[s.group].tmpl
	ts.ID = b.slotID(i)
	l := loc()
	ts.Start, ts.End = instant(s.start, l), instant(s.end, l)
	return ts
}

// bookingTimeslot returns bk as the citizen sees it, with its flags.
func (b *Book) bookingTimeslot(bk *booking, now time.Time) tidbok.Timeslot {
	var ts tidbok.Timeslot
	if bk.open() {
		ts = *bk.fac.groups[bk.group].tmpl
	} else {
		ts = b.slotTimeslot(bk.slot)
	}
	ts.ID = bk.id
	ts.Subject = bk.subject
	ts.Purpose = bk.purpose
	ts.Reason = bk.reason
	ts.Invitation = bk.invitation
	ts.Flags = b.flagsOf(bk, ts, now)
	return ts
}

// flagsOf computes bk's flags: staff's, else the slot's, else the
// policy's, limited to the book's capabilities. ts is bk as the citizen
// sees it.
func (b *Book) flagsOf(bk *booking, ts tidbok.Timeslot, now time.Time) tidbok.Flags {
	own := bk.flags
	if own == nil && !bk.open() && b.slots[bk.slot].state&ownFlags != 0 {
		f := b.slotFlags[bk.slot]
		own = &f
	}
	return b.cfg.Flags(own, ts, now)
}

// startOf returns the start of bk's slot in unix nanoseconds; false for
// an open invitation.
func (b *Book) startOf(bk *booking) (int64, bool) {
	if bk.open() {
		return 0, false
	}
	return b.slots[bk.slot].start, true
}

// timeTypeOf returns the time type of bk.
func (b *Book) timeTypeOf(bk *booking) tidbok.TimeType {
	if bk.open() {
		return bk.fac.timeTypes[bk.fac.groups[bk.group].key.tt]
	}
	s := &b.slots[bk.slot]
	f := b.facs[s.fac]
	return f.timeTypes[f.groups[s.group].key.tt]
}

// resourceOf returns the resource of bk, zero for none.
func (b *Book) resourceOf(bk *booking) tidbok.Resource {
	if bk.open() {
		return bk.fac.resources[bk.fac.groups[bk.group].key.res]
	}
	s := &b.slots[bk.slot]
	f := b.facs[s.fac]
	return f.resources[f.groups[s.group].key.res]
}

// Option configures a Book made by New. Options are applied in order; when
// two set the same thing, the last one wins. Every book of this module
// takes the same three: a clock, capabilities and a [staff.FlagPolicy].
type Option func(*config)

// WithClock makes the book read the time from now instead of time.Now. The
// book never offers or books a slot that has started by this clock, and
// stamps bookings with it. A nil now means time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.Now = now } }

// WithCapabilities makes the book support exactly the operations in caps,
// plus Schedule, which every book must support. The operations left out
// return an error matching [tidbok.ErrNotSupported] and do nothing else,
// and flags never allow what the book cannot do: MayCancel and MayMessage
// need Cancel, MayReschedule needs Reschedule. The default is
// [tidbok.AllCapabilities].
func WithCapabilities(caps tidbok.Capabilities) Option { return func(c *config) { c.SetCaps(caps) } }

// WithFlagPolicy makes the book compute the flags of bookings with p
// whenever it reads or writes a booking whose flags staff did not set (see
// [staff.SlotSpec.Flags], [staff.InvitationSpec.Flags] and
// [Book.SetFlags]). The default policy allows cancelling, sending a
// message and rescheduling whenever the book supports the operation. A
// nil p means the default.
func WithFlagPolicy(p staff.FlagPolicy) Option { return func(c *config) { c.Policy = p } }
