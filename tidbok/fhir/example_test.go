package fhir_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// A vendor serves its book as FHIR beside (or instead of) the SOAP
// producer; a FHIR client finds free times with $find as the citizen the
// platform vouches for.
func Example() {
	ctx := context.Background()
	clinic := tidbok.MustHSAID("SE2321000016-A1B2")
	now := time.Date(2026, time.March, 9, 8, 0, 0, 0, tidbok.Stockholm()) // a Monday
	book := memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))
	_ = book.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Ekorren"})
	_ = book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"})
	_, _ = book.PublishWeekly(ctx, staff.Template{
		Facility: clinic, From: tidbok.DateOf(now), To: tidbok.DateOf(now).AddDays(4),
		Weekdays: []time.Weekday{time.Tuesday}, DayStart: 9 * time.Hour, DayEnd: 10 * time.Hour,
		Length: 30 * time.Minute, TimeTypeID: "LAK",
	})

	h, err := fhir.New(book, fhir.Config{
		Facilities:  []tidbok.HSAID{clinic},
		BasePath:    "/fhir",
		AnyConsumer: true, // behind the platform; in production: Consumers
		Clock:       func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/fhir/Appointment/$find?start=2026-03-10&end=2026-03-10", nil)
	req.Header.Set(fhir.ActorHeader, fhir.SystemPersonnummer+"|191212121212")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var bundle struct {
		Total int
		Entry []struct {
			Resource struct{ ResourceType, Status, Start, End, Name string }
		}
	}
	_ = json.NewDecoder(resp.Body).Decode(&bundle)
	fmt.Println(resp.Status, bundle.Total, "proposed appointments")
	for _, e := range bundle.Entry {
		if e.Resource.ResourceType == "Location" { // the clinic, given once
			fmt.Println("at", e.Resource.Name)
			continue
		}
		fmt.Println(e.Resource.Status, e.Resource.Start, e.Resource.End)
	}
	// Output:
	// 200 OK 2 proposed appointments
	// proposed 2026-03-10T09:00:00+01:00 2026-03-10T09:30:00+01:00
	// proposed 2026-03-10T09:30:00+01:00 2026-03-10T10:00:00+01:00
	// at Vårdcentralen Ekorren
}
