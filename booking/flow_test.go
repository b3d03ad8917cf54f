package booking_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The whole flow, as a citizen goes through it: contact card, terms, time
// types, dates, slots, hold, book, my bookings, details, reschedule,
// cancel.
func TestFlow(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.mem.SetNotice(ctx, clinic, "PROV", "Kom fastande")

		card, err := f.svc.ContactCard(ctx, booking.ContactCardRequest{Caller: booking.Caller{Person: anna, Assurance: casetype.AssuranceEID}, Subject: anna, Clinic: clinic})
		must(t, err)
		var ids []string
		for _, ct := range card.CaseTypes {
			ids = append(ids, ct.ID)
		}
		// All six: the guardian policies admit her own login too.
		if diff := cmp.Diff([]string{ctRequest, ctBook, ctBookChild, ctBookAdult, ctManage, ctManageKids}, sortedCopy(ids)); diff != "" {
			t.Errorf("contact card (-want +got):\n%s", diff)
		}

		sc := scope(anna, ctBook)
		st, err := f.svc.Terms(ctx, sc)
		must(t, err)
		if !st.Required || st.Accepted || st.Version.Number != 1 {
			t.Fatalf("terms before accepting = %+v, want version 1 required and not accepted", st)
		}
		if _, err := f.svc.AcceptTerms(ctx, booking.AcceptTermsRequest{Scope: sc, Version: st.Version.Number}); err != nil {
			t.Fatalf("AcceptTerms: %v", err)
		}
		if st, _ := f.svc.Terms(ctx, sc); !st.Accepted {
			t.Fatalf("terms after accepting = %+v, want accepted", st)
		}

		tts, err := f.svc.TimeTypes(ctx, sc)
		must(t, err)
		if diff := cmp.Diff([]tidbok.TimeType{{ID: "LAK", Name: "Läkarbesök"}, {ID: "PROV", Name: "Provtagning"}}, tts); diff != "" {
			t.Errorf("time types (-want +got):\n%s", diff)
		}

		dates, err := f.svc.Dates(ctx, booking.SearchRequest{Scope: sc, TimeType: "PROV"})
		must(t, err)
		if len(dates.Dates) == 0 || dates.Dates[0] != (tidbok.Date{Year: 2026, Month: time.January, Day: 12}) {
			t.Fatalf("dates = %v, want today (afternoon slots are beyond the notice) first", dates.Dates)
		}
		last := dates.Dates[len(dates.Dates)-1]
		// The horizon ends 11 February at 09:00, before that day's PROV slots.
		if want := (tidbok.Date{Year: 2026, Month: time.February, Day: 10}); last != want {
			t.Errorf("last date = %v, want %v (the horizon)", last, want)
		}

		day := tidbok.Date{Year: 2026, Month: time.January, Day: 14}
		slots, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: sc, TimeType: "PROV", From: day, To: day})
		must(t, err)
		if len(slots.Slots) != 8 {
			t.Fatalf("slots on %v = %d, want 8", day, len(slots.Slots))
		}
		slot := slots.Slots[0]
		h, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: sc, Slot: slot})
		must(t, err)
		if !h.Expires.Equal(t0.Add(booking.DefaultHoldTTL)) {
			t.Errorf("hold expires %v, want %v", h.Expires, t0.Add(booking.DefaultHoldTTL))
		}

		conf, err := f.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "k1", Hold: h.Token, Reason: "Blodprov", Contact: contact})
		must(t, err)
		if conf.Notice != "Kom fastande" || conf.Booking.ID == "" || !conf.Booking.Start.Equal(slot.Start) {
			t.Errorf("confirmation = %+v, want a booking at %v with the notice", conf, slot.Start)
		}
		wantSummary := booking.Summary{Date: "onsdag 14 januari 2026", Time: "13:00–13:15", What: "Provtagning",
			Clinic: "Testmottagningen", Reason: "Blodprov", Notice: "Kom fastande"}
		if diff := cmp.Diff(wantSummary, conf.Summary); diff != "" {
			t.Errorf("summary (-want +got):\n%s", diff)
		}
		if !strings.Contains(string(conf.ICS), "DTSTART;TZID=Europe/Stockholm:20260114T130000\r\n") {
			t.Errorf("ICS lacks the local start:\n%s", conf.ICS)
		}
		if got := f.bookingsOf(anna); len(got) != 1 || got[0].Reason != "Blodprov" || got[0].Contact != contact {
			t.Errorf("book holds %+v, want one booking with reason and contact", got)
		}

		msc := scope(anna, ctManage)
		mine, err := f.svc.MyBookings(ctx, msc)
		must(t, err)
		if len(mine) != 1 || mine[0].ID != conf.Booking.ID {
			t.Fatalf("my bookings = %+v, want the new one", mine)
		}
		wantAllows := booking.Allows{Cancel: true, Reschedule: true, Message: true, MessageMaxLen: 50,
			ChangeBy: slot.Start.Add(-24 * time.Hour), ReschedulesLeft: 2}
		if diff := cmp.Diff(wantAllows, mine[0].Allows); diff != "" {
			t.Errorf("allows (-want +got):\n%s", diff)
		}
		det, err := f.svc.Details(ctx, booking.DetailsRequest{Scope: msc, BookingID: conf.Booking.ID})
		must(t, err)
		if det.ID != conf.Booking.ID || det.Reason != "Blodprov" {
			t.Errorf("details = %+v", det)
		}

		f.accept(anna, ctManage)
		moveTo, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: msc, BookingID: conf.Booking.ID,
			From: tidbok.Date{Year: 2026, Month: time.January, Day: 15}, To: tidbok.Date{Year: 2026, Month: time.January, Day: 15}})
		must(t, err)
		if len(moveTo.Slots) == 0 || moveTo.Slots[0].TimeType.ID != "PROV" {
			t.Fatalf("slots to move to = %+v, want PROV slots", moveTo.Slots)
		}
		moved, err := f.svc.Reschedule(ctx, booking.RescheduleRequest{Scope: msc, Key: "k2", BookingID: conf.Booking.ID, Slot: moveTo.Slots[0]})
		must(t, err)
		if !moved.Booking.Start.Equal(moveTo.Slots[0].Start) || !moved.Previous.Start.Equal(slot.Start) || moved.Booking.ID != conf.Booking.ID {
			t.Errorf("reschedule = %+v", moved)
		}
		if !strings.Contains(string(moved.ICS), "SEQUENCE:1\r\n") {
			t.Errorf("rescheduled ICS lacks SEQUENCE:1:\n%s", moved.ICS)
		}
		if got := f.bookingsOf(anna); len(got) != 1 || !got[0].Start.Equal(moveTo.Slots[0].Start) {
			t.Errorf("after reschedule the book holds %+v", got)
		}

		canc, err := f.svc.Cancel(ctx, booking.CancelRequest{Scope: msc, Key: "k3", BookingID: conf.Booking.ID, Message: "Förhinder"})
		must(t, err)
		if canc.Booking.ID != conf.Booking.ID || !strings.Contains(string(canc.ICS), "STATUS:CANCELLED\r\n") {
			t.Errorf("cancellation = %+v", canc)
		}
		if got := f.bookingsOf(anna); len(got) != 0 {
			t.Errorf("after cancel the book holds %+v", got)
		}
		if diff := cmp.Diff([]booking.NotificationKind{booking.Confirmed, booking.Rescheduled, booking.Cancelled}, f.notes.kinds()); diff != "" {
			t.Errorf("notifications (-want +got):\n%s", diff)
		}
		var actions []booking.Action
		for _, e := range f.audit.Events() {
			if e.Outcome != booking.OutcomeDone {
				t.Errorf("audit event %+v not done", e)
			}
			actions = append(actions, e.Action)
		}
		want := []booking.Action{booking.ActionHold, booking.ActionBook, booking.ActionMyBookings, booking.ActionDetails,
			booking.ActionSearch, booking.ActionReschedule, booking.ActionCancel}
		if diff := cmp.Diff(want, actions); diff != "" {
			t.Errorf("audited actions (-want +got):\n%s", diff)
		}
	})
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// Slots never offers what the rules forbid: nothing within the minimum
// notice, nothing beyond the horizon, nothing started, no time type the
// case type does not show, nothing another citizen holds.
func TestSlotsFollowTheRules(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		sc := scope(anna, ctBook)
		res, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: sc, From: tidbok.DateOf(t0), To: tidbok.DateOf(t0).AddDays(60)})
		must(t, err)
		earliest, latest := t0.Add(2*time.Hour), t0.Add(30*24*time.Hour)
		for _, s := range res.Slots {
			switch {
			case s.Start.Before(earliest):
				t.Errorf("slot at %v is within the minimum notice", s.Start)
			case s.Start.After(latest):
				t.Errorf("slot at %v is beyond the horizon", s.Start)
			case s.TimeType.ID == "BVC":
				t.Errorf("slot at %v is of time type BVC, which the case type does not show", s.Start)
			}
		}
		if len(res.Slots) == 0 || res.Slots[0].Start.Before(at(time.January, 12, 11, 0)) {
			t.Fatalf("first slot %v, want 11:00 today (09:00 + 2 h notice)", res.Slots[0].Start)
		}

		// Bo holds the first slot: Anna no longer sees it.
		f.accept(bo, ctBook)
		if _, err := f.svc.Hold(ctx, booking.HoldRequest{Scope: scope(bo, ctBook), Slot: res.Slots[0]}); err != nil {
			t.Fatalf("Hold: %v", err)
		}
		again, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: sc, From: tidbok.DateOf(t0), To: tidbok.DateOf(t0)})
		must(t, err)
		for _, s := range again.Slots {
			if s.ID == res.Slots[0].ID {
				t.Errorf("slot %s held by another citizen is offered", s.ID)
			}
		}
		// ... but Bo does.
		his, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: scope(bo, ctBook), From: tidbok.DateOf(t0), To: tidbok.DateOf(t0)})
		must(t, err)
		if len(his.Slots) == 0 || his.Slots[0].ID != res.Slots[0].ID {
			t.Errorf("the holder does not see the held slot first: %+v", his.Slots)
		}
	})
}

// Dates drops a date whose only free slots lie within the minimum notice.
func TestDatesDropTheDayWithinTheNotice(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.clock.Advance(3 * time.Hour) // 12:00: LAK is 08–12, so today's LAK slots are gone
		res, err := f.svc.Dates(ctx, booking.SearchRequest{Scope: scope(anna, ctBook), TimeType: "LAK"})
		must(t, err)
		if len(res.Dates) == 0 || res.Dates[0] != (tidbok.Date{Year: 2026, Month: time.January, Day: 13}) {
			t.Fatalf("dates = %v, want tomorrow first", res.Dates)
		}
		f.clock.Advance(-3*time.Hour + 30*time.Minute) // 09:30: the 11:30 slot is the last within notice
		res, err = f.svc.Dates(ctx, booking.SearchRequest{Scope: scope(anna, ctBook), TimeType: "LAK"})
		must(t, err)
		if res.Dates[0] != tidbok.DateOf(t0) {
			t.Errorf("at 09:30 dates start %v, want today (11:30 is free)", res.Dates[0])
		}
		f.clock.Advance(time.Minute) // 09:31: 11:30 is within the notice
		res, err = f.svc.Dates(ctx, booking.SearchRequest{Scope: scope(anna, ctBook), TimeType: "LAK"})
		must(t, err)
		if res.Dates[0] == tidbok.DateOf(t0) {
			t.Errorf("at 09:31 today is offered, but its only free slot starts within the notice")
		}
	})
}

// A search that finds nothing offers the request case type as fallback,
// and the request reaches staff, who close it.
func TestRequestFallback(t *testing.T) {
	t.Parallel()
	forEachBook(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		sc := scope(anna, ctBook)
		far := tidbok.Date{Year: 2026, Month: time.February, Day: 10}
		res, err := f.svc.Slots(ctx, booking.SearchRequest{Scope: sc, TimeType: "LAK", From: far.AddDays(5), To: far.AddDays(5)})
		must(t, err)
		if len(res.Slots) != 0 || res.Fallback != ctRequest {
			t.Fatalf("search beyond the horizon = %+v, want no slots and fallback %q", res, ctRequest)
		}
		r, err := f.svc.SubmitRequest(ctx, booking.SubmitRequest{Scope: scope(anna, res.Fallback), Message: "Jag behöver en tid nästa månad.", Contact: contact})
		must(t, err)
		if _, err := f.svc.SubmitRequest(ctx, booking.SubmitRequest{Scope: scope(anna, res.Fallback), Message: strings.Repeat("x", 201)}); !errors.Is(err, booking.ErrMessageTooLong) {
			t.Errorf("a 201-character request: error %v, want ErrMessageTooLong", err)
		}

		if _, err := f.svc.ListRequests(ctx, booking.ListRequests{Staff: booking.Staff{ID: doctor}, Clinic: clinic, OpenOnly: true}); !errors.Is(err, booking.ErrForbidden) {
			t.Errorf("staff of another clinic listing: %v, want ErrForbidden", err)
		}
		open, err := f.svc.ListRequests(ctx, booking.ListRequests{Staff: clinicStaff, Clinic: clinic, OpenOnly: true})
		must(t, err)
		if len(open) != 1 || open[0].ID != r.ID || open[0].Subject != anna || !open[0].IsOpen() {
			t.Fatalf("open requests = %+v, want Anna's", open)
		}
		closed, err := f.svc.CloseRequest(ctx, booking.CloseRequest{Staff: clinicStaff, Clinic: clinic, ID: r.ID})
		must(t, err)
		if closed.IsOpen() || closed.ClosedBy != nurse {
			t.Errorf("closed request = %+v", closed)
		}
		if open, _ := f.svc.ListRequests(ctx, booking.ListRequests{Staff: clinicStaff, Clinic: clinic, OpenOnly: true}); len(open) != 0 {
			t.Errorf("open requests after closing = %+v", open)
		}
		if all, _ := f.svc.ListRequests(ctx, booking.ListRequests{Staff: clinicStaff, Clinic: clinic}); len(all) != 1 {
			t.Errorf("all requests = %+v, want the closed one", all)
		}
		if _, err := f.svc.CloseRequest(ctx, booking.CloseRequest{Staff: clinicStaff, Clinic: clinic, ID: "r-nope"}); !errors.Is(err, tidbok.ErrNotFound) {
			t.Errorf("closing an unknown request: %v, want ErrNotFound", err)
		}
		if e, ok := f.audit.last(booking.ActionCloseRequest); !ok || e.Caller.Agent != nurse {
			t.Errorf("closing not audited: %+v", e)
		}
	})
}
