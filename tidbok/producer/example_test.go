package producer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

// A vendor serves its book as a crm:scheduling producer behind mutual
// TLS. Here the book is memtidbok and the certificates come from a test
// CA; in production the pool holds the service platform's CA and the
// server certificate is the producer's own.
func Example() {
	clinic := tidbok.MustHSAID("SE2321000016-A65H")
	book := memtidbok.New()
	ctx := context.Background()
	check(book.AddFacility(ctx, tidbok.Facility{ID: clinic, Name: "Vårdcentralen Ekorren"}))
	check(book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}))
	check(book.AddTimeType(ctx, clinic, tidbok.TimeType{ID: "PROV", Name: "Provtagning"}))

	h, err := producer.New(book, producer.Config{
		Facilities: []tidbok.HSAID{clinic},
		// Only this consumer's certificate may call.
		Consumers: []tidbok.HSAID{tidbok.MustHSAID("SE5565594230-B9P")},
	})
	check(err)
	// Who called is known from the client certificate.
	logged := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := producer.ClientHSAID(r); ok {
			fmt.Println("consumer:", id)
		}
		h.ServeHTTP(w, r)
	})

	pki := newExamplePKI()
	srv := httptest.NewUnstartedServer(logged)
	srv.TLS = producer.RequireClientCert(pki.pool)
	srv.TLS.Certificates = []tls.Certificate{pki.server}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	srv.StartTLS()
	defer srv.Close()

	// A consumer with a certificate for its HSA-id asks for the time types.
	consumer := &http.Client{Transport: &http.Transport{TLSClientConfig: pki.clientTLS("SE5565594230-B9P")}}
	resp, err := consumer.Do(getAllTimeTypes(srv.URL, clinic))
	check(err)
	defer resp.Body.Close()
	var answer struct {
		Names []string `xml:"Body>GetAllTimeTypesResponse>ListOfTimeTypes>timeTypeName"`
	}
	check(xml.NewDecoder(resp.Body).Decode(&answer))
	fmt.Println(resp.Status, answer.Names)

	// Without a client certificate the TLS handshake fails.
	stranger := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pki.pool}}}
	_, err = stranger.Do(getAllTimeTypes(srv.URL, clinic))
	fmt.Println("without a client certificate:", err != nil)
	// Output:
	// consumer: SE5565594230-B9P
	// 200 OK [Läkarbesök Provtagning]
	// without a client certificate: true
}

// getAllTimeTypes returns a GetAllTimeTypes request written by hand, as
// any consumer's stack would send it.
func getAllTimeTypes(base string, clinic tidbok.HSAID) *http.Request {
	env := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header>
    <itr:LogicalAddress xmlns:itr="urn:riv:itintegration:registry:1">` + clinic.String() + `</itr:LogicalAddress>
    <ih:Actor xmlns:ih="urn:riv:interoperability:headers:1">
      <ih:actorId>191212121212</ih:actorId><ih:actorType>subject_of_care</ih:actorType>
    </ih:Actor>
  </soapenv:Header>
  <soapenv:Body>
    <t:GetAllTimeTypes xmlns:t="urn:riv:crm:scheduling:GetAllTimeTypesResponder:1"
        xmlns:t11="urn:riv:crm:scheduling:GetAllTimeTypesResponder:1.1">
      <t:healthcare_facility>` + clinic.String() + `</t:healthcare_facility>
      <t11:subject_of_care>191212121212</t11:subject_of_care>
    </t:GetAllTimeTypes>
  </soapenv:Body>
</soapenv:Envelope>`
	req, err := http.NewRequest(http.MethodPost, base+"/vp/crm/scheduling/GetAllTimeTypes/1/rivtabp21", strings.NewReader(env))
	check(err)
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"urn:riv:crm:scheduling:GetAllTimeTypesResponder:1:GetAllTimeTypes"`)
	return req
}

func check(err error) {
	if err != nil {
		panic(err)
	}
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
