package soap_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/webbtidbok/webbtidbok/internal/crmwire"
	"github.com/webbtidbok/webbtidbok/internal/soap"
)

// wireTypes are the payload types of every crm:scheduling contract, by
// their root element's name.
var wireTypes = func() map[xml.Name]reflect.Type {
	m := map[xml.Name]reflect.Type{}
	for _, v := range []any{
		crmwire.GetSubjectOfCareSchedule{}, crmwire.GetSubjectOfCareScheduleResponse{},
		crmwire.GetBookingDetails{}, crmwire.GetBookingDetailsResponse{},
		crmwire.GetAllTimeTypes{}, crmwire.GetAllTimeTypesResponse{},
		crmwire.GetAllCareTypes{}, crmwire.GetAllCareTypesResponse{},
		crmwire.GetAllPerformers{}, crmwire.GetAllPerformersResponse{},
		crmwire.GetAllHealthcareFacilities{}, crmwire.GetAllHealthcareFacilitiesResponse{},
		crmwire.GetAvailableDates{}, crmwire.GetAvailableDatesResponse{},
		crmwire.GetAvailableTimeslots{}, crmwire.GetAvailableTimeslotsResponse{},
		crmwire.MakeBooking{}, crmwire.MakeBookingResponse{},
		crmwire.UpdateBooking{}, crmwire.UpdateBookingResponse{},
		crmwire.CancelBooking{}, crmwire.CancelBookingResponse{},
	} {
		t := reflect.TypeOf(v)
		f, _ := t.FieldByName("XMLName")
		space, local, _ := strings.Cut(f.Tag.Get("xml"), " ")
		m[xml.Name{Space: space, Local: local}] = t
	}
	return m
}()

// FuzzFastPathMatchesReference: Read and DecodePayload, which take the
// scanner and layout fast path when they can, give exactly what the
// encoding/xml reference path gives for the same bytes: the same header,
// fault, payload name and decoded value, or the same error.
func FuzzFastPathMatchesReference(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "crmwire", "testdata", "*.xml"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	ts := crmwire.TimeslotType{StartTimeInclusive: "20250310080000", HealthcareFacility: "SE2321000016-A65H", Purpose: "<para>Välkommen &amp; \"hej\"</para>\t\n"}
	yes := crmwire.Bool(true)
	ts.IsInvitation = &yes
	for _, p := range []any{
		&crmwire.GetAvailableTimeslotsResponse{TimeslotDetail: []crmwire.TimeslotType{ts, ts}},
		&crmwire.GetBookingDetailsResponse{TimeslotDetail: &ts},
		&crmwire.MakeBooking{HealthcareFacilityMed: "x", RequestedTimeslot: &ts, SubjectOfCareInfo: &crmwire.SubjectOfCareType{FirstName: "A", LastName: "B"}},
		&crmwire.GetAllCareTypes{HealthcareFacility: "x", Performer: []string{"a", "", "c"}},
	} {
		b, err := soap.Marshal(soap.Header{Profile: soap.RIVTABP21, LogicalAddress: "SE1", Actor: &soap.Actor{ID: "191212121212", Type: soap.SubjectOfCare}}, p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><wsa:To xmlns:wsa="http://www.w3.org/2005/08/addressing"> SE1 </wsa:To><x:Other xmlns:x="urn:x" s:mustUnderstand="0"/></s:Header><s:Body><GetBookingDetailsResponse xmlns="urn:riv:crm:scheduling:GetBookingDetailsResponder:1"><timeslotDetail><c:purpose xmlns:c="urn:riv:crm:scheduling:1">a<![CDATA[<b>]]>&#xE5;<i>x</i>c</c:purpose><c:isInvitation xmlns:c="urn:riv:crm:scheduling:1"> 1 </c:isInvitation></timeslotDetail><e:any xmlns:e="urn:other">t</e:any></GetBookingDetailsResponse></s:Body></s:Envelope>`))

	f.Add(misplacedAnswer)

	f.Fuzz(func(t *testing.T, data []byte) {
		lim := soap.Limits{MaxBytes: 64 << 10, MaxDepth: 16}
		fast, fastErr := soap.Read(bytes.NewReader(data), lim)
		ref, refErr := soap.ReadReference(bytes.NewReader(data), lim)
		if errors.Is(fastErr, soap.ErrTooManyAttrs) {
			// The scanner stops at the attribute past the limit, without
			// reading the rest of the tag as the reference path does.
			if !errors.Is(refErr, soap.ErrMalformed) {
				t.Fatalf("Read: error %v, reference %v", fastErr, refErr)
			}
			return
		}
		if fmt.Sprint(fastErr) != fmt.Sprint(refErr) {
			t.Fatalf("Read: error %v, reference %v", fastErr, refErr)
		}
		if refErr != nil {
			return
		}
		if diff := cmp.Diff(ref.Header, fast.Header); diff != "" {
			t.Fatalf("header (-reference +fast):\n%s", diff)
		}
		if diff := cmp.Diff(ref.Fault, fast.Fault, cmpopts.IgnoreUnexported(soap.Fault{})); diff != "" {
			t.Fatalf("fault (-reference +fast):\n%s", diff)
		}
		if ref.Payload() != fast.Payload() {
			t.Fatalf("payload %v, reference %v", fast.Payload(), ref.Payload())
		}
		if ref.Fault != nil {
			return
		}
		typ, ok := wireTypes[ref.Payload()]
		if !ok {
			typ = reflect.TypeFor[crmwire.GetAvailableTimeslotsResponse]()
		}
		fv, rv := reflect.New(typ).Interface(), reflect.New(typ).Interface()
		fastErr, refErr = fast.DecodePayload(fv), ref.DecodePayload(rv)
		if errors.Is(fastErr, soap.ErrTooManyAttrs) && errors.Is(refErr, soap.ErrMalformed) {
			return
		}
		if fmt.Sprint(fastErr) != fmt.Sprint(refErr) {
			t.Fatalf("DecodePayload: error %v, reference %v", fastErr, refErr)
		}
		if diff := cmp.Diff(rv, fv); diff != "" {
			t.Fatalf("payload (-reference +fast):\n%s", diff)
		}
		if diff := cmp.Diff(ref.Misplaced(), fast.Misplaced()); diff != "" {
			t.Fatalf("misplaced elements (-reference +fast):\n%s", diff)
		}
		// A list handed in with zeroed room for items decodes the same.
		if typ != reflect.TypeFor[crmwire.GetAvailableTimeslotsResponse]() {
			return
		}
		again, err := soap.Read(bytes.NewReader(data), lim)
		if err != nil {
			t.Fatalf("Read again: %v", err)
		}
		roomy := &crmwire.GetAvailableTimeslotsResponse{TimeslotDetail: make([]crmwire.TimeslotType, 0, 2)}
		if err := again.DecodePayload(roomy); fmt.Sprint(err) != fmt.Sprint(refErr) {
			t.Fatalf("DecodePayload with room: error %v, reference %v", err, refErr)
		}
		if diff := cmp.Diff(rv, roomy, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("payload decoded with room (-reference +fast):\n%s", diff)
		}
	})
}

// FuzzEncodeMatchesReference: the layout encoder writes what encoding/xml
// writes, as far as any reader can tell: the reference reader gives the
// same value back, whatever the text (markup characters, control
// characters, invalid UTF-8).
func FuzzEncodeMatchesReference(f *testing.F) {
	f.Add("20250310080000", "Läkarbesök & <x> \"q\" 'a'", "\x01\r\n\t\xff\ufffe]]>")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		yes := crmwire.Bool(true)
		ts := crmwire.TimeslotType{StartTimeInclusive: a, HealthcareFacility: b, Purpose: c, PerformerName: c + a, IsInvitation: &yes}
		for _, p := range []any{
			&crmwire.GetAvailableTimeslotsResponse{TimeslotDetail: []crmwire.TimeslotType{ts, {HealthcareFacility: c}}},
			&crmwire.MakeBooking{HealthcareFacilityMed: a, RequestedTimeslot: &ts, Notification: b},
			&crmwire.GetAllCareTypes{HealthcareFacility: c, Performer: []string{a, b, c}},
		} {
			ours, err := soap.Marshal(soap.Header{}, p)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := xml.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			want := reflect.New(reflect.TypeOf(p).Elem()).Interface()
			if err := xml.Unmarshal(theirs, want); err != nil {
				t.Fatal(err)
			}
			m, err := soap.ReadReference(bytes.NewReader(ours), soap.Limits{})
			if err != nil {
				t.Fatalf("reading ours: %v\n%s", err, ours)
			}
			got := reflect.New(reflect.TypeOf(p).Elem()).Interface()
			if err := m.DecodePayload(got); err != nil {
				t.Fatalf("decoding ours: %v\n%s", err, ours)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("(-encoding/xml +ours):\n%s\n%s", diff, ours)
			}
		}
	})
}

// misplacedAnswer is a GetAvailableTimeslots answer as a stack built from
// the WSDLs without the core schema writes it: the timeslots' children in
// the responder's namespace, or in none.
var misplacedAnswer = []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` +
	`<r:GetAvailableTimeslotsResponse xmlns:r="urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1" xmlns:c="urn:riv:crm:scheduling:1">` +
	`<r:timeslotDetail><r:startTimeInclusive>20250310080000</r:startTimeInclusive><c:endTimeExclusive>20250310082000</c:endTimeExclusive><c:healthcare_facility>SE1</c:healthcare_facility></r:timeslotDetail>` +
	`<r:timeslotDetail><c:startTimeInclusive>20250310080000</c:startTimeInclusive><healthcare_facility>SE1</healthcare_facility><x:performer xmlns:x="urn:other">p</x:performer></r:timeslotDetail>` +
	`<c:timeslotDetail/><r:other/></r:GetAvailableTimeslotsResponse></s:Body></s:Envelope>`)

func TestMisplacedElementsAreReportedByBothPaths(t *testing.T) {
	t.Parallel()
	const (
		responder = "urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1"
		core      = "urn:riv:crm:scheduling:1"
	)
	want := []soap.Misplaced{
		{Path: "timeslotDetail[1]/startTimeInclusive", Found: responder, Want: core},
		{Path: "timeslotDetail[2]/healthcare_facility", Found: "", Want: core},
		{Path: "timeslotDetail[2]/performer", Found: "urn:other", Want: core},
		{Path: "timeslotDetail", Found: core, Want: responder},
	}
	for name, read := range map[string]func() (*soap.Message, error){
		"fast": func() (*soap.Message, error) { return soap.Read(bytes.NewReader(misplacedAnswer), soap.Limits{}) },
		"reference": func() (*soap.Message, error) {
			return soap.ReadReference(bytes.NewReader(misplacedAnswer), soap.Limits{})
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, err := read()
			if err != nil {
				t.Fatal(err)
			}
			var v crmwire.GetAvailableTimeslotsResponse
			if err := m.DecodePayload(&v); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, m.Misplaced()); diff != "" {
				t.Errorf("Misplaced() (-want +got):\n%s", diff)
			}
		})
	}
}
