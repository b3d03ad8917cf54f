package sqltidbok_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// clients is how many portal requests book at once in
// BenchmarkBookParallel.
const clients = 16

// BenchmarkBookParallel measures booking throughput: 16 clients at once,
// each booking free slots by their IDs, every booking a citizen and a slot
// of its own, on each database. It reports bookings/s; compare the
// PostgreSQL figure with bench/pgbench.sh's single-row insert rate on the
// same server.
func BenchmarkBookParallel(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.Name, func(b *testing.B) {
			book, _ := newBook(b, be)
			slots := publishMany(b, book, b.N)
			ctx := context.Background()
			var next, failed atomic.Int64
			b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := int(next.Add(1)) - 1
					if _, err := book.Book(ctx, bookRequest(slots[i], citizen(i))); err != nil {
						failed.Add(1)
						b.Error(err)
					}
				}
			})
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "bookings/s")
			if failed.Load() > 0 {
				b.Fatalf("%d of %d bookings failed", failed.Load(), b.N)
			}
		})
	}
}

// publishMany publishes at least n free slots, one a minute around the
// clock from the day after the book's now, and returns n of them.
func publishMany(b *testing.B, book *sqltidbok.Book, n int) []tidbok.Timeslot {
	b.Helper()
	ctx := context.Background()
	if err := book.AddTimeType(ctx, testbook.Facility(), doctorsVisit); err != nil {
		b.Fatal(err)
	}
	from := tidbok.DateOf(book.Now()).AddDays(1)
	days := n/(24*60) + 2
	if _, err := book.PublishWeekly(ctx, staff.Template{
		Facility: testbook.Facility(), From: from, To: from.AddDays(days),
		Weekdays: []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday},
		DayStart: 0, DayEnd: 24 * time.Hour, Length: time.Minute,
		TimeTypeID: doctorsVisit.ID,
	}); err != nil {
		b.Fatal(err)
	}
	res, err := book.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: testbook.Facility(), Subject: citizen(999_999), From: from, To: from.AddDays(days)})
	if err != nil {
		b.Fatal(err)
	}
	if res.Len() < n {
		b.Fatalf("published %d slots, want %d", res.Len(), n)
	}
	return res.Slice()[:n]
}
