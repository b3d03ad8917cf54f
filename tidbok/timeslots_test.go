package tidbok_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// builtSlots are free slots of two clinicians, with times in three
// locations (Start and End of one slot in different ones), IDs of
// different lengths (one empty) and a zero time.
func builtSlots(t *testing.T) []tidbok.Timeslot {
	t.Helper()
	sthlm := tidbok.Stockholm()
	elsewhere := time.FixedZone("UTC+5", 5*3600)
	clinic := tidbok.HSAID{}
	anna := tidbok.Timeslot{
		Facility: clinic, FacilityName: "Vårdcentralen Åby", PerformerName: "Dr Anna Öberg",
		TimeType: tidbok.TimeType{ID: "TT1", Name: "Läkarbesök"}, Resource: tidbok.Resource{ID: "R12", Name: "Rum 12"},
		Purpose: "Kontroll", Flags: tidbok.Flags{MayCancel: true},
	}
	bo := anna
	bo.PerformerName, bo.TimeType = "Bo Ek", tidbok.TimeType{ID: "TT2", Name: "Provtagning"}
	at := func(tmpl tidbok.Timeslot, id string, start time.Time, minutes int) tidbok.Timeslot {
		tmpl.ID, tmpl.Start, tmpl.End = id, start, start.Add(time.Duration(minutes)*time.Minute)
		return tmpl
	}
	nine := time.Date(2026, 3, 17, 9, 0, 0, 0, sthlm)
	odd := at(bo, "B-3", nine.Add(3*time.Hour).In(elsewhere), 10)
	odd.End = odd.End.UTC()
	return []tidbok.Timeslot{
		at(anna, "A-1", nine, 20),
		at(bo, "B-0000000001", nine.Add(10*time.Minute), 10),
		at(anna, "", nine.Add(20*time.Minute+500*time.Nanosecond), 20),
		at(bo, "B-2", nine.Add(time.Hour).UTC(), 10),
		odd,
		at(anna, "A-4", time.Time{}, 0),
		at(anna, "A-5", nine.Add(5*time.Hour), 20),
	}
}

// build is the compact answer of slots, whose templates are the slots'
// performer names.
func build(b *tidbok.TimeslotsBuilder, slots []tidbok.Timeslot) tidbok.AvailableTimeslotsResult {
	tmpls := map[string]int{}
	for _, ts := range slots {
		k, ok := tmpls[ts.PerformerName]
		if !ok {
			k = b.Template(ts)
			tmpls[ts.PerformerName] = k
		}
		b.Add(k, ts.ID, ts.Start, ts.End)
	}
	return b.Result()
}

func TestTimeslotsBuilderGivesBackWhatWasAdded(t *testing.T) {
	want := builtSlots(t)
	var b tidbok.TimeslotsBuilder
	b.Grow(2, 1) // too small: the builder grows
	res := build(&b, want)
	if b.Len() != 0 {
		t.Errorf("builder Len after Result = %d, want 0", b.Len())
	}
	if res.Len() != len(want) {
		t.Fatalf("Len = %d, want %d", res.Len(), len(want))
	}
	for i, w := range want {
		// == rather than Equal: the locations must survive too.
		if got := res.At(i); got != w {
			t.Errorf("At(%d) = %+v\nwant %+v", i, got, w)
		}
	}
	if diff := cmp.Diff(want, slices.Collect(res.All())); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, res.Slice()); diff != "" {
		t.Errorf("Slice (-want +got):\n%s", diff)
	}
	if got := res.At(3).Start.Location(); got != time.UTC {
		t.Errorf("At(3).Start in %v, want UTC", got)
	}
}

func TestTimeslotsBuilderIsReusable(t *testing.T) {
	slots := builtSlots(t)
	var b tidbok.TimeslotsBuilder
	first := build(&b, slots[:3])
	second := build(&b, slots[3:])
	if diff := cmp.Diff(slots[:3], first.Slice()); diff != "" {
		t.Errorf("first answer after a second was built (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(slots[3:], second.Slice()); diff != "" {
		t.Errorf("second answer (-want +got):\n%s", diff)
	}
	if empty := b.Result(); empty.Len() != 0 || empty.Slice() != nil {
		t.Errorf("Result of an empty builder has %d slots", empty.Len())
	}
}

func TestAvailableTimeslotsResultCannotBeChangedThroughItsSlots(t *testing.T) {
	slots := builtSlots(t)
	var b tidbok.TimeslotsBuilder
	for name, res := range map[string]tidbok.AvailableTimeslotsResult{
		"compact": build(&b, slots),
		"slice":   tidbok.NewAvailableTimeslots(slices.Clone(slots)),
	} {
		t.Run(name, func(t *testing.T) {
			ts := res.At(0)
			ts.PerformerName, ts.ID = "changed", "changed"
			for ts := range res.All() {
				ts.PerformerName = "changed"
			}
			s := res.Slice()
			s[0].PerformerName, s[1].ID = "changed", "changed"
			if diff := cmp.Diff(slots, res.Slice()); diff != "" {
				t.Errorf("answer after its slots were changed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAvailableTimeslotsResultAllStopsWhenAsked(t *testing.T) {
	slots := builtSlots(t)
	var b tidbok.TimeslotsBuilder
	for name, res := range map[string]tidbok.AvailableTimeslotsResult{
		"compact": build(&b, slots),
		"slice":   tidbok.NewAvailableTimeslots(slots),
	} {
		var ids []string
		for ts := range res.All() {
			ids = append(ids, ts.ID)
			if len(ids) == 2 {
				break
			}
		}
		if want := []string{"A-1", "B-0000000001"}; !slices.Equal(ids, want) {
			t.Errorf("%s: All up to a break = %q, want %q", name, ids, want)
		}
	}
}

func TestAvailableTimeslotsResultZeroIsEmpty(t *testing.T) {
	var res tidbok.AvailableTimeslotsResult
	if res.Len() != 0 || len(res.Slice()) != 0 {
		t.Errorf("zero answer: Len %d, Slice %v", res.Len(), res.Slice())
	}
	for ts := range res.All() {
		t.Errorf("zero answer yields %+v", ts)
	}
}

func TestAvailableTimeslotsResultAtOutOfRangePanics(t *testing.T) {
	var b tidbok.TimeslotsBuilder
	for name, res := range map[string]tidbok.AvailableTimeslotsResult{
		"compact": build(&b, builtSlots(t)),
		"slice":   tidbok.NewAvailableTimeslots(builtSlots(t)),
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: At(Len) did not panic", name)
				}
			}()
			res.At(res.Len())
		}()
	}
}

func ExampleTimeslotsBuilder() {
	sthlm := tidbok.Stockholm()
	// A book registers the fields its clinicians' slots share once…
	var b tidbok.TimeslotsBuilder
	b.Grow(3, 1)
	anna := b.Template(tidbok.Timeslot{
		FacilityName: "Vårdcentralen Åby", PerformerName: "Dr Anna Öberg",
		TimeType: tidbok.TimeType{ID: "TT1", Name: "Läkarbesök"},
	})
	// …and adds each free slot, in order, with its ID and times.
	nine := time.Date(2026, 3, 17, 9, 0, 0, 0, sthlm)
	for i := range 3 {
		start := nine.Add(time.Duration(i) * 20 * time.Minute)
		b.Add(anna, fmt.Sprintf("S%d", i+1), start, start.Add(20*time.Minute))
	}
	res := b.Result()
	for ts := range res.All() {
		fmt.Println(ts.ID, ts.Start.Format("15:04"), ts.End.Format("15:04"), ts.PerformerName, ts.TimeType.Name)
	}
	// Output:
	// S1 09:00 09:20 Dr Anna Öberg Läkarbesök
	// S2 09:20 09:40 Dr Anna Öberg Läkarbesök
	// S3 09:40 10:00 Dr Anna Öberg Läkarbesök
}

// TestTimeslotsBuilderAddUnixNano adds slots as Unix nanoseconds, before
// and after 1970 and with nanoseconds, to templates registered with and
// without a location, mixed with slots added as times, some of them
// centuries away.
func TestTimeslotsBuilderAddUnixNano(t *testing.T) {
	sthlm := tidbok.Stockholm()
	tmpl := tidbok.Timeslot{PerformerName: "Dr Anna Öberg", TimeType: tidbok.TimeType{ID: "TT1"}}
	at := func(id string, start, end time.Time) tidbok.Timeslot {
		ts := tmpl
		ts.ID, ts.Start, ts.End = id, start, end
		return ts
	}
	nine := time.Date(2026, 3, 17, 9, 0, 0, 0, sthlm)
	old := time.Date(1969, 12, 31, 23, 59, 59, 999_999_999, sthlm)
	want := []tidbok.Timeslot{
		at("A-1", nine, nine.Add(20*time.Minute)),
		at("A-0000000002", old, nine.Add(time.Nanosecond)),
		at("", nine.Add(-time.Nanosecond), nine),
		at("A-4", nine.UTC(), nine.Add(time.Hour).UTC()),
		at("A-5", nine.Add(2*time.Hour), nine.Add(3*time.Hour)),
		// Too far from 1970 for Unix nanoseconds, one time or both.
		at("A-6", nine, time.Date(2500, 1, 1, 0, 0, 0, 7, sthlm)),
		at("A-7", time.Date(1500, 1, 1, 0, 0, 0, 7, sthlm), time.Date(2600, 1, 1, 0, 0, 0, 0, time.UTC)),
		at("A-8", nine.Add(4*time.Hour), nine.Add(5*time.Hour)),
	}
	var b tidbok.TimeslotsBuilder
	b.Grow(1, 0) // too small: the builder grows
	in := b.TemplateIn(tmpl, sthlm)
	for _, ts := range want[:3] {
		b.AddUnixNano(in, ts.ID, ts.Start.UnixNano(), ts.End.UnixNano())
	}
	utc := b.Template(tmpl) // no location yet: UTC
	b.AddUnixNano(utc, want[3].ID, want[3].Start.UnixNano(), want[3].End.UnixNano())
	for _, ts := range want[4:] {
		b.Add(in, ts.ID, ts.Start, ts.End)
	}
	res := b.Result()
	if res.Len() != len(want) {
		t.Fatalf("Len = %d, want %d", res.Len(), len(want))
	}
	for i, w := range want {
		// == rather than Equal: the locations must be the ones asked for.
		if got := res.At(i); got != w {
			t.Errorf("At(%d) = %+v\nwant %+v", i, got, w)
		}
	}
}

// TestTimeslotsBuilderTemplateShared builds an answer from a template it
// shares and from one with an ID and times set, which it must copy
// (without the ID and times) rather than share.
func TestTimeslotsBuilderTemplateShared(t *testing.T) {
	sthlm := tidbok.Stockholm()
	nine := time.Date(2026, 3, 17, 9, 0, 0, 0, sthlm)
	shared := &tidbok.Timeslot{PerformerName: "Dr Anna Öberg", TimeType: tidbok.TimeType{ID: "TT1"}}
	set := &tidbok.Timeslot{ID: "X-9", PerformerName: "Bo Ek", Start: nine, End: nine}
	var b tidbok.TimeslotsBuilder
	anna, bo := b.TemplateShared(shared, sthlm), b.TemplateShared(set, nil)
	b.AddUnixNano(anna, "A-1", nine.UnixNano(), nine.Add(20*time.Minute).UnixNano())
	b.AddUnixNano(bo, "B-1", nine.UnixNano(), nine.Add(10*time.Minute).UnixNano())
	res := b.Result()
	set.PerformerName = "changed" // copied: the answer must not see it
	want := []tidbok.Timeslot{
		{ID: "A-1", PerformerName: "Dr Anna Öberg", TimeType: tidbok.TimeType{ID: "TT1"}, Start: nine, End: nine.Add(20 * time.Minute)},
		{ID: "B-1", PerformerName: "Bo Ek", Start: nine.UTC(), End: nine.Add(10 * time.Minute).UTC()},
	}
	for i, w := range want {
		if got := res.At(i); got != w {
			t.Errorf("At(%d) = %+v\nwant %+v", i, got, w)
		}
	}
}
