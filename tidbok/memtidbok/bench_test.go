package memtidbok_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// The benchmark clinic is the portal's worst realistic case: one facility
// with 100 clinicians, each offering one of 5 time types (so a time type
// has 20 clinicians), 24 twenty-minute slots a day from 08:00 to 16:00,
// every day of the week, all free and web-bookable. The large book spans
// a year (876,000 slots), the small one the five weeks around the month
// asked for (86,400 slots): the same days, a tenth of the book. The clock
// stands at 10 March 2026 09:00, so the month asked for holds the current,
// partly past day.

const (
	benchPerformers = 100
	benchTimeTypes  = 5
)

var (
	benchClinic  = tidbok.MustHSAID("SE2321000016-BNCH")
	benchCitizen = tidbok.MustPersonalNumber("191212121212")
	benchNow     = time.Date(2026, time.March, 10, 9, 0, 0, 0, tidbok.Stockholm())
)

func benchPerformer(i int) tidbok.HSAID {
	return tidbok.MustHSAID(fmt.Sprintf("SE2321000016-P%03d", i))
}

func benchTimeType(i int) string { return fmt.Sprintf("TT%d", i) }

// buildBenchBook publishes the benchmark clinic's slots from from to to.
func buildBenchBook(tb testing.TB, from, to tidbok.Date) (*memtidbok.Book, int) {
	tb.Helper()
	b := memtidbok.New(memtidbok.WithClock(func() time.Time { return benchNow }))
	must(tb, b.AddFacility(context.Background(), tidbok.Facility{ID: benchClinic, Name: "Vårdcentralen Bänken"}))
	for i := range benchTimeTypes {
		must(tb, b.AddTimeType(context.Background(), benchClinic, tidbok.TimeType{ID: benchTimeType(i), Name: "Tidstyp " + benchTimeType(i)}))
	}
	total := 0
	for p := range benchPerformers {
		must(tb, b.AddPerformer(context.Background(), benchClinic, tidbok.Performer{ID: benchPerformer(p), Title: "Dr", FirstName: "Doktor", LastName: fmt.Sprint(p)}))
		n, err := b.PublishWeekly(context.Background(), staff.Template{
			Facility:   benchClinic,
			From:       from,
			To:         to,
			Weekdays:   []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday},
			DayStart:   8 * time.Hour,
			DayEnd:     16 * time.Hour,
			Length:     20 * time.Minute,
			TimeTypeID: benchTimeType(p % benchTimeTypes),
			Performer:  benchPerformer(p),
		})
		must(tb, err)
		total += n
	}
	return b, total
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

var (
	largeOnce, smallOnce sync.Once
	largeBook, smallBook *memtidbok.Book
)

// benchBooks returns the large and small benchmark books, built once.
func benchBook(b *testing.B, size string) *memtidbok.Book {
	b.Helper()
	switch size {
	case "large":
		if testing.Short() {
			b.Skip("the large book takes seconds to build")
		}
		largeOnce.Do(func() {
			largeBook, _ = buildBenchBook(b, tidbok.Date{Year: 2026, Month: 1, Day: 1}, tidbok.Date{Year: 2026, Month: 12, Day: 31})
		})
		return largeBook
	default:
		smallOnce.Do(func() {
			smallBook, _ = buildBenchBook(b, tidbok.Date{Year: 2026, Month: 3, Day: 1}, tidbok.Date{Year: 2026, Month: 4, Day: 5})
		})
		return smallBook
	}
}

// BenchmarkAvailableDates asks for the dates of March with free slots of
// any kind at the whole clinic: the first question of the booking flow.
func BenchmarkAvailableDates(b *testing.B) {
	for _, size := range []string{"large", "small"} {
		b.Run(size, func(b *testing.B) {
			book := benchBook(b, size)
			req := tidbok.AvailabilityRequest{
				Facility: benchClinic, Subject: benchCitizen,
				From: tidbok.Date{Year: 2026, Month: 3, Day: 1}, To: tidbok.Date{Year: 2026, Month: 3, Day: 31},
			}
			ctx := context.Background()
			b.ReportAllocs()
			defer meterCPU(b)()
			for b.Loop() {
				res, err := book.AvailableDates(ctx, req)
				if err != nil || len(res.Dates) != 22 {
					b.Fatalf("AvailableDates = %d dates, %v; want 22 (10–31 March)", len(res.Dates), err)
				}
			}
		})
	}
}

// BenchmarkAvailableTimeslots asks for the free slots of one time type on
// one day: 20 clinicians × 24 slots = 480 slots.
func BenchmarkAvailableTimeslots(b *testing.B) {
	for _, size := range []string{"large", "small"} {
		b.Run(size, func(b *testing.B) {
			book := benchBook(b, size)
			day := tidbok.Date{Year: 2026, Month: 3, Day: 17}
			req := tidbok.AvailabilityRequest{
				Facility: benchClinic, Subject: benchCitizen, From: day, To: day,
				TimeType: tidbok.TimeType{ID: benchTimeType(2)},
			}
			ctx := context.Background()
			b.ReportAllocs()
			defer meterCPU(b)()
			for b.Loop() {
				res, err := book.AvailableTimeslots(ctx, req)
				if err != nil || res.Len() != 480 {
					b.Fatalf("AvailableTimeslots = %d slots, %v; want 480", res.Len(), err)
				}
			}
		})
	}
}

// BenchmarkAvailableTimeslotsRead asks BenchmarkAvailableTimeslots's
// question and reads every slot of the answer once, as a whole Timeslot,
// as the wire's encoder does: the compact answer puts the cost of
// assembling the slots on its reader.
func BenchmarkAvailableTimeslotsRead(b *testing.B) {
	book := benchBook(b, "large")
	day := tidbok.Date{Year: 2026, Month: 3, Day: 17}
	req := tidbok.AvailabilityRequest{
		Facility: benchClinic, Subject: benchCitizen, From: day, To: day,
		TimeType: tidbok.TimeType{ID: benchTimeType(2)},
	}
	ctx := context.Background()
	b.ReportAllocs()
	defer meterCPU(b)()
	for b.Loop() {
		res, err := book.AvailableTimeslots(ctx, req)
		n := 0
		for ts := range res.All() {
			startSink = ts.Start
			n++
		}
		if err != nil || n != 480 {
			b.Fatalf("AvailableTimeslots = %d slots, %v; want 480", n, err)
		}
	}
}

// BenchmarkMemoryPerSlot builds a book of 1,000,800 slots (100 clinicians
// × 417 days × 24) and reports the live heap it takes per slot.
func BenchmarkMemoryPerSlot(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a million slots")
	}
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		from := tidbok.Date{Year: 2026, Month: 1, Day: 1}
		book, n := buildBenchBook(b, from, from.AddDays(416))
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(book)
		if n < 1_000_000 {
			b.Fatalf("built %d slots, want at least a million", n)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "B/slot")
	}
}

// BenchmarkBookCancel books a free slot and cancels the booking.
func BenchmarkBookCancel(b *testing.B) {
	book, _ := buildBenchBook(b, tidbok.Date{Year: 2026, Month: 3, Day: 1}, tidbok.Date{Year: 2026, Month: 3, Day: 31})
	day := tidbok.Date{Year: 2026, Month: 3, Day: 17}
	ctx := context.Background()
	free, err := book.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: benchClinic, Subject: benchCitizen, From: day, To: day})
	if err != nil || free.Len() == 0 {
		b.Fatalf("no free slot to book: %v", err)
	}
	slot := free.At(free.Len() / 2)
	slot.Subject = benchCitizen
	req := tidbok.BookRequest{Timeslot: slot, Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"}}
	b.ReportAllocs()
	defer meterCPU(b)()
	for b.Loop() {
		res, err := book.Book(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := book.Cancel(ctx, tidbok.CancelRequest{Facility: benchClinic, BookingID: res.BookingID}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAvailableTimeslotsOneClinician asks for one clinician's free
// slots on one day (24 slots): the cost apart from the size of the answer.
func BenchmarkAvailableTimeslotsOneClinician(b *testing.B) {
	for _, size := range []string{"large", "small"} {
		b.Run(size, func(b *testing.B) {
			book := benchBook(b, size)
			day := tidbok.Date{Year: 2026, Month: 3, Day: 17}
			req := tidbok.AvailabilityRequest{
				Facility: benchClinic, Subject: benchCitizen, From: day, To: day,
				Performers: []tidbok.HSAID{benchPerformer(42)},
			}
			ctx := context.Background()
			b.ReportAllocs()
			defer meterCPU(b)()
			for b.Loop() {
				res, err := book.AvailableTimeslots(ctx, req)
				if err != nil || res.Len() != 24 {
					b.Fatalf("AvailableTimeslots = %d slots, %v; want 24", res.Len(), err)
				}
			}
		})
	}
}

var floorSink []tidbok.Timeslot

// BenchmarkAnswerFloor measures what any book pays to answer with 480
// fresh Timeslots: allocating them and filling in a template, times and
// ID. AvailableTimeslots cannot be faster than this.
func BenchmarkAnswerFloor(b *testing.B) {
	tmpl := tidbok.Timeslot{
		Facility: benchClinic, FacilityName: "Vårdcentralen Bänken", Performer: benchPerformer(1),
		PerformerName: "Dr Doktor 1", TimeType: tidbok.TimeType{ID: "TT1", Name: "Tidstyp TT1"},
	}
	ids := "s000001"
	l := tidbok.Stockholm()
	b.ReportAllocs()
	defer meterCPU(b)()
	for b.Loop() {
		out := make([]tidbok.Timeslot, 0, 480)
		for i := range 480 {
			ts := tmpl
			ts.ID = ids
			ts.Start = time.Unix(int64(i)*1200, 0).In(l)
			ts.End = ts.Start.Add(20 * time.Minute)
			out = append(out, ts)
		}
		floorSink = out
	}
}

// BenchmarkAnswerClone measures the floor of an answer kept ready (a
// cached day) and handed out as a fresh copy, as answers must be: one
// allocation of 480 Timeslots and one copy.
func BenchmarkAnswerClone(b *testing.B) {
	ready := answerFloor()
	b.ReportAllocs()
	defer meterCPU(b)()
	for b.Loop() {
		floorSink = slices.Clone(ready)
	}
}

// compactSlot is what an answer of a smaller shape would hold per slot:
// its ID and times, and the fields its clinician shares with the
// clinician's other slots behind one pointer.
type compactSlot struct {
	ID         string
	Start, End time.Time
	shared     *tidbok.Timeslot
}

var compactSink []compactSlot

// BenchmarkAnswerCompact measures the floor of that smaller shape: 480
// compact slots allocated and filled like BenchmarkAnswerFloor's.
func BenchmarkAnswerCompact(b *testing.B) {
	tmpl := &answerFloor()[0]
	ids := "s000001"
	l := tidbok.Stockholm()
	b.ReportAllocs()
	defer meterCPU(b)()
	for b.Loop() {
		out := make([]compactSlot, 480)
		for i := range out {
			ts := &out[i]
			ts.ID, ts.shared = ids, tmpl
			ts.Start = time.Unix(int64(i)*1200, 0).In(l)
			ts.End = ts.Start.Add(20 * time.Minute)
		}
		compactSink = out
	}
}

// answerFloor returns 480 Timeslots like BenchmarkAnswerFloor's.
func answerFloor() []tidbok.Timeslot {
	l := tidbok.Stockholm()
	out := make([]tidbok.Timeslot, 480)
	for i := range out {
		out[i] = tidbok.Timeslot{
			ID: "s000001", Facility: benchClinic, FacilityName: "Vårdcentralen Bänken", Performer: benchPerformer(1),
			PerformerName: "Dr Doktor 1", TimeType: tidbok.TimeType{ID: "TT1", Name: "Tidstyp TT1"},
			Start: time.Unix(int64(i)*1200, 0).In(l),
		}
		out[i].End = out[i].Start.Add(20 * time.Minute)
	}
	return out
}

// recordSlot is what an answer read through an iterator would hold per
// slot: no pointers, so its allocation is never scanned and its writes
// need no barriers. The iterator builds each Timeslot from it and a
// shared template as the caller reads it.
type recordSlot struct {
	start, end int64
	id         int32
	group      int32
}

var (
	recordSink []recordSlot
	startSink  time.Time
)

// BenchmarkAnswerIterator measures the floor of an answer of 480 records
// read once through an iterator that yields whole Timeslots: the answer
// allocated and filled, and every Timeslot built for the reader.
func BenchmarkAnswerIterator(b *testing.B) {
	tmpls := answerFloor()[:1]
	ids := "s000001"
	l := tidbok.Stockholm()
	b.ReportAllocs()
	defer meterCPU(b)()
	for b.Loop() {
		out := make([]recordSlot, 480)
		for i := range out {
			out[i] = recordSlot{start: int64(i) * 1200e9, end: int64(i)*1200e9 + 1200e9, id: int32(i)}
		}
		recordSink = out
		for _, r := range out {
			ts := tmpls[r.group]
			ts.ID = ids
			ts.Start, ts.End = time.Unix(0, r.start).In(l), time.Unix(0, r.end).In(l)
			startSink = ts.Start
		}
	}
}

// meterCPU starts counting the process's processor time (user and
// system, every thread, the collector's included); the function it
// returns reports it per operation as cpu-ns/op. On a shared machine the
// processor time an operation costs varies much less than its wall time.
func meterCPU(b *testing.B) func() {
	b.Helper()
	start := cpuTime(b)
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
