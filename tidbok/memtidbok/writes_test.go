package memtidbok_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

func TestBookFindsTheSlotByIDOrByItsAttributes(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	annas := publish(t, b, at(2, 10, 0), func(s *staff.SlotSpec) { s.Performer = drAnna })
	bos := publish(t, b, at(2, 10, 0), func(s *staff.SlotSpec) { s.Performer = drBo })

	byAttributes := freeSlot(t, b, bos)
	byAttributes.ID = ""
	res, err := b.Book(noContext, bookRequest(tolvan, byAttributes))
	if err != nil {
		t.Fatalf("Book by attributes: %v", err)
	}
	if res.BookingID == "" || res.BookingID == bos || res.BookingID == annas {
		t.Errorf("BookingID = %q, want a fresh ID, not a slot's", res.BookingID)
	}
	if diff := cmp.Diff([]string{annas}, offeredIDs(t, b)); diff != "" {
		t.Errorf("booking Bo's time by attributes left offered (-want +got):\n%s", diff)
	}
	got, err := b.BookingDetails(noContext, tidbok.BookingDetailsRequest{Facility: clinic, BookingID: res.BookingID})
	if err != nil || !got.Booking.Performer.Equal(drBo) {
		t.Errorf("BookingDetails = %+v, %v; want Bo's slot", got.Booking, err)
	}
	if _, err := b.Book(noContext, bookRequest(bertil, freeSlot(t, b, annas))); err != nil {
		t.Errorf("Book by ID: %v", err)
	}
	if ids := offeredIDs(t, b); len(ids) != 0 {
		t.Errorf("offered %v after booking both slots", ids)
	}
}

func TestBookRefusesWhatCannotBeBooked(t *testing.T) {
	t.Parallel()
	type setup struct {
		b    *memtidbok.Book
		slot tidbok.Timeslot // a free slot at +2 days 10:00
	}
	tests := []struct {
		name     string
		req      func(s setup) tidbok.BookRequest
		want     error
		wantText string
	}{
		{
			name: "a slot someone else booked is taken",
			req: func(s setup) tidbok.BookRequest {
				book(t, s.b, bertil, s.slot.ID)
				return bookRequest(tolvan, s.slot)
			},
			want: tidbok.ErrSlotTaken, wantText: "Tiden har just blivit bokad av någon annan. Välj en annan tid.",
		},
		{
			name: "a slot made staff-only is taken",
			req: func(s setup) tidbok.BookRequest {
				must(t, s.b.SetWebBookable(t.Context(), clinic, s.slot.ID, false))
				return bookRequest(tolvan, s.slot)
			},
			want: tidbok.ErrSlotTaken,
		},
		{
			name: "a withdrawn slot is taken",
			req: func(s setup) tidbok.BookRequest {
				must(t, s.b.Withdraw(t.Context(), clinic, s.slot.ID))
				return bookRequest(tolvan, s.slot)
			},
			want: tidbok.ErrSlotTaken,
		},
		{
			name: "a slot that has started is taken",
			req: func(s setup) tidbok.BookRequest {
				id := publish(t, s.b, at(0, 8, 45))
				started := s.slot
				started.ID, started.Start, started.End = id, at(0, 8, 45), at(0, 9, 15)
				return bookRequest(tolvan, started)
			},
			want: tidbok.ErrSlotTaken,
		},
		{
			name: "a slot ID with other times has changed",
			req: func(s setup) tidbok.BookRequest {
				moved := s.slot
				moved.Start, moved.End = moved.Start.Add(time.Hour), moved.End.Add(time.Hour)
				return bookRequest(tolvan, moved)
			},
			want: tidbok.ErrNotFound, wantText: "Tiden har ändrats eller finns inte längre. Välj en tid på nytt.",
		},
		{
			name: "a slot ID at another facility is not found",
			req: func(s setup) tidbok.BookRequest {
				elsewhere := s.slot
				elsewhere.Facility = annex
				return bookRequest(tolvan, elsewhere)
			},
			want: tidbok.ErrNotFound,
		},
		{
			name: "a time with no slot is not found",
			req: func(s setup) tidbok.BookRequest {
				nowhere := s.slot
				nowhere.ID, nowhere.Start, nowhere.End = "", at(2, 14, 0), at(2, 14, 30)
				return bookRequest(tolvan, nowhere)
			},
			want: tidbok.ErrNotFound,
		},
		{
			name: "an unknown ID is not found",
			req: func(s setup) tidbok.BookRequest {
				unknown := s.slot
				unknown.ID = "slot-from-elsewhere"
				return bookRequest(tolvan, unknown)
			},
			want: tidbok.ErrNotFound,
		},
		{
			name: "a time of another performer than asked is not found",
			req: func(s setup) tidbok.BookRequest {
				other := s.slot
				other.ID, other.Performer = "", drAnna
				return bookRequest(tolvan, other)
			},
			want: tidbok.ErrNotFound,
		},
		{
			name: "an existing booking's ID cannot be booked",
			req: func(s setup) tidbok.BookRequest {
				id := book(t, s.b, tolvan, publish(t, s.b, at(3, 10, 0)))
				again := s.slot
				again.ID = id
				return bookRequest(tolvan, again)
			},
			want: tidbok.ErrNotAllowed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newClinic(t)
			s := setup{b: b, slot: freeSlot(t, b, publish(t, b, at(2, 10, 0)))}
			req := tt.req(s)
			before := snapshot(t, b)
			_, err := b.Book(noContext, req)
			wantErr(t, err, tt.want)
			if text, _ := tidbok.CitizenText(err); tt.wantText != "" && text != tt.wantText {
				t.Errorf("citizen text = %q, want %q", text, tt.wantText)
			}
			if diff := cmp.Diff(before, snapshot(t, b)); diff != "" {
				t.Errorf("a refused Book changed the book (-before +after):\n%s", diff)
			}
		})
	}
}

func TestAnOpenInvitationIsBookedOnceAtAFreeSlotOfItsTimeType(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	inv, err := b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Subject: tolvan, TimeTypeID: sample.ID, Purpose: "Dags för provtagning."})
	if err != nil {
		t.Fatal(err)
	}
	wrongType := freeSlot(t, b, publish(t, b, at(2, 8, 0)))
	first := freeSlot(t, b, publish(t, b, at(2, 9, 0), func(s *staff.SlotSpec) { s.TimeTypeID = sample.ID }))
	second := freeSlot(t, b, publish(t, b, at(3, 9, 0), func(s *staff.SlotSpec) { s.TimeTypeID = sample.ID }))
	asInvitation := func(subject tidbok.PersonalNumber, slot tidbok.Timeslot) tidbok.BookRequest {
		req := bookRequest(subject, slot)
		req.Timeslot.ID = inv
		return req
	}

	_, err = b.Book(noContext, asInvitation(bertil, first))
	wantErr(t, err, tidbok.ErrNotFound)
	_, err = b.Book(noContext, asInvitation(tolvan, wrongType))
	wantErr(t, err, tidbok.ErrNotAllowed)
	if got := schedule(t, b, tolvan); len(got) != 0 {
		t.Fatalf("schedule = %v after refused bookings of an open invitation, want none", got)
	}

	res, err := b.Book(noContext, asInvitation(tolvan, first))
	if err != nil {
		t.Fatalf("Book of the open invitation: %v", err)
	}
	if res.BookingID != inv {
		t.Errorf("BookingID = %q, want the invitation's ID %q", res.BookingID, inv)
	}
	details, err := b.BookingDetails(noContext, tidbok.BookingDetailsRequest{Facility: clinic, BookingID: inv})
	if err != nil {
		t.Fatal(err)
	}
	if !details.Booking.Invitation || details.Booking.Purpose != "Dags för provtagning." || !details.Booking.Start.Equal(first.Start) {
		t.Errorf("BookingDetails = %+v, want the invitation with its text at %v", details.Booking, first.Start)
	}
	if diff := cmp.Diff([]string{inv}, schedule(t, b, tolvan)); diff != "" {
		t.Errorf("schedule (-want +got):\n%s", diff)
	}
	_, err = b.Book(noContext, asInvitation(tolvan, second))
	wantErr(t, err, tidbok.ErrNotAllowed)
	if diff := cmp.Diff([]string{wrongType.ID, second.ID}, offeredIDs(t, b)); diff != "" {
		t.Errorf("offered (-want +got):\n%s", diff)
	}
}

func TestRescheduleMovesTheBookingAtomically(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	old := publish(t, b, at(2, 10, 0))
	target := publish(t, b, at(4, 14, 0), func(s *staff.SlotSpec) { s.Performer = drAnna })
	id := book(t, b, tolvan, old)
	move := freeSlot(t, b, target)
	move.Subject = tolvan
	move.ID = id // as on the wire: the booking's ID where the slot's would be
	newContact := tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson", Phone: "0707654321"}
	if _, err := b.Reschedule(noContext, tidbok.RescheduleRequest{BookingID: id, Timeslot: move, Contact: newContact}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{old}, offeredIDs(t, b)); diff != "" {
		t.Errorf("offered after moving (-want +got):\n%s", diff)
	}
	bookings := bookingsAt(t, b, clinic)
	if len(bookings) != 1 {
		t.Fatalf("Bookings = %d, want 1", len(bookings))
	}
	got := bookings[0]
	if got.ID != id || !got.Start.Equal(at(4, 14, 0)) || !got.Performer.Equal(drAnna) || got.Reschedules != 1 || got.Contact != newContact {
		t.Errorf("after Reschedule: %+v; want booking %s at the new slot, Anna's, moved once, with the new contact", got, id)
	}
}

func TestRescheduleRefusesAndChangesNothing(t *testing.T) {
	t.Parallel()
	type setup struct {
		b       *memtidbok.Book
		booking string          // Tolvan's booking at +2 days 10:00
		target  tidbok.Timeslot // a free slot at +3 days 10:00, Subject Tolvan
	}
	tests := []struct {
		name string
		req  func(s setup) tidbok.RescheduleRequest
		want error
	}{
		{
			name: "another citizen's booking is not found",
			req: func(s setup) tidbok.RescheduleRequest {
				req := tidbok.RescheduleRequest{BookingID: s.booking, Timeslot: s.target}
				req.Timeslot.Subject = bertil
				return req
			},
			want: tidbok.ErrNotFound,
		},
		{
			name: "an agent may not reschedule",
			req: func(s setup) tidbok.RescheduleRequest {
				return tidbok.RescheduleRequest{BookingID: s.booking, Timeslot: s.target, Actor: tidbok.Actor{Agent: nurse}}
			},
			want: tidbok.ErrNotAllowed,
		},
		{
			name: "a booking that may not be rescheduled",
			req: func(s setup) tidbok.RescheduleRequest {
				must(t, s.b.SetFlags(t.Context(), clinic, s.booking, tidbok.Flags{MayCancel: true}))
				return tidbok.RescheduleRequest{BookingID: s.booking, Timeslot: s.target}
			},
			want: tidbok.ErrNotAllowed,
		},
		{
			name: "an open invitation is booked, not rescheduled",
			req: func(s setup) tidbok.RescheduleRequest {
				inv, err := s.b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Subject: tolvan, TimeTypeID: doctor.ID, Purpose: "Välkommen"})
				must(t, err)
				return tidbok.RescheduleRequest{BookingID: inv, Timeslot: s.target}
			},
			want: tidbok.ErrNotAllowed,
		},
		{
			name: "a booking that has started",
			req: func(s setup) tidbok.RescheduleRequest {
				inv, err := s.b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Subject: tolvan, Start: at(0, 8, 45), End: at(0, 9, 15), TimeTypeID: doctor.ID, Purpose: "Välkommen"})
				must(t, err)
				return tidbok.RescheduleRequest{BookingID: inv, Timeslot: s.target}
			},
			want: tidbok.ErrNotAllowed,
		},
		{
			name: "a slot of another time type",
			req: func(s setup) tidbok.RescheduleRequest {
				other := freeSlot(t, s.b, publish(t, s.b, at(3, 11, 0), func(sp *staff.SlotSpec) { sp.TimeTypeID = sample.ID }))
				other.Subject = tolvan
				return tidbok.RescheduleRequest{BookingID: s.booking, Timeslot: other}
			},
			want: tidbok.ErrNotAllowed,
		},
		{
			name: "a slot another citizen booked",
			req: func(s setup) tidbok.RescheduleRequest {
				book(t, s.b, bertil, s.target.ID)
				return tidbok.RescheduleRequest{BookingID: s.booking, Timeslot: s.target}
			},
			want: tidbok.ErrSlotTaken,
		},
		{
			name: "a staff-only slot found by its time",
			req: func(s setup) tidbok.RescheduleRequest {
				must(t, s.b.SetWebBookable(t.Context(), clinic, s.target.ID, false))
				req := tidbok.RescheduleRequest{BookingID: s.booking, Timeslot: s.target}
				req.Timeslot.ID = ""
				return req
			},
			want: tidbok.ErrSlotTaken,
		},
		{
			name: "the booking's own slot",
			req: func(s setup) tidbok.RescheduleRequest {
				own := s.target
				own.ID, own.Start, own.End = "", at(2, 10, 0), at(2, 10, 30)
				return tidbok.RescheduleRequest{BookingID: s.booking, Timeslot: own}
			},
			want: tidbok.ErrSlotTaken,
		},
		{
			name: "a time with no slot",
			req: func(s setup) tidbok.RescheduleRequest {
				nowhere := s.target
				nowhere.ID, nowhere.Start, nowhere.End = "", at(3, 16, 0), at(3, 16, 30)
				return tidbok.RescheduleRequest{BookingID: s.booking, Timeslot: nowhere}
			},
			want: tidbok.ErrNotFound,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newClinic(t)
			s := setup{b: b, booking: book(t, b, tolvan, publish(t, b, at(2, 10, 0))), target: freeSlot(t, b, publish(t, b, at(3, 10, 0)))}
			s.target.Subject = tolvan
			req := tt.req(s)
			before := snapshot(t, b)
			_, err := b.Reschedule(noContext, req)
			wantErr(t, err, tt.want)
			if _, ok := tidbok.CitizenText(err); !ok {
				t.Errorf("error %v carries no text for the citizen", err)
			}
			if diff := cmp.Diff(before, snapshot(t, b)); diff != "" {
				t.Errorf("a refused Reschedule changed the book (-before +after):\n%s", diff)
			}
		})
	}
}

func TestABookingMayMoveToAnotherFacilityOfTheBook(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	id := book(t, b, tolvan, publish(t, b, at(2, 10, 0)))
	there, err := b.Publish(t.Context(), staff.SlotSpec{Facility: annex, Start: at(3, 10, 0), End: at(3, 10, 30), TimeTypeID: doctor.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Reschedule(noContext, tidbok.RescheduleRequest{BookingID: id, Timeslot: tidbok.Timeslot{
		ID: there, Facility: annex, Subject: tolvan, Start: at(3, 10, 0), End: at(3, 10, 30),
	}}); err != nil {
		t.Fatal(err)
	}
	if got := schedule(t, b, tolvan); len(got) != 0 {
		t.Errorf("the clinic's schedule still lists %v", got)
	}
	res, err := b.Schedule(noContext, tidbok.ScheduleRequest{Facility: annex, Subject: tolvan})
	if err != nil || len(res.Bookings) != 1 || res.Bookings[0].ID != id {
		t.Errorf("the annex's schedule = %+v, %v; want booking %s", res.Bookings, err, id)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		setup  func(b *memtidbok.Book) tidbok.CancelRequest
		want   error // nil: cancelled
		freed  bool  // the slot at +2 days 10:00 is offered afterwards
		during func(t *testing.T, b *memtidbok.Book)
	}{
		{
			name: "a booking is gone and its slot free at once",
			setup: func(b *memtidbok.Book) tidbok.CancelRequest {
				return tidbok.CancelRequest{Facility: clinic, BookingID: book(t, b, tolvan, publish(t, b, at(2, 10, 0))), Message: "Förhindrad"}
			},
			freed: true,
		},
		{
			name: "an unknown booking is not found",
			setup: func(b *memtidbok.Book) tidbok.CancelRequest {
				publish(t, b, at(2, 10, 0))
				return tidbok.CancelRequest{Facility: clinic, BookingID: "b00zzzz"}
			},
			want: tidbok.ErrNotFound, freed: true,
		},
		{
			name: "a booking at another facility is not found",
			setup: func(b *memtidbok.Book) tidbok.CancelRequest {
				return tidbok.CancelRequest{Facility: annex, BookingID: book(t, b, tolvan, publish(t, b, at(2, 10, 0)))}
			},
			want: tidbok.ErrNotFound,
		},
		{
			name: "an agent may not cancel",
			setup: func(b *memtidbok.Book) tidbok.CancelRequest {
				return tidbok.CancelRequest{Facility: clinic, BookingID: book(t, b, tolvan, publish(t, b, at(2, 10, 0))), Actor: tidbok.Actor{Agent: nurse}}
			},
			want: tidbok.ErrNotAllowed,
		},
		{
			name: "a booking that may not be cancelled",
			setup: func(b *memtidbok.Book) tidbok.CancelRequest {
				id := book(t, b, tolvan, publish(t, b, at(2, 10, 0), func(s *staff.SlotSpec) { s.Flags = flags(false, true, true) }))
				return tidbok.CancelRequest{Facility: clinic, BookingID: id}
			},
			want: tidbok.ErrNotAllowed,
		},
		{
			name: "a message where the booking allows none",
			setup: func(b *memtidbok.Book) tidbok.CancelRequest {
				id := book(t, b, tolvan, publish(t, b, at(2, 10, 0), func(s *staff.SlotSpec) { s.Flags = flags(true, true, false) }))
				return tidbok.CancelRequest{Facility: clinic, BookingID: id, Message: "Förhindrad"}
			},
			want: tidbok.ErrNotAllowed,
		},
		{
			name: "a booking that has started",
			setup: func(b *memtidbok.Book) tidbok.CancelRequest {
				publish(t, b, at(2, 10, 0))
				id, err := b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Subject: tolvan, Start: at(0, 8, 30), End: at(0, 9, 30), TimeTypeID: doctor.ID, Purpose: "Välkommen"})
				must(t, err)
				return tidbok.CancelRequest{Facility: clinic, BookingID: id}
			},
			want: tidbok.ErrNotAllowed, freed: true,
		},
		{
			name: "a timed invitation is gone and its time stays with the staff",
			setup: func(b *memtidbok.Book) tidbok.CancelRequest {
				id, err := b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Subject: tolvan, Start: at(2, 10, 0), End: at(2, 10, 30), TimeTypeID: doctor.ID, Purpose: "Välkommen"})
				must(t, err)
				return tidbok.CancelRequest{Facility: clinic, BookingID: id}
			},
			during: func(t *testing.T, b *memtidbok.Book) {
				day := dayOf(t, b, clinic, testToday.AddDays(2))
				if len(day) != 1 || day[0].Booked || day[0].WebBookable {
					t.Errorf("Day = %+v, want the invitation's slot, free and staff-only", day)
				}
			},
		},
		{
			name: "an open invitation is gone",
			setup: func(b *memtidbok.Book) tidbok.CancelRequest {
				publish(t, b, at(2, 10, 0))
				id, err := b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Subject: tolvan, TimeTypeID: doctor.ID, Purpose: "Välkommen"})
				must(t, err)
				return tidbok.CancelRequest{Facility: clinic, BookingID: id}
			},
			freed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newClinic(t)
			req := tt.setup(b)
			before := snapshot(t, b)
			_, err := b.Cancel(noContext, req)
			if tt.want != nil {
				wantErr(t, err, tt.want)
				if diff := cmp.Diff(before, snapshot(t, b)); diff != "" {
					t.Errorf("a refused Cancel changed the book (-before +after):\n%s", diff)
				}
			} else {
				if err != nil {
					t.Fatalf("Cancel: %v", err)
				}
				if got := bookingsAt(t, b, clinic); len(got) != 0 {
					t.Errorf("Bookings = %d after cancelling the only one", len(got))
				}
				_, err := b.BookingDetails(noContext, tidbok.BookingDetailsRequest{Facility: clinic, BookingID: req.BookingID})
				wantErr(t, err, tidbok.ErrNotFound)
				_, err = b.Cancel(noContext, req)
				wantErr(t, err, tidbok.ErrNotFound)
			}
			if got := len(offeredIDs(t, b)) == 1; got != tt.freed {
				t.Errorf("slot offered after Cancel = %t, want %t", got, tt.freed)
			}
			if tt.during != nil {
				tt.during(t, b)
			}
		})
	}
}

func TestFlags(t *testing.T) {
	t.Parallel()
	// noLateChanges is a clinic rule: no cancelling or moving within 48
	// hours of the visit.
	noLateChanges := func(ts tidbok.Timeslot, now time.Time) tidbok.Flags {
		early := ts.Start.Sub(now) >= 48*time.Hour
		return tidbok.Flags{MayCancel: early, MayReschedule: early, MayMessage: true}
	}
	tests := []struct {
		name  string
		opts  []memtidbok.Option
		slot  func(*staff.SlotSpec)
		set   *tidbok.Flags // SetFlags after booking, when not nil
		start time.Time
		want  tidbok.Flags
	}{
		{name: "by default everything the book supports is allowed", start: at(1, 10, 0), want: *flags(true, true, true)},
		{name: "the policy decides when staff set nothing", opts: []memtidbok.Option{memtidbok.WithFlagPolicy(noLateChanges)}, start: at(1, 10, 0), want: *flags(false, false, true)},
		{name: "the policy sees the booking and the clock", opts: []memtidbok.Option{memtidbok.WithFlagPolicy(noLateChanges)}, start: at(3, 10, 0), want: *flags(true, true, true)},
		{name: "a slot's flags win over the policy", opts: []memtidbok.Option{memtidbok.WithFlagPolicy(noLateChanges)}, slot: func(s *staff.SlotSpec) { s.Flags = flags(true, false, false) }, start: at(1, 10, 0), want: *flags(true, false, false)},
		{name: "flags staff set win over the slot's", slot: func(s *staff.SlotSpec) { s.Flags = flags(true, false, false) }, set: flags(false, true, false), start: at(1, 10, 0), want: *flags(false, true, false)},
		{name: "no flag allows what the book cannot do", opts: []memtidbok.Option{memtidbok.WithCapabilities(tidbok.FlowBook)}, set: flags(true, true, true), start: at(1, 10, 0), want: tidbok.Flags{}},
		{name: "without Reschedule no booking may be moved", opts: []memtidbok.Option{memtidbok.WithCapabilities(tidbok.AllCapabilities.Without(tidbok.OpReschedule))}, start: at(1, 10, 0), want: *flags(true, false, true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newClinic(t, tt.opts...)
			var adjust []func(*staff.SlotSpec)
			if tt.slot != nil {
				adjust = append(adjust, tt.slot)
			}
			id := book(t, b, tolvan, publish(t, b, tt.start, adjust...))
			if tt.set != nil {
				must(t, b.SetFlags(t.Context(), clinic, id, *tt.set))
			}
			got := bookingsAt(t, b, clinic)[0].Flags
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Bookings flags (-want +got):\n%s", diff)
			}
			sched, err := b.Schedule(noContext, tidbok.ScheduleRequest{Facility: clinic, Subject: tolvan})
			if err != nil || len(sched.Bookings) != 1 {
				t.Fatalf("Schedule = %v, %v", sched, err)
			}
			if diff := cmp.Diff(tt.want, sched.Bookings[0].Flags); diff != "" {
				t.Errorf("Schedule flags (-want +got):\n%s", diff)
			}
			if b.Capabilities().Has(tidbok.OpCancel) {
				_, err := b.Cancel(noContext, tidbok.CancelRequest{Facility: clinic, BookingID: id})
				if got := err == nil; got != tt.want.MayCancel {
					t.Errorf("Cancel succeeded = %t (%v), want %t as the flags say", got, err, tt.want.MayCancel)
				}
			}
		})
	}
}

func TestScheduleListsTheCitizensTimedBookingsNotYetEnded(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	running, err := b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Subject: tolvan, Start: at(0, 8, 45), End: at(0, 9, 15), TimeTypeID: doctor.ID, Purpose: "Pågår"})
	must(t, err)
	_, err = b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Subject: tolvan, Start: at(-1, 8, 0), End: at(-1, 9, 0), TimeTypeID: doctor.ID, Purpose: "Igår"})
	must(t, err)
	_, err = b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Subject: tolvan, TimeTypeID: doctor.ID, Purpose: "Öppen"})
	must(t, err)
	later := book(t, b, tolvan, publish(t, b, at(5, 10, 0)))
	sooner := book(t, b, tolvan, publish(t, b, at(1, 10, 0)))
	book(t, b, bertil, publish(t, b, at(1, 11, 0)))
	if diff := cmp.Diff([]string{running, sooner, later}, schedule(t, b, tolvan)); diff != "" {
		t.Errorf("schedule (-want +got):\n%s", diff)
	}
	res, err := b.Schedule(noContext, tidbok.ScheduleRequest{Facility: annex, Subject: tolvan})
	if err != nil || len(res.Bookings) != 0 {
		t.Errorf("the annex's schedule = %v, %v; want none", res.Bookings, err)
	}
	if diff := cmp.Diff([]string(nil), schedule(t, b, cecilia), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("schedule of a citizen without bookings (-want +got):\n%s", diff)
	}
}
