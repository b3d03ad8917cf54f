package mvkclient_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/http/httptest"
	"time"

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
func clinicOnLoopback() (baseURL string, pki *examplePKI, stop func()) {
	pki = newExamplePKI()
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
	srv.TLS = &tls.Config{ // demands a client certificate from the CA
		Certificates: []tls.Certificate{pki.server},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pki.pool,
		MinVersion:   tls.VersionTLS12,
	}
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
	portalCert := pki.clientCert("SE2321000016-PORT")
	client, err := mvkclient.New(mvkclient.Config{
		BaseURL: baseURL, // e.g. https://<platform>/vp/crm/scheduling
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{portalCert},
			RootCAs:      pki.pool,
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
	for ts := range res.All() {
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
	client, err := mvkclient.New(mvkclient.Config{BaseURL: baseURL, TLSConfig: pki.clientTLS("SE2321000016-PORT")})
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
	book(free.At(0))
	book(free.At(0)) // the same slot again: taken now
	// Output:
	// Booked 08:00.
	// Not booked: Tiden har just blivit bokad av någon annan. Välj en annan tid.
}

// examplePKI is a throwaway certificate authority made for the example,
// standing in for the service platform's (SITHS in production): it signs
// a server certificate for the loopback address and client certificates
// that carry an HSA-id in the subject's serialNumber, where a SITHS
// function certificate has it and where the producer reads it. Its keys
// live in memory only and its certificates are valid for an hour.
type examplePKI struct {
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	pool   *x509.CertPool  // the CA: a client's RootCAs, a server's ClientCAs
	server tls.Certificate // for localhost, 127.0.0.1 and ::1
}

// newExamplePKI makes a CA and a server certificate it signs.
func newExamplePKI() *examplePKI {
	p := &examplePKI{pool: x509.NewCertPool()}
	ca := p.issue(&x509.Certificate{
		Subject:               pkix.Name{CommonName: "example CA"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign,
	})
	p.ca, p.caKey = ca.Leaf, ca.PrivateKey.(*ecdsa.PrivateKey)
	p.pool.AddCert(p.ca)
	p.server = p.issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "localhost"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	return p
}

// clientCert returns a new client certificate for hsaID.
func (p *examplePKI) clientCert(hsaID string) tls.Certificate {
	return p.issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: hsaID, SerialNumber: hsaID},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

// clientTLS returns a client's configuration that trusts the CA and
// presents a new client certificate for hsaID.
func (p *examplePKI) clientTLS(hsaID string) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{p.clientCert(hsaID)},
		RootCAs:      p.pool,
		MinVersion:   tls.VersionTLS12,
	}
}

// issue makes a new key and a certificate for it from tmpl, signed by the
// CA or, while there is none, by itself.
func (p *examplePKI) issue(tmpl *x509.Certificate) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	if tmpl.SerialNumber, err = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127)); err != nil {
		log.Fatal(err)
	}
	now := time.Now()
	tmpl.NotBefore, tmpl.NotAfter = now.Add(-time.Minute), now.Add(time.Hour)
	parent, signer := tmpl, key
	if p.ca != nil {
		parent, signer = p.ca, p.caKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		log.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		log.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}
