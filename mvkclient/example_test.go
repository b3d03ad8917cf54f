package mvkclient_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/testpki"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// clinicOnLoopback stands in for a clinic's producer on the national
// service platform: a book with three free slots on Tuesday 10 March 2026,
// served over mutual TLS. It returns the base URL, the PKI whose CA signs
// both sides, and a function that stops the server.
func clinicOnLoopback() (baseURL string, pki *testpki.PKI, stop func()) {
	pki, err := testpki.Generate(time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	clinic := tidbok.MustHSAID("SE2321000016-A65H")
	now := time.Date(2026, time.March, 9, 8, 0, 0, 0, tidbok.Stockholm())
	book := memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))
	ctx := context.Background()
	if err := errors.Join(
		book.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Ekorren"}),
		book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}),
	); err != nil {
		log.Fatal(err)
	}
	for _, hhmm := range [][2]int{{8, 0}, {8, 20}, {13, 40}} {
		start := time.Date(2026, time.March, 10, hhmm[0], hhmm[1], 0, 0, tidbok.Stockholm())
		if _, err := book.Publish(ctx, staff.SlotSpec{Facility: clinic, Start: start, End: start.Add(20 * time.Minute), TimeTypeID: "LAK"}); err != nil {
			log.Fatal(err)
		}
	}
	h, err := producer.New(book, producer.Config{
		Facilities: []tidbok.HSAID{clinic},
		Consumers:  []tidbok.HSAID{tidbok.MustHSAID("SE2321000016-PORT")}, // the portal's certificate
	})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = pki.ServerTLS() // demands a client certificate from the CA
	srv.StartTLS()
	return srv.URL + "/vp/crm/scheduling", pki, srv.Close
}

// A portal configures one client per producer, with its client
// certificate, and finds the free slots a citizen may book.
func Example() {
	baseURL, pki, stop := clinicOnLoopback()
	defer stop()

	// In production the certificate and the platform's CA come from
	// files: tls.LoadX509KeyPair("portal.pem", "portal.key") and an
	// x509.CertPool with the platform's CA.
	portalCert, err := pki.ClientCert("SE2321000016-PORT")
	if err != nil {
		log.Fatal(err)
	}
	client, err := mvkclient.New(mvkclient.Config{
		BaseURL: baseURL, // e.g. https://<platform>/vp/crm/scheduling
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{portalCert},
			RootCAs:      pki.Pool(),
		},
		// Everything else has defaults: 1.1, all contracts, 10 calls/s,
		// 3 retries for reads, the facility as logical address.
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tuesday := tidbok.DateOf(time.Date(2026, time.March, 10, 0, 0, 0, 0, tidbok.Stockholm()))
	res, err := client.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{
		Facility: tidbok.MustHSAID("SE2321000016-A65H"),
		Subject:  tidbok.MustPersonalNumber("191212121212"),
		From:     tuesday,
		To:       tuesday.AddDays(6),
		TimeType: tidbok.TimeType{ID: "LAK"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, ts := range res.Timeslots {
		fmt.Printf("%s–%s %s\n", ts.Start.Format("Mon 2 Jan 15:04"), ts.End.Format("15:04"), ts.TimeType.Name)
	}
	// Output:
	// Tue 10 Mar 08:00–08:20 Läkarbesök
	// Tue 10 Mar 08:20–08:40 Läkarbesök
	// Tue 10 Mar 13:40–14:00 Läkarbesök
}

// A portal books a slot and tells the citizen what happened, whatever
// happened: the producer's text for a refusal, and a request to check
// "My bookings" when the answer was lost and could not be reconciled.
func ExampleClient_Book() {
	baseURL, pki, stop := clinicOnLoopback()
	defer stop()
	client, err := mvkclient.New(mvkclient.Config{BaseURL: baseURL, TLSConfig: pki.ClientTLS("SE2321000016-PORT")})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	clinic, citizen := tidbok.MustHSAID("SE2321000016-A65H"), tidbok.MustPersonalNumber("191212121212")
	tuesday := tidbok.DateOf(time.Date(2026, time.March, 10, 0, 0, 0, 0, tidbok.Stockholm()))
	free, err := client.AvailableTimeslots(ctx, tidbok.AvailabilityRequest{Facility: clinic, Subject: citizen, From: tuesday, To: tuesday})
	if err != nil {
		log.Fatal(err)
	}

	book := func(slot tidbok.Timeslot) {
		slot.Subject = citizen
		res, err := client.Book(ctx, tidbok.BookRequest{
			Timeslot: slot,
			Contact:  tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson"},
		})
		var text string
		switch {
		case err == nil:
			fmt.Printf("Booked %s.\n", slot.Start.Format("15:04"))
			if res.Notice != "" {
				fmt.Println(res.Notice)
			}
		case errors.Is(err, tidbok.ErrOutcomeUnknown):
			fmt.Println("We could not confirm your booking. Check My bookings before you try again.")
		case errors.Is(err, tidbok.ErrNotSent):
			fmt.Println("The clinic could not be reached. Nothing was booked; please try again.")
		default:
			text, _ = tidbok.CitizenText(err) // the producer's words, for the citizen
			fmt.Printf("Not booked: %s\n", text)
		}
	}
	book(free.Timeslots[0])
	book(free.Timeslots[0]) // the same slot again: taken now
	// Output:
	// Booked 08:00.
	// Not booked: Tiden har just blivit bokad av någon annan. Välj en annan tid.
}
