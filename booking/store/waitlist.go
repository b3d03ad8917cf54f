package store

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Waitlist keeps a clinic's cancellation list (återbud): the citizens
// who want to be told when an earlier time of a kind frees up, in the
// order they asked, and the offers made to them of freed times.
//
// An offer is made once per waiting entry and freed time: adding it
// again is a no-op, so that a slot noticed twice (by the flow's
// cancellation and by a watcher of the book) is offered once. An offer
// is settled once, from open to accepted or gone: SettleOffer is the
// step that decides who tells whom, in one process or many.
//
// Implementations must be safe for concurrent use and must not alias
// what they are given or return. [MemWaitlist] serves one process.
type Waitlist interface {
	// Join adds e to its clinic's list and returns the stored entry. An
	// entry of the same clinic, subject, booking and kind (see
	// [WaitEntry.Same]) is left as it is and returned: joining twice
	// keeps the first place.
	Join(ctx context.Context, e WaitEntry) (WaitEntry, error)
	// Leave removes the entry with id from the clinic's list; an
	// unknown id is not an error.
	Leave(ctx context.Context, clinic tidbok.HSAID, id string) error
	// Entries returns the entries f selects, in the order they joined.
	Entries(ctx context.Context, f WaitFilter) ([]WaitEntry, error)

	// AddOffers stores the offers, all or none. An offer of a clinic,
	// slot and entry stored already is left as it is.
	AddOffers(ctx context.Context, offers ...Offer) error
	// Offer returns the offer with id, or an error matching
	// [ErrNoOffer].
	Offer(ctx context.Context, id string) (Offer, error)
	// Offers returns the clinic's offers of the slot with key slot, in
	// the order they were added.
	Offers(ctx context.Context, clinic tidbok.HSAID, slot string) ([]Offer, error)
	// SettleOffer moves the open offer with id to state (OfferAccepted
	// or OfferGone) at at, and returns it. An offer settled already is
	// left as it is, and returned with an error matching
	// [ErrOfferSettled]; an unknown one gives [ErrNoOffer].
	SettleOffer(ctx context.Context, id string, state OfferState, at time.Time) (Offer, error)
}

// WaitEntry is one citizen waiting for an earlier time of a kind.
type WaitEntry struct {
	// ID identifies the entry at its clinic.
	ID string
	// Clinic is where, CaseType the case type the citizen joined under:
	// the one an accepted offer books (or moves the booking) with.
	Clinic   tidbok.HSAID
	CaseType string
	// TimeType is the kind of time; Performer, when not zero, the
	// clinician the citizen wants.
	TimeType  tidbok.TimeType
	Performer tidbok.HSAID
	// Subject is the subject of care; Name their name, for staff.
	Subject tidbok.PersonalNumber
	Name    string
	// BookingID is the citizen's booking, which an accepted offer moves;
	// empty for a citizen with no booking. Before is its start: only
	// earlier times are offered (zero: any time).
	BookingID string
	Before    time.Time
	// Recipients is where the offers go.
	Recipients []Recipient
	// Joined is when the citizen joined.
	Joined time.Time
}

// Same reports whether e and o are the same wait: the same clinic and
// subject, and the same booking (or, with no booking, the same kind and
// performer).
func (e WaitEntry) Same(o WaitEntry) bool {
	if e.Clinic != o.Clinic || e.Subject != o.Subject || e.BookingID != o.BookingID {
		return false
	}
	return e.BookingID != "" || (e.TimeType.ID == o.TimeType.ID && e.Performer == o.Performer)
}

// WaitFilter selects entries for [Waitlist.Entries]; Clinic is required,
// every other empty field selects all.
type WaitFilter struct {
	Clinic    tidbok.HSAID
	Subject   tidbok.PersonalNumber
	TimeType  tidbok.TimeType
	BookingID string
}

func (f WaitFilter) selects(e WaitEntry) bool {
	return e.Clinic == f.Clinic && (f.Subject.IsZero() || e.Subject == f.Subject) &&
		(f.TimeType.ID == "" || e.TimeType.ID == f.TimeType.ID) &&
		(f.BookingID == "" || e.BookingID == f.BookingID)
}

// OfferState is where an offer is.
type OfferState uint8

// The states of an offer.
const (
	// OfferOpen: sent, not yet taken; it may have expired (Expires).
	OfferOpen OfferState = iota
	// OfferAccepted: the citizen booked the time with it.
	OfferAccepted
	// OfferGone: somebody else booked the time.
	OfferGone
)

// String returns the state's name, e.g. "open".
func (s OfferState) String() string {
	switch s {
	case OfferOpen:
		return "open"
	case OfferAccepted:
		return "accepted"
	case OfferGone:
		return "gone"
	}
	return "unknown"
}

// Offer is a freed time offered to one waiting citizen.
type Offer struct {
	// ID identifies the offer; the offer's link carries it.
	ID string
	// Clinic and Slot are the freed time; SlotKey identifies it among the
	// clinic's offers (its start, end, kind and performer).
	Clinic  tidbok.HSAID
	Slot    tidbok.Timeslot
	SlotKey string
	// Entry is the waiting entry it was offered to, as it was then.
	Entry WaitEntry
	// Created is when it was made; Expires when it may no longer be
	// accepted.
	Created, Expires time.Time
	// State and Settled say whether and when it was taken.
	State   OfferState
	Settled time.Time
}

// Waitlist errors.
var (
	// ErrNoOffer means no offer has the ID.
	ErrNoOffer error = &sentinel{what: "no such offer"}
	// ErrOfferSettled means the offer was accepted or gone already.
	ErrOfferSettled error = &sentinel{what: "offer settled already"}
)

// MemWaitlist is a [Waitlist] in memory, for one process. It is safe for
// concurrent use; the zero value is ready to use.
type MemWaitlist struct {
	mu      sync.Mutex
	entries []WaitEntry
	offers  []Offer
}

var _ Waitlist = (*MemWaitlist)(nil)

// NewMemWaitlist returns an empty list.
func NewMemWaitlist() *MemWaitlist { return &MemWaitlist{} }

// Join implements [Waitlist].
func (w *MemWaitlist) Join(ctx context.Context, e WaitEntry) (WaitEntry, error) {
	if err := ctx.Err(); err != nil {
		return WaitEntry{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, o := range w.entries {
		if o.Same(e) {
			return copyEntry(o), nil
		}
	}
	e = copyEntry(e)
	w.entries = append(w.entries, e)
	return copyEntry(e), nil
}

// Leave implements [Waitlist].
func (w *MemWaitlist) Leave(ctx context.Context, clinic tidbok.HSAID, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.entries = slices.DeleteFunc(w.entries, func(e WaitEntry) bool { return e.Clinic == clinic && e.ID == id })
	return nil
}

// Entries implements [Waitlist].
func (w *MemWaitlist) Entries(ctx context.Context, f WaitFilter) ([]WaitEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []WaitEntry
	for _, e := range w.entries {
		if f.selects(e) {
			out = append(out, copyEntry(e))
		}
	}
	return out, nil
}

// AddOffers implements [Waitlist].
func (w *MemWaitlist) AddOffers(ctx context.Context, offers ...Offer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, in := range offers {
		if slices.ContainsFunc(w.offers, func(o Offer) bool {
			return o.ID == in.ID || (o.Clinic == in.Clinic && o.SlotKey == in.SlotKey && o.Entry.ID == in.Entry.ID)
		}) {
			continue
		}
		o := in
		o.Entry = copyEntry(in.Entry)
		w.offers = append(w.offers, o)
	}
	return nil
}

// Offer implements [Waitlist].
func (w *MemWaitlist) Offer(ctx context.Context, id string) (Offer, error) {
	if err := ctx.Err(); err != nil {
		return Offer{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, o := range w.offers {
		if o.ID == id {
			return copyOffer(o), nil
		}
	}
	return Offer{}, Because(ErrNoOffer, "id %s", id)
}

// Offers implements [Waitlist].
func (w *MemWaitlist) Offers(ctx context.Context, clinic tidbok.HSAID, slot string) ([]Offer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []Offer
	for _, o := range w.offers {
		if o.Clinic == clinic && o.SlotKey == slot {
			out = append(out, copyOffer(o))
		}
	}
	return out, nil
}

// SettleOffer implements [Waitlist].
func (w *MemWaitlist) SettleOffer(ctx context.Context, id string, state OfferState, at time.Time) (Offer, error) {
	if err := ctx.Err(); err != nil {
		return Offer{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range w.offers {
		o := &w.offers[i]
		if o.ID != id {
			continue
		}
		if o.State != OfferOpen {
			return copyOffer(*o), Because(ErrOfferSettled, "offer %s is %v", id, o.State)
		}
		o.State, o.Settled = state, at
		return copyOffer(*o), nil
	}
	return Offer{}, Because(ErrNoOffer, "id %s", id)
}

func copyEntry(e WaitEntry) WaitEntry {
	e.Recipients = slices.Clone(e.Recipients)
	return e
}

func copyOffer(o Offer) Offer {
	o.Entry = copyEntry(o.Entry)
	return o
}
