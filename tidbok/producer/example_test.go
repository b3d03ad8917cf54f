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

	"github.com/webbtidbok/webbtidbok/internal/testpki"
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

	pki, err := testpki.Generate(time.Hour)
	check(err)
	srv := httptest.NewUnstartedServer(logged)
	srv.TLS = producer.RequireClientCert(pki.Pool())
	srv.TLS.Certificates = []tls.Certificate{pki.ServerCert()}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	srv.StartTLS()
	defer srv.Close()

	// A consumer with a certificate for its HSA-id asks for the time types.
	consumer := &http.Client{Transport: &http.Transport{TLSClientConfig: pki.ClientTLS("SE5565594230-B9P")}}
	resp, err := consumer.Do(getAllTimeTypes(srv.URL, clinic))
	check(err)
	defer resp.Body.Close()
	var answer struct {
		Names []string `xml:"Body>GetAllTimeTypesResponse>ListOfTimeTypes>timeTypeName"`
	}
	check(xml.NewDecoder(resp.Body).Decode(&answer))
	fmt.Println(resp.Status, answer.Names)

	// Without a client certificate the TLS handshake fails.
	stranger := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pki.Pool()}}}
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
