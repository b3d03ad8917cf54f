package memtidbok_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/faulty"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// TestExactlyOneOfManyConcurrentBookingsWins races 50 citizens for one
// slot while others read the book; run it with -race.
func TestExactlyOneOfManyConcurrentBookingsWins(t *testing.T) {
	t.Parallel()
	const racers = 50
	b := newClinic(t)
	slot := freeSlot(t, b, publish(t, b, at(2, 10, 0)))
	publish(t, b, at(2, 11, 0))
	citizens := make([]tidbok.PersonalNumber, racers)
	for i := range citizens {
		citizens[i] = tidbok.MustPersonalNumber(validNumber(i))
	}
	errs := make([]error, racers)
	start := make(chan struct{})
	stop := make(chan struct{})
	var writers, readers sync.WaitGroup
	for i := range racers {
		writers.Go(func() {
			<-start
			_, errs[i] = b.Book(noContext, bookRequest(citizens[i], slot))
		})
	}
	for range 4 {
		readers.Go(func() {
			<-start
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, _ = b.AvailableDates(noContext, tidbok.AvailabilityRequest{Facility: clinic, Subject: tolvan, From: testToday, To: testToday.AddDays(5)})
				_, _ = b.Day(noContext, clinic, testToday.AddDays(2))
			}
		})
	}
	close(start)
	writers.Wait()
	close(stop)
	readers.Wait()

	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, tidbok.ErrSlotTaken):
			t.Errorf("a loser got %v, want ErrSlotTaken", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d of %d concurrent bookings of one slot won, want exactly 1", wins, racers)
	}
	if got, err := b.Bookings(t.Context(), clinic); err != nil || len(got) != 1 {
		t.Errorf("the clinic sees %d bookings (%v), want 1", len(got), err)
	}
	if got := len(offeredIDs(t, b)); got != 1 {
		t.Errorf("%d slots offered after the race, want the other one", got)
	}
}

// validNumber returns a valid personal identity number for i: born 1 Jan
// 1990 with serial number i+1.
func validNumber(i int) string {
	body := []byte("900101000")
	n := i + 1
	body[6], body[7], body[8] = byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10)
	sum := 0
	for k, c := range body {
		d := int(c - '0')
		if k%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return "19" + string(body) + string(rune('0'+(10-sum%10)%10))
}

// TestConcurrentWritesKeepTheBookConsistent books, moves and cancels on
// many goroutines at once; run it with -race.
func TestConcurrentWritesKeepTheBookConsistent(t *testing.T) {
	t.Parallel()
	const workers = 20
	b := newClinic(t)
	n, err := b.PublishWeekly(t.Context(), staff.Template{
		Facility: clinic, From: testToday.AddDays(1), To: testToday.AddDays(7), Weekdays: allWeek,
		DayStart: 8 * time.Hour, DayEnd: 12 * time.Hour, Length: 20 * time.Minute, TimeTypeID: doctor.ID,
	})
	must(t, err)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			citizen := tidbok.MustPersonalNumber(validNumber(w))
			for range 10 {
				res, err := b.AvailableTimeslots(noContext, tidbok.AvailabilityRequest{Facility: clinic, Subject: citizen, From: testToday, To: testToday.AddDays(7)})
				if err != nil || res.Len() < 2 {
					continue
				}
				first, second := res.At(w%res.Len()), res.At((w*7+3)%res.Len())
				booked, err := b.Book(noContext, bookRequest(citizen, first))
				if err != nil {
					continue
				}
				second.Subject = citizen
				_, _ = b.Reschedule(noContext, tidbok.RescheduleRequest{BookingID: booked.BookingID, Timeslot: second})
				if w%2 == 0 {
					_, _ = b.Cancel(noContext, tidbok.CancelRequest{Facility: clinic, BookingID: booked.BookingID})
				}
			}
		})
	}
	wg.Wait()
	booked := len(bookingsAt(t, b, clinic))
	offered := len(offeredIDs(t, b))
	if booked+offered != n {
		t.Errorf("%d booked + %d offered = %d, want all %d slots accounted for", booked, offered, booked+offered, n)
	}
	held := map[string]bool{}
	for d := testToday; d.Before(testToday.AddDays(8)); d = d.AddDays(1) {
		for _, ds := range dayOf(t, b, clinic, d) {
			if ds.Booked {
				if held[ds.BookingID] {
					t.Errorf("booking %s holds two slots", ds.BookingID)
				}
				held[ds.BookingID] = true
			}
		}
	}
	if len(held) != booked {
		t.Errorf("Day shows %d booked slots, Bookings %d bookings", len(held), booked)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	t.Run("a lost answer still commits the booking", func(t *testing.T) {
		t.Parallel()
		b := newClinic(t)
		slot := freeSlot(t, b, publish(t, b, at(2, 10, 0)))
		book := faulty.Wrap(b)
		book.Set(tidbok.OpBook, faulty.Fault{LoseAnswer: true, Times: 1})
		_, err := book.Book(noContext, bookRequest(tolvan, slot))
		wantErr(t, err, tidbok.ErrOutcomeUnknown)
		if got := schedule(t, b, tolvan); len(got) != 1 {
			t.Fatalf("schedule = %v after a lost answer, want the committed booking", got)
		}
		_, err = b.Book(noContext, bookRequest(bertil, slot))
		wantErr(t, err, tidbok.ErrSlotTaken)
	})
	t.Run("an injected error changes nothing", func(t *testing.T) {
		t.Parallel()
		b := newClinic(t)
		slot := freeSlot(t, b, publish(t, b, at(2, 10, 0)))
		boom := errors.New("connection reset")
		book := faulty.Wrap(b)
		book.Set(tidbok.OpBook, faulty.Fault{Err: boom})
		_, err := book.Book(noContext, bookRequest(tolvan, slot))
		wantErr(t, err, boom)
		if got := schedule(t, b, tolvan); len(got) != 0 {
			t.Errorf("schedule = %v after an injected error, want none", got)
		}
		book.Clear(tidbok.OpBook)
		if _, err := book.Book(noContext, bookRequest(tolvan, slot)); err != nil {
			t.Errorf("Book after clearing the fault: %v", err)
		}
	})
	t.Run("a delay ends with the caller's context", func(t *testing.T) {
		t.Parallel()
		b := newClinic(t)
		book := faulty.Wrap(b)
		book.Set(tidbok.OpSchedule, faulty.Fault{Delay: time.Hour})
		ctx, cancel := context.WithTimeout(noContext, 10*time.Millisecond)
		defer cancel()
		_, err := book.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: tolvan})
		wantErr(t, err, context.DeadlineExceeded)
	})
	t.Run("a closed context ends a call", func(t *testing.T) {
		t.Parallel()
		b := newClinic(t)
		ctx, cancel := context.WithCancel(noContext)
		cancel()
		_, err := b.Schedule(ctx, tidbok.ScheduleRequest{Facility: clinic, Subject: tolvan})
		wantErr(t, err, context.Canceled)
	})
}

func TestTheZeroBookIsAnEmptyBookReadyToUse(t *testing.T) {
	t.Parallel()
	var b memtidbok.Book
	if b.Capabilities() != tidbok.AllCapabilities {
		t.Errorf("Capabilities() = %v, want all", b.Capabilities())
	}
	must(t, b.AddFacility(t.Context(), clinicInfo))
	must(t, b.AddTimeType(t.Context(), clinic, doctor))
	start := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	id, err := b.Publish(t.Context(), staff.SlotSpec{Facility: clinic, Start: start, End: start.Add(time.Hour), TimeTypeID: doctor.ID, Flags: flags(true, false, false)})
	must(t, err)
	res, err := b.Book(noContext, tidbok.BookRequest{
		Timeslot: tidbok.Timeslot{ID: id, Facility: clinic, Start: start, End: start.Add(time.Hour), Subject: tolvan},
		Contact:  contact,
	})
	must(t, err)
	if _, err := b.Cancel(noContext, tidbok.CancelRequest{Facility: clinic, BookingID: res.BookingID}); err != nil {
		t.Errorf("Cancel: %v", err)
	}
}
