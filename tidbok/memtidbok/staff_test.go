package memtidbok_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// fieldsOf returns the sorted fields of err's malformed-input problems.
func fieldsOf(err error) []string {
	var out []string
	for _, fe := range tidbok.FieldErrors(err) {
		out = append(out, fe.Field)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestStaffMethodsReportEveryProblemAtOnceAndChangeNothing(t *testing.T) {
	t.Parallel()
	unknown := tidbok.MustHSAID("SE2321000016-NONE")
	start := at(2, 10, 0)
	tests := []struct {
		name         string
		call         func(b *memtidbok.Book) error
		wantFields   []string // malformed fields, matching ErrInvalid
		wantNotFound bool     // some problem names what the book lacks
	}{
		{
			name:       "an empty slot lacks facility, times and time type",
			call:       func(b *memtidbok.Book) error { _, err := b.Publish(t.Context(), staff.SlotSpec{}); return err },
			wantFields: []string{"End", "Facility", "Start", "TimeTypeID"},
		},
		{
			name: "a slot ending before it starts at an unknown facility",
			call: func(b *memtidbok.Book) error {
				_, err := b.Publish(t.Context(), staff.SlotSpec{Facility: unknown, Start: start, End: start.Add(-time.Hour), TimeTypeID: doctor.ID})
				return err
			},
			wantFields:   []string{"End"},
			wantNotFound: true,
		},
		{
			name: "a slot naming a time type, care type, clinician and room the clinic lacks",
			call: func(b *memtidbok.Book) error {
				_, err := b.Publish(t.Context(), staff.SlotSpec{Facility: clinic, Start: start, End: start, TimeTypeID: "X", CareTypeID: "Y", Performer: unknown, ResourceID: "Z"})
				return err
			},
			wantFields:   []string{"End"},
			wantNotFound: true,
		},
		{
			name: "a weekly template with every field wrong",
			call: func(b *memtidbok.Book) error {
				_, err := b.PublishWeekly(t.Context(), staff.Template{
					Facility: clinic,
					From:     tidbok.Date{Year: 2026, Month: 2, Day: 30},
					DayStart: 10 * time.Hour, DayEnd: 9 * time.Hour,
					Length: 30 * time.Minute, Interval: 10 * time.Minute,
				})
				return err
			},
			wantFields: []string{"DayEnd", "From", "Interval", "TimeTypeID", "To", "Weekdays"},
		},
		{
			name: "a weekly template that runs backwards",
			call: func(b *memtidbok.Book) error {
				_, err := b.PublishWeekly(t.Context(), staff.Template{
					Facility: clinic, From: testToday, To: testToday.AddDays(-1), Weekdays: allWeek,
					DayEnd: 24 * time.Hour, Length: time.Hour, TimeTypeID: doctor.ID,
				})
				return err
			},
			wantFields: []string{"To"},
		},
		{
			name: "an invitation without citizen, text or end",
			call: func(b *memtidbok.Book) error {
				_, err := b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Start: start, TimeTypeID: doctor.ID})
				return err
			},
			wantFields: []string{"End", "Purpose", "Subject"},
		},
		{
			name: "an invitation of an unknown time type",
			call: func(b *memtidbok.Book) error {
				_, err := b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Subject: tolvan, TimeTypeID: "X", Purpose: "Välkommen"})
				return err
			},
			wantNotFound: true,
		},
		{
			name:         "a time type without ID or name at an unknown facility",
			call:         func(b *memtidbok.Book) error { return b.AddTimeType(t.Context(), unknown, tidbok.TimeType{}) },
			wantFields:   []string{"ID", "Name"},
			wantNotFound: true,
		},
		{
			name: "a time type renamed",
			call: func(b *memtidbok.Book) error {
				return b.AddTimeType(t.Context(), clinic, tidbok.TimeType{ID: doctor.ID, Name: "Annat"})
			},
			wantFields: []string{"Name"},
		},
		{
			name:       "a care type without a name",
			call:       func(b *memtidbok.Book) error { return b.AddCareType(t.Context(), clinic, tidbok.CareType{ID: "VT9"}) },
			wantFields: []string{"Name"},
		},
		{
			name: "a clinician without an HSA-id or names",
			call: func(b *memtidbok.Book) error {
				return b.AddPerformer(t.Context(), clinic, tidbok.Performer{Title: "Dr"})
			},
			wantFields: []string{"FirstName", "ID", "LastName"},
		},
		{
			name: "a resource without an ID",
			call: func(b *memtidbok.Book) error {
				return b.AddResource(t.Context(), clinic, tidbok.Resource{Name: "Rum 2"})
			},
			wantFields: []string{"ID"},
		},
		{
			name: "a facility renamed",
			call: func(b *memtidbok.Book) error {
				return b.AddFacility(t.Context(), tidbok.Facility{ID: clinic, Name: "Annan"})
			},
			wantFields: []string{"Name"},
		},
		{
			name:       "a facility without an HSA-id",
			call:       func(b *memtidbok.Book) error { return b.AddFacility(t.Context(), tidbok.Facility{Name: "Namnlös"}) },
			wantFields: []string{"ID"},
		},
		{
			name:         "a notice for an unknown time type",
			call:         func(b *memtidbok.Book) error { return b.SetNotice(t.Context(), clinic, "X", "Kom fastande") },
			wantNotFound: true,
		},
		{
			name:         "an unknown slot made web-bookable",
			call:         func(b *memtidbok.Book) error { return b.SetWebBookable(t.Context(), clinic, "s999999", true) },
			wantNotFound: true,
		},
		{
			name:         "an unknown slot withdrawn",
			call:         func(b *memtidbok.Book) error { return b.Withdraw(t.Context(), clinic, "nonsense") },
			wantNotFound: true,
		},
		{
			name:       "flags set without a booking ID",
			call:       func(b *memtidbok.Book) error { return b.SetFlags(t.Context(), clinic, "", tidbok.Flags{}) },
			wantFields: []string{"bookingID"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newClinic(t)
			before := snapshot(t, b)
			err := tt.call(b)
			if err == nil {
				t.Fatal("succeeded, want an error")
			}
			if !strings.HasPrefix(err.Error(), "memtidbok: ") {
				t.Errorf("error %q does not start with %q", err, "memtidbok: ")
			}
			if got, want := errors.Is(err, tidbok.ErrInvalid), len(tt.wantFields) > 0; got != want {
				t.Errorf("errors.Is(%v, ErrInvalid) = %t, want %t", err, got, want)
			}
			if got := errors.Is(err, tidbok.ErrNotFound); got != tt.wantNotFound {
				t.Errorf("errors.Is(%v, ErrNotFound) = %t, want %t", err, got, tt.wantNotFound)
			}
			if diff := cmp.Diff(tt.wantFields, fieldsOf(err), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problem fields (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, snapshot(t, b)); diff != "" {
				t.Errorf("the book changed (-before +after):\n%s", diff)
			}
		})
	}
}

// bookState is what the staff and citizens can see of the test clinic.
type bookState struct {
	Slots      []staff.DaySlot
	Bookings   []staff.Booking
	TimeTypes  []tidbok.TimeType
	Performers []tidbok.Performer
	Facilities []tidbok.Facility
}

func snapshot(t testing.TB, b *memtidbok.Book) bookState {
	t.Helper()
	var s bookState
	for d := testToday.AddDays(-1); d.Before(testToday.AddDays(15)); d = d.AddDays(1) {
		s.Slots = append(s.Slots, dayOf(t, b, clinic, d)...)
	}
	s.Bookings = bookingsAt(t, b, clinic)
	tts, err := b.TimeTypes(noContext, tidbok.TimeTypesRequest{Facility: clinic, Subject: tolvan})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := b.Performers(noContext, tidbok.PerformersRequest{Facility: clinic, Subject: tolvan})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := b.Facilities(noContext, tidbok.FacilitiesRequest{Facility: clinic, Subject: tolvan})
	if err != nil {
		t.Fatal(err)
	}
	s.TimeTypes, s.Performers, s.Facilities = tts.TimeTypes, ps.Performers, fs.Facilities
	return s
}

func TestAddingWhatTheBookHasDoesNothing(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	before := snapshot(t, b)
	for _, err := range []error{
		b.AddFacility(t.Context(), clinicInfo),
		b.AddTimeType(t.Context(), clinic, doctor),
		b.AddCareType(t.Context(), clinic, checkup),
		b.AddPerformer(t.Context(), clinic, annaPerf),
		b.AddResource(t.Context(), clinic, room),
	} {
		if err != nil {
			t.Errorf("adding again: %v", err)
		}
	}
	if diff := cmp.Diff(before, snapshot(t, b)); diff != "" {
		t.Errorf("the book changed (-before +after):\n%s", diff)
	}
}

func TestWithdrawingASlot(t *testing.T) {
	t.Parallel()
	t.Run("a free slot is gone from every view and cannot be booked", func(t *testing.T) {
		t.Parallel()
		b := newClinic(t)
		id := publish(t, b, at(2, 10, 0))
		slot := freeSlot(t, b, id)
		if err := b.Withdraw(t.Context(), clinic, id); err != nil {
			t.Fatalf("Withdraw: %v", err)
		}
		if ids := offeredIDs(t, b); len(ids) != 0 {
			t.Errorf("offered %v after withdrawing the only slot", ids)
		}
		if day := dayOf(t, b, clinic, testToday.AddDays(2)); len(day) != 0 {
			t.Errorf("Day shows %d slots after withdrawing the only one", len(day))
		}
		_, err := b.Book(noContext, bookRequest(tolvan, slot))
		wantErr(t, err, tidbok.ErrSlotTaken)
		wantErr(t, b.Withdraw(t.Context(), clinic, id), tidbok.ErrNotFound)
		wantErr(t, b.SetWebBookable(t.Context(), clinic, id, true), tidbok.ErrNotFound)
	})
	t.Run("a booked slot stays booked and the error says to cancel first", func(t *testing.T) {
		t.Parallel()
		b := newClinic(t)
		id := publish(t, b, at(2, 10, 0))
		bookingID := book(t, b, tolvan, id)
		err := b.Withdraw(t.Context(), clinic, id)
		wantErr(t, err, tidbok.ErrNotAllowed)
		if !strings.Contains(err.Error(), "cancel the booking first") {
			t.Errorf("error %q does not say to cancel the booking first", err)
		}
		if diff := cmp.Diff([]string{bookingID}, schedule(t, b, tolvan)); diff != "" {
			t.Errorf("schedule (-want +got):\n%s", diff)
		}
	})
}

func TestWebBookableDecidesWhatCitizensAreOffered(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	id := publish(t, b, at(2, 10, 0))
	slot := freeSlot(t, b, id)
	if err := b.SetWebBookable(t.Context(), clinic, id, false); err != nil {
		t.Fatal(err)
	}
	if ids := offeredIDs(t, b); len(ids) != 0 {
		t.Errorf("a staff-only slot is offered: %v", ids)
	}
	if day := dayOf(t, b, clinic, testToday.AddDays(2)); len(day) != 1 || day[0].WebBookable {
		t.Errorf("Day = %+v, want the one slot, not web-bookable", day)
	}
	_, err := b.Book(noContext, bookRequest(tolvan, slot))
	wantErr(t, err, tidbok.ErrSlotTaken)
	if err := b.SetWebBookable(t.Context(), clinic, id, true); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{id}, offeredIDs(t, b)); diff != "" {
		t.Errorf("offered after making the slot web-bookable again (-want +got):\n%s", diff)
	}
}

func TestBookingsShowTheClinicEveryBookingAtOnce(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	med := tidbok.MustHSAID("SE2321000016-MED1")
	late := publish(t, b, at(3, 14, 0), func(s *staff.SlotSpec) { s.Performer = drAnna; s.CareTypeID = checkup.ID; s.ResourceID = room.ID })
	early := publish(t, b, at(2, 9, 0))
	req := bookRequest(tolvan, freeSlot(t, b, late))
	req.Timeslot.Reason = "Ont i knät"
	req.MedicalFacility = med
	req.Notification = "via 1177"
	req.Actor = tidbok.Actor{Agent: nurse}
	res, err := b.Book(noContext, req)
	if err != nil {
		t.Fatal(err)
	}
	earlyID := book(t, b, bertil, early)
	openID, err := b.Invite(t.Context(), staff.InvitationSpec{Facility: clinic, Subject: cecilia, TimeTypeID: sample.ID, Purpose: "Dags för provtagning."})
	if err != nil {
		t.Fatal(err)
	}
	all := tidbok.Flags{MayCancel: true, MayReschedule: true, MayMessage: true}
	want := []staff.Booking{
		{
			Timeslot: tidbok.Timeslot{
				ID: earlyID, Start: at(2, 9, 0), End: at(2, 9, 30), Facility: clinic, FacilityName: clinicInfo.Name,
				TimeType: doctor, Subject: bertil, Flags: all,
			},
			Contact: contact, MedicalFacility: clinic, BookedAt: testNow,
		},
		{
			Timeslot: tidbok.Timeslot{
				ID: res.BookingID, Start: at(3, 14, 0), End: at(3, 14, 30), Facility: clinic, FacilityName: clinicInfo.Name,
				Performer: drAnna, PerformerName: "Dr Anna Ek", Resource: room, TimeType: doctor, CareType: checkup,
				Subject: tolvan, Reason: "Ont i knät", Flags: all,
			},
			Contact: contact, MedicalFacility: med, Notification: "via 1177", Actor: tidbok.Actor{Agent: nurse}, BookedAt: testNow,
		},
		{
			Timeslot: tidbok.Timeslot{
				ID: openID, Facility: clinic, FacilityName: clinicInfo.Name, TimeType: sample,
				Subject: cecilia, Purpose: "Dags för provtagning.", Flags: all, Invitation: true,
			},
			BookedAt: testNow,
		},
	}
	if diff := cmp.Diff(want, bookingsAt(t, b, clinic)); diff != "" {
		t.Errorf("Bookings (-want +got):\n%s", diff)
	}
	if got := bookingsAt(t, b, tidbok.MustHSAID("SE2321000016-NONE")); got != nil {
		t.Errorf("Bookings of an unknown facility = %v, want nil", got)
	}
}

func TestDayShowsEverySlotOfTheDateInOrder(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	noon := publish(t, b, at(2, 12, 0))
	morning := publish(t, b, at(2, 8, 0), func(s *staff.SlotSpec) { s.StaffOnly = true })
	ten := publish(t, b, at(2, 10, 0))
	publish(t, b, at(3, 10, 0))
	bookingID := book(t, b, tolvan, ten)
	type row struct {
		ID, BookingID       string
		WebBookable, Booked bool
		Subject             tidbok.PersonalNumber
	}
	var got []row
	for _, ds := range dayOf(t, b, clinic, testToday.AddDays(2)) {
		got = append(got, row{ds.ID, ds.BookingID, ds.WebBookable, ds.Booked, ds.Subject})
	}
	want := []row{
		{ID: morning},
		{ID: ten, BookingID: bookingID, WebBookable: true, Booked: true, Subject: tolvan},
		{ID: noon, WebBookable: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Day (-want +got):\n%s", diff)
	}
}

func TestANoticeComesWithEveryBookingOfItsTimeType(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	if err := b.SetNotice(t.Context(), clinic, sample.ID, "Kom fastande"); err != nil {
		t.Fatal(err)
	}
	first := publish(t, b, at(2, 8, 0), func(s *staff.SlotSpec) { s.TimeTypeID = sample.ID })
	second := publish(t, b, at(3, 8, 0), func(s *staff.SlotSpec) { s.TimeTypeID = sample.ID })
	plain := publish(t, b, at(4, 8, 0))
	res, err := b.Book(noContext, bookRequest(tolvan, freeSlot(t, b, first)))
	if err != nil || res.Notice != "Kom fastande" {
		t.Errorf("Book = %+v, %v; want Notice %q", res, err, "Kom fastande")
	}
	move := freeSlot(t, b, second)
	move.Subject = tolvan
	rres, err := b.Reschedule(noContext, tidbok.RescheduleRequest{BookingID: res.BookingID, Timeslot: move})
	if err != nil || rres.Notice != "Kom fastande" {
		t.Errorf("Reschedule = %+v, %v; want Notice %q", rres, err, "Kom fastande")
	}
	if res, err := b.Book(noContext, bookRequest(bertil, freeSlot(t, b, plain))); err != nil || res.Notice != "" {
		t.Errorf("Book of another time type = %+v, %v; want no notice", res, err)
	}
	if err := b.SetNotice(t.Context(), clinic, sample.ID, ""); err != nil {
		t.Fatal(err)
	}
	if res, err := b.Book(noContext, bookRequest(cecilia, freeSlot(t, b, first))); err != nil || res.Notice != "" {
		t.Errorf("Book after removing the notice = %+v, %v; want no notice", res, err)
	}
}

// Staff name the facility they work for in every change they make, and
// a slot or booking of another facility in the book is answered as one
// the book does not have (never as booked, which would tell that it
// exists) and left as it is.
func TestStaffOfOneFacilityCannotChangeAnothersSlots(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	free := publish(t, b, at(2, 10, 0))
	taken := publish(t, b, at(2, 11, 0))
	bookingID := book(t, b, tolvan, taken)
	before := snapshot(t, b)
	for name, err := range map[string]error{
		"withdrawing a free slot":        b.Withdraw(t.Context(), annex, free),
		"withdrawing a booked slot":      b.Withdraw(t.Context(), annex, taken),
		"closing a slot to the web":      b.SetWebBookable(t.Context(), annex, free, false),
		"setting the flags of a booking": b.SetFlags(t.Context(), annex, bookingID, tidbok.Flags{}),
	} {
		if !errors.Is(err, tidbok.ErrNotFound) || errors.Is(err, tidbok.ErrNotAllowed) {
			t.Errorf("%s of %s as %s: %v, want ErrNotFound only", name, clinic, annex, err)
		}
		if err != nil && (strings.Contains(err.Error(), "booked") || strings.Contains(err.Error(), clinic.String())) {
			t.Errorf("%s: %q tells of the other facility's slot", name, err)
		}
	}
	if diff := cmp.Diff(before, snapshot(t, b)); diff != "" {
		t.Errorf("the other facility's book changed (-before +after):\n%s", diff)
	}
	if err := b.Withdraw(t.Context(), clinic, free); err != nil {
		t.Errorf("withdrawing the slot as its own facility: %v", err)
	}
}
