package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/testpki"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// genCerts writes a throwaway CA, a server certificate for localhost, a
// client certificate for consumer and a sample GetAllTimeTypes request to
// dir, and tells w how to use them.
func genCerts(dir, consumer string, facility tidbok.HSAID, w io.Writer) error {
	if _, err := tidbok.ParseHSAID(consumer); err != nil {
		return fmt.Errorf("-consumer: %w", err)
	}
	pki, err := testpki.Generate(30 * 24 * time.Hour)
	if err != nil {
		return err
	}
	serverCert, serverKey, err := pki.ServerPEM()
	if err != nil {
		return err
	}
	clientCert, clientKey, err := pki.ClientPEM(consumer)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{"ca.pem", pki.CAPEM(), 0o644},
		{"server.pem", serverCert, 0o644},
		{"server-key.pem", serverKey, 0o600},
		{"client.pem", clientCert, 0o644},
		{"client-key.pem", clientKey, 0o600},
		{"GetAllTimeTypes.xml", []byte(sampleRequest(facility)), 0o644},
	} {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, `Wrote a test CA, certificates (valid 30 days, not for production) and a request to %[1]s.
Serve with client certificates:
  go run ./examples/producer -facility %[2]s -cert %[1]s/server.pem -key %[1]s/server-key.pem -client-ca %[1]s/ca.pem -consumers %[3]s
Call it as consumer %[3]s:
  curl --cacert %[1]s/ca.pem --cert %[1]s/client.pem --key %[1]s/client-key.pem \
    -H 'Content-Type: text/xml; charset=utf-8' \
    -H 'SOAPAction: "urn:riv:crm:scheduling:GetAllTimeTypesResponder:1:GetAllTimeTypes"' \
    --data-binary @%[1]s/GetAllTimeTypes.xml https://localhost:8081/GetAllTimeTypes/1/rivtabp21
`, dir, facility, consumer)
	return nil
}

// sampleRequest is a GetAllTimeTypes request to facility, as a consumer
// writes it, for the test citizen Tolvan Tolvansson.
func sampleRequest(facility tidbok.HSAID) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header>
    <itr:LogicalAddress xmlns:itr="urn:riv:itintegration:registry:1">` + facility.String() + `</itr:LogicalAddress>
    <ih:Actor xmlns:ih="urn:riv:interoperability:headers:1">
      <ih:actorId>191212121212</ih:actorId>
      <ih:actorType>subject_of_care</ih:actorType>
    </ih:Actor>
  </soapenv:Header>
  <soapenv:Body>
    <t:GetAllTimeTypes xmlns:t="urn:riv:crm:scheduling:GetAllTimeTypesResponder:1"
        xmlns:t11="urn:riv:crm:scheduling:GetAllTimeTypesResponder:1.1">
      <t:healthcare_facility>` + facility.String() + `</t:healthcare_facility>
      <t11:subject_of_care>191212121212</t11:subject_of_care>
    </t:GetAllTimeTypes>
  </soapenv:Body>
</soapenv:Envelope>
`
}
