package producer_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

// direct calls the book's method for a read op without the wire.
func direct(t *testing.T, b tidbok.Tidbok, op tidbok.Operation, req any) any {
	t.Helper()
	ctx := context.Background()
	var res any
	var err error
	switch op {
	case tidbok.OpSchedule:
		res, err = b.Schedule(ctx, req.(tidbok.ScheduleRequest))
	case tidbok.OpBookingDetails:
		res, err = b.BookingDetails(ctx, req.(tidbok.BookingDetailsRequest))
	case tidbok.OpTimeTypes:
		res, err = b.TimeTypes(ctx, req.(tidbok.TimeTypesRequest))
	case tidbok.OpCareTypes:
		res, err = b.CareTypes(ctx, req.(tidbok.CareTypesRequest))
	case tidbok.OpPerformers:
		res, err = b.Performers(ctx, req.(tidbok.PerformersRequest))
	case tidbok.OpFacilities:
		res, err = b.Facilities(ctx, req.(tidbok.FacilitiesRequest))
	case tidbok.OpAvailableDates:
		res, err = b.AvailableDates(ctx, req.(tidbok.AvailabilityRequest))
	case tidbok.OpAvailableTimeslots:
		res, err = b.AvailableTimeslots(ctx, req.(tidbok.AvailabilityRequest))
	default:
		t.Fatalf("direct: %v is not a read", op)
	}
	if err != nil {
		t.Fatalf("%v directly: %v", op, err)
	}
	return res
}

// TestReadsAnswerWhatTheBookSays: each read contract, sent as a consumer
// sends it, gets the book's own answer back through the wire.
func TestReadsAnswerWhatTheBookSays(t *testing.T) {
	t.Parallel()
	for _, op := range tidbok.Operations() {
		if op.IsWrite() {
			continue
		}
		t.Run(op.Contract(), func(t *testing.T) {
			t.Parallel()
			f := setup(t, producer.Config{})
			req := f.requests(t)[op]
			want := direct(t, f.book, op, req)
			if reflectEmpty(want) {
				t.Fatalf("the fixture gives an empty %T; the test would prove nothing", want)
			}
			got, err := f.do(t, op, req).decode(t, op)
			if err != nil {
				t.Fatalf("%s: %v", op.Contract(), err)
			}
			if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
				t.Errorf("%s answer (-want +got):\n%s", op.Contract(), diff)
			}
		})
	}
}

// reflectEmpty reports whether a read result holds nothing.
func reflectEmpty(v any) bool {
	switch r := v.(type) {
	case tidbok.ScheduleResult:
		return len(r.Bookings) == 0
	case tidbok.BookingDetailsResult:
		return r.Booking.ID == ""
	case tidbok.TimeTypesResult:
		return len(r.TimeTypes) == 0
	case tidbok.CareTypesResult:
		return len(r.CareTypes) == 0
	case tidbok.PerformersResult:
		return len(r.Performers) == 0
	case tidbok.FacilitiesResult:
		return len(r.Facilities) == 0
	case tidbok.AvailableDatesResult:
		return len(r.Dates) == 0
	case tidbok.AvailableTimeslotsResult:
		return r.Len() == 0
	}
	return true
}

// staffView is what the clinic sees of a booking, for comparisons.
type staffView struct {
	ID      string
	Start   string
	Subject tidbok.PersonalNumber
	Contact tidbok.ContactInfo
}

func bookings(t testing.TB, b *memtidbok.Book, h tidbok.HSAID) []staffView {
	t.Helper()
	bs, err := b.Bookings(context.Background(), h)
	if err != nil {
		t.Fatalf("Bookings: %v", err)
	}
	var out []staffView
	for _, bk := range bs {
		out = append(out, staffView{ID: bk.ID, Start: bk.Start.Format("15:04"), Subject: bk.Subject, Contact: bk.Contact})
	}
	return out
}

func TestMakeBookingBooks(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	got, err := f.do(t, tidbok.OpBook, f.requests(t)[tidbok.OpBook]).decode(t, tidbok.OpBook)
	if err != nil {
		t.Fatal(err)
	}
	res := got.(tidbok.BookResult)
	if diff := cmp.Diff(tidbok.BookResult{BookingID: res.BookingID}, res); diff != "" || res.BookingID == "" {
		t.Errorf("BookResult (-want +got):\n%s", diff)
	}
	want := []staffView{
		{ID: res.BookingID, Start: "10:00", Subject: citizen, Contact: contact},
		{ID: f.booking, Start: "11:30", Subject: citizen, Contact: contact},
	}
	if diff := cmp.Diff(want, bookings(t, f.book, hsaA)); diff != "" {
		t.Errorf("the clinic's bookings (-want +got):\n%s", diff)
	}
}

func TestUpdateBookingMoves(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	got, err := f.do(t, tidbok.OpReschedule, f.requests(t)[tidbok.OpReschedule]).decode(t, tidbok.OpReschedule)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tidbok.RescheduleResult{}, got); diff != "" {
		t.Errorf("RescheduleResult (-want +got):\n%s", diff)
	}
	want := []staffView{{ID: f.booking, Start: "10:30", Subject: citizen, Contact: contact}}
	if diff := cmp.Diff(want, bookings(t, f.book, hsaA)); diff != "" {
		t.Errorf("the clinic's bookings (-want +got):\n%s", diff)
	}
}

// TestUpdateBookingToAnotherServedClinic: the requested timeslot's
// facility, not the logical address, must be served.
func TestUpdateBookingToAnotherServedClinic(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	req := tidbok.RescheduleRequest{BookingID: f.booking, Timeslot: f.slotTimeslot(t, hsaB, f.slotB)}
	if _, err := f.do(t, tidbok.OpReschedule, req).decode(t, tidbok.OpReschedule); err != nil {
		t.Fatal(err)
	}
	if got := bookings(t, f.book, hsaB); len(got) != 1 || got[0].ID != f.booking {
		t.Errorf("clinic B's bookings = %v, want the moved booking %s", got, f.booking)
	}
}

func TestCancelBookingCancels(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{})
	got, err := f.do(t, tidbok.OpCancel, f.requests(t)[tidbok.OpCancel]).decode(t, tidbok.OpCancel)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tidbok.CancelResult{}, got); diff != "" {
		t.Errorf("CancelResult (-want +got):\n%s", diff)
	}
	if got := bookings(t, f.book, hsaA); len(got) != 0 {
		t.Errorf("the booking is still there: %v", got)
	}
}

// TestAnswersWithNotice: a write that succeeds with a notice is answered
// with resultCode INFO, which the consumer reads as Notice.
func TestAnswersWithNotice(t *testing.T) {
	t.Parallel()
	const notice = "Kom fastande."
	for _, op := range []tidbok.Operation{tidbok.OpBook, tidbok.OpReschedule} {
		t.Run(op.Contract(), func(t *testing.T) {
			t.Parallel()
			f := setup(t, producer.Config{})
			must(t, f.book.SetNotice(t.Context(), hsaA, "LAK", notice))
			resp := f.do(t, op, f.requests(t)[op])
			if !strings.Contains(string(resp.body), ">INFO<") {
				t.Errorf("no resultCode INFO in\n%s", resp.body)
			}
			got, err := resp.decode(t, op)
			if err != nil {
				t.Fatal(err)
			}
			var gotNotice string
			switch r := got.(type) {
			case tidbok.BookResult:
				gotNotice = r.Notice
			case tidbok.RescheduleResult:
				gotNotice = r.Notice
			}
			if gotNotice != notice {
				t.Errorf("Notice = %q, want %q", gotNotice, notice)
			}
		})
	}
}

// TestServesVersion10: a crm:scheduling 1.0 consumer (RIV-TA 2.0, wsa:To,
// no Actor) is answered on the rivtabp20 path when the platform is
// trusted to authorize; the strict policy refuses it (see
// TestStrictRefusesVersion10).
func TestServesVersion10(t *testing.T) {
	t.Parallel()
	f := setup(t, producer.Config{Policy: producer.TrustPlatform})
	req := tidbok.ScheduleRequest{Facility: hsaA, Subject: citizen}
	env, err := encodeV10(tidbok.OpSchedule, req)
	must(t, err)
	url := strings.Replace(f.url(tidbok.OpSchedule), "rivtabp21", "rivtabp20", 1)
	got, err := post(t, url, action(tidbok.OpSchedule), env).decode(t, tidbok.OpSchedule)
	if err != nil {
		t.Fatal(err)
	}
	want := direct(t, f.book, tidbok.OpSchedule, req)
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if !slices.ContainsFunc(got.(tidbok.ScheduleResult).Bookings, func(ts tidbok.Timeslot) bool { return ts.ID == f.booking }) {
		t.Errorf("the schedule lacks booking %s", f.booking)
	}
}
