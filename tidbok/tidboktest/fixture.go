package tidboktest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// fixture is what one check works with: the book, its staff side, the
// declared capabilities and the citizens and times the check uses. Slots
// lie on days relative to the Seeder's now, at whole hours between 08:00
// and 17:00 Swedish time, never in the hours a daylight saving change
// repeats or skips; only the rules about time passing place slots and
// invitations around now itself.
type fixture struct {
	ctx  context.Context
	b    tidbok.Tidbok
	s    Seeder
	caps tidbok.Capabilities
	// facility is the clinic the Seeder serves.
	facility tidbok.HSAID
	// now is the Seeder's time when the check began.
	now time.Time
	// today is now's Swedish date.
	today tidbok.Date
	// people is the pool of test citizens; see citizen.
	people []tidbok.PersonalNumber
}

func newFixture(ctx context.Context, b tidbok.Tidbok, s Seeder) (*fixture, error) {
	people, err := citizens()
	if err != nil {
		return nil, err
	}
	now := s.Now()
	return &fixture{
		ctx:      ctx,
		b:        b,
		s:        s,
		caps:     b.Capabilities(),
		facility: s.Facility(),
		now:      now,
		today:    tidbok.DateOf(now),
		people:   people,
	}, nil
}

// citizen returns the i-th citizen of the pool, counting from 1 as
// messages do.
func (f *fixture) citizen(i int) tidbok.PersonalNumber { return f.people[i-1] }

// onlooker is the citizen who asks for free slots when a rule checks
// what the book offers everyone; no rule books for it.
func (f *fixture) onlooker() tidbok.PersonalNumber { return f.people[citizenCount-1] }

// Citizens: every check draws its citizens from one pool of valid test
// personal identity numbers, so that messages can name them by their
// place in the pool and never print a number.

// citizenCount is the size of the pool: enough for the concurrency rules.
const citizenCount = 40

// citizenNumbers returns the pool's numbers: people born on 1 January
// 1990 with serial numbers 001, 002 …, each with its Luhn check digit.
func citizenNumbers() []string {
	out := make([]string, citizenCount)
	for i := range out {
		body := "900101" + fmt.Sprintf("%03d", i+1) // YYMMDD NNN
		out[i] = "19" + body + strconv.Itoa(luhnDigit(body))
	}
	return out
}

// luhnDigit returns the check digit of a personal identity number's nine
// digits YYMMDDNNN: weights 2,1,2,1… over the digits, digit sums of the
// products, and the digit that brings the sum to a multiple of ten.
func luhnDigit(nine string) int {
	sum := 0
	for i, r := range nine {
		d := int(r - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10 - sum%10) % 10
}

// citizens parses the pool. A number the contract refuses is a fault of
// the suite, reported as a failed precondition.
func citizens() ([]tidbok.PersonalNumber, error) {
	var out []tidbok.PersonalNumber
	for i, s := range citizenNumbers() {
		pn, err := tidbok.ParsePersonalNumber(s)
		if err != nil {
			return nil, precondition(err, "parsing test citizen %d", i+1)
		}
		out = append(out, pn)
	}
	return out, nil
}

// who names a citizen of the pool for messages, without the number.
func who(pn tidbok.PersonalNumber) string {
	if pn.IsZero() {
		return "nobody"
	}
	if i := slices.Index(citizenNumbers(), pn.Canonical()); i >= 0 {
		return "citizen " + strconv.Itoa(i+1)
	}
	return "someone outside the test"
}

// Times and slots.

// slotLength is the length of every slot the suite publishes.
const slotLength = 30 * time.Minute

// at returns hour:00 Swedish time, days after today.
func (f *fixture) at(days, hour int) time.Time {
	return wallTime(f.today.AddDays(days), hour)
}

func wallTime(d tidbok.Date, hour int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, tidbok.Stockholm())
}

// doctorsVisit is the time type of the suite's slots unless a rule needs
// another.
var doctorsVisit = tidbok.TimeType{ID: "TT-LAKARBESOK", Name: "Läkarbesök"}

// bloodSample is a second time type, for the filter rule.
var bloodSample = tidbok.TimeType{ID: "TT-PROVTAGNING", Name: "Provtagning"}

// addSlot publishes a web-bookable slot of doctorsVisit at start and
// returns it as the book should offer it.
func (f *fixture) addSlot(start time.Time) (tidbok.Timeslot, error) {
	return f.addSlotLike(Slot{Start: start})
}

// addSlotWith publishes a web-bookable slot at start whose bookings get
// flags.
func (f *fixture) addSlotWith(start time.Time, flags tidbok.Flags) (tidbok.Timeslot, error) {
	return f.addSlotLike(Slot{Start: start, Flags: &flags})
}

// addSlotLike publishes sl, filling in End and TimeType when unset.
func (f *fixture) addSlotLike(sl Slot) (tidbok.Timeslot, error) {
	if sl.End.IsZero() {
		sl.End = sl.Start.Add(slotLength)
	}
	if sl.TimeType.IsZero() {
		sl.TimeType = doctorsVisit
	}
	id, err := f.s.AddSlot(f.ctx, sl)
	if err != nil {
		return tidbok.Timeslot{}, precondition(err, "publishing a slot at %s", when(sl.Start))
	}
	return tidbok.Timeslot{
		ID:        id,
		Start:     sl.Start,
		End:       sl.End,
		Facility:  f.facility,
		Performer: sl.Performer,
		Resource:  sl.Resource,
		TimeType:  sl.TimeType,
	}, nil
}

// addOpenInvitation issues an open invitation to subject.
func (f *fixture) addOpenInvitation(subject tidbok.PersonalNumber) (tidbok.Timeslot, error) {
	return f.addInvitation(subject, time.Time{}, nil)
}

// addInvitation issues an invitation to subject; zero start makes it
// open. Nil flags allow what the book supports.
func (f *fixture) addInvitation(subject tidbok.PersonalNumber, start time.Time, flags *tidbok.Flags) (tidbok.Timeslot, error) {
	inv := Invitation{
		Subject:  subject,
		TimeType: doctorsVisit,
		Purpose:  "Välkommen på årlig kontroll.",
		Flags:    flags,
	}
	if !start.IsZero() {
		inv.Start, inv.End = start, start.Add(slotLength)
	}
	id, err := f.s.AddInvitation(f.ctx, inv)
	if err != nil {
		if errors.Is(err, tidbok.ErrNotSupported) {
			return tidbok.Timeslot{}, skip("the Seeder cannot issue invitations: %v", err)
		}
		return tidbok.Timeslot{}, precondition(err, "issuing an invitation to %s", who(subject))
	}
	return tidbok.Timeslot{
		ID:         id,
		Start:      inv.Start,
		End:        inv.End,
		Facility:   f.facility,
		TimeType:   inv.TimeType,
		Subject:    subject,
		Purpose:    inv.Purpose,
		Invitation: true,
	}, nil
}

// when formats an instant as Swedish local time for messages.
func when(t time.Time) string {
	if t.IsZero() {
		return "no time"
	}
	return t.In(tidbok.Stockholm()).Format("2006-01-02 15:04 MST")
}

// span formats a slot's times for messages.
func span(ts tidbok.Timeslot) string {
	if ts.Start.IsZero() && ts.End.IsZero() {
		return "(no time)"
	}
	return when(ts.Start) + "–" + ts.End.In(tidbok.Stockholm()).Format("15:04")
}

// sameTime reports whether a and b have the same start and end.
func sameTime(a, b tidbok.Timeslot) bool {
	return a.Start.Equal(b.Start) && a.End.Equal(b.End)
}

// Requests. Every request the suite sends is valid unless a rule is about
// invalid requests.

// contact is what every booking tells the book about the citizen.
var contact = tidbok.ContactInfo{FirstName: "Test", LastName: "Testsson", Phone: "0701234567"}

// bookRequest asks to book slot for subject.
func (f *fixture) bookRequest(subject tidbok.PersonalNumber, slot tidbok.Timeslot) tidbok.BookRequest {
	return tidbok.BookRequest{
		Timeslot: tidbok.Timeslot{
			ID:        slot.ID,
			Start:     slot.Start,
			End:       slot.End,
			Facility:  f.facility,
			Performer: slot.Performer,
			Resource:  slot.Resource,
			TimeType:  slot.TimeType,
			Subject:   subject,
		},
		Contact: contact,
	}
}

// book books slot for subject and returns the booking as the citizen's
// schedule should show it. Failure is a failed precondition: rules that
// judge Book itself call f.b.Book directly.
func (f *fixture) book(subject tidbok.PersonalNumber, slot tidbok.Timeslot) (tidbok.Timeslot, error) {
	res, err := f.b.Book(f.ctx, f.bookRequest(subject, slot))
	if err != nil {
		return tidbok.Timeslot{}, precondition(err, "booking the slot at %s for %s", span(slot), who(subject))
	}
	if res.BookingID == "" {
		return tidbok.Timeslot{}, precondition(errors.New("Book succeeded without a BookingID"), "booking the slot at %s for %s", span(slot), who(subject))
	}
	booked := slot
	booked.ID = res.BookingID
	booked.Subject = subject
	return booked, nil
}

// someBooking gives subject a booking at start: booked through Book when
// the book supports it, otherwise issued by the Seeder as a timed
// invitation, which allows everything the book supports.
func (f *fixture) someBooking(subject tidbok.PersonalNumber, start time.Time) (tidbok.Timeslot, error) {
	if !f.caps.Has(tidbok.OpBook) {
		return f.addInvitation(subject, start, nil)
	}
	slot, err := f.addSlot(start)
	if err != nil {
		return tidbok.Timeslot{}, err
	}
	return f.book(subject, slot)
}

// noSuchBooking is a booking ID no book has issued.
const noSuchBooking = "tidboktest-no-such-booking"

// bookingToSend is someBooking for rules that judge how a book answers a
// request naming a booking, whatever the answer does to it: when the
// book lacks Book and the Seeder cannot issue the invitation that stands
// in, it returns a made-up booking (see isMadeUp) instead of skipping.
func (f *fixture) bookingToSend(subject tidbok.PersonalNumber, start time.Time) (tidbok.Timeslot, error) {
	bk, err := f.someBooking(subject, start)
	if _, ok := errors.AsType[*skipError](err); ok {
		return tidbok.Timeslot{ID: noSuchBooking, Subject: subject}, nil
	}
	return bk, err
}

// isMadeUp reports whether bk is the made-up booking of bookingToSend,
// which no book has and so cannot be left unchanged.
func isMadeUp(bk tidbok.Timeslot) bool { return bk.ID == noSuchBooking }

// rescheduleRequest asks to move booking to slot.
func (f *fixture) rescheduleRequest(booking, slot tidbok.Timeslot) tidbok.RescheduleRequest {
	return tidbok.RescheduleRequest{
		BookingID: booking.ID,
		Timeslot: tidbok.Timeslot{
			ID:        slot.ID,
			Start:     slot.Start,
			End:       slot.End,
			Facility:  f.facility,
			Performer: slot.Performer,
			Resource:  slot.Resource,
			TimeType:  slot.TimeType,
			Subject:   booking.Subject,
		},
	}
}

// cancelRequest asks to cancel booking.
func (f *fixture) cancelRequest(booking tidbok.Timeslot) tidbok.CancelRequest {
	return tidbok.CancelRequest{Facility: f.facility, BookingID: booking.ID, Subject: booking.Subject}
}

// availability asks for free slots from today-1 to today+days, wide
// enough for every slot a rule publishes.
func (f *fixture) availability(subject tidbok.PersonalNumber, days int) tidbok.AvailabilityRequest {
	return tidbok.AvailabilityRequest{
		Facility: f.facility,
		Subject:  subject,
		From:     f.today.AddDays(-1),
		To:       f.today.AddDays(days),
	}
}

// searchDays is how far ahead the suite searches, in days; every rule
// publishes its slots within it.
const searchDays = 21

// Reads. Each returns the book's error wrapped with what was asked, so
// that a violation message says which call broke the rule.

func (f *fixture) schedule(subject tidbok.PersonalNumber) ([]tidbok.Timeslot, error) {
	res, err := f.b.Schedule(f.ctx, tidbok.ScheduleRequest{Facility: f.facility, Subject: subject})
	if err != nil {
		return nil, fmt.Errorf("Schedule of %s: %w", who(subject), err)
	}
	return res.Bookings, nil
}

func (f *fixture) details(b tidbok.Timeslot) (tidbok.Timeslot, error) {
	res, err := f.b.BookingDetails(f.ctx, tidbok.BookingDetailsRequest{Facility: f.facility, BookingID: b.ID, Subject: b.Subject})
	if err != nil {
		return tidbok.Timeslot{}, fmt.Errorf("BookingDetails(%q): %w", b.ID, err)
	}
	return res.Booking, nil
}

// free returns the free slots the book offers subject on the searched
// dates.
func (f *fixture) free(subject tidbok.PersonalNumber) ([]tidbok.Timeslot, error) {
	res, err := f.b.AvailableTimeslots(f.ctx, f.availability(subject, searchDays))
	if err != nil {
		return nil, fmt.Errorf("AvailableTimeslots for %s: %w", who(subject), err)
	}
	return res.Slice(), nil
}

// dates returns the dates the book offers subject on the searched dates.
func (f *fixture) dates(subject tidbok.PersonalNumber) ([]tidbok.DateAvailability, error) {
	res, err := f.b.AvailableDates(f.ctx, f.availability(subject, searchDays))
	if err != nil {
		return nil, fmt.Errorf("AvailableDates for %s: %w", who(subject), err)
	}
	return res.Dates, nil
}

// offered reports whether a free slot at slot's time is among free.
func offered(free []tidbok.Timeslot, slot tidbok.Timeslot) bool {
	return slices.ContainsFunc(free, func(ts tidbok.Timeslot) bool { return sameTime(ts, slot) })
}

// offeredIn reports whether res offers slot, as offered.
func offeredIn(res tidbok.AvailableTimeslotsResult, slot tidbok.Timeslot) bool {
	for ts := range res.All() {
		if sameTime(ts, slot) {
			return true
		}
	}
	return false
}

// dateOffered reports whether d is among dates.
func dateOffered(dates []tidbok.DateAvailability, d tidbok.Date) bool {
	return slices.ContainsFunc(dates, func(da tidbok.DateAvailability) bool { return da.Date == d })
}

// findBooking returns the booking with id in bookings.
func findBooking(bookings []tidbok.Timeslot, id string) (tidbok.Timeslot, bool) {
	i := slices.IndexFunc(bookings, func(ts tidbok.Timeslot) bool { return ts.ID == id })
	if i < 0 {
		return tidbok.Timeslot{}, false
	}
	return bookings[i], true
}

// Composite checks shared by several rules.

// expectOffered records a violation unless the book offers slot (offered
// true) or leaves it out (offered false), in AvailableTimeslots and, when
// the book has it and slot is alone on its date, AvailableDates.
func (f *fixture) expectOffered(v *violations, slot tidbok.Timeslot, want bool, aloneOnDate bool, why string) {
	if !f.caps.Has(tidbok.OpAvailableTimeslots) {
		return
	}
	free, err := f.free(f.onlooker())
	if err != nil {
		v.add(err)
		return
	}
	if got := offered(free, slot); got != want {
		v.addf("AvailableTimeslots: slot at %s offered = %t, want %t %s", span(slot), got, want, why)
	}
	if !aloneOnDate || !f.caps.Has(tidbok.OpAvailableDates) {
		return
	}
	dates, err := f.dates(f.onlooker())
	if err != nil {
		v.add(err)
		return
	}
	d := tidbok.DateOf(slot.Start)
	if got := dateOffered(dates, d); got != want {
		v.addf("AvailableDates: %s offered = %t, want %t %s (its only slot is at %s)", d, got, want, why, span(slot))
	}
}

// expectScheduled records a violation unless subject's schedule holds
// exactly want (nil: nothing) at want's time, with want's ID.
func (f *fixture) expectScheduled(v *violations, subject tidbok.PersonalNumber, want []tidbok.Timeslot, why string) {
	got, err := f.schedule(subject)
	if err != nil {
		v.add(err)
		return
	}
	if diff := diffBookings(want, got); diff != "" {
		v.addf("Schedule of %s %s (-want +got):\n%s", who(subject), why, diff)
	}
}

// expectUntouched records a violation unless booking is still in its
// citizen's schedule as it was and, when the book has BookingDetails,
// unchanged there too.
func (f *fixture) expectUntouched(v *violations, booking tidbok.Timeslot, why string) {
	got, err := f.schedule(booking.Subject)
	if err != nil {
		v.add(err)
		return
	}
	now, ok := findBooking(got, booking.ID)
	switch {
	case !ok:
		v.addf("Schedule of %s: booking %q at %s is gone %s", who(booking.Subject), booking.ID, span(booking), why)
	case !sameTime(now, booking):
		v.addf("Schedule of %s: booking %q moved from %s to %s %s", who(booking.Subject), booking.ID, span(booking), span(now), why)
	}
	if !f.caps.Has(tidbok.OpBookingDetails) {
		return
	}
	res, err := f.b.BookingDetails(f.ctx, tidbok.BookingDetailsRequest{Facility: f.facility, BookingID: booking.ID, Subject: booking.Subject})
	switch {
	case err != nil:
		v.addf("BookingDetails(%q) %s: %w; want the booking unchanged", booking.ID, why, err)
	case !sameTime(res.Booking, booking):
		v.addf("BookingDetails(%q) %s: at %s, want %s", booking.ID, why, span(res.Booking), span(booking))
	}
}

// isAny reports whether err matches one of targets.
func isAny(err error, targets ...error) bool {
	return slices.ContainsFunc(targets, func(t error) bool { return errors.Is(err, t) })
}

// sentinels names the sentinels in targets for messages.
func sentinels(targets ...error) string {
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = sentinelName(t)
	}
	return strings.Join(names, " or ")
}

func sentinelName(err error) string {
	switch err {
	case tidbok.ErrSlotTaken:
		return "ErrSlotTaken"
	case tidbok.ErrNotFound:
		return "ErrNotFound"
	case tidbok.ErrNotAllowed:
		return "ErrNotAllowed"
	case tidbok.ErrInvalid:
		return "ErrInvalid"
	case tidbok.ErrNotSupported:
		return "ErrNotSupported"
	case tidbok.ErrOutcomeUnknown:
		return "ErrOutcomeUnknown"
	}
	return err.Error()
}

// expectErr records a violation unless err matches one of targets.
func expectErr(v *violations, call string, err error, targets ...error) {
	switch {
	case err == nil:
		v.addf("%s succeeded, want an error matching %s", call, sentinels(targets...))
	case !isAny(err, targets...):
		v.addf("%s: error %q, want one matching %s", call, err, sentinels(targets...))
	}
}

// bookingView is what the suite compares of a booking: the fields the
// contract says a book returns as they were booked. Identities are shown
// as names and times as Swedish local times, so that diffs are readable
// and print no personal identity number.
type bookingView struct {
	ID         string
	Subject    string
	Start, End string
	Facility   string
	TimeType   tidbok.TimeType
	Invitation bool
}

func viewOf(ts tidbok.Timeslot) bookingView {
	v := bookingView{
		ID:         ts.ID,
		Subject:    who(ts.Subject),
		Facility:   strings.ToUpper(ts.Facility.String()),
		TimeType:   ts.TimeType,
		Invitation: ts.Invitation,
	}
	if !ts.Start.IsZero() {
		v.Start = when(ts.Start)
	}
	if !ts.End.IsZero() {
		v.End = when(ts.End)
	}
	return v
}

// diffBookings compares bookings in start order, so that a rule about one
// thing does not fail on order, which a rule of its own checks.
func diffBookings(want, got []tidbok.Timeslot) string {
	view := func(tss []tidbok.Timeslot) []bookingView {
		out := make([]bookingView, len(tss))
		for i, ts := range tss {
			out[i] = viewOf(ts)
		}
		slices.SortStableFunc(out, func(a, b bookingView) int {
			return strings.Compare(a.Start+a.ID, b.Start+b.ID)
		})
		return out
	}
	return cmp.Diff(view(want), view(got), cmpopts.EquateEmpty())
}

// diffBooking compares one booking.
func diffBooking(want, got tidbok.Timeslot) string {
	return cmp.Diff(viewOf(want), viewOf(got))
}
