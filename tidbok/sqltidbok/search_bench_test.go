package sqltidbok_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/dbtest"
	"github.com/webbtidbok/webbtidbok/internal/pgtest"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/sqltidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// The search benchmarks' clinic is memtidbok's: one facility with 100
// clinicians, each offering one of 5 time types (20 per time type), 24
// twenty-minute slots a day from 08:00 to 16:00, every day, all free and
// web-bookable. The large book spans 2026 (876,000 slots), the small one
// the five weeks around the month asked for (86,400 slots), the huge one
// 2025 to 2027 (2,628,000 slots: the same clinic over three years, so
// that a day's answers are the same size as in the large book). The
// clock stands at 10 March 2026 09:00.
//
// Each benchmark times the book's call and a floor query on the same
// database alternately, one after the other in every iteration, and
// reports both and their ratio (x-floor): on a shared machine the ratio
// measured in one run is what means something.
//
// The books are seeded once through PublishWeekly, which is slow: SQLite
// keeps them in files in the temporary directory, named by size and
// schema version, for later runs; PostgreSQL keeps them in a schema of
// the server WEBBTIDBOK_PG_DSN names for the life of the test binary.

const (
	searchPerformers = 100
	searchTimeTypes  = 5
)

var (
	searchClinic  = tidbok.MustHSAID("SE2321000016-BNCH")
	searchCitizen = tidbok.MustPersonalNumber("191212121212")
	searchNow     = time.Date(2026, time.March, 10, 9, 0, 0, 0, tidbok.Stockholm())
	searchDay     = tidbok.Date{Year: 2026, Month: time.March, Day: 17}
)

func searchPerformer(i int) tidbok.HSAID {
	return tidbok.MustHSAID(fmt.Sprintf("SE2321000016-P%03d", i))
}

func searchTimeType(i int) string { return fmt.Sprintf("TT%d", i) }

// searchSizes are the book sizes, by name: the days they span. A size
// onRequest runs only when the -bench pattern names it, as in
// -bench 'BenchmarkSearch/.*/huge', since seeding it takes minutes.
var searchSizes = []struct {
	name      string
	from, to  tidbok.Date
	onRequest bool
}{
	{"large", tidbok.Date{Year: 2026, Month: 1, Day: 1}, tidbok.Date{Year: 2026, Month: 12, Day: 31}, false},
	{"small", tidbok.Date{Year: 2026, Month: 3, Day: 1}, tidbok.Date{Year: 2026, Month: 4, Day: 5}, false},
	{"huge", tidbok.Date{Year: 2025, Month: 1, Day: 1}, tidbok.Date{Year: 2027, Month: 12, Day: 31}, true},
}

// benchAsksFor reports whether the -bench pattern names name.
func benchAsksFor(name string) bool {
	f := flag.Lookup("test.bench")
	return f != nil && strings.Contains(f.Value.String(), name)
}

// searchBook is a seeded benchmark book and its database.
type searchBook struct {
	book *sqltidbok.Book
	db   *sql.DB
}

var (
	searchBooksMu sync.Mutex
	searchBooks   = map[string]*searchBook{}
	pgSchemas     []string
)

// TestMain drops the PostgreSQL schemas the benchmarks seeded.
func TestMain(m *testing.M) {
	code := m.Run()
	if base := os.Getenv(pgtest.EnvDSN); base != "" && len(pgSchemas) > 0 {
		if db, err := sql.Open("pgx", base); err == nil {
			for _, s := range pgSchemas {
				_, _ = db.Exec("DROP SCHEMA IF EXISTS " + s + " CASCADE")
			}
			_ = db.Close()
		}
	}
	os.Exit(code)
}

// openSearchBook returns the benchmark book of the size named on be,
// seeding it on first use.
func openSearchBook(b *testing.B, be backend, size string, from, to tidbok.Date) *searchBook {
	b.Helper()
	searchBooksMu.Lock()
	defer searchBooksMu.Unlock()
	key := be.Name + "/" + size
	if sb := searchBooks[key]; sb != nil {
		return sb
	}
	ctx := context.Background()
	var dsn string
	seed := true
	switch be.Dialect {
	case sqltidbok.SQLite:
		path := filepath.Join(os.TempDir(), fmt.Sprintf("webbtidbok-search-%s-v%d.db", size, schemaVersion))
		if _, err := os.Stat(path); err == nil {
			seed = false
		} else {
			// Seeded under another name, renamed when complete.
			tmp := path + ".seeding"
			_ = os.Remove(tmp)
			seedSearchBook(b, be, sqltidbok.SQLiteDSN(tmp), from, to)
			if err := os.Rename(tmp, path); err != nil {
				b.Fatal(err)
			}
			seed = false
		}
		dsn = sqltidbok.SQLiteDSN(path)
	default:
		base := pgtest.BaseDSN(b)
		name := fmt.Sprintf("bench_search_%s_%d", size, os.Getpid())
		admin, err := sql.Open("pgx", base)
		if err != nil {
			b.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.Exec("CREATE SCHEMA " + name); err != nil {
			b.Fatal(err)
		}
		pgSchemas = append(pgSchemas, name)
		if dsn, err = pgtest.WithSearchPath(base, name); err != nil {
			b.Fatal(err)
		}
	}
	if seed {
		seedSearchBook(b, be, dsn, from, to)
	}
	db, err := sql.Open(be.Driver, dsn)
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxIdleConns(4)
	book, err := sqltidbok.Open(ctx, db, be.Dialect, at(searchNow))
	if err != nil {
		b.Fatal(err)
	}
	if be.Dialect == sqltidbok.Postgres {
		if _, err := db.Exec("ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	sb := &searchBook{book: book, db: db}
	searchBooks[key] = sb
	return sb
}

// seedSearchBook publishes the benchmark clinic's slots from from to to
// into the database dsn names, through the staff side.
func seedSearchBook(b *testing.B, be backend, dsn string, from, to tidbok.Date) {
	b.Helper()
	ctx := context.Background()
	db, err := sql.Open(be.Driver, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	book, err := sqltidbok.Open(ctx, db, be.Dialect, at(searchNow))
	if err != nil {
		b.Fatal(err)
	}
	defer book.Close()
	if err := book.AddFacility(ctx, tidbok.Facility{ID: searchClinic, Name: "Vårdcentralen Bänken"}); err != nil {
		b.Fatal(err)
	}
	for i := range searchTimeTypes {
		if err := book.AddTimeType(ctx, searchClinic, tidbok.TimeType{ID: searchTimeType(i), Name: "Tidstyp " + searchTimeType(i)}); err != nil {
			b.Fatal(err)
		}
	}
	for p := range searchPerformers {
		if err := book.AddPerformer(ctx, searchClinic, tidbok.Performer{ID: searchPerformer(p), Title: "Dr", FirstName: "Doktor", LastName: fmt.Sprint(p)}); err != nil {
			b.Fatal(err)
		}
		if _, err := book.PublishWeekly(ctx, searchTemplate(p, from, to)); err != nil {
			b.Fatal(err)
		}
	}
}

// searchTemplate is clinician p's week, every day from from to to.
func searchTemplate(p int, from, to tidbok.Date) staff.Template {
	return staff.Template{
		Facility:   searchClinic,
		From:       from,
		To:         to,
		Weekdays:   []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday},
		DayStart:   8 * time.Hour,
		DayEnd:     16 * time.Hour,
		Length:     20 * time.Minute,
		TimeTypeID: searchTimeType(p % searchTimeTypes),
		Performer:  searchPerformer(p),
	}
}

// floorQuery is a floor: a query of its own, prepared once, whose rows
// run reads into scratch values.
type floorQuery struct {
	stmt *sql.Stmt
	args []any
	dest []any
}

func newFloorQuery(b *testing.B, be backend, db *sql.DB, text string, columns int, args ...any) *floorQuery {
	b.Helper()
	if be.Dialect == sqltidbok.Postgres {
		n := 0
		var out []byte
		for i := 0; i < len(text); i++ {
			if text[i] == '?' {
				n++
				out = append(out, fmt.Sprintf("$%d", n)...)
				continue
			}
			out = append(out, text[i])
		}
		text = string(out)
	}
	stmt, err := db.Prepare(text)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stmt.Close() })
	fq := &floorQuery{stmt: stmt, args: args}
	for range columns {
		fq.dest = append(fq.dest, new(any))
	}
	return fq
}

func (fq *floorQuery) run(ctx context.Context) (int, error) {
	rows, err := fq.stmt.QueryContext(ctx, fq.args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := rows.Scan(fq.dest...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// alternate times call and floor one after the other in each iteration
// and reports the median time of each (call-ns, floor-ns) and their
// ratio (x-floor). Medians, because on a shared machine a call that loses
// its core for a while would weigh on a mean far beyond its share.
func alternate(b *testing.B, call, floor func() error) {
	b.Helper()
	var tc, tf []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := floor(); err != nil {
			b.Fatal(err)
		}
		tc = append(tc, t1.Sub(t0))
		tf = append(tf, time.Since(t1))
	}
	mc, mf := median(tc), median(tf)
	b.ReportMetric(float64(mc.Nanoseconds()), "call-ns")
	b.ReportMetric(float64(mf.Nanoseconds()), "floor-ns")
	b.ReportMetric(float64(mc)/float64(mf), "x-floor")
}

// median returns the median of ds, which it sorts.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// BenchmarkSearch times, on each database and book size, the citizen's
// three searches against their floors:
//
//   - dates: AvailableDates of March at the whole clinic (22 dates),
//     against a primary-key lookup of one slot;
//   - timetype: AvailableTimeslots of one time type on one day (480
//     slots), against reading the same 480 slots' columns through an
//     index (slots_by_time_type), without joins or the booking check;
//   - clinician: AvailableTimeslots of one clinician on one day (24
//     slots), against a primary-key lookup of one slot.
func BenchmarkSearch(b *testing.B) {
	for _, be := range dbtest.Backends() {
		for _, size := range searchSizes {
			if size.onRequest && !benchAsksFor(size.name) {
				continue
			}
			b.Run(be.Name+"/"+size.name, func(b *testing.B) {
				if testing.Short() {
					b.Skip("seeds a large book")
				}
				sb := openSearchBook(b, be, size.name, size.from, size.to)
				benchSearches(b, be, sb)
			})
		}
	}
}

func benchSearches(b *testing.B, be backend, sb *searchBook) {
	ctx := context.Background()
	dayKey := searchDay.Year*10000 + int(searchDay.Month)*100 + searchDay.Day
	var slotID string
	if err := sb.db.QueryRow("SELECT MIN(id) FROM slots").Scan(&slotID); err != nil {
		b.Fatal(err)
	}
	pk := newFloorQuery(b, be, sb.db, "SELECT id, start_ns, end_ns, performer_id FROM slots WHERE id = ?", 4, slotID)
	pkFloor := func() error {
		n, err := pk.run(ctx)
		if err == nil && n != 1 {
			err = fmt.Errorf("the floor read %d rows, want 1", n)
		}
		return err
	}
	b.Run("dates", func(b *testing.B) {
		req := tidbok.AvailabilityRequest{
			Facility: searchClinic, Subject: searchCitizen,
			From: tidbok.Date{Year: 2026, Month: 3, Day: 1}, To: tidbok.Date{Year: 2026, Month: 3, Day: 31},
		}
		alternate(b, func() error {
			res, err := sb.book.AvailableDates(ctx, req)
			if err == nil && len(res.Dates) != 22 {
				err = fmt.Errorf("AvailableDates = %d dates, want 22 (10–31 March)", len(res.Dates))
			}
			return err
		}, pkFloor)
	})
	b.Run("timetype", func(b *testing.B) {
		req := tidbok.AvailabilityRequest{
			Facility: searchClinic, Subject: searchCitizen, From: searchDay, To: searchDay,
			TimeType: tidbok.TimeType{ID: searchTimeType(2)},
		}
		rows := newFloorQuery(b, be, sb.db, `SELECT id, start_ns, end_ns, facility_id, time_type_id, care_type_id, performer_id, resource_id
			FROM slots WHERE facility_id = ? AND time_type_id = ? AND day = ? ORDER BY start_ns`, 8,
			searchClinic.String(), searchTimeType(2), dayKey)
		alternate(b, func() error {
			res, err := sb.book.AvailableTimeslots(ctx, req)
			if err == nil && res.Len() != 480 {
				err = fmt.Errorf("AvailableTimeslots = %d slots, want 480", res.Len())
			}
			return err
		}, func() error {
			n, err := rows.run(ctx)
			if err == nil && n != 480 {
				err = fmt.Errorf("the floor read %d rows, want 480", n)
			}
			return err
		})
	})
	b.Run("clinician", func(b *testing.B) {
		req := tidbok.AvailabilityRequest{
			Facility: searchClinic, Subject: searchCitizen, From: searchDay, To: searchDay,
			Performers: []tidbok.HSAID{searchPerformer(42)},
		}
		alternate(b, func() error {
			res, err := sb.book.AvailableTimeslots(ctx, req)
			if err == nil && res.Len() != 24 {
				err = fmt.Errorf("AvailableTimeslots = %d slots, want 24", res.Len())
			}
			return err
		}, pkFloor)
	})
}

// BenchmarkPublishWeekly times, on each database, PublishWeekly of one
// clinician's template over a year (8,760 slots) against a bare
// multi-row INSERT of the same number of rows of the same shape, in
// statements of 500 rows in one transaction, alternately in each
// iteration (x-floor is their ratio). Both write into one book of the
// benchmark clinic, which grows as it runs.
func BenchmarkPublishWeekly(b *testing.B) {
	for _, be := range dbtest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			ctx := context.Background()
			db := be.Open(b, be.DSN(b))
			book, err := sqltidbok.Open(ctx, db, be.Dialect, at(searchNow))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = book.Close() })
			if err := book.AddFacility(ctx, tidbok.Facility{ID: searchClinic, Name: "Vårdcentralen Bänken"}); err != nil {
				b.Fatal(err)
			}
			for i := range searchTimeTypes {
				if err := book.AddTimeType(ctx, searchClinic, tidbok.TimeType{ID: searchTimeType(i), Name: "Tidstyp"}); err != nil {
					b.Fatal(err)
				}
			}
			if err := book.AddPerformer(ctx, searchClinic, tidbok.Performer{ID: searchPerformer(0), FirstName: "Doktor", LastName: "Noll"}); err != nil {
				b.Fatal(err)
			}
			tmpl := searchTemplate(0, searchSizes[0].from, searchSizes[0].to)
			n, err := book.PublishWeekly(ctx, tmpl)
			if err != nil {
				b.Fatal(err)
			}
			insert := bareInsert(be, 500)
			serial := 0
			bare := func() error {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					return err
				}
				defer tx.Rollback()
				args := make([]any, 0, 500*11)
				for done := 0; done < n; {
					k := min(500, n-done)
					args = args[:0]
					for i := range k {
						serial++
						start := int64(serial) * 1_200_000_000_000
						args = append(args, fmt.Sprintf("x%016d", serial), searchClinic.String(), start, start+1_200_000_000_000,
							20260101+i%28, searchTimeType(0), "", searchPerformer(0).String(), "", true, nil)
					}
					q := insert
					if k < 500 {
						q = bareInsert(be, k)
					}
					if _, err := tx.ExecContext(ctx, q, args...); err != nil {
						return err
					}
					done += k
				}
				return tx.Commit()
			}
			alternate(b, func() error {
				_, err := book.PublishWeekly(ctx, tmpl)
				return err
			}, bare)
			b.ReportMetric(float64(n), "slots")
		})
	}
}

// bareInsert is an INSERT of n slot rows in be's placeholders.
func bareInsert(be backend, n int) string {
	q := []byte("INSERT INTO slots (id, facility_id, start_ns, end_ns, day, time_type_id, care_type_id, performer_id, resource_id, web_bookable, flags) VALUES ")
	p := 0
	for i := range n {
		if i > 0 {
			q = append(q, ", "...)
		}
		q = append(q, '(')
		for j := range 11 {
			if j > 0 {
				q = append(q, ", "...)
			}
			p++
			if be.Dialect == sqltidbok.Postgres {
				q = fmt.Appendf(q, "$%d", p)
			} else {
				q = append(q, '?')
			}
		}
		q = append(q, ')')
	}
	return string(q)
}
