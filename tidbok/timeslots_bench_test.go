package tidbok_test

import (
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

var builtSink tidbok.AvailableTimeslotsResult

// BenchmarkTimeslotsBuilder builds a compact answer of 480 slots of 20
// clinicians (a day of one time type at a large clinic), as a book does:
// the templates registered on first use, each slot added with an ID that
// is part of a longer string the book keeps.
func BenchmarkTimeslotsBuilder(b *testing.B) {
	l := tidbok.Stockholm()
	tmpl := tidbok.Timeslot{
		FacilityName: "Vårdcentralen Åby", PerformerName: "Dr Anna Öberg",
		TimeType: tidbok.TimeType{ID: "TT1", Name: "Läkarbesök"},
	}
	ids := "s000001s000002s000003s000004"
	start := time.Date(2026, 3, 17, 8, 0, 0, 0, l).UnixNano()
	b.ReportAllocs()
	for b.Loop() {
		var bld tidbok.TimeslotsBuilder
		bld.Grow(480, 20)
		var handles [20]int
		for i := range handles {
			handles[i] = -1
		}
		for i := range 480 {
			p := i % 20
			if handles[p] < 0 {
				handles[p] = bld.Template(tmpl)
			}
			s := start + int64(i/20)*int64(20*time.Minute)
			bld.Add(handles[p], ids[7*(i%4):7*(i%4)+7], time.Unix(0, s).In(l), time.Unix(0, s+int64(20*time.Minute)).In(l))
		}
		builtSink = bld.Result()
	}
}

// BenchmarkTimeslotsBuilderUnixNano is BenchmarkTimeslotsBuilder for a
// book that keeps its times as Unix nanoseconds: the templates
// registered with their location, each slot added with AddUnixNano.
func BenchmarkTimeslotsBuilderUnixNano(b *testing.B) {
	l := tidbok.Stockholm()
	tmpl := tidbok.Timeslot{
		FacilityName: "Vårdcentralen Åby", PerformerName: "Dr Anna Öberg",
		TimeType: tidbok.TimeType{ID: "TT1", Name: "Läkarbesök"},
	}
	ids := "s000001s000002s000003s000004"
	start := time.Date(2026, 3, 17, 8, 0, 0, 0, l).UnixNano()
	b.ReportAllocs()
	for b.Loop() {
		var bld tidbok.TimeslotsBuilder
		bld.Grow(480, 20)
		var handles [20]int
		for i := range handles {
			handles[i] = -1
		}
		for i := range 480 {
			p := i % 20
			if handles[p] < 0 {
				handles[p] = bld.TemplateIn(tmpl, l)
			}
			s := start + int64(i/20)*int64(20*time.Minute)
			bld.AddUnixNano(handles[p], ids[7*(i%4):7*(i%4)+7], s, s+int64(20*time.Minute))
		}
		builtSink = bld.Result()
	}
}
