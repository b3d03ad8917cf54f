package producer_test

import (
	"context"
	"crypto/tls"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// populationRegister stands in for the population register's
// guardianships (a portal's booking.GuardianResolver serves as well).
type populationRegister map[[2]string]bool

func (r populationRegister) IsGuardian(_ context.Context, guardian, child tidbok.PersonalNumber) (bool, error) {
	return r[[2]string{guardian.Canonical(), child.Canonical()}], nil
}

// A vendor lets only the portal's certificate call, checks each request's
// actor under the default Strict policy, lets guardians act for children
// under 13 as the population register says, and audits every access.
func ExampleConfig_policy() {
	clinic := tidbok.MustHSAID("SE2321000016-A65H")
	guardian := tidbok.MustPersonalNumber("198507099805")
	child := tidbok.MustPersonalNumber("201802022382")
	stranger := tidbok.MustPersonalNumber("199001012385")
	today := func() time.Time { return time.Date(2026, time.January, 12, 9, 0, 0, 0, tidbok.Stockholm()) }

	// The clinic's book, with the child's booking.
	book := memtidbok.New(memtidbok.WithClock(today))
	check(book.AddFacility(context.Background(), tidbok.Facility{ID: clinic, Name: "Vårdcentralen Ekorren"}))
	check(book.AddTimeType(context.Background(), clinic, tidbok.TimeType{ID: "BVC", Name: "Barnvaccination"}))
	start := time.Date(2026, time.January, 14, 10, 0, 0, 0, tidbok.Stockholm())
	slot, err := book.Publish(context.Background(), staff.SlotSpec{Facility: clinic, Start: start, End: start.Add(20 * time.Minute), TimeTypeID: "BVC"})
	check(err)
	booked, err := book.Book(context.Background(), tidbok.BookRequest{
		Timeslot: tidbok.Timeslot{ID: slot, Facility: clinic, Start: start, End: start.Add(20 * time.Minute), Subject: child},
		Contact:  tidbok.ContactInfo{FirstName: "Lilla", LastName: "Tolvansson"},
	})
	check(err)

	h, err := producer.New(book, producer.Config{
		Facilities: []tidbok.HSAID{clinic},
		Consumers:  []tidbok.HSAID{tidbok.MustHSAID("SE5565594230-B9P")},
		// Policy: producer.Strict is the zero value.
		Proxies: producer.GuardianUnder13(populationRegister{{guardian.Canonical(), child.Canonical()}: true}, today),
		Audit: producer.AuditFunc(func(_ context.Context, e producer.Event) error {
			// Production writes the event to durable storage.
			fmt.Printf("audit: %s by %v for %v: %s\n", e.Operation.Contract(), e.Actor.Person, e.Subject, e.Outcome)
			return nil
		}),
		Clock: today,
	})
	check(err)

	pki := newExamplePKI()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = producer.RequireClientCert(pki.pool)
	srv.TLS.Certificates = []tls.Certificate{pki.server}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	portal := &http.Client{Transport: &http.Transport{TLSClientConfig: pki.clientTLS("SE5565594230-B9P")}}
	other := &http.Client{Transport: &http.Transport{TLSClientConfig: pki.clientTLS("SE2321000016-OTHR")}}

	fmt.Println("guardian:", askDetails(portal, srv.URL, clinic, booked.BookingID, guardian))
	fmt.Println("stranger:", askDetails(portal, srv.URL, clinic, booked.BookingID, stranger))
	fmt.Println("unknown ID:", askDetails(portal, srv.URL, clinic, "no-such-booking", stranger))
	fmt.Println("another consumer:", askDetails(other, srv.URL, clinic, booked.BookingID, guardian))
	// Output:
	// audit: GetBookingDetails by 19850709-**** for 20180202-****: done
	// guardian: booking at 2026-01-14T10:00:00+01:00
	// audit: GetBookingDetails by 19900101-**** for 20180202-****: forbidden
	// stranger: fault: GetBookingDetails: not found
	// audit: GetBookingDetails by 19900101-**** for 19900101-****: not found
	// unknown ID: fault: GetBookingDetails: not found
	// another consumer: fault: consumer SE2321000016-OTHR may not call this producer: ask the clinic's vendor to add its HSA-id to the producer's consumers
}

// askDetails sends GetBookingDetails for booking id with actor in the
// ih:Actor header, written by hand as any consumer's stack would, and
// describes the answer.
func askDetails(c *http.Client, base string, clinic tidbok.HSAID, id string, actor tidbok.PersonalNumber) string {
	env := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header>
    <itr:LogicalAddress xmlns:itr="urn:riv:itintegration:registry:1">` + clinic.String() + `</itr:LogicalAddress>
    <ih:Actor xmlns:ih="urn:riv:interoperability:headers:1">
      <ih:actorId>` + actor.Canonical() + `</ih:actorId><ih:actorType>subject_of_care</ih:actorType>
    </ih:Actor>
  </soapenv:Header>
  <soapenv:Body>
    <t:GetBookingDetails xmlns:t="urn:riv:crm:scheduling:GetBookingDetailsResponder:1">
      <t:healthcare_facility>` + clinic.String() + `</t:healthcare_facility>
      <t:bookingId>` + id + `</t:bookingId>
    </t:GetBookingDetails>
  </soapenv:Body>
</soapenv:Envelope>`
	req, err := http.NewRequest(http.MethodPost, base+"/GetBookingDetails/1/rivtabp21", strings.NewReader(env))
	check(err)
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"urn:riv:crm:scheduling:GetBookingDetailsResponder:1:GetBookingDetails"`)
	resp, err := c.Do(req)
	check(err)
	defer resp.Body.Close()
	var answer struct {
		Start string `xml:"Body>GetBookingDetailsResponse>timeslotDetail>startTimeInclusive"`
		Fault string `xml:"Body>Fault>faultstring"`
	}
	check(xml.NewDecoder(resp.Body).Decode(&answer))
	if answer.Fault != "" {
		return "fault: " + answer.Fault
	}
	at, err := time.ParseInLocation("20060102150405", answer.Start, tidbok.Stockholm())
	check(err)
	return "booking at " + at.Format(time.RFC3339)
}
