package memtidbok_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

func TestAvailableDatesOfferDatesWithFreeSlotsNotYetStarted(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	publish(t, b, at(-1, 10, 0))                                                                         // yesterday
	publish(t, b, at(0, 8, 30))                                                                          // today, started
	publish(t, b, at(1, 10, 0), func(s *staff.SlotSpec) { s.StaffOnly = true })                          // staff only
	book(t, b, tolvan, publish(t, b, at(2, 10, 0)))                                                      // booked
	publish(t, b, at(3, 10, 0), func(s *staff.SlotSpec) { s.TimeTypeID = sample.ID })                    // another type
	publish(t, b, at(4, 10, 0), func(s *staff.SlotSpec) { s.Performer = drAnna })                        // Anna's
	publish(t, b, at(4, 11, 0), func(s *staff.SlotSpec) { s.Performer = drBo })                          // Bo's
	publish(t, b, at(5, 10, 0), func(s *staff.SlotSpec) { s.Facility, s.TimeTypeID = annex, doctor.ID }) // elsewhere
	publish(t, b, at(30, 10, 0))                                                                         // after the range
	today := publish(t, b, at(0, 9, 30))                                                                 // today, not started

	date := func(days int) tidbok.Date { return testToday.AddDays(days) }
	tests := []struct {
		name   string
		adjust func(*tidbok.AvailabilityRequest)
		want   []tidbok.DateAvailability
	}{
		{
			name:   "every date with a free web-bookable slot that has not started",
			adjust: func(*tidbok.AvailabilityRequest) {},
			want: []tidbok.DateAvailability{
				{Facility: clinic, Date: date(0)}, {Facility: clinic, Date: date(3)}, {Facility: clinic, Date: date(4)},
			},
		},
		{
			name:   "a time type filter by ID is echoed in each entry",
			adjust: func(r *tidbok.AvailabilityRequest) { r.TimeType = tidbok.TimeType{ID: sample.ID} },
			want:   []tidbok.DateAvailability{{Facility: clinic, Date: date(3), TimeType: tidbok.TimeType{ID: sample.ID}}},
		},
		{
			name:   "a time type filter by name",
			adjust: func(r *tidbok.AvailabilityRequest) { r.TimeType = tidbok.TimeType{Name: sample.Name} },
			want:   []tidbok.DateAvailability{{Facility: clinic, Date: date(3), TimeType: tidbok.TimeType{Name: sample.Name}}},
		},
		{
			name:   "named performers get one entry per date and performer, in the order asked",
			adjust: func(r *tidbok.AvailabilityRequest) { r.Performers = []tidbok.HSAID{drBo, drAnna, drBo} },
			want: []tidbok.DateAvailability{
				{Facility: clinic, Date: date(4), Performer: drBo}, {Facility: clinic, Date: date(4), Performer: drAnna},
			},
		},
		{
			name: "an unknown performer has no dates",
			adjust: func(r *tidbok.AvailabilityRequest) {
				r.Performers = []tidbok.HSAID{tidbok.MustHSAID("SE2321000016-NONE")}
			},
			want: []tidbok.DateAvailability{},
		},
		{
			name:   "a care type nobody offers has no dates",
			adjust: func(r *tidbok.AvailabilityRequest) { r.CareType = checkup },
			want:   []tidbok.DateAvailability{},
		},
		{
			name:   "a range in the past has no dates",
			adjust: func(r *tidbok.AvailabilityRequest) { r.From, r.To = date(-10), date(-1) },
			want:   []tidbok.DateAvailability{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: date(-2), To: date(20)}
			tt.adjust(&req)
			res, err := b.AvailableDates(noContext, req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, res.Dates); diff != "" {
				t.Errorf("AvailableDates (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("of the current date only the slot not yet started is offered", func(t *testing.T) {
		t.Parallel()
		res, err := b.AvailableTimeslots(noContext, tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: date(0), To: date(0)})
		if err != nil || res.Len() != 1 || res.At(0).ID != today {
			t.Errorf("AvailableTimeslots today = %+v, %v; want only %s", res.Slice(), err, today)
		}
	})
}

func TestTheCurrentDateCountsOnlySlotsNotYetStarted(t *testing.T) {
	t.Parallel()
	now := testNow
	b := newClinic(t, memtidbok.WithClock(func() time.Time { return now }))
	publish(t, b, at(0, 9, 30))
	req := tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: testToday, To: testToday}
	for _, tc := range []struct {
		now  time.Time
		want int
	}{{at(0, 9, 0), 1}, {at(0, 9, 29), 1}, {at(0, 9, 30), 0}, {at(0, 9, 45), 0}} {
		now = tc.now
		res, err := b.AvailableDates(noContext, req)
		if err != nil || len(res.Dates) != tc.want {
			t.Errorf("at %s: AvailableDates = %v, %v; want %d dates", tc.now.Format("15:04"), res.Dates, err, tc.want)
		}
	}
}

func TestAvailableTimeslotsDescribeEachFreeSlotInOrder(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	bo := publish(t, b, at(2, 10, 0), func(s *staff.SlotSpec) { s.Performer = drBo })
	anna := publish(t, b, at(2, 10, 0), func(s *staff.SlotSpec) {
		s.Performer, s.CareTypeID, s.ResourceID = drAnna, checkup.ID, room.ID
	})
	early := publish(t, b, at(2, 8, 0), func(s *staff.SlotSpec) { s.TimeTypeID = sample.ID })
	res, err := b.AvailableTimeslots(noContext, tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: testToday, To: testToday.AddDays(5)})
	if err != nil {
		t.Fatal(err)
	}
	base := tidbok.Timeslot{Facility: clinic, FacilityName: clinicInfo.Name, TimeType: doctor}
	want := []tidbok.Timeslot{
		{ID: early, Start: at(2, 8, 0), End: at(2, 8, 30), Facility: clinic, FacilityName: clinicInfo.Name, TimeType: sample},
		with(base, func(ts *tidbok.Timeslot) {
			ts.ID, ts.Start, ts.End = bo, at(2, 10, 0), at(2, 10, 30)
			ts.Performer, ts.PerformerName = drBo, "Bo Lind"
		}),
		with(base, func(ts *tidbok.Timeslot) {
			ts.ID, ts.Start, ts.End = anna, at(2, 10, 0), at(2, 10, 30)
			ts.Performer, ts.PerformerName, ts.CareType, ts.Resource = drAnna, "Dr Anna Ek", checkup, room
		}),
	}
	if diff := cmp.Diff(want, res.Slice()); diff != "" {
		t.Errorf("AvailableTimeslots (-want +got):\n%s", diff)
	}
	if bo > anna {
		t.Errorf("slot IDs %s and %s, published in that order, do not sort in that order", bo, anna)
	}
}

func with(ts tidbok.Timeslot, f func(*tidbok.Timeslot)) tidbok.Timeslot {
	f(&ts)
	return ts
}

func TestReschedulingOffersOnlySlotsTheBookingCanMoveTo(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	roomy := publish(t, b, at(1, 10, 0), func(s *staff.SlotSpec) { s.ResourceID = room.ID })
	plainID := book(t, b, tolvan, publish(t, b, at(1, 11, 0)))
	roomyID := book(t, b, tolvan, roomy)
	sameType := publish(t, b, at(2, 10, 0))
	sameRoom := publish(t, b, at(2, 11, 0), func(s *staff.SlotSpec) { s.ResourceID = room.ID })
	publish(t, b, at(3, 10, 0), func(s *staff.SlotSpec) { s.TimeTypeID = sample.ID })
	tests := []struct {
		name      string
		bookingID string
		subject   tidbok.PersonalNumber
		want      []string
		wantErr   error
	}{
		{"a booking without a resource may move to any slot of its time type", plainID, tolvan, []string{sameType, sameRoom}, nil},
		{"a booking with a resource may move only to slots with that resource", roomyID, tolvan, []string{sameRoom}, nil},
		{"another citizen's booking is not found", plainID, bertil, nil, tidbok.ErrNotFound},
		{"an unknown booking is not found", "b999999", tolvan, nil, tidbok.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := tidbok.AvailabilityRequest{Facility: clinic, Subject: tt.subject, BookingID: tt.bookingID, From: testToday, To: testToday.AddDays(5)}
			res, err := b.AvailableTimeslots(noContext, req)
			dres, derr := b.AvailableDates(noContext, req)
			if tt.wantErr != nil {
				wantErr(t, err, tt.wantErr)
				wantErr(t, derr, tt.wantErr)
				return
			}
			if err != nil || derr != nil {
				t.Fatal(err, derr)
			}
			var got []string
			for ts := range res.All() {
				got = append(got, ts.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("AvailableTimeslots (-want +got):\n%s", diff)
			}
			if len(dres.Dates) != 1 || dres.Dates[0].Date != testToday.AddDays(2) {
				t.Errorf("AvailableDates = %v, want only %s", dres.Dates, testToday.AddDays(2))
			}
		})
	}
}

func TestDirectoryListsWhatTheClinicAddedNarrowedByItsSlots(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	publish(t, b, at(2, 10, 0), func(s *staff.SlotSpec) { s.Performer, s.CareTypeID = drAnna, checkup.ID })
	publish(t, b, at(2, 11, 0), func(s *staff.SlotSpec) { s.Performer, s.TimeTypeID = drBo, sample.ID })
	tts := func(req tidbok.TimeTypesRequest) any {
		req.Facility, req.Subject = clinic, tolvan
		res, err := b.TimeTypes(noContext, req)
		if err != nil {
			t.Fatal(err)
		}
		return res.TimeTypes
	}
	cts := func(req tidbok.CareTypesRequest) any {
		req.Facility, req.Subject = clinic, tolvan
		res, err := b.CareTypes(noContext, req)
		if err != nil {
			t.Fatal(err)
		}
		return res.CareTypes
	}
	ps := func(req tidbok.PerformersRequest) any {
		req.Facility, req.Subject = clinic, tolvan
		res, err := b.Performers(noContext, req)
		if err != nil {
			t.Fatal(err)
		}
		return res.Performers
	}
	fs := func(req tidbok.FacilitiesRequest) any {
		req.Facility, req.Subject = clinic, tolvan
		res, err := b.Facilities(noContext, req)
		if err != nil {
			t.Fatal(err)
		}
		return res.Facilities
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"every time type", tts(tidbok.TimeTypesRequest{}), []tidbok.TimeType{doctor, sample}},
		{"time types of a care type", tts(tidbok.TimeTypesRequest{CareTypeIDs: []string{checkup.ID}}), []tidbok.TimeType{doctor}},
		{"time types of an unknown care type", tts(tidbok.TimeTypesRequest{CareTypeIDs: []string{"X"}}), []tidbok.TimeType{}},
		{"every care type", cts(tidbok.CareTypesRequest{}), []tidbok.CareType{checkup}},
		{"care types a clinician offers", cts(tidbok.CareTypesRequest{Performers: []tidbok.HSAID{drBo}}), []tidbok.CareType{}},
		{"care types of a time type", cts(tidbok.CareTypesRequest{TimeTypeIDs: []string{doctor.ID}}), []tidbok.CareType{checkup}},
		{"every clinician", ps(tidbok.PerformersRequest{}), []tidbok.Performer{annaPerf, boPerf}},
		{"clinicians offering a time type", ps(tidbok.PerformersRequest{TimeTypeIDs: []string{sample.ID}}), []tidbok.Performer{boPerf}},
		{"clinicians offering a time type and care type", ps(tidbok.PerformersRequest{TimeTypeIDs: []string{sample.ID}, CareTypeIDs: []string{checkup.ID}}), []tidbok.Performer{}},
		{"every facility of the book", fs(tidbok.FacilitiesRequest{}), []tidbok.Facility{clinicInfo, {ID: annex, Name: "Filialen"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("facilities for another citizen's booking are not found", func(t *testing.T) {
		id := book(t, b, bertil, publish(t, b, at(3, 10, 0)))
		_, err := b.Facilities(noContext, tidbok.FacilitiesRequest{Facility: clinic, Subject: tolvan, BookingID: id})
		wantErr(t, err, tidbok.ErrNotFound)
	})
}

func TestAnswersAreFreshCopies(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	id := publish(t, b, at(2, 10, 0))
	book(t, b, tolvan, id)
	publish(t, b, at(3, 10, 0))
	read := func() bookState { return snapshot(t, b) }
	before := read()
	s := read()
	for i := range s.Slots {
		s.Slots[i].ID = "changed"
	}
	for i := range s.Bookings {
		s.Bookings[i].ID = "changed"
	}
	s.TimeTypes[0].Name, s.Performers[0].FirstName, s.Facilities[0].Name = "x", "x", "x"
	res, err := b.AvailableTimeslots(noContext, tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: testToday, To: testToday.AddDays(5)})
	if err != nil {
		t.Fatal(err)
	}
	slot := res.At(0)
	slot.ID = "changed"
	if res.At(0).ID == "changed" {
		t.Error("changing a slot read from an answer changed the answer")
	}
	slots := res.Slice()
	slots[0].ID = "changed"
	if res.At(0).ID == "changed" {
		t.Error("changing the answer's Slice changed the answer")
	}
	if diff := cmp.Diff(before, read()); diff != "" {
		t.Errorf("changing an answer changed the book (-before +after):\n%s", diff)
	}
	if got := offeredIDs(t, b); len(got) != 1 || got[0] == "changed" {
		t.Errorf("offered %v after changing an earlier answer", got)
	}
}

func TestEveryOperationChecksSupportThenTheRequestThenTheFacility(t *testing.T) {
	t.Parallel()
	unknown := tidbok.MustHSAID("SE2321000016-NONE")
	slot := tidbok.Timeslot{Facility: unknown, Subject: tolvan, Start: at(2, 10, 0), End: at(2, 10, 30)}
	calls := map[tidbok.Operation]func(b *memtidbok.Book, valid bool) error{
		tidbok.OpSchedule: func(b *memtidbok.Book, valid bool) error {
			req := tidbok.ScheduleRequest{Facility: unknown, Subject: tolvan}
			if !valid {
				req.Subject = tidbok.PersonalNumber{}
			}
			_, err := b.Schedule(noContext, req)
			return err
		},
		tidbok.OpBookingDetails: func(b *memtidbok.Book, valid bool) error {
			req := tidbok.BookingDetailsRequest{Facility: unknown, BookingID: "b000001"}
			if !valid {
				req.BookingID = ""
			}
			_, err := b.BookingDetails(noContext, req)
			return err
		},
		tidbok.OpTimeTypes: func(b *memtidbok.Book, valid bool) error {
			req := tidbok.TimeTypesRequest{Facility: unknown, Subject: tolvan}
			if !valid {
				req.Subject = tidbok.PersonalNumber{}
			}
			_, err := b.TimeTypes(noContext, req)
			return err
		},
		tidbok.OpCareTypes: func(b *memtidbok.Book, valid bool) error {
			req := tidbok.CareTypesRequest{Facility: unknown, Subject: tolvan}
			if !valid {
				req.Subject = tidbok.PersonalNumber{}
			}
			_, err := b.CareTypes(noContext, req)
			return err
		},
		tidbok.OpPerformers: func(b *memtidbok.Book, valid bool) error {
			req := tidbok.PerformersRequest{Facility: unknown, Subject: tolvan}
			if !valid {
				req.Subject = tidbok.PersonalNumber{}
			}
			_, err := b.Performers(noContext, req)
			return err
		},
		tidbok.OpFacilities: func(b *memtidbok.Book, valid bool) error {
			req := tidbok.FacilitiesRequest{Facility: unknown, Subject: tolvan}
			if !valid {
				req.Subject = tidbok.PersonalNumber{}
			}
			_, err := b.Facilities(noContext, req)
			return err
		},
		tidbok.OpAvailableDates: func(b *memtidbok.Book, valid bool) error {
			req := tidbok.AvailabilityRequest{Facility: unknown, Subject: tolvan, From: testToday, To: testToday}
			if !valid {
				req.To = testToday.AddDays(-1)
			}
			_, err := b.AvailableDates(noContext, req)
			return err
		},
		tidbok.OpAvailableTimeslots: func(b *memtidbok.Book, valid bool) error {
			req := tidbok.AvailabilityRequest{Facility: unknown, Subject: tolvan, From: testToday, To: testToday}
			if !valid {
				req.To = testToday.AddDays(-1)
			}
			_, err := b.AvailableTimeslots(noContext, req)
			return err
		},
		tidbok.OpBook: func(b *memtidbok.Book, valid bool) error {
			req := tidbok.BookRequest{Timeslot: slot, Contact: contact}
			if !valid {
				req.Contact = tidbok.ContactInfo{}
			}
			_, err := b.Book(noContext, req)
			return err
		},
		tidbok.OpReschedule: func(b *memtidbok.Book, valid bool) error {
			req := tidbok.RescheduleRequest{BookingID: "b000001", Timeslot: slot}
			if !valid {
				req.BookingID = ""
			}
			_, err := b.Reschedule(noContext, req)
			return err
		},
		tidbok.OpCancel: func(b *memtidbok.Book, valid bool) error {
			req := tidbok.CancelRequest{Facility: unknown, BookingID: "b000001"}
			if !valid {
				req.BookingID = ""
			}
			_, err := b.Cancel(noContext, req)
			return err
		},
	}
	for _, op := range tidbok.Operations() {
		call := calls[op]
		t.Run(op.String(), func(t *testing.T) {
			t.Parallel()
			without := newClinic(t, memtidbok.WithCapabilities(tidbok.AllCapabilities.Without(op)))
			with := newClinic(t)
			if op == tidbok.OpSchedule {
				if !without.Capabilities().Has(op) {
					t.Error("a book made without Schedule lacks it; Schedule is mandatory")
				}
			} else {
				err := call(without, false)
				wantErr(t, err, tidbok.ErrNotSupported)
				wantErr(t, err, errors.ErrUnsupported)
			}
			if err := call(with, false); !errors.Is(err, tidbok.ErrInvalid) || errors.Is(err, tidbok.ErrNotFound) {
				t.Errorf("an invalid request at an unknown facility: error %v, want ErrInvalid", err)
			}
			err := call(with, true)
			wantErr(t, err, tidbok.ErrNotFound)
			if text, ok := tidbok.CitizenText(err); !ok || text == "" {
				t.Errorf("unknown facility: error %v carries no text for the citizen", err)
			}
			if oe, ok := errors.AsType[*tidbok.OpError](err); !ok || oe.Op != op {
				t.Errorf("unknown facility: error %v is not an *OpError of %v", err, op)
			}
		})
	}
}

// TestValidationErrorsAreTheRequestsOwn checks that the book returns a
// request's Validate error unchanged, every problem listed.
func TestValidationErrorsAreTheRequestsOwn(t *testing.T) {
	t.Parallel()
	b := newClinic(t)
	req := tidbok.BookRequest{}
	_, err := b.Book(noContext, req)
	if diff := cmp.Diff(req.Validate().Error(), errString(err)); diff != "" {
		t.Errorf("Book error (-Validate +Book):\n%s", diff)
	}
	if diff := cmp.Diff(fieldsOf(req.Validate()), fieldsOf(err), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("problem fields (-want +got):\n%s", diff)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
