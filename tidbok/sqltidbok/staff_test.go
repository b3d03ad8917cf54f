package sqltidbok_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// onEach runs test on a fresh book on each database, in parallel.
func onEach(t *testing.T, test func(t *testing.T, b *sqltidbok.Book), opts ...sqltidbok.Option) {
	t.Helper()
	for _, be := range backends() {
		t.Run("on "+be.Name, func(t *testing.T) {
			t.Parallel()
			b, _ := newBook(t, be, opts...)
			test(t, b)
		})
	}
}

// fields returns the fields an error's problems name, sorted.
func fields(err error) []string {
	var out []string
	for _, fe := range tidbok.FieldErrors(err) {
		out = append(out, fe.Field)
	}
	slices.Sort(out)
	return out
}

var (
	clinic = testbook.Facility()
	drA    = tidbok.MustHSAID("SE2321000016-DRA")
	// tomorrow10 is 10:00 the day after testbook.DefaultNow.
	tomorrow10 = time.Date(2026, time.January, 13, 10, 0, 0, 0, tidbok.Stockholm())
)

func TestStaffMethodsReportEveryProblemAtOnceAndChangeNothing(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		must(t, b.AddTimeType(ctx, clinic, doctorsVisit))
		nowhere := tidbok.MustHSAID("SE2321000016-NOWHERE")
		tests := []struct {
			name       string
			call       func() error
			fields     []string
			isNotFound bool
		}{
			{"a slot with every problem", func() error {
				_, err := b.Publish(ctx, staff.SlotSpec{Facility: clinic, End: tomorrow10, TimeTypeID: "NOPE", CareTypeID: "NOPE", Performer: drA, ResourceID: "NOPE"})
				return err
			}, []string{"Start"}, true}, // and the four unknown names, matching ErrNotFound
			{"a slot at an unknown clinic", func() error {
				_, err := b.Publish(ctx, staff.SlotSpec{Facility: nowhere, Start: tomorrow10, End: tomorrow10.Add(time.Hour), TimeTypeID: doctorsVisit.ID})
				return err
			}, nil, true},
			{"a slot ending before it starts, without a time type", func() error {
				_, err := b.Publish(ctx, staff.SlotSpec{Facility: clinic, Start: tomorrow10, End: tomorrow10.Add(-time.Hour)})
				return err
			}, []string{"End", "TimeTypeID"}, false},
			{"an invitation without citizen or text", func() error {
				_, err := b.Invite(ctx, staff.InvitationSpec{Facility: clinic, TimeTypeID: doctorsVisit.ID})
				return err
			}, []string{"Purpose", "Subject"}, false},
			{"a template with every problem", func() error {
				_, err := b.PublishWeekly(ctx, staff.Template{Facility: clinic, From: tidbok.Date{Year: 2026, Month: 2, Day: 30}, DayStart: -time.Hour, DayEnd: 25 * time.Hour, Interval: -time.Minute, TimeTypeID: doctorsVisit.ID})
				return err
			}, []string{"DayEnd", "DayStart", "From", "Interval", "Length", "To", "Weekdays"}, false},
			{"a time type without ID and name at an unknown clinic", func() error {
				return b.AddTimeType(ctx, nowhere, tidbok.TimeType{})
			}, []string{"ID", "Name"}, true},
			{"a performer without names", func() error {
				return b.AddPerformer(ctx, clinic, tidbok.Performer{ID: drA})
			}, []string{"FirstName", "LastName"}, false},
			{"a notice of an unknown time type", func() error {
				return b.SetNotice(ctx, clinic, "NOPE", "Kom fastande.")
			}, nil, true},
			{"flags of an unknown booking", func() error {
				return b.SetFlags(ctx, clinic, "bnosuchbooking000", tidbok.Flags{})
			}, nil, true},
		}
		for _, tt := range tests {
			err := tt.call()
			if err == nil {
				t.Errorf("%s: succeeded, want an error", tt.name)
				continue
			}
			if tt.fields != nil {
				if !errors.Is(err, tidbok.ErrInvalid) {
					t.Errorf("%s: %v, want ErrInvalid", tt.name, err)
				}
				if diff := cmp.Diff(tt.fields, fields(err)); diff != "" {
					t.Errorf("%s: fields named (-want +got):\n%s", tt.name, diff)
				}
			}
			if tt.isNotFound != errors.Is(err, tidbok.ErrNotFound) {
				t.Errorf("%s: %v; matches ErrNotFound = %t, want %t", tt.name, err, !tt.isNotFound, tt.isNotFound)
			}
		}
		day, err := b.Day(ctx, clinic, tidbok.DateOf(tomorrow10))
		if err != nil || len(day) != 0 {
			t.Errorf("Day = %v, %v; want no slots after refused staff calls", day, err)
		}
		bookings, err := b.Bookings(ctx, clinic)
		if err != nil || len(bookings) != 0 {
			t.Errorf("Bookings = %v, %v; want none after refused staff calls", bookings, err)
		}
	})
}

func TestAddingWhatTheBookHasDoesNothing(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		for range 2 {
			must(t, b.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: testbook.FacilityName}))
			must(t, b.AddTimeType(ctx, clinic, doctorsVisit))
			must(t, b.AddCareType(ctx, clinic, tidbok.CareType{ID: "VT1", Name: "Allmänmedicin"}))
			must(t, b.AddPerformer(ctx, clinic, tidbok.Performer{ID: drA, FirstName: "Anna", LastName: "Läkare", Title: "Dr"}))
			must(t, b.AddResource(ctx, clinic, tidbok.Resource{ID: "RUM1", Name: "Rum 1"}))
		}
		for name, err := range map[string]error{
			"facility":  b.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Annat namn"}),
			"time type": b.AddTimeType(ctx, clinic, tidbok.TimeType{ID: doctorsVisit.ID, Name: "Annat"}),
			"care type": b.AddCareType(ctx, clinic, tidbok.CareType{ID: "VT1", Name: "Annat"}),
			"performer": b.AddPerformer(ctx, clinic, tidbok.Performer{ID: drA, FirstName: "Anna", LastName: "Annan"}),
			"resource":  b.AddResource(ctx, clinic, tidbok.Resource{ID: "RUM1", Name: "Rum 2"}),
		} {
			if !errors.Is(err, tidbok.ErrInvalid) {
				t.Errorf("adding a %s again under another name: %v, want ErrInvalid", name, err)
			}
		}
		res, err := b.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: clinic, Subject: citizen(1)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]tidbok.TimeType{doctorsVisit}, res.TimeTypes); diff != "" {
			t.Errorf("TimeTypes (-want +got):\n%s", diff)
		}
		perfs, err := b.Performers(ctx, tidbok.PerformersRequest{Facility: clinic, Subject: citizen(1)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]tidbok.Performer{{ID: drA, FirstName: "Anna", LastName: "Läkare", Title: "Dr"}}, perfs.Performers); diff != "" {
			t.Errorf("Performers (-want +got):\n%s", diff)
		}
	})
}

func TestWithdrawingASlot(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 1, time.Hour)
		gone, booked := free[0], free[1]
		must(t, b.Withdraw(ctx, clinic, gone.ID))
		if _, err := b.Book(ctx, bookRequest(gone, citizen(1))); !errors.Is(err, tidbok.ErrSlotTaken) {
			t.Errorf("Book of a withdrawn slot: %v, want ErrSlotTaken", err)
		}
		if err := b.Withdraw(ctx, clinic, gone.ID); !errors.Is(err, tidbok.ErrNotFound) {
			t.Errorf("withdrawing a withdrawn slot again: %v, want ErrNotFound", err)
		}
		if _, err := b.Book(ctx, bookRequest(booked, citizen(2))); err != nil {
			t.Fatal(err)
		}
		if err := b.Withdraw(ctx, clinic, booked.ID); !errors.Is(err, tidbok.ErrNotAllowed) {
			t.Errorf("withdrawing a booked slot: %v, want ErrNotAllowed", err)
		}
		if err := b.Withdraw(ctx, clinic, "snosuchslot000000"); !errors.Is(err, tidbok.ErrNotFound) {
			t.Errorf("withdrawing an unknown slot: %v, want ErrNotFound", err)
		}
		day, err := b.Day(ctx, clinic, tidbok.DateOf(gone.Start))
		if err != nil {
			t.Fatal(err)
		}
		for _, ds := range day {
			if ds.ID == gone.ID {
				t.Errorf("Day shows the withdrawn slot %s", gone.ID)
			}
		}
		onDate := 0
		for _, ts := range free {
			if tidbok.DateOf(ts.Start) == tidbok.DateOf(gone.Start) {
				onDate++
			}
		}
		if len(day) != onDate-1 {
			t.Errorf("Day shows %d slots, want %d", len(day), onDate-1)
		}
	})
}

func TestWebBookableDecidesWhatCitizensAreOffered(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 1, time.Hour)
		slot := free[0]
		must(t, b.SetWebBookable(ctx, clinic, slot.ID, false))
		if offeredNow(t, b, slot) {
			t.Errorf("a staff-only slot is offered")
		}
		if _, err := b.Book(ctx, bookRequest(slot, citizen(1))); !errors.Is(err, tidbok.ErrSlotTaken) {
			t.Errorf("Book of a staff-only slot: %v, want ErrSlotTaken", err)
		}
		must(t, b.SetWebBookable(ctx, clinic, slot.ID, true))
		if !offeredNow(t, b, slot) {
			t.Errorf("a slot made web-bookable again is not offered")
		}
		if _, err := b.Book(ctx, bookRequest(slot, citizen(1))); err != nil {
			t.Errorf("Book of a slot made web-bookable again: %v", err)
		}
		// A booked slot made staff-only keeps its booking.
		must(t, b.SetWebBookable(ctx, clinic, slot.ID, false))
		if got, err := b.Bookings(ctx, clinic); err != nil || len(got) != 1 {
			t.Errorf("Bookings = %v, %v; want the booking kept", got, err)
		}
	})
}

// offeredNow reports whether slot is among the free slots on its date.
func offeredNow(t *testing.T, b *sqltidbok.Book, slot tidbok.Timeslot) bool {
	t.Helper()
	d := tidbok.DateOf(slot.Start)
	res, err := b.AvailableTimeslots(context.Background(), tidbok.AvailabilityRequest{Facility: clinic, Subject: citizen(999_999), From: d, To: d})
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(res.Slice(), func(ts tidbok.Timeslot) bool { return ts.ID == slot.ID })
}

func TestBookingsShowTheClinicEveryBooking(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 1, time.Hour)
		nurse := tidbok.MustHSAID("SE2321000016-SSK1")
		guardian := citizen(7)
		req := bookRequest(free[1], citizen(1))
		req.Timeslot.Reason = "Ont i örat"
		req.Contact.Email = "test@example.se"
		req.Actor = tidbok.Actor{Person: guardian}
		req.Notification = "ring innan"
		req.MedicalFacility = tidbok.MustHSAID("SE2321000016-MED")
		byGuardian, err := b.Book(ctx, req)
		must(t, err)
		agentReq := bookRequest(free[0], citizen(2))
		agentReq.Actor = tidbok.Actor{Agent: nurse}
		byAgent, err := b.Book(ctx, agentReq)
		must(t, err)
		open, err := b.Invite(ctx, staff.InvitationSpec{Facility: clinic, Subject: citizen(3), TimeTypeID: doctorsVisit.ID, Purpose: "Välkommen."})
		must(t, err)
		move := tidbok.RescheduleRequest{BookingID: byGuardian.BookingID, Timeslot: free[2]}
		move.Timeslot.Subject = citizen(1)
		if _, err := b.Reschedule(ctx, move); err != nil {
			t.Fatal(err)
		}

		got, err := b.Bookings(ctx, clinic)
		must(t, err)
		var ids []string
		for _, bk := range got {
			ids = append(ids, bk.ID)
		}
		if diff := cmp.Diff([]string{byAgent.BookingID, byGuardian.BookingID, open}, ids); diff != "" {
			t.Fatalf("Bookings in order (-want +got):\n%s", diff)
		}
		g := got[1]
		want := staff.Booking{
			Timeslot:        g.Timeslot,
			Contact:         req.Contact,
			MedicalFacility: req.MedicalFacility,
			Notification:    "ring innan",
			Actor:           tidbok.Actor{Person: guardian},
			Reschedules:     1,
			BookedAt:        testbook.DefaultNow(),
		}
		if diff := cmp.Diff(want, g); diff != "" {
			t.Errorf("the guardian's booking (-want +got):\n%s", diff)
		}
		if !g.Start.Equal(free[2].Start) || g.Reason != "Ont i örat" || !g.Subject.Equal(citizen(1)) {
			t.Errorf("the moved booking is at %v with reason %q for %v; want %v, the reason given and citizen 1", g.Start, g.Reason, g.Subject, free[2].Start)
		}
		if !got[0].Actor.Agent.Equal(nurse) || !got[2].IsOpenInvitation() || got[2].Purpose != "Välkommen." {
			t.Errorf("Bookings = %+v; want the agent's booking first and the open invitation last", got)
		}
		if none, err := b.Bookings(ctx, tidbok.MustHSAID("SE2321000016-NOWHERE")); none != nil || err != nil {
			t.Errorf("Bookings of an unknown clinic = %v, %v; want nil, nil", none, err)
		}
	})
}

func TestDayShowsEverySlotOfTheDate(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 1, 2*time.Hour)
		res, err := b.Book(ctx, bookRequest(free[1], citizen(1)))
		must(t, err)
		must(t, b.SetWebBookable(ctx, clinic, free[2].ID, false))
		inv, err := b.Invite(ctx, staff.InvitationSpec{Facility: clinic, Subject: citizen(2), Start: free[3].Start.Add(time.Hour), End: free[3].End.Add(time.Hour), TimeTypeID: doctorsVisit.ID, Purpose: "Kontroll."})
		must(t, err)
		day, err := b.Day(ctx, clinic, tidbok.DateOf(free[0].Start))
		must(t, err)
		type row struct {
			Start             string
			Web, Booked, Inv  bool
			BookingID, Reason string
		}
		var got []row
		for _, ds := range day {
			got = append(got, row{ds.Start.Format("15:04"), ds.WebBookable, ds.Booked, ds.Invitation, ds.BookingID, ds.Purpose})
		}
		want := []row{
			{"08:00", true, false, false, "", ""},
			{"10:00", true, true, false, res.BookingID, ""},
			{"12:00", false, false, false, "", ""},
			{"14:00", true, false, false, "", ""},
			{"15:00", false, true, true, inv, "Kontroll."},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Day (-want +got):\n%s", diff)
		}
		if !day[1].Subject.Equal(citizen(1)) || !day[1].Flags.MayCancel {
			t.Errorf("the booked slot shows subject %v and flags %+v; want citizen 1 allowed everything", day[1].Subject, day[1].Flags)
		}
	})
}

func TestANoticeComesWithEveryBookingOfItsTimeType(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		free := publishDays(t, b, 1, time.Hour)
		must(t, b.SetNotice(ctx, clinic, doctorsVisit.ID, "Kom fastande."))
		byID, err := b.Book(ctx, bookRequest(free[0], citizen(1)))
		must(t, err)
		byTime := free[1]
		byTime.ID = ""
		found, err := b.Book(ctx, bookRequest(byTime, citizen(2)))
		must(t, err)
		must(t, b.SetNotice(ctx, clinic, doctorsVisit.ID, "Ta med frikort."))
		move := tidbok.RescheduleRequest{BookingID: byID.BookingID, Timeslot: free[2]}
		move.Timeslot.Subject = citizen(1)
		moved, err := b.Reschedule(ctx, move)
		must(t, err)
		must(t, b.SetNotice(ctx, clinic, doctorsVisit.ID, ""))
		none, err := b.Book(ctx, bookRequest(free[3], citizen(3)))
		must(t, err)
		got := []string{byID.Notice, found.Notice, moved.Notice, none.Notice}
		if diff := cmp.Diff([]string{"Kom fastande.", "Kom fastande.", "Ta med frikort.", ""}, got); diff != "" {
			t.Errorf("notices (-want +got):\n%s", diff)
		}
	})
}

func TestWeeklyTemplatesUseSwedishWallTimeAcrossClockChanges(t *testing.T) {
	t.Parallel()
	onEach(t, func(t *testing.T, b *sqltidbok.Book) {
		ctx := context.Background()
		must(t, b.AddTimeType(ctx, clinic, doctorsVisit))
		// The nights the clocks change in 2026: 29 March (02:00 → 03:00)
		// and 25 October (03:00 → 02:00). Slots every half hour from
		// 01:00 to 04:00 on each Sunday; those that start or end at a
		// wall time that does not exist, or exists twice, are left out.
		for _, c := range []struct {
			date tidbok.Date
			want []string // local starts, with the UTC offset
		}{
			{tidbok.Date{Year: 2026, Month: time.March, Day: 29}, []string{"01:00+01", "03:00+02", "03:30+02"}},
			{tidbok.Date{Year: 2026, Month: time.October, Day: 25}, []string{"01:00+02", "03:00+01", "03:30+01"}},
		} {
			n, err := b.PublishWeekly(ctx, staff.Template{
				Facility: clinic, From: c.date, To: c.date, Weekdays: []time.Weekday{time.Sunday},
				DayStart: time.Hour, DayEnd: 4 * time.Hour, Length: 30 * time.Minute, TimeTypeID: doctorsVisit.ID,
			})
			must(t, err)
			day, err := b.Day(ctx, clinic, c.date)
			must(t, err)
			var got []string
			for _, ds := range day {
				got = append(got, ds.Start.Format("15:04-07"))
			}
			if diff := cmp.Diff(c.want, got); diff != "" || n != len(c.want) {
				t.Errorf("%s: published %d slots (-want +got):\n%s", c.date, n, diff)
			}
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
