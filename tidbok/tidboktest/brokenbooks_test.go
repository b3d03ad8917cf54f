package tidboktest_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// Deliberately broken books, each a decorator over a correct one (or a
// Seeder that stages something else than asked, which to the suite looks
// the same as a book that ignores what the clinic set). Every broken book
// embeds the book it breaks and overrides only the methods it breaks.

// wrapFunc turns a correct book and Seeder into broken ones.
type wrapFunc func(b tidbok.Tidbok, s tidboktest.Seeder) (tidbok.Tidbok, tidboktest.Seeder)

// outsider is a valid personal identity number outside the suite's pool.
var outsider = tidbok.MustPersonalNumber("191212121212")

// someContact is what the broken books tell the book when they book on
// their own.
var someContact = tidbok.ContactInfo{FirstName: "Broken", LastName: "Book"}

// aheadSeeder reports a time hours ahead of the book's clock: to the
// suite, the book's clock runs slow, so it offers slots that have started.
type aheadSeeder struct {
	tidboktest.Seeder
	by time.Duration
}

func (s aheadSeeder) Now() time.Time { return s.Seeder.Now().Add(s.by) }

// webOnlySeeder publishes staff-only slots for the web.
type webOnlySeeder struct{ tidboktest.Seeder }

func (s webOnlySeeder) AddSlot(ctx context.Context, sl tidboktest.Slot) (string, error) {
	sl.NotWebBookable = false
	return s.Seeder.AddSlot(ctx, sl)
}

// yesBook says yes to every booking, even of a taken slot or a time with
// no slot, with a made-up booking ID.
type yesBook struct {
	tidbok.Tidbok
	n atomic.Int64
}

func (b *yesBook) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	res, err := b.Tidbok.Book(ctx, req)
	if errors.Is(err, tidbok.ErrSlotTaken) || errors.Is(err, tidbok.ErrNotFound) {
		return tidbok.BookResult{BookingID: fmt.Sprintf("ghost-%d", b.n.Add(1))}, nil
	}
	return res, err
}

// cancelFirstBook reschedules by cancelling the booking and then booking
// the new slot: when the new slot is taken, the citizen has lost both, and
// a booking that moves gets a new ID.
type cancelFirstBook struct{ tidbok.Tidbok }

func (b cancelFirstBook) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	if _, err := b.Tidbok.Cancel(ctx, tidbok.CancelRequest{Facility: req.Timeslot.Facility, BookingID: req.BookingID}); err != nil {
		return tidbok.RescheduleResult{}, err
	}
	_, err := b.Tidbok.Book(ctx, tidbok.BookRequest{Timeslot: req.Timeslot, Contact: someContact})
	return tidbok.RescheduleResult{}, err
}

// idOnlyBook finds the new slot of a Reschedule only by its ID, not by
// its time as the wire needs.
type idOnlyBook struct{ tidbok.Tidbok }

func (b idOnlyBook) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	if req.Timeslot.ID == "" {
		return tidbok.RescheduleResult{}, &tidbok.OpError{Op: tidbok.OpReschedule, Err: tidbok.ErrNotFound}
	}
	return b.Tidbok.Reschedule(ctx, req)
}

// flagMemory remembers the flags the clinic set, which flaglessSeeder
// keeps from the book.
type flagMemory struct {
	mu        sync.Mutex
	bySlot    map[string]tidbok.Flags
	byBooking map[string]tidbok.Flags
}

// flaglessSeeder stages slots and invitations without their flags, so
// the book allows everything, and remembers the flags.
type flaglessSeeder struct {
	tidboktest.Seeder
	mem *flagMemory
}

func (s flaglessSeeder) AddSlot(ctx context.Context, sl tidboktest.Slot) (string, error) {
	flags := sl.Flags
	sl.Flags = nil
	id, err := s.Seeder.AddSlot(ctx, sl)
	if err == nil && flags != nil {
		s.mem.mu.Lock()
		s.mem.bySlot[id] = *flags
		s.mem.mu.Unlock()
	}
	return id, err
}

func (s flaglessSeeder) AddInvitation(ctx context.Context, inv tidboktest.Invitation) (string, error) {
	flags := inv.Flags
	inv.Flags = nil
	id, err := s.Seeder.AddInvitation(ctx, inv)
	if err == nil && flags != nil {
		s.mem.mu.Lock()
		s.mem.byBooking[id] = *flags
		s.mem.mu.Unlock()
	}
	return id, err
}

// unenforcedFlagsBook publishes the flags the clinic set but enforces
// none of them: the book under it allows everything.
type unenforcedFlagsBook struct {
	tidbok.Tidbok
	mem *flagMemory
}

func (b unenforcedFlagsBook) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	res, err := b.Tidbok.Book(ctx, req)
	if err == nil {
		b.mem.mu.Lock()
		if f, ok := b.mem.bySlot[req.Timeslot.ID]; ok {
			b.mem.byBooking[res.BookingID] = f
		}
		b.mem.mu.Unlock()
	}
	return res, err
}

func (b unenforcedFlagsBook) publish(ts tidbok.Timeslot) tidbok.Timeslot {
	b.mem.mu.Lock()
	defer b.mem.mu.Unlock()
	if f, ok := b.mem.byBooking[ts.ID]; ok {
		ts.Flags = f
	}
	return ts
}

func (b unenforcedFlagsBook) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	res, err := b.Tidbok.Schedule(ctx, req)
	for i := range res.Bookings {
		res.Bookings[i] = b.publish(res.Bookings[i])
	}
	return res, err
}

func (b unenforcedFlagsBook) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	res, err := b.Tidbok.BookingDetails(ctx, req)
	res.Booking = b.publish(res.Booking)
	return res, err
}

// allFlagsBook publishes every flag whatever the book supports.
type allFlagsBook struct{ tidbok.Tidbok }

func (b allFlagsBook) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	res, err := b.Tidbok.Schedule(ctx, req)
	for i := range res.Bookings {
		res.Bookings[i].Flags = tidbok.Flags{MayCancel: true, MayReschedule: true, MayMessage: true}
	}
	return res, err
}

// leakyBook shows every citizen it has seen the bookings of all of them.
type leakyBook struct {
	tidbok.Tidbok
	mu   sync.Mutex
	seen []tidbok.PersonalNumber
}

func (b *leakyBook) saw(pn tidbok.PersonalNumber) []tidbok.PersonalNumber {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !slices.ContainsFunc(b.seen, func(s tidbok.PersonalNumber) bool { return s.Canonical() == pn.Canonical() }) {
		b.seen = append(b.seen, pn)
	}
	return slices.Clone(b.seen)
}

func (b *leakyBook) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	b.saw(req.Timeslot.Subject)
	return b.Tidbok.Book(ctx, req)
}

func (b *leakyBook) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	var all tidbok.ScheduleResult
	for _, pn := range b.saw(req.Subject) {
		req.Subject = pn
		res, err := b.Tidbok.Schedule(ctx, req)
		if err != nil {
			return res, err
		}
		all.Bookings = append(all.Bookings, res.Bookings...)
	}
	slices.SortStableFunc(all.Bookings, func(x, y tidbok.Timeslot) int { return x.Start.Compare(y.Start) })
	return all, nil
}

// anyoneMovesBook lets anyone move a booking: it takes the subject from
// the booking rather than checking the one asked.
type anyoneMovesBook struct{ tidbok.Tidbok }

func (b anyoneMovesBook) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	if d, err := b.Tidbok.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: req.Timeslot.Facility, BookingID: req.BookingID}); err == nil {
		req.Timeslot.Subject = d.Booking.Subject
	}
	return b.Tidbok.Reschedule(ctx, req)
}

// namingFreeSlotsBook names a citizen on every free slot.
type namingFreeSlotsBook struct{ tidbok.Tidbok }

func (b namingFreeSlotsBook) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	res, err := b.Tidbok.AvailableTimeslots(ctx, req)
	slots := res.Slice()
	for i := range slots {
		slots[i].Subject = outsider
	}
	return tidbok.NewAvailableTimeslots(slots), err
}

// claimsCancelBook declares Cancel but does not support it.
type claimsCancelBook struct{ tidbok.Tidbok }

func (b claimsCancelBook) Cancel(context.Context, tidbok.CancelRequest) (tidbok.CancelResult, error) {
	return tidbok.CancelResult{}, tidbok.NotSupported(tidbok.OpCancel)
}

// hidesCancelBook supports Cancel but does not declare it.
type hidesCancelBook struct{ tidbok.Tidbok }

func (b hidesCancelBook) Capabilities() tidbok.Capabilities {
	return b.Tidbok.Capabilities().Without(tidbok.OpCancel)
}

// noScheduleBook does not declare Schedule, which every book must.
type noScheduleBook struct{ tidbok.Tidbok }

func (b noScheduleBook) Capabilities() tidbok.Capabilities {
	return b.Tidbok.Capabilities().Without(tidbok.OpSchedule)
}

// shiftingCapsBook stops declaring Performers once something was booked.
type shiftingCapsBook struct {
	tidbok.Tidbok
	booked atomic.Bool
}

func (b *shiftingCapsBook) Capabilities() tidbok.Capabilities {
	if b.booked.Load() {
		return b.Tidbok.Capabilities().Without(tidbok.OpPerformers)
	}
	return b.Tidbok.Capabilities()
}

func (b *shiftingCapsBook) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	b.booked.Store(true)
	return b.Tidbok.Book(ctx, req)
}

// firstProblemBook reports only the first problem of an invalid request.
type firstProblemBook struct{ tidbok.Tidbok }

func firstProblem(err error) error {
	if fes := tidbok.FieldErrors(err); len(fes) > 1 {
		return fes[0]
	}
	return err
}

func (b firstProblemBook) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	res, err := b.Tidbok.Schedule(ctx, req)
	return res, firstProblem(err)
}

func (b firstProblemBook) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	res, err := b.Tidbok.AvailableTimeslots(ctx, req)
	return res, firstProblem(err)
}

func (b firstProblemBook) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	res, err := b.Tidbok.Book(ctx, req)
	return res, firstProblem(err)
}

// anyClinicBook serves every clinic as if it were its own.
type anyClinicBook struct {
	tidbok.Tidbok
	clinic tidbok.HSAID
}

func (b anyClinicBook) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	if !req.Facility.IsZero() {
		req.Facility = b.clinic
	}
	return b.Tidbok.Schedule(ctx, req)
}

func (b anyClinicBook) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	if !req.Timeslot.Facility.IsZero() {
		req.Timeslot.Facility = b.clinic
	}
	return b.Tidbok.Book(ctx, req)
}

func (b anyClinicBook) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	if !req.Facility.IsZero() {
		req.Facility = b.clinic
	}
	return b.Tidbok.Cancel(ctx, req)
}

// reversedBook answers lists in reverse order.
type reversedBook struct{ tidbok.Tidbok }

func (b reversedBook) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	res, err := b.Tidbok.Schedule(ctx, req)
	slices.Reverse(res.Bookings)
	return res, err
}

func (b reversedBook) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	res, err := b.Tidbok.AvailableTimeslots(ctx, req)
	slots := res.Slice()
	slices.Reverse(slots)
	return tidbok.NewAvailableTimeslots(slots), err
}

func (b reversedBook) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	res, err := b.Tidbok.AvailableDates(ctx, req)
	slices.Reverse(res.Dates)
	return res, err
}

// widenedBook searches three days beyond the dates asked on each side.
type widenedBook struct{ tidbok.Tidbok }

func widen(req tidbok.AvailabilityRequest) tidbok.AvailabilityRequest {
	if req.From.Valid() && req.To.Valid() && !req.To.Before(req.From) {
		req.From, req.To = req.From.AddDays(-3), req.To.AddDays(3)
	}
	return req
}

func (b widenedBook) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	return b.Tidbok.AvailableTimeslots(ctx, widen(req))
}

func (b widenedBook) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	return b.Tidbok.AvailableDates(ctx, widen(req))
}

// phantomDateBook offers the last date asked even when it has no slot.
type phantomDateBook struct{ tidbok.Tidbok }

func (b phantomDateBook) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	res, err := b.Tidbok.AvailableDates(ctx, req)
	if err == nil && !slices.ContainsFunc(res.Dates, func(d tidbok.DateAvailability) bool { return d.Date == req.To }) {
		res.Dates = append(res.Dates, tidbok.DateAvailability{Facility: req.Facility, Date: req.To})
	}
	return res, err
}

// unfilteredBook ignores the time type and performer filters.
type unfilteredBook struct{ tidbok.Tidbok }

func unfiltered(req tidbok.AvailabilityRequest) tidbok.AvailabilityRequest {
	req.TimeType, req.Performers = tidbok.TimeType{}, nil
	return req
}

func (b unfilteredBook) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	return b.Tidbok.AvailableTimeslots(ctx, unfiltered(req))
}

func (b unfilteredBook) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	return b.Tidbok.AvailableDates(ctx, unfiltered(req))
}

// vagueSlotsBook offers free slots without their time type and
// performer.
type vagueSlotsBook struct{ tidbok.Tidbok }

func (b vagueSlotsBook) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	res, err := b.Tidbok.AvailableTimeslots(ctx, req)
	slots := res.Slice()
	for i := range slots {
		slots[i].TimeType, slots[i].Performer = tidbok.TimeType{}, tidbok.HSAID{}
	}
	return tidbok.NewAvailableTimeslots(slots), err
}

// anySlotForMovingBook ignores the booking an availability request names,
// offering every free slot for moving it.
type anySlotForMovingBook struct{ tidbok.Tidbok }

func (b anySlotForMovingBook) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	req.BookingID = ""
	return b.Tidbok.AvailableTimeslots(ctx, req)
}

func (b anySlotForMovingBook) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	req.BookingID = ""
	return b.Tidbok.AvailableDates(ctx, req)
}

// emptyListsBook lists no time types, performers or facilities.
type emptyListsBook struct{ tidbok.Tidbok }

func (b emptyListsBook) TimeTypes(context.Context, tidbok.TimeTypesRequest) (tidbok.TimeTypesResult, error) {
	return tidbok.TimeTypesResult{}, nil
}

func (b emptyListsBook) Performers(context.Context, tidbok.PerformersRequest) (tidbok.PerformersResult, error) {
	return tidbok.PerformersResult{}, nil
}

func (b emptyListsBook) Facilities(context.Context, tidbok.FacilitiesRequest) (tidbok.FacilitiesResult, error) {
	return tidbok.FacilitiesResult{}, nil
}

// stickyBook keeps offering slots after they were booked.
type stickyBook struct {
	tidbok.Tidbok
	mu     sync.Mutex
	booked []tidbok.Timeslot
}

func (b *stickyBook) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	res, err := b.Tidbok.Book(ctx, req)
	if err == nil {
		b.mu.Lock()
		ts := req.Timeslot
		ts.Subject = tidbok.PersonalNumber{}
		b.booked = append(b.booked, ts)
		b.mu.Unlock()
	}
	return res, err
}

func (b *stickyBook) AvailableTimeslots(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableTimeslotsResult, error) {
	res, err := b.Tidbok.AvailableTimeslots(ctx, req)
	b.mu.Lock()
	slots := append(res.Slice(), b.booked...)
	b.mu.Unlock()
	slices.SortStableFunc(slots, func(x, y tidbok.Timeslot) int { return x.Start.Compare(y.Start) })
	return tidbok.NewAvailableTimeslots(slots), err
}

func (b *stickyBook) AvailableDates(ctx context.Context, req tidbok.AvailabilityRequest) (tidbok.AvailableDatesResult, error) {
	res, err := b.Tidbok.AvailableDates(ctx, req)
	b.mu.Lock()
	for _, ts := range b.booked {
		res.Dates = append(res.Dates, tidbok.DateAvailability{Facility: req.Facility, Date: tidbok.DateOf(ts.Start)})
	}
	b.mu.Unlock()
	return res, err
}

// slowCancelBook keeps a cancelled slot taken: it books it again at once
// for someone outside the test, as a book whose cancellations reach the
// availability late looks to a citizen.
type slowCancelBook struct{ tidbok.Tidbok }

func (b slowCancelBook) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	d, err := b.Tidbok.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: req.Facility, BookingID: req.BookingID})
	res, cerr := b.Tidbok.Cancel(ctx, req)
	if err != nil || cerr != nil {
		return res, cerr
	}
	free, err := b.Tidbok.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{
		Facility: req.Facility, Subject: outsider,
		From: tidbok.DateOf(d.Booking.Start), To: tidbok.DateOf(d.Booking.Start),
	})
	if err != nil {
		return res, nil
	}
	for ts := range free.All() {
		if ts.Start.Equal(d.Booking.Start) {
			ts.Subject = outsider
			_, _ = b.Tidbok.Book(ctx, tidbok.BookRequest{Timeslot: ts, Contact: someContact})
		}
	}
	return res, nil
}

// cancelAnythingBook answers every Cancel with success, even of a booking
// it does not have.
type cancelAnythingBook struct{ tidbok.Tidbok }

func (b cancelAnythingBook) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	res, err := b.Tidbok.Cancel(ctx, req)
	if errors.Is(err, tidbok.ErrNotFound) {
		return res, nil
	}
	return res, err
}

// notAllowedBook answers ErrNotAllowed where it should answer ErrNotFound.
type notAllowedBook struct{ tidbok.Tidbok }

func (b notAllowedBook) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	res, err := b.Tidbok.Reschedule(ctx, req)
	if errors.Is(err, tidbok.ErrNotFound) {
		return res, &tidbok.OpError{Op: tidbok.OpReschedule, Err: tidbok.ErrNotAllowed}
	}
	return res, err
}

// invitations remembers the invitations a Seeder issued.
type invitations struct {
	mu   sync.Mutex
	open map[string]tidbok.PersonalNumber // ID → the citizen invited
	all  map[string]bool
}

func (inv *invitations) isOpen(id string) (tidbok.PersonalNumber, bool) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	pn, ok := inv.open[id]
	return pn, ok
}

func (inv *invitations) isInvitation(id string) bool {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.all[id]
}

// invitationSeeder remembers the invitations it issues.
type invitationSeeder struct {
	tidboktest.Seeder
	inv *invitations
}

func (s invitationSeeder) AddInvitation(ctx context.Context, in tidboktest.Invitation) (string, error) {
	id, err := s.Seeder.AddInvitation(ctx, in)
	if err == nil {
		s.inv.mu.Lock()
		s.inv.all[id] = true
		if in.Start.IsZero() {
			s.inv.open[id] = in.Subject
		}
		s.inv.mu.Unlock()
	}
	return id, err
}

// foreverInvitationBook keeps calling a rescheduled invitation an
// invitation.
type foreverInvitationBook struct {
	tidbok.Tidbok
	inv *invitations
}

func (b foreverInvitationBook) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	res, err := b.Tidbok.Schedule(ctx, req)
	for i, ts := range res.Bookings {
		res.Bookings[i].Invitation = ts.Invitation || b.inv.isInvitation(ts.ID)
	}
	return res, err
}

// openInScheduleBook lists open invitations in the schedule.
type openInScheduleBook struct {
	tidbok.Tidbok
	inv *invitations
}

func (b openInScheduleBook) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	res, err := b.Tidbok.Schedule(ctx, req)
	if err != nil {
		return res, err
	}
	b.inv.mu.Lock()
	var ids []string
	for id, pn := range b.inv.open {
		if pn.Canonical() == req.Subject.Canonical() {
			ids = append(ids, id)
		}
	}
	b.inv.mu.Unlock()
	for _, id := range ids {
		if d, err := b.Tidbok.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: req.Facility, BookingID: id}); err == nil {
			res.Bookings = append([]tidbok.Timeslot{d.Booking}, res.Bookings...)
		}
	}
	return res, nil
}

// unmarkedInvitationBook does not mark invitations in the schedule.
type unmarkedInvitationBook struct{ tidbok.Tidbok }

func (b unmarkedInvitationBook) Schedule(ctx context.Context, req tidbok.ScheduleRequest) (tidbok.ScheduleResult, error) {
	res, err := b.Tidbok.Schedule(ctx, req)
	for i := range res.Bookings {
		res.Bookings[i].Invitation = false
	}
	return res, err
}

// reusableInvitationBook books an open invitation as often as asked: once
// booked, it books the next slot as an ordinary booking.
type reusableInvitationBook struct {
	tidbok.Tidbok
	inv *invitations
}

func (b reusableInvitationBook) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	res, err := b.Tidbok.Book(ctx, req)
	if _, open := b.inv.isOpen(req.Timeslot.ID); err == nil || !open {
		return res, err
	}
	free, ferr := b.Tidbok.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{
		Facility: req.Timeslot.Facility, Subject: req.Timeslot.Subject,
		From: tidbok.DateOf(req.Timeslot.Start), To: tidbok.DateOf(req.Timeslot.Start),
	})
	if ferr != nil {
		return res, err
	}
	for ts := range free.All() {
		if ts.Start.Equal(req.Timeslot.Start) {
			req.Timeslot.ID = ts.ID
			return b.Tidbok.Book(ctx, req)
		}
	}
	return res, err
}

// anyoneBooksInvitationBook books an open invitation for whoever asks, in
// the name of the citizen invited.
type anyoneBooksInvitationBook struct {
	tidbok.Tidbok
	inv *invitations
}

func (b anyoneBooksInvitationBook) Book(ctx context.Context, req tidbok.BookRequest) (tidbok.BookResult, error) {
	if owner, open := b.inv.isOpen(req.Timeslot.ID); open {
		req.Timeslot.Subject = owner
	}
	return b.Tidbok.Book(ctx, req)
}

// Constructors of broken books for the table in tidboktest_test.go.

func bookOnly(wrap func(tidbok.Tidbok) tidbok.Tidbok) wrapFunc {
	return func(b tidbok.Tidbok, s tidboktest.Seeder) (tidbok.Tidbok, tidboktest.Seeder) { return wrap(b), s }
}

func seederOnly(wrap func(tidboktest.Seeder) tidboktest.Seeder) wrapFunc {
	return func(b tidbok.Tidbok, s tidboktest.Seeder) (tidbok.Tidbok, tidboktest.Seeder) { return b, wrap(s) }
}

func withInvitations(wrap func(tidbok.Tidbok, *invitations) tidbok.Tidbok) wrapFunc {
	return func(b tidbok.Tidbok, s tidboktest.Seeder) (tidbok.Tidbok, tidboktest.Seeder) {
		inv := &invitations{open: map[string]tidbok.PersonalNumber{}, all: map[string]bool{}}
		return wrap(b, inv), invitationSeeder{s, inv}
	}
}

func withUnenforcedFlags(b tidbok.Tidbok, s tidboktest.Seeder) (tidbok.Tidbok, tidboktest.Seeder) {
	mem := &flagMemory{bySlot: map[string]tidbok.Flags{}, byBooking: map[string]tidbok.Flags{}}
	return unenforcedFlagsBook{b, mem}, flaglessSeeder{s, mem}
}

func withAnyClinic(b tidbok.Tidbok, s tidboktest.Seeder) (tidbok.Tidbok, tidboktest.Seeder) {
	return anyClinicBook{b, s.Facility()}, s
}

// subjectBlindBook ignores the Subject of BookingDetails and Cancel, so a
// guessed booking ID reaches another citizen's booking.
type subjectBlindBook struct{ tidbok.Tidbok }

func (b subjectBlindBook) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	req.Subject = tidbok.PersonalNumber{}
	return b.Tidbok.BookingDetails(ctx, req)
}

func (b subjectBlindBook) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	req.Subject = tidbok.PersonalNumber{}
	return b.Tidbok.Cancel(ctx, req)
}

// actorTrustingBook goes by who acts instead of by the subject named: a
// citizen acting for another (Actor.Person) reaches their own bookings
// under any Subject.
type actorTrustingBook struct{ tidbok.Tidbok }

func (b actorTrustingBook) BookingDetails(ctx context.Context, req tidbok.BookingDetailsRequest) (tidbok.BookingDetailsResult, error) {
	if !req.Actor.Person.IsZero() {
		req.Subject, req.Actor = req.Actor.Person, tidbok.Actor{}
	}
	return b.Tidbok.BookingDetails(ctx, req)
}

func (b actorTrustingBook) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	if !req.Actor.Person.IsZero() {
		req.Timeslot.Subject, req.Actor = req.Actor.Person, tidbok.Actor{}
	}
	return b.Tidbok.Reschedule(ctx, req)
}

func (b actorTrustingBook) Cancel(ctx context.Context, req tidbok.CancelRequest) (tidbok.CancelResult, error) {
	if !req.Actor.Person.IsZero() {
		req.Subject, req.Actor = req.Actor.Person, tidbok.Actor{}
	}
	return b.Tidbok.Cancel(ctx, req)
}

// exists reports whether the book has booking id, whoever's it is.
func exists(ctx context.Context, b tidbok.Tidbok, facility tidbok.HSAID, id string) (tidbok.Timeslot, bool) {
	d, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: facility, BookingID: id})
	return d.Booking, err == nil
}

// tellingBook refuses a move of another citizen's booking with
// ErrNotAllowed, not as an unknown ID: the answer tells that it exists.
type tellingBook struct{ tidbok.Tidbok }

func (b tellingBook) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	res, err := b.Tidbok.Reschedule(ctx, req)
	if _, ok := exists(ctx, b.Tidbok, req.Timeslot.Facility, req.BookingID); ok && errors.Is(err, tidbok.ErrNotFound) {
		return res, &tidbok.OpError{Op: tidbok.OpReschedule, Err: tidbok.ErrNotAllowed}
	}
	return res, err
}

// movesAnywayBook answers a move of another citizen's booking with
// ErrNotFound, but moves it all the same.
type movesAnywayBook struct{ tidbok.Tidbok }

func (b movesAnywayBook) Reschedule(ctx context.Context, req tidbok.RescheduleRequest) (tidbok.RescheduleResult, error) {
	res, err := b.Tidbok.Reschedule(ctx, req)
	if bk, ok := exists(ctx, b.Tidbok, req.Timeslot.Facility, req.BookingID); ok && errors.Is(err, tidbok.ErrNotFound) {
		req.Timeslot.Subject, req.Actor = bk.Subject, tidbok.Actor{}
		_, _ = b.Tidbok.Reschedule(ctx, req)
	}
	return res, err
}
