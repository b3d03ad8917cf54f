package tidboktest

import (
	"context"
	"errors"
	"sync"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Rules about concurrent use. They are meant to be run with -race: a book
// must be safe for concurrent use, and exactly one of many racing writes
// to one slot may win.
var concurrencyRules = []rule{
	{
		sentence: "exactly one of many concurrent bookings of one slot succeeds",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpSchedule),
		check:    checkConcurrentBookings,
	},
	{
		sentence: "exactly one of many concurrent reschedules to one slot succeeds",
		needs:    tidbok.CapabilitiesOf(tidbok.OpBook, tidbok.OpReschedule, tidbok.OpSchedule),
		check:    checkConcurrentReschedules,
	},
}

// racers is how many citizens race for one slot.
const racers = 32

// race runs n calls at once, after all have started, while readers keep
// reading the book, and returns each call's error.
func (f *fixture) race(n int, call func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	done := make(chan struct{})
	var writers, readers sync.WaitGroup
	for i := range n {
		writers.Go(func() {
			<-start
			errs[i] = call(i)
		})
	}
	// Readers exercise the book's locking while the writers race; their
	// answers are not judged here.
	for range 4 {
		readers.Go(func() {
			<-start
			for {
				select {
				case <-done:
					return
				default:
				}
				if f.caps.Has(tidbok.OpAvailableTimeslots) {
					_, _ = f.b.AvailableTimeslots(f.ctx, f.availability(f.onlooker(), searchDays))
				}
				_, _ = f.b.Schedule(f.ctx, tidbok.ScheduleRequest{Facility: f.facility, Subject: f.citizen(1)})
			}
		})
	}
	close(start)
	writers.Wait()
	close(done)
	readers.Wait()
	return errs
}

// checkConcurrentBookings lets 32 citizens book one slot at once.
func checkConcurrentBookings(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	slot, err := f.addSlot(f.at(2, 10))
	if err != nil {
		return err
	}
	ids := make([]string, racers)
	errs := f.race(racers, func(i int) error {
		res, err := b.Book(ctx, f.bookRequest(f.citizen(i+1), slot))
		ids[i] = res.BookingID
		return err
	})
	var v violations
	winners := judgeRace(&v, "Book", errs)
	// However the answers went, the book must hold exactly one booking.
	total := 0
	for i := range racers {
		citizen := f.citizen(i + 1)
		got, err := f.schedule(citizen)
		if err != nil {
			v.add(err)
			continue
		}
		total += len(got)
		if len(winners) == 1 && winners[0] == i {
			booking := slot
			booking.ID, booking.Subject = ids[i], citizen
			if diff := diffBookings([]tidbok.Timeslot{booking}, got); diff != "" {
				v.addf("Schedule of the winner, %s (-want +got):\n%s", who(citizen), diff)
			}
		}
	}
	if total != 1 {
		v.addf("the schedules of the %d racing citizens hold %d bookings of one slot in all, want exactly 1", racers, total)
	}
	return v.err()
}

// judgeRace records a violation unless exactly one of errs is nil and all
// others match ErrSlotTaken, and returns the indexes of the winners.
func judgeRace(v *violations, op string, errs []error) []int {
	var winners []int
	var others []error
	for i, err := range errs {
		switch {
		case err == nil:
			winners = append(winners, i)
		case !errors.Is(err, tidbok.ErrSlotTaken):
			others = append(others, err)
		}
	}
	if len(winners) != 1 {
		v.addf("%d of %d concurrent %s calls for one slot succeeded, want exactly 1", len(winners), len(errs), op)
	}
	for _, err := range others {
		v.addf("a concurrent %s that lost the race: error %q, want one matching ErrSlotTaken", op, err)
	}
	return winners
}

// checkConcurrentReschedules gives 16 citizens a booking each and lets
// them all move to one free slot at once.
func checkConcurrentReschedules(ctx context.Context, b tidbok.Tidbok, s Seeder) error {
	f, err := newFixture(ctx, b, s)
	if err != nil {
		return err
	}
	const n = racers / 2
	bookings := make([]tidbok.Timeslot, n)
	for i := range bookings {
		bk, err := f.flaggedBooking(f.citizen(i+1), f.at(2+i/4, 9+i%4), tidbok.Flags{MayCancel: true, MayReschedule: true})
		if err != nil {
			return err
		}
		bookings[i] = bk
	}
	target, err := f.addSlot(f.at(7, 10))
	if err != nil {
		return err
	}
	errs := f.race(n, func(i int) error {
		_, err := b.Reschedule(ctx, f.rescheduleRequest(bookings[i], target))
		return err
	})
	var v violations
	winners := judgeRace(&v, "Reschedule", errs)
	for i, bk := range bookings {
		if len(winners) == 1 && winners[0] == i {
			moved := target
			moved.ID, moved.Subject = bk.ID, bk.Subject
			f.expectScheduled(&v, bk.Subject, []tidbok.Timeslot{moved}, "after winning the race for the slot")
			continue
		}
		if errs[i] != nil {
			f.expectUntouched(&v, bk, "after losing the race to move it")
		}
	}
	return v.err()
}
