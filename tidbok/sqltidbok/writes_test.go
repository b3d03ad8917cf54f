package sqltidbok_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

func TestBookRefusesWhatCannotBeBooked(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 1, time.Hour)
		other := tidbok.MustHSAID("SE2321000016-OTHER")
		must(t, b.AddFacility(ctx, tidbok.Facility{ID: other, Name: "Annan mottagning"}))
		must(t, b.AddTimeType(ctx, other, doctorsVisit))
		otherSlot, err := b.Publish(ctx, staff.SlotSpec{Facility: other, Start: free[0].Start, End: free[0].End, TimeTypeID: doctorsVisit.ID})
		must(t, err)
		staffOnly, withdrawn, taken := free[1], free[2], free[3]
		must(t, b.SetWebBookable(ctx, clinic, staffOnly.ID, false))
		must(t, b.Withdraw(ctx, clinic, withdrawn.ID))
		_, err = b.Book(ctx, bookRequest(taken, citizen(100)))
		must(t, err)
		started := time.Date(2026, time.January, 12, 8, 30, 0, 0, tidbok.Stockholm()) // before testbook.DefaultNow
		startedID, err := b.Publish(ctx, staff.SlotSpec{Facility: clinic, Start: started, End: started.Add(time.Hour), TimeTypeID: doctorsVisit.ID})
		must(t, err)

		moved := free[4]
		moved.Start = moved.Start.Add(time.Minute)
		unknown := free[4]
		unknown.ID = "snosuchslot000000"
		elsewhere := free[0]
		elsewhere.ID = otherSlot
		nowhere := free[4]
		nowhere.Facility = tidbok.MustHSAID("SE2321000016-NOWHERE")
		byTimeTaken := taken
		byTimeTaken.ID = ""
		byTimeNothing := free[4]
		byTimeNothing.ID, byTimeNothing.Start = "", free[4].Start.Add(10*time.Minute)
		tests := []struct {
			name string
			slot tidbok.Timeslot
			want error
		}{
			{"a slot whose time has changed", moved, tidbok.ErrNotFound},
			{"a slot the book does not have", unknown, tidbok.ErrNotFound},
			{"another clinic's slot named at this clinic", elsewhere, tidbok.ErrNotFound},
			{"a slot at a clinic the book does not have", nowhere, tidbok.ErrNotFound},
			{"a staff-only slot", staffOnly, tidbok.ErrSlotTaken},
			{"a withdrawn slot", withdrawn, tidbok.ErrSlotTaken},
			{"a booked slot", taken, tidbok.ErrSlotTaken},
			{"a booked slot found by its time", byTimeTaken, tidbok.ErrSlotTaken},
			{"a time with no slot", byTimeNothing, tidbok.ErrNotFound},
			{"a slot that has started", tidbok.Timeslot{ID: startedID, Facility: clinic, Start: started, End: started.Add(time.Hour)}, tidbok.ErrSlotTaken},
			{"an invitation that is not there", tidbok.Timeslot{ID: "bnosuchbooking000", Facility: clinic, Start: free[4].Start, End: free[4].End}, tidbok.ErrNotFound},
		}
		for _, tt := range tests {
			_, err := b.Book(ctx, bookRequest(tt.slot, citizen(1)))
			if !errors.Is(err, tt.want) {
				t.Errorf("Book of %s: %v, want %v", tt.name, err, tt.want)
			}
			if _, ok := tidbok.CitizenText(err); err != nil && !ok {
				t.Errorf("Book of %s: %v carries no text for the citizen", tt.name, err)
			}
		}
		sched, err := b.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: citizen(1)})
		if err != nil || len(sched.Bookings) != 0 {
			t.Errorf("Schedule = %v, %v; want nothing booked", sched.Bookings, err)
		}
	})
}

func TestTheCitizenNamedMustOwnTheBooking(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 1, time.Hour)
		res, err := b.Book(ctx, bookRequest(free[0], citizen(1)))
		must(t, err)
		_, err = b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: clinic, BookingID: res.BookingID, Subject: citizen(2)})
		if !errors.Is(err, tidbok.ErrNotFound) {
			t.Errorf("BookingDetails for another citizen: %v, want ErrNotFound", err)
		}
		_, err = b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: res.BookingID, Subject: citizen(2)})
		if !errors.Is(err, tidbok.ErrNotFound) {
			t.Errorf("Cancel for another citizen: %v, want ErrNotFound", err)
		}
		_, err = b.Facilities(ctx, tidbok.FacilitiesRequest{Facility: clinic, Subject: citizen(2), BookingID: res.BookingID})
		if !errors.Is(err, tidbok.ErrNotFound) {
			t.Errorf("Facilities for another citizen's booking: %v, want ErrNotFound", err)
		}
		d, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: clinic, BookingID: res.BookingID, Subject: citizen(1)})
		if err != nil || d.Booking.ID != res.BookingID {
			t.Errorf("BookingDetails for its own citizen = %v, %v", d.Booking.ID, err)
		}
		if _, err := b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: res.BookingID, Subject: citizen(1)}); err != nil {
			t.Errorf("Cancel for its own citizen: %v", err)
		}
	})
}

func TestFlagsComeFromStaffTheSlotOrThePolicy(t *testing.T) {
	t.Parallel()
	// The policy: no cancelling within 48 hours.
	policy := sqltidbok.WithFlagPolicy(func(bk tidbok.Timeslot, now time.Time) tidbok.Flags {
		return tidbok.Flags{MayCancel: bk.Start.Sub(now) >= 48*time.Hour, MayReschedule: true}
	})
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 3, time.Hour)
		soon, later := free[0], free[len(free)-1]
		slotFlags := tidbok.Flags{MayMessage: true, MayCancel: true, MayReschedule: true}
		flagged, err := b.Publish(ctx, staff.SlotSpec{Facility: clinic, Start: soon.Start.Add(30 * time.Minute), End: soon.End.Add(30 * time.Minute), TimeTypeID: doctorsVisit.ID, Flags: &slotFlags})
		must(t, err)
		ids := map[string]string{}
		for name, ts := range map[string]tidbok.Timeslot{
			"soon":  soon,
			"later": later,
			"slot":  {ID: flagged, Facility: clinic, Start: soon.Start.Add(30 * time.Minute), End: soon.End.Add(30 * time.Minute)},
			"staff": free[1],
		} {
			res, err := b.Book(ctx, bookRequest(ts, citizen(1)))
			must(t, err)
			ids[name] = res.BookingID
		}
		must(t, b.SetFlags(ctx, clinic, ids["staff"], tidbok.Flags{MayCancel: true, MayMessage: true, MayReschedule: true}))
		sched, err := b.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: citizen(1)})
		must(t, err)
		got := map[string]tidbok.Flags{}
		for name, id := range ids {
			for _, bk := range sched.Bookings {
				if bk.ID == id {
					got[name] = bk.Flags
				}
			}
		}
		// The book supports no Reschedule, so no flag allows it.
		want := map[string]tidbok.Flags{
			"soon":  {},
			"later": {MayCancel: true},
			"slot":  {MayCancel: true, MayMessage: true},
			"staff": {MayCancel: true, MayMessage: true},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("flags (-want +got):\n%s", diff)
		}
		_, err = b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: ids["soon"]})
		if !errors.Is(err, tidbok.ErrNotAllowed) {
			t.Errorf("Cancel the policy forbids: %v, want ErrNotAllowed", err)
		}
		_, err = b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: ids["later"], Message: "Förhindrad."})
		if !errors.Is(err, tidbok.ErrNotAllowed) {
			t.Errorf("Cancel with a message the policy forbids: %v, want ErrNotAllowed", err)
		}
		_, err = b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: ids["later"], Actor: tidbok.Actor{Agent: drA}})
		if !errors.Is(err, tidbok.ErrNotAllowed) {
			t.Errorf("Cancel by an agent: %v, want ErrNotAllowed", err)
		}
		if _, err := b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: ids["slot"], Message: "Förhindrad."}); err != nil {
			t.Errorf("Cancel with a message the slot's flags allow: %v", err)
		}
	}, policy, sqltidbok.WithCapabilities(tidbok.AllCapabilities.Without(tidbok.OpReschedule)))
}

func TestAnInvitationIsBookedAndMovedAcrossTheBooksClinics(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 1, time.Hour)
		other := tidbok.MustHSAID("SE2321000016-OTHER")
		must(t, b.AddFacility(ctx, tidbok.Facility{ID: other, Name: "Filialen"}))
		must(t, b.AddTimeType(ctx, other, doctorsVisit))
		start := free[0].Start.Add(24 * time.Hour)
		there, err := b.Publish(ctx, staff.SlotSpec{Facility: other, Start: start, End: start.Add(time.Hour), TimeTypeID: doctorsVisit.ID})
		must(t, err)
		inv, err := b.Invite(ctx, staff.InvitationSpec{Facility: clinic, Subject: citizen(1), TimeTypeID: doctorsVisit.ID, Purpose: "Dags för kontroll."})
		must(t, err)
		// Booked at a slot of this clinic, found by its time.
		at := free[0]
		at.ID = inv
		if _, err := b.Book(ctx, bookRequest(at, citizen(1))); err != nil {
			t.Fatalf("Book of the open invitation: %v", err)
		}
		if _, err := b.Book(ctx, bookRequest(at, citizen(1))); !errors.Is(err, tidbok.ErrNotAllowed) {
			t.Errorf("Book of the invitation again: %v, want ErrNotAllowed", err)
		}
		// Moved to the other clinic.
		move := tidbok.RescheduleRequest{BookingID: inv, Timeslot: tidbok.Timeslot{ID: there, Facility: other, Start: start, End: start.Add(time.Hour), Subject: citizen(1)}}
		if _, err := b.Reschedule(ctx, move); err != nil {
			t.Fatalf("Reschedule to the other clinic: %v", err)
		}
		d, err := b.BookingDetails(ctx, tidbok.BookingDetailsRequest{Facility: other, BookingID: inv, Subject: citizen(1)})
		must(t, err)
		if d.Booking.FacilityName != "Filialen" || !d.Booking.Start.Equal(start) || d.Booking.Invitation || d.Booking.Purpose != "Dags för kontroll." {
			t.Errorf("the moved invitation = %+v; want a booking at Filialen at %v keeping its text", d.Booking, start)
		}
		if !offeredNow(t, b, free[0]) {
			t.Errorf("the slot the invitation left is not offered")
		}
	})
}

func TestStaffAndCitizensRaceForASlot(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 1, 15*time.Minute)
		withdrawn := 0
		for round, slot := range free[:20] {
			var wg sync.WaitGroup
			var withdrawErr error
			errs := make([]error, 4)
			wg.Go(func() { withdrawErr = b.Withdraw(ctx, clinic, slot.ID) })
			for i := range errs {
				wg.Go(func() {
					_, errs[i] = b.Book(ctx, bookRequest(slot, citizen(round*10+i)))
				})
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, tidbok.ErrSlotTaken):
					t.Errorf("round %d: Book: %v, want success or ErrSlotTaken", round, err)
				}
			}
			switch {
			case withdrawErr == nil && wins != 0:
				t.Errorf("round %d: the slot was withdrawn and booked %d times", round, wins)
			case withdrawErr != nil && !errors.Is(withdrawErr, tidbok.ErrNotAllowed):
				t.Errorf("round %d: Withdraw: %v, want success or ErrNotAllowed", round, withdrawErr)
			case withdrawErr != nil && wins != 1:
				t.Errorf("round %d: Withdraw refused, but %d bookings won", round, wins)
			case withdrawErr == nil:
				withdrawn++
			}
		}
		t.Logf("staff won %d of 20 rounds, citizens the others", withdrawn)
	})
}

func TestBookingsSwappingSlotsAtOnceBothFail(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 1, 15*time.Minute)
		for round := range 10 {
			s1, s2 := free[2*round], free[2*round+1]
			c1, c2 := citizen(2*round), citizen(2*round+1)
			b1, err := b.Book(ctx, bookRequest(s1, c1))
			must(t, err)
			b2, err := b.Book(ctx, bookRequest(s2, c2))
			must(t, err)
			var wg sync.WaitGroup
			var err1, err2 error
			wg.Go(func() {
				req := tidbok.RescheduleRequest{BookingID: b1.BookingID, Timeslot: s2}
				req.Timeslot.Subject = c1
				_, err1 = b.Reschedule(ctx, req)
			})
			wg.Go(func() {
				req := tidbok.RescheduleRequest{BookingID: b2.BookingID, Timeslot: s1}
				req.Timeslot.Subject = c2
				_, err2 = b.Reschedule(ctx, req)
			})
			wg.Wait()
			if !errors.Is(err1, tidbok.ErrSlotTaken) || !errors.Is(err2, tidbok.ErrSlotTaken) {
				t.Errorf("round %d: swapping two booked slots: %v and %v, want ErrSlotTaken twice", round, err1, err2)
			}
		}
		got, err := b.Bookings(ctx, clinic)
		must(t, err)
		if len(got) != 20 {
			t.Errorf("the book holds %d bookings, want the 20 made", len(got))
		}
	})
}

func TestBooksOnOneDatabaseShareEverything(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := be.DSN(t)
			first, _ := openBook(t, be, dsn)
			second, _ := openBook(t, be, dsn) // its own *sql.DB, as in another process
			free := publishDays(t, first, 1, time.Hour)
			late := tidbok.MustHSAID("SE2321000016-LATE")
			must(t, first.AddFacility(ctx, tidbok.Facility{ID: late, Name: "Sen"}))
			if _, err := second.Facilities(ctx, tidbok.FacilitiesRequest{Facility: late, Subject: citizen(1)}); err != nil {
				t.Errorf("a clinic one book added is unknown to the other: %v", err)
			}
			res, err := first.Book(ctx, bookRequest(free[0], citizen(1)))
			must(t, err)
			if _, err := second.Book(ctx, bookRequest(free[0], citizen(2))); !errors.Is(err, tidbok.ErrSlotTaken) {
				t.Errorf("the other book lets a second citizen book the slot: %v", err)
			}
			sched, err := second.Schedule(ctx, tidbok.ScheduleRequest{Facility: testbook.Facility(), Subject: citizen(1)})
			if err != nil || len(sched.Bookings) != 1 || sched.Bookings[0].ID != res.BookingID {
				t.Errorf("the other book's Schedule = %v, %v; want the booking made through the first", sched.Bookings, err)
			}
			if _, err := second.Cancel(ctx, tidbok.CancelRequest{Facility: testbook.Facility(), BookingID: res.BookingID}); err != nil {
				t.Errorf("Cancel through the other book: %v", err)
			}
			if _, err := first.Book(ctx, bookRequest(free[0], citizen(3))); err != nil {
				t.Errorf("Book of the slot cancelled through the other book: %v", err)
			}
		})
	}
}

func TestAnEndedContextStopsEveryOperation(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		free := publishDays(t, b, 1, time.Hour)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := b.Book(ctx, bookRequest(free[0], citizen(1)))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Book with an ended context: %v, want context.Canceled", err)
		}
		if _, err := b.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: citizen(1)}); !errors.Is(err, context.Canceled) {
			t.Errorf("Schedule with an ended context: %v, want context.Canceled", err)
		}
		if !offeredNow(t, b, free[0]) {
			t.Errorf("a Book with an ended context booked the slot")
		}
	})
}

// On PostgreSQL, bookings made at the same moment go to the database
// together, in one statement; each must still get its own answer.
func TestBookingsMadeAtOnceEachGetTheirOwnAnswer(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 2, 15*time.Minute)
		nurse := tidbok.TimeType{ID: "SSK", Name: "Sjuksköterskebesök"}
		must(t, b.AddTimeType(ctx, clinic, nurse))
		must(t, b.SetNotice(ctx, clinic, doctorsVisit.ID, "Kom fastande."))
		must(t, b.SetNotice(ctx, clinic, nurse.ID, "Ta med frikort."))
		notice, timeType := map[string]string{}, map[string]string{} // by slot ID
		var slots []tidbok.Timeslot
		for i, ts := range free[:40] {
			if i%2 == 1 { // every other slot a nurse's, at the same time
				id, err := b.Publish(ctx, staff.SlotSpec{Facility: clinic, Start: ts.Start, End: ts.End, TimeTypeID: nurse.ID})
				must(t, err)
				ts.ID, ts.TimeType = id, nurse
				notice[id], timeType[id] = "Ta med frikort.", nurse.ID
			} else {
				notice[ts.ID], timeType[ts.ID] = "Kom fastande.", doctorsVisit.ID
			}
			slots = append(slots, ts)
		}
		staffOnly, withdrawn, moved := slots[30], slots[31], slots[32]
		must(t, b.SetWebBookable(ctx, clinic, staffOnly.ID, false))
		must(t, b.Withdraw(ctx, clinic, withdrawn.ID))
		moved.Start = moved.Start.Add(time.Minute)

		// Three citizens want each of the first 30 slots; one each wants
		// the three that cannot be booked.
		type try struct {
			slot    tidbok.Timeslot
			subject tidbok.PersonalNumber
			want    error // for the three; nil means "one of three wins"
		}
		var tries []try
		for round := range 3 {
			for i, ts := range slots[:30] {
				tries = append(tries, try{slot: ts, subject: citizen(100*round + i)})
			}
		}
		tries = append(tries,
			try{staffOnly, citizen(900), tidbok.ErrSlotTaken},
			try{withdrawn, citizen(901), tidbok.ErrSlotTaken},
			try{moved, citizen(902), tidbok.ErrNotFound})
		results := make([]tidbok.BookResult, len(tries))
		errs := make([]error, len(tries))
		var wg sync.WaitGroup
		for i, tr := range tries {
			wg.Go(func() { results[i], errs[i] = b.Book(ctx, bookRequest(tr.slot, tr.subject)) })
		}
		wg.Wait()

		winner := map[string]tidbok.PersonalNumber{} // slot ID → subject
		byBooking := map[string]string{}             // booking ID → slot ID
		for i, tr := range tries {
			err := errs[i]
			switch {
			case tr.want != nil:
				if !errors.Is(err, tr.want) {
					t.Errorf("booking %s: %v, want %v", tr.slot.ID, err, tr.want)
				}
			case err == nil:
				if _, twice := winner[tr.slot.ID]; twice {
					t.Errorf("slot %s booked twice", tr.slot.ID)
				}
				winner[tr.slot.ID] = tr.subject
				byBooking[results[i].BookingID] = tr.slot.ID
				if got := results[i].Notice; got != notice[tr.slot.ID] {
					t.Errorf("booking of %s answered notice %q, want %q", tr.slot.ID, got, notice[tr.slot.ID])
				}
			case !errors.Is(err, tidbok.ErrSlotTaken):
				t.Errorf("booking %s: %v, want success or ErrSlotTaken", tr.slot.ID, err)
			}
		}
		if len(winner) != 30 {
			t.Errorf("%d of 30 contested slots booked, want every one", len(winner))
		}
		got, err := b.Bookings(ctx, clinic)
		must(t, err)
		if len(got) != len(winner) {
			t.Errorf("the book holds %d bookings, want %d", len(got), len(winner))
		}
		for _, bk := range got {
			slot, ok := byBooking[bk.ID]
			switch {
			case !ok:
				t.Errorf("booking %s was answered to nobody", bk.ID)
			case bk.Subject != winner[slot]:
				t.Errorf("booking %s of slot %s is %v's, but %v was told it won", bk.ID, slot, bk.Subject, winner[slot])
			case bk.Contact != contact || bk.TimeType.ID != timeType[slot]:
				t.Errorf("booking %s keeps contact %+v and time type %v", bk.ID, bk.Contact, bk.TimeType)
			}
		}
	})
}

// A write on a closed database never reached it: the error says so
// (ErrNotSent), not that the outcome is unknown.
func TestWritesOnAClosedDatabaseAreNotSent(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := be.Open(t, be.DSN(t))
			b, err := sqltidbok.Open(ctx, db, be.Dialect, at(testbook.DefaultNow()))
			must(t, err)
			must(t, b.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: testbook.FacilityName}))
			free := publishDays(t, b, 1, time.Hour)
			booked, err := b.Book(ctx, bookRequest(free[0], citizen(1)))
			must(t, err)
			must(t, b.Close())
			must(t, db.Close())

			_, bookErr := b.Book(ctx, bookRequest(free[1], citizen(2)))
			byTime := free[2]
			byTime.ID = ""
			_, findErr := b.Book(ctx, bookRequest(byTime, citizen(3)))
			_, cancelErr := b.Cancel(ctx, tidbok.CancelRequest{Facility: clinic, BookingID: booked.BookingID, Actor: tidbok.Actor{Person: citizen(1)}})
			for name, err := range map[string]error{"Book": bookErr, "Book by time": findErr, "Cancel": cancelErr} {
				if !errors.Is(err, tidbok.ErrNotSent) || errors.Is(err, tidbok.ErrOutcomeUnknown) {
					t.Errorf("%s on a closed database: %v, want ErrNotSent and not ErrOutcomeUnknown", name, err)
				}
			}
		})
	}
}
