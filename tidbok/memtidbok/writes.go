package memtidbok

import (
	"context"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

// Book books a free slot for the citizen, or books an open invitation at
// a free slot's time.
//
// Timeslot.ID names what to book: a free slot's ID (its Facility, Start
// and End must match the request, or the error matches ErrNotFound: the
// time has changed), an open invitation's ID (the free slot is then found
// by Facility, Start and End, and Performer, TimeType, Resource and
// CareType when given, and must be of the invitation's time type; the
// invitation takes that time and keeps its ID), or nothing (the slot is
// found by attributes, as for an invitation). A slot that is booked,
// staff-only, withdrawn or started gives ErrSlotTaken; exactly one of many
// concurrent calls for one slot wins. An invitation that already has a
// time gives ErrNotAllowed. Staff may book as agents.
//
// The booking records Subject, Reason, Contact, Notification, the medical
// facility and the Actor; its Notice is the one set for the slot's time
// type with SetNotice.
func (b *Book) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	const op = tidbok.OpBook
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.BookResult{}, err
	}
	now := b.cfg.Clock()
	ts := req.Timeslot
	b.mu.Lock()
	defer b.mu.Unlock()
	f, err := b.facility(op, ts.Facility)
	if err != nil {
		return tidbok.BookResult{}, err
	}
	var inv *booking
	var si int32
	if i, ok := b.slotIndex(ts.ID); ok {
		si, err = b.slotByID(op, f, i, ts, "", now.UnixNano())
	} else if ts.ID == "" {
		si, err = b.slotByAttributes(op, f, ts, "", now.UnixNano())
	} else {
		inv = b.booking(ts.ID)
		switch {
		case inv == nil:
			return tidbok.BookResult{}, bookbase.OpErr(op, tidbok.ErrNotFound, texts.TimeChanged)
		case inv.subject != ts.Subject:
			return tidbok.BookResult{}, bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoBooking)
		case !inv.invitation || !inv.open():
			return tidbok.BookResult{}, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.InvitationTaken)
		}
		si, err = b.slotByAttributes(op, f, ts, b.timeTypeOf(inv).ID, now.UnixNano())
	}
	if err != nil {
		return tidbok.BookResult{}, err
	}

	bk := inv
	if bk == nil {
		bk = b.newBooking(f, ts.Subject)
	}
	b.occupy(bk, si)
	if ts.Reason != "" || inv == nil {
		bk.reason = ts.Reason
	}
	bk.contact = req.Contact
	bk.medFacility = req.FacilityMed()
	bk.notification = req.Notification
	bk.actor = req.Actor
	bk.bookedAt = now
	return tidbok.BookResult{BookingID: bk.id, Notice: b.noticeOf(si)}, nil
}

// Reschedule moves a booking or timed invitation to a free slot of the
// same time type, at any facility of the book, atomically: on success the
// booking keeps its ID, is at the new slot and the old slot is free; on
// any error nothing changed. The new slot is found by Timeslot.ID when it
// is a slot's ID, and otherwise by Facility, Start and End (and Performer,
// TimeType, Resource and CareType when given), since the wire carries the
// booking's ID in that place.
//
// The booking must be the citizen's (Timeslot.Subject), else ErrNotFound;
// it must allow rescheduling (Flags.MayReschedule), must not have started
// and must have a time (book an open invitation instead), else
// ErrNotAllowed, as for an agent. The new slot must be free, web-bookable
// and not started, else ErrSlotTaken. A moved invitation becomes a
// booking; Contact, Reason and Notification, when given, replace the old.
func (b *Book) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	const op = tidbok.OpReschedule
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.RescheduleResult{}, err
	}
	now := b.cfg.Clock()
	nowNS := now.UnixNano()
	ts := req.Timeslot
	b.mu.Lock()
	defer b.mu.Unlock()
	f, err := b.facility(op, ts.Facility)
	if err != nil {
		return tidbok.RescheduleResult{}, err
	}
	if req.Actor.IsAgent() {
		return tidbok.RescheduleResult{}, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.AgentOnlyBook)
	}
	bk := b.booking(req.BookingID)
	if bk == nil || bk.subject != ts.Subject {
		return tidbok.RescheduleResult{}, bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoBooking)
	}
	if bk.open() {
		return tidbok.RescheduleResult{}, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.OpenInvitation)
	}
	if start, _ := b.startOf(bk); start <= nowNS {
		return tidbok.RescheduleResult{}, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.Started)
	}
	current := b.bookingTimeslot(bk, now)
	if !current.Flags.MayReschedule {
		return tidbok.RescheduleResult{}, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.NoReschedule)
	}
	var si int32
	if i, ok := b.slotIndex(ts.ID); ok {
		si, err = b.slotByID(op, f, i, ts, current.TimeType.ID, nowNS)
	} else {
		si, err = b.slotByAttributes(op, f, ts, current.TimeType.ID, nowNS)
	}
	if err != nil {
		return tidbok.RescheduleResult{}, err
	}

	b.occupy(bk, si)
	bk.invitation = false
	bk.reschedules++
	if !req.Contact.IsZero() {
		bk.contact = req.Contact
	}
	if ts.Reason != "" {
		bk.reason = ts.Reason
	}
	if req.Notification != "" {
		bk.notification = req.Notification
	}
	return tidbok.RescheduleResult{Notice: b.noticeOf(si)}, nil
}

// Cancel cancels a booking or invitation at the facility; its slot is
// free at once. The booking must exist there (ErrNotFound); it must allow
// cancelling (Flags.MayCancel) and not have started, and a Message needs
// Flags.MayMessage, else ErrNotAllowed, as for an agent. A cancelled
// invitation is gone: memtidbok issues no new one, and the staff-only slot
// of a timed invitation stays, free.
func (b *Book) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	const op = tidbok.OpCancel
	if err := b.prelude(ctx, op, req.Validate()); err != nil {
		return tidbok.CancelResult{}, err
	}
	now := b.cfg.Clock()
	b.mu.Lock()
	defer b.mu.Unlock()
	f, err := b.facility(op, req.Facility)
	if err != nil {
		return tidbok.CancelResult{}, err
	}
	if req.Actor.IsAgent() {
		return tidbok.CancelResult{}, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.AgentOnlyBook)
	}
	bk := b.booking(req.BookingID)
	if bk == nil || bk.fac != f || (!req.Subject.IsZero() && bk.subject != req.Subject) {
		return tidbok.CancelResult{}, bookbase.OpErr(op, tidbok.ErrNotFound, texts.NoBooking)
	}
	if start, timed := b.startOf(bk); timed && start <= now.UnixNano() {
		return tidbok.CancelResult{}, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.Started)
	}
	flags := b.bookingTimeslot(bk, now).Flags
	switch {
	case !flags.MayCancel:
		return tidbok.CancelResult{}, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.NoCancel)
	case req.Message != "" && !flags.MayMessage:
		return tidbok.CancelResult{}, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.NoMessage)
	}
	b.release(bk)
	bk.fac.dropBooking(bk)
	b.bookings[bk.idx] = nil
	return tidbok.CancelResult{}, nil
}

// slotByID checks that slot i is the one ts describes at f, of time type
// wantTT when set, and free to book now. The caller holds b.mu.
func (b *Book) slotByID(op tidbok.Operation, f *facility, i int32, ts tidbok.Timeslot, wantTT string, now int64) (int32, error) {
	s := &b.slots[i]
	if s.fac != f.idx || s.start != ts.Start.UnixNano() || s.end != ts.End.UnixNano() {
		return 0, bookbase.OpErr(op, tidbok.ErrNotFound, texts.TimeChanged)
	}
	if wantTT != "" && f.timeTypes[f.groups[s.group].key.tt].ID != wantTT {
		return 0, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.OtherTimeType)
	}
	if !s.offerable() || s.start <= now {
		return 0, bookbase.OpErr(op, tidbok.ErrSlotTaken, texts.SlotTaken)
	}
	return i, nil
}

// slotByAttributes finds the slot ts describes at f: same start and end,
// and the performer, time type, resource and care type ts names. It
// prefers one that is free to book now and of time type wantTT (when
// set). The caller holds b.mu.
func (b *Book) slotByAttributes(op tidbok.Operation, f *facility, ts tidbok.Timeslot, wantTT string, now int64) (int32, error) {
	start, end := ts.Start.UnixNano(), ts.End.UnixNano()
	var taken, otherType bool
	if d := f.dayOf(tidbok.DateOf(ts.Start)); d != nil {
		for _, e := range d.entries[firstAfter(d, start-1):] {
			if e.start != start {
				break
			}
			s := &b.slots[e.slot]
			if e.end != end || !f.describes(f.groups[s.group].key, ts) {
				continue
			}
			if wantTT != "" && f.timeTypes[f.groups[s.group].key.tt].ID != wantTT {
				otherType = true
				continue
			}
			if s.offerable() && s.start > now {
				return e.slot, nil
			}
			taken = true
		}
	}
	switch {
	case taken:
		return 0, bookbase.OpErr(op, tidbok.ErrSlotTaken, texts.SlotTaken)
	case otherType:
		return 0, bookbase.OpErr(op, tidbok.ErrNotAllowed, texts.OtherTimeType)
	}
	return 0, bookbase.OpErr(op, tidbok.ErrNotFound, texts.TimeChanged)
}

// describes reports whether a slot of group k has the performer, time
// type, resource and care type that ts names (ignoring those it leaves
// out).
func (f *facility) describes(k groupKey, ts tidbok.Timeslot) bool {
	if !ts.Performer.IsZero() && (k.perf == 0 || f.performers[k.perf].ID != ts.Performer) {
		return false
	}
	tt, ct, res := f.timeTypes[k.tt], f.careTypes[k.ct], f.resources[k.res]
	return matchType(tt.ID, tt.Name, ts.TimeType.ID, ts.TimeType.Name) &&
		matchType(ct.ID, ct.Name, ts.CareType.ID, ts.CareType.Name) &&
		matchType(res.ID, res.Name, ts.Resource.ID, ts.Resource.Name)
}

// noticeOf returns the notice for bookings of slot i.
func (b *Book) noticeOf(i int32) string {
	s := &b.slots[i]
	f := b.facs[s.fac]
	return f.notices[f.groups[s.group].key.tt]
}
