package crmwire

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// decodeByWireStruct is DecodeResponse for GetAvailableTimeslots read
// only through the wire struct: what the token decoder must agree with.
func decodeByWireStruct(data []byte, lim soap.Limits) (any, error) {
	m, err := soap.Read(bytes.NewReader(data), lim)
	if err != nil {
		return nil, &wireError{msg: "reading GetAvailableTimeslotsResponse", err: err}
	}
	if m.Fault != nil {
		return nil, m.Fault
	}
	c := contracts[tidbok.OpAvailableTimeslots]
	if m.Payload() != c.Response() {
		return nil, errors.New("another payload")
	}
	w := codecs[tidbok.OpAvailableTimeslots].newResponse()
	if err := m.DecodePayload(w); err != nil {
		if !errors.Is(err, ErrMalformed) {
			return nil, &wireError{msg: "reading " + c.Name + "Response", err: err}
		}
		return nil, &decodeError{what: c.Name + "Response", cause: err}
	}
	var ch checker
	ch.misplaced(m.Misplaced())
	res, _ := w.tidbok(&ch, tidbok.OpAvailableTimeslots)
	if err := ch.err(c.Name+"Response", false); err != nil {
		return nil, err
	}
	return res, nil
}

// sameAnswer compares two results exactly: slot by slot, times by their
// instant and location (the token decoder's answer is compact, the wire
// struct's a slice, so they are compared through their slots).
func sameAnswer(t *testing.T, a, b any) {
	t.Helper()
	if (a == nil) != (b == nil) {
		t.Fatalf("token decoder %v, wire struct %v", a, b)
	}
	ra, _ := a.(tidbok.AvailableTimeslotsResult)
	rb, _ := b.(tidbok.AvailableTimeslotsResult)
	if diff := cmp.Diff(ra.Slice(), rb.Slice(), cmp.Exporter(func(t reflect.Type) bool {
		return t.PkgPath() == reflect.TypeFor[tidbok.Timeslot]().PkgPath()
	})); diff != "" {
		t.Fatalf("token decoder and wire struct differ (-tokens +struct):\n%s", diff)
	}
	for i := range ra.Len() {
		x, y := ra.At(i), rb.At(i)
		if x.Start != y.Start || x.End != y.End {
			t.Fatalf("slot %d: times %v–%v, want %v–%v", i+1, x.Start, x.End, y.Start, y.End)
		}
	}
}

// timeslotAnswers are answers the token decoder takes or gives up on:
// each must come out as the wire struct reads it.
func timeslotAnswers(t testing.TB) [][]byte {
	env, err := EncodeResponse(tidbok.OpAvailableTimeslots, benchSlots(t, 4))
	if err != nil {
		t.Fatal(err)
	}
	full, err := EncodeResponse(tidbok.OpAvailableTimeslots, tidbok.NewAvailableTimeslots([]tidbok.Timeslot{fullSlot(t), fullSlot(t)}))
	if err != nil {
		t.Fatal(err)
	}
	s := string(env)
	out := [][]byte{env, full}
	for _, edit := range []struct{ from, to string }{
		{"<ns2:performer>", "<ns2:performer>\n "},                                                                              // trimmed HSA-id
		{"<ns2:bookingId>FREE-000003", "<ns2:bookingId> FREE-&amp;000003"},                                                     // a reference
		{"<ns2:timeTypeID>TT1</ns2:timeTypeID>", ""},                                                                           // left out
		{"<ns2:startTimeInclusive>20250310", "<ns2:startTimeInclusive> 20250310"},                                              // trimmed time
		{"<ns2:startTimeInclusive>20250310080000", "<ns2:startTimeInclusive>20250310080060"},                                   // bad second
		{"<ns2:startTimeInclusive>20250310081500", "<ns2:startTimeInclusive></ns2:startTimeInclusive><x"},                      // broken
		{"<ns2:endTimeExclusive>20250310083000</ns2:endTimeExclusive>", ""},                                                    // required
		{"<ns2:resourceID>R12</ns2:resourceID>", "<ns2:resourceID>R12</ns2:resourceID><ns2:resourceName>x</ns2:resourceName>"}, // order
		{"<ns2:resourceID>R12</ns2:resourceID>", "<ns3:resourceID>R12</ns3:resourceID>"},                                       // namespace
		{"<ns2:resourceID>R12</ns2:resourceID>", "<resourceID>R12</resourceID>"},                                               // no namespace
		{"<ns2:resourceID>R12</ns2:resourceID>", "<ns2:isInvitation>1</ns2:isInvitation>"},                                     // core isInvitation
		{"<ns2:resourceID>R12</ns2:resourceID>", "<ns2:subject_of_care>191212121212</ns2:subject_of_care>"},
		{"<ns2:healthcare_facility>", "<ns2:healthcare_facility>x"}, // bad HSA-id
		{"<ns2:timeTypeID>TT1</ns2:timeTypeID>", "<ns2:timeTypeID>TT1</ns2:timeTypeID><ns2:cancel_booking_allowed> 0 </ns2:cancel_booking_allowed>"},
		{"<ns2:timeTypeID>TT1</ns2:timeTypeID>", "<ns2:timeTypeID>TT1</ns2:timeTypeID><ns2:message_allowed>yes</ns2:message_allowed>"},
		{"<ns2:timeTypeName>", "<ns2:timeTypeName><!-- c -->"}, // a comment
		{"</ns1:GetAvailableTimeslotsResponse>", "<ns1:other/></ns1:GetAvailableTimeslotsResponse>"},
		{"</soapenv:Body>", "<x/></soapenv:Body>"},                               // after the payload
		{"<ns2:startTimeInclusive>20250310", "<ns2:startTimeInclusive>20260329"}, // spring gap
		{"<ns2:startTimeInclusive>20250310", "<ns2:startTimeInclusive>20251026"}, // autumn repeat
		{"<ns2:startTimeInclusive>20250310", "<ns2:startTimeInclusive>20500310"}, // past the cached years
		// A slot that binds its prefix to another namespace, or to the
		// same one again, or writes another prefix.
		{"<ns1:timeslotDetail><ns2:startTimeInclusive>20250310081500", `<ns1:timeslotDetail xmlns:ns2="urn:riv:crm:scheduling:1.1"><ns2:startTimeInclusive>20250310081500`},
		{"<ns1:timeslotDetail><ns2:startTimeInclusive>20250310081500", `<ns1:timeslotDetail xmlns:ns2="urn:riv:crm:scheduling:1"><ns2:startTimeInclusive>20250310081500`},
		{"<ns2:performer>SE2321000016-DR01</ns2:performer>", `<ns3:performer xmlns:ns3="urn:riv:crm:scheduling:1">SE2321000016-DR01</ns3:performer>`},
		{"<ns2:performer>SE2321000016-DR01</ns2:performer>", `<ns2:performer xmlns:ns2="urn:riv:crm:scheduling:1.1">SE2321000016-DR01</ns2:performer>`},
		{"<ns2:performer>SE2321000016-DR01</ns2:performer>", `<ns2:performer >SE2321000016-DR01</ns2:performer >`},
		{"<ns2:timeTypeName>", "\n  <ns2:timeTypeName>"},
	} {
		if !strings.Contains(s, edit.from) {
			t.Fatalf("no %q in the answer", edit.from)
		}
		out = append(out, []byte(strings.Replace(s, edit.from, edit.to, 1)))
		out = append(out, []byte(strings.ReplaceAll(s, edit.from, edit.to)))
	}
	// A text with a reference, then the same text written raw (not XML),
	// or again with the reference.
	raw := strings.ReplaceAll(s, "<ns2:timeTypeID>TT1<", "<ns2:timeTypeID>T&1<")
	out = append(out, []byte(strings.Replace(raw, "<ns2:timeTypeID>T&1<", "<ns2:timeTypeID>T&amp;1<", 1)))
	out = append(out, []byte(strings.ReplaceAll(raw, "<ns2:timeTypeID>T&1<", "<ns2:timeTypeID>T&amp;1<")))
	raw = strings.Replace(raw, "<ns2:timeTypeID>T&1<", "<ns2:timeTypeID>X<", 1)
	out = append(out, []byte(strings.Replace(raw, "<ns2:timeTypeID>T&1<", "<ns2:timeTypeID>T&amp;1<", 1)))
	// The elements after a bookingId repeated by the slots before, then
	// in the last slot followed by one more, by one out of order, by a
	// repeated one, or cut short; and a repeat after a slot whose
	// elements were not all read by name.
	last := strings.LastIndex(s, "</ns2:timeTypeID>") + len("</ns2:timeTypeID>")
	for _, more := range []string{
		"<ns2:careTypeName>x</ns2:careTypeName>",
		"<ns2:resourceName>x</ns2:resourceName>",
		"<ns2:timeTypeID>TT1</ns2:timeTypeID>",
		"<ns2:cancel_booking_allowed>true</ns2:cancel_booking_allowed>",
		"<ns2:careTypeName>x</ns2:careTypeName><ns2:careTypeID>y</ns2:careTypeID><ns3:isInvitation>1</ns3:isInvitation>",
		"<ns2:isInvitation>1</ns2:isInvitation>",
		"<x/>",
	} {
		out = append(out, []byte(s[:last]+more+s[last:]))
	}
	cut := strings.LastIndex(s, "<ns2:timeTypeID>TT1</ns2:timeTypeID>")
	out = append(out, []byte(s[:cut]+s[last:]))
	second := strings.Index(s, "<ns2:bookingId>FREE-000001")
	out = append(out, []byte(s[:second]+strings.Replace(s[second:], "<ns2:resourceName>", " <ns2:resourceName>", 1)))
	out = append(out, []byte(s[:second]+strings.Replace(s[second:], "<ns2:resourceName>", `<ns2:resourceName xmlns:ns4="urn:x">`, 1)))
	out = append(out, []byte(s[:second]+strings.Replace(s[second:], "</ns2:resourceID>", `</ns2:resourceID ><!-- c -->`, 1)))
	// An item that binds a prefix, then plain ones.
	out = append(out, []byte(strings.Replace(s, "<ns1:timeslotDetail>", `<ns1:timeslotDetail xmlns:ns2="urn:riv:crm:scheduling:1">`, 2)))
	return out
}

func TestTimeslotTokensMatchWireStruct(t *testing.T) {
	for i, data := range timeslotAnswers(t) {
		got, err := DecodeResponse(tidbok.OpAvailableTimeslots, bytes.NewReader(data), soap.Limits{})
		want, wantErr := decodeByWireStruct(data, soap.Limits{})
		if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("answer %d: error %v, want %v\n%s", i, err, wantErr, data)
		}
		sameAnswer(t, got, want)
	}
}

// FuzzTimeslotTokensMatchWireStruct: the token decoder of
// GetAvailableTimeslots answers agrees with the wire struct on every
// input, in result and in error.
func FuzzTimeslotTokensMatchWireStruct(f *testing.F) {
	for _, data := range timeslotAnswers(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodeResponse(tidbok.OpAvailableTimeslots, bytes.NewReader(data), fuzzLimits)
		want, wantErr := decodeByWireStruct(data, fuzzLimits)
		if wantErr != nil && strings.Contains(wantErr.Error(), "another payload") {
			return
		}
		if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("error %v, want %v", err, wantErr)
		}
		sameAnswer(t, got, want)
	})
}

// TestFreeSlotsEncodeAsWireStruct: the answer written from tidbok values
// is, byte for byte, the one its wire struct's layout writes.
func TestFreeSlotsEncodeAsWireStruct(t *testing.T) {
	edge := fullSlot(t)
	edge.Facility = tidbok.HSAID{}
	edge.Start = time.Time{}
	edge.Flags = tidbok.Flags{MayCancel: true, MayMessage: true}
	edge.Invitation = true
	far := fullSlot(t)
	far.Start = time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)
	far.End = time.Date(999, 3, 1, 0, 0, 0, 0, time.UTC)
	renamed := far
	renamed.ID, renamed.TimeType.Name = "other", "Tid & rum"
	for _, slots := range [][]tidbok.Timeslot{
		benchSlots(t, 50).Slice(),
		{fullSlot(t), edge, far},
		// Slots whose elements after bookingId repeat the slot before's,
		// or differ in one of them only.
		{fullSlot(t), far, edge, edge, far, renamed, far},
		{},
	} {
		// The same slots as a slice and as a book's compact answer.
		var b tidbok.TimeslotsBuilder
		for _, ts := range slots {
			b.Add(b.Template(ts), ts.ID, ts.Start, ts.End)
		}
		for _, res := range []tidbok.AvailableTimeslotsResult{tidbok.NewAvailableTimeslots(slots), b.Result()} {
			encodeAsWireStruct(t, res)
		}
	}
}

// encodeAsWireStruct checks that res is written as its wire struct is.
func encodeAsWireStruct(t *testing.T, res tidbok.AvailableTimeslotsResult) {
	t.Helper()
	got, err := EncodeResponse(tidbok.OpAvailableTimeslots, res)
	if err != nil {
		t.Fatal(err)
	}
	want, err := soap.Marshal(soap.Header{}, &GetAvailableTimeslotsResponse{TimeslotDetail: timeslotsToWire(res.Slice(), styleFree)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("written from the slots:\n%s\nby the wire struct:\n%s", got, want)
	}
}

// TestWireTimesMatchTidbok: wire times written through the day cache
// and read through the hour cache are those of tidbok's functions,
// across the changes to and from summer time, in order and out of it.
func TestWireTimesMatchTidbok(t *testing.T) {
	var wt wireTimes
	var hours wireHours
	check := func(u time.Time) {
		got := string(wt.append(nil, u))
		if want := tidbok.FormatWireTime(u); got != want {
			t.Fatalf("%v written %s, want %s", u, got, want)
		}
		p, ok := hours.parse([]byte(got))
		want, err := tidbok.ParseWireTime(got)
		if ok != (err == nil) || p != want {
			t.Fatalf("%s read %v (%v), want %v (%v)", got, p, ok, want, err)
		}
	}
	step := 7*time.Minute + 13*time.Second
	if testing.Short() {
		step = 37 * time.Minute
	}
	for _, y := range []int{1900, 1980, 1981, 1996, 2025, 2026, 2037, 2038, 2100} {
		for _, mo := range []time.Month{time.March, time.October} {
			from := time.Date(y, mo, 20, 0, 0, 0, 0, time.UTC)
			for u := from; u.Before(from.AddDate(0, 0, 12)); u = u.Add(step) {
				check(u)
			}
		}
	}
	// Every wall hour of the cached years' change days (the last Sunday
	// of March, of September until 1995, of October since), gaps
	// included, and of the days around them.
	for y := cachedYearMin; y <= cachedYearMax; y++ {
		for _, mo := range []time.Month{time.March, time.September, time.October} {
			for d := 23; d <= 31; d++ {
				if mo == time.September && d == 31 {
					continue
				}
				for _, hms := range []int{0, 1, 30*60 + 7, 59*60 + 59} {
					for h := range 24 {
						s := time.Date(y, mo, d, h, 0, 0, 0, time.UTC).Format("2006010215") +
							time.Date(0, 1, 1, 0, 0, hms, 0, time.UTC).Format("0405")
						p, ok := hours.parse([]byte(s))
						want, err := tidbok.ParseWireTime(s)
						if ok != (err == nil) || p != want {
							t.Fatalf("%s read %v (%v), want %v (%v)", s, p, ok, want, err)
						}
					}
				}
			}
		}
	}
	// Out of order: the caches move back and forth.
	base := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)
	for _, d := range []time.Duration{0, 90 * time.Minute, -48 * time.Hour, 30 * time.Minute, 5000 * time.Hour, time.Hour} {
		check(base.Add(d))
	}
}
